"""Approval before publishing (issue 20): with «rapportar må godkjennast» on, a report from a
body's link waits for the secretariat; until approved the public pages, the API, the
downloads and the case show the last approved status, and members see the pending one."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from planstatus.api.services import issue_api_token
from planstatus.cases.services import build_case_content
from planstatus.lib.status import Status
from planstatus.plans.actions.status import StatusConflict
from planstatus.plans.models import Measure, Plan, StatusUpdate
from planstatus.reporting.actions.reports import (
    approve_submissions,
    record_round_status,
    return_submissions,
)
from planstatus.reporting.actions.rounds import close_round
from planstatus.reporting.models import RoundReport, RoundSnapshot, Submission
from planstatus.reporting.progress import ReportState, round_progress
from tests.cases import DETAILS
from tests.html import by_testid, find, parse, row, text
from tests.test_rounds import RoundTestCase

S = Status


class ApprovalSetup(RoundTestCase):
    def setUp(self) -> None:
        super().setUp()
        Plan.objects.filter(pk=self.plan.pk).update(reports_need_approval=True)
        self.plan.refresh_from_db()
        self.opened = self.open()
        self.link = self.link_of(self.opened, self.actor)

    def send(self, status: Status, measure: Measure | None = None, **kwargs: object) -> Submission:
        measure = measure or self.measure
        latest = StatusUpdate.objects.latest_of(measure)
        result = record_round_status(
            round=self.opened.round,
            measure=measure,
            status=status,
            link=self.link,
            expected_previous=latest.pk if latest else None,
            **kwargs,  # type: ignore[arg-type]
        )
        assert isinstance(result, Submission)
        return result

    def public_status(self) -> str:
        return Measure.objects.get(pk=self.measure.pk).current_status.value


class ApprovalTests(ApprovalSetup):
    def test_new_plans_need_approval(self) -> None:
        plan = Plan.objects.create(region=self.region, slug="ny", title="Ny", kind="regional_plan")
        self.assertTrue(plan.reports_need_approval)

    def test_a_link_report_waits_and_changes_nothing_public(self) -> None:
        self.send(S.DONE, comment="Ferdig.", comment_is_public=True)
        self.assertEqual(self.public_status(), "unknown")
        self.assertFalse(StatusUpdate.objects.filter(measure=self.measure).exists())
        # The body has answered: it is not reminded of the measure.
        progress = {p.actor: p for p in round_progress(self.opened.round).actors}
        self.assertEqual(progress[self.actor].reported_count, 1)

    def test_approving_publishes_it_credited_to_the_body(self) -> None:
        submission = self.send(S.STARTED, comment="I gang.", comment_is_public=True)
        [approved] = approve_submissions(submissions=[submission], user=self.owner)
        update = approved.status_update
        assert update is not None
        self.assertEqual(self.public_status(), "started")
        self.assertEqual(update.created_by, self.owner)
        self.assertEqual(RoundReport.objects.get(status_update=update).actor, self.actor)
        submission.refresh_from_db()
        self.assertEqual(submission.state, Submission.State.APPROVED)
        # Approving again does nothing.
        self.assertEqual(approve_submissions(submissions=[submission], user=self.owner), [])

    def test_returning_keeps_it_unpublished_with_a_note_for_the_body(self) -> None:
        submission = self.send(S.DONE)
        return_submissions(submissions=[submission], note="Stemmer dette?", user=self.owner)
        self.assertEqual(self.public_status(), "unknown")
        page = parse(
            self.client.get(reverse("actor_link", args=[self.opened_token()]), follow=True)
        )
        item = find(page, '//article[@data-code="1.1.1"]')
        self.assertIn("Stemmer dette?", text(find(item, './/*[@data-testid="returned"]')))

    def opened_token(self) -> str:
        return next(e.token for e in self.opened.links if e.actor == self.actor)

    def test_a_newer_report_replaces_the_pending_one(self) -> None:
        first = self.send(S.STARTED)
        second = self.send(S.DONE)
        first.refresh_from_db()
        self.assertEqual(first.state, Submission.State.REPLACED)
        # The replacement is kept in the report's history, not written over it.
        versions = first.history.order_by("history_date")  # type: ignore[attr-defined]
        self.assertEqual([h.state for h in versions], ["pending", "replaced"])
        self.assertEqual(list(Submission.objects.filter(state="pending")), [second])

    def test_a_report_on_an_outdated_status_conflicts(self) -> None:
        submission = self.send(S.STARTED)
        approve_submissions(submissions=[submission], user=self.owner)
        with self.assertRaises(StatusConflict):
            record_round_status(
                round=self.opened.round,
                measure=self.measure,
                status=S.DONE,
                link=self.link,
                expected_previous=None,
            )

    def test_closing_freezes_the_last_approved_and_pending_waits_on(self) -> None:
        approve_submissions(submissions=[self.send(S.STARTED)], user=self.owner)
        waiting = self.send(S.DONE)
        close_round(round=self.opened.round, user=self.owner)
        snapshot = RoundSnapshot.objects.get(round=self.opened.round, measure=self.measure)
        self.assertEqual(snapshot.status, "started")
        waiting.refresh_from_db()
        self.assertEqual(waiting.state, Submission.State.PENDING)
        approve_submissions(submissions=[waiting], user=self.owner)
        self.assertEqual(self.public_status(), "done")


class ApprovalVisibilityTests(ApprovalSetup):
    """Anonymous, reader, API, export and case see the last approved status."""

    def setUp(self) -> None:
        super().setUp()
        approve_submissions(
            submissions=[self.send(S.STARTED, comment="Godkjend.", comment_is_public=True)],
            user=self.owner,
        )
        self.send(S.DONE, comment="Ventar.", comment_is_public=True)

    def test_public_pages_show_the_approved_status(self) -> None:
        page = parse(self.client.get(self.plan.get_absolute_url()))
        self.assertEqual(
            find(row(page, "1.1.1"), ".//*[@data-status]").get("data-status"), "started"
        )
        measure_page = parse(self.client.get(self.measure.get_absolute_url()))
        self.assertEqual(measure_page.xpath('//*[@data-testid="measure-pending"]'), [])
        self.assertNotIn("Ventar.", text(measure_page))

    def test_a_reader_sees_the_pending_report_marked(self) -> None:
        self.client.force_login(self.colleague)
        page = parse(self.client.get(self.measure.get_absolute_url()))
        pending = by_testid(page, "measure-pending")
        self.assertIn("Testdal regionråd", text(pending))
        self.assertEqual(find(pending, ".//*[@data-status]").get("data-status"), "done")

    def test_the_api_shows_the_approved_status(self) -> None:
        url = f"/api/v1/regions/testdal/plans/regionplan/measures/{self.measure.pk}"
        self.assertEqual(self.client.get(url).json()["status"]["code"], "started")
        token = issue_api_token(user=self.colleague, name="t")[1]
        data = self.client.get(url, headers={"Authorization": f"Bearer {token}"}).json()
        self.assertEqual(data["status"]["code"], "started")

    def test_the_download_shows_the_approved_status(self) -> None:
        response = self.client.get(reverse("plan_data", args=["testdal", "regionplan", "csv"]))
        rows = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
        shown = next(r for r in rows if r["Kode"] == "1.1.1")
        self.assertEqual((shown["Statuskode"], shown["Statuskommentar"]), ("started", "Godkjend."))

    def test_the_case_shows_the_approved_status_and_comment(self) -> None:
        content = build_case_content(plan=self.plan, round=None, details=DETAILS)
        [shown] = [r for area in content.areas for r in area.rows if r.code == "1.1.1"]
        self.assertEqual(shown.status.key, "started")
        assert shown.comment is not None
        self.assertEqual(shown.comment.text, "Godkjend.")


class DecisionPageTests(ApprovalSetup):
    def test_the_secretariat_approves_one_and_returns_another_on_the_round_page(self) -> None:
        first = self.send(S.STARTED)
        second = self.send(S.DONE, measure=self.second)
        self.client.force_login(self.owner)
        round_url = reverse("round", args=["testdal", "regionplan", self.opened.round.pk])
        page = parse(self.client.get(round_url))
        self.assertEqual(len(page.xpath('//*[@data-testid="pending-report"]')), 2)
        decide = reverse("round_decide", args=["testdal", "regionplan", self.opened.round.pk])
        self.client.post(decide, {"submissions": [first.pk], "action": "approve"})
        # Returning needs a note.
        self.client.post(decide, {"submissions": [second.pk], "action": "return"})
        second.refresh_from_db()
        self.assertEqual(second.state, Submission.State.PENDING)
        self.client.post(
            decide, {"submissions": [second.pk], "action": "return", "note": "Sjekk året."}
        )
        first.refresh_from_db()
        second.refresh_from_db()
        self.assertEqual((first.state, second.state), ("approved", "returned"))
        self.assertEqual(second.decided_by, self.owner)
        self.assertEqual(self.public_status(), "started")

    def test_a_reader_cannot_decide(self) -> None:
        submission = self.send(S.STARTED)
        self.client.force_login(self.colleague)
        decide = reverse("round_decide", args=["testdal", "regionplan", self.opened.round.pk])
        response = self.client.post(decide, {"submissions": [submission.pk], "action": "approve"})
        self.assertIn(response.status_code, {403, 404})
        submission.refresh_from_db()
        self.assertEqual(submission.state, Submission.State.PENDING)

    def test_closing_with_pending_reports_asks_first(self) -> None:
        self.send(S.STARTED)
        self.client.force_login(self.owner)
        url = reverse("round_close", args=["testdal", "regionplan", self.opened.round.pk])
        page = parse(self.client.get(url))
        self.assertIn("1 rapport ventar på godkjenning", text(by_testid(page, "pending-at-close")))


class GroupApprovalTests(ApprovalSetup):
    def test_progress_of_a_waiting_report(self) -> None:
        self.send(S.STARTED)
        progress = {p.actor: p for p in round_progress(self.opened.round).actors}
        self.assertNotEqual(progress[self.actor].state, ReportState.NONE)


class ChangeLogTests(ApprovalSetup):
    """Approvals, returns and rounds are in the region's log and the measure's history."""

    def log(self) -> list:
        self.client.force_login(self.owner)
        page = parse(self.client.get(reverse("region_log", args=["testdal"])))
        return page.xpath('//ol[@class="audit"][not(ancestor::li)]/li')

    def test_reports_sent_approved_and_returned_and_the_round_closed(self) -> None:
        first = self.send(S.STARTED, comment="I gang.")
        second = self.send(S.DONE, measure=self.second)
        self.client.force_login(self.owner)
        decide = reverse("round_decide", args=["testdal", "regionplan", self.opened.round.pk])
        self.client.post(decide, {"submissions": [first.pk], "action": "approve"})
        self.client.post(
            decide, {"submissions": [second.pk], "action": "return", "note": "Sjekk året."}
        )
        self.client.post(
            reverse("round_close", args=["testdal", "regionplan", self.opened.round.pk])
        )
        entries = [text(e) for e in self.log()]
        reports = [e for e in entries if "Rapport frå ei lenkje" in e]
        # Each report: sent (by the body, through its link), then decided (by the person).
        self.assertEqual(len(reports), 4, reports)
        sent = [e for e in reports if "1.1.1" in e and "oppretta" in e]
        self.assertEqual(len(sent), 1)
        self.assertIn("gjennom lenkja si", sent[0])
        self.assertIn("I gang.", sent[0])
        approved = next(e for e in reports if "1.1.1" in e and "endra" in e)
        self.assertIn("godkjend", approved)
        self.assertIn(self.owner.get_username(), approved)
        returned = next(e for e in reports if "1.1.2" in e and "endra" in e)
        self.assertIn("send attende", returned)
        self.assertIn("Sjekk året.", returned)
        rounds = [e for e in entries if "Status mars 2025" in e]
        self.assertEqual(len(rounds), 2, rounds)  # opened, then closed
        self.assertIn("lukka", rounds[0])
        # The log's filter finds them as kinds of their own.
        page = parse(
            self.client.get(reverse("region_log", args=["testdal"]), {"slag": "submission"})
        )
        self.assertEqual(len(page.xpath('//ol[@class="audit"][not(ancestor::li)]/li')), 4)

    def test_the_measure_history_has_its_reports(self) -> None:
        submission = self.send(S.STARTED)
        return_submissions(submissions=[submission], note="Kva med året?", user=self.owner)
        self.client.force_login(self.owner)
        page = parse(
            self.client.get(reverse("measure_log", args=["testdal", "regionplan", self.measure.pk]))
        )
        history = text(find(page, '//ol[@class="audit"]'))
        self.assertIn("Kva med året?", history)
        self.assertIn("Rapport frå ei lenkje", history)

    def test_the_person_behind_a_link_is_not_in_the_log(self) -> None:
        self.send(S.STARTED)
        [entry] = [e for e in self.log() if "Rapport frå ei lenkje" in text(e)]
        fields = [text(dt) for dt in entry.xpath(".//dt")]
        self.assertEqual(fields, ["Status"])
