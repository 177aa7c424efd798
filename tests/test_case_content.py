"""build_case_content: what the status case says, at a closed round or now."""

from __future__ import annotations

import datetime
import re
from dataclasses import replace
from pathlib import Path

from django.urls import reverse
from django.utils import translation

from planstatus.cases.services import (
    PALETTE,
    CaseError,
    build_case_content,
    prepare_case,
    render_html,
    send_case,
)
from planstatus.lib.reports.content import BodyComment, CaseContent
from planstatus.lib.status import Status
from planstatus.plans.actions.status import record_status, set_status
from planstatus.plans.models import Goal, Measure, MeasureActor
from planstatus.reporting.actions.reports import record_round_status
from planstatus.reporting.actions.rounds import close_round
from planstatus.reporting.models import ReportingRound
from planstatus.reporting.reads import changes_since_previous
from tests.base import BaseTestCase
from tests.cases import (
    DETAILS,
    by_test_id,
    closed_round,
    html_tree,
    latest_update_id,
    make_plan,
)

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
        # The plan's abbreviations read out, in the document's language (issue 21, bug 7).
        Measure.objects.filter(pk=self.measure.pk).update(
            timing_text="Kont", continuous=True, start_year=None, end_year=None
        )
        translation.activate("en")
        try:
            [row] = [r for r in self.build().areas[0].groups[0].rows if r.code == "1.1.1"]
        finally:
            translation.activate("nn")
        self.assertEqual(row.timing, "kontinuerleg")
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
        self.assertEqual(comparison.against, "rapporteringsrunden «Haust 2024»")
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
        self.assertIn("ingen tidlegare sak eller lukka", self.build(first).comparison.text)

    def test_now_is_compared_with_the_latest_closed_round(self) -> None:
        closed_round(self.plan, "Vår 2025")
        self.assertEqual(
            self.build().comparison.text,
            "Ingen tiltak har endra status sidan rapporteringsrunden «Vår 2025».",
        )
        record_status(measure=self.second, status=Status.CANCELLED)
        [change] = self.build().comparison.changes
        self.assertEqual(change.arrow_text, "? Ikkje vurdert → ⊘ Avslutta utan gjennomføring")

    def test_late_measures_are_past_their_time_and_not_started_or_only_started(self) -> None:
        record_status(measure=self.measure, status=Status.DONE)
        content = self.build(today=datetime.date(2026, 2, 1))
        # 1.1.1 is done; 1.1.3 is yearly, so never late; 1.1.2 ended in 2025 but nobody has
        # assessed it: it is not called late, it is listed as not assessed.
        self.assertEqual(content.overdue, ())
        self.assertEqual(content.unassessed, ("1.1.2", "1.1.3"))
        self.assertEqual(
            content.unassessed_text,
            "2 tiltak er ikkje vurderte, og er ikkje rekna med her: 1.1.2, 1.1.3.",
        )
        for status, late in [
            (Status.NOT_STARTED, True),
            (Status.STARTED, True),
            (Status.CANCELLED, False),
            (Status.DONE, False),
        ]:
            record_status(measure=self.second, status=status)
            content = self.build(today=datetime.date(2026, 2, 1))
            self.assertEqual([r.code for r in content.overdue], ["1.1.2"] if late else [], status)
        record_status(measure=self.second, status=Status.STARTED)
        content = self.build(today=datetime.date(2026, 2, 1))
        self.assertIn("før 2026", content.overdue_text)
        self.assertEqual(content.late_text[:5], "Eitt ")
        self.assertEqual(self.build(today=datetime.date(2025, 12, 31)).overdue, ())

    def test_a_closed_round_judges_overdue_at_its_closing(self) -> None:
        record_status(measure=self.measure, status=Status.STARTED)
        record_status(measure=self.second, status=Status.NOT_STARTED)
        round = closed_round(self.plan, "Vår 2025")
        assert round.closed_at is not None
        year = round.closed_at.year
        Measure.objects.filter(pk=self.measure.pk).update(end_year=year - 1)
        Measure.objects.filter(pk=self.second.pk).update(end_year=year)
        # Years later, 1.1.2 would be late too; at the round's closing it was not.
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
                record_status(
                    measure=m, status=Status.DONE, comment="Ferdig.", comment_is_public=True
                )
            # Areas, goals, measures, actor links, actors, milestones, whether any measure is
            # a group measure, the comments shown (two), the previous sent case (none), the
            # previous round and its snapshot.
            with self.assertNumQueries(12):
                now = build_case_content(plan=plan, round=None, details=DETAILS)
            # The comments came after the round closed: none to fetch for its case.
            with self.assertNumQueries(11):
                at_round = build_case_content(plan=plan, round=round, details=DETAILS)
            self.assertEqual(now.measure_count, size)
            self.assertEqual(at_round.measure_count, size)
            self.assertEqual(len(now.comparison.changes), 3)
            self.assertEqual(len(at_round.comparison.changes), 3)
            self.assertEqual(sum(1 for a in now.areas for r in a.rows if r.comment), 3)
            self.assertEqual(sum(1 for a in at_round.areas for r in a.rows if r.comment), 0)

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


class BodyCommentTests(BaseTestCase):
    """Which comment the case shows under a measure, and whom it credits."""

    def comment(self, round: ReportingRound | None = None) -> BodyComment | None:
        content = build_case_content(plan=self.plan, round=round, details=DETAILS)
        [row] = content.areas[0].rows
        return row.comment

    def report(self, round: ReportingRound, text: str, *, public: bool = True) -> None:
        record_round_status(
            round=round,
            measure=self.measure,
            status=Status.STARTED,
            comment=text,
            comment_is_public=public,
            user=self.owner,
            actor=self.actor,
            expected_previous=latest_update_id(self.measure),
        )

    def test_the_latest_public_comment_credited_to_the_body_never_the_person(self) -> None:
        self.assertIsNone(self.comment())
        round = ReportingRound.objects.create(
            plan=self.plan, title="Vår 2025", deadline=datetime.date(2025, 3, 1)
        )
        self.report(round, "  Første rapport.  ")
        self.report(round, "Intern merknad.", public=False)
        self.report(round, "")  # public, but nothing said
        comment = self.comment()
        assert comment is not None
        self.assertEqual(comment.text, "Første rapport.")
        self.assertEqual(comment.actor, "Testdal regionråd")  # the body, not «owner»
        self.assertRegex(comment.credit, r"^Testdal regionråd, \d{1,2}\.\d{1,2}\.\d{4}$")

    def test_a_comment_the_secretariat_entered_is_credited_to_the_secretariat(self) -> None:
        set_status(
            measure=self.measure,
            status=Status.DONE,
            comment="Ferdig, etter melding frå kommunen.",
            comment_is_public=True,
            user=self.owner,
            expected_previous=None,
        )
        comment = self.comment()
        assert comment is not None
        self.assertEqual(
            (comment.text, comment.actor), ("Ferdig, etter melding frå kommunen.", "Sekretariatet")
        )
        self.assertNotIn("owner", comment.credit)

    def test_a_closed_rounds_case_shows_no_comment_made_after_it_closed(self) -> None:
        round = ReportingRound.objects.create(
            plan=self.plan, title="Vår 2025", deadline=datetime.date(2025, 3, 1)
        )
        self.report(round, "Før lukking.")
        close_round(round=round, user=self.owner)
        record_status(
            measure=self.measure, status=Status.DONE, comment="Etter.", comment_is_public=True
        )
        at_round = self.comment(round)
        now = self.comment()
        assert at_round is not None and now is not None
        self.assertEqual((at_round.text, now.text), ("Før lukking.", "Etter."))

    def test_nothing_reported_is_said_in_every_format(self) -> None:
        content = build_case_content(plan=self.plan, round=None, details=DETAILS)
        self.assertIn("Ingen kommentar er rapportert.", render_html(content))


class ComparisonWithTheSentCaseTests(BaseTestCase):
    """The summary's arrows compare with what the politicians saw last: the previous case
    sent, else the previous closed round."""

    def setUp(self) -> None:
        area = self.measure.focus_area
        self.others = [
            Measure.objects.create(
                focus_area=area, goal=self.measure.goal, code=f"1.1.{n}", text=f"T {n}", order=n
            )
            for n in (2, 3, 4)
        ]
        record_status(measure=self.measure, status=Status.NOT_STARTED)
        record_status(measure=self.others[0], status=Status.STARTED)
        record_status(measure=self.others[1], status=Status.DONE)

    def test_arrows_and_moves_since_the_previous_sent_case(self) -> None:
        closed_round(self.plan, "Haust 2024")  # older than the case: not compared with
        send_case(plan=self.plan, round=None, details=DETAILS, user=self.owner)
        record_status(measure=self.measure, status=Status.DONE)  # forward
        record_status(measure=self.others[0], status=Status.NOT_STARTED)  # back
        record_status(measure=self.others[1], status=Status.CANCELLED)  # neither
        content = build_case_content(
            plan=self.plan, round=None, details=replace(DETAILS, case_number="20-25")
        )
        summary = content.summary
        self.assertEqual(summary.against, "sak 16-25 (15. mars 2025)")
        # done, started, not started, cancelled, unknown
        self.assertEqual(summary.total.counts, (1, 0, 1, 1, 1))
        self.assertEqual(summary.total.deltas, (0, -1, 0, 1, 0))
        self.assertEqual([c for _, c in summary.total.cells], ["", "↓1", "", "↑1", ""])
        self.assertEqual((summary.total.forward, summary.total.back), (1, 1))
        self.assertEqual(
            summary.progress_text,
            "Sidan sak 16-25 (15. mars 2025) har eitt tiltak gått framover og eitt tiltak "
            "gått tilbake.",
        )
        self.assertEqual(
            [(c.code, c.direction_mark) for c in content.comparison.changes],
            [("1.1.1", "↑"), ("1.1.2", "↓"), ("1.1.3", "")],
        )

    def test_without_a_sent_case_the_previous_closed_round(self) -> None:
        closed_round(self.plan, "Haust 2024")
        record_status(measure=self.measure, status=Status.STARTED)
        summary = build_case_content(plan=self.plan, round=None, details=DETAILS).summary
        self.assertEqual(summary.against, "rapporteringsrunden «Haust 2024»")
        self.assertEqual((summary.total.forward, summary.total.back), (1, 0))

    def test_a_case_of_a_round_is_not_compared_with_a_case_of_the_same_round(self) -> None:
        round = closed_round(self.plan, "Vår 2025")
        send_case(plan=self.plan, round=round, details=DETAILS, user=self.owner)
        summary = build_case_content(
            plan=self.plan, round=round, details=replace(DETAILS, case_number="17-25")
        ).summary
        self.assertEqual(summary.against, "")
        self.assertIn("ingen tidlegare sak", summary.progress_text)

    def test_highlights_are_points_one_a_line_without_list_marks(self) -> None:
        details = replace(DETAILS, highlights="- Eitt\n\n• To  \n3) Tre\n  * Fire\n5. Fem\n")
        self.assertEqual(details.highlight_points, ("Eitt", "To", "Tre", "Fire", "Fem"))


class DigestTests(BaseTestCase):
    """The inputs a case is made from, as one digest: what «sent twice» compares."""

    def digest(self, **changes: object) -> str:
        details = replace(DETAILS, **changes)  # type: ignore[arg-type]
        return prepare_case(plan=self.plan, round=None, details=details).inputs_digest

    def test_same_inputs_same_digest_and_every_input_counts(self) -> None:
        first = self.digest()
        self.assertEqual(self.digest(), first)
        self.assertNotEqual(self.digest(case_number="17-25"), first)
        self.assertNotEqual(self.digest(highlights="Noko anna"), first)
        record_status(measure=self.measure, status=Status.STARTED)
        started = self.digest()
        self.assertNotEqual(started, first)
        record_status(
            measure=self.measure, status=Status.STARTED, comment="Ny", comment_is_public=True
        )
        self.assertNotEqual(self.digest(), started)
        record_status(measure=self.measure, status=Status.STARTED, comment="Intern")
        # An internal comment is in no case: the case, and so its digest, is the same.
        self.assertNotEqual(self.digest(), started)
        round = closed_round(self.plan, "Vår 2025")
        now = prepare_case(plan=self.plan, round=None, details=DETAILS).inputs_digest
        at_round = prepare_case(plan=self.plan, round=round, details=DETAILS).inputs_digest
        self.assertNotEqual(now, at_round)  # the round is an input


class LateRuleTests(BaseTestCase):
    """One rule for «late» on the dashboard, the actor's page in the plan and the case."""

    def test_dashboard_actor_page_and_case_agree(self) -> None:
        year = datetime.date.today().year
        area, goal = self.measure.focus_area, self.measure.goal
        codes = {}
        for n, status in enumerate(
            [Status.UNKNOWN, Status.NOT_STARTED, Status.STARTED, Status.DONE, Status.CANCELLED],
            start=2,
        ):
            measure = Measure.objects.create(
                focus_area=area,
                goal=goal,
                code=f"1.1.{n}",
                text=status.value,
                order=n,
                timing_text=str(year - 1),
                end_year=year - 1,
            )
            MeasureActor.objects.create(
                measure=measure, actor=self.actor, role=MeasureActor.Role.RESPONSIBLE
            )
            if status != Status.UNKNOWN:
                record_status(measure=measure, status=status)
            codes[status] = measure.code
        late = {codes[Status.NOT_STARTED], codes[Status.STARTED]}

        content = build_case_content(plan=self.plan, round=None, details=DETAILS)
        self.assertEqual({r.code for r in content.overdue}, late)

        self.client.force_login(self.owner)
        dashboard = self.client.get(
            reverse("dashboard", args=["testdal", "regionplan"]), {"forseinka": "on"}
        )
        self.assertEqual(set(by_test_id(dashboard.content, "measure-row", "data-code")), late)

        actor_page = self.client.get(
            reverse("plan_actor", args=["testdal", "regionplan", self.actor.pk])
        )
        marked = html_tree(actor_page.content).xpath(
            '//*[@data-testid="overdue"]/ancestor::*[@data-testid="measure-row"]/@data-code'
        )
        self.assertEqual(set(marked), late)
