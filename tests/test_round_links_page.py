"""Issue 21, bug 1: after opening a round, the links page pairs every actor with its own link.
25 more actors with long names, at a phone's width and a laptop's; each row's link is
resolved to its link and compared with the row's actor."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import override_settings
from django.utils import timezone

from planstatus.plans.models import FocusArea, Measure, MeasureActor, Plan
from planstatus.regions.models import Actor
from planstatus.reporting.actions.links import hash_token
from planstatus.reporting.models import ReportingLink
from tests.browser import BrowserTestCase
from tests.test_browser import seed_with_secretariat

LONG = "Interkommunalt plankontor for samordna areal- og transportplanlegging i {}"
PLACES = [f"delområde {n} ved {name}" for n, name in enumerate(
    ["Ål", "Hol", "Gol", "Nes", "Flå", "Hemsedal", "Geilo", "Torpo"] * 4, start=1
)][:25]  # fmt: skip


@pytest.mark.browser
@override_settings(BASE_URL="")
class LinksPageTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        seed_with_secretariat()
        plan = Plan.objects.get(region__slug="hallingdal", slug="regionplan")
        area = FocusArea.objects.filter(plan=plan).first()
        assert area is not None
        for n, place in enumerate(PLACES):
            actor = Actor.objects.create(region=plan.region, name=LONG.format(place))
            measure = Measure.objects.create(
                focus_area=area, code=f"9.9.{n + 1}", text=f"Eit tiltak for {place}", order=900 + n
            )
            MeasureActor.objects.create(
                measure=measure, actor=actor, role=MeasureActor.Role.RESPONSIBLE
            )

    def open_round(self, width: int) -> None:
        page = self.page
        page.set_viewport_size({"width": width, "height": 900})
        self.log_in(page, next="/hallingdal/regionplan/rundar/ny/")
        page.get_by_label("Tittel").fill(f"Status {width}")
        deadline = timezone.localdate() + datetime.timedelta(days=14)
        page.get_by_label("Frist", exact=True).fill(deadline.isoformat())
        page.get_by_role("button", name="Opne runden og send e-postane").click()
        self.assertIn("er open", page.locator("h1").inner_text())

    def assert_each_row_holds_its_actors_link(self, width: int) -> None:
        rows = self.page.locator("[data-testid=actor-link]")
        self.assertGreaterEqual(rows.count(), 25 + 10)
        names = []
        for i in range(rows.count()):
            row = rows.nth(i)
            name = row.locator("th").inner_text().strip()
            url = row.locator("[data-testid=copy-link]").inner_text().strip()
            token = re.fullmatch(r"http://[^/]+/r/([A-Za-z0-9_-]{40,})/", url)
            self.assertIsNotNone(token, f"row {name!r}: the whole link, not cut: {url!r}")
            assert token is not None
            link = ReportingLink.objects.select_related("actor").get(
                token_hash=hash_token(token.group(1))
            )
            self.assertEqual(link.actor.name, name, f"row {i} at {width} px")
            self.assertEqual(str(link.actor.pk), row.get_attribute("data-actor"))
            names.append(name)
        self.assertEqual(len(names), len(set(names)))
        self.assertTrue(any(name.startswith("Interkommunalt plankontor") for name in names))
        overflow = self.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        self.assertLessEqual(overflow, 0, f"{width} px")

    def test_phone(self) -> None:
        self.open_round(375)
        self.assert_each_row_holds_its_actors_link(375)
        self.screenshot("round-links-phone")

    def test_laptop_and_the_copy_button(self) -> None:
        self.open_round(1366)
        self.assert_each_row_holds_its_actors_link(1366)
        self.screenshot("round-links-laptop")
        self.context.grant_permissions(["clipboard-read", "clipboard-write"])
        first = self.page.locator("[data-testid=actor-link]").first
        first.get_by_role("button", name=re.compile("^Kopier")).click()
        copied = self.page.evaluate("navigator.clipboard.readText()")
        self.assertEqual(copied, first.locator("[data-testid=copy-link]").inner_text().strip())
