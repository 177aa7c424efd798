"""The round page as a compact table (issue 21): one line per measure and per member on a
group measure, filters in the address, each line edited in place with htmx or on its own page
without JS, and a page whose queries do not grow with the plan."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planstatus.lib.status import Status
from planstatus.plans.models import Measure, MeasureActor, Plan, StatusUpdate
from planstatus.regions.models import Actor
from planstatus.reporting.actions.reports import (
    approve_submissions,
    record_round_status,
    return_submissions,
)
from planstatus.reporting.models import RoundReport, Submission
from tests.html import by_testid, find, parse, text
from tests.test_group_reporting import GroupSetup
from tests.test_rounds import BASE_URL

S = Status
HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


@override_settings(BASE_URL=BASE_URL)
class RoundTableSetup(GroupSetup):
    def setUp(self) -> None:
        super().setUp()
        self.opened = self.open()
        self.round = self.opened.round
        self.url = reverse("round", args=["testdal", "regionplan", self.round.pk])

    def row_url(self, measure: Measure, member: Actor | None = None) -> str:
        args = ["testdal", "regionplan", self.round.pk, measure.pk]
        if member is None:
            return reverse("round_report", args=args)
        return reverse("round_member_report", args=[*args, member.pk])

    def lines(self, query: str = "", *, user: Any = None) -> list[tuple[str, str]]:
        """The table's lines as (code, member) pairs, in order."""
        self.client.force_login(user or self.owner)
        doc = parse(self.client.get(self.url + query))
        return [
            (tr.get("data-code"), tr.get("data-member") or "")
            for tr in doc.xpath('//*[@data-testid="round-table"]//tr[@data-testid="round-row"]')
        ]

    def line(self, doc: Any, measure: Measure, member: Actor | None = None) -> Any:
        key = f"tiltak-{measure.pk}" + (f"-{member.pk}" if member else "")
        return find(doc, f'//tr[@id="{key}"]')


class TableTests(RoundTableSetup):
    def test_one_line_per_measure_and_one_per_member_on_a_group_measure(self) -> None:
        self.report(self.vest, S.STARTED, comment="Vest er i gang")
        self.assertEqual(
            self.lines(),
            [
                ("1.1.1", ""),
                ("1.1.2", ""),
                ("1.1.3", ""),
                ("1.1.4", ""),
                ("1.1.4", "Aust kommune"),
                ("1.1.4", "Vest kommune"),
                ("1.1.4", "Nord kommune"),
            ],
        )
        doc = parse(self.client.get(self.url))
        vest = self.line(doc, self.shared, self.vest)
        self.assertEqual(vest.get("data-status"), "started")
        self.assertEqual(vest.get("data-reported"), "yes")
        self.assertEqual(text(find(vest, './/*[@data-testid="reported-by"]')), "Vest kommune")
        aust = self.line(doc, self.shared, self.aust)
        self.assertEqual(aust.get("data-reported"), "no")
        self.assertIn("ikkje rapportert", text(find(aust, './/*[@data-testid="last-report"]')))
        # The measure's own line: the rule's status, and how many members have reported.
        head = self.line(doc, self.shared)
        self.assertEqual(head.get("data-status"), "started")
        self.assertIn("1 av 3 har rapportert", text(head))
        # Every cell says what it is when the table turns into cards on a phone.
        self.assertTrue(
            doc.xpath('//table[@data-testid="round-table"][contains(@class, "stack-on-phone")]')
        )
        for td in doc.xpath('//table[@data-testid="round-table"]//td'):
            self.assertTrue(td.get("data-label"), text(td))
        # No stacked forms any more: the page holds the filter form and the page's own forms.
        self.assertFalse(doc.xpath('//*[@data-testid="report-item"]'))
        self.assertFalse(doc.xpath(f'//input[@name="m{self.measure.pk}-status"]'))

    def test_approval_and_who_reported_the_person_for_the_secretariat_only(self) -> None:
        Plan.objects.filter(pk=self.plan.pk).update(reports_need_approval=True)
        self.round.plan.refresh_from_db()
        link = next(e.link for e in self.opened.links if e.actor == self.actor)
        person = self.actor.contact_persons.create(name="Siri Saksbehandlar", email="s@t.no")
        link.contact_person = person
        link.save()
        sent = record_round_status(round=self.round, measure=self.measure, status=S.DONE, link=link)
        assert isinstance(sent, Submission)
        self.client.force_login(self.owner)
        line = self.line(parse(self.client.get(self.url)), self.measure)
        self.assertEqual(line.get("data-approval"), "pending")
        self.assertEqual(line.get("data-status"), "unknown")  # the public status waits
        self.assertEqual(
            text(find(line, './/*[@data-testid="reported-by"]')),
            "Testdal regionråd (Siri Saksbehandlar)",
        )
        # A report awaiting approval is an answer: the line is not among the not reported.
        self.assertNotIn(("1.1.1", ""), self.lines("?ikkje_rapportert=on"))
        self.assertIn(("1.1.2", ""), self.lines("?ikkje_rapportert=on"))
        self.client.force_login(self.colleague)
        reader = parse(self.client.get(self.url))
        self.assertEqual(
            text(find(self.line(reader, self.measure), './/*[@data-testid="reported-by"]')),
            "Testdal regionråd",
        )
        self.assertNotIn("Siri", text(by_testid(reader, "round-table")))
        self.assertFalse(reader.xpath('//*[@data-testid="row-edit"]'))  # readers only read

        approve_submissions(submissions=[sent], user=self.owner)
        self.client.force_login(self.owner)
        line = self.line(parse(self.client.get(self.url)), self.measure)
        self.assertEqual((line.get("data-approval"), line.get("data-status")), ("approved", "done"))

    def test_a_returned_report_and_a_members_report_awaiting_approval(self) -> None:
        Plan.objects.filter(pk=self.plan.pk).update(reports_need_approval=True)
        self.round.plan.refresh_from_db()
        links = {e.actor: e.link for e in self.opened.links}
        returned = record_round_status(
            round=self.round, measure=self.second, status=S.DONE, link=links[self.actor]
        )
        assert isinstance(returned, Submission)
        return_submissions(submissions=[returned], note="Kva år?", user=self.owner)
        record_round_status(
            round=self.round, measure=self.shared, status=S.STARTED, link=links[self.vest]
        )
        self.client.force_login(self.owner)
        doc = parse(self.client.get(self.url))
        line = self.line(doc, self.second)
        self.assertEqual((line.get("data-approval"), line.get("data-reported")), ("returned", "no"))
        vest = self.line(doc, self.shared, self.vest)
        self.assertEqual((vest.get("data-approval"), vest.get("data-reported")), ("pending", "yes"))
        self.assertEqual(self.line(doc, self.shared, self.aust).get("data-approval"), "none")
        # The list awaiting approval leads to the member's own line.
        [anchor] = by_testid(doc, "pending-reports").xpath(".//td//a")
        self.assertEqual(anchor.get("href"), f"#tiltak-{self.shared.pk}-{self.vest.pk}")

    def test_the_secretariats_own_report_needs_no_approval(self) -> None:
        record_round_status(
            round=self.round, measure=self.second, status=S.STARTED, user=self.owner
        )
        self.client.force_login(self.owner)
        line = self.line(parse(self.client.get(self.url)), self.second)
        self.assertEqual(line.get("data-approval"), "direct")
        self.assertEqual(text(find(line, './/*[@data-testid="reported-by"]')), "owner")


class FilterTests(RoundTableSetup):
    def setUp(self) -> None:
        super().setUp()
        self.report(self.vest, S.STARTED)
        self.report(self.aust, S.DONE)
        record_round_status(round=self.round, measure=self.measure, status=S.DONE, user=self.owner)

    def test_by_actor(self) -> None:
        self.assertEqual(self.lines(f"?aktor={self.actor.pk}"), [("1.1.1", ""), ("1.1.2", "")])
        # A member: the group measure's own line stays above the member's, for context.
        self.assertEqual(
            self.lines(f"?aktor={self.vest.pk}"), [("1.1.4", ""), ("1.1.4", "Vest kommune")]
        )
        doc = parse(self.client.get(self.url + f"?aktor={self.vest.pk}"))
        chosen = find(doc, '//select[@name="aktor"]/option[@selected]')
        self.assertEqual(chosen.get("value"), str(self.vest.pk))

    def test_by_group(self) -> None:
        # The group itself: all its measures' members, and with a status only theirs.
        members = [("1.1.4", m.name) for m in (self.aust, self.vest, self.nord)]
        self.assertEqual(self.lines(f"?aktor={self.group.pk}"), [("1.1.4", ""), *members])
        self.assertEqual(
            self.lines(f"?aktor={self.group.pk}&status=done"),
            [("1.1.4", ""), ("1.1.4", "Aust kommune")],
        )
        doc = parse(self.client.get(self.url))
        names = [o.text for o in doc.xpath('//select[@name="aktor"]/option')]
        self.assertIn("Kommunane i Testdal", names)
        self.assertIn("Vest kommune", names)

    def test_by_status(self) -> None:
        self.assertEqual(
            self.lines("?status=done"), [("1.1.1", ""), ("1.1.4", ""), ("1.1.4", "Aust kommune")]
        )
        self.assertEqual(self.lines("?status=started"), [("1.1.4", ""), ("1.1.4", "Vest kommune")])

    def test_not_reported(self) -> None:
        self.assertEqual(
            self.lines("?ikkje_rapportert=on"),
            [("1.1.2", ""), ("1.1.3", ""), ("1.1.4", ""), ("1.1.4", "Nord kommune")],
        )

    def test_combined_and_kept_in_the_form(self) -> None:
        query = f"?aktor={self.actor.pk}&status=unknown&ikkje_rapportert=on"
        self.assertEqual(self.lines(query), [("1.1.2", "")])
        doc = parse(self.client.get(self.url + query))
        form = by_testid(doc, "round-filters")
        self.assertEqual(form.get("method"), "get")
        self.assertTrue(find(form, './/input[@name="ikkje_rapportert"]').get("checked") is not None)
        self.assertEqual(
            find(form, './/select[@name="status"]/option[@selected]').get("value"), "unknown"
        )
        # A way back to everything.
        self.assertEqual(by_testid(doc, "clear-filters").get("href"), self.url)

    def test_an_empty_result_says_so(self) -> None:
        query = f"?aktor={self.municipality.pk}&status=done"
        self.assertEqual(self.lines(query), [])
        doc = parse(self.client.get(self.url + query))
        self.assertFalse(doc.xpath('//*[@data-testid="round-table"]'))
        self.assertIn("Ingen linjer passar med filtra.", text(by_testid(doc, "no-rows")))

    def test_a_bad_filter_is_named_and_everything_shown(self) -> None:
        self.client.force_login(self.owner)
        response = self.client.get(self.url + "?aktor=999999&status=bogus")
        self.assertEqual(response.status_code, 200)
        doc = parse(response)
        errors = text(find(doc, '//*[@data-testid="round-filters"]//*[@role="alert"]'))
        self.assertIn("Aktør", errors)
        self.assertEqual(len(self.lines("?aktor=999999")), 7)


class RowEditTests(RoundTableSetup):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.owner)

    def test_htmx_get_post_round_trip(self) -> None:
        url = self.row_url(self.second)
        doc = parse(self.client.get(self.url))
        edit = find(self.line(doc, self.second), './/a[@data-testid="row-edit"]')
        # Without JS a link to the measure's own page; with htmx the line's form in place.
        self.assertEqual(edit.get("href"), url)
        self.assertEqual(edit.get("hx-get"), url)
        self.assertEqual(edit.get("hx-target"), "closest tr")

        response = self.client.get(url, **HTMX)
        self.assertEqual(response.status_code, 200)
        fragment = parse(response)
        form_row = find(fragment, f'//tr[@id="tiltak-{self.second.pk}"]')
        self.assertEqual(form_row.get("data-testid"), "round-row-form")
        form = find(form_row, ".//form")
        self.assertEqual((form.get("hx-post"), form.get("hx-target")), (url, "closest tbody"))
        self.assertEqual(
            find(form, f'.//input[@name="m{self.second.pk}-expected_previous"]').get("value"),
            None,
        )
        # «Avbryt» puts the line back.
        cancel = find(form, './/a[@data-testid="row-cancel"]')
        back = parse(self.client.get(cancel.get("hx-get"), **HTMX))
        self.assertEqual(self.line(back, self.second).get("data-testid"), "round-row")

        response = self.client.post(
            url,
            {
                f"m{self.second.pk}-status": "started",
                f"m{self.second.pk}-comment": "Sekretariatet ringde",
                f"m{self.second.pk}-expected_previous": "",
            },
            **HTMX,
        )
        self.assertEqual(response.status_code, 200)
        fragment = parse(response)
        body = find(fragment, f'//tbody[@id="tiltak-{self.second.pk}-linjer"]')
        line = self.line(body, self.second)
        self.assertEqual((line.get("data-status"), line.get("data-reported")), ("started", "yes"))
        self.assertTrue(line.xpath('.//*[@data-testid="row-saved"]'))
        report = RoundReport.objects.select_related("status_update").get()
        self.assertEqual(report.status_update.comment, "Sekretariatet ringde")
        self.assertEqual(report.status_update.created_by, self.owner)

    def test_a_member_line_reports_for_that_member_and_rolls_up(self) -> None:
        url = self.row_url(self.shared, self.nord)
        form = find(parse(self.client.get(url, **HTMX)), "//form")
        self.assertEqual(form.get("hx-post"), url)
        prefix = f"m{self.shared.pk}-{self.nord.pk}-"
        response = self.client.post(
            url, {prefix + "status": "done", prefix + "expected_previous": ""}, **HTMX
        )
        self.assertEqual(response.status_code, 200)
        body = parse(response)
        self.assertEqual(self.line(body, self.shared, self.nord).get("data-status"), "done")
        # The measure's own line came back too, rolled up by the rule.
        self.assertEqual(self.line(body, self.shared).get("data-status"), "started")
        mine = StatusUpdate.objects.latest_of(self.shared, self.nord)
        assert mine is not None
        self.assertEqual((mine.status, mine.created_by), ("done", self.owner))
        self.assertEqual(RoundReport.objects.get(status_update=mine).actor, self.nord)

    def test_setting_a_group_measure_by_hand_needs_a_reason(self) -> None:
        self.client.force_login(self.owner)
        url = self.row_url(self.shared)
        form = find(parse(self.client.get(url, **HTMX)), "//form")
        prefix = form.xpath('.//input[@type="radio"]')[0].get("name").removesuffix("status")
        data = {prefix + "status": "done", prefix + "expected_previous": ""}
        response = self.client.post(url, data, **HTMX)
        self.assertIn("Skriv kvifor du set samla status for hand", text(parse(response)))
        self.assertFalse(StatusUpdate.objects.filter(measure=self.shared).exists())
        data[prefix + "comment"] = "Kommunestyra vedtok det i juni."
        self.assertEqual(self.client.post(url, data, **HTMX).status_code, 200)
        overall = StatusUpdate.objects.latest_of(self.shared)
        assert overall is not None
        self.assertEqual((overall.status, overall.member), ("done", None))

    def test_a_stale_form_comes_back_in_place_with_the_conflict(self) -> None:
        url = self.row_url(self.second)
        record_round_status(round=self.round, measure=self.second, status=S.DONE, user=self.owner)
        response = self.client.post(
            url,
            {f"m{self.second.pk}-status": "started", f"m{self.second.pk}-expected_previous": ""},
            **HTMX,
        )
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response["HX-Retarget"], f"#tiltak-{self.second.pk}")
        self.assertEqual(response["HX-Reswap"], "outerHTML")
        form_row = find(parse(response), f'//tr[@id="tiltak-{self.second.pk}"]')
        self.assertTrue(form_row.xpath('.//*[@data-testid="conflict"]'))
        newer = StatusUpdate.objects.latest_of(self.second)
        assert newer is not None
        field = find(form_row, f'.//input[@name="m{self.second.pk}-expected_previous"]')
        self.assertEqual(field.get("value"), str(newer.pk))
        self.assertEqual(self.second.status_updates.count(), 1)

    def test_without_js_the_line_has_its_own_page(self) -> None:
        url = self.row_url(self.shared, self.aust)
        page = parse(self.client.get(url))
        self.assertIn("Aust kommune", text(by_testid(page, "reporting-for")))
        form = find(page, f'//form[@action="{url}"]')
        # Opened in a tab of its own with JS, the form still saves by plain POST: htmx's
        # answer would be the table's lines, which have no place on this page.
        self.assertTrue(form.xpath("ancestor::*[@hx-disable]"))
        prefix = f"m{self.shared.pk}-{self.aust.pk}-"
        self.assertTrue(form.xpath(f'.//input[@name="{prefix}status"]'))
        # A mistake comes back on the same page, nothing saved.
        response = self.client.post(url, {prefix + "expected_previous": ""})
        self.assertEqual(response.status_code, 400)
        self.assertTrue(parse(response).xpath(f'//form[@action="{url}"]'))
        response = self.client.post(
            url, {prefix + "status": "cancelled", prefix + "expected_previous": ""}
        )
        self.assertRedirects(
            response,
            self.url + f"#tiltak-{self.shared.pk}-{self.aust.pk}",
            fetch_redirect_response=False,
        )
        self.assertEqual(StatusUpdate.objects.latest_of(self.shared, self.aust).status, "cancelled")  # type: ignore[union-attr]

    def test_without_js_the_filters_come_back_with_the_save(self) -> None:
        query = f"aktor={self.actor.pk}&ikkje_rapportert=on"
        doc = parse(self.client.get(f"{self.url}?{query}"))
        edit = find(self.line(doc, self.second), './/a[@data-testid="row-edit"]')
        url = self.row_url(self.second)
        self.assertEqual(edit.get("href"), f"{url}?{query}")
        self.assertEqual(edit.get("hx-get"), url)  # htmx stays on the page: no need
        page = parse(self.client.get(edit.get("href")))
        form = find(page, f'//form[@action="{url}?{query}"]')
        self.assertEqual(
            find(page, '//a[text()="Tilbake til alle tiltaka"]').get("href"),
            f"{self.url}?{query}#tiltak-{self.second.pk}",
        )
        prefix = f"m{self.second.pk}-"
        response = self.client.post(
            form.get("action"), {prefix + "status": "done", prefix + "expected_previous": ""}
        )
        self.assertRedirects(
            response, f"{self.url}?{query}#tiltak-{self.second.pk}", fetch_redirect_response=False
        )
        # Nonsense in the address is dropped, not carried.
        page = parse(self.client.get(f"{url}?aktor=x&status=<b>"))
        find(page, f'//form[@action="{url}"]')

    def test_a_member_that_does_not_report_on_the_measure_is_not_found(self) -> None:
        self.assertEqual(self.client.get(self.row_url(self.shared, self.actor)).status_code, 404)
        self.assertEqual(self.client.get(self.row_url(self.measure, self.vest)).status_code, 404)
        # Nor can a save go through such an address: not even for the measure's own body
        # on a measure that is no group measure.
        for measure, member in ((self.second, self.actor), (self.shared, self.actor)):
            prefix = f"m{measure.pk}-{member.pk}-"
            response = self.client.post(
                self.row_url(measure, member),
                {prefix + "status": "done", prefix + "expected_previous": ""},
            )
            self.assertEqual(response.status_code, 404)
        self.assertFalse(RoundReport.objects.exists())


class RowAccessTests(RoundTableSetup):
    def test_outsider_reader_and_anonymous_are_refused(self) -> None:
        urls = [self.row_url(self.second), self.row_url(self.shared, self.vest)]
        for url in urls:
            for method in ("get", "post"):
                with self.subTest(url=url, method=method):
                    self.client.logout()
                    response = getattr(self.client, method)(url, {}, **HTMX)
                    self.assertEqual(response.status_code, 302)  # to the login page
                    # The outsider may read the published plan, never change it (the draft
                    # answers 404: tests/test_isolation.py).
                    self.client.force_login(self.outsider)
                    self.assertEqual(getattr(self.client, method)(url, {}).status_code, 403)
                    self.client.force_login(self.colleague)
                    self.assertEqual(getattr(self.client, method)(url, {}).status_code, 403)
        self.assertFalse(RoundReport.objects.exists())


class QueryCountTests(RoundTableSetup):
    def grow(self, n: int) -> None:
        area = self.measure.focus_area
        for i in range(n):
            actor = self.actor if i % 2 else self.municipality
            group = self.group if i % 5 == 0 else actor
            code = f"2.{self.grown}.{i}"
            measure = Measure.objects.create(
                focus_area=area, code=code, text=f"Tiltak {code}", order=1000 + self.grown * 100 + i
            )
            MeasureActor.objects.create(
                measure=measure, actor=group, role=MeasureActor.Role.RESPONSIBLE
            )
            if i % 3 == 0:
                record_round_status(
                    round=self.round,
                    measure=measure,
                    status=S.STARTED,
                    comment="Sett av sekretariatet.",
                    user=self.owner,
                )
        self.grown += 1

    def count(self) -> int:
        self.client.force_login(self.owner)
        self.client.get(self.url)  # warm caches that are not ours
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(self.url + f"?aktor={self.vest.pk}")
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def test_the_page_costs_the_same_with_10_and_40_measures(self) -> None:
        self.grown = 0
        current = Measure.objects.filter(focus_area__plan=self.plan, archived_at__isnull=True)
        self.grow(10 - current.count())
        self.assertEqual(current.count(), 10)
        small = self.count()
        self.grow(30)
        self.assertEqual(current.count(), 40)
        self.assertEqual(self.count(), small)
