"""Saving reviewed imports: new plans, actor matching, revisions that keep history."""

from __future__ import annotations

from django.utils import timezone

from planstatus.imports.matching import match_actors, normalise_name
from planstatus.imports.services import apply_revision, diff_plan, import_plan
from planstatus.lib.importers.base import ParsedArea, ParsedGoal, ParsedMeasure, ParsedPlan
from planstatus.lib.status import Status
from planstatus.lib.timing import parse_timing
from planstatus.plans.actions.status import record_status
from planstatus.plans.models import Measure, MeasureActor, Plan, StatusUpdate
from planstatus.regions.models import Actor
from tests.base import BaseTestCase


def measure(
    code: str, text: str, resp: list[str], inv: list[str] | None = None, status: str = "unknown"
) -> ParsedMeasure:
    return ParsedMeasure(
        code=code,
        text=text,
        timing=parse_timing("2025"),
        responsible=resp,
        involved=list(inv or []),
        status=status,
    )


def small_plan() -> ParsedPlan:
    return ParsedPlan(
        title="Handlingsprogram for Testdal",
        areas=[
            ParsedArea(
                code="1",
                name="Næring",
                goals=[
                    ParsedGoal(
                        code="1.1",
                        text="Fleire arbeidsplassar",
                        measures=[
                            measure(
                                "1.1.1",
                                "Lage ein næringsplan",
                                ["Regionrådet"],
                                ["Næringshagen"],
                                "started",
                            ),
                            measure("1.1.2", "Kartleggje næringsareal", ["regionrådet"]),
                        ],
                    )
                ],
            ),
            ParsedArea(
                code="2",
                name="Samferdsel",
                goals=[
                    ParsedGoal(
                        code="2.1",
                        text="Betre vegar",
                        measures=[
                            measure(
                                "2.1.1", "Arbeide for rv7", ["Testdal regionråd"], ["Næringshage"]
                            )
                        ],
                    )
                ],
            ),
        ],
    )


class ImportServiceTests(BaseTestCase):
    def test_names_match_case_spacing_and_hyphenation(self) -> None:
        self.assertEqual(normalise_name(" Regionrådet "), normalise_name("regionrådet"))
        self.assertEqual(
            normalise_name("Bærekraft Hal- lingdal"), normalise_name("Bærekraft Hallingdal")
        )
        matches = match_actors(["Regionrådet", "REGIONRÅDET", "Ukjend"], self.region)
        self.assertEqual(matches["REGIONRÅDET"], self.actor)
        self.assertIsNone(matches["Ukjend"])

    def test_import_creates_plan_actors_links_and_statuses(self) -> None:
        plan = import_plan(
            region=self.region,
            parsed=small_plan(),
            title="Handlingsprogram for Testdal",
            actor_choices={
                "Næringshagen": "new:Næringshage Vidju",
                "Næringshage": "new:Næringshage Vidju",
            },
            user=self.owner,
            source_name="program.docx",
        )
        self.assertEqual((plan.state, plan.published), (Plan.State.DRAFT, False))
        self.assertEqual(plan.measures().count(), 3)
        self.assertEqual(plan.goals.count(), 2)
        # Two written forms merged into one new actor, which remembers both.
        vidju = Actor.objects.get(region=self.region, name="Næringshage Vidju")
        self.assertEqual(set(vidju.aliases), {"Næringshagen", "Næringshage"})
        links = MeasureActor.objects.filter(measure__focus_area__plan=plan)
        self.assertEqual({link.actor for link in links}, {self.actor, vidju})
        self.assertEqual(
            set(links.filter(actor=self.actor).values_list("written_as", flat=True)),
            {"Regionrådet", "regionrådet", "Testdal regionråd"},
        )
        update = StatusUpdate.objects.get(measure__focus_area__plan=plan)
        self.assertEqual(
            (update.status, update.source, update.created_by), ("started", "import", self.owner)
        )

    def test_a_failure_writes_nothing(self) -> None:
        before = (Plan.objects.count(), Measure.objects.count(), Actor.objects.count())
        with self.assertRaises(ValueError):
            import_plan(
                region=self.region,
                parsed=small_plan(),
                title="X",
                actor_choices={"Regionrådet": "999999"},  # an actor that does not exist
            )
        self.assertEqual(
            before, (Plan.objects.count(), Measure.objects.count(), Actor.objects.count())
        )

    def test_revision_updates_adds_and_archives_without_losing_history(self) -> None:
        plan = import_plan(region=self.region, parsed=small_plan(), title="Program")
        first = plan.measures().get(code="1.1.1")
        record_status(measure=first, status=Status.DONE, comment="Ferdig")
        removed = plan.measures().get(code="2.1.1")
        record_status(measure=removed, status=Status.STARTED)

        revised = small_plan()
        goal = revised.areas[0].goals[0]
        goal.measures[0].text = "Lage ein næringsplan for heile regionen"  # changed text
        goal.measures.append(measure("1.1.3", "Etablere eit investeringsfond", ["Regionrådet"]))
        revised.areas[1].goals[0].measures = []  # 2.1.1 dropped

        diff = diff_plan(plan, revised)
        self.assertEqual([c.code for c in diff.new], ["1.1.3"])
        self.assertEqual([c.code for c in diff.changed], ["1.1.1"])
        self.assertEqual([c.code for c in diff.removed], ["2.1.1"])

        apply_revision(plan=plan, parsed=revised, user=self.owner, source_name="revidert.docx")
        first.refresh_from_db()
        self.assertEqual(first.text, "Lage ein næringsplan for heile regionen")
        self.assertEqual(first.current_status, Status.DONE)  # history kept
        self.assertEqual(first.history.count(), 2)  # type: ignore[attr-defined]  # the old text is in the audit trail
        removed.refresh_from_db()
        assert removed.archived_at is not None
        self.assertLessEqual(removed.archived_at, timezone.now())
        self.assertEqual(removed.current_status, Status.STARTED)
        self.assertEqual(
            sorted(plan.measures().values_list("code", flat=True)), ["1.1.1", "1.1.2", "1.1.3"]
        )

    def test_twins_with_the_same_code_are_told_apart_by_text(self) -> None:
        parsed = small_plan()
        parsed.areas[0].goals[0].measures.append(
            measure("1.1.2", "Styrke merkevaren", ["Regionrådet"])
        )
        plan = import_plan(region=self.region, parsed=parsed, title="Program")
        self.assertEqual(plan.measures().filter(code="1.1.2").count(), 2)
        revised = small_plan()
        revised.areas[0].goals[0].measures.append(
            measure("1.1.2", "Styrke merkevaren Testdal", ["Regionrådet"])
        )
        diff = diff_plan(plan, revised)
        self.assertEqual([c.code for c in diff.changed], ["1.1.2"])
        self.assertEqual(diff.new, [])
        self.assertEqual(diff.removed, [])


class ArchivedMeasurePageTests(BaseTestCase):
    def test_archived_measure_keeps_its_page_and_leaves_the_plan(self) -> None:
        self.measure.archived_at = timezone.now()
        self.measure.save()
        page = self.client.get(self.measure.get_absolute_url())
        self.assertContains(page, "Arkivert")
        plan_page = self.client.get(self.plan.get_absolute_url())
        self.assertNotContains(plan_page, self.measure.text)
