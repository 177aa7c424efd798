"""Ids past 999 in pages keep their digits together in ids, anchors and addresses (a national
installation has ids in the millions; the suite's PostgreSQL pass once found
`data-measure="3 606"`). Numbers are not grouped by default (USE_THOUSAND_SEPARATOR is off), so
no template has to remember to unlocalize an id; figures for people are grouped where they are
shown («20 566» by `intcomma` or `floatformat:"g"`)."""

from __future__ import annotations

import datetime

from django.urls import reverse

from planstatus.plans.models import Measure, MeasureActor
from planstatus.reporting.models import ReportingRound
from tests.base import BaseTestCase
from tests.html import parse


class LargeIdTests(BaseTestCase):
    def test_ids_anchors_and_addresses_keep_their_digits_together(self) -> None:
        measure = Measure.objects.create(
            pk=1234567, focus_area=self.measure.focus_area, code="1.1.9", text="Stort tiltak"
        )
        MeasureActor.objects.create(
            measure=measure, actor=self.actor, role=MeasureActor.Role.RESPONSIBLE
        )
        round = ReportingRound.objects.create(
            pk=7654321, plan=self.plan, title="Vår", deadline=datetime.date(2099, 1, 1)
        )
        self.client.force_login(self.owner)
        page = parse(self.client.get(reverse("round", args=["testdal", "regionplan", round.pk])))
        # The measure's line in the round table, the anchor to it, and its edit address.
        self.assertEqual(len(page.xpath('//tr[@id="tiltak-1234567"]')), 1)
        self.assertEqual(len(page.xpath('//tbody[@id="tiltak-1234567-linjer"]')), 1)
        self.assertEqual(len(page.xpath('//a[@href="#tiltak-1234567"]')), 1)
        edit = reverse("round_report", args=["testdal", "regionplan", 7654321, 1234567])
        self.assertIn("/7654321/tiltak/1234567/", edit)
        self.assertEqual(len(page.xpath(f'//a[@data-testid="row-edit"][@href="{edit}"]')), 1)
        timeline = parse(self.client.get(reverse("timeline", args=["testdal", "regionplan"])))
        self.assertEqual(len(timeline.xpath('//*[@data-measure="1234567"]')), 2)
