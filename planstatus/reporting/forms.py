from __future__ import annotations

import datetime

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from planstatus.core.status import STATUS_CHOICES
from planstatus.lib.status import Status
from planstatus.reporting.models import DEFAULT_REMINDER_DAYS_BEFORE, ReportingRound, Submission

MESSAGE_MAX = 2000
COMMENT_MAX = 1000
# A report says where the work stands; "not assessed" is the absence of a report.
REPORTABLE = [(value, label) for value, label in STATUS_CHOICES if value != Status.UNKNOWN]


class OpenRoundForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("For example “Status mars 2025”."),
        error_messages={"required": _("The round needs a title.")},
    )
    deadline = forms.DateField(
        label=_("Deadline"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("The round needs a deadline."),
            "invalid": _("Write the date as day.month.year, for example 15.3.2025."),
        },
    )
    message = forms.CharField(
        label=_("Message to the actors"),
        required=False,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Included in the e-mail. At most %(n)s characters.") % {"n": MESSAGE_MAX},
    )
    reminder_days_before = forms.IntegerField(
        label=_("Reminder, days before the deadline"),
        min_value=0,
        max_value=60,
        initial=DEFAULT_REMINDER_DAYS_BEFORE,
        help_text=_("Actors who are behind get a reminder then, and on the deadline. 0: none."),
    )

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

    def clean_deadline(self) -> datetime.date:
        deadline: datetime.date = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("The deadline cannot be in the past."))
        return deadline


class ReportForm(forms.Form):
    """One measure's report in a round, from an actor's link or the secretariat."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=REPORTABLE,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a status."), "invalid_choice": _("Choose a status.")},
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What has been done, and what remains. At most %(n)s characters.")
        % {"n": COMMENT_MAX},
    )
    evidence_url = forms.URLField(
        label=_("Link to documentation"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("For example a case, a report or a web page."),
        error_messages={"invalid": _("Write a full web address, such as https://example.no/.")},
    )
    comment_is_public = forms.BooleanField(
        label=_("The comment may be shown on the public pages"), required=False
    )
    # The latest update the person saw, so a save made meanwhile by someone else is noticed.
    expected_previous = forms.IntegerField(required=False, widget=forms.HiddenInput)


class RoundChoiceForm(forms.Form):
    """Which closed round's frozen statuses the plan page shows; none means now."""

    runde = forms.TypedChoiceField(
        label=_("Show status"),
        required=False,
        empty_value=None,
        widget=forms.Select(attrs={"class": "ds-input"}),
    )

    def __init__(self, data: QueryDict, *, rounds: list[ReportingRound]) -> None:
        super().__init__(data if data.get("runde") else None)
        self.rounds = {str(r.pk): r for r in rounds}
        field = self.fields["runde"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("Now"))] + [
            (str(r.pk), f"{r.title} ({r.closed_at:%d.%m.%Y})") for r in rounds
        ]
        field.coerce = self.rounds.__getitem__


class DecisionForm(forms.Form):
    """The secretariat approves, or returns with a note, one or several pending reports."""

    APPROVE = "approve"
    RETURN = "return"

    submissions = forms.ModelMultipleChoiceField(
        queryset=Submission.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one report.")},
    )
    action = forms.ChoiceField(
        choices=[(APPROVE, _("Approve")), (RETURN, _("Return"))],
        error_messages={"required": _("Choose approve or return.")},
    )
    note = forms.CharField(
        label=_("Note to the body (when you return a report)"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown on the body's link page. At most %(n)s characters.")
        % {"n": COMMENT_MAX},
    )

    def __init__(self, *args: object, pending: QuerySet[Submission], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["submissions"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = pending

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("action") == self.RETURN and not (data.get("note") or "").strip():
            self.add_error("note", _("Say what the body should look at again."))
        return data


class UnchangedForm(forms.Form):
    """«Ingen endring sidan sist» for one measure, or without one for all remaining."""

    measure = forms.IntegerField(required=False, widget=forms.HiddenInput)
