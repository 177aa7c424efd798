"""A round's deadline and reminder plan (issue 20, item 6): set when the round opens,
changed while it is open, validated by the form; send-reminders follows the plan."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from planstatus.reporting.models import ReminderSent, ReportingLink, ReportingRound
from planstatus.reporting.round_links import link_expiry
from tests.base import BaseTestCase
from tests.html import by_testid, find, parse, text
from tests.test_rounds import BASE_URL, DAY, RoundCommitTestCase, RoundSetup, at_eight


class DeadlinePageTests(RoundSetup, BaseTestCase):
    def url(self, name: str, *args: object) -> str:
        return reverse(name, args=["testdal", "regionplan", *args])

    def post_open(self, **data: str) -> object:
        form = {"title": "Vår", "deadline": self.deadline.isoformat(), "message": ""}
        return self.client.post(self.url("round_open"), form | data)

    def test_the_form_offers_the_default_plan(self) -> None:
        self.client.force_login(self.owner)
        page = parse(self.client.get(self.url("round_open")))
        self.assertEqual(find(page, '//input[@name="reminders_before"]').get("value"), "7, 1")
        self.assertEqual(find(page, '//input[@name="reminders_after"]').get("value"), "1")

    def test_a_plan_of_its_own_is_kept_sorted(self) -> None:
        self.client.force_login(self.owner)
        response = self.post_open(reminders_before="3 14;3", reminders_after="")
        self.assertEqual(response.status_code, 200)  # type: ignore[attr-defined]
        round = ReportingRound.objects.get()
        self.assertEqual(round.reminder_plan, [-14, -3])
        page = parse(self.client.get(self.url("round", round.pk)))
        dates = text(by_testid(page, "reminder-plan"))
        self.assertIn(f"{(self.deadline - 14 * DAY).day}.", dates)

    def test_bad_reminder_days_get_a_message_and_open_nothing(self) -> None:
        self.client.force_login(self.owner)
        for data, words in [
            ({"reminders_before": "sju"}, "heile tal"),
            ({"reminders_before": "-1"}, "frå 0 til 60"),
            ({"reminders_before": "61"}, "frå 0 til 60"),
            ({"reminders_after": "0"}, "frå 1 til 60"),
            ({"reminders_after": "1" * 101}, "100"),
        ]:
            with self.subTest(data=data):
                response = self.post_open(**data)
                self.assertEqual(response.status_code, 400)  # type: ignore[attr-defined]
                self.assertIn(words, text(find(parse(response), '//*[@role="alert"]')))
        self.assertFalse(ReportingRound.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_the_secretariat_moves_the_deadline_and_changes_the_plan(self) -> None:
        opened = self.open()
        round = opened.round
        later = self.deadline + 5 * DAY
        self.client.force_login(self.owner)
        edit = self.url("round_edit", round.pk)
        form = parse(self.client.get(edit))
        self.assertEqual(find(form, '//input[@name="reminders_before"]').get("value"), "7, 1")
        response = self.client.post(
            edit,
            {
                "title": "Vår, forlengd",
                "deadline": later.isoformat(),
                "message": "Ny frist",
                "reminders_before": "2",
                "reminders_after": "3",
            },
        )
        self.assertRedirects(response, self.url("round", round.pk))
        round.refresh_from_db()
        self.assertEqual(
            (round.title, round.deadline, round.message, round.reminder_plan),
            ("Vår, forlengd", later, "Ny frist", [-2, 3]),
        )
        # The links move with the deadline; a revoked one stays revoked.
        for link in ReportingLink.objects.filter(round=round):
            self.assertEqual(link.expires_at, link_expiry(later))
        self.assertEqual(round.history.latest().history_user, self.owner)  # type: ignore[attr-defined]

    def test_bad_edits_are_refused_and_change_nothing(self) -> None:
        round = self.open().round
        self.client.force_login(self.owner)
        edit = self.url("round_edit", round.pk)
        base = {"title": "Vår", "deadline": self.deadline.isoformat(), "reminders_before": "1"}
        for data, words in [
            ({"deadline": (self.today - DAY).isoformat()}, "Fristen kan ikkje"),
            ({"title": ""}, "tittel"),
            ({"reminders_after": "x"}, "heile tal"),
        ]:
            response = self.client.post(edit, base | data)
            self.assertEqual(response.status_code, 400)
            self.assertIn(words, text(find(parse(response), '//*[@role="alert"]')))
        round.refresh_from_db()
        self.assertEqual((round.title, round.reminder_plan), ("Status mars 2025", [-7, -1, 1]))

    def test_a_passed_deadline_may_stay_while_the_plan_changes(self) -> None:
        round = self.open().round
        past = self.today - 2 * DAY
        ReportingRound.objects.filter(pk=round.pk).update(deadline=past)
        self.client.force_login(self.owner)
        response = self.client.post(
            self.url("round_edit", round.pk),
            {"title": "Vår", "deadline": past.isoformat(), "reminders_after": "3"},
        )
        self.assertEqual(response.status_code, 302)
        round.refresh_from_db()
        self.assertEqual(round.reminder_plan, [3])

    def test_a_closed_round_cannot_be_changed(self) -> None:
        from planstatus.reporting.actions.rounds import close_round

        round = close_round(round=self.open().round, user=self.owner)
        self.client.force_login(self.owner)
        self.assertEqual(self.client.get(self.url("round_edit", round.pk)).status_code, 404)


class ReminderCommandTests(RoundCommitTestCase):
    def test_each_reminder_of_the_plan_once_and_what_it_did(self) -> None:
        # Opened a week ago with a deadline tomorrow: the day-before reminder is due today.
        week_ago = timezone.now() - 7 * DAY
        self.open(deadline=self.today + DAY, now=week_ago)
        mail.outbox.clear()
        first, second = StringIO(), StringIO()
        call_command("send_reminders", "--base-url", BASE_URL, stdout=first)
        call_command("send_reminders", "--base-url", BASE_URL, stdout=second)
        self.assertIn(
            "Sende påminning (før fristen) til Testdal regionråd <post@testdal.no>",
            first.getvalue(),
        )
        self.assertEqual(second.getvalue().strip(), "Ingen påminningar å sende i dag.")
        reminder = ReminderSent.objects.get()
        self.assertEqual(reminder.scheduled_for, self.today)
        self.assertEqual(len(mail.outbox), 1)

    def test_the_day_after_and_to_each_person(self) -> None:
        from planstatus.regions.models import ContactPerson

        ContactPerson.objects.create(actor=self.actor, name="Siri Kontaktsen", email="s@t.no")
        # Opened with a deadline yesterday (by its clock then): the day-after reminder is due.
        self.open(deadline=self.today - DAY, now=timezone.now() - 5 * DAY)
        out = StringIO()
        call_command("send_reminders", "--base-url", BASE_URL, stdout=out)
        self.assertIn(
            "Sende påminning (etter fristen) til Siri Kontaktsen i Testdal regionråd <s@t.no>",
            out.getvalue(),
        )
        self.assertEqual(ReminderSent.objects.get(actor=self.actor).kind, "after_deadline")

    def test_a_moved_deadline_brings_its_own_reminders(self) -> None:
        from planstatus.reporting.actions.reminders import send_reminders
        from planstatus.reporting.actions.rounds import update_round

        round = self.open(now=timezone.now() - 10 * DAY, deadline=self.today + DAY).round
        call_command("send_reminders", "--base-url", BASE_URL, stdout=StringIO())
        self.assertEqual(ReminderSent.objects.get().scheduled_for, self.today)

        def move(deadline: datetime.date) -> None:
            update_round(
                round=round,
                title=round.title,
                deadline=deadline,
                message="",
                reminder_plan=[-7, -1, 1],
                user=self.owner,
            )

        # A week more: the plan's week-before day is today, already reminded: nothing.
        move(self.today + 7 * DAY)
        self.assertEqual(send_reminders(base_url=BASE_URL), [])
        # A day more again: tomorrow is the week-before day, and it is sent then, once.
        move(self.today + 8 * DAY)
        tomorrow = at_eight(self.today + DAY)
        self.assertEqual(len(send_reminders(now=tomorrow, base_url=BASE_URL)), 1)
        self.assertEqual(send_reminders(now=tomorrow, base_url=BASE_URL), [])
        self.assertEqual(
            sorted(r.scheduled_for for r in ReminderSent.objects.all()),
            [self.today, self.today + DAY],
        )


class ReminderButtonTests(RoundSetup, BaseTestCase):
    """The reminder button counts those a reminder reaches; with nobody to reach by mail it
    is not there, and the page says why (it once read «Påmin dei 0 aktørane …»)."""

    def page(self, round: ReportingRound) -> Any:
        self.client.force_login(self.owner)
        return parse(self.client.get(reverse("round", args=["testdal", "regionplan", round.pk])))

    def test_nobody_behind_has_an_address(self) -> None:
        from planstatus.lib.status import Status
        from planstatus.reporting.actions.reports import record_round_status

        round = self.open().round
        for measure in (self.measure, self.second):
            record_round_status(round=round, measure=measure, status=Status.DONE)
        page = self.page(round)
        self.assertEqual(page.xpath('//*[@data-testid="remind-button"]'), [])
        words = text(by_testid(page, "no-reminders"))
        self.assertIn("har inga adresse", words)
        self.assertNotIn(" 0 ", words)

    def test_everyone_has_reported(self) -> None:
        from planstatus.lib.status import Status
        from planstatus.reporting.actions.reports import record_round_status

        round = self.open().round
        for measure in (self.measure, self.second, self.third):
            record_round_status(round=round, measure=measure, status=Status.DONE)
        page = self.page(round)
        self.assertEqual(page.xpath('//*[@data-testid="remind-button"]'), [])
        self.assertIn("Alle har rapportert", text(by_testid(page, "no-reminders")))

    def test_a_contact_person_makes_an_actor_reachable(self) -> None:
        from planstatus.regions.models import ContactPerson

        ContactPerson.objects.create(actor=self.municipality, name="Per", email="per@k.no")
        page = self.page(self.open().round)
        button = text(by_testid(page, "remind-button"))
        self.assertIn("dei 2 aktørane", button)
        self.assertNotIn("utan adresse", button)
        self.assertIn("Per <per@k.no>", text(by_testid(page, "behind-with-address")))
