"""A body's link page on a phone (issue 21): a summary «N av M rapportert» with a jump to
the next measure missing, one compact card per measure that opens to its form, and the
summary following each save (htmx out of band; a reload without JavaScript counts afresh)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from lxml.html import HtmlElement  # type: ignore[import-untyped]

from planstatus.lib.status import Status
from planstatus.plans.actions.status import record_status
from planstatus.plans.models import Measure, Plan, StatusUpdate
from planstatus.reporting.actions.reports import record_round_status, return_submissions
from planstatus.reporting.models import ReportingLink, Submission
from tests.html import find, parse, text
from tests.test_group_reporting import GroupSetup
from tests.test_rounds import RoundTestCase

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def card(doc: HtmlElement, code: str) -> HtmlElement:
    return find(doc, f'//article[@data-testid="report-item"][@data-code="{code}"]')


def within(element: HtmlElement, testid: str) -> HtmlElement:
    """The one element with that test id inside `element` (by_testid: the document)."""
    return find(element, f'.//*[@data-testid="{testid}"]')


def is_open(article: HtmlElement) -> bool:
    return find(article, "./details").get("open") is not None


class LinkPageSetup(RoundTestCase):
    def setUp(self) -> None:
        super().setUp()
        record_status(measure=self.measure, status=Status.STARTED, comment="I gang.")
        self.opened = self.open()
        self.link = self.redeem(self.actor)

    def redeem(self, actor: Any) -> ReportingLink:
        entry = next(e for e in self.opened.links if e.actor == actor)
        self.client.get(reverse("actor_link", args=[entry.token]))
        self.page = reverse("actor_page", args=[entry.link.pk])
        return entry.link

    def save(self, measure: Measure, status: str, **extra: Any) -> Any:
        latest = StatusUpdate.objects.latest_of(measure)
        prefix = f"m{measure.pk}-"
        data = {
            prefix + "status": status,
            prefix + "comment": "Rapport.",
            prefix + "evidence_url": "",
            prefix + "expected_previous": str(latest.pk) if latest else "",
        }
        return self.client.post(
            reverse("actor_report", args=[self.link.pk, measure.pk]), data, **extra
        )

    def summary(self, doc: HtmlElement) -> HtmlElement:
        return find(doc, '//*[@id="actor-summary"]')


class LinkPageTests(LinkPageSetup):
    def test_summary_counts_and_jumps_to_the_first_missing(self) -> None:
        doc = parse(self.client.get(self.page))
        summary = self.summary(doc)
        self.assertEqual(text(within(summary, "actor-progress")), "0 av 2 rapportert")
        jump = within(summary, "next-missing")
        self.assertEqual(jump.get("href"), f"#tiltak-{self.measure.pk}")
        self.assertIn("Neste som manglar", text(jump))
        # The summary comes before the cards.
        self.assertLess(doc.xpath("//*").index(summary), doc.xpath("//*").index(card(doc, "1.1.1")))

    def test_each_measure_is_a_card_and_only_the_first_missing_is_open(self) -> None:
        doc = parse(self.client.get(self.page))
        first, second = card(doc, "1.1.1"), card(doc, "1.1.2")
        self.assertTrue(is_open(first))
        self.assertFalse(is_open(second))
        head = within(first, "card-summary")
        self.assertIn("1.1.1", text(head))
        self.assertIn("Eit tiltak i Regionplan for Testdal", text(head))
        state = within(first, "card-state")
        self.assertEqual(state.xpath(".//*[@data-status]/@data-status"), ["started"])
        self.assertIn("påstarta", text(state))  # the word, not the colour alone
        self.assertIn("Ikkje rapportert enno", text(within(first, "card-flag")))
        # The form is inside the card, behind its summary line.
        self.assertEqual(len(first.xpath("./details/form[contains(@class, 'report-form')]")), 1)
        self.assertEqual(len(second.xpath("./details/form[contains(@class, 'report-form')]")), 1)

    def test_no_change_on_each_card_and_on_the_remaining(self) -> None:
        record_status(measure=self.second, status=Status.DONE)
        doc = parse(self.client.get(self.page))
        for code in ["1.1.1", "1.1.2"]:
            self.assertEqual(len(card(doc, code).xpath('.//*[@data-testid="unchanged"]')), 1)
        all_unchanged = within(self.summary(doc), "all-unchanged")
        self.assertIn("på dei 2 tiltaka som står att", text(all_unchanged))

    def test_an_htmx_save_updates_the_card_and_the_summary(self) -> None:
        response = self.save(self.measure, "done", **HTMX)
        self.assertEqual(response.status_code, 200)
        fragment = parse(response)
        saved = card(fragment, "1.1.1")
        self.assertTrue(is_open(saved))  # the person sees the result where they saved
        self.assertIn("Rapportert", text(within(saved, "card-flag")))
        self.assertEqual(
            within(saved, "card-state").xpath(".//*[@data-status]/@data-status"), ["done"]
        )
        summary = self.summary(fragment)
        self.assertEqual(summary.get("hx-swap-oob"), "true")
        self.assertEqual(text(within(summary, "actor-progress")), "1 av 2 rapportert")
        self.assertEqual(within(summary, "next-missing").get("href"), f"#tiltak-{self.second.pk}")

    def test_a_refused_save_leaves_the_summary_alone(self) -> None:
        response = self.save(self.measure, "unknown", **HTMX)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(parse(response).xpath('//*[@id="actor-summary"]'), [])

    def test_without_javascript_a_reload_shows_the_count(self) -> None:
        response = self.save(self.measure, "done")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Location"], f"{self.page}#tiltak-{self.measure.pk}")
        doc = parse(self.client.get(self.page))
        self.assertEqual(text(within(self.summary(doc), "actor-progress")), "1 av 2 rapportert")
        self.assertFalse(is_open(card(doc, "1.1.1")))
        self.assertTrue(is_open(card(doc, "1.1.2")))

    def test_all_answered_says_so_and_offers_no_jump(self) -> None:
        self.save(self.measure, "done")
        self.save(self.second, "started")
        summary = self.summary(parse(self.client.get(self.page)))
        self.assertEqual(text(within(summary, "actor-progress")), "2 av 2 rapportert")
        self.assertEqual(summary.xpath('.//*[@data-testid="next-missing"]'), [])
        self.assertIn("svart på alle tiltaka", text(within(summary, "all-reported")))

    def test_another_browser_is_refused(self) -> None:
        self.client.logout()  # a new session: the link was never opened in it
        response = self.client.get(self.page)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(parse(response).xpath('//*[@id="actor-summary"]'), [])
        response = self.save(self.measure, "done", **HTMX)
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Submission.objects.exists())
        self.assertEqual(StatusUpdate.objects.filter(measure=self.measure).count(), 1)


class ReturnedCardTests(LinkPageSetup):
    def setUp(self) -> None:
        Plan.objects.filter(pk=self.plan_pk()).update(reports_need_approval=True)
        super().setUp()

    def plan_pk(self) -> int:
        return Plan.objects.get(region__slug="testdal", slug="regionplan").pk

    def test_a_returned_report_shows_its_note_on_the_card(self) -> None:
        latest = StatusUpdate.objects.latest_of(self.measure)
        sent = record_round_status(
            round=self.opened.round,
            measure=self.measure,
            status=Status.DONE,
            link=self.link,
            expected_previous=latest.pk if latest else None,
        )
        assert isinstance(sent, Submission)
        return_submissions(submissions=[sent], note="Kva er gjort i år?", user=self.owner)
        doc = parse(self.client.get(self.page))
        first = card(doc, "1.1.1")
        self.assertIn("Sendt tilbake til dykk", text(within(first, "card-flag")))
        self.assertIn("Kva er gjort i år?", text(within(first, "returned")))
        # A returned report is not answered: it counts as missing, and is the next one.
        summary = self.summary(doc)
        self.assertEqual(text(within(summary, "actor-progress")), "0 av 2 rapportert")
        self.assertEqual(within(summary, "next-missing").get("href"), f"#tiltak-{self.measure.pk}")


class MemberCardTests(GroupSetup):
    def setUp(self) -> None:
        super().setUp()
        self.opened = self.open()
        entry = next(e for e in self.opened.links if e.actor == self.vest)
        self.client.get(reverse("actor_link", args=[entry.token]))
        self.page = reverse("actor_page", args=[entry.link.pk])

    def test_a_member_counts_its_own_reports_and_the_matrix_is_collapsed(self) -> None:
        self.report(self.aust, Status.DONE)  # another member: not the viewer's report
        doc = parse(self.client.get(self.page))
        summary = find(doc, '//*[@id="actor-summary"]')
        self.assertEqual(text(within(summary, "actor-progress")), "0 av 1 rapportert")
        shared = card(doc, "1.1.4")
        self.assertEqual(
            within(shared, "card-state").xpath(".//*[@data-status]/@data-status"), ["unknown"]
        )
        collapsed = within(shared, "members-collapsed")
        self.assertEqual(collapsed.tag, "details")
        self.assertIsNone(collapsed.get("open"))
        self.assertIn("1 av 3 har rapportert", text(find(collapsed, "./summary")))
        self.assertEqual(len(collapsed.xpath('.//*[@data-testid="member-matrix"]')), 1)

        self.report(self.vest, Status.STARTED)
        doc = parse(self.client.get(self.page))
        summary = find(doc, '//*[@id="actor-summary"]')
        self.assertEqual(text(within(summary, "actor-progress")), "1 av 1 rapportert")
        self.assertEqual(
            within(card(doc, "1.1.4"), "card-state").xpath(".//*[@data-status]/@data-status"),
            ["started"],
        )
