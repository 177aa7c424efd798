from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from planstatus.core.status import STATUS_CHOICES
from planstatus.lib.status import Status
from planstatus.regions.models import Actor, Municipality, Region

# Plan slugs share the URL level with the region's own pages.
RESERVED_PLAN_SLUGS = {
    "logg",
    "aktorar",
    "api",
    "rundar",
    "rapportar",
    "import",
    "feed",
    "innebygging",
    "innspel",
    "sok",
}


def validate_plan_slug(value: str) -> None:
    if value in RESERVED_PLAN_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is reserved; choose another short name."), params={"slug": value}
        )


class Plan(models.Model):
    class Kind(models.TextChoices):
        REGIONAL_PLAN = "regional_plan", _("regional plan")
        STRATEGIC_PLAN = "strategic_plan", _("strategic plan")
        PROGRAMME = "programme", _("programme")
        ACTION_PROGRAMME = "action_programme", _("action programme")

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        ADOPTED = "adopted", _("adopted")
        ARCHIVED = "archived", _("archived")

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="plans", verbose_name=_("region")
    )
    slug = models.SlugField(_("short name"), validators=[validate_plan_slug])
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    period_start = models.PositiveSmallIntegerField(_("period from"), null=True, blank=True)
    period_end = models.PositiveSmallIntegerField(_("period to"), null=True, blank=True)
    adopted_by = models.CharField(_("adopted by"), max_length=200, blank=True)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    # Only published plans are visible to people who are not staff of the installation.
    published = models.BooleanField(_("published"), default=False)
    # Reports from the bodies' links wait for the secretariat before the public sees them.
    # A database default too, so that a row written by code that predates the column (an
    # app server still on the previous release during an upgrade) gets it.
    reports_need_approval = models.BooleanField(
        _("reports must be approved"),
        default=True,
        db_default=True,
        help_text=_(
            "A report from a body's link is shown publicly only when the secretariat has "
            "approved it. Until then the public sees the last approved status."
        ),
    )
    note = models.TextField(_("note"), blank=True)
    # The web sites that may frame this plan's embed, besides the region's.
    embed_origins = models.JSONField(_("sites that may embed"), default=list, blank=True)
    # The earlier plans this one builds on (a programme carried on in a regional plan).
    predecessors: models.ManyToManyField[Plan, PlanPredecessor] = models.ManyToManyField(
        "self",
        through="PlanPredecessor",
        through_fields=("plan", "predecessor"),
        symmetrical=False,
        related_name="successors",
        blank=True,
        verbose_name=_("predecessors"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["region", "-period_start", "title"]
        constraints = [
            models.UniqueConstraint(fields=["region", "slug"], name="unique_plan_slug_per_region"),
            models.CheckConstraint(
                condition=models.Q(period_start__isnull=True)
                | models.Q(period_end__isnull=True)
                | models.Q(period_end__gte=models.F("period_start")),
                name="plan_period_in_order",
            ),
        ]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plan", args=[self.region.slug, self.slug])

    _measure_url_parts: tuple[tuple[str, str], str, str] | None = None

    def measure_url(self, pk: int) -> str:
        """A measure's page. reverse() runs once per plan object, not once per row: on a
        150-row table it was a tenth of the page's time. Keyed by the slugs, so a renamed
        plan never gets the old address."""
        key = (self.region.slug, self.slug)
        parts = self._measure_url_parts
        if parts is None or parts[0] != key:
            marker = "2147483647"  # a pk no other part of the address can contain
            head, tail = reverse("measure", args=[*key, int(marker)]).rsplit(marker, 1)
            parts = (key, head, tail)
            self._measure_url_parts = parts
        return f"{parts[1]}{pk}{parts[2]}"

    @property
    def period(self) -> str:
        if self.period_start and self.period_end:
            return f"{self.period_start}–{self.period_end}"
        return str(self.period_start or self.period_end or "")

    def allowed_embed_origins(self) -> list[str]:
        """The plan's own sites and its region's, each once."""
        return list(dict.fromkeys([*self.embed_origins, *self.region.embed_origins]))

    def measures(self) -> MeasureQuerySet:
        """The plan's current measures; archived ones are left out."""
        return Measure.objects.filter(focus_area__plan=self, archived_at__isnull=True)


class FocusArea(models.Model):
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="focus_areas", verbose_name=_("plan")
    )
    code = models.CharField(_("code"), max_length=20, blank=True)
    name = models.CharField(_("name"), max_length=300)
    order = models.PositiveIntegerField(_("order"), default=0)

    history = HistoricalRecords()
    # Which pair of Continuation's links the item uses; templates ask it too.
    lineage_kind: ClassVar[str] = "focus_area"

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")

    def __str__(self) -> str:
        return f"{self.code}. {self.name}" if self.code else self.name


class Goal(models.Model):
    # A goal usually sits under a focus area; programmes also state goals for the whole
    # plan ("Mål for Hallingdal"), which have no focus area.
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="goals", verbose_name=_("plan")
    )
    focus_area = models.ForeignKey(
        FocusArea,
        on_delete=models.CASCADE,
        related_name="goals",
        null=True,
        blank=True,
        verbose_name=_("focus area"),
    )
    code = models.CharField(_("code"), max_length=20, blank=True)
    text = models.TextField(_("goal"))
    order = models.PositiveIntegerField(_("order"), default=0)

    history = HistoricalRecords()
    # Which pair of Continuation's links the item uses; templates ask it too.
    lineage_kind: ClassVar[str] = "goal"

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return f"{_('Goal')} {self.code}" if self.code else self.text[:60]


def _latest_updates() -> models.QuerySet[StatusUpdate]:
    """The outer query's measure's own updates, newest first: the first is its current
    status. The one definition of "latest" (StatusUpdate's own ordering says the same)."""
    updates = StatusUpdate.objects.overall().filter(measure=OuterRef("pk"))
    return updates.order_by("-created_at", "-pk")


class MeasureQuerySet(models.QuerySet["Measure"]):
    def with_status(self) -> MeasureQuerySet:
        """Annotate `status` and `status_at`: the latest status update, in one query."""
        latest = _latest_updates()
        return self.annotate(
            status=Coalesce(
                Subquery(latest.values("status")[:1]),
                Value(Status.UNKNOWN.value),
                output_field=models.CharField(),
            ),
            status_at=Subquery(latest.values("created_at")[:1]),
        )

    def with_actors(self) -> MeasureQuerySet:
        """Prefetch the actor links in role and position order, as the list `Measure.links`,
        then their actors: two queries. A list, not the related manager, because the manager
        builds a queryset per measure (a tenth of a 150-row page's time); the actors apart,
        not joined, so that a plan's few actors are built once each, not once per link."""
        ordered = MeasureActor.objects.order_by("role", "position", "pk")
        # The Django plugin cannot see a Prefetch's to_attr list, hence the ignore.
        return self.prefetch_related(  # type: ignore[misc]
            Prefetch("actor_links", queryset=ordered, to_attr="prefetched_links"),
            "prefetched_links__actor",
        )

    def with_milestones(self) -> MeasureQuerySet:
        """Prefetch the milestones as the list `Measure.milestone_list`: one query, and no
        queryset built per measure as the related manager would."""
        # The Django plugin takes the to_attr for a second definition of the property.
        return self.prefetch_related(Prefetch("milestones", to_attr="milestone_list"))  # type: ignore[no-redef]

    def with_latest_id(self) -> MeasureQuerySet:
        """Annotate `latest_id`: the latest status update's id (None without one)."""
        return self.annotate(latest_id=Subquery(_latest_updates().values("pk")[:1]))

    def responsible_for(self, actor: Actor) -> MeasureQuerySet:
        """The measures the actor reports on: those it is responsible for, and those of the
        groups it is a member of."""
        return self.filter(
            models.Q(actor_links__actor=actor) | models.Q(actor_links__actor__members=actor),
            actor_links__role=MeasureActor.Role.RESPONSIBLE,
        ).distinct()


class Measure(models.Model):
    # Results of a programme sit straight under a focus area, so the goal is optional;
    # when it is set it belongs to the same focus area.
    focus_area = models.ForeignKey(
        FocusArea, on_delete=models.CASCADE, related_name="measures", verbose_name=_("focus area")
    )
    goal = models.ForeignKey(
        Goal,
        on_delete=models.CASCADE,
        related_name="measures",
        null=True,
        blank=True,
        verbose_name=_("goal"),
    )
    code = models.CharField(_("code"), max_length=20, blank=True)
    written_code = models.CharField(
        _("code as written"),
        max_length=20,
        blank=True,
        help_text=_("The code exactly as the plan document writes it, slips included."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    text = models.TextField(_("measure"))
    timing_text = models.CharField(_("time as written"), max_length=100, blank=True)
    start_year = models.PositiveSmallIntegerField(_("from year"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("to year"), null=True, blank=True)
    yearly = models.BooleanField(_("yearly"), default=False)
    continuous = models.BooleanField(_("continuous"), default=False)
    note = models.TextField(_("note"), blank=True)
    # A note is the secretariat's working note (an import's «Usikker fordeling …»): shown to
    # the region's members only, until the secretariat publishes it.
    note_is_public = models.BooleanField(
        _("the note may be shown on the public pages"), default=False
    )
    # A measure dropped from a revised plan is archived, never deleted: its history stays.
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    actors: models.ManyToManyField[Actor, MeasureActor] = models.ManyToManyField(
        Actor, through="MeasureActor", related_name="measures"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeasureQuerySet.as_manager()
    history = HistoricalRecords()
    lineage_kind: ClassVar[str] = "measure"

    class Meta:
        ordering = ["focus_area__order", "order"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}".strip()

    def get_absolute_url(self) -> str:
        return self.focus_area.plan.measure_url(self.pk)

    @property
    def current_status(self) -> Status:
        """The latest update's status; uses the `with_status()` annotation when present."""
        value = getattr(self, "status", None)
        if value is None:
            latest = StatusUpdate.objects.latest_of(self)
            value = latest.status if latest else Status.UNKNOWN
        return Status(value)

    @property
    def code_written_differently(self) -> bool:
        """The document wrote the code otherwise than the code kept (not just a dot or a
        space more), so the row shows both."""
        written = self.written_code
        return (
            bool(written)
            and written.strip() != self.code
            and written.replace(".", "") != self.code.replace(".", "")
        )

    @property
    def links(self) -> list[MeasureActor]:
        """Its actor links in role and position order; uses `with_actors()` when fetched so."""
        prefetched: list[MeasureActor] | None = getattr(self, "prefetched_links", None)
        if prefetched is not None:
            return prefetched
        return sorted(self.actor_links.all(), key=lambda link: (link.role, link.position, link.pk))

    @cached_property
    def milestone_list(self) -> list[Milestone]:
        """Its milestones in date order; `with_milestones()` fetches them for many at once."""
        return list(self.milestones.all())

    def _actor_links(self, role: str) -> list[MeasureActor]:
        return [link for link in self.links if link.role == role]

    @property
    def responsible_links(self) -> list[MeasureActor]:
        return self._actor_links(MeasureActor.Role.RESPONSIBLE)

    @property
    def involved_links(self) -> list[MeasureActor]:
        return self._actor_links(MeasureActor.Role.INVOLVED)

    @property
    def has_group_responsible(self) -> bool:
        """A group is among its responsible actors: its members each report (plans/groups.py).
        Asked of measures fetched `with_actors()`, it needs no query, so that a plan without
        group measures pays nothing for them."""
        return any(link.actor.is_group for link in self.responsible_links)

    def visible_note(self, *, internal: bool) -> str | None:
        """The note as this reader may see it: None when it is internal and they may not."""
        return self.note if internal or self.note_is_public else None

    @property
    def timing_shown(self) -> str:
        """The time in one form whatever the plan wrote: «kontinuerleg», «årleg»,
        «2025–2026» (words first, then the years), in the active language; the text as
        written when it said nothing that could be read."""
        parts = []
        if self.continuous:
            parts.append(gettext("continuous"))
        if self.yearly:
            parts.append(gettext("yearly"))
        if self.start_year is not None:
            end = self.end_year if self.end_year is not None else self.start_year
            years = str(self.start_year) if end == self.start_year else f"{self.start_year}–{end}"
            parts.append(years)
        return ", ".join(parts) if parts else self.timing_text

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """It is not started or only started, and either its time has passed or one of its
        milestones passed its due date without being done. A measure nobody has assessed is
        not called late (nobody has said it is behind); the case lists those apart. The
        dashboard, the plan page, the actor pages, the timeline and the case all ask this;
        lists fetch `with_milestones()` so that it costs no query per measure."""
        if self.current_status not in _LATE_STATUSES:
            return False
        day = today or timezone.localdate()
        timed = not (self.yearly or self.continuous)
        if timed and self.end_year is not None and self.end_year < day.year:
            return True
        return any(milestone.is_missed(day) for milestone in self.milestone_list)


_LATE_STATUSES = frozenset({Status.NOT_STARTED, Status.STARTED})


class MeasureActor(models.Model):
    class Role(models.TextChoices):
        RESPONSIBLE = "responsible", _("responsible")
        INVOLVED = "involved", _("involved")

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="actor_links", verbose_name=_("measure")
    )
    actor = models.ForeignKey(
        Actor, on_delete=models.PROTECT, related_name="measure_links", verbose_name=_("actor")
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # The form the plan used for this actor in this row ("Regionråd", "Kommunane").
    written_as = models.CharField(_("written as"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "role", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "actor", "role"], name="actor_once_per_role_per_measure"
            )
        ]
        verbose_name = _("actor on measure")
        verbose_name_plural = _("actors on measures")

    def __str__(self) -> str:
        return f"{self.actor} ({self.get_role_display()})"

    @property
    def shown_name(self) -> str:
        """The actor as the plan wrote it in this row, else its own name."""
        return self.written_as or self.actor.display_name


class StatusUpdateQuerySet(models.QuerySet["StatusUpdate"]):
    def overall(self) -> StatusUpdateQuerySet:
        """The measures' own updates, without the members' reports on group measures."""
        return self.filter(member__isnull=True)

    def latest_of(self, measure: Measure, member: Actor | None = None) -> StatusUpdate | None:
        """The measure's latest own update, or with a member that member's latest report."""
        updates = self.filter(measure=measure, member=member)
        return updates.select_related("created_by").order_by("-created_at", "-pk").first()


class StatusUpdate(models.Model):
    """One reported status. Updates are only ever added: the latest is the current status.

    On a measure whose responsible actor is a group, each member reports its own status:
    those updates carry the `member`, and the measure's own status (the updates without a
    member) is rolled up from them, or set by hand by the secretariat.
    """

    class Source(models.TextChoices):
        WEB = "web", _("web")
        SEED = "seed", _("source document")
        IMPORT = "import", _("import")
        ROLLUP = "rollup", _("rolled up from the members' reports")

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="status_updates", verbose_name=_("measure")
    )
    member = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="member_reports",
        verbose_name=_("member"),
    )
    status = models.CharField(_("status"), max_length=12, choices=STATUS_CHOICES)
    # What the status was when this update was made, so the log shows before and after.
    previous_status = models.CharField(
        _("previous status"), max_length=12, choices=STATUS_CHOICES, default=Status.UNKNOWN
    )
    comment = models.TextField(_("comment"), blank=True)
    # Comments are internal unless marked public; the public pages show only those.
    comment_is_public = models.BooleanField(_("comment is public"), default=False)
    # A link to a document or page that shows the work; internal like the comment.
    evidence_url = models.URLField(_("link to evidence"), max_length=500, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="status_updates",
        verbose_name=_("reported by"),
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    objects = StatusUpdateQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["measure", "-created_at"], name="status_latest_idx"),
            models.Index(fields=["measure", "member", "-created_at"], name="status_member_idx"),
        ]
        verbose_name = _("status update")
        verbose_name_plural = _("status updates")

    def __str__(self) -> str:
        return f"{self.measure.code}: {self.get_status_display()}"


class Milestone(models.Model):
    """A dated step on the way to a measure's end («Forprosjekt ferdig», 1 June 2026). One
    past its due date and not done makes the measure late (Measure.is_overdue). Marking it
    done records the day; the history keeps every edit and mark."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("measure")
    )
    text = models.CharField(_("milestone"), max_length=300)
    due_on = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return f"{self.due_on:%Y-%m-%d} {self.text[:60]}"

    def is_done_on(self, day: datetime.date) -> bool:
        """Done by `day`: a case about an earlier day sees the milestone as it was then."""
        return self.done_on is not None and self.done_on <= day

    def is_missed(self, day: datetime.date) -> bool:
        return self.due_on < day and not self.is_done_on(day)


class MeasureNews(models.Model):
    """«Kva har skjedd»: a short dated entry on what was done about a measure, with
    attachments. Not a status: it changes nothing the status counts read."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="news", verbose_name=_("measure")
    )
    date = models.DateField(_("date"))
    text = models.TextField(_("what has happened"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-created_at", "-pk"]
        indexes = [models.Index(fields=["measure", "-date"], name="news_latest_idx")]
        verbose_name = _("update")
        verbose_name_plural = _("updates")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.text[:60]}"


class NewsAttachment(models.Model):
    """A file attached to an update. The bytes are on disk under `stored_name`, a random
    name in settings.ATTACHMENT_DIR (plans/attachments.py); the row says what they are."""

    news = models.ForeignKey(
        MeasureNews,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("update"),
    )
    stored_name = models.CharField(max_length=64, unique=True, editable=False)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["news", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename


class PlanPredecessor(models.Model):
    """A plan builds on an earlier plan of the same region. A row of its own (not Django's
    hidden table) so that the audit trail records every link made and removed."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="predecessor_links", verbose_name=_("plan")
    )
    predecessor = models.ForeignKey(
        Plan,
        on_delete=models.CASCADE,
        related_name="successor_links",
        verbose_name=_("earlier plan"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "predecessor"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "predecessor"], name="predecessor_once"),
            models.CheckConstraint(
                condition=~models.Q(plan=models.F("predecessor")), name="plan_not_own_predecessor"
            ),
        ]
        verbose_name = _("earlier plan")
        verbose_name_plural = _("earlier plans")

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.plan}"


class ProgrammeDetails(models.Model):
    """What a programme's page says beyond its focus areas and results: the opening text,
    the application, the advice it left, what the region does after it, and who took part.
    Names of municipalities are kept as written too (the page may use a former name)."""

    plan = models.OneToOneField(
        Plan, on_delete=models.CASCADE, related_name="programme", verbose_name=_("plan")
    )
    intro = models.TextField(_("introduction"), blank=True)
    application_excerpt = models.TextField(_("excerpt from the application"), blank=True)
    follow_up = models.TextField(_("follow-up after the programme"), blank=True)
    applicant = models.ForeignKey(
        Municipality,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programmes_applied_for",
        verbose_name=_("applicant municipality"),
    )
    applicant_as_written = models.CharField(
        _("applicant municipality as written"), max_length=200, blank=True
    )
    partners: models.ManyToManyField[Municipality, Any] = models.ManyToManyField(
        Municipality,
        related_name="programme_partnerships",
        blank=True,
        verbose_name=_("partner municipalities"),
    )
    partners_as_written = models.CharField(
        _("partner municipalities as written"), max_length=500, blank=True
    )

    # No history table for `partners`: they are matched from `partners_as_written`, whose
    # every version is kept (and a restored backup would fire the m2m history again).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("programme details")
        verbose_name_plural = _("programme details")

    def __str__(self) -> str:
        return str(self.plan)


class ProgrammeAdvice(models.Model):
    """One of the region's numbered pieces of advice from a programme."""

    programme = models.ForeignKey(
        ProgrammeDetails,
        on_delete=models.CASCADE,
        related_name="advice",
        verbose_name=_("programme"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("advice"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="advice_number_once")
        ]
        verbose_name = _("advice")
        verbose_name_plural = _("advice")

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:60]}"


class ProgrammeFollowUpItem(models.Model):
    """One point of what the region works on after the programme ended."""

    programme = models.ForeignKey(
        ProgrammeDetails,
        on_delete=models.CASCADE,
        related_name="follow_up_items",
        verbose_name=_("programme"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("follow-up point"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="follow_up_number_once")
        ]
        verbose_name = _("follow-up point")
        verbose_name_plural = _("follow-up points")

    def __str__(self) -> str:
        return self.text[:60]


class ContinuationQuerySet(models.QuerySet["Continuation"]):
    def with_items(self) -> ContinuationQuerySet:
        """Both items and their plans in the same query, whatever the kind."""
        return self.select_related(
            "earlier_plan__region",
            "later_plan__region",
            "earlier_focus_area",
            "later_focus_area",
            "earlier_goal",
            "later_goal",
            "earlier_measure__focus_area",
            "later_measure__focus_area",
            "decided_by",
        )


class Continuation(models.Model):
    """A later plan's item carries on («vidarefører») an item of an earlier plan.

    One model for all three kinds, with a pair of nullable foreign keys per kind and a
    check that exactly the pair of its kind is set: so one list of suggestions per plan,
    one way to decide them and one history, while the database still guards every link
    (a generic relation could point at anything and would not cascade). Both plans are
    stored too, although the items imply them: lists per plan then need no three-way
    join, and the check keeps the two plans apart.
    """

    class Kind(models.TextChoices):
        FOCUS_AREA = "focus_area", _("focus area")
        GOAL = "goal", _("goal")
        MEASURE = "measure", _("measure")

    class State(models.TextChoices):
        SUGGESTED = "suggested", _("suggested")
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("rejected")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    earlier_plan = models.ForeignKey(
        Plan,
        on_delete=models.CASCADE,
        related_name="continued_in",
        verbose_name=_("earlier plan"),
    )
    later_plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="continuations", verbose_name=_("later plan")
    )
    earlier_focus_area = models.ForeignKey(
        FocusArea,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="continued_in",
        verbose_name=_("earlier focus area"),
    )
    later_focus_area = models.ForeignKey(
        FocusArea,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="continues",
        verbose_name=_("later focus area"),
    )
    earlier_goal = models.ForeignKey(
        Goal,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="continued_in",
        verbose_name=_("earlier goal"),
    )
    later_goal = models.ForeignKey(
        Goal,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="continues",
        verbose_name=_("later goal"),
    )
    earlier_measure = models.ForeignKey(
        Measure,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="continued_in",
        verbose_name=_("earlier measure"),
    )
    later_measure = models.ForeignKey(
        Measure,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="continues",
        verbose_name=_("later measure"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.SUGGESTED
    )
    # The text similarity that made us suggest it; empty for a link made by hand.
    similarity = models.FloatField(_("similarity"), null=True, blank=True)
    # Why the items belong together, in a sentence; shown with the link on public pages.
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ContinuationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-similarity", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind="focus_area",
                        earlier_focus_area__isnull=False,
                        later_focus_area__isnull=False,
                        earlier_goal__isnull=True,
                        later_goal__isnull=True,
                        earlier_measure__isnull=True,
                        later_measure__isnull=True,
                    )
                    | models.Q(
                        kind="goal",
                        earlier_focus_area__isnull=True,
                        later_focus_area__isnull=True,
                        earlier_goal__isnull=False,
                        later_goal__isnull=False,
                        earlier_measure__isnull=True,
                        later_measure__isnull=True,
                    )
                    | models.Q(
                        kind="measure",
                        earlier_focus_area__isnull=True,
                        later_focus_area__isnull=True,
                        earlier_goal__isnull=True,
                        later_goal__isnull=True,
                        earlier_measure__isnull=False,
                        later_measure__isnull=False,
                    )
                ),
                name="continuation_one_pair_of_its_kind",
            ),
            models.CheckConstraint(
                condition=~models.Q(earlier_plan=models.F("later_plan")),
                name="continuation_between_plans",
            ),
            # NULLs never collide, so each constraint binds only rows of its own kind.
            models.UniqueConstraint(
                fields=["earlier_focus_area", "later_focus_area"], name="focus_area_link_once"
            ),
            models.UniqueConstraint(fields=["earlier_goal", "later_goal"], name="goal_link_once"),
            models.UniqueConstraint(
                fields=["earlier_measure", "later_measure"], name="measure_link_once"
            ),
        ]
        verbose_name = _("continuation")
        verbose_name_plural = _("continuations")

    def __str__(self) -> str:
        return f"{self.earlier} → {self.later}"

    @property
    def earlier(self) -> FocusArea | Goal | Measure | None:
        return getattr(self, f"earlier_{self.kind}")

    @property
    def later(self) -> FocusArea | Goal | Measure | None:
        return getattr(self, f"later_{self.kind}")


def item_plan_id(item: FocusArea | Goal | Measure) -> int:
    """The plan an item belongs to, without a query when its parents are loaded."""
    if isinstance(item, Measure):
        return item.focus_area.plan_id
    return item.plan_id


def item_kind(item: FocusArea | Goal | Measure) -> Continuation.Kind:
    if isinstance(item, Measure):
        return Continuation.Kind.MEASURE
    if isinstance(item, Goal):
        return Continuation.Kind.GOAL
    return Continuation.Kind.FOCUS_AREA
