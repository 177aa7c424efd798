"""Nynorsk by default, Bokmål or English by choice, remembered on the person's account."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from planstatus.accounts.models import Preferences
from planstatus.plans.models import Status
from planstatus.plans.services import record_status
from planstatus.regions.models import Municipality, MunicipalityPopulation
from tests.base import BaseTestCase


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
