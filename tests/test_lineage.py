"""Lineage: plans that build on earlier plans, items that carry on earlier items, and what
the pages make of it — suggestions and decisions, chains, outcomes of an archived plan."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planstatus.lib.status import Status
from planstatus.plans.access import visible_plans
from planstatus.plans.actions.lineage import (
    LineageError,
    confirm_continuation,
    decide_continuation,
    set_predecessors,
    suggest_continuations,
)
from planstatus.plans.actions.status import record_status
from planstatus.plans.lineage import item_chain
from planstatus.plans.messages import lineage_message
from planstatus.plans.models import Continuation, FocusArea, Goal, Measure, Plan, PlanPredecessor
from tests.base import BaseTestCase
from tests.html import by_testid, find, parse, row, text

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}
INTERNAL_COMMENT = "Hemmeleg: dette vart aldri gjort"


class LineageBase(BaseTestCase):
    """An archived earlier plan (published) that Testdal's regional plan builds on."""

    old: Plan
    old_area: FocusArea
    old_goal: Goal
    carried: Measure
    finished: Measure
    stopped: Measure

    @contextmanager
    def refused(self, words: str) -> Iterator[None]:
        """The block raises LineageError, which reads `words` in Nynorsk; nothing is left."""
        with self.assertRaises(LineageError) as caught:
            yield
        self.assertIn(words, lineage_message(caught.exception))

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.old = Plan.objects.create(
            region=cls.region,
            slug="gamal",
            kind=Plan.Kind.PROGRAMME,
            title="Gamalt program",
            published=True,
            state=Plan.State.ARCHIVED,
        )
        cls.old_area = FocusArea.objects.create(plan=cls.old, code="1", name="Næring", order=1)
        cls.old_goal = Goal.objects.create(
            plan=cls.old, focus_area=cls.old_area, code="A", text="Meir næring i dalen"
        )
        cls.carried = cls._measure("1.1", "Eit tiltak i Regionplan for Testdal, ikkje avslutta")
        cls.finished = cls._measure("1.2", "Breiband til alle bustader")
        cls.stopped = cls._measure("1.3", "Klimaråd i kommunane")
        record_status(measure=cls.finished, status=Status.DONE)
        record_status(measure=cls.stopped, status=Status.CANCELLED, comment=INTERNAL_COMMENT)

    @classmethod
    def _measure(cls, code: str, text: str) -> Measure:
        return Measure.objects.create(
            focus_area=cls.old_area, goal=cls.old_goal, code=code, text=text, order=int(code[-1])
        )

    def link(self, earlier: Measure, later: Measure, **kwargs: Any) -> Continuation:
        return Continuation.objects.create(
            kind=Continuation.Kind.MEASURE,
            earlier_plan=earlier.focus_area.plan,
            later_plan=later.focus_area.plan,
            earlier_measure=earlier,
            later_measure=later,
            **kwargs,
        )


class PredecessorTests(LineageBase):
    def test_set_and_change_predecessors_keeps_history(self) -> None:
        set_predecessors(plan=self.plan, predecessors=[self.old], user=self.owner)
        self.assertEqual(list(self.plan.predecessors.all()), [self.old])
        self.assertEqual(list(self.old.successors.all()), [self.plan])
        set_predecessors(plan=self.plan, predecessors=[], user=self.owner)
        self.assertFalse(self.plan.predecessors.exists())
        history = PlanPredecessor.history.order_by("history_date")  # type: ignore[attr-defined]
        self.assertEqual([h.history_type for h in history], ["+", "-"])
        self.assertEqual({h.history_user for h in history}, {self.owner})

    def test_refusals_leave_everything_as_it_was(self) -> None:
        set_predecessors(plan=self.plan, predecessors=[self.old])
        foreign = Plan.objects.create(
            region=self.other_region, slug="annan", kind=Plan.Kind.REGIONAL_PLAN, title="Annan"
        )
        cases = [
            ([self.plan], "seg sjølv"),
            ([foreign], "annan region"),
            ([self.old, foreign], "annan region"),
        ]
        for predecessors, message in cases:
            with self.subTest(message=message), self.refused(message):
                set_predecessors(plan=self.plan, predecessors=predecessors)
        # The old plan cannot build on the plan that builds on it, directly or further back.
        set_predecessors(plan=self.draft, predecessors=[self.plan])
        for plan in [self.plan, self.draft]:
            with self.subTest(plan=plan.slug), self.refused("i ring"):
                set_predecessors(plan=self.old, predecessors=[plan])
        self.assertEqual(
            set(PlanPredecessor.objects.values_list("plan__slug", "predecessor__slug")),
            {("regionplan", "gamal"), ("utkast", "regionplan")},
        )


class ContinuationTests(LineageBase):
    def setUp(self) -> None:
        set_predecessors(plan=self.plan, predecessors=[self.old])

    def test_a_link_joins_items_of_one_kind_only(self) -> None:
        with self.assertRaises(IntegrityError), transaction.atomic():
            Continuation.objects.create(
                kind=Continuation.Kind.MEASURE,
                earlier_plan=self.old,
                later_plan=self.plan,
                earlier_goal=self.old_goal,
                later_measure=self.measure,
            )
        with self.assertRaises(IntegrityError), transaction.atomic():
            Continuation.objects.create(
                kind=Continuation.Kind.MEASURE,
                earlier_plan=self.plan,
                later_plan=self.plan,
                earlier_measure=self.carried,
                later_measure=self.measure,
            )
        with self.refused("same slag"):
            confirm_continuation(earlier=self.old_goal, later=self.measure)
        self.assertFalse(Continuation.objects.exists())

    def test_suggestions_pair_alike_items_of_the_same_kind(self) -> None:
        new = suggest_continuations(plan=self.plan, predecessor=self.old)
        pairs = {(c.kind, str(c.earlier), str(c.later)) for c in new}
        self.assertIn(("measure", str(self.carried), str(self.measure)), pairs)
        self.assertIn(("focus_area", str(self.old_area), str(self.measure.focus_area)), pairs)
        self.assertTrue(all(c.state == Continuation.State.SUGGESTED for c in new))
        self.assertTrue(all(c.similarity is not None and c.similarity > 0.25 for c in new))
        # Unrelated measures are not suggested.
        self.assertFalse(any(c.earlier_measure in (self.finished, self.stopped) for c in new))

    def test_suggesting_again_adds_nothing_and_never_undoes_a_rejection(self) -> None:
        [link] = [
            c
            for c in suggest_continuations(plan=self.plan, predecessor=self.old)
            if c.kind == Continuation.Kind.MEASURE
        ]
        decide_continuation(link=link, accept=False, user=self.owner)
        self.assertEqual(suggest_continuations(plan=self.plan, predecessor=self.old), [])
        link.refresh_from_db()
        self.assertEqual(link.state, Continuation.State.REJECTED)

    def test_suggestions_need_the_plan_named_as_predecessor(self) -> None:
        with self.refused("ikkje nemnd som tidlegare plan"):
            suggest_continuations(plan=self.draft, predecessor=self.old)
        with self.refused("ikkje nemnd som tidlegare plan"):
            confirm_continuation(earlier=self.carried, later=self.draft_measure)
        self.assertFalse(Continuation.objects.exists())

    def test_decisions_are_recorded_with_who_and_when(self) -> None:
        link = self.link(self.carried, self.measure, similarity=0.5)
        confirmed = decide_continuation(link=link, accept=True, user=self.owner)
        self.assertEqual(confirmed.state, Continuation.State.CONFIRMED)
        self.assertEqual(confirmed.decided_by, self.owner)
        self.assertIsNotNone(confirmed.decided_at)
        # The same decision again changes nothing; a change of mind is kept in the history.
        decide_continuation(link=link, accept=True, user=self.colleague)
        rejected = decide_continuation(link=link, accept=False, user=self.owner)
        self.assertEqual(rejected.state, Continuation.State.REJECTED)
        states = [h.state for h in link.history.order_by("history_date")]  # type: ignore[attr-defined]
        self.assertEqual(states, ["suggested", "confirmed", "rejected"])

    def test_confirm_by_hand_makes_or_confirms_one_link(self) -> None:
        first = confirm_continuation(earlier=self.carried, later=self.measure, note="Same arbeid")
        again = confirm_continuation(earlier=self.carried, later=self.measure)
        self.assertEqual(first.pk, again.pk)
        self.assertEqual(again.state, Continuation.State.CONFIRMED)
        self.assertEqual(again.note, "Same arbeid")
        self.assertIsNone(again.similarity)


class ChainTests(LineageBase):
    """old.carried → plan.measure → draft.draft_measure; the draft is unpublished."""

    def setUp(self) -> None:
        set_predecessors(plan=self.plan, predecessors=[self.old])
        set_predecessors(plan=self.draft, predecessors=[self.plan])
        confirm_continuation(earlier=self.carried, later=self.measure, note="Held fram")
        confirm_continuation(earlier=self.measure, later=self.draft_measure)

    def chain(self, item: Measure, user: Any) -> Any:
        return item_chain(item, region=self.region, visible=visible_plans(user))

    def test_the_whole_chain_back_and_forward(self) -> None:
        chain = self.chain(self.draft_measure, self.owner)
        self.assertEqual([s.item for s in chain.earlier], [self.carried, self.measure])
        self.assertEqual([s.distance for s in chain.earlier], [2, 1])
        self.assertEqual(chain.later, [])
        chain = self.chain(self.carried, self.owner)
        self.assertEqual([s.item for s in chain.later], [self.measure, self.draft_measure])
        self.assertEqual(chain.later[0].note, "Held fram")

    def test_only_confirmed_links_to_visible_plans(self) -> None:
        chain = self.chain(self.carried, self.outsider)
        self.assertEqual([s.item for s in chain.later], [self.measure])
        self.link(self.finished, self.measure, similarity=0.9)  # only suggested
        self.assertEqual(
            [s.item for s in self.chain(self.measure, self.owner).earlier], [self.carried]
        )

    def test_a_circle_of_links_ends(self) -> None:
        # Made straight in the database: the services would not allow it.
        self.link(self.draft_measure, self.carried, state=Continuation.State.CONFIRMED)
        chain = self.chain(self.measure, self.owner)
        self.assertEqual({s.item for s in chain.earlier}, {self.carried, self.draft_measure})
        self.assertEqual({s.item for s in chain.later}, {self.draft_measure, self.carried})

    def test_queries_do_not_grow_with_the_chain(self) -> None:
        visible = visible_plans(self.owner)
        with self.assertNumQueries(2):
            item_chain(self.carried, region=self.region, visible=visible)
        longer = Plan.objects.create(
            region=self.region, slug="neste", kind=Plan.Kind.REGIONAL_PLAN, title="Neste"
        )
        area = FocusArea.objects.create(plan=longer, name="Næring")
        after = Measure.objects.create(focus_area=area, code="9", text="Vidare")
        set_predecessors(plan=longer, predecessors=[self.draft])
        confirm_continuation(earlier=self.draft_measure, later=after)
        with self.assertNumQueries(2):
            chain = item_chain(self.carried, region=self.region, visible=visible)
        self.assertEqual(len(chain.later), 3)

    def test_measure_and_goal_pages_show_the_chain(self) -> None:
        # Anonymous: the published part of the chain, its public note, no draft.
        page = self.client.get(self.measure.get_absolute_url()).content.decode()
        self.assertIn('data-testid="chain"', page)
        self.assertIn(self.carried.text, page)
        self.assertIn("Held fram", page)
        self.assertNotIn(self.draft_measure.text, page)
        # The colleague sees the draft too.
        self.client.force_login(self.colleague)
        page = self.client.get(self.measure.get_absolute_url()).content.decode()
        self.assertIn(self.draft_measure.text, page)
        new_goal = self.measure.goal
        assert new_goal is not None
        confirm_continuation(earlier=self.old_goal, later=new_goal)
        url = reverse("goal", args=["testdal", "regionplan", new_goal.pk])
        self.assertContains(self.client.get(url), self.old_goal.text)


class ArchivedPlanTests(LineageBase):
    def setUp(self) -> None:
        set_predecessors(plan=self.plan, predecessors=[self.old])
        confirm_continuation(earlier=self.carried, later=self.measure)

    def test_each_item_is_carried_on_completed_or_dropped(self) -> None:
        response = self.client.get(self.old.get_absolute_url())
        page = response.content.decode()
        doc = parse(response)
        by_testid(doc, "outcomes")
        rows = {code: row(doc, code) for code in ["1.1", "1.2", "1.3"]}
        outcomes = {c: r.xpath(".//*[@data-outcome]/@data-outcome") for c, r in rows.items()}
        self.assertEqual(
            outcomes, {"1.1": ["carried_on"], "1.2": ["completed"], "1.3": ["dropped"]}
        )
        self.assertIn(self.measure.get_absolute_url(), rows["1.1"].xpath(".//a/@href"))
        # Word and symbol, never colour alone.
        self.assertIn("vidareført", text(rows["1.1"]))
        self.assertIn("✓", text(rows["1.2"]))
        # The area and its goal go on, because one of their measures does.
        area = by_testid(doc, "area-outcome")
        self.assertEqual(area.xpath("./*/@data-outcome"), ["carried_on"])
        self.assertNotIn(INTERNAL_COMMENT, page)

    def test_an_item_nobody_linked_or_stopped_is_not_called_dropped(self) -> None:
        # Issue 21, bug 4: «lagt bort» meant only that nothing linked the item forward.
        quiet = self._measure("1.4", "Hallingtreff i Oslo")
        record_status(measure=quiet, status=Status.STARTED)
        response = self.client.get(self.old.get_absolute_url())
        doc = parse(response)
        self.assertEqual(row(doc, "1.4").xpath(".//*[@data-outcome]/@data-outcome"), [])
        self.assertEqual(row(doc, "1.3").xpath(".//*[@data-outcome]/@data-outcome"), ["dropped"])
        self.assertNotIn("ikkje kopla til ein seinare plan enno", text(doc))
        self.assertEqual(doc.xpath('//*[@data-testid="unlinked-note"]'), [])
        counts = by_testid(doc, "outcomes").xpath(".//*[@data-outcome]/@data-outcome")
        self.assertEqual(counts, ["carried_on", "completed", "dropped"])
        # A reader of the region is not told either; the secretariat is, as its to-do.
        self.client.force_login(self.colleague)
        doc = parse(self.client.get(self.old.get_absolute_url()))
        self.assertEqual(row(doc, "1.4").xpath(".//*[@data-outcome]/@data-outcome"), [])
        self.client.force_login(self.owner)
        doc = parse(self.client.get(self.old.get_absolute_url()))
        self.assertEqual(row(doc, "1.4").xpath(".//*[@data-outcome]/@data-outcome"), ["unlinked"])
        self.assertIn("ikkje kopla til ein seinare plan enno", text(row(doc, "1.4")))
        by_testid(doc, "unlinked-note")

    def test_a_plan_in_force_shows_no_outcomes(self) -> None:
        page = self.client.get(self.plan.get_absolute_url()).content.decode()
        self.assertNotIn("data-outcome", page)

    def test_a_link_into_an_unpublished_plan_is_not_shown_to_the_public(self) -> None:
        set_predecessors(plan=self.draft, predecessors=[self.old])
        confirm_continuation(earlier=self.finished, later=self.draft_measure)
        response = self.client.get(self.old.get_absolute_url())
        shown = row(parse(response), "1.2").xpath(".//*[@data-outcome]/@data-outcome")
        self.assertEqual(shown, ["completed"])
        self.assertNotIn(self.draft.title, response.content.decode())
        self.client.force_login(self.colleague)
        response = self.client.get(self.old.get_absolute_url())
        shown = row(parse(response), "1.2").xpath(".//*[@data-outcome]/@data-outcome")
        self.assertEqual(shown, ["carried_on"])


class LineagePageTests(LineageBase):
    def setUp(self) -> None:
        set_predecessors(plan=self.plan, predecessors=[self.old])
        self.suggestion = self.link(self.carried, self.measure, similarity=0.61)
        self.url = reverse("lineage", args=["testdal", "regionplan"])
        self.decide_url = reverse(
            "continuation_decide", args=["testdal", "regionplan", self.suggestion.pk]
        )

    def state(self) -> str:
        return Continuation.objects.get(pk=self.suggestion.pk).state

    def test_secretariat_confirms_with_htmx_and_rejects_without(self) -> None:
        self.client.force_login(self.owner)
        page = self.client.get(self.url)
        self.assertContains(page, "61 %")
        self.assertContains(page, self.decide_url)
        fragment = self.client.post(self.decide_url, {"accept": "1"}, **HTMX)
        self.assertEqual(fragment.status_code, 200)
        html = fragment.content.decode()
        self.assertTrue(html.startswith(f'<tr id="lenke-{self.suggestion.pk}"'))
        self.assertIn('data-state="confirmed"', html)
        self.assertEqual(self.state(), Continuation.State.CONFIRMED)
        response = self.client.post(self.decide_url, {"accept": "0"})
        self.assertRedirects(response, self.url + f"#lenke-{self.suggestion.pk}")
        self.assertEqual(self.state(), Continuation.State.REJECTED)

    def test_the_region_log_shows_who_decided_what(self) -> None:
        self.client.force_login(self.owner)
        self.client.post(self.decide_url, {"accept": "1"})
        response = self.client.get(reverse("region_log", args=["testdal"]))
        log = response.content.decode()
        label = "Vidareføring: tiltak: Gamalt program → Regionplan for Testdal"
        [entry] = parse(response).xpath(
            f'//li[@data-action="~"][.//strong[normalize-space(.)="{label}"]]'
        )
        self.assertIn("owner", text(find(entry, ".//*[@class='meta']")))
        changes = dict(zip(entry.xpath(".//dt/text()"), entry.xpath(".//dd"), strict=True))
        self.assertEqual(changes["Tilstand"].xpath("./del/text()"), ["foreslått"])
        self.assertEqual(changes["Tilstand"].xpath("./ins/text()"), ["stadfesta"])
        self.assertNotIn("Avgjort av", changes)  # the entry's own user says it
        self.assertIn("Tidlegare plan: Gamalt program → Regionplan for Testdal", log)

    def test_a_decision_without_a_choice_changes_nothing(self) -> None:
        self.client.force_login(self.owner)
        response = self.client.post(self.decide_url, {"accept": "kanskje"}, **HTMX)
        self.assertEqual(response.status_code, 400)
        self.assertRedirects(self.client.post(self.decide_url, {}), self.url)
        self.assertEqual(self.state(), Continuation.State.SUGGESTED)

    def test_secretariat_finds_suggestions_and_sets_predecessors(self) -> None:
        self.client.force_login(self.owner)
        suggest = reverse("continuation_suggest", args=["testdal", "regionplan"])
        response = self.client.post(suggest, {"predecessor": self.old.pk}, follow=True)
        # The focus areas and the goals; the measures had their suggestion already.
        self.assertContains(response, "2 nye forslag.")
        self.assertTrue(Continuation.objects.filter(kind=Continuation.Kind.FOCUS_AREA).exists())
        response = self.client.post(suggest, {"predecessor": self.draft.pk}, follow=True)
        self.assertContains(response, "Vel ein av dei tidlegare planane")
        response = self.client.post(self.url, {"predecessors": [self.old.pk, self.draft.pk]})
        self.assertRedirects(response, self.url)
        self.assertEqual(set(self.plan.predecessors.all()), {self.old, self.draft})

    def test_a_circle_of_plans_is_refused_in_nynorsk(self) -> None:
        set_predecessors(plan=self.draft, predecessors=[self.plan])
        self.client.force_login(self.owner)
        url = reverse("lineage", args=["testdal", "gamal"])
        response = self.client.post(url, {"predecessors": [self.draft.pk]})
        self.assertContains(response, "byggje på kvarandre i ring", status_code=400)
        self.assertFalse(self.old.predecessors.exists())

    def test_reader_sees_but_cannot_decide(self) -> None:
        self.client.force_login(self.colleague)
        page = self.client.get(self.url)
        self.assertContains(page, self.carried.text)
        self.assertNotContains(page, self.decide_url)
        self.assertNotContains(page, 'name="predecessors"')
        for url, data in [
            (self.decide_url, {"accept": "1"}),
            (self.url, {"predecessors": []}),
            (reverse("continuation_suggest", args=["testdal", "regionplan"]), {}),
        ]:
            self.assertEqual(self.client.post(url, data).status_code, 403, url)
        self.assertEqual(self.state(), Continuation.State.SUGGESTED)
        self.assertTrue(self.plan.predecessors.exists())

    def test_outsider_and_anonymous_are_refused(self) -> None:
        response = self.client.get(self.url)
        self.assertRedirects(response, reverse("login") + f"?next={self.url}")
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertEqual(self.client.post(self.decide_url, {"accept": "1"}).status_code, 403)
        self.assertEqual(self.state(), Continuation.State.SUGGESTED)

    def test_suggestions_stay_off_the_public_pages(self) -> None:
        page = self.client.get(self.measure.get_absolute_url()).content.decode()
        self.assertNotIn('data-testid="chain"', page)
        self.assertNotIn(self.carried.text, page)

    def test_query_count_does_not_grow_with_links(self) -> None:
        self.client.force_login(self.owner)
        self.client.get(self.url)

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(self.url).status_code, 200)
            return len(queries)

        few = count()
        area = self.measure.focus_area
        for n in range(10):
            later = Measure.objects.create(focus_area=area, code=f"1.1.{n + 2}", text=f"Nytt {n}")
            self.link(self.finished, later, similarity=0.3)
            Continuation.objects.create(
                kind=Continuation.Kind.GOAL,
                earlier_plan=self.old,
                later_plan=self.plan,
                earlier_goal=self.old_goal,
                later_goal=Goal.objects.create(plan=self.plan, focus_area=area, text=f"Mål {n}"),
                state=Continuation.State.CONFIRMED,
            )
        with self.assertNumQueries(few):
            self.client.get(self.url)
