"""Personal reporting links: an actor reports on its measures in one plan without a password.

The link's token is a bearer secret. Only its SHA-256 digest is stored, so a copy of the
database (a backup, a dump for debugging) cannot be turned into working links.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from planstatus.core.status import STATUS_CHOICES
from planstatus.plans.models import Measure, Plan, StatusUpdate
from planstatus.regions.models import Actor, ContactPerson

# Shared by the model's clean() and the service, so the admin and the code say the same.
CROSS_REGION_MESSAGE = _("The actor and the plan belong to different regions.")

USER_AGENT_MAX_LENGTH = 200
DETAIL_MAX_LENGTH = 200


class ReportingLink(models.Model):
    actor = models.ForeignKey(
        Actor, on_delete=models.CASCADE, related_name="reporting_links", verbose_name=_("actor")
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="reporting_links", verbose_name=_("plan")
    )
    # A link works in its own round only: closing the round ends it. Null only for links
    # made before links belonged to rounds and matched to none; those no longer work.
    round = models.ForeignKey(
        "ReportingRound",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="links",
        verbose_name=_("reporting round"),
    )
    # The person the link was made for; null for a link to the actor as a whole (an actor
    # without contact persons, or one the secretariat hands on itself).
    contact_person = models.ForeignKey(
        ContactPerson,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reporting_links",
        verbose_name=_("contact person"),
    )
    # unique=True gives the index the lookup by token needs.
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["actor", "plan"], name="reportinglink_actor_plan_idx")]
        verbose_name = _("reporting link")
        verbose_name_plural = _("reporting links")

    def __str__(self) -> str:
        # Never the token or its hash: this string ends up in logs and admin messages.
        return f"{self.actor} – {self.plan}"

    def clean(self) -> None:
        if (
            self.actor_id is not None
            and self.plan_id is not None
            and self.actor.region_id != self.plan.region_id
        ):
            raise ValidationError(CROSS_REGION_MESSAGE)

    def is_expired(self, now: datetime.datetime | None = None) -> bool:
        return self.expires_at <= (now or timezone.now())

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def round_has_ended(self) -> bool:
        return self.round is None or not self.round.is_open

    def is_usable(self, now: datetime.datetime | None = None) -> bool:
        return not self.is_revoked and not self.is_expired(now) and not self.round_has_ended


class ReportingLinkUse(models.Model):
    """One use, or refused attempt, of a reporting link. Rows are only ever added."""

    class Action(models.TextChoices):
        OPENED = "opened", _("opened")
        REPORTED = "reported", _("reported")
        REFUSED_EXPIRED = "refused_expired", _("refused: expired")
        REFUSED_REVOKED = "refused_revoked", _("refused: revoked")
        REFUSED_UNKNOWN = "refused_unknown", _("refused: unknown link")
        REFUSED_CLOSED = "refused_closed", _("refused: round closed")
        REFUSED_MEASURE = "refused_measure", _("refused: not the actor's measure")

    # Null for attempts with a token that matches no link; the token itself is not kept.
    link = models.ForeignKey(
        ReportingLink,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="uses",
        verbose_name=_("reporting link"),
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    detail = models.CharField(_("detail"), max_length=DETAIL_MAX_LENGTH, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=USER_AGENT_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["link", "-at"], name="reportinglinkuse_latest_idx")]
        verbose_name = _("use of reporting link")
        verbose_name_plural = _("uses of reporting links")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {timezone.localtime(self.at):%Y-%m-%d %H:%M}"


# Reporting rounds: the secretariat asks every responsible actor of a plan for status by a
# deadline, reminds those who are behind, and freezes the result when the round closes.

# Days relative to the deadline on which those behind are reminded: a week before, the day
# before and the day after. Negative is before, 0 the deadline day itself.
DEFAULT_REMINDER_PLAN = (-7, -1, 1)
# A reminder day is at most this far from the deadline, either side.
REMINDER_PLAN_MAX_DAYS = 60


def default_reminder_plan() -> list[int]:
    return list(DEFAULT_REMINDER_PLAN)


class ReportingRound(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="reporting_rounds", verbose_name=_("plan")
    )
    title = models.CharField(_("title"), max_length=200)
    deadline = models.DateField(_("deadline"))
    message = models.TextField(_("message to the actors"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    # Sorted days relative to the deadline (negative: before); send-reminders sends each once.
    reminder_plan = models.JSONField(_("reminder plan"), default=default_reminder_plan, blank=True)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            # The service checks this too; the constraint stops two requests at once.
            models.UniqueConstraint(
                fields=["plan"],
                condition=models.Q(state="open"),
                name="one_open_round_per_plan",
            ),
            models.CheckConstraint(
                condition=models.Q(state="open", closed_at__isnull=True)
                | models.Q(state="closed", closed_at__isnull=False),
                name="round_closed_at_matches_state",
            ),
        ]
        verbose_name = _("reporting round")
        verbose_name_plural = _("reporting rounds")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    def reminder_days(self) -> list[datetime.date]:
        """The days of the reminder plan, earliest first."""
        return [self.deadline + datetime.timedelta(days=d) for d in sorted(set(self.reminder_plan))]


class RoundSnapshot(models.Model):
    """A measure's status as it stood when its round closed. Rows are written once."""

    round = models.ForeignKey(
        ReportingRound,
        on_delete=models.CASCADE,
        related_name="snapshot",
        verbose_name=_("reporting round"),
    )
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="+", verbose_name=_("measure")
    )
    status = models.CharField(_("status"), max_length=12, choices=STATUS_CHOICES)
    comment = models.TextField(_("comment"), blank=True)
    # Copied too, so a public report of the round shows only what was public at closing.
    comment_is_public = models.BooleanField(_("comment is public"), default=False)
    # Null when the measure had never been reported on.
    status_update = models.ForeignKey(
        StatusUpdate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("status update"),
    )
    reported_at = models.DateTimeField(_("reported"), null=True, blank=True)

    class Meta:
        ordering = ["round", "measure__focus_area__order", "measure__order"]
        constraints = [
            models.UniqueConstraint(fields=["round", "measure"], name="one_snapshot_per_measure")
        ]
        verbose_name = _("status at closing")
        verbose_name_plural = _("statuses at closing")

    def __str__(self) -> str:
        return f"{self.round}: {self.measure.code} {self.get_status_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A frozen snapshot is the record of what was known at closing; corrections belong
        # in new status updates, never here.
        if not self._state.adding:
            raise ValueError(gettext("A frozen status from a closed round cannot be changed."))
        super().save(*args, **kwargs)


class RoundReport(models.Model):
    """Ties a status update to the round it was reported in (plans knows nothing of rounds)."""

    round = models.ForeignKey(
        ReportingRound,
        on_delete=models.CASCADE,
        related_name="reports",
        verbose_name=_("reporting round"),
    )
    status_update = models.OneToOneField(
        StatusUpdate,
        on_delete=models.CASCADE,
        related_name="round_report",
        verbose_name=_("status update"),
    )
    # The actor who reported, when it reported through its link or on its own behalf.
    actor = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="round_reports",
        verbose_name=_("actor"),
    )
    via_link = models.ForeignKey(
        ReportingLink,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="round_reports",
        verbose_name=_("reporting link"),
    )
    # The person whose link saved the report. Only the secretariat sees it; removing the
    # person keeps the report and its actor.
    contact_person = models.ForeignKey(
        ContactPerson,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="round_reports",
        verbose_name=_("contact person"),
    )
    # «Ingen endring sidan sist»: the body said nothing changed, and its previous status and
    # comment were carried into this round.
    carried_forward = models.BooleanField(_("no change since last"), default=False)

    class Meta:
        ordering = ["round", "status_update"]
        verbose_name = _("report in round")
        verbose_name_plural = _("reports in rounds")

    def __str__(self) -> str:
        return f"{self.round}: {self.status_update}"


class ReminderSent(models.Model):
    class Kind(models.TextChoices):
        BEFORE_DEADLINE = "before_deadline", _("before the deadline")
        ON_DEADLINE = "on_deadline", _("on the deadline")
        AFTER_DEADLINE = "after_deadline", _("after the deadline")
        MANUAL = "manual", _("sent by hand")

    round = models.ForeignKey(
        ReportingRound,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("reporting round"),
    )
    actor = models.ForeignKey(
        Actor, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("actor")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # The person reminded; null when the reminder went to the actor's own address.
    contact_person = models.ForeignKey(
        ContactPerson,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact person"),
    )
    # The address used, since the actor's or person's address may change later.
    email = models.EmailField(_("e-mail"))
    # The day of the reminder plan this reminder was for; null for one sent by hand.
    scheduled_for = models.DateField(_("scheduled for"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            # A scheduled reminder goes out once to each address, however often cron runs;
            # manual ones repeat.
            models.UniqueConstraint(
                fields=["round", "actor", "email", "scheduled_for"],
                condition=~models.Q(kind="manual"),
                name="scheduled_reminder_once_per_address",
            )
        ]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")

    def __str__(self) -> str:
        return f"{self.round}: {self.actor} ({self.get_kind_display()})"


class MailFailure(models.Model):
    """A round's mail that could not be sent. Kept so the round page can say what failed;
    reminders are tried again by the next run, invitations by a new link or a reminder."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("invitation")
        BEFORE_DEADLINE = "before_deadline", _("reminder before the deadline")
        ON_DEADLINE = "on_deadline", _("reminder on the deadline")
        AFTER_DEADLINE = "after_deadline", _("reminder after the deadline")
        MANUAL = "manual", _("reminder sent by hand")
        REQUESTED = "requested", _("link asked for again")

    round = models.ForeignKey(
        ReportingRound,
        on_delete=models.CASCADE,
        related_name="mail_failures",
        verbose_name=_("reporting round"),
    )
    actor = models.ForeignKey(
        Actor, on_delete=models.CASCADE, related_name="+", verbose_name=_("actor")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    email = models.EmailField(_("e-mail"))
    failed_at = models.DateTimeField(_("time"), default=timezone.now)
    # The mail server's answer, never the mail: the mail holds the actor's link.
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        ordering = ["-failed_at", "-pk"]
        verbose_name = _("mail that failed")
        verbose_name_plural = _("mails that failed")

    def __str__(self) -> str:
        return f"{self.round}: {self.actor} ({self.get_kind_display()})"


class StatusReportManager(models.Manager["Submission"]):
    """`Submission.objects`: status reports only — what a measure's status, a round's
    progress, «ingen endring» and every comparison of statuses read. A waiting milestone or
    update is no answer on the status, and no code that reads statuses has to remember so.
    The secretariat's list and its decisions ask `Submission.all_kinds`."""

    def get_queryset(self) -> models.QuerySet[Submission]:
        return super().get_queryset().filter(kind=Submission.Kind.STATUS)


class Submission(models.Model):
    """A report a body sent through its link while its plan's reports must be approved.

    It waits here, unseen by the public, until the secretariat approves it (it then becomes
    the measure's status update, or on a group measure the member's) or returns it with a
    note the body sees on its link page. Rows are kept whatever happens to them: a newer
    report from the same body replaces a pending one, which stays as replaced.
    """

    class Kind(models.TextChoices):
        STATUS = "status", _("status")
        MILESTONE = "milestone", _("milestone")
        NEWS = "news", _("update")

    class State(models.TextChoices):
        PENDING = "pending", _("awaiting approval")
        APPROVED = "approved", _("approved")
        RETURNED = "returned", _("returned")
        REPLACED = "replaced", _("replaced by a newer report")

    round = models.ForeignKey(
        ReportingRound,
        on_delete=models.CASCADE,
        related_name="submissions",
        verbose_name=_("reporting round"),
    )
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="+", verbose_name=_("measure")
    )
    actor = models.ForeignKey(
        Actor, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("actor")
    )
    # True when the actor reports as a member of a group on the measure (its own status).
    as_member = models.BooleanField(_("as a member of a group"), default=False)
    via_link = models.ForeignKey(
        ReportingLink,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submissions",
        verbose_name=_("reporting link"),
    )
    # The person whose link sent it; carried to the report when it is approved.
    contact_person = models.ForeignKey(
        ContactPerson,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact person"),
    )
    # A status report, or a milestone or an update («Kva har skjedd») the body adds: the
    # same wait, the same decision, the same list for the secretariat. A milestone keeps its
    # text and due date in `text` and `day`; an update its text and date, and its files as
    # SubmissionFile rows until it is approved (they then go to disk as the secretariat's).
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.STATUS)
    status = models.CharField(_("status"), max_length=12, choices=STATUS_CHOICES, blank=True)
    text = models.TextField(_("text"), blank=True)
    day = models.DateField(_("date"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    comment_is_public = models.BooleanField(_("comment is public"), default=False)
    evidence_url = models.URLField(_("link to evidence"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    # What the secretariat wrote when it returned the report; the body sees it.
    return_note = models.TextField(_("note to the body"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    status_update = models.OneToOneField(
        StatusUpdate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submission",
        verbose_name=_("status update"),
    )

    history = HistoricalRecords()
    all_kinds = models.Manager()  # the default manager: admin, relations, backups
    objects = StatusReportManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["measure", "actor", "state"], name="submission_measure_actor_idx"),
            models.Index(fields=["round", "state"], name="submission_round_state_idx"),
        ]
        constraints = [
            # The service replaces a pending report; the constraint stops two saves at once.
            models.UniqueConstraint(
                fields=["measure", "actor"],
                condition=models.Q(state="pending", kind="status"),
                name="one_pending_report_per_body_and_measure",
            )
        ]
        default_manager_name = "all_kinds"
        verbose_name = _("report awaiting approval")
        verbose_name_plural = _("reports awaiting approval")

    def __str__(self) -> str:
        return f"{self.actor}: {self.measure.code} ({self.get_state_display()})"

    @property
    def is_pending(self) -> bool:
        return self.state == self.State.PENDING


class SubmissionFile(models.Model):
    """A file sent with an update that awaits approval. Kept in the database until the
    secretariat decides: approved, it goes through the same checks and onto disk as the
    secretariat's own attachments (plans/actions/news.add_news), and the row is removed.
    Checked by content and size when sent, so nothing unchecked waits here."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="files", verbose_name=_("report")
    )
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    data = models.BinaryField(_("content"))
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        ordering = ["submission", "pk"]
        verbose_name = _("attachment awaiting approval")
        verbose_name_plural = _("attachments awaiting approval")

    def __str__(self) -> str:
        return self.filename
