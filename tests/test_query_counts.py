"""Query discipline (issue 12): every page that lists things costs the same number of SQL
queries however many things there are.

Each page is fetched at two data sizes, as people get it: nothing of ours is cached. The growth
goes through the services and models, and adds rows to every list at once: regions, plans,
actors, measures with actors and statuses, history, round reports, rounds, indicators with
values, import drafts and archived cases.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planstatus.imports.models import PlanImport
from planstatus.indicators.models import Indicator, IndicatorTarget
from planstatus.indicators.services import ValueRow, record_values
from planstatus.lib.status import Status
from planstatus.plans.actions.measures import update_measure
from planstatus.plans.actions.status import record_status
from planstatus.plans.models import FocusArea, Goal, Measure, MeasureActor, Milestone, Plan
from planstatus.regions.models import Actor, Region
from planstatus.reporting.actions.reports import record_round_status
from planstatus.reporting.actions.rounds import close_round, open_round
from planstatus.reporting.models import ReportingRound, RoundSnapshot
from tests.base import BaseTestCase
from tests.cases import archived_case

BASE_URL = "http://testserver"

# The pages bench/run.py times, with the queries each makes (see the last test).
# Issue 23 added, by decision: the measures' milestones (one query wherever lateness is
# shown), the plan's latest updates (one, and one for their files when there are any), and
# on the measure page its milestones, updates with files, and their two change-log tables.
# Issue 20: the measure's history has its reports from links (one query). Issue 23: the
# public's questions and answers the secretariat published (one).
# Without group measures: a plan with one asks five more (tests/test_group_reporting.py).
HOT = {
    "plan": 9,
    "plan (member)": 13,
    "dashboard, filtered": 11,
    "measure (member)": 13,  # its change log is fetched apart: "measure log"
    "API measures": 6,
}


class QueryCountTests(BaseTestCase):
    round: ReportingRound
    token: str
    indicator: Indicator
    grown: int
    latest_closed: ReportingRound

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.actor.email = "post@testdal.no"
        cls.actor.save()
        started = record_status(measure=cls.measure, status=Status.STARTED, user=cls.owner)
        first = open_round(
            plan=cls.plan,
            title="Haust",
            deadline=datetime.date(2099, 1, 1),
            user=cls.owner,
            base_url=BASE_URL,
        )
        close_round(round=first.round, user=cls.owner)
        opened = open_round(
            plan=cls.plan,
            title="Vår",
            deadline=datetime.date(2099, 6, 1),
            user=cls.owner,
            base_url=BASE_URL,
        )
        cls.round = opened.round
        [cls.token] = [link.token for link in opened.links if link.actor == cls.actor]
        record_round_status(
            round=cls.round,
            measure=cls.measure,
            status=Status.DONE,
            actor=cls.actor,
            expected_previous=started.pk,
        )
        cls.indicator = Indicator.objects.create(plan=cls.plan, name="Arbeidsplassar", unit="")
        cls.indicator.goals.add(cls.measure.goal)  # type: ignore[arg-type]
        archived_case(cls.plan, cls.owner, "1-25")
        cls.grown = 0
        mail.outbox.clear()

    def grow(self, n: int) -> None:
        """n more of everything the pages list."""
        area: FocusArea = self.measure.focus_area
        for i in range(self.grown, self.grown + n):
            region = Region.objects.create(slug=f"region-{i}", name=f"Region {i}")
            Plan.objects.create(
                region=region, slug="plan", kind=Plan.Kind.PROGRAMME, title="Plan", published=True
            )
            Plan.objects.create(
                region=self.region,
                slug=f"program-{i}",
                kind=Plan.Kind.PROGRAMME,
                title=f"Program {i}",
                published=True,
            )
            actor = Actor.objects.create(region=self.region, name=f"Aktør {i}", short_name=f"A{i}")
            area = FocusArea.objects.create(plan=self.plan, code=f"{i + 2}", name=f"Område {i}")
            goal = Goal.objects.create(
                plan=self.plan, focus_area=area, code=f"{i + 2}.1", text="Mål"
            )
            for j in range(3):
                measure = Measure.objects.create(
                    focus_area=area,
                    goal=goal,
                    code=f"{i + 2}.1.{j + 1}",
                    text=f"Tiltak {i}.{j}",
                    end_year=2020 + j,
                    order=j,
                )
                MeasureActor.objects.create(
                    measure=measure, actor=self.actor, role=MeasureActor.Role.RESPONSIBLE
                )
                MeasureActor.objects.create(
                    measure=measure, actor=actor, role=MeasureActor.Role.INVOLVED, position=1
                )
                # One missed, one ahead: every list that judges lateness reads them.
                Milestone.objects.create(
                    measure=measure, text="Forprosjekt", due_on=datetime.date(2021, 1, 1)
                )
                Milestone.objects.create(
                    measure=measure, text="Ferdig", due_on=datetime.date(2099, 1, 1)
                )
                update = record_status(measure=measure, status=Status.NOT_STARTED, user=self.owner)
                record_round_status(
                    round=self.round,
                    measure=measure,
                    status=Status.STARTED,
                    actor=self.actor,
                    expected_previous=update.pk,
                )
            record_status(measure=self.measure, status=Status.STARTED, comment=f"{i}")
            update_measure(
                measure=self.measure,
                text=f"Tiltaket, utgåve {i}",
                timing_text="2025",
                note="",
                user=self.owner,
            )
            # An older closed round holding every measure, each with another status than in
            # the round before it: the plan page at a round lists them and their changes.
            closed = ReportingRound.objects.create(
                plan=self.plan,
                title=f"Gamal runde {i}",
                deadline=datetime.date(2020, 1, 1),
                state=ReportingRound.State.CLOSED,
                closed_at=datetime.datetime(2020, 2, 1, tzinfo=datetime.UTC)
                + datetime.timedelta(days=i),
            )
            RoundSnapshot.objects.bulk_create(
                # By the measure's key, not its place in the list: places shift as measures
                # are added, and PostgreSQL may break ties in the order differently.
                RoundSnapshot(
                    round=closed, measure=m, status=[Status.STARTED, Status.DONE][(i + m.pk) % 2]
                )
                for m in self.plan.measures()
            )
            self.latest_closed = closed
            indicator = Indicator.objects.create(plan=self.plan, name=f"Indikator {i}", unit="%")
            indicator.goals.add(self.measure.goal)  # type: ignore[arg-type]
            IndicatorTarget.objects.create(indicator=indicator, year=2030, value=Decimal(50))
            record_values(
                indicator=indicator,
                rows=[ValueRow(None, str(2020 + k), Decimal(k)) for k in range(3)],
                user=self.owner,
                via="web",
            )
            PlanImport.objects.create(
                region=self.region,
                filename=f"plan-{i}.txt",
                file_format="text",
                file_size=10,
                parsed={"areas": []},
                created_by=self.owner,
            )
            archived_case(self.plan, self.owner, f"{i + 2}-25")
        self.grown += n

    def pages(self) -> dict[str, tuple[str, bool]]:
        """Name → (URL, as the region's secretariat member or anonymously)."""
        plan = ["testdal", "regionplan"]
        api = "/api/v1/regions/testdal/plans/regionplan"
        return {
            "index": (reverse("index"), False),
            "region": (reverse("region", args=["testdal"]), False),
            "region (member)": (reverse("region", args=["testdal"]), True),
            "region log": (reverse("region_log", args=["testdal"]), True),
            "actor list": (reverse("actor_list", args=["testdal"]), True),
            "plan": (reverse("plan", args=plan), False),
            "plan (member)": (reverse("plan", args=plan), True),
            "plan at a round": (
                reverse("plan", args=plan) + f"?runde={self.latest_closed.pk}",
                True,
            ),
            "dashboard": (reverse("dashboard", args=plan), False),
            "dashboard, filtered": (
                reverse("dashboard", args=plan)
                + f"?status=started&ansvar={self.actor.pk}&q=tiltak",
                True,
            ),
            "actor matrix": (reverse("actor_matrix", args=plan), False),
            "actor's measures": (reverse("plan_actor", args=[*plan, self.actor.pk]), False),
            "measure": (reverse("measure", args=[*plan, self.measure.pk]), False),
            "measure (member)": (reverse("measure", args=[*plan, self.measure.pk]), True),
            "measure log": (reverse("measure_log", args=[*plan, self.measure.pk]), True),
            "rounds": (reverse("round_list", args=plan), True),
            "round": (reverse("round", args=[*plan, self.round.pk]), True),
            "actor's round page": (reverse("actor_link", args=[self.token]), False),
            "indicators": (reverse("indicator_list", args=plan), False),
            "goal": (reverse("goal", args=[*plan, self.measure.goal_id]), False),
            "imports": (reverse("import_upload", args=["testdal"]), True),
            "cases": (reverse("case_page", args=plan), True),
            "data.csv": (reverse("plan_data", args=[*plan, "csv"]), False),
            "data.xlsx (member)": (reverse("plan_data", args=[*plan, "xlsx"]), True),
            "data.json": (reverse("plan_data", args=[*plan, "json"]), False),
            "API regions": ("/api/v1/regions", False),
            "API plans": ("/api/v1/regions/testdal/plans", False),
            "API focus areas": (f"{api}/focus-areas", False),
            "API goals": (f"{api}/goals", False),
            "API measures": (f"{api}/measures", False),
            "API measures by status": (f"{api}/measures?status=started", False),
            "API history": (f"{api}/measures/{self.measure.pk}/history", False),
        }

    def counts(self, expected: dict[str, int] | None = None) -> dict[str, int]:
        """Per page: the queries it makes (nothing of ours is cached). With `expected`, each
        page must make exactly those (assertNumQueries lists the queries if not)."""
        result = {}
        for name, (url, member) in self.pages().items():
            self.client.logout()
            if member:
                self.client.force_login(self.owner)
            if url.startswith("/r/"):  # a personal link: opened once, then its token-free page
                url = self.client.get(url)["Location"]
            self.client.get(url)  # warm caches that are not ours (content types, sessions)
            with CaptureQueriesContext(connection) as queries:
                if expected is None:
                    response = self.client.get(url)
                else:
                    with self.subTest(page=name), self.assertNumQueries(expected[name]):
                        response = self.client.get(url)
            self.assertEqual(response.status_code, 200, f"{name}: {url}")
            result[name] = len(queries)
        return result

    def test_every_list_page_costs_the_same_at_two_sizes(self) -> None:
        self.grow(2)  # two, so that the plan at a round has a round before it to compare with
        small = self.counts()
        self.grow(4)
        self.counts(expected=small)
        # The larger size did show more rows (here: the plan at a round, with its changes).
        self.client.force_login(self.owner)
        page = self.client.get(self.pages()["plan at a round"][0]).content.decode()
        self.assertEqual(page.count('data-testid="measure-row"'), 19)
        self.assertGreater(page.count('data-testid="change"'), 10)

    def test_the_benchmarked_pages_make_one_query_per_kind_of_row(self) -> None:
        """The pages bench/run.py times, at exact counts (issue 19): the measures with their
        latest status in one query, their actor links in one and the links' actors in one,
        whatever the size. A new query on these pages is a decision, not an accident."""
        self.grow(3)
        expected = {
            "plan": HOT["plan"],
            "plan (member)": HOT["plan (member)"],
            "dashboard, filtered": HOT["dashboard, filtered"],
            "measure (member)": HOT["measure (member)"],
            "API measures": HOT["API measures"],
        }
        pages = self.pages()
        for name, count in expected.items():
            url, member = pages[name]
            self.client.logout()
            if member:
                self.client.force_login(self.owner)
            self.client.get(url)
            with self.subTest(page=name), self.assertNumQueries(count):
                self.assertEqual(self.client.get(url).status_code, 200)
