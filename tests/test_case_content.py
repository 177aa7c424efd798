"""build_case_content: what the status case says, at a closed round or now."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from django.utils import translation

from planstatus.cases.services import PALETTE, CaseError, build_case_content
from planstatus.lib.reports.content import CaseContent
from planstatus.lib.status import Status
from planstatus.plans.actions.status import record_status
from planstatus.plans.models import Goal, Measure, MeasureActor
from planstatus.reporting.models import ReportingRound
from planstatus.reporting.reads import changes_since_previous
from tests.base import BaseTestCase
from tests.cases import DETAILS, closed_round, make_plan

ROOT = Path(__file__).resolve().parents[1]


def statuses(content: CaseContent) -> dict[str, str]:
    return {row.code: row.status.key for area in content.areas for row in area.rows}


class CaseContentTests(BaseTestCase):
    def setUp(self) -> None:
        area = self.measure.focus_area
        goal = self.measure.goal
        self.second = Measure.objects.create(
            focus_area=area,
            goal=goal,
            code="1.1.2",
            text="Eit anna tiltak",
            order=2,
            timing_text="2024–2025",
            start_year=2024,
            end_year=2025,
        )
        MeasureActor.objects.create(
            measure=self.second,
            actor=self.actor,
            role=MeasureActor.Role.INVOLVED,
            written_as="Regionrådet",
        )
        self.yearly = Measure.objects.create(
            focus_area=area,
            goal=goal,
            code="1.1.3",
            text="Årleg samling",
            order=3,
            timing_text="årleg",
            yearly=True,
            end_year=2024,
        )

    def build(self, round: ReportingRound | None = None, **kwargs: object) -> CaseContent:
        return build_case_content(plan=self.plan, round=round, details=DETAILS, **kwargs)  # type: ignore[arg-type]

    def test_now_shows_every_current_measure_under_its_area_and_goal(self) -> None:
        record_status(measure=self.measure, status=Status.STARTED)
        content = self.build()
        [area] = content.areas
        self.assertEqual(area.heading, "1. Næring")
        [group] = area.groups
        self.assertEqual(group.heading, "Mål 1.1: Meir næring")
        self.assertEqual([r.code for r in group.rows], ["1.1.1", "1.1.2", "1.1.3"])
        first, second, _ = group.rows
        self.assertEqual(first.responsible, ("Testdal regionråd",))
        self.assertEqual(second.involved, ("Regionrådet",))  # as written in the plan
        self.assertEqual(second.timing, "2024–2025")
        self.assertEqual(first.status.text, "◐ Påstarta")
        self.assertEqual(
            statuses(content), {"1.1.1": "started", "1.1.2": "unknown", "1.1.3": "unknown"}
        )
        self.assertEqual(content.measure_count, 3)
        self.assertEqual(content.heading, "Sak 16-25 Regionplan – status")
        self.assertEqual(content.date_text, "15. mars 2025")

    def test_archived_measures_are_not_in_a_case_of_now(self) -> None:
        self.second.archived_at = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
        self.second.save()
        self.assertNotIn("1.1.2", statuses(self.build()))

    def test_a_closed_round_shows_its_frozen_statuses_whatever_came_later(self) -> None:
        record_status(measure=self.measure, status=Status.STARTED)
        round = closed_round(self.plan, "Vår 2025")
        record_status(measure=self.measure, status=Status.DONE)
        self.second.archived_at = datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC)
        self.second.save()
        Measure.objects.create(focus_area=self.measure.focus_area, code="1.1.9", text="Ny")

        content = self.build(round)
        # The measure archived since is in its round's case; the new one is not.
        self.assertEqual(
            statuses(content), {"1.1.1": "started", "1.1.2": "unknown", "1.1.3": "unknown"}
        )
        self.assertRegex(
            content.as_of, r"^Status ved rapporteringsrunden «Vår 2025», lukka \d+\. \w+ \d{4}$"
        )
        self.assertEqual(statuses(self.build())["1.1.1"], "done")

    def test_changes_are_those_since_the_previous_closed_round(self) -> None:
        record_status(measure=self.measure, status=Status.NOT_STARTED)
        first = closed_round(self.plan, "Haust 2024")
        record_status(measure=self.measure, status=Status.STARTED)
        record_status(measure=self.second, status=Status.DONE)
        second = closed_round(self.plan, "Vår 2025")

        comparison = self.build(second).comparison
        self.assertEqual(comparison.against, "Haust 2024")
        self.assertEqual(
            [(c.code, c.arrow_text) for c in comparison.changes],
            [
                ("1.1.1", "○ Ikkje påstarta → ◐ Påstarta"),
                ("1.1.2", "? Ikkje vurdert → ✓ Gjennomført"),
            ],
        )
        # The same rule as the reporting rounds' own comparison.
        self.assertEqual(
            {(c.measure.code, c.from_status, c.to_status) for c in changes_since_previous(second)},
            {(c.code, Status(c.before.key), Status(c.after.key)) for c in comparison.changes},
        )
        self.assertIsNone(self.build(first).comparison.against)
        self.assertIn("ingen tidlegare lukka", self.build(first).comparison.text)

    def test_now_is_compared_with_the_latest_closed_round(self) -> None:
        closed_round(self.plan, "Vår 2025")
        self.assertEqual(
            self.build().comparison.text, "Ingen tiltak har endra status sidan «Vår 2025»."
        )
        record_status(measure=self.second, status=Status.CANCELLED)
        [change] = self.build().comparison.changes
        self.assertEqual(change.arrow_text, "? Ikkje vurdert → ⊘ Avslutta utan gjennomføring")

    def test_overdue_measures_are_past_their_time_and_neither_done_nor_stopped(self) -> None:
        record_status(measure=self.measure, status=Status.DONE)
        content = self.build(today=datetime.date(2026, 2, 1))
        # 1.1.1 is done; 1.1.3 is yearly, so never overdue; 1.1.2 ended in 2025.
        self.assertEqual([r.code for r in content.overdue], ["1.1.2"])
        self.assertIn("før 2026", content.overdue_text)
        self.assertEqual(self.build(today=datetime.date(2025, 12, 31)).overdue, ())

    def test_a_closed_round_judges_overdue_at_its_closing(self) -> None:
        round = closed_round(self.plan, "Vår 2025")
        assert round.closed_at is not None
        year = round.closed_at.year
        Measure.objects.filter(pk=self.measure.pk).update(end_year=year - 1)
        Measure.objects.filter(pk=self.second.pk).update(end_year=year)
        # Years later, 1.1.2 would be overdue too; at the round's closing it was not.
        content = self.build(round, today=datetime.date(year + 5, 1, 1))
        self.assertEqual([r.code for r in content.overdue], ["1.1.1"])
        self.assertEqual(content.overdue_as_of, str(year))

    def test_summary_counts_per_area_and_in_total(self) -> None:
        record_status(measure=self.measure, status=Status.DONE)
        summary = self.build().summary
        keys = [s.key for s in summary.statuses]
        self.assertEqual(keys, ["done", "started", "not_started", "cancelled", "unknown"])
        self.assertEqual(summary.total.counts, (1, 0, 0, 0, 2))
        self.assertEqual(summary.total.total, 3)
        chart = summary.chart()
        self.assertEqual([s.label for s in chart.series], ["gjennomført", "ikkje vurdert"])
        self.assertEqual(chart.categories, ("1. Næring",))

    def test_measures_without_a_goal_come_first_and_empty_goals_are_left_out(self) -> None:
        area = self.measure.focus_area
        Goal.objects.create(plan=self.plan, focus_area=area, code="1.2", text="Tomt", order=2)
        Measure.objects.create(focus_area=area, code="1.0.1", text="Laust tiltak", order=0)
        groups = self.build().areas[0].groups
        self.assertEqual([g.heading for g in groups], ["", "Mål 1.1: Meir næring"])
        self.assertEqual([r.code for r in groups[0].rows], ["1.0.1"])

    def test_document_words_are_nynorsk_whatever_the_language(self) -> None:
        with translation.override("en"):
            content = self.build()
        self.assertEqual(
            [s.text for s in content.statuses],
            [
                "✓ Gjennomført",
                "◐ Påstarta",
                "○ Ikkje påstarta",
                "⊘ Avslutta utan gjennomføring",
                "? Ikkje vurdert",
            ],
        )
        self.assertEqual(content.legend[0][1], "Grøn merking: tiltaket er gjennomført.")
        self.assertEqual(content.date_text, "15. mars 2025")

    def test_rounds_that_cannot_make_a_case_are_refused(self) -> None:
        open_round = ReportingRound.objects.create(
            plan=self.plan, title="Open", deadline=datetime.date(2025, 3, 1)
        )
        with self.assertRaisesMessage(CaseError, "framleis open"):
            self.build(open_round)
        other = closed_round(self.draft, "Anna plan")
        with self.assertRaisesMessage(CaseError, "ein annan plan"):
            self.build(other)

    def test_query_count_does_not_grow_with_measures(self) -> None:
        for slug, size in (("liten", 6), ("stor", 60)):
            plan = make_plan(region=self.region, actor=self.actor, slug=slug, measures=size)
            closed_round(plan, "Haust 2024")
            for m in plan.measures()[:3]:
                record_status(measure=m, status=Status.STARTED)
            round = closed_round(plan, "Vår 2025")
            for m in plan.measures()[3:6]:
                record_status(measure=m, status=Status.DONE)
            with self.assertNumQueries(7):
                now = build_case_content(plan=plan, round=None, details=DETAILS)
            with self.assertNumQueries(7):
                at_round = build_case_content(plan=plan, round=round, details=DETAILS)
            self.assertEqual(now.measure_count, size)
            self.assertEqual(at_round.measure_count, size)
            self.assertEqual(len(now.comparison.changes), 3)
            self.assertEqual(len(at_round.comparison.changes), 3)

    def test_palette_is_the_sites_and_the_print_pages(self) -> None:
        site = (ROOT / "planstatus/core/static/planstatus/planstatus.css").read_text()
        case = (ROOT / "planstatus/cases/static/cases/case.css").read_text()
        for status, (fill, ink, strong) in PALETTE.items():
            name = status.colour
            self.assertIn(f"--ps-status-{name}-bg: {fill};", site)
            self.assertIn(f"--ps-status-{name}-fg: {ink};", site)
            self.assertIn(f"--ps-status-{name}-border: {strong};", site)
            rule = re.search(
                rf"\.st-{status.value} \{{ background: (#\w+); color: (#\w+); \}}", case
            )
            assert rule is not None, status
            self.assertEqual(rule.groups(), (fill, ink))
