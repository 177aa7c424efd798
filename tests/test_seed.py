"""Hallingdal's curated data: the counts, the numbering slips and a sample of texts and actors."""

from __future__ import annotations

import re
from collections import Counter

import yaml
from django.test import TestCase

from planstatus.installation.seed import (
    HALLINGDAL_SEED,
    SeedError,
    load_region_data,
    load_seed_file,
)
from planstatus.lib.status import Status
from planstatus.plans.models import Measure, MeasureActor, Plan, StatusUpdate
from planstatus.plans.outline import build_plan_outline
from planstatus.regions.models import Actor, Municipality, Region

GOAL_MEASURE_COUNTS = {
    "1.1": 3, "1.2": 4, "1.3": 1, "1.4": 3,
    "2.1": 1, "2.2": 2, "2.3": 1, "2.4": 2, "2.5": 3,
    "3.1": 3, "3.2": 2, "3.3": 2, "3.4": 1,
    "4.1": 5, "4.2": 1, "4.3": 1, "4.4": 3, "4.5": 2,
    "5.1": 4, "5.2": 3, "5.3": 3, "5.4": 2,
    "6.1": 3, "6.2": 2, "6.3": 7, "6.4": 4,
}  # fmt: skip


class HallingdalSeedTests(TestCase):
    plan: Plan

    @classmethod
    def setUpTestData(cls) -> None:
        load_seed_file()
        cls.plan = Plan.objects.get(region__slug="hallingdal", slug="regionplan")

    def measure(self, code: str) -> Measure:
        return Measure.objects.with_status().get(focus_area__plan=self.plan, code=code)

    def names(self, measure: Measure, role: str) -> list[str]:
        return [link.written_as for link in measure.actor_links.filter(role=role)]

    def test_region_and_municipalities(self) -> None:
        region = Region.objects.get(slug="hallingdal")
        numbers = {m.name: m.number for m in region.municipalities.all()}
        self.assertEqual(len(numbers), 6)
        self.assertEqual(numbers["Flå"], "3320")
        self.assertEqual(numbers["Hol"], "3330")
        nes = Municipality.objects.get(name="Nesbyen")
        self.assertEqual((nes.number_2020_2023, nes.number_before_2020), ("3040", "0616"))
        population = nes.latest_population()
        assert population is not None
        self.assertEqual(population.count, 3301)
        self.assertIsNotNone(region.total_area_km2())

    def test_exact_counts(self) -> None:
        self.assertEqual(self.plan.focus_areas.count(), 6)
        self.assertEqual(self.plan.goals.count(), 26)
        self.assertEqual(self.plan.measures().count(), 68)

    def test_focus_areas_in_order(self) -> None:
        self.assertEqual(
            [a.name for a in self.plan.focus_areas.order_by("order")],
            [
                "Næringsutvikling og arbeidsplassar",
                "Kompetanse og utdanning",
                "Kommunikasjon og infrastruktur",
                "Klima og miljø",
                "Bu- og blilyst",
                "Interkommunale tenester og samarbeid",
            ],
        )

    def test_measures_per_goal(self) -> None:
        counts = {g.code: g.measures.count() for g in self.plan.goals.all()}
        self.assertEqual(counts, GOAL_MEASURE_COUNTS)

    def test_every_measure_starts_not_assessed(self) -> None:
        self.assertFalse(StatusUpdate.objects.filter(measure__focus_area__plan=self.plan).exists())
        statuses = {m.current_status for m in self.plan.measures().with_status()}
        self.assertEqual(statuses, {Status.UNKNOWN})

    def test_duplicate_codes_are_kept_and_flagged(self) -> None:
        codes = Counter(self.plan.measures().values_list("code", flat=True))
        self.assertEqual(codes["5.4.1"], 2)
        self.assertEqual(codes["6.4.1"], 2)
        self.assertEqual(build_plan_outline(self.plan).duplicate_codes, {"5.4.1", "6.4.1"})
        texts = set(self.plan.measures().filter(code="5.4.1").values_list("text", flat=True))
        self.assertEqual(len(texts), 2)

    def test_broken_code_is_read_as_4_5_2_with_a_note(self) -> None:
        m = self.measure("4.5.2")
        self.assertEqual(m.written_code, ".5.2.")
        assert m.goal is not None
        self.assertEqual(m.goal.code, "4.5")
        self.assertIn(".5.2.", m.note)
        self.assertIn("Hallingtinget", m.text)

    def test_codes_are_normalised_but_written_codes_kept(self) -> None:
        m = self.measure("1.1.1")
        self.assertEqual(m.written_code, "1.1.1.")
        for code in self.plan.measures().values_list("code", flat=True):
            self.assertRegex(code, r"^[1-6]\.\d\.\d$")

    def test_texts_have_hyphenation_undone(self) -> None:
        self.assertEqual(
            self.measure("1.1.1").text,
            "Utarbeide ein felles plattform for næringsutvikling i Hallingdal.",
        )
        self.assertIn("støtteordningar", self.measure("1.1.2").text)
        self.assertIn("Lærdalstunellen", self.measure("3.1.3").text)
        self.assertIn("vegpakke Hallingdal i tråd med NTP", self.measure("3.1.1").text)
        broken = re.compile(r"[a-zæøå]-\s+(?!og\b|eller\b)[a-zæøå]")
        for m in self.plan.measures():
            self.assertNotRegex(m.text, broken, m.code)
            self.assertNotIn("  ", m.text, m.code)

    def test_measure_split_by_page_break_is_whole(self) -> None:
        text = self.measure("6.3.6").text
        for part in ["Regional ROS", "faste møte", "kriseleiinga", "felles planmalar"]:
            self.assertIn(part, text)
        self.assertNotIn("felles planmalar", self.measure("6.3.7").text)

    def test_timings(self) -> None:
        cases = {
            "1.1.1": ("2025", 2025, 2025, False, False),
            "3.4.1": ("2028", 2028, 2028, False, False),
            "5.1.4": ("2025.-2026", 2025, 2026, False, False),
            "5.2.2": ("2025 2026", 2025, 2026, False, False),
            "5.3.2": ("årleg", None, None, True, False),
            "6.3.5": ("Kont", None, None, False, True),
        }
        for code, expected in cases.items():
            m = self.measure(code)
            got = (m.timing_text, m.start_year, m.end_year, m.yearly, m.continuous)
            self.assertEqual(got, expected, code)

    def test_sample_of_actors(self) -> None:
        resp, inv = MeasureActor.Role.RESPONSIBLE, MeasureActor.Role.INVOLVED
        self.assertEqual(self.names(self.measure("1.1.1"), resp), ["Næringsforum"])
        self.assertEqual(self.names(self.measure("1.2.1"), resp), ["Næringshage Vidju"])
        m241 = self.measure("2.4.1")
        self.assertEqual(self.names(m241, resp), ["Hemsedal kommune"])
        self.assertEqual(self.names(m241, inv), ["Regionråd", "NAV"])
        self.assertEqual(self.names(self.measure("4.1.4"), resp), ["Bærekraft Hallingdal"])
        self.assertEqual(self.names(self.measure("4.1.4"), inv), ["Hallingdal renovasjon"])
        self.assertEqual(self.names(self.measure("5.1.4"), resp), ["Opplysningskontor for bustad"])
        self.assertEqual(self.names(self.measure("6.3.5"), resp), ["KRU"])

    def test_written_variants_resolve_to_one_actor(self) -> None:
        [council] = [
            a for a in Actor.objects.filter(region__slug="hallingdal") if "Regionråd" in a.aliases
        ]
        self.assertIn("Regionrådet", council.aliases)
        forms = set(council.measure_links.values_list("written_as", flat=True))
        self.assertEqual(forms, {"Regionråd", "Regionrådet"})
        municipalities = {link.actor for link in MeasureActor.objects.filter(
            written_as__in=["Kommune", "Kommunen", "Kommunar", "Kommunane"]
        )}  # fmt: skip
        self.assertEqual(len(municipalities), 1)

    def test_kommunane_is_a_group_of_the_six_municipality_actors(self) -> None:
        region = Region.objects.get(slug="hallingdal")
        group = Actor.objects.get(region=region, name="Kommunane i Hallingdal")
        self.assertTrue(group.is_group)
        members = list(group.members.select_related("municipality").order_by("municipality"))
        self.assertEqual(
            [(m.name, m.municipality.name if m.municipality else None) for m in members],
            [
                ("Flå kommune", "Flå"),
                ("Nesbyen kommune", "Nesbyen"),
                ("Gol kommune", "Gol"),
                ("Hemsedal kommune", "Hemsedal"),
                ("Ål kommune", "Ål"),
                ("Hol kommune", "Hol"),
            ],
        )
        # Hemsedal kommune, named in the plan (2.4.1), is tied to its row, not doubled.
        hemsedals = Actor.objects.filter(region=region, name__startswith="Hemsedal")
        self.assertEqual(hemsedals.count(), 1)
        hemsedal = Actor.objects.get(region=region, name="Hemsedal kommune")
        self.assertEqual(hemsedal.measure_links.count(), 1)
        self.assertEqual([g.name for g in hemsedal.groups.all()], ["Kommunane i Hallingdal"])
        # Every written variant still names the group.
        for written in ("Kommune", "Kommunen", "Kommunar", "Kommunane"):
            actors = {link.actor for link in MeasureActor.objects.filter(written_as=written)}
            self.assertEqual(actors, {group}, written)
        # The roles stay single bodies: Hallingdal's data names no role holder per municipality.
        for name in ("Ordførar", "Kommunedirektørar"):
            self.assertFalse(Actor.objects.get(region=region, name=name).is_group, name)
        # No contact addresses: Hallingdal's data stays what the documents say.
        self.assertFalse(Actor.objects.filter(region=region).exclude(email="").exists())

    def test_every_measure_has_a_responsible_actor(self) -> None:
        for m in self.plan.measures().prefetch_related("actor_links"):
            self.assertTrue(m.responsible_links, m.code)

    def test_programme(self) -> None:
        programme = Plan.objects.get(region__slug="hallingdal", slug="byregionprogrammet")
        self.assertEqual(programme.kind, Plan.Kind.PROGRAMME)
        self.assertEqual(programme.focus_areas.count(), 6)
        goal = programme.goals.get(focus_area=None)
        self.assertIn("arbeidsplassar", goal.text)
        results = {m.text: m.current_status for m in programme.measures().with_status()}
        self.assertGreaterEqual(len(results), 12)
        by_word = {
            "Krokeide": Status.CANCELLED,
            "Funksjonsdeling av tenester": Status.STARTED,
            "vedteken av dei 6 kommunane": Status.DONE,
            "Ringeriksbanen": Status.STARTED,
        }
        for word, status in by_word.items():
            [found] = [s for text, s in results.items() if word in text]
            self.assertEqual(found, status, word)


class SeedValidationTests(TestCase):
    def seed(self) -> dict:
        with HALLINGDAL_SEED.open(encoding="utf-8") as f:
            return yaml.safe_load(f)

    def test_unknown_actor_writes_nothing(self) -> None:
        data = self.seed()
        measure = data["plans"][0]["focus_areas"][-1]["goals"][-1]["measures"][-1]
        measure["responsible"] = ["Ein heilt ukjend aktør"]
        with self.assertRaisesMessage(SeedError, "ukjend aktør"):
            load_region_data(data=data)
        self.assertFalse(Region.objects.exists())
        self.assertFalse(Measure.objects.exists())

    def test_existing_region_is_not_overwritten(self) -> None:
        load_seed_file()
        with self.assertRaises(SeedError):
            load_seed_file()
        self.assertEqual(Region.objects.count(), 1)
        self.assertEqual(Measure.objects.filter(focus_area__plan__slug="regionplan").count(), 68)

    def group_data(self, members: object) -> dict:
        data = self.seed()
        [group] = [a for a in data["actors"] if a["name"] == "Kommunane i Hallingdal"]
        group["members"] = members
        return data

    def test_members_may_be_listed_by_actor_or_municipality_name(self) -> None:
        # Nes is Nesbyen's former name; Hemsedal kommune is an actor of the file.
        load_region_data(data=self.group_data(["Gol", "Nes", "Hemsedal kommune"]))
        group = Actor.objects.get(name="Kommunane i Hallingdal")
        self.assertEqual(
            sorted(group.members.values_list("name", flat=True)),
            ["Gol kommune", "Hemsedal kommune", "Nesbyen kommune"],
        )
        self.assertEqual(Actor.objects.filter(municipality__isnull=False).count(), 6)

    def test_unknown_member_is_named_and_writes_nothing(self) -> None:
        with self.assertRaisesMessage(SeedError, "«Geilo»"):
            load_region_data(data=self.group_data(["Gol", "Geilo"]))
        self.assertFalse(Region.objects.exists())
        self.assertFalse(Actor.objects.exists())

    def test_malformed_or_refused_members_write_nothing(self) -> None:
        for members in ("alle", {"Gol": 1}, [["Gol"]], [], ["Kommunane"]):
            with self.subTest(members=members), self.assertRaises(SeedError):
                load_region_data(data=self.group_data(members))
            self.assertFalse(Region.objects.exists())

    def test_a_second_region_names_its_groups_the_same_way(self) -> None:
        # A region with no municipality actors of its own: `members: municipalities` makes them,
        # and a role group names its members from the file.
        data = {
            "region": {
                "slug": "fjelldal",
                "name": "Fjelldal",
                "municipalities": [
                    {"name": "Nordby", "number": "9901"},
                    {"name": "Sørby", "number": "9902"},
                ],
            },
            "actors": [
                {"name": "Kommunane", "aliases": ["Kommunar"], "members": "municipalities"},
                {"name": "Ordføraren i Nordby", "kind": "role"},
                {"name": "Ordføraren i Sørby", "kind": "role"},
                {
                    "name": "Ordførarane",
                    "kind": "role",
                    "members": ["Ordføraren i Nordby", "Ordføraren i Sørby"],
                },
            ],
        }
        region = load_region_data(data=data)
        groups = {
            g.name: sorted(g.members.values_list("name", flat=True))
            for g in Actor.objects.filter(region=region, is_group=True)
        }
        self.assertEqual(
            groups,
            {
                "Kommunane": ["Nordby kommune", "Sørby kommune"],
                "Ordførarane": ["Ordføraren i Nordby", "Ordføraren i Sørby"],
            },
        )
        nordby = Actor.objects.get(region=region, name="Nordby kommune")
        assert nordby.municipality is not None
        self.assertEqual((nordby.kind, nordby.municipality.name), ("municipality", "Nordby"))
