from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from planstatus.feedback.models import ANSWER_MAX, TEXT_MAX, PublicInput
from planstatus.regions.models import Region


class InputForm(forms.Form):
    text = forms.CharField(
        label=_("Your input"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "It goes to the secretariat of the regional council, not straight to this page. "
            "At most %(n)s characters."
        )
        % {"n": TEXT_MAX},
    )
    email = forms.EmailField(
        label=_("Your e-mail address (optional)"),
        required=False,
        max_length=254,
        help_text=_(
            "Only if you want an answer. It is used for nothing else, shown to nobody but "
            "the secretariat, and deleted at the latest after the time the region has chosen."
        ),
    )
    # A field people never see or reach: a program that fills in every field fills it in.
    nettstad = forms.CharField(required=False, max_length=200, label=_("Leave this empty"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its own ids: the measure page has the secretariat's forms beside it («text» too).
        kwargs.setdefault("auto_id", "innspel_%s")
        super().__init__(*args, **kwargs)

    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("nettstad"))


class AnswerForm(forms.ModelForm):
    answer = forms.CharField(
        label=_("Answer"),
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    public_question = forms.CharField(
        label=_("The question as shown publicly"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Take out names and anything personal. Needed to publish."),
    )
    published = forms.BooleanField(
        label=_("Publish the question and answer under the measure"), required=False
    )

    class Meta:
        model = PublicInput
        fields = ["answer", "public_question", "published"]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("published") and not (data.get("public_question") or "").strip():
            self.add_error(
                "public_question", _("Write the question as it is to be shown, to publish it.")
            )
        return data


class RetentionForm(forms.ModelForm):
    input_email_days = forms.IntegerField(
        label=_("Delete e-mail addresses left with input after (days)"),
        min_value=1,
        max_value=730,
    )

    class Meta:
        model = Region
        fields = ["input_email_days"]


class InboxFilterForm(forms.Form):
    OPEN, ANSWERED = "opne", "svara"
    vis = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("", _("all")), (OPEN, _("not answered")), (ANSWERED, _("answered"))],
    )
