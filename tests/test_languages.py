"""Nynorsk by default, Bokmål or English by choice, remembered on the person's account."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from planstatus.accounts.models import Preferences
from planstatus.lib.status import Status
from planstatus.plans.actions.status import record_status
from planstatus.regions.models import Municipality, MunicipalityPopulation
from planstatus.reporting.actions.rounds import close_round
from tests.base import BaseTestCase
from tests.test_round_pages import RoundPageCommitTestCase, RoundPageTestCase


class LanguageTests(BaseTestCase):
    def test_nynorsk_whatever_the_browser_asks_for(self) -> None:
        response = self.client.get("/", HTTP_ACCEPT_LANGUAGE="nb-NO,nb;q=0.9,en;q=0.8")
        self.assertContains(response, '<html lang="nn"')
        self.assertContains(response, "Logg inn")
        self.assertEqual(response["Content-Language"], "nn")

    def test_switching_sets_the_language_and_goes_back(self) -> None:
        plan_url = self.plan.get_absolute_url()
        response = self.client.post(reverse("set_language"), {"language": "en", "next": plan_url})
        self.assertRedirects(response, plan_url, fetch_redirect_response=False)
        page = self.client.get(plan_url)
        self.assertContains(page, '<html lang="en"')
        self.assertContains(page, "Log in")
        self.assertContains(page, "Eit tiltak i Regionplan for Testdal")  # content as written

    def test_bokmal_reads_bokmal(self) -> None:
        self.client.post(reverse("set_language"), {"language": "nb", "next": "/"})
        page = self.client.get(self.plan.get_absolute_url())
        self.assertContains(page, '<html lang="nb"')
        self.assertContains(page, "ikke vurdert")
        self.assertNotContains(page, "ikkje")

    def test_bad_choices_and_foreign_targets_change_nothing(self) -> None:
        response = self.client.post(
            reverse("set_language"), {"language": "xx", "next": "https://evil.example/"}
        )
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertNotIn(settings.LANGUAGE_COOKIE_NAME, response.cookies)
        self.assertContains(self.client.get("/"), '<html lang="nn"')

    def test_the_choice_is_remembered_on_the_account(self) -> None:
        self.client.force_login(self.owner)
        self.client.post(reverse("set_language"), {"language": "en", "next": "/"})
        self.assertEqual(Preferences.objects.get(user=self.owner).language, "en")
        # Another browser: Nynorsk until the person logs in.
        other = Client()
        self.assertContains(other.get("/"), '<html lang="nn"')
        other.post(
            reverse("login"), {"username": "owner", "password": "owner-pass-123"}, follow=True
        )
        self.assertContains(other.get("/"), '<html lang="en"')

    def test_dates_are_written_as_each_language_writes_them(self) -> None:
        record_status(measure=self.measure, status=Status.STARTED)
        today = timezone.localdate()
        months_nn = [
            "januar",
            "februar",
            "mars",
            "april",
            "mai",
            "juni",
            "juli",
            "august",
            "september",
            "oktober",
            "november",
            "desember",
        ]
        url = self.measure.get_absolute_url()
        self.assertContains(self.client.get(url), f"{today.day}. {months_nn[today.month - 1]} ")
        self.client.post(reverse("set_language"), {"language": "en", "next": "/"})
        self.assertContains(self.client.get(url), f"{today.day} {today:%B %Y}")

    def test_numbers_are_grouped(self) -> None:
        municipality = Municipality.objects.create(
            region=self.region, number="3999", name="Storbygd"
        )
        MunicipalityPopulation.objects.create(
            municipality=municipality, date=datetime.date(2025, 1, 1), count=20566
        )
        page = self.client.get(reverse("region", args=["testdal"])).content.decode()
        self.assertIn("20\xa0566", page)


class PythonMessageTests(RoundPageTestCase):
    """Messages written in Python (services, commands) follow the person's language too;
    the mails to actors stay Nynorsk whatever language the secretariat uses."""

    def setUp(self) -> None:
        super().setUp()
        self.round = self.open_via_web()
        self.token = self.actor_token()

    def in_language(self, code: str) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = code

    def test_report_to_a_closed_round_in_each_language(self) -> None:
        close_round(round=self.round, user=self.owner)
        self.client.force_login(self.owner)
        url = self.plan_url("round_report", self.round.pk, self.measure.pk)
        form = {f"m{self.measure.pk}-status": "done", f"m{self.measure.pk}-expected_previous": ""}
        expected = {
            "nn": "Runden er lukka, så det går ikkje an å rapportere i han lenger.",
            "nb": "Runden er lukket, så det går ikke an å rapportere i den lenger.",
            "en": "The round is closed, so reporting in it is no longer possible.",
        }
        for code, message in expected.items():
            with self.subTest(language=code):
                self.in_language(code)
                page = self.client.post(url, form).content.decode()
                self.assertIn(message, page)
                for other in set(expected.values()) - {message}:
                    self.assertNotIn(other, page)

    def test_reminders_for_a_closed_round_in_bokmal_and_english(self) -> None:
        close_round(round=self.round, user=self.owner)
        self.client.force_login(self.owner)
        url = self.plan_url("round_remind", self.round.pk)
        self.in_language("nb")
        self.assertContains(
            self.client.post(url, follow=True),
            "Runden er lukket, så det går ikke an å sende påminnelser.",
        )
        self.in_language("en")
        self.assertContains(
            self.client.post(url, follow=True),
            "The round is closed, so reminders can no longer be sent.",
        )

    def test_conflict_message_in_english_with_an_english_time(self) -> None:
        self.report(self.token, self.measure.pk, "started", None)
        self.client.force_login(self.owner)
        self.in_language("en")
        url = self.plan_url("round_report", self.round.pk, self.measure.pk)
        response = self.client.post(
            url, {f"m{self.measure.pk}-status": "done", f"m{self.measure.pk}-expected_previous": ""}
        )
        page = response.content.decode()
        self.assertIn("Someone reported on measure 1.1.1 after you opened the form", page)
        self.assertIn("set by Testdal regionråd", page)
        self.assertNotIn("Nokon har rapportert", page)


class ReminderLanguageTests(RoundPageCommitTestCase):
    """Reminders are mailed after their transaction commits: these tests commit."""

    def setUp(self) -> None:
        super().setUp()
        self.round = self.open_via_web()

    def test_mails_to_actors_stay_nynorsk_when_the_secretariat_reads_english(self) -> None:
        self.client.force_login(self.owner)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        mail.outbox.clear()
        response = self.client.post(self.plan_url("round_remind", self.round.pk), follow=True)
        self.assertContains(response, "Sent 1 reminder.")
        [reminder] = mail.outbox
        self.assertIn("påminning", f"{reminder.subject} {reminder.body}".lower())


class CommandLanguageTests(BaseTestCase):
    def test_command_errors_are_nynorsk_by_default(self) -> None:
        with self.assertRaisesMessage(CommandError, "Brukaren «owner» finst allereie."):
            call_command("createuser", "owner", "--admin", "--password", "x")

    def test_command_errors_are_nynorsk_after_an_english_request(self) -> None:
        """A request leaves its language active in the thread; commands speak Nynorsk still."""
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        self.assertContains(self.client.get("/"), '<html lang="en"')
        self.assertEqual(translation.get_language(), "en")
        with self.assertRaisesMessage(CommandError, "Fann ingen plan «finst-ikkje» i regionen"):
            call_command("report", "testdal/finst-ikkje", "--format", "html", "-o", "/tmp/sak.html")
        self.assertEqual(translation.get_language(), "en")  # the command put it back
