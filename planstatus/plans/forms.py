from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from planstatus.plans.models import Measure, Status

COMMENT_MAX = 2000
TEXT_MAX = 5000


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("At most %(n)s characters.") % {"n": COMMENT_MAX},
    )
    comment_is_public = forms.BooleanField(
        label=_("The comment may be shown on the public pages"), required=False
    )


class MeasureForm(forms.ModelForm):
    text = forms.CharField(
        label=_("Measure"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("The measure needs a text.")},
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = Measure
        fields = ["text", "timing_text", "note"]
        labels = {"timing_text": _("Time")}
        help_texts = {"timing_text": _("For example 2025, 2025–2026, årleg or Kont.")}
