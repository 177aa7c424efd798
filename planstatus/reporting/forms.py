from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from planstatus.core.status import STATUS_CHOICES
from planstatus.lib.status import Status
from planstatus.regions.models import Actor, ContactPerson
from planstatus.reporting.models import (
    DEFAULT_REMINDER_PLAN,
    REMINDER_PLAN_MAX_DAYS,
    ReportingRound,
    Submission,
)

MESSAGE_MAX = 2000
COMMENT_MAX = 1000
# A report says where the work stands; "not assessed" is the absence of a report.
REPORTABLE = [(value, label) for value, label in STATUS_CHOICES if value != Status.UNKNOWN]


def _days_text(days: Iterable[int]) -> str:
    """A reminder plan's days on one side of the deadline as the form writes them: «7, 1»."""
    return ", ".join(str(abs(d)) for d in sorted(days, key=abs, reverse=True))


def _days(text: str, *, allow_zero: bool) -> list[int]:
    """Whole numbers of days, separated by commas or spaces, each within the limit."""
    parts = text.replace(",", " ").replace(";", " ").split()
    try:
        days = [int(p) for p in parts]
    except ValueError:
        raise forms.ValidationError(
            _("Write whole numbers of days separated by commas, for example “7, 1”.")
        ) from None
    lowest = 0 if allow_zero else 1
    if any(d < lowest or d > REMINDER_PLAN_MAX_DAYS for d in days):
        raise forms.ValidationError(
            _("Each number of days must be from %(low)s to %(high)s.")
            % {"low": lowest, "high": REMINDER_PLAN_MAX_DAYS}
        )
    return sorted(set(days))


def reminder_plan_initial(plan: Iterable[int]) -> dict[str, str]:
    """The form's two reminder fields for a round's plan."""
    days = list(plan)
    return {
        "reminders_before": _days_text(d for d in days if d <= 0),
        "reminders_after": _days_text(d for d in days if d > 0),
    }


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
    reminders_before = forms.CharField(
        label=_("Reminders, days before the deadline"),
        required=False,
        max_length=100,
        initial=_days_text(d for d in DEFAULT_REMINDER_PLAN if d <= 0),
        help_text=_(
            "Those who have not reported get a reminder on these days, for example “7, 1”. "
            "0 is the deadline day itself. Empty: none."
        ),
    )
    reminders_after = forms.CharField(
        label=_("Reminders, days after the deadline"),
        required=False,
        max_length=100,
        initial=_days_text(d for d in DEFAULT_REMINDER_PLAN if d > 0),
        help_text=_("For example “1” for the day after. Empty: none."),
    )

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

    def clean_reminders_before(self) -> list[int]:
        return [-d for d in _days(self.cleaned_data["reminders_before"], allow_zero=True)]

    def clean_reminders_after(self) -> list[int]:
        return _days(self.cleaned_data["reminders_after"], allow_zero=False)

    @property
    def reminder_plan(self) -> list[int]:
        """The days relative to the deadline, once the form is valid."""
        days = self.cleaned_data["reminders_before"] + self.cleaned_data["reminders_after"]
        return sorted(set(days))

    def clean_deadline(self) -> datetime.date:
        deadline: datetime.date = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("The deadline cannot be in the past."))
        return deadline


class EditRoundForm(OpenRoundForm):
    """An open round's settings: its deadline may stay as it is once passed."""

    def __init__(self, *args: Any, round: ReportingRound, **kwargs: Any) -> None:
        initial = {
            "title": round.title,
            "deadline": round.deadline,
            "message": round.message,
            **reminder_plan_initial(round.reminder_plan),
        }
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.round = round

    def clean_deadline(self) -> datetime.date:
        deadline: datetime.date = self.cleaned_data["deadline"]
        if deadline == self.round.deadline:
            return deadline
        return super().clean_deadline()


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


PHONE_CHARACTERS = set("0123456789 +-().")


class ContactPersonForm(forms.ModelForm):
    """A contact person of an actor, edited by the secretariat."""

    class Meta:
        model = ContactPerson
        fields = ["name", "email", "phone"]
        help_texts = {
            "email": _("The person's own reporting link is sent here."),
            "phone": _("For the secretariat only."),
        }
        error_messages = {
            "name": {"required": _("Write the person's name.")},
            "email": {
                "required": _("Write the person's e-mail address."),
                "invalid": _("Write a valid e-mail address, such as kari@kommune.no."),
            },
        }

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.instance.actor = actor

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip()
        others = ContactPerson.objects.filter(actor=self.actor, email__iexact=email)
        if others.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("This actor already has a contact person with this address.")
            )
        return email

    def clean_phone(self) -> str:
        phone: str = self.cleaned_data["phone"].strip()
        if not set(phone) <= PHONE_CHARACTERS or (phone and not any(c.isdigit() for c in phone)):
            raise forms.ValidationError(
                _("Write the phone number with digits, spaces and + only, such as +47 912 34 567.")
            )
        return phone


class LinkRequestForm(forms.Form):
    """A contact person asks for their reporting link again."""

    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        error_messages={
            "required": _("Write your e-mail address."),
            "invalid": _("Write a valid e-mail address, such as kari@kommune.no."),
        },
    )

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()


class RoundFilterForm(forms.Form):
    """The round page's filters, in the address (GET) so a filtered view can be shared."""

    aktor = forms.TypedChoiceField(label=_("Actor"), required=False, coerce=int, empty_value=None)
    status = forms.TypedChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *STATUS_CHOICES],
        coerce=Status,
        empty_value=None,
    )
    ikkje_rapportert = forms.BooleanField(label=_("Only not reported"), required=False)

    def __init__(self, data: QueryDict, *, actors: Iterable[Actor]) -> None:
        super().__init__(data)
        field = self.fields["aktor"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("All actors")), *((a.pk, a.name) for a in actors)]


class RowViewForm(forms.Form):
    """What a row's address answers with for htmx: the row's form, or the row as shown
    («Avbryt» puts it back)."""

    vis = forms.ChoiceField(choices=[("skjema", "skjema"), ("rad", "rad")], required=False)


class FilterQueryForm(forms.Form):
    """The round page's filters carried through a line's own page (no JS), so the way back
    and the save return to the same filtered table. Only their form is checked here; the
    round page checks the values again."""

    aktor = forms.IntegerField(required=False, min_value=1)
    status = forms.ChoiceField(required=False, choices=STATUS_CHOICES)
    ikkje_rapportert = forms.BooleanField(required=False)

    def query(self) -> str:
        """The filters as an address's query, or "" for none (or nonsense)."""
        if not self.is_valid():
            return ""
        data = self.cleaned_data
        chosen = {
            "aktor": data["aktor"],
            "status": data["status"],
            "ikkje_rapportert": "on" if data["ikkje_rapportert"] else None,
        }
        return urlencode({k: v for k, v in chosen.items() if v})
