"""Reporting rounds: the secretariat asks the responsible actors of a plan for status.

Opening a round gives every responsible actor a personal link by e-mail; what is reported
in the round is tied to it (RoundReport); reminders go to the actors who are behind; and
closing freezes every measure's status in a snapshot that later corrections never touch.

Messages meant for people go through gettext with English msgids, so they come out in the
person's language (Nynorsk unless they chose otherwise); the mails to actors are always
rendered in Nynorsk (MAIL_LANGUAGE).
"""

from __future__ import annotations

import datetime
import enum
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AnonymousUser, User
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, QuerySet, Subquery
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from planstatus.accounts.roles import known_user
from planstatus.plans.actions.status import record_status
from planstatus.plans.models import Measure, MeasureActor, Plan, Status, StatusUpdate
from planstatus.regions.models import Actor
from planstatus.reporting.models import (
    DEFAULT_REMINDER_DAYS_BEFORE,
    MailFailure,
    ReminderSent,
    ReportingLink,
    ReportingLinkUse,
    ReportingRound,
    RoundReport,
    RoundSnapshot,
)
from planstatus.reporting.services import issue_link, reissue_link

logger = logging.getLogger(__name__)

OSLO = ZoneInfo("Europe/Oslo")
# The web layer serves the reporting page here; the token is the only key to it.
REPORTING_URL_PATH = "/r/{token}/"
# Links outlive the deadline by a fortnight: late reports are welcome while the round is open.
LINK_GRACE_DAYS = 14
LINK_EXPIRY_TIME = datetime.time(23, 59)
# The actors are written to in Nynorsk whatever language the person opening the round uses.
MAIL_LANGUAGE = "nn"

REMINDER_KIND_TEXT: dict[str, Promise] = {
    ReminderSent.Kind.BEFORE_DEADLINE: gettext_lazy("before the deadline"),
    ReminderSent.Kind.ON_DEADLINE: gettext_lazy("on the deadline day"),
    ReminderSent.Kind.MANUAL: gettext_lazy("sent by hand"),
}

ROUND_CLOSED_MESSAGE = gettext_lazy(
    "The round is closed, so reporting in it is no longer possible."
)

AnyUser = User | AnonymousUser | None


class RoundError(ValueError):
    """A round action was refused. The message is for the person, already translated into
    the active language."""


class StatusConflict(RoundError):
    """Someone reported on the measure after the person saw it; nothing was saved."""

    def __init__(self, *, measure: Measure, latest: StatusUpdate | None) -> None:
        self.measure = measure
        self.latest = latest
        self.set_by = _set_by(latest) if latest is not None else ""
        super().__init__(_conflict_message(measure=measure, latest=latest, set_by=self.set_by))


# --- Small helpers ------------------------------------------------------------------------


def oslo_date(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(OSLO).date()


def link_expiry(deadline: datetime.date) -> datetime.datetime:
    """When a round's links stop working: 23:59 Oslo time, 14 days after the deadline."""
    day = deadline + datetime.timedelta(days=LINK_GRACE_DAYS)
    return datetime.datetime.combine(day, LINK_EXPIRY_TIME, tzinfo=OSLO)


def reporting_url(*, base_url: str, token: str) -> str:
    return base_url.rstrip("/") + REPORTING_URL_PATH.format(token=token)


def _check_base_url(base_url: str) -> None:
    # A link without scheme and host would reach the actor as dead text.
    if not base_url.startswith(("https://", "http://")):
        raise RoundError(_("The site's address must start with https:// or http://."))


def _local_time(moment: datetime.datetime) -> str:
    """A moment in Oslo time, in the active language: «3. juni 2025 kl. 14.05»."""
    local = moment.astimezone(OSLO)
    return _("%(date)s at %(hour)s:%(minute)s") % {
        "date": date_format(local.date(), "j. F Y"),
        "hour": f"{local:%H}",
        "minute": f"{local:%M}",
    }


def _render_mail(name: str, context: dict[str, Any]) -> tuple[str, str]:
    with translation.override(MAIL_LANGUAGE):
        subject = render_to_string(f"reporting/email/{name}_subject.txt", context)
        body = render_to_string(f"reporting/email/{name}.txt", context)
    # A line break in a subject would break the header.
    return " ".join(subject.split()), body


def _send_mail(*, to: str, subject: str, body: str, reply_to: str = "") -> None:
    """Send one plain-text mail. Raises OSError (smtplib's errors are OSErrors) on failure."""
    EmailMessage(
        subject=subject, body=body, to=[to], reply_to=[reply_to] if reply_to else None
    ).send()


def _user_name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def _set_by(update: StatusUpdate) -> str:
    """Who set a status, in words: the actor that reported, else the user, else the source."""
    report = getattr(update, "round_report", None)
    if report is not None and report.actor is not None:
        return str(report.actor.name)
    if update.created_by is not None:
        return _user_name(update.created_by)
    if update.source == StatusUpdate.Source.SEED:
        return _("the reading of the plan document")
    if update.source == StatusUpdate.Source.IMPORT:
        return _("an import")
    return _("unknown")


def _conflict_message(*, measure: Measure, latest: StatusUpdate | None, set_by: str) -> str:
    name = _("measure %(code)s") % {"code": measure.code} if measure.code else _("the measure")
    if latest is None:
        return _(
            "The status of %(measure)s is no longer the one you saw. "
            "Reload the page and look it over before you save."
        ) % {"measure": name}
    return _(
        "Someone reported on %(measure)s after you opened the form: it now says «%(status)s», "
        "set by %(who)s %(when)s. Look it over and save again if you still want to change "
        "the status."
    ) % {
        "measure": name,
        "status": Status(latest.status).label,
        "who": set_by,
        "when": _local_time(latest.created_at),
    }


def _locked_round(round: ReportingRound) -> ReportingRound:
    # Reports and closing both lock the round first, so no report slips in between the
    # snapshot and the closing (on SQLite the transaction serialises writes instead).
    return (
        ReportingRound.objects.select_for_update(of=("self",))
        .select_related("plan")
        .get(pk=round.pk)
    )


# --- Who is responsible for what ----------------------------------------------------------


@dataclass(frozen=True)
class Responsibility:
    actor: Actor
    measures: list[Measure]


def _responsibilities(plan_id: int) -> list[Responsibility]:
    """Every responsible actor of the plan's current measures with those measures; one query."""
    links = (
        MeasureActor.objects.filter(
            role=MeasureActor.Role.RESPONSIBLE,
            measure__focus_area__plan_id=plan_id,
            measure__archived_at__isnull=True,
        )
        .select_related("actor", "measure")
        .order_by("measure__focus_area__order", "measure__order", "measure_id")
    )
    actors: dict[int, Actor] = {}
    measures: dict[int, list[Measure]] = defaultdict(list)
    for link in links:
        actors.setdefault(link.actor_id, link.actor)
        measures[link.actor_id].append(link.measure)
    ordered = sorted(actors.values(), key=lambda a: (a.name, a.pk))
    return [Responsibility(actor=a, measures=measures[a.pk]) for a in ordered]


def responsible_actors(plan: Plan) -> list[Actor]:
    """The actors responsible for at least one current measure of the plan, by name."""
    return [r.actor for r in _responsibilities(plan.pk)]


# --- Opening ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundLink:
    actor: Actor
    link: ReportingLink
    # Not in repr: a result printed in a log or a traceback must not carry the secret.
    token: str = field(repr=False)
    url: str = field(repr=False)
    mailed: bool


@dataclass(frozen=True)
class OpenedRound:
    round: ReportingRound
    links: list[RoundLink]

    @property
    def not_mailed(self) -> list[RoundLink]:
        """The links the secretariat must hand over itself (no address, or the mail failed)."""
        return [link for link in self.links if not link.mailed]

    @property
    def mailed_count(self) -> int:
        return sum(1 for link in self.links if link.mailed)


def open_round(
    *,
    plan: Plan,
    title: str,
    deadline: datetime.date,
    message: str = "",
    user: AnyUser,
    base_url: str,
    reminder_days_before: int = DEFAULT_REMINDER_DAYS_BEFORE,
    now: datetime.datetime | None = None,
) -> OpenedRound:
    """Open a round, issue each responsible actor a link and mail it to those with an address.

    The round and its links are written in one transaction; the mails go out after it, so
    no mail carries a link that a rollback took away. A failed mail does not undo the round:
    that actor's link is returned with mailed=False, for the page to show and copy.
    """
    now = now or timezone.now()
    _check_base_url(base_url)
    with transaction.atomic():
        round = _create_round(
            plan=plan,
            title=title,
            deadline=deadline,
            message=message,
            user=user,
            reminder_days_before=reminder_days_before,
            now=now,
        )
        issued: list[tuple[Responsibility, ReportingLink, str]] = []
        for responsibility in _responsibilities(plan.pk):
            link, token = issue_link(
                actor=responsibility.actor,
                plan=plan,
                expires_at=link_expiry(deadline),
                user=user,
                now=now,
            )
            issued.append((responsibility, link, token))
    reply_to = user.email if isinstance(user, User) else ""
    links = []
    for responsibility, link, token in issued:
        url = reporting_url(base_url=base_url, token=token)
        mailed = _mail_invitation(
            round=round, responsibility=responsibility, link=link, url=url, reply_to=reply_to
        )
        links.append(
            RoundLink(actor=responsibility.actor, link=link, token=token, url=url, mailed=mailed)
        )
    logger.info(
        "Opna rapporteringsrunde %s for plan %s: %d lenker, %d sende på e-post.",
        round.pk,
        plan.pk,
        len(links),
        sum(link.mailed for link in links),
    )
    return OpenedRound(round=round, links=links)


def _create_round(
    *,
    plan: Plan,
    title: str,
    deadline: datetime.date,
    message: str,
    user: AnyUser,
    reminder_days_before: int,
    now: datetime.datetime,
) -> ReportingRound:
    if not title.strip():
        raise RoundError(_("The round must have a title."))
    if deadline < oslo_date(now):
        raise RoundError(_("The deadline cannot be in the past."))
    if reminder_days_before < 0:
        raise RoundError(_("The number of days before the deadline cannot be negative."))
    already_open = _("The plan «%(plan)s» already has an open reporting round.") % {
        "plan": plan.title
    }
    if ReportingRound.objects.filter(plan=plan, state=ReportingRound.State.OPEN).exists():
        raise RoundError(already_open)
    round = ReportingRound(
        plan=plan,
        title=title.strip(),
        deadline=deadline,
        message=message.strip(),
        reminder_days_before=reminder_days_before,
        opened_at=now,
        opened_by=known_user(user),
    )
    round._history_user = known_user(user)  # type: ignore[attr-defined]
    try:
        # The constraint catches a second opening that passed the check at the same time.
        with transaction.atomic():
            round.save()
    except IntegrityError:
        raise RoundError(already_open) from None
    return round


def _mail_invitation(
    *,
    round: ReportingRound,
    responsibility: Responsibility,
    link: ReportingLink,
    url: str,
    reply_to: str,
) -> bool:
    actor = responsibility.actor
    if not actor.email:
        return False
    subject, body = _render_mail(
        "round_opened",
        {
            "actor": actor,
            "round": round,
            "plan": round.plan,
            "measures": responsibility.measures,
            "url": url,
            "expires_at": link.expires_at.astimezone(OSLO),
        },
    )
    try:
        _send_mail(to=actor.email, subject=subject, body=body, reply_to=reply_to)
    except OSError as e:
        # The mail's text is not logged: it holds the token.
        logger.warning("E-post til aktør %s i runde %s feila.", actor.pk, round.pk, exc_info=True)
        _record_failure(round=round, actor=actor, kind=MailFailure.Kind.INVITATION, error=e)
        return False
    return True


def _record_failure(*, round: ReportingRound, actor: Actor, kind: str, error: OSError) -> None:
    MailFailure.objects.create(
        round=round, actor=actor, kind=kind, email=actor.email, error=str(error)[:300]
    )


# --- Reporting ----------------------------------------------------------------------------


@transaction.atomic
def record_round_status(
    *,
    round: ReportingRound,
    measure: Measure,
    status: Status,
    comment: str = "",
    comment_is_public: bool = False,
    evidence_url: str = "",
    user: AnyUser = None,
    actor: Actor | None = None,
    link: ReportingLink | None = None,
    expected_previous: int | None = None,
) -> StatusUpdate:
    """Report a measure's status in a round.

    `expected_previous` is the id of the latest update the person saw (None: they saw none).
    If someone has reported since, StatusConflict is raised and nothing is saved; the caller
    shows the newer status and, if the person still wants the change, calls again with that
    update's id. With a `link`, the link's actor reports and must be responsible.
    """
    round = _locked_round(round)
    if not round.is_open:
        raise RoundError(str(ROUND_CLOSED_MESSAGE))
    try:
        status = Status(status)
    except ValueError:
        raise RoundError(_("Unknown status.")) from None
    actor = _reporting_actor(round=round, actor=actor, link=link)
    measure = _locked_measure(round=round, measure=measure)
    if actor is not None and not _is_responsible(actor=actor, measure=measure):
        raise RoundError(
            _("%(actor)s is not responsible for measure %(code)s.")
            % {"actor": actor.name, "code": measure.code}
        )
    _check_latest(measure=measure, expected_previous=expected_previous)
    update = record_status(
        measure=measure,
        status=status,
        comment=comment,
        comment_is_public=comment_is_public,
        evidence_url=evidence_url,
        user=user,
    )
    RoundReport.objects.create(round=round, status_update=update, actor=actor, via_link=link)
    return update


@transaction.atomic
def set_status(
    *,
    measure: Measure,
    status: Status,
    comment: str = "",
    comment_is_public: bool = False,
    evidence_url: str = "",
    user: AnyUser,
    expected_previous: int | None,
) -> StatusUpdate:
    """The secretariat sets a measure's status, from the measure page or a round page.

    While the plan has an open round the update counts as reported in it, so the round's
    progress and reminders see it. Either way a newer update than the one the person saw
    raises StatusConflict, and nothing is saved.
    """
    open_round = ReportingRound.objects.filter(
        plan__focus_areas__measures=measure, state=ReportingRound.State.OPEN
    ).first()
    if open_round is not None:
        return record_round_status(
            round=open_round,
            measure=measure,
            status=status,
            comment=comment,
            comment_is_public=comment_is_public,
            evidence_url=evidence_url,
            user=user,
            expected_previous=expected_previous,
        )
    locked = Measure.objects.select_for_update(of=("self",)).get(pk=measure.pk)
    _check_latest(measure=locked, expected_previous=expected_previous)
    return record_status(
        measure=locked,
        status=Status(status),
        comment=comment,
        comment_is_public=comment_is_public,
        evidence_url=evidence_url,
        user=user,
    )


def latest_update(measure: Measure) -> StatusUpdate | None:
    return (
        StatusUpdate.objects.filter(measure=measure)
        .select_related("created_by", "round_report__actor")
        .order_by("-created_at", "-pk")
        .first()
    )


def _check_latest(*, measure: Measure, expected_previous: int | None) -> None:
    # Called with the measure row locked, so no save can slip in between check and write.
    latest = latest_update(measure)
    if (latest.pk if latest else None) != expected_previous:
        raise StatusConflict(measure=measure, latest=latest)


def _reporting_actor(
    *, round: ReportingRound, actor: Actor | None, link: ReportingLink | None
) -> Actor | None:
    if link is None:
        return actor
    if link.plan_id != round.plan_id or not link.is_usable():
        raise RoundError(_("The link is not valid for this round."))
    if actor is not None and actor.pk != link.actor_id:
        raise RoundError(_("The link belongs to another actor."))
    return link.actor


def _locked_measure(*, round: ReportingRound, measure: Measure) -> Measure:
    # Locking the measure row makes two saves of the same measure take turns, so both
    # cannot pass the conflict check (a no-op on SQLite, where the transaction serialises).
    locked = (
        Measure.objects.select_for_update(of=("self",))
        .filter(pk=measure.pk, focus_area__plan_id=round.plan_id)
        .first()
    )
    if locked is None:
        raise RoundError(
            _("The measure does not belong to the plan «%(plan)s».") % {"plan": round.plan.title}
        )
    if locked.archived_at is not None:
        raise RoundError(
            _("Measure %(code)s is archived and cannot be reported on.") % {"code": locked.code}
        )
    return locked


def _is_responsible(*, actor: Actor, measure: Measure) -> bool:
    return MeasureActor.objects.filter(
        measure=measure, actor=actor, role=MeasureActor.Role.RESPONSIBLE
    ).exists()


# --- What an actor sees -------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureReport:
    """A measure as the reporting pages show it: now, and what the round has heard."""

    measure: Measure
    latest: StatusUpdate | None
    # The newest update reported in the round, by anyone.
    in_round: StatusUpdate | None

    @property
    def set_by(self) -> str:
        return _set_by(self.latest) if self.latest is not None else ""

    @property
    def in_round_by(self) -> str:
        return _set_by(self.in_round) if self.in_round is not None else ""


@dataclass(frozen=True)
class ActorWork:
    actor: Actor
    round: ReportingRound | None
    responsible: list[MeasureReport]
    involved: list[MeasureReport]

    @property
    def reported_count(self) -> int:
        return sum(1 for r in self.responsible if r.in_round is not None)


def actor_work(*, actor: Actor, plan: Plan, round: ReportingRound | None) -> ActorWork:
    """The actor's current measures in the plan, split by role. Four queries."""
    links = list(
        MeasureActor.objects.filter(
            actor=actor, measure__focus_area__plan=plan, measure__archived_at__isnull=True
        )
        .values_list("measure_id", "role")
        .distinct()
    )
    responsible_ids = {m for m, role in links if role == MeasureActor.Role.RESPONSIBLE}
    involved_ids = {m for m, _ in links} - responsible_ids
    reports = measure_reports(round=round, measure_ids=responsible_ids | involved_ids)
    return ActorWork(
        actor=actor,
        round=round,
        responsible=[r for r in reports if r.measure.pk in responsible_ids],
        involved=[r for r in reports if r.measure.pk in involved_ids],
    )


def measure_reports(
    *, round: ReportingRound | None, measure_ids: set[int] | list[int]
) -> list[MeasureReport]:
    """Measures in plan order with their latest update and the round's; three queries."""
    latest_id = (
        StatusUpdate.objects.filter(measure=OuterRef("pk")).order_by("-created_at", "-pk")
    ).values("pk")[:1]
    measures = list(
        Measure.objects.filter(pk__in=list(measure_ids))
        .select_related("focus_area", "goal")
        .annotate(latest_id=Subquery(latest_id))
        .order_by("focus_area__order", "order", "pk")
    )
    in_round: dict[int, int] = {}
    if round is not None:
        reported = RoundReport.objects.filter(
            round=round, status_update__measure_id__in=[m.pk for m in measures]
        ).order_by("status_update__created_at", "status_update_id")
        # Later rows overwrite earlier ones: the newest report wins.
        in_round = dict(reported.values_list("status_update__measure_id", "status_update_id"))
    wanted = {m.latest_id for m in measures if m.latest_id} | set(in_round.values())  # type: ignore[attr-defined]
    updates = (
        StatusUpdate.objects.filter(pk__in=wanted)
        .select_related("created_by", "round_report__actor")
        .in_bulk()
    )
    return [
        MeasureReport(
            measure=m,
            latest=updates.get(m.latest_id),  # type: ignore[attr-defined]
            in_round=updates.get(in_round[m.pk]) if m.pk in in_round else None,
        )
        for m in measures
    ]


def plan_rounds(plan: Plan) -> list[ReportingRound]:
    """All the plan's rounds in one query: the open one first, then the newest closed."""
    return list(
        ReportingRound.objects.filter(plan=plan).order_by(
            F("closed_at").desc(nulls_first=True), "-pk"
        )
    )


def snapshot_statuses(round: ReportingRound) -> dict[int, str]:
    """A closed round's frozen status per measure id."""
    return dict(RoundSnapshot.objects.filter(round=round).values_list("measure_id", "status"))


def refused_uses(round: ReportingRound) -> QuerySet[ReportingLinkUse]:
    """Refused uses of the plan's links while the round was open, newest first."""
    uses = ReportingLinkUse.objects.filter(
        link__plan_id=round.plan_id, at__gte=round.opened_at, action__startswith="refused_"
    )
    if round.closed_at is not None:
        uses = uses.filter(at__lte=round.closed_at + datetime.timedelta(days=LINK_GRACE_DAYS))
    return uses.select_related("link__actor").order_by("-at", "-pk")


def round_for_plan(plan: Plan) -> ReportingRound | None:
    """The plan's open round, else its latest closed one, else None."""
    rounds = plan_rounds(plan)
    return rounds[0] if rounds else None


# --- Progress -----------------------------------------------------------------------------


class ReportState(enum.StrEnum):
    ALL = "all"
    SOME = "some"
    NONE = "none"

    @property
    def label(self) -> str:
        return str(_REPORT_STATE_LABELS[self])


_REPORT_STATE_LABELS = {
    ReportState.ALL: gettext_lazy("all reported"),
    ReportState.SOME: gettext_lazy("partly reported"),
    ReportState.NONE: gettext_lazy("not reported"),
}


@dataclass(frozen=True)
class ActorProgress:
    actor: Actor
    measures: list[Measure]
    reported: list[Measure]

    @property
    def total(self) -> int:
        return len(self.measures)

    @property
    def reported_count(self) -> int:
        return len(self.reported)

    @property
    def unreported(self) -> list[Measure]:
        return [m for m in self.measures if m not in self.reported]

    @property
    def state(self) -> ReportState:
        if self.reported_count == self.total:
            return ReportState.ALL
        return ReportState.SOME if self.reported else ReportState.NONE


@dataclass(frozen=True)
class RoundProgress:
    round: ReportingRound
    actors: list[ActorProgress]
    measures: list[Measure]
    unreported: list[Measure]

    @property
    def reported_count(self) -> int:
        return len(self.measures) - len(self.unreported)

    @property
    def behind(self) -> list[ActorProgress]:
        return [a for a in self.actors if a.state != ReportState.ALL]


def round_progress(round: ReportingRound) -> RoundProgress:
    """Who has reported what in the round. Two queries, however many actors and measures.

    A measure counts as reported for all its responsible actors once anyone reported on it
    in the round: the round asks for the measure's status, not for one answer per actor.
    """
    in_round = RoundReport.objects.filter(round=round, status_update__measure=OuterRef("pk"))
    measures = list(
        Measure.objects.filter(focus_area__plan_id=round.plan_id, archived_at__isnull=True)
        .annotate(reported_in_round=Exists(in_round))
        .order_by("focus_area__order", "order", "pk")
    )
    by_id = {m.pk: m for m in measures}
    links = (
        MeasureActor.objects.filter(role=MeasureActor.Role.RESPONSIBLE, measure_id__in=list(by_id))
        .select_related("actor")
        .order_by("actor__name", "actor_id")
    )
    actors: dict[int, Actor] = {}
    actor_measures: dict[int, list[Measure]] = defaultdict(list)
    for link in links:
        actors.setdefault(link.actor_id, link.actor)
        actor_measures[link.actor_id].append(by_id[link.measure_id])
    order = {m.pk: i for i, m in enumerate(measures)}
    progress = []
    for actor_id, actor in actors.items():
        own = sorted(actor_measures[actor_id], key=lambda m: order[m.pk])
        reported = [m for m in own if m.reported_in_round]  # type: ignore[attr-defined]
        progress.append(ActorProgress(actor=actor, measures=own, reported=reported))
    unreported = [m for m in measures if not m.reported_in_round]  # type: ignore[attr-defined]
    return RoundProgress(round=round, actors=progress, measures=measures, unreported=unreported)


# --- Closing and comparing ----------------------------------------------------------------


@transaction.atomic
def close_round(*, round: ReportingRound, user: AnyUser) -> ReportingRound:
    """Freeze every current measure's latest status in the snapshot and close the round."""
    locked = _locked_round(round)
    if not locked.is_open:
        raise RoundError(_("The round is already closed."))
    now = timezone.now()
    latest = (
        StatusUpdate.objects.filter(measure=OuterRef("pk")).order_by("-created_at", "-pk")
    ).values("pk")[:1]
    measure_updates = list(
        Measure.objects.filter(focus_area__plan_id=locked.plan_id, archived_at__isnull=True)
        .annotate(latest_id=Subquery(latest))
        .values_list("pk", "latest_id")
    )
    updates = StatusUpdate.objects.in_bulk([u for _, u in measure_updates if u is not None])
    RoundSnapshot.objects.bulk_create(
        _snapshot_row(round=locked, measure_id=measure_id, update=updates.get(update_id))
        for measure_id, update_id in measure_updates
    )
    locked.state = ReportingRound.State.CLOSED
    locked.closed_at = now
    locked.closed_by = known_user(user)
    locked._history_user = known_user(user)  # type: ignore[attr-defined]
    locked.save()
    round.refresh_from_db()
    return round


def _snapshot_row(
    *, round: ReportingRound, measure_id: int, update: StatusUpdate | None
) -> RoundSnapshot:
    if update is None:
        return RoundSnapshot(round=round, measure_id=measure_id, status=Status.UNKNOWN)
    return RoundSnapshot(
        round=round,
        measure_id=measure_id,
        status=update.status,
        comment=update.comment,
        comment_is_public=update.comment_is_public,
        status_update=update,
        reported_at=update.created_at,
    )


@dataclass(frozen=True)
class StatusChange:
    measure: Measure
    from_status: Status
    to_status: Status


def previous_closed_round(round: ReportingRound) -> ReportingRound | None:
    rounds = ReportingRound.objects.filter(
        plan_id=round.plan_id, state=ReportingRound.State.CLOSED
    ).exclude(pk=round.pk)
    if round.closed_at is not None:
        rounds = rounds.filter(closed_at__lt=round.closed_at)
    return rounds.order_by("-closed_at", "-pk").first()


def changes_since_previous(round: ReportingRound) -> list[StatusChange]:
    """Measures whose status differs from the previous closed round's snapshot.

    A closed round is compared by its own snapshot; an open one by the statuses as they
    stand now. A measure new since the previous round counts as moved from "not assessed".
    Without a previous closed round there is nothing to compare, and the list is empty.
    """
    previous = previous_closed_round(round)
    if previous is None:
        return []
    before = dict(RoundSnapshot.objects.filter(round=previous).values_list("measure_id", "status"))
    changes = []
    for measure, status in _statuses_of(round):
        was = Status(before.get(measure.pk, Status.UNKNOWN))
        if was != status:
            changes.append(StatusChange(measure=measure, from_status=was, to_status=status))
    return changes


def _statuses_of(round: ReportingRound) -> list[tuple[Measure, Status]]:
    # With the plan and region: the list links every measure, and a link costs no query then.
    if not round.is_open:
        rows = RoundSnapshot.objects.filter(round=round).select_related(
            "measure__focus_area__plan__region"
        )
        return [(row.measure, Status(row.status)) for row in rows]
    measures = (
        Measure.objects.filter(focus_area__plan_id=round.plan_id, archived_at__isnull=True)
        .with_status()
        .select_related("focus_area__plan__region")
        .order_by("focus_area__order", "order", "pk")
    )
    return [(m, m.current_status) for m in measures]


# --- Reminders ----------------------------------------------------------------------------


def scheduled_reminder_kind(
    round: ReportingRound, today: datetime.date
) -> ReminderSent.Kind | None:
    """Which scheduled reminder is due for a round on a day, if any."""
    opened_on = oslo_date(round.opened_at)
    # Not on the day the round opened: the actors have just had the invitation.
    if today <= opened_on or today > round.deadline:
        return None
    if today == round.deadline:
        return ReminderSent.Kind.ON_DEADLINE
    remind_on = round.deadline - datetime.timedelta(days=round.reminder_days_before)
    # Any day from the reminder day to the deadline, so a day cron missed is caught up;
    # the unique constraint keeps it to one. A round opened after that day gets none.
    if round.reminder_days_before and opened_on < remind_on <= today:
        return ReminderSent.Kind.BEFORE_DEADLINE
    return None


def send_reminders(*, now: datetime.datetime | None = None, base_url: str) -> list[ReminderSent]:
    """Send the reminders due today to actors behind in open rounds. Safe to run often."""
    _check_base_url(base_url)
    now = now or timezone.now()
    today = oslo_date(now)
    sent: list[ReminderSent] = []
    rounds = ReportingRound.objects.filter(state=ReportingRound.State.OPEN).select_related(
        "plan__region"
    )
    for round in rounds:
        kind = scheduled_reminder_kind(round, today)
        if kind is not None:
            sent += _remind_behind(round=round, kind=kind, user=None, base_url=base_url, now=now)
    return sent


def send_manual_reminders(
    *, round: ReportingRound, user: AnyUser, base_url: str
) -> list[ReminderSent]:
    """Remind now every actor with an address who has not reported all its measures."""
    _check_base_url(base_url)
    round.refresh_from_db(fields=["state"])
    if not round.is_open:
        raise RoundError(_("The round is closed, so reminders can no longer be sent."))
    return _remind_behind(
        round=round, kind=ReminderSent.Kind.MANUAL, user=user, base_url=base_url, now=None
    )


def _remind_behind(
    *,
    round: ReportingRound,
    kind: ReminderSent.Kind,
    user: AnyUser,
    base_url: str,
    now: datetime.datetime | None,
) -> list[ReminderSent]:
    # Checked first so a second run does no work; the constraint settles a run at the same time.
    already: set[int] = set()
    if kind != ReminderSent.Kind.MANUAL:
        already = set(
            ReminderSent.objects.filter(round=round, kind=kind).values_list("actor_id", flat=True)
        )
    sent = []
    for entry in round_progress(round).behind:
        if entry.actor.email and entry.actor.pk not in already:
            reminder = _send_reminder(
                round=round, entry=entry, kind=kind, user=user, base_url=base_url, now=now
            )
            if reminder is not None:
                sent.append(reminder)
    return sent


def issue_round_link(
    *, round: ReportingRound, actor: Actor, user: AnyUser, base_url: str
) -> tuple[ReportingLink, str]:
    """A new link for an actor in an open round, for the secretariat to hand over itself.

    Any earlier link of the actor for the round stops working, and so does one a person
    revoked: asking for a new link is asking for access to be given back.
    Returns the link and its full address.
    """
    _check_base_url(base_url)
    with transaction.atomic():
        round = _locked_round(round)
        if not round.is_open:
            raise RoundError(str(ROUND_CLOSED_MESSAGE))
        responsible = MeasureActor.objects.filter(
            actor=actor,
            role=MeasureActor.Role.RESPONSIBLE,
            measure__focus_area__plan_id=round.plan_id,
            measure__archived_at__isnull=True,
        )
        if not responsible.exists():
            raise RoundError(
                _("%(actor)s is not responsible for any measure in the plan.")
                % {"actor": actor.name}
            )
        expires_at = link_expiry(round.deadline)
        current = (
            ReportingLink.objects.filter(
                actor=actor, plan_id=round.plan_id, created_at__gte=round.opened_at
            )
            .order_by("-created_at", "-pk")
            .first()
        )
        if current is None or current.is_revoked:
            link, token = issue_link(actor=actor, plan=round.plan, expires_at=expires_at, user=user)
        else:
            link, token = reissue_link(link=current, expires_at=expires_at, user=user)
    return link, reporting_url(base_url=base_url, token=token)


class _LinkWithdrawn(Exception):
    """The actor's link for the round was revoked on purpose; no reminder is sent."""


def _send_reminder(
    *,
    round: ReportingRound,
    entry: ActorProgress,
    kind: ReminderSent.Kind,
    user: AnyUser,
    base_url: str,
    now: datetime.datetime | None,
) -> ReminderSent | None:
    """Record, relink and mail one reminder in one transaction per actor.

    If the mail fails, the record and the new link are rolled back (the old link keeps
    working) and the next run tries again; one actor's failure leaves the others' alone.
    """
    actor = entry.actor
    try:
        with transaction.atomic():
            reminder = ReminderSent.objects.create(
                round=round,
                actor=actor,
                kind=kind,
                email=actor.email,
                sent_at=now or timezone.now(),
                sent_by=known_user(user),
            )
            link, token = _fresh_link(round=round, actor=actor, user=user)
            subject, body = _render_mail(
                "reminder",
                {
                    "actor": actor,
                    "round": round,
                    "plan": round.plan,
                    "measures": entry.unreported,
                    "reported_count": entry.reported_count,
                    "total": entry.total,
                    "url": reporting_url(base_url=base_url, token=token),
                    "expires_at": link.expires_at.astimezone(OSLO),
                },
            )
            _send_mail(to=actor.email, subject=subject, body=body)
    except IntegrityError:
        return None  # another run sent this scheduled reminder a moment ago
    except _LinkWithdrawn:
        return None
    except OSError as e:
        logger.warning(
            "Påminning til aktør %s i runde %s feila.", actor.pk, round.pk, exc_info=True
        )
        # Outside the rolled-back transaction: the failure is kept, the reminder is not,
        # so the next run tries again.
        _record_failure(round=round, actor=actor, kind=kind, error=e)
        return None
    return reminder


def _fresh_link(*, round: ReportingRound, actor: Actor, user: AnyUser) -> tuple[ReportingLink, str]:
    """A new link for the reminder mail.

    Raw tokens are never stored, so a reminder cannot repeat the link from the first mail.
    It reissues the actor's newest link for the round instead: the old link stops working
    and the reminder's works. The actor loses nothing, as the newest mail is the one read.
    """
    expires_at = link_expiry(round.deadline)
    current = (
        ReportingLink.objects.filter(
            actor=actor, plan_id=round.plan_id, created_at__gte=round.opened_at
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if current is None:
        # Made responsible after the round opened: the reminder is its first link.
        return issue_link(actor=actor, plan=round.plan, expires_at=expires_at, user=user)
    if current.is_revoked:
        # Reissuing always leaves a newer unrevoked link, so this one was revoked by a
        # person on purpose; a reminder must not hand the access back.
        raise _LinkWithdrawn
    return reissue_link(link=current, expires_at=expires_at, user=user)
