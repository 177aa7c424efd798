"""«Mitt arbeid» in a real browser, alive: the secretariat of Hallingdal and of the example
region logs in and lands on it, with a round open in the example region (some reported,
some awaiting approval, the deadline near). It fits a 375 px phone and passes axe;
screenshots at both widths go to test-artefacts/."""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import override_settings
from django.utils import timezone

from planstatus.accounts.models import Membership
from planstatus.installation.seed import EXAMPLE_SEED, load_seed_file
from planstatus.lib.status import Status
from planstatus.plans.models import Plan, StatusUpdate
from planstatus.regions.models import Region
from planstatus.reporting.actions.reports import record_round_status
from planstatus.reporting.actions.rounds import open_round
from tests.browser import BrowserTestCase
from tests.test_browser import seed_with_secretariat


@pytest.mark.browser
@override_settings(BASE_URL="")
class MyWorkInBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.context.close()
        # axe is injected by the test, which the pages' Content-Security-Policy would refuse.
        self.context = self.browser.new_context(locale="nn-NO", bypass_csp=True)
        self.page = self.context.new_page()
        seed_with_secretariat()
        example = load_seed_file(path=EXAMPLE_SEED)
        from django.contrib.auth.models import User

        Membership.objects.create(
            user=User.objects.get(username="sekretariat"),
            region=example,
            role=Membership.Role.SECRETARIAT,
        )
        plan = Plan.objects.get(region=example, slug="regionplan")
        plan.reports_need_approval = True
        plan.save()
        opened = open_round(
            plan=plan,
            title="Rapportering våren 2026",
            deadline=timezone.localdate() + datetime.timedelta(days=5),
            user=None,
            base_url="http://planstatus.example.no",
        )
        # Three bodies answer: their reports wait for approval.
        for entry in opened.links[:3]:
            measure = entry.link.actor.measure_links.filter(role="responsible").first()
            if measure is None:
                continue
            latest = StatusUpdate.objects.latest_of(measure.measure)
            record_round_status(
                round=opened.round,
                measure=measure.measure,
                status=Status.STARTED,
                link=entry.link,
                expected_previous=latest.pk if latest else None,
            )
        self.assertTrue(Region.objects.filter(slug="eksempelregionen").exists())

    def test_the_secretariat_lands_on_it_and_it_fits_and_passes_axe(self) -> None:
        self.log_in()
        self.page.wait_for_url(f"{self.live_server_url}/mitt-arbeid/")
        self.assertEqual(self.page.locator('[data-testid="work-region"]').count(), 2)
        problems = self.check_pages(
            ["/mitt-arbeid/"],
            [(375, 812), (1366, 900)],
            screenshots={"/mitt-arbeid/": "alive"},
            prefix="my-work",
        )
        self.assertEqual(problems, {}, json.dumps(problems, indent=2, ensure_ascii=False))
