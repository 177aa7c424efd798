"""The secretariat edits «Kommunane» as a group on a phone: the pages fit 375 px and pass axe,
and the choices work as a person uses them (labels, checkboxes, buttons)."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings
from django.urls import reverse

from planstatus.regions.models import Actor, Municipality
from tests.browser import BrowserTestCase, serious_axe_violations
from tests.test_browser import seed_with_secretariat


@pytest.mark.browser
@override_settings(BASE_URL="")
class ActorGroupsOnAPhoneTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.context.close()
        # axe is injected by the test, which the pages' Content-Security-Policy would refuse.
        self.context = self.browser.new_context(
            locale="nn-NO", bypass_csp=True, viewport={"width": 375, "height": 812}
        )
        self.page = self.context.new_page()
        seed_with_secretariat()
        self.group = Actor.objects.get(region__slug="hallingdal", name="Kommunane i Hallingdal")

    def assert_fits_and_passes_axe(self) -> None:
        url = self.page.url
        overflow = self.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        self.assertLessEqual(overflow, 0, url)
        serious = serious_axe_violations(self.page)
        self.assertEqual(serious, [], f"{url}: {json.dumps(serious, ensure_ascii=False)}")

    def test_secretariat_edits_the_group_on_a_phone(self) -> None:
        page = self.log_in()
        page.wait_for_url(f"{self.live_server_url}/mitt-arbeid/")
        page.goto(self.live_server_url + reverse("actor_edit", args=["hallingdal", self.group.pk]))
        self.assertTrue(page.get_by_label("Ei gruppe av medlemer").is_checked())
        self.assertTrue(page.get_by_label("Hol kommune").is_checked())
        self.assert_fits_and_passes_axe()
        self.screenshot("actor-group-edit-phone", full_page=True)

        page.get_by_label("Hol kommune").uncheck()
        page.get_by_role("button", name="Lagre").click()
        page.wait_for_url(f"{self.live_server_url}/hallingdal/aktorar/")
        self.assertEqual(
            sorted(self.group.members.values_list("name", flat=True)),
            ["Flå kommune", "Gol kommune", "Hemsedal kommune", "Nesbyen kommune", "Ål kommune"],
        )
        self.assert_fits_and_passes_axe()
        self.screenshot("actor-list-phone", full_page=True)

        # A refusal comes back as an error on the form, which still fits and passes axe.
        hol = Actor.objects.get(region__slug="hallingdal", name="Hol kommune")
        page.goto(self.live_server_url + reverse("actor_edit", args=["hallingdal", hol.pk]))
        page.get_by_label("Ei gruppe av medlemer").check()
        page.get_by_role("button", name="Lagre").click()
        page.get_by_role("alert").wait_for()
        self.assertIn("Ei gruppe treng minst eitt medlem.", page.get_by_role("alert").inner_text())
        self.assert_fits_and_passes_axe()

        # The group's page and a member's page in the plan.
        gol = Actor.objects.get(name="Gol kommune")
        for name, actor in (("group", self.group), ("member", gol)):
            page.goto(
                self.live_server_url
                + reverse("plan_actor", args=["hallingdal", "regionplan", actor.pk])
            )
            self.assert_fits_and_passes_axe()
            self.screenshot(f"plan-actor-{name}-phone", full_page=True)

    def test_button_makes_actors_for_new_municipalities(self) -> None:
        region = self.group.region
        Municipality.objects.create(region=region, name="Nykommune", number="3399")
        page = self.log_in()
        page.wait_for_url(f"{self.live_server_url}/mitt-arbeid/")
        page.goto(self.live_server_url + reverse("actor_edit", args=["hallingdal", self.group.pk]))
        self.assert_fits_and_passes_axe()
        page.get_by_role("button", name="Lag aktørar for alle kommunane").click()
        page.wait_for_url(
            self.live_server_url + reverse("actor_edit", args=["hallingdal", self.group.pk])
        )
        self.assertIn(
            "Nykommune kommune",
            page.get_by_label("Nykommune kommune").evaluate("e => e.parentElement.textContent"),
        )
        self.assertFalse(page.get_by_label("Nykommune kommune").is_checked())
        self.assert_fits_and_passes_axe()
