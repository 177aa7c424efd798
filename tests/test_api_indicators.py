"""The API's indicators: visibility as on the web, internal details for members only, the
region's series and the municipalities' values, numbers as JSON numbers, fixed query counts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse

from planstatus.api.services import issue_api_token
from planstatus.indicators.models import Indicator, IndicatorTarget, IndicatorValue
from tests.opendata_base import API_SECRETS, INDICATOR_NOTE, REPORTER
from tests.test_api import DRAFT, PLAN, ApiTestCase

PLANS = "/api/v1/regions/testdal/plans"


class IndicatorApiTestCase(ApiTestCase):
    colleague_token: str
    draft_indicator: Indicator

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.colleague_token = issue_api_token(user=cls.colleague, name="test")[1]
        cls.draft_indicator = Indicator.objects.create(
            plan=cls.draft, name="Hemmeleg indikator", unit="%"
        )

    def detail(self, indicator: Indicator | None = None, base: str = PLAN) -> str:
        return f"{base}/indicators/{(indicator or self.indicator).pk}"


class IndicatorContentTests(IndicatorApiTestCase):
    def test_list_with_targets_latest_value_and_assessment(self) -> None:
        page = self.data(f"{PLAN}/indicators")
        self.assertEqual((page["count"], page["limit"], page["offset"]), (1, 100, 0))
        item = page["items"][0]
        self.assertEqual(item["id"], self.indicator.pk)
        self.assertEqual(
            {k: item[k] for k in ["name", "unit", "direction", "aggregation", "weight_label"]},
            {
                "name": "Studieplassar",
                "unit": "plassar",
                "direction": "higher",
                "aggregation": "sum",
                "weight_label": "",
            },
        )
        self.assertEqual(item["baseline"], {"value": 300, "year": 2020})
        self.assertEqual(item["targets"], [{"year": 2030, "value": 600, "note": "Regionplanen"}])
        self.assertEqual(item["goals"], [{"id": self.measure.goal_id, "code": "1.1"}])
        self.assertEqual(item["measures"], [{"id": self.measure.pk, "code": "1.1.1"}])
        # 2025 lacks Gol, so the latest region value is 2024's: 200.5 + 260.
        self.assertEqual(item["latest"], {"period": "2024", "value": 460.5})
        # The path runs 300 (2020) → 600 (2030): 420 in 2024, so 460.5 is on track.
        self.assertEqual(
            item["assessment"],
            {"code": "on_track", "label": "i rute", "symbol": "↗", "expected": 420},
        )
        self.assertEqual(
            item["url"], f"http://testserver/testdal/regionplan/indikatorar/{self.indicator.pk}/"
        )
        self.assertNotIn("region_values", item)

    def test_detail_with_series_municipalities_and_the_pages_rule(self) -> None:
        detail = self.data(self.detail())
        self.assertFalse(detail["internal"])
        self.assertEqual(
            detail["region_values"],
            [
                {
                    "period": "2024",
                    "value": 460.5,
                    "missing": [],
                    "source_note": None,
                    "entered_by": None,
                },
                {
                    "period": "2025",
                    "value": None,
                    "missing": ["Gol"],
                    "source_note": None,
                    "entered_by": None,
                },
            ],
        )
        values = [
            (v["municipality"]["name"], v["municipality"]["number"], v["period"], v["value"])
            for v in detail["municipality_values"]
        ]
        self.assertEqual(
            values,
            [
                ("Flå", "3320", "2024", 200.5),
                ("Flå", "3320", "2025", 210),
                ("Gol", "3324", "2024", 260),
            ],
        )
        # The rule in the same words as the web page, in the interface language.
        self.assertTrue(detail["assessment_rule"].startswith("Slik blir statusen sett"))
        page = self.client.get(
            reverse("indicator", args=["testdal", "regionplan", self.indicator.pk])
        )
        self.assertContains(page, detail["assessment_rule"])

    def test_numbers_are_json_numbers_and_a_weighted_mean_is_rounded(self) -> None:
        women = Indicator.objects.create(
            plan=self.plan,
            name="Del kvinner blant gründarar",
            unit="%",
            aggregation=Indicator.Aggregation.WEIGHTED_MEAN,
            weight_label="talet på gründarar",
            order=1,
        )
        IndicatorTarget.objects.create(indicator=women, year=2030, value=Decimal("40.25"))
        for municipality, value, weight in [(self.fla, 50, 1), (self.gol, 30, 2)]:
            IndicatorValue.objects.create(
                indicator=women,
                municipality=municipality,
                period="2024-01-01",
                value=Decimal(value),
                weight=Decimal(weight),
            )
        detail = self.get(self.detail(women))
        self.assertIn(b'"value": 36.6667', detail.content)  # (50 + 2·30) / 3
        data = detail.json()
        self.assertEqual(data["targets"][0]["value"], 40.25)
        self.assertEqual(data["weight_label"], "talet på gründarar")
        self.assertIsNone(data["baseline"])
        self.assertEqual(data["municipality_values"][1]["weight"], 2)
        self.assertEqual(data["region_values"][0]["period"], "2024-01-01")
        names = [i["name"] for i in self.data(f"{PLAN}/indicators")["items"]]
        self.assertEqual(names, ["Studieplassar", "Del kvinner blant gründarar"])

    def test_an_indicator_without_values_is_not_assessed(self) -> None:
        empty = Indicator.objects.create(plan=self.plan, name="Tomt", unit="%", order=2)
        data = self.data(self.detail(empty))
        self.assertEqual(data["assessment"]["code"], "unknown")
        self.assertEqual(data["assessment"]["label"], "ikkje nok data")
        self.assertIsNone(data["assessment"]["expected"])
        self.assertIsNone(data["latest"])
        self.assertEqual((data["region_values"], data["municipality_values"]), ([], []))


class IndicatorVisibilityTests(IndicatorApiTestCase):
    def test_internal_details_only_for_members(self) -> None:
        for token in [None, self.outsider_token]:
            response = self.get(self.detail(), token)
            for secret in API_SECRETS:
                self.assertNotIn(secret, response.content.decode(), token)
            self.assertTrue(
                all(v["entered_by"] is None for v in response.json()["municipality_values"])
            )
        for token in [self.owner_token, self.colleague_token]:
            detail = self.data(self.detail(), token)
            self.assertTrue(detail["internal"])
            first = detail["municipality_values"][0]
            self.assertEqual(
                (first["source_note"], first["entered_by"]), (INDICATOR_NOTE, REPORTER)
            )
            self.assertEqual(detail["municipality_values"][2]["entered_by"], "owner")
            # A computed region value has no one who entered it.
            self.assertIsNone(detail["region_values"][0]["entered_by"])

    def test_an_entered_region_value_shows_its_source_to_members(self) -> None:
        direct = Indicator.objects.create(plan=self.plan, name="Direkte", unit="%")
        IndicatorValue.objects.create(
            indicator=direct,
            period="2024",
            value=Decimal(7),
            source_note="Notat",
            entered_by=self.owner,
        )
        public = self.data(self.detail(direct))["region_values"]
        self.assertEqual(
            public,
            [
                {
                    "period": "2024",
                    "value": 7,
                    "missing": [],
                    "source_note": None,
                    "entered_by": None,
                }
            ],
        )
        internal = self.data(self.detail(direct), self.owner_token)["region_values"][0]
        self.assertEqual((internal["source_note"], internal["entered_by"]), ("Notat", "owner"))

    def test_unpublished_plan_answers_404_to_all_but_members(self) -> None:
        paths = [f"{DRAFT}/indicators", self.detail(self.draft_indicator, DRAFT)]
        # The draft's indicator through the published plan's URL is no way in either.
        paths += [self.detail(self.draft_indicator)]
        for path in paths:
            for token in [None, self.outsider_token]:
                response = self.get(path, token)
                self.assertEqual(response.status_code, 404, (path, token))
                self.assertEqual(response.json(), {"detail": "Not found."})
                self.assertNotIn("Hemmeleg", response.content.decode())
        self.assertEqual(self.get(paths[2], self.owner_token).status_code, 404)
        for token in [self.owner_token, self.colleague_token]:
            page = self.data(paths[0], token)
            self.assertEqual([i["name"] for i in page["items"]], ["Hemmeleg indikator"])
            self.assertEqual(self.data(paths[1], token)["name"], "Hemmeleg indikator")

    def test_published_plan_is_open_to_everyone(self) -> None:
        for token in [None, self.outsider_token, self.owner_token]:
            self.assertEqual(self.data(f"{PLAN}/indicators", token)["count"], 1)
            self.assertEqual(self.data(self.detail(), token)["id"], self.indicator.pk)

    def test_bad_ids_and_pages(self) -> None:
        cases: list[tuple[str, int]] = [
            (f"{PLAN}/indicators/0", 422),
            (f"{PLAN}/indicators/-1", 422),
            (f"{PLAN}/indicators/x", 422),
            (f"{PLAN}/indicators/{2**63}", 422),
            (f"{PLAN}/indicators/{2**63 - 1}", 404),
            (f"{PLAN}/indicators/{self.indicator.pk + 1000}", 404),
            (f"{PLAN}/indicators/{self.measure.pk}x", 422),
            (f"{PLANS}/nowhere/indicators", 404),
            (f"{PLANS}/nowhere/indicators/{self.indicator.pk}", 404),
        ]
        for path, status in cases:
            self.assertEqual(self.get(path).status_code, status, path)
        bad: list[dict[str, Any]] = [{"limit": 0}, {"limit": 501}, {"offset": -1}]
        for params in bad:
            self.assertEqual(self.get(f"{PLAN}/indicators", **params).status_code, 422, params)
        self.assertEqual(self.data(f"{PLAN}/indicators", offset=1)["items"], [])

    def test_documented_in_the_schema(self) -> None:
        schema = self.data("/api/v1/openapi.json")
        paths = schema["paths"]
        self.assertIn("/api/v1/regions/{region_slug}/plans/{plan_slug}/indicators", paths)
        self.assertIn("/api/v1/regions/{region_slug}/plans/{plan_slug}/indicators/{pk}", paths)
        self.assertIn("**Numbers.**", schema["info"]["description"])


class IndicatorQueryTests(IndicatorApiTestCase):
    def grow(self, start: int) -> None:
        for n in range(start, start + 4):
            extra = Indicator.objects.create(
                plan=self.plan, name=f"Ekstra {n}", unit="%", order=10 + n
            )
            extra.goals.add(self.measure.goal)  # type: ignore[arg-type]
            extra.measures.add(self.measure, self.hostile)
            IndicatorTarget.objects.create(indicator=extra, year=2030, value=Decimal(n))
        for year in range(2000 + start, 2000 + start + 4):
            for municipality in [self.fla, self.gol]:
                IndicatorValue.objects.create(
                    indicator=self.indicator,
                    municipality=municipality,
                    period=str(year),
                    value=Decimal(year),
                    entered_by=self.reporter,
                )

    def assert_queries(self, expected: dict[tuple[str, str | None], int]) -> None:
        for (path, token), queries in expected.items():
            self.get(path, token)  # warm up: the token's last use is written once
            with self.assertNumQueries(queries):
                response = self.get(path, token, limit=500)
            self.assertEqual(response.status_code, 200, path)

    def test_query_count_does_not_grow_with_data(self) -> None:
        # Plan, municipalities, count, indicators, targets, values, goals, measures; the
        # detail has no count; a token adds its own lookup and, for the detail, the
        # caller's role in the region.
        expected: dict[tuple[str, str | None], int] = {
            (f"{PLAN}/indicators", None): 8,
            (f"{PLAN}/indicators", self.owner_token): 9,
            (self.detail(), None): 7,
            (self.detail(), self.owner_token): 9,
            (self.detail(), self.outsider_token): 9,
        }
        self.assert_queries(expected)
        self.grow(0)
        self.assert_queries(expected)
        self.grow(10)
        self.assert_queries(expected)
        self.assertEqual(self.data(f"{PLAN}/indicators")["count"], 9)
        self.assertEqual(len(self.data(self.detail(), self.owner_token)["municipality_values"]), 19)
