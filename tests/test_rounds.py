"""Reporting rounds: opening with mail and links, reporting, progress, closing, reminders."""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from unittest import mock
from zoneinfo import ZoneInfo

from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from planstatus.lib.status import Status
from planstatus.plans.actions.status import StatusConflict, record_status
from planstatus.plans.models import FocusArea, Measure, MeasureActor, Plan, StatusUpdate
from planstatus.regions.models import Actor
from planstatus.reporting.actions.links import resolve_link
from planstatus.reporting.actions.reminders import send_manual_reminders, send_reminders
from planstatus.reporting.actions.reports import record_round_status
from planstatus.reporting.actions.rounds import OpenedRound, close_round, open_round
from planstatus.reporting.errors import Refusal, RoundError
from planstatus.reporting.messages import conflict_message, refusal_message, set_by
from planstatus.reporting.models import (
    MailFailure,
    ReminderSent,
    ReportingLink,
    ReportingRound,
    RoundReport,
    RoundSnapshot,
)
from planstatus.reporting.progress import ReportState, responsible_actors, round_progress
from planstatus.reporting.reads import changes_since_previous
from tests.base import BaseCommitTestCase, BaseTestCase, TestdalData, mail_server_down

BASE_URL = "https://planstatus.example.no"
LINK_RE = re.compile(re.escape(BASE_URL) + r"/r/([A-Za-z0-9_-]+)/")
DAY = datetime.timedelta(days=1)


def at_eight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(8, 0)))


def token_in(body: object) -> str:
    found = LINK_RE.search(str(body))
    assert found is not None, body
    return found.group(1)


class RoundSetup(TestdalData):
    def setUp(self) -> None:
        super().setUp()
        self.today = timezone.localdate()
        self.deadline = self.today + 10 * DAY
        self.actor.email = "post@testdal.no"
        self.actor.save()
        area = self.measure.focus_area
        self.second = self.add_measure(area, "1.1.2", "Eit anna tiltak", self.actor)
        self.municipality = Actor.objects.create(region=self.region, name="Testdal kommune")
        self.third = self.add_measure(area, "1.1.3", "Kommunen sitt tiltak", self.municipality)
        archived = self.add_measure(area, "1.1.9", "Eit arkivert tiltak", self.actor)
        archived.archived_at = timezone.now()
        archived.save()

    @contextmanager
    def refused(self, code: Refusal, words: str) -> Iterator[None]:
        """The block raises RoundError with `code`, which reads `words` in Nynorsk."""
        with self.assertRaises(RoundError) as caught:
            yield
        self.assertEqual(caught.exception.code, code)
        self.assertIn(words, refusal_message(caught.exception))

    def add_measure(self, area: FocusArea, code: str, text: str, actor: Actor) -> Measure:
        measure = Measure.objects.create(
            focus_area=area, code=code, text=text, order=int(code.replace(".", ""))
        )
        MeasureActor.objects.create(
            measure=measure, actor=actor, role=MeasureActor.Role.RESPONSIBLE
        )
        return measure

    def open(self, **kwargs: object) -> OpenedRound:
        options: dict = {
            "plan": self.plan,
            "title": "Status mars 2025",
            "deadline": self.deadline,
            "user": self.owner,
            "base_url": BASE_URL,
        }
        options.update(kwargs)
        return open_round(**options)

    def link_of(self, opened: OpenedRound, actor: Actor) -> ReportingLink:
        return next(entry.link for entry in opened.links if entry.actor == actor)


class RoundTestCase(RoundSetup, BaseTestCase):
    pass


class RoundCommitTestCase(RoundSetup, BaseCommitTestCase):
    """Reminders are mailed after their transaction commits: these tests commit."""


class OpeningTests(RoundTestCase):
    def test_responsible_actors_of_current_measures(self) -> None:
        self.assertEqual(responsible_actors(self.plan), [self.municipality, self.actor])

    def test_opening_mails_each_actor_its_measures_and_a_working_link(self) -> None:
        opened = self.open(message="Hugs å skrive ein kommentar.")

        self.assertEqual(opened.round.state, ReportingRound.State.OPEN)
        self.assertEqual(opened.round.opened_by, self.owner)
        self.assertEqual(len(mail.outbox), 1)
        sent = mail.outbox[0]
        self.assertEqual(sent.to, ["post@testdal.no"])
        self.assertIn("Status mars 2025", sent.subject)
        self.assertIn("1.1.1 Eit tiltak i Regionplan for Testdal", sent.body)
        self.assertIn("1.1.2 Eit anna tiltak", sent.body)
        self.assertIn("Hugs å skrive ein kommentar.", sent.body)
        self.assertIn(f"Frist: {self.deadline.day}. ", sent.body)
        self.assertNotIn("1.1.3", sent.body)  # another actor's measure
        self.assertNotIn("1.1.9", sent.body)  # archived

        link = resolve_link(token=token_in(sent.body))
        self.assertEqual(link, self.link_of(opened, self.actor))
        assert link is not None
        self.assertEqual((link.actor, link.plan), (self.actor, self.plan))
        expiry = datetime.datetime.combine(
            self.deadline + 14 * DAY, datetime.time(23, 59), tzinfo=ZoneInfo("Europe/Oslo")
        )
        self.assertEqual(link.expires_at, expiry)

    def test_an_actor_without_email_gets_a_link_to_hand_over(self) -> None:
        opened = self.open()

        entry = next(e for e in opened.links if e.actor == self.municipality)
        self.assertFalse(entry.mailed)
        self.assertEqual(opened.not_mailed, [entry])
        self.assertEqual(entry.url, f"{BASE_URL}/r/{entry.token}/")
        self.assertEqual(resolve_link(token=entry.token), entry.link)
        self.assertNotIn(entry.token, repr(entry))

    def test_no_raw_token_is_stored(self) -> None:
        opened = self.open()
        for row in ReportingLink.objects.values():
            for entry in opened.links:
                self.assertNotIn(entry.token, str(row))

    def test_a_second_open_round_is_refused(self) -> None:
        self.open()
        with self.refused(Refusal.ALREADY_OPEN, "har allereie ein open rapporteringsrunde"):
            self.open(title="Ein til")
        self.assertEqual(ReportingRound.objects.count(), 1)
        self.assertEqual(len(mail.outbox), 1)

    def test_a_deadline_in_the_past_is_refused(self) -> None:
        with self.refused(Refusal.DEADLINE_PASSED, "Fristen kan ikkje vere passert."):
            self.open(deadline=self.today - DAY)
        self.assertFalse(ReportingRound.objects.exists())


class ReportingTests(RoundTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.opened = self.open()
        self.round = self.opened.round
        self.link = self.link_of(self.opened, self.actor)

    def test_an_actor_reports_through_its_link(self) -> None:
        update = record_round_status(
            round=self.round, measure=self.measure, status=Status.STARTED, link=self.link
        )

        assert isinstance(update, StatusUpdate)  # the plan's reports need no approval
        self.assertIsNone(update.created_by)
        report = RoundReport.objects.get()
        self.assertEqual(
            (report.round, report.status_update, report.actor, report.via_link),
            (self.round, update, self.actor, self.link),
        )

    def test_another_actors_measure_is_refused(self) -> None:
        with self.refused(Refusal.NOT_RESPONSIBLE, "er ikkje ansvarleg for tiltak 1.1.3"):
            record_round_status(
                round=self.round, measure=self.third, status=Status.DONE, link=self.link
            )
        with self.refused(Refusal.NOT_RESPONSIBLE, "er ikkje ansvarleg"):
            record_round_status(
                round=self.round, measure=self.third, status=Status.DONE, actor=self.actor
            )
        self.assertFalse(self.third.status_updates.exists())

    def test_a_measure_of_another_plan_is_refused(self) -> None:
        with self.refused(Refusal.MEASURE_NOT_IN_PLAN, "høyrer ikkje til planen"):
            record_round_status(
                round=self.round, measure=self.draft_measure, status=Status.DONE, user=self.owner
            )

    def test_a_closed_round_is_refused(self) -> None:
        close_round(round=self.round, user=self.owner)
        with self.refused(Refusal.ROUND_CLOSED, "Runden er lukka"):
            record_round_status(
                round=self.round, measure=self.measure, status=Status.DONE, link=self.link
            )

    def test_a_stale_expected_update_is_a_conflict(self) -> None:
        first = record_round_status(
            round=self.round, measure=self.measure, status=Status.STARTED, user=self.owner
        )
        assert isinstance(first, StatusUpdate)

        # Someone who opened the form before `first` was saved saw no update.
        with self.assertRaises(StatusConflict) as caught:
            record_round_status(
                round=self.round,
                measure=self.measure,
                status=Status.DONE,
                link=self.link,
                expected_previous=None,
            )
        conflict = caught.exception
        self.assertEqual(conflict.latest, first)
        self.assertEqual(set_by(first), "owner")
        self.assertIn("«påstarta», sett av owner", conflict_message(conflict))
        self.assertIn(" kl. ", conflict_message(conflict))
        self.assertEqual(self.measure.status_updates.count(), 1)

        # Having seen it, the person decides to save anyway.
        second = record_round_status(
            round=self.round,
            measure=self.measure,
            status=Status.DONE,
            link=self.link,
            expected_previous=first.pk,
        )
        assert isinstance(second, StatusUpdate)
        self.assertEqual(second.previous_status, Status.STARTED)

    def test_the_conflict_names_the_actor_that_reported(self) -> None:
        record_round_status(
            round=self.round, measure=self.measure, status=Status.DONE, link=self.link
        )
        with self.assertRaises(StatusConflict) as caught:
            record_round_status(round=self.round, measure=self.measure, status=Status.STARTED)
        self.assertIn("sett av Testdal regionråd", conflict_message(caught.exception))


class ProgressTests(RoundTestCase):
    def test_states_all_some_none(self) -> None:
        round = self.open().round
        forum = Actor.objects.create(region=self.region, name="Testdal næringsforum")
        MeasureActor.objects.create(
            measure=self.measure, actor=forum, role=MeasureActor.Role.RESPONSIBLE
        )
        # A status set before the round opened, or outside it, does not count for the round.
        record_status(measure=self.second, status=Status.DONE)
        record_round_status(round=round, measure=self.measure, status=Status.STARTED)

        progress = round_progress(round)

        states = {p.actor.name: (p.reported_count, p.total, p.state) for p in progress.actors}
        self.assertEqual(
            states,
            {
                "Testdal kommune": (0, 1, ReportState.NONE),
                "Testdal næringsforum": (1, 1, ReportState.ALL),
                "Testdal regionråd": (1, 2, ReportState.SOME),
            },
        )
        self.assertEqual(progress.unreported, [self.second, self.third])
        self.assertEqual([p.actor for p in progress.behind], [self.municipality, self.actor])

    def test_the_number_of_queries_does_not_grow_with_the_plan(self) -> None:
        for size in (1, 20):
            with self.subTest(size=size):
                round = self.round_for_plan_of(size)
                # Measures, members' reports, reports awaiting approval, group measures,
                # responsible links, members.
                with self.assertNumQueries(6):
                    progress = round_progress(round)
                self.assertEqual(len(progress.actors), size)
                self.assertEqual(len(progress.unreported), (size + 1) // 2)

    def round_for_plan_of(self, size: int) -> ReportingRound:
        plan = Plan.objects.create(
            region=self.region, slug=f"plan-{size}", kind=Plan.Kind.PROGRAMME, title=f"{size}"
        )
        area = FocusArea.objects.create(plan=plan, name="Alt")
        round = ReportingRound.objects.create(plan=plan, title="Runde", deadline=self.deadline)
        for i in range(size):
            actor = Actor.objects.create(region=self.region, name=f"Aktør {size}-{i}")
            measure = self.add_measure(area, f"{i + 1}", f"Tiltak {i}", actor)
            if i % 2:
                record_round_status(round=round, measure=measure, status=Status.STARTED)
        return round


class ClosingTests(RoundTestCase):
    def test_closing_freezes_a_snapshot_later_updates_do_not_change(self) -> None:
        round = self.open().round
        update = record_round_status(
            round=round, measure=self.measure, status=Status.STARTED, comment="Godt i gang"
        )

        close_round(round=round, user=self.colleague)
        record_status(measure=self.measure, status=Status.CANCELLED, comment="Retta seinare")

        round.refresh_from_db()
        self.assertEqual(round.state, ReportingRound.State.CLOSED)
        self.assertEqual(round.closed_by, self.colleague)
        rows = {row.measure: row for row in round.snapshot.all()}
        self.assertEqual(set(rows), {self.measure, self.second, self.third})  # not archived
        frozen = rows[self.measure]
        self.assertEqual(
            (frozen.status, frozen.comment, frozen.status_update, frozen.reported_at),
            (Status.STARTED, "Godt i gang", update, update.created_at),
        )
        self.assertEqual(
            (rows[self.third].status, rows[self.third].status_update), ("unknown", None)
        )
        with self.assertRaises(ValueError):
            frozen.save()

    def test_closing_twice_is_refused(self) -> None:
        round = self.open().round
        close_round(round=round, user=self.owner)
        with self.refused(Refusal.ALREADY_CLOSED, "Runden er allereie lukka."):
            close_round(round=round, user=self.owner)
        self.assertEqual(RoundSnapshot.objects.count(), 3)

    def test_changes_since_the_previous_closed_round(self) -> None:
        first = self.open().round
        record_round_status(round=first, measure=self.measure, status=Status.STARTED)
        record_round_status(round=first, measure=self.second, status=Status.STARTED)
        close_round(round=first, user=self.owner)
        self.assertEqual(changes_since_previous(first), [])

        second = self.open(title="Status september 2025").round
        latest = self.measure.status_updates.first()
        assert latest is not None
        record_round_status(
            round=second, measure=self.measure, status=Status.DONE, expected_previous=latest.pk
        )
        record_round_status(round=second, measure=self.third, status=Status.NOT_STARTED)
        close_round(round=second, user=self.owner)

        changes = [(c.measure, c.from_status, c.to_status) for c in changes_since_previous(second)]
        self.assertEqual(
            changes,
            [
                (self.measure, Status.STARTED, Status.DONE),
                (self.third, Status.UNKNOWN, Status.NOT_STARTED),
            ],
        )


class ReminderTests(RoundCommitTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.opened = self.open()
        self.round = self.opened.round
        mail.outbox.clear()

    def test_each_day_of_the_reminder_plan_once(self) -> None:
        self.assertEqual(self.round.reminder_plan, [-7, -1, 1])
        week_before = at_eight(self.deadline - 7 * DAY)

        sent = send_reminders(now=week_before, base_url=BASE_URL)
        self.assertEqual(
            [(r.actor, r.kind, r.scheduled_for) for r in sent],
            [(self.actor, "before_deadline", self.deadline - 7 * DAY)],
        )
        # Idempotent: the same day, or the day after (a catch-up), sends nothing again.
        self.assertEqual(send_reminders(now=week_before, base_url=BASE_URL), [])
        self.assertEqual(send_reminders(now=week_before + DAY, base_url=BASE_URL), [])
        self.assertEqual(len(mail.outbox), 1)
        body = mail.outbox[0].body
        self.assertIn("Påminning", mail.outbox[0].subject)
        self.assertIn("1.1.1 Eit tiltak", body)
        self.assertIn(BASE_URL + "/r/ny-lenke/", body)

        # The reminder carries a new link, and the invitation's keeps working beside it
        # (it may have been forwarded inside the body).
        link = resolve_link(token=token_in(body))
        assert link is not None
        self.assertEqual((link.actor, link.round), (self.actor, self.round))
        invitation = next(e for e in self.opened.links if e.actor == self.actor)
        self.assertEqual(resolve_link(token=invitation.token), invitation.link)

        day_before = at_eight(self.deadline - DAY)
        sent = send_reminders(now=day_before, base_url=BASE_URL)
        self.assertEqual([(r.actor, r.kind) for r in sent], [(self.actor, "before_deadline")])
        self.assertEqual(send_reminders(now=day_before, base_url=BASE_URL), [])
        self.assertEqual(send_reminders(now=at_eight(self.deadline), base_url=BASE_URL), [])

        day_after = at_eight(self.deadline + DAY)
        sent = send_reminders(now=day_after, base_url=BASE_URL)
        self.assertEqual([(r.actor, r.kind) for r in sent], [(self.actor, "after_deadline")])
        self.assertEqual(send_reminders(now=day_after, base_url=BASE_URL), [])
        self.assertEqual(send_reminders(now=day_after + DAY, base_url=BASE_URL), [])
        self.assertEqual(len(mail.outbox), 3)
        self.assertEqual(ReminderSent.objects.count(), 3)

    def test_no_reminder_on_other_days(self) -> None:
        # Not on the opening day, not before the plan's first day, and a missed day is
        # caught up two days at most.
        for day in (
            self.today,
            self.deadline - 8 * DAY,
            self.deadline - 4 * DAY,
            self.deadline + 4 * DAY,
        ):
            self.assertEqual(send_reminders(now=at_eight(day), base_url=BASE_URL), [])
        self.assertEqual(mail.outbox, [])

    def test_a_plan_of_its_own(self) -> None:
        close_round(round=self.round, user=self.owner)
        round = self.open(reminder_plan=[0, -3, -3]).round
        self.assertEqual(round.reminder_plan, [-3, 0])
        self.assertEqual(
            send_reminders(now=at_eight(self.deadline - 4 * DAY), base_url=BASE_URL), []
        )
        sent = send_reminders(now=at_eight(self.deadline - 3 * DAY), base_url=BASE_URL)
        self.assertEqual([r.kind for r in sent], ["before_deadline"])
        sent = send_reminders(now=at_eight(self.deadline), base_url=BASE_URL)
        self.assertEqual([r.kind for r in sent], ["on_deadline"])
        self.assertEqual(send_reminders(now=at_eight(self.deadline + DAY), base_url=BASE_URL), [])
        with self.refused(Refusal.REMINDER_DAY_TOO_FAR, "høgst 60 dagar"):
            self.open(plan=self.draft, reminder_plan=[-61])

    def test_actors_who_reported_everything_are_not_reminded(self) -> None:
        self.municipality.email = "post@kommune.no"
        self.municipality.save()
        record_round_status(round=self.round, measure=self.third, status=Status.DONE)
        record_round_status(round=self.round, measure=self.measure, status=Status.DONE)

        sent = send_reminders(now=at_eight(self.deadline), base_url=BASE_URL)

        self.assertEqual([r.actor for r in sent], [self.actor])
        self.assertEqual(mail.outbox[0].to, ["post@testdal.no"])
        self.assertIn("1.1.2 Eit anna tiltak", mail.outbox[0].body)
        self.assertNotIn("1.1.1", mail.outbox[0].body)

    def test_manual_reminders_may_repeat_and_go_only_to_those_behind(self) -> None:
        for _ in range(2):
            sent = send_manual_reminders(round=self.round, user=self.owner, base_url=BASE_URL)
            self.assertEqual(
                [(r.actor, r.kind, r.sent_by) for r in sent], [(self.actor, "manual", self.owner)]
            )
        record_round_status(round=self.round, measure=self.measure, status=Status.DONE)
        record_round_status(round=self.round, measure=self.second, status=Status.DONE)
        self.assertEqual(
            send_manual_reminders(round=self.round, user=self.owner, base_url=BASE_URL), []
        )
        self.assertEqual(len(mail.outbox), 2)

    def test_a_failed_reminder_leaves_the_earlier_link_working(self) -> None:
        invitation = next(e for e in self.opened.links if e.actor == self.actor)
        with self.settings(**mail_server_down()):
            sent = send_manual_reminders(round=self.round, user=self.owner, base_url=BASE_URL)
        self.assertEqual(sent, [])
        self.assertEqual(resolve_link(token=invitation.token), invitation.link)
        # Nothing of the failed reminder is left but the failure: no record, so the next
        # run tries again, and no second link, as its mail never reached anyone.
        self.assertFalse(ReminderSent.objects.exists())
        self.assertEqual(ReportingLink.objects.filter(actor=self.actor).count(), 1)
        self.assertEqual(MailFailure.objects.get().actor, self.actor)

        # The mail server is back: the reminder goes out with a new link; both work.
        [reminder] = send_manual_reminders(round=self.round, user=self.owner, base_url=BASE_URL)
        self.assertEqual(reminder.actor, self.actor)
        self.assertEqual(resolve_link(token=invitation.token), invitation.link)
        self.assertIsNotNone(resolve_link(token=token_in(mail.outbox[-1].body)))
        self.assertIn("verkar framleis", mail.outbox[-1].body)

    def test_a_revoked_link_is_not_handed_back(self) -> None:
        from planstatus.reporting.actions.links import revoke_link

        revoke_link(link=self.link_of(self.opened, self.actor), user=self.owner)
        self.assertEqual(
            send_manual_reminders(round=self.round, user=self.owner, base_url=BASE_URL), []
        )
        self.assertFalse(ReminderSent.objects.exists())


class CommandTests(RoundCommitTestCase):
    def test_the_command_sends_the_reminders_due(self) -> None:
        five_days_ago = timezone.now() - 5 * DAY
        self.open(deadline=self.today + DAY, now=five_days_ago)
        out = StringIO()

        call_command("send_reminders", "--base-url", BASE_URL, stdout=out)
        call_command("send_reminders", "--base-url", BASE_URL, stdout=out)

        lines = out.getvalue().splitlines()
        self.assertIn(
            "Sende påminning (før fristen) til Testdal regionråd <post@testdal.no> "
            "for «Status mars 2025» i «Regionplan for Testdal».",
            lines,
        )
        self.assertEqual(lines[-1], "Ingen påminningar å sende i dag.")
        self.assertEqual(ReminderSent.objects.count(), 1)

    def test_the_command_needs_the_sites_address(self) -> None:
        environ = {k: v for k, v in os.environ.items() if k != "PLANSTATUS_BASE_URL"}
        with (
            mock.patch.dict(os.environ, environ, clear=True),
            self.assertRaisesMessage(CommandError, "--base-url"),
        ):
            call_command("send_reminders", stdout=StringIO())
