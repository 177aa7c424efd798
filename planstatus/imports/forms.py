from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from planstatus.core.status import status_label
from planstatus.imports.services import actor_name_limit, max_length
from planstatus.lib.importers.base import MAX_UPLOAD_BYTES, STATUSES
from planstatus.plans.forms import TEXT_MAX
from planstatus.plans.models import FocusArea, Measure, Plan
from planstatus.regions.models import Region

ACCEPT = ".txt,.docx,.odt,.pdf,.xlsx,.ods,.csv"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Plan document"),
        help_text=_(
            "Word (.docx), PDF with text, Excel (.xlsx), LibreOffice (.odt, .ods), CSV or plain "
            "text. At most 10 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    target_plan = forms.ModelChoiceField(
        label=_("Revise an existing plan"),
        queryset=Plan.objects.none(),
        required=False,
        empty_label=_("No – import as a new plan"),
    )

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target = self.fields["target_plan"]
        assert isinstance(target, forms.ModelChoiceField)
        target.queryset = region.plans.all()

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if f.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is too large (%(size)s MB). The limit is 10 MB."),
                params={"size": f"{f.size / 1_000_000:.1f}"},
            )
        return f


def split_names(value: str) -> list[str]:
    return [n.strip() for n in re.split(r"[;\n]", value) if n.strip()]


def check_actor_names(value: str) -> str:
    limit = actor_name_limit()
    for name in split_names(value):
        if len(name) > limit:
            raise forms.ValidationError(
                _("The actor name «%(name)s…» has %(length)s characters; at most %(limit)s fit."),
                params={"name": name[:40], "length": len(name), "limit": limit},
            )
    return value


class MeasureRowForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=max_length(Measure, "code"), required=False)
    text = forms.CharField(
        label=_("Measure"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("The measure needs a text.")},
    )
    timing = forms.CharField(
        label=_("Time"), max_length=max_length(Measure, "timing_text"), required=False
    )
    responsible = forms.CharField(
        label=_("Responsible"),
        max_length=1000,
        required=False,
        help_text=_("Separate actors with ;"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    involved = forms.CharField(
        label=_("Involved"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    status = forms.ChoiceField(label=_("Status"), choices=[(s, status_label(s)) for s in STATUSES])

    def clean_responsible(self) -> str:
        return check_actor_names(self.cleaned_data["responsible"])

    def clean_involved(self) -> str:
        return check_actor_names(self.cleaned_data["involved"])


MeasureRowFormSet = forms.formset_factory(MeasureRowForm, extra=0, max_num=5000)


class HeadingForm(forms.Form):
    text = forms.CharField(max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}))


HeadingFormSet = forms.formset_factory(HeadingForm, extra=0, max_num=2000)


class AreaHeadingForm(forms.Form):
    # A goal's text has no limit below TEXT_MAX; a focus area's name has its column's.
    text = forms.CharField(
        max_length=max_length(FocusArea, "name"), widget=forms.Textarea(attrs={"rows": 2})
    )


AreaHeadingFormSet = forms.formset_factory(AreaHeadingForm, extra=0, max_num=2000)


class PlanDetailsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=max_length(Plan, "title"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Plan.Kind.choices)
