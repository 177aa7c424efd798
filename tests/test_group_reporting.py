"""Group measures (issue 20): each member of «Kommunane» reports its own status from its own
link, the measure's status rolls up by the stated rule, and the secretariat may set it by hand."""

from __future__ import annotations

import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planstatus.api.services import issue_api_token
from planstatus.cases.services import build_case_content, render_html
from planstatus.lib.reports.content import BodyComment
from planstatus.lib.status import Status, roll_up
from planstatus.plans.actions.status import StatusConflict, record_status, roll_up_status
from planstatus.plans.groups import group_reporting
from planstatus.plans.models import Measure, StatusUpdate
from planstatus.regions.models import Actor, Municipality
from planstatus.regions.services import ensure_municipality_actors, set_actor_group
from planstatus.reporting.actions.reports import record_round_status
from planstatus.reporting.actions.rounds import OpenedRound, close_round, issue_round_link
from planstatus.reporting.errors import Refusal, RoundError
from planstatus.reporting.models import ReportingRound
from planstatus.reporting.progress import ReportState, round_progress
from planstatus.reporting.reads import actor_work
from tests.cases import DETAILS
from tests.html import by_testid, find, parse, row, text
from tests.test_rounds import BASE_URL, RoundTestCase

S = Status


class RollUpRuleTests(RoundTestCase):
    """The rule as the issue states it, one line each, with a member that has not reported
    counting as not reported."""

    def test_the_rule(self) -> None:
        cases: list[tuple[list[Status | None], Status]] = [
            ([None, None, None], S.UNKNOWN),
            ([S.UNKNOWN, None], S.UNKNOWN),
            ([S.DONE, S.DONE], S.DONE),
            ([S.DONE, None], S.STARTED),
            ([S.CANCELLED, S.CANCELLED], S.CANCELLED),
            ([S.CANCELLED, None], S.NOT_STARTED),
            ([S.NOT_STARTED, None, None], S.NOT_STARTED),
            ([S.NOT_STARTED, S.CANCELLED], S.NOT_STARTED),
            ([S.NOT_STARTED, S.STARTED], S.STARTED),
            ([S.DONE, S.CANCELLED], S.STARTED),
            ([S.DONE, S.NOT_STARTED, S.NOT_STARTED], S.STARTED),
        ]
        for members, expected in cases:
            with self.subTest(members=members):
                self.assertEqual(roll_up(members), expected)


class GroupSetup(RoundTestCase):
    opened: OpenedRound

    def setUp(self) -> None:
        super().setUp()
        for number, name in [("9901", "Aust"), ("9902", "Vest"), ("9903", "Nord")]:
            Municipality.objects.create(region=self.region, name=name, number=number)
        self.members = ensure_municipality_actors(region=self.region)
        self.aust, self.vest, self.nord = self.members
        for member in self.members:
            member.email = f"post@{member.name.split()[0].lower()}.kommune.no"
            member.save()
        self.group = Actor.objects.create(region=self.region, name="Kommunane i Testdal")
        set_actor_group(actor=self.group, is_group=True, members=self.members)
        area = self.measure.focus_area
        self.shared = self.add_measure(area, "1.1.4", "Felles tiltak for kommunane", self.group)

    def report(self, member: Actor, status: Status, **kwargs: object) -> StatusUpdate:
        links = self.opened.links
        link = next(entry.link for entry in links if entry.actor == member)
        expected = StatusUpdate.objects.latest_of(self.shared, member)
        options: dict = {
            "round": self.opened.round,
            "measure": self.shared,
            "status": status,
            "link": link,
            "expected_previous": expected.pk if expected else None,
        }
        options.update(kwargs)
        update = record_round_status(**options)
        assert isinstance(update, StatusUpdate)  # the plan's reports need no approval
        return update


class MemberReportingTests(GroupSetup):
    def setUp(self) -> None:
        super().setUp()
        self.opened = self.open()

    def test_each_member_gets_its_own_link_and_the_group_none(self) -> None:
        actors = {entry.actor for entry in self.opened.links}
        self.assertTrue(set(self.members) <= actors)
        self.assertNotIn(self.group, actors)
        work = actor_work(actor=self.vest, plan=self.plan, round=self.opened.round)
        self.assertEqual([r.measure for r in work.responsible], [self.shared])

    def test_the_secretariat_hands_a_member_a_new_link_but_not_the_group(self) -> None:
        link, url = issue_round_link(
            round=self.opened.round, actor=self.vest, user=self.owner, base_url=BASE_URL
        )
        self.assertEqual((link.actor, link.round), (self.vest, self.opened.round))
        self.assertTrue(url.startswith(BASE_URL + "/r/"))
        with self.refused(Refusal.NOT_RESPONSIBLE_IN_PLAN, "Kommunane i Testdal"):
            issue_round_link(
                round=self.opened.round, actor=self.group, user=self.owner, base_url=BASE_URL
            )

    def test_two_members_report_differently_and_the_measure_is_started(self) -> None:
        self.report(self.aust, S.DONE, comment="Ferdig hjå oss.", comment_is_public=True)
        self.report(self.vest, S.NOT_STARTED)
        self.assertEqual(Measure.objects.get(pk=self.shared.pk).current_status, S.STARTED)
        group = group_reporting([self.shared.pk])[self.shared.pk]
        self.assertEqual((group.reported_count, group.total), (2, 3))
        self.assertEqual(
            [(row.member, row.status) for row in group.members],
            [(self.aust, S.DONE), (self.vest, S.NOT_STARTED), (self.nord, S.UNKNOWN)],
        )
        # The roll-up is an update of its own, so the history says when the measure moved.
        overall = StatusUpdate.objects.latest_of(self.shared)
        assert overall is not None
        self.assertEqual(overall.source, StatusUpdate.Source.ROLLUP)

    def test_all_done_is_done_and_a_late_member_moves_it_back(self) -> None:
        for member in self.members:
            self.report(member, S.DONE)
        self.assertEqual(self.shared.current_status, S.DONE)
        self.report(self.nord, S.STARTED)
        self.assertEqual(Measure.objects.get(pk=self.shared.pk).current_status, S.STARTED)

    def test_a_member_conflicts_only_with_its_own_reports(self) -> None:
        first = self.report(self.aust, S.STARTED)
        # Vest's save does not conflict with Aust's: each member has its own status.
        self.report(self.vest, S.STARTED)
        with self.assertRaises(StatusConflict) as caught:
            self.report(self.aust, S.DONE, expected_previous=None)
        self.assertEqual(caught.exception.latest, first)
        self.assertEqual(StatusUpdate.objects.filter(member=self.aust).count(), 1)

    def test_progress_counts_members_not_the_group(self) -> None:
        self.report(self.aust, S.STARTED)
        progress = {p.actor: p for p in round_progress(self.opened.round).actors}
        self.assertNotIn(self.group, progress)
        self.assertEqual(progress[self.aust].state, ReportState.ALL)
        self.assertEqual(progress[self.vest].state, ReportState.NONE)
        self.assertEqual(progress[self.nord].state, ReportState.NONE)

    def test_a_body_outside_the_group_is_refused(self) -> None:
        outsider_link = next(e.link for e in self.opened.links if e.actor == self.municipality)
        with self.assertRaises(RoundError) as caught:
            self.report(self.aust, S.DONE, link=outsider_link)
        self.assertEqual(caught.exception.code, Refusal.NOT_RESPONSIBLE)
        self.assertFalse(StatusUpdate.objects.filter(measure=self.shared).exists())

    def test_set_by_hand_holds_until_the_rule_decides_again(self) -> None:
        self.client.force_login(self.owner)
        url = reverse("measure_status", args=["testdal", "regionplan", self.shared.pk])
        # A reason is required.
        response = self.client.post(url, {"status": "done", "expected_previous": ""})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(StatusUpdate.objects.filter(measure=self.shared).exists())
        response = self.client.post(
            url,
            {"status": "done", "comment": "Vedteke i alle kommunestyra.", "expected_previous": ""},
        )
        self.assertEqual(response.status_code, 302)
        self.report(self.aust, S.NOT_STARTED)
        self.assertEqual(Measure.objects.get(pk=self.shared.pk).current_status, S.DONE)
        page = parse(self.client.get(self.shared.get_absolute_url()))
        by_testid(page, "set-by-hand")

        self.client.post(
            reverse("measure_follow_rule", args=["testdal", "regionplan", self.shared.pk])
        )
        self.assertEqual(Measure.objects.get(pk=self.shared.pk).current_status, S.NOT_STARTED)
        self.assertIsNone(roll_up_status(measure=self.shared))
        page = parse(self.client.get(self.shared.get_absolute_url()))
        self.assertEqual(page.xpath('//*[@data-testid="set-by-hand"]'), [])


class MemberMatrixPageTests(GroupSetup):
    def setUp(self) -> None:
        super().setUp()
        self.opened = self.open()
        self.report(self.aust, S.DONE, comment="Ope for alle.", comment_is_public=True)
        self.report(self.vest, S.STARTED, comment="Berre internt.")

    def matrix(self, response: object) -> dict[str, tuple[str, str]]:
        matrix = by_testid(parse(response), "member-matrix")
        return {
            row.get("data-member"): (row.get("data-status"), text(find(row, "td[2]")))
            for row in matrix.xpath(".//tbody/tr")
        }

    def test_public_page_shows_each_member_and_only_public_comments(self) -> None:
        response = self.client.get(self.shared.get_absolute_url())
        self.assertEqual(
            self.matrix(response),
            {
                "Aust kommune": ("done", "Ope for alle."),
                "Vest kommune": ("started", ""),
                "Nord kommune": ("unknown", ""),
            },
        )
        self.assertEqual(
            text(by_testid(parse(response), "members-reported")), "2 av 3 har rapportert"
        )

    def test_the_dashboard_says_how_many_members_have_reported(self) -> None:
        response = self.client.get(reverse("dashboard", args=["testdal", "regionplan"]))
        page = parse(response)
        cell = find(row(page, "1.1.4"), './/*[@data-testid="members-reported"]')
        self.assertEqual(text(cell), "2 av 3 har rapportert")
        self.assertEqual(row(page, "1.1.1").xpath('.//*[@data-testid="members-reported"]'), [])

    def test_the_secretariat_sees_internal_comments(self) -> None:
        self.client.force_login(self.owner)
        matrix = self.matrix(self.client.get(self.shared.get_absolute_url()))
        self.assertEqual(matrix["Vest kommune"], ("started", "Berre internt. (intern)"))

    def test_a_link_page_shows_the_members_own_status_and_the_matrix(self) -> None:
        link = next(e for e in self.opened.links if e.actor == self.vest)
        response = self.client.get(reverse("actor_link", args=[link.token]), follow=True)
        item = find(parse(response), '//article[@data-code="1.1.4"]')
        self.assertIn("starta", text(find(item, './/*[@data-testid="own-status"]')))
        matrix = self.matrix(response)
        # Its own internal comment, and no other member's internal one.
        self.assertEqual(matrix["Vest kommune"], ("started", "Berre internt."))
        self.assertEqual(matrix["Aust kommune"], ("done", "Ope for alle."))

    def test_more_group_measures_ask_no_more_queries(self) -> None:
        """A page asks a fixed number of queries for its group measures however many there
        are; a plan without any asks none (tests/test_query_counts.py)."""
        plan = ["testdal", "regionplan"]
        urls = [
            reverse("dashboard", args=plan),
            "/api/v1/regions/testdal/plans/regionplan/measures",
            reverse("plan_data", args=[*plan, "json"]),
        ]

        def counts() -> list[int]:
            result = []
            for url in urls:
                with CaptureQueriesContext(connection) as queries:
                    self.assertEqual(self.client.get(url).status_code, 200)
                result.append(len(queries))
            return result

        before = counts()
        for number in (5, 6):
            self.add_measure(self.shared.focus_area, f"1.1.{number}", "Endå eitt", self.group)
        self.assertEqual(counts(), before)
        page = parse(self.client.get(urls[0]))
        self.assertEqual(len(page.xpath('//*[@data-testid="members-reported"]')), 3)


class MembersInDataTests(GroupSetup):
    """The API and the open-data files carry each member's own status; internal comments only
    to those who may read them."""

    def setUp(self) -> None:
        super().setUp()
        self.opened = self.open()
        self.report(self.aust, S.DONE, comment="Ope for alle.", comment_is_public=True)
        self.report(self.vest, S.STARTED, comment="Berre internt.")

    def api_measure(self, token: str = "") -> dict:
        url = f"/api/v1/regions/testdal/plans/regionplan/measures/{self.shared.pk}"
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self.client.get(url, headers=headers)
        self.assertEqual(response.status_code, 200)
        return response.json()

    def test_the_api_gives_each_members_status(self) -> None:
        data = self.api_measure()
        self.assertEqual(data["status"]["code"], "started")
        self.assertEqual(
            [(m["name"], m["status"]["code"], m["comment"]) for m in data["members"]],
            [
                ("Aust kommune", "done", "Ope for alle."),
                ("Vest kommune", "started", ""),
                ("Nord kommune", "unknown", ""),
            ],
        )
        self.assertIsNone(data["members"][2]["reported_at"])
        token = issue_api_token(user=self.colleague, name="test")[1]
        self.assertEqual(self.api_measure(token)["members"][1]["comment"], "Berre internt.")

    def test_the_api_list_and_history_name_the_member(self) -> None:
        base = "/api/v1/regions/testdal/plans/regionplan/measures"
        items = self.client.get(base).json()["items"]
        shared = next(m for m in items if m["id"] == self.shared.pk)
        self.assertEqual(len(shared["members"]), 3)
        other = next(m for m in items if m["id"] == self.measure.pk)
        self.assertEqual(other["members"], [])
        history = self.client.get(f"{base}/{self.shared.pk}/history").json()["items"]
        self.assertEqual(
            [(h["member"], h["source"]) for h in history],
            # Aust's «done» made the measure started; Vest's «started» left it there.
            [("Vest kommune", "web"), (None, "rollup"), ("Aust kommune", "web")],
        )

    def test_the_csv_file_has_the_members_statuses(self) -> None:
        response = self.client.get(reverse("plan_data", args=["testdal", "regionplan", "csv"]))
        text = response.content.decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
        shared = next(r for r in rows if r["Kode"] == "1.1.4")
        self.assertEqual(shared["Medlemer som har rapportert"], "2 av 3")
        self.assertEqual(
            shared["Status per medlem"],
            "Aust kommune: gjennomført; Vest kommune: påstarta; Nord kommune: ikkje vurdert",
        )
        self.assertEqual(shared["Status"], "påstarta")


class MembersInTheCaseTests(GroupSetup):
    """The case shows a group measure's status per member, with public comments only, and at
    a closed round as the members' reports stood at closing."""

    def setUp(self) -> None:
        super().setUp()
        self.opened = self.open()
        self.report(self.aust, S.DONE, comment="Vedteke  i kommunestyret.", comment_is_public=True)
        self.report(self.vest, S.STARTED, comment="Internt notat.")

    def shown(self, round: ReportingRound | None = None) -> BodyComment:
        content = build_case_content(plan=self.plan, round=round, details=DETAILS)
        rows = [row for area in content.areas for row in area.rows if row.code == "1.1.4"]
        [row] = rows
        assert row.comment is not None
        return row.comment

    def test_each_member_with_its_status_in_words(self) -> None:
        comment = self.shown()
        self.assertEqual(
            comment.text.splitlines(),
            [
                "2 av 3 har rapportert.",
                "gjennomført: Aust kommune",
                "påstarta: Vest kommune",
                "ikkje rapportert: Nord kommune",
                "Aust kommune: Vedteke i kommunestyret.",
            ],
        )
        self.assertNotIn("Internt", comment.credit + comment.text)
        html = render_html(build_case_content(plan=self.plan, round=None, details=DETAILS))
        self.assertIn("ikkje rapportert: Nord kommune", html)

    def test_a_closed_round_shows_the_members_as_they_stood_at_closing(self) -> None:
        close_round(round=self.opened.round, user=self.owner)
        record_status(measure=self.shared, status=S.DONE, member=self.nord)
        self.assertIn("ikkje rapportert: Nord kommune", self.shown(self.opened.round).text)
        self.assertIn("gjennomført: Aust kommune, Nord kommune", self.shown().text)
