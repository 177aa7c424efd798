"""«Mitt arbeid» (issue 21): where a member lands after logging in. For each of their regions
and plans: the open round with its progress and deadline, who has not reported (with the
remind button), reports awaiting approval, late measures, measures to check (bodies that
disagree, a roll-up set by hand), the last case sent, and the next step."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from lxml.html import HtmlElement  # type: ignore[import-untyped]

from planstatus.lib.status import Status
from planstatus.plans.actions.milestones import add_milestone
from planstatus.plans.actions.status import record_status
from planstatus.plans.models import Measure, MeasureActor, Plan, StatusUpdate
from planstatus.regions.models import Actor
from planstatus.regions.services import set_actor_group
from planstatus.reporting.actions.reports import record_round_status
from planstatus.reporting.actions.rounds import close_round
from planstatus.reporting.models import Submission
from tests.cases import archived_case
from tests.html import parse, text
from tests.test_rounds import RoundTestCase

URL = reverse("my_work")


def within(element: HtmlElement, testid: str) -> HtmlElement:
    """The one element with the test id inside `element` (by_testid searches the page)."""
    [found] = element.xpath(f'.//*[@data-testid="{testid}"]')
    return found


class MyWorkSetup(RoundTestCase):
    def page(self, user: User | None = None) -> HtmlElement:
        self.client.force_login(user or self.owner)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        return parse(response)

    def plan_card(self, doc: HtmlElement, slug: str = "regionplan") -> HtmlElement:
        [card] = doc.xpath(f'//*[@data-testid="work-plan"][@data-plan="{slug}"]')
        return card

    def step(self, slug: str = "regionplan") -> str | None:
        steps = self.plan_card(self.page(), slug).xpath('.//*[@data-testid="next-step"]')
        return steps[0].get("data-step") if steps else None


class AccessTests(MyWorkSetup):
    def test_logging_in_lands_on_my_work(self) -> None:
        response = self.client.post(
            reverse("login"), {"username": "owner", "password": "owner-pass-123"}
        )
        self.assertRedirects(response, URL, fetch_redirect_response=False)

    def test_anonymous_is_sent_to_log_in(self) -> None:
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("login")))

    def test_someone_in_no_region_goes_on_to_the_front_page(self) -> None:
        nobody = User.objects.create_user("nobody", password="nobody-pass-123")
        self.client.force_login(nobody)
        self.assertRedirects(self.client.get(URL), reverse("index"))

    def test_a_member_of_another_region_sees_nothing_of_this_one(self) -> None:
        doc = self.page(self.outsider)
        regions = [s.get("data-region") for s in doc.xpath('//*[@data-testid="work-region"]')]
        self.assertEqual(regions, ["annandal"])
        self.assertNotIn("Testdal", text(doc))

    def test_a_reader_sees_the_work_but_no_buttons(self) -> None:
        self.open()
        doc = self.page(self.colleague)
        card = self.plan_card(doc)
        self.assertEqual(card.xpath('.//*[@data-testid="next-step"]'), [])
        self.assertEqual(card.xpath(".//form"), [])
        self.assertIn("0 av 3 tiltak rapportert", text(within(card, "work-progress")))


class BlockTests(MyWorkSetup):
    def test_the_open_round_its_progress_deadline_and_who_is_behind(self) -> None:
        opened = self.open()
        record_round_status(
            round=opened.round,
            measure=self.measure,
            status=Status.STARTED,
            link=self.link_of(opened, self.actor),
            expected_previous=None,
        )
        card = self.plan_card(self.page())
        self.assertIn("1 av 3 tiltak rapportert", text(within(card, "work-progress")))
        self.assertIn("10 dagar att", text(within(card, "work-deadline")))
        behind = text(within(card, "work-behind"))
        self.assertIn("Testdal kommune", behind)
        self.assertIn("utan e-postadresse", behind)
        self.assertIn("Testdal regionråd", behind)  # 1 of its 2 reported

    def test_the_remind_button_posts_to_the_round(self) -> None:
        opened = self.open(deadline=timezone.localdate() + datetime.timedelta(days=3))
        card = self.plan_card(self.page())
        [form] = within(card, "next-step").xpath(".//form")
        self.assertEqual(
            form.get("action"),
            reverse("round_remind", args=["testdal", "regionplan", opened.round.pk]),
        )
        self.assertEqual(within(card, "next-step").get("data-step"), "remind")

    def test_reports_awaiting_approval(self) -> None:
        Plan.objects.filter(pk=self.plan.pk).update(reports_need_approval=True)
        opened = self.open()
        record_round_status(
            round=opened.round,
            measure=self.measure,
            status=Status.DONE,
            link=self.link_of(opened, self.actor),
            expected_previous=None,
        )
        card = self.plan_card(self.page())
        pending = text(within(card, "work-pending"))
        self.assertIn("1.1.1", pending)
        self.assertIn("gjennomført", pending)
        self.assertEqual(within(card, "next-step").get("data-step"), "approve")
        self.assertIn("1 rapport", text(within(card, "next-step")))

    def test_late_measures(self) -> None:
        record_status(measure=self.measure, status=Status.STARTED)
        add_milestone(
            measure=self.measure,
            text="Forprosjekt",
            due_on=timezone.localdate() - datetime.timedelta(days=5),
            user=None,
        )
        overdue = text(within(self.plan_card(self.page()), "work-overdue"))
        self.assertIn("1.1.1", overdue)
        self.assertIn("påstarta", overdue)

    def test_bodies_that_disagree_and_a_roll_up_set_by_hand(self) -> None:
        # Two bodies responsible for one measure say different things in the round.
        MeasureActor.objects.create(
            measure=self.measure, actor=self.municipality, role=MeasureActor.Role.RESPONSIBLE
        )
        opened = self.open()
        first = record_round_status(
            round=opened.round,
            measure=self.measure,
            status=Status.STARTED,
            link=self.link_of(opened, self.actor),
            expected_previous=None,
        )
        assert isinstance(first, StatusUpdate)
        record_round_status(
            round=opened.round,
            measure=self.measure,
            status=Status.DONE,
            link=self.link_of(opened, self.municipality),
            expected_previous=first.pk,
        )
        # A group measure whose overall status the secretariat set by hand.
        group = Actor.objects.create(region=self.region, name="Kommunane")
        set_actor_group(actor=group, is_group=True, members=[self.municipality])
        shared = self.add_measure(self.measure.focus_area, "1.1.5", "Felles", group)
        record_status(measure=shared, status=Status.STARTED, user=self.owner)
        card = self.plan_card(self.page())
        self.assertIn("1.1.1", text(within(card, "work-disagreement")))
        self.assertIn("1.1.5", text(within(card, "work-set-by-hand")))

    def test_agreeing_bodies_are_no_disagreement(self) -> None:
        MeasureActor.objects.create(
            measure=self.measure, actor=self.municipality, role=MeasureActor.Role.RESPONSIBLE
        )
        opened = self.open()
        first = record_round_status(
            round=opened.round,
            measure=self.measure,
            status=Status.STARTED,
            link=self.link_of(opened, self.actor),
            expected_previous=None,
        )
        assert isinstance(first, StatusUpdate)
        record_round_status(
            round=opened.round,
            measure=self.measure,
            status=Status.STARTED,
            link=self.link_of(opened, self.municipality),
            expected_previous=first.pk,
        )
        card = self.plan_card(self.page())
        self.assertEqual(card.xpath('.//*[@data-testid="work-disagreement"]'), [])

    def test_the_last_case_sent(self) -> None:
        archived_case(self.plan, self.owner, "7-26")
        self.assertIn("Sak 7-26", text(within(self.plan_card(self.page()), "work-case")))


class NextStepTests(MyWorkSetup):
    def test_open_a_round_when_none_is_open(self) -> None:
        self.assertEqual(self.step(), "open_round")

    def test_publish_a_draft(self) -> None:
        self.assertEqual(self.step("utkast"), "publish")

    def test_follow_a_round_far_from_its_deadline(self) -> None:
        self.open()
        self.assertEqual(self.step(), "follow_round")

    def test_close_when_everyone_has_reported(self) -> None:
        opened = self.open()
        latest = None
        for measure in (self.measure, self.second):
            update = record_round_status(
                round=opened.round,
                measure=measure,
                status=Status.STARTED,
                link=self.link_of(opened, self.actor),
                expected_previous=latest,
            )
            assert isinstance(update, StatusUpdate)
        record_round_status(
            round=opened.round,
            measure=self.third,
            status=Status.STARTED,
            link=self.link_of(opened, self.municipality),
            expected_previous=None,
        )
        self.assertEqual(self.step(), "close")

    def test_make_the_case_after_a_round_closed(self) -> None:
        opened = self.open()
        close_round(round=opened.round, user=self.owner)
        self.assertEqual(self.step(), "make_case")
        archived_case(self.plan, self.owner, "8-26")
        self.assertEqual(self.step(), "open_round")

    def test_approving_comes_first(self) -> None:
        Plan.objects.filter(pk=self.plan.pk).update(reports_need_approval=True)
        opened = self.open()
        record_round_status(
            round=opened.round,
            measure=self.measure,
            status=Status.DONE,
            link=self.link_of(opened, self.actor),
            expected_previous=None,
        )
        self.assertEqual(Submission.objects.count(), 1)
        self.assertEqual(self.step(), "approve")


class QueryCountTests(MyWorkSetup):
    def queries(self) -> int:
        self.client.force_login(self.owner)
        with CaptureQueriesContext(connection) as captured:
            self.assertEqual(self.client.get(URL).status_code, 200)
        return len(captured)

    def test_a_constant_number_per_plan_whatever_its_size(self) -> None:
        self.open()
        two_plans = self.queries()
        for n in range(20):
            self.add_measure(self.measure.focus_area, f"1.2.{n + 1}", f"Tiltak {n}", self.actor)
        self.assertEqual(self.queries(), two_plans)
        Plan.objects.create(region=self.region, slug="tredje", title="Tredje", kind="programme")
        three_plans = self.queries()
        Plan.objects.create(region=self.region, slug="fjerde", title="Fjerde", kind="programme")
        self.assertEqual(self.queries() - three_plans, three_plans - two_plans - 0)
        self.assertLess(three_plans - two_plans, 20)

    def test_measures_of_other_plans_are_not_listed(self) -> None:
        other = Measure.objects.filter(focus_area__plan=self.draft).first()
        assert other is not None
        record_status(measure=other, status=Status.STARTED)
        self.assertEqual(len(self.page().xpath('//*[@data-testid="work-plan"]')), 2)
