"""«Ingen endring sidan sist» (issue 20): one click per measure, or one for all remaining;
each is a report in the round carrying the previous status and comment, marked as carried."""

from __future__ import annotations

from django.urls import reverse

from planstatus.lib.status import Status
from planstatus.plans.actions.status import record_status
from planstatus.plans.models import Plan, StatusUpdate
from planstatus.reporting.actions.reports import record_round_status
from planstatus.reporting.models import RoundReport, Submission
from planstatus.reporting.progress import ReportState, round_progress
from tests.html import find, parse, text
from tests.test_rounds import RoundTestCase


class UnchangedTests(RoundTestCase):
    def setUp(self) -> None:
        super().setUp()
        record_status(
            measure=self.measure, status=Status.STARTED, comment="I gang.", comment_is_public=True
        )
        record_status(measure=self.second, status=Status.DONE, comment="Ferdig.")
        self.opened = self.open()
        link = next(e for e in self.opened.links if e.actor == self.actor)
        self.link = link.link
        self.client.get(reverse("actor_link", args=[link.token]))
        self.page = reverse("actor_page", args=[self.link.pk])
        self.unchanged = reverse("actor_unchanged", args=[self.link.pk])

    def carried(self) -> list[RoundReport]:
        return list(
            RoundReport.objects.filter(round=self.opened.round, carried_forward=True)
            .select_related("status_update")
            .order_by("status_update__measure__order")
        )

    def test_one_measure_carries_its_status_and_comment(self) -> None:
        response = self.client.post(self.unchanged, {"measure": self.measure.pk})
        self.assertEqual(response.status_code, 302)
        [report] = self.carried()
        update = report.status_update
        self.assertEqual(
            (update.measure, update.status, update.comment, update.comment_is_public),
            (self.measure, "started", "I gang.", True),
        )
        self.assertEqual(report.actor, self.actor)
        item = find(parse(self.client.get(self.page)), '//article[@data-code="1.1.1"]')
        self.assertIn("Inga endring sidan sist", text(item))
        # Answered now: no second button on it.
        self.assertEqual(item.xpath('.//*[@data-testid="unchanged"]'), [])

    def test_all_remaining_skips_answered_and_never_assessed_measures(self) -> None:
        record_round_status(
            round=self.opened.round,
            measure=self.measure,
            status=Status.DONE,
            link=self.link,
            expected_previous=StatusUpdate.objects.latest_of(self.measure).pk,  # type: ignore[union-attr]
        )
        never = self.add_measure(self.measure.focus_area, "1.1.5", "Aldri vurdert", self.actor)
        self.client.post(self.unchanged, {})
        self.assertEqual([r.status_update.measure for r in self.carried()], [self.second])
        self.assertFalse(StatusUpdate.objects.filter(measure=never).exists())
        progress = {p.actor: p for p in round_progress(self.opened.round).actors}
        self.assertEqual(progress[self.actor].reported_count, 2)
        self.assertNotEqual(progress[self.actor].state, ReportState.ALL)

    def test_a_carried_report_needs_no_approval_but_a_pending_one_is_not_carried(self) -> None:
        Plan.objects.filter(pk=self.plan.pk).update(reports_need_approval=True)
        self.link.refresh_from_db()
        record_round_status(
            round=self.opened.round,
            measure=self.measure,
            status=Status.DONE,
            link=self.link,
            expected_previous=StatusUpdate.objects.latest_of(self.measure).pk,  # type: ignore[union-attr]
        )
        self.client.post(self.unchanged, {})
        self.assertEqual([r.status_update.measure for r in self.carried()], [self.second])
        self.assertEqual(Submission.objects.filter(state="pending").count(), 1)
