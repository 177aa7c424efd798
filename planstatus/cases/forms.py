from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from planstatus.cases.services import closed_rounds
from planstatus.lib.reports.content import CaseDetails, highlight_points
from planstatus.plans.models import Plan
from planstatus.reporting.models import ReportingRound

NOW = "now"
STATUS_CASE = "status"
ANNUAL_REPORT = "annual"
TEXT_MAX = 5000
HIGHLIGHTS_MAX = 1500
HIGHLIGHTS_MOST = 5


class CaseForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Document"),
        choices=[
            (STATUS_CASE, _("Status case")),
            (ANNUAL_REPORT, _("Annual report: the status case with each goal's indicators")),
        ],
        initial=STATUS_CASE,
        widget=forms.RadioSelect,
        required=False,  # a form from before the annual report makes a status case
    )
    round = forms.ChoiceField(label=_("Statuses from"))
    case_number = forms.CharField(
        label=_("Case number"),
        max_length=30,
        help_text=_("For example 16-25."),
        validators=[
            RegexValidator(
                r"^[\w ./-]+\Z",
                _("Use letters, digits, spaces, dots, hyphens and slashes only, such as 16-25."),
            )
        ],
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
    )
    background = forms.CharField(
        label=_("Background"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("An empty line starts a new paragraph."),
    )
    highlights = forms.CharField(
        label=_("Points to highlight"),
        required=False,
        max_length=HIGHLIGHTS_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Three to five things the secretariat wants the politicians to notice, one a "
            "line. They stand first in the case, with the summary."
        ),
    )
    proposed_resolution = forms.CharField(
        label=_("Proposed resolution"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    place = forms.CharField(label=_("Place"), max_length=100)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    signer_name = forms.CharField(label=_("Signed by"), max_length=200)
    signer_title = forms.CharField(
        label=_("Signer's title"),
        max_length=200,
        required=False,
        help_text=_("Such as dagleg leiar."),
    )

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rounds = {str(r.pk): r for r in closed_rounds(plan)}
        field = self.fields["round"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(NOW, _("Statuses now"))] + [
            (pk, _round_label(r)) for pk, r in self.rounds.items()
        ]

    def clean_highlights(self) -> str:
        text = str(self.cleaned_data["highlights"])
        points = highlight_points(text)
        if len(points) > HIGHLIGHTS_MOST:
            raise forms.ValidationError(
                _("Write at most %(most)s points, one a line; this has %(count)s.")
                % {"most": HIGHLIGHTS_MOST, "count": len(points)}
            )
        return text

    def annual(self) -> bool:
        return bool(self.cleaned_data["kind"] == ANNUAL_REPORT)

    def chosen_round(self) -> ReportingRound | None:
        return self.rounds.get(self.cleaned_data["round"])

    def details(self) -> CaseDetails:
        data = self.cleaned_data
        return CaseDetails(
            case_number=data["case_number"],
            title=data["title"],
            background=data["background"],
            proposed_resolution=data["proposed_resolution"],
            place=data["place"],
            date=data["date"],
            signer_name=data["signer_name"],
            signer_title=data["signer_title"],
            highlights=data["highlights"],
        )


def _round_label(round: ReportingRound) -> str:
    closed = timezone.localdate(round.closed_at) if round.closed_at else None
    return _("%(title)s (closed %(date)s)") % {
        "title": round.title,
        "date": date_format(closed, "j. F Y") if closed else "–",
    }
