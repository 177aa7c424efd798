from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from planstatus.core.status import STATUS_CHOICES
from planstatus.lib.attachments import AttachmentError, check_size
from planstatus.lib.attachments import Problem as AttachmentProblem
from planstatus.lib.origins import OriginError, Problem, normalise_origin
from planstatus.plans.actions.news import Upload
from planstatus.plans.models import FocusArea, Measure, Plan
from planstatus.regions.models import Actor, Region
from planstatus.regions.services import set_actor_group

COMMENT_MAX = 2000
# A search is a few words; the engines are never handed more.
SEARCH_QUERY_MAX = 200
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
        fields = ["text", "timing_text", "note", "note_is_public"]
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
            "reports_need_approval",
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


# The due-year filter's values for measures without a due year, as they show in URLs.
CONTINUOUS = "kontinuerleg"
YEARLY = "arleg"


def _due_value(value: str) -> int | str:
    return value if value in (CONTINUOUS, YEARLY) else int(value)


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
    # A year, or one of the words for measures that have no end: «kontinuerleg», «arleg».
    frist = forms.TypedChoiceField(
        label=_("Due year"), required=False, coerce=_due_value, empty_value=None
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
        year_field.choices = [
            ("", _("All")),
            (CONTINUOUS, _("continuous")),
            (YEARLY, _("yearly")),
        ] + [(y, str(y)) for y in years]
        for field in self.fields.values():
            if not isinstance(field.widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                field.widget.attrs.setdefault("class", "ds-input")


class ChangeLogForm(forms.Form):
    """The change log's filters: kind of change, person, dates and measure. Short Nynorsk
    names, as they show in shared URLs."""

    slag = forms.ChoiceField(label=_("Kind of change"), required=False)
    person = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.none(), required=False)
    fra = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    til = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    tiltak = forms.ModelChoiceField(
        label=_("Measure"), queryset=Measure.objects.none(), required=False
    )

    def __init__(self, data: Any, *, region: Region, kinds: list[tuple[str, str]]) -> None:
        super().__init__(data)
        kind_field = self.fields["slag"]
        assert isinstance(kind_field, forms.ChoiceField)
        kind_field.choices = [("", _("All"))] + [(k, label.capitalize()) for k, label in kinds]
        people = User.objects.filter(memberships__region=region).distinct().order_by("username")
        person_field = self.fields["person"]
        assert isinstance(person_field, forms.ModelChoiceField)
        person_field.queryset = people
        person_field.empty_label = _("All")
        measures = (
            Measure.objects.filter(focus_area__plan__region=region)
            .select_related("focus_area__plan")
            .order_by("focus_area__plan__title", "focus_area__order", "order")
        )
        measure_field = self.fields["tiltak"]
        assert isinstance(measure_field, forms.ModelChoiceField)
        measure_field.queryset = measures
        # Grouped by plan, each as its code and the start of its text.
        groups: dict[str, list[tuple[int, str]]] = {}
        for m in measures:
            groups.setdefault(m.focus_area.plan.title, []).append(
                (m.pk, f"{m.code} {m.text[:50]}".strip())
            )
        measure_field.choices = [("", _("All")), *groups.items()]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "ds-input")

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        since, until = data.get("fra"), data.get("til")
        if since and until and since > until:
            self.add_error("til", _("The end date is before the start date."))
        return data


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


class MilestoneForm(forms.Form):
    text = forms.CharField(
        label=_("Milestone"),
        max_length=300,
        error_messages={
            "required": _("Write what is to be done by the date."),
            "max_length": _("Keep the milestone to %(limit_value)d characters."),
        },
    )
    due_on = forms.DateField(
        label=_("Due date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Give the date the milestone is due."),
            "invalid": _("Write the date as day.month.year, for example 15.3.2025."),
        },
    )

    def clean_due_on(self) -> Any:
        due_on = self.cleaned_data["due_on"]
        # A typing slip of a year (0202, 20266) is refused rather than drawn off the chart.
        if not 1900 <= due_on.year <= 2200:
            raise forms.ValidationError(_("Give a date between the years 1900 and 2200."))
        return due_on

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Ids of its own: the measure page holds several forms with a «text» field.
        kwargs.setdefault("auto_id", "milepel_%s")
        super().__init__(*args, **kwargs)


class MilestoneDoneForm(forms.Form):
    done = forms.BooleanField(required=False)


MAX_EMBED_ORIGINS = 30
_ORIGIN_PROBLEMS = {
    Problem.TOO_LONG: _("the address is too long"),
    Problem.SCHEME: _("it must start with https:// or http://"),
    Problem.HOST: _("the site's name is missing or not a web address"),
    Problem.CREDENTIALS: _("it may not hold a user name or password"),
    Problem.PORT: _("the port after the colon is not a number from 1 to 65535"),
    Problem.PATH: _("give the site only, with nothing after its name (no /page, ? or #)"),
}


class EmbedOriginsForm(forms.Form):
    origins = forms.CharField(
        label=_("Web sites that may show the embed"),
        required=False,
        max_length=MAX_EMBED_ORIGINS * 210,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false", "autocapitalize": "none"}),
        help_text=_(
            "One site a line, for example https://www.gol.kommune.no. Only these sites may "
            "show the embed in a frame; an empty list lets no other site do so."
        ),
    )

    def clean_origins(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["origins"].splitlines()]
        origins: list[str] = []
        errors = []
        for number, line in enumerate(lines, start=1):
            if not line:
                continue
            try:
                origins.append(normalise_origin(line))
            except OriginError as e:
                errors.append(
                    forms.ValidationError(
                        _("Line %(n)s, “%(value)s”: %(reason)s."),
                        params={
                            "n": number,
                            "value": line[:80],
                            "reason": _ORIGIN_PROBLEMS[e.problem],
                        },
                    )
                )
        if errors:
            raise forms.ValidationError(errors)
        origins = list(dict.fromkeys(origins))
        if len(origins) > MAX_EMBED_ORIGINS:
            raise forms.ValidationError(
                _("At most %(n)s sites; ask the installation's administrators if you need more."),
                params={"n": MAX_EMBED_ORIGINS},
            )
        return origins


class EmbedForm(forms.Form):
    """The embed's choices in its address: one focus area or one actor (`?omrade=`,
    `?aktor=`), by id."""

    omrade = forms.ModelChoiceField(queryset=FocusArea.objects.none(), required=False)
    aktor = forms.ModelChoiceField(queryset=Actor.objects.none(), required=False)

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        omrade = self.fields["omrade"]
        assert isinstance(omrade, forms.ModelChoiceField)
        omrade.queryset = plan.focus_areas.all()
        aktor = self.fields["aktor"]
        assert isinstance(aktor, forms.ModelChoiceField)
        aktor.queryset = Actor.objects.filter(region_id=plan.region_id)


NEWS_MAX = 2000
MAX_ATTACHMENTS = 5
ATTACHMENT_PROBLEMS = {
    AttachmentProblem.EMPTY: _("“%(name)s” is empty."),
    AttachmentProblem.TOO_LARGE: _("“%(name)s” is 10 MB or larger; attach a smaller file."),
    AttachmentProblem.UNKNOWN: _(
        "“%(name)s” is not a PDF, PNG, JPEG or Word (.docx) file, whatever its name says."
    ),
    AttachmentProblem.DAMAGED: _(
        "“%(name)s” is damaged or too large inside to open as a Word document."
    ),
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; a list of uploaded files, possibly empty."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class NewsForm(forms.Form):
    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Give the date it happened."),
            "invalid": _("Write the date as day.month.year, for example 15.3.2025."),
        },
    )
    text = forms.CharField(
        label=_("What has happened"),
        max_length=NEWS_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("At most %(n)s characters.") % {"n": NEWS_MAX},
        error_messages={"required": _("Write what has happened.")},
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, PNG, JPEG or Word (.docx), each under 10 MB, at most %(n)s.")
        % {"n": MAX_ATTACHMENTS},
    )

    def clean_date(self) -> Any:
        date = self.cleaned_data["date"]
        if not 1900 <= date.year <= 2200:
            raise forms.ValidationError(_("Give a date between the years 1900 and 2200."))
        return date

    def clean_attachments(self) -> list[Upload]:
        files = self.cleaned_data["attachments"]
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(
                _("At most %(n)s attachments to one update."), params={"n": MAX_ATTACHMENTS}
            )
        uploads = []
        for f in files:
            name = (f.name or "")[:200]
            try:
                check_size(f.size or 0)  # before reading: a huge file is never read
            except AttachmentError as e:
                raise forms.ValidationError(
                    ATTACHMENT_PROBLEMS[e.problem], params={"name": name}
                ) from e
            uploads.append(Upload(name=name, data=f.read()))
        return uploads

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Ids of its own: the measure page holds several forms with a «text» field.
        kwargs.setdefault("auto_id", "nytt_%s")
        super().__init__(*args, **kwargs)


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the plans"),
        max_length=SEARCH_QUERY_MAX,
        help_text=_("Measures, goals, updates and actors. A code such as 2.1.3 works too."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
