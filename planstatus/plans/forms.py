from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from planstatus.core.status import STATUS_CHOICES
from planstatus.plans.models import FocusArea, Measure, Plan
from planstatus.regions.models import Actor, Region
from planstatus.regions.services import set_actor_group

COMMENT_MAX = 2000
TEXT_MAX = 5000


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, widget=forms.RadioSelect)
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
    evidence_url = forms.URLField(
        label=_("Link to documentation"),
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={"invalid": _("Write a full web address, such as https://example.no/.")},
    )
    # The latest update the person saw, so a save made meanwhile by someone else is noticed.
    expected_previous = forms.IntegerField(required=False, widget=forms.HiddenInput)


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


class PlanSettingsForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = [
            "title",
            "description",
            "kind",
            "period_start",
            "period_end",
            "adopted_by",
            "adopted_on",
            "state",
            "published",
            "note",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 3}),
            "adopted_on": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {
            "published": _("Published plans are shown to everyone, with public comments only.")
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        for name in ("period_start", "period_end"):
            year = data.get(name)
            if year is not None and not 1900 <= year <= 2200:
                self.add_error(name, _("Write a year, such as 2025."))
        return data


SINGLE, GROUP = "single", "group"


class ActorForm(forms.ModelForm):
    """An actor, with the secretariat's choice: one body, or a group whose members each report
    for themselves. The group rules are set_actor_group()'s; its refusals become form errors."""

    aliases_text = forms.CharField(
        label=_("Written variants"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, as the plan documents write the actor."),
    )
    reports_as = forms.ChoiceField(
        label=_("Who reports"),
        choices=[(SINGLE, _("One actor")), (GROUP, _("A group of members"))],
        widget=forms.RadioSelect,
        initial=SINGLE,
        help_text=_(
            "A group, such as «Kommunane», reports through its members: each member reports for "
            "itself. A role held in every municipality, such as «Ordførarane i kommunane» or "
            "«Kommunedirektørane», is made a group the same way, with each municipality's role "
            "holder as a member."
        ),
        error_messages={
            "required": _("Choose one actor or a group."),
            "invalid_choice": _("Choose one actor or a group."),
        },
    )
    members = forms.ModelMultipleChoiceField(
        label=_("Members"),
        queryset=Actor.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only for a group. The municipalities come first."),
    )

    class Meta:
        model = Actor
        fields = ["name", "short_name", "kind", "email", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.region = region
        self.instance.region = region
        self.fields["aliases_text"].initial = "\n".join(self.instance.aliases)
        # A group's members are single bodies: groups are not offered, nor the actor itself.
        self.fields["members"].queryset = (  # type: ignore[attr-defined]
            Actor.objects.filter(region=region, is_group=False)
            .exclude(pk=self.instance.pk)
            .order_by(F("municipality__number").asc(nulls_last=True), "name")
        )
        if self.instance.pk is not None:
            self.fields["reports_as"].initial = GROUP if self.instance.is_group else SINGLE
            self.fields["members"].initial = list(self.instance.members.all())

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = Actor.objects.filter(region=self.region, name=name).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("The region already has an actor with this name."))
        return name

    def clean_aliases_text(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["aliases_text"].splitlines()]
        aliases = list(dict.fromkeys(line for line in lines if line))
        if any(len(alias) > 200 for alias in aliases):
            raise forms.ValidationError(_("Each variant can have at most 200 characters."))
        return aliases

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reports_as") != GROUP and data.get("members"):
            # Members ticked for one actor would otherwise be dropped without a word.
            self.add_error(
                "members",
                _("Members belong to a group: choose «A group of members», or untick them."),
            )
        return data

    def save(self, commit: bool = True) -> Actor:
        """The actor and its group in one transaction (`commit` must be true: the members need
        the row). A refusal of the group rules leaves the database as it was and raises."""
        assert commit, "an actor's group is saved with the actor"
        is_new = self.instance.pk is None
        self.instance.aliases = self.cleaned_data["aliases_text"]
        try:
            with transaction.atomic():
                actor = super().save()
                set_actor_group(
                    actor=actor,
                    is_group=self.cleaned_data["reports_as"] == GROUP,
                    members=self.cleaned_data["members"],
                )
        except ValidationError:
            if is_new:
                self.instance.pk = None  # the row was rolled back
            raise
        return actor


class MunicipalityActorsForm(forms.Form):
    """The button that gives each municipality an actor; `actor` is the page to return to."""

    actor = forms.ModelChoiceField(
        queryset=Actor.objects.none(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = Actor.objects.filter(region=region)  # type: ignore[attr-defined]


class DashboardForm(forms.Form):
    """The dashboard's filters. Short Nynorsk names, as they show in shared URLs."""

    omrade = forms.ModelChoiceField(
        label=_("Focus area"), queryset=FocusArea.objects.none(), required=False
    )
    ansvar = forms.ModelChoiceField(
        label=_("Responsible"), queryset=Actor.objects.none(), required=False
    )
    involvert = forms.ModelChoiceField(
        label=_("Involved"), queryset=Actor.objects.none(), required=False
    )
    frist = forms.TypedChoiceField(
        label=_("Due year"), required=False, coerce=int, empty_value=None
    )
    status = forms.MultipleChoiceField(
        label=_("Status"),
        choices=STATUS_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    forseinka = forms.BooleanField(label=_("Only overdue measures"), required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=200)

    def __init__(
        self, data: Any, *, areas: list[FocusArea], actors: list[Actor], years: list[int]
    ) -> None:
        super().__init__(data)
        all_areas = FocusArea.objects.filter(pk__in=[a.pk for a in areas])
        all_actors = Actor.objects.filter(pk__in=[a.pk for a in actors])
        area_field = self.fields["omrade"]
        assert isinstance(area_field, forms.ModelChoiceField)
        area_field.queryset = all_areas
        area_field.choices = [("", _("All"))] + [
            (a.pk, f"{a.code}. {a.name}" if a.code else a.name) for a in areas
        ]
        for name in ("ansvar", "involvert"):
            actor_field = self.fields[name]
            assert isinstance(actor_field, forms.ModelChoiceField)
            actor_field.queryset = all_actors
            actor_field.choices = [("", _("All"))] + [(a.pk, a.name) for a in actors]
        year_field = self.fields["frist"]
        assert isinstance(year_field, forms.TypedChoiceField)
        year_field.choices = [("", _("All"))] + [(y, str(y)) for y in years]
        for field in self.fields.values():
            if not isinstance(field.widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                field.widget.attrs.setdefault("class", "ds-input")


class PredecessorsForm(forms.Form):
    """The earlier plans a plan builds on: other plans of its region."""

    predecessors = forms.ModelMultipleChoiceField(
        label=_("Earlier plans this plan builds on"),
        queryset=Plan.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, data: Any, *, plan: Plan, choices: list[Plan]) -> None:
        super().__init__(data, initial={"predecessors": [p.pk for p in plan.predecessors.all()]})
        field = self.fields["predecessors"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Plan.objects.filter(pk__in=[p.pk for p in choices])
        field.choices = [
            (p.pk, f"{p.title} ({p.period})" if p.period else p.title) for p in choices
        ]


class SuggestForm(forms.Form):
    predecessor = forms.ModelChoiceField(
        label=_("Earlier plan"),
        queryset=Plan.objects.none(),
        error_messages={"invalid_choice": _("Choose one of the plan's earlier plans.")},
    )

    def __init__(self, data: Any, *, plan: Plan) -> None:
        super().__init__(data)
        field = self.fields["predecessor"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = plan.predecessors.all()


class DecisionForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Confirm")), ("0", _("Reject"))],
        coerce=lambda value: value == "1",
        error_messages={"required": _("Choose confirm or reject.")},
    )
