"""Issue 21: the made-up Eksempelregionen shows the product at work — municipalities with
numbers no real one has, a group of them responsible for measures, about forty measures,
three closed rounds whose statuses develop over two years, indicators per municipality with
targets, a case sent, lineage to an earlier programme — and says on its pages that it is
example data."""

from __future__ import annotations

from collections import Counter

from django.test import TestCase
from django.urls import reverse

from planstatus.cases.models import SentCase
from planstatus.feedback.models import PublicInput
from planstatus.indicators.models import Indicator
from planstatus.indicators.services import region_municipalities, summarise
from planstatus.installation.seed import EXAMPLE_SEED, load_seed_file
from planstatus.plans.models import Continuation, Measure, MeasureActor, Plan, StatusUpdate
from planstatus.regions.models import Actor, ContactPerson, Region
from planstatus.reporting.models import ReportingRound, RoundSnapshot
from tests.html import by_testid, parse, text


class ExampleRegionTests(TestCase):
    region: Region
    plan: Plan

    @classmethod
    def setUpTestData(cls) -> None:
        load_seed_file()
        cls.region = load_seed_file(path=EXAMPLE_SEED)
        cls.plan = Plan.objects.get(region=cls.region, slug="regionplan")

    def test_municipalities_their_actors_and_the_group_that_reports_through_them(self) -> None:
        numbers = sorted(self.region.municipalities.values_list("number", flat=True))
        self.assertEqual(numbers, ["9901", "9902", "9903", "9904", "9905", "9906"])
        actors = Actor.objects.filter(region=self.region, municipality__isnull=False)
        self.assertEqual(actors.count(), 6)
        group = Actor.objects.get(region=self.region, name="Kommunane i Eksempelregionen")
        self.assertTrue(group.is_group)
        self.assertEqual(set(group.members.all()), set(actors))
        carried = MeasureActor.objects.filter(
            actor=group, role=MeasureActor.Role.RESPONSIBLE, measure__focus_area__plan=self.plan
        )
        self.assertGreaterEqual(carried.count(), 8)
        # Each municipality reports its own status on the group's measures.
        reported = StatusUpdate.objects.filter(
            measure__in=[link.measure_id for link in carried], member__isnull=False
        )
        self.assertEqual(set(reported.values_list("member", flat=True)), {a.pk for a in actors})
        self.assertGreater(len(set(reported.values_list("status", flat=True))), 1)

    def test_made_up_contact_persons_here_and_none_in_hallingdal(self) -> None:
        persons = ContactPerson.objects.filter(actor__region=self.region)
        self.assertEqual(persons.count(), 7)
        self.assertTrue(all(p.email.endswith(".example") for p in persons))
        skarvoy = Actor.objects.get(region=self.region, name="Skarvøy kommune")
        self.assertFalse(skarvoy.contact_persons.exists())
        self.assertFalse(ContactPerson.objects.filter(actor__region__slug="hallingdal").exists())
        # Personal data: not on the public plan page or in its download.
        for url in (
            self.plan.get_absolute_url(),
            reverse("plan_data", args=[self.region.slug, self.plan.slug, "json"]),
        ):
            self.assertNotContains(self.client.get(url), "Nordbø")

    def test_three_closed_rounds_over_two_years_with_statuses_that_develop(self) -> None:
        self.assertEqual(self.plan.measures().count(), 40)
        rounds = list(ReportingRound.objects.filter(plan=self.plan).order_by("opened_at"))
        self.assertEqual([r.state for r in rounds], ["closed"] * 3)
        self.assertEqual({r.closed_at.year for r in rounds if r.closed_at}, {2024, 2025})
        done = [
            Counter(s.status for s in RoundSnapshot.objects.filter(round=r))["done"] for r in rounds
        ]
        self.assertEqual(done, sorted(done))
        self.assertGreater(done[-1], done[0])
        # Comments come with the reports, each from the body responsible.
        updates = self.plan.measures().get(code="2.1.1").status_updates.order_by("created_at")
        latest = updates.select_related("round_report__actor").last()
        assert latest is not None
        self.assertEqual(latest.comment, "Studiesenteret opna i februar.")
        actor = latest.round_report.actor
        self.assertEqual(actor.name if actor else None, "Lauvnes kommune")
        page = parse(self.client.get(self.plan.get_absolute_url() + f"?runde={rounds[0].pk}"))
        self.assertTrue(page.xpath('//*[@data-testid="snapshot-notice"]'))

    def test_indicators_per_municipality_with_targets_and_a_regional_figure(self) -> None:
        municipalities = region_municipalities(self.region)
        for indicator in Indicator.objects.filter(plan=self.plan).prefetch_related(
            "values", "targets"
        ):
            summary = summarise(indicator, municipalities)
            self.assertTrue(summary.targets, indicator.name)
            self.assertIsNotNone(summary.latest, indicator.name)  # a common date: summed
            self.assertTrue(all(by_period for by_period in summary.municipalities.values()))

    def test_a_case_was_sent_and_the_programme_before_is_carried_on(self) -> None:
        self.assertEqual(SentCase.objects.filter(plan=self.plan).count(), 1)
        self.assertEqual(
            list(self.plan.predecessors.values_list("slug", flat=True)), ["naeringsprogram"]
        )
        self.assertGreaterEqual(
            Continuation.objects.filter(later_plan=self.plan, state="confirmed").count(), 3
        )

    def test_its_pages_and_the_front_page_say_it_is_example_data(self) -> None:
        front = parse(self.client.get(reverse("index")))
        [flag] = front.xpath('//*[@data-testid="example-flag"]')
        self.assertIn("Eksempelregionen", text(flag.getparent()))
        for url in (
            reverse("region", args=["eksempelregionen"]),
            self.plan.get_absolute_url(),
            reverse("dashboard", args=["eksempelregionen", "regionplan"]),
            self.plan.measures().get(code="1.1.1").get_absolute_url(),
        ):
            page = parse(self.client.get(url))
            self.assertIn("oppdikta", text(by_testid(page, "example-data")), url)
        hallingdal = parse(self.client.get(reverse("region", args=["hallingdal"])))
        self.assertEqual(hallingdal.xpath('//*[@data-testid="example-data"]'), [])
        self.assertFalse(Region.objects.get(slug="hallingdal").is_example)

    def test_input_from_the_public_one_answered_in_public_one_waiting(self) -> None:
        measure = Measure.objects.get(focus_area__plan__region=self.region, code="1.2.2")
        page = parse(self.client.get(measure.get_absolute_url()))
        published = text(by_testid(page, "published-input"))
        self.assertIn("matprodusentar", published)
        self.assertNotIn("Marit", text(page))
        waiting = PublicInput.objects.filter(
            measure__focus_area__plan__region=self.region, answer=""
        )
        self.assertEqual(waiting.count(), 1)

    def test_milestones_and_updates(self) -> None:
        measure = Measure.objects.get(focus_area__plan__region=self.region, code="1.2.2")
        page = parse(self.client.get(measure.get_absolute_url()))
        states = [li.get("data-state") for li in page.xpath('//*[@data-testid="milestone"]')]
        self.assertEqual(states.count("done"), 2)
        self.assertIn("24 matprodusentar", text(page))
        feed = self.client.get(reverse("plan_feed", args=["eksempelregionen", "regionplan"]))
        self.assertIn("Matfestivalen", feed.content.decode())
