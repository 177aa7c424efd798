"""The reporting pages through HTTP: the actor's link page, the secretariat's round pages,
the snapshot on the plan page, bad use of links and two people saving at once."""

from __future__ import annotations

from typing import Any

from django.core import mail
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from planstatus.lib.status import Status
from planstatus.plans.actions.status import record_status
from planstatus.plans.models import FocusArea, MeasureActor, StatusUpdate
from planstatus.reporting.actions.links import hash_token, revoke_link
from planstatus.reporting.actions.reports import record_round_status
from planstatus.reporting.actions.rounds import close_round
from planstatus.reporting.models import (
    ReminderSent,
    ReportingLink,
    ReportingLinkUse,
    ReportingRound,
    RoundReport,
)
from tests.base import BaseCommitTestCase, BaseTestCase, mail_server_down
from tests.html import by_testid, find, parse, row, text
from tests.test_rounds import BASE_URL, DAY, RoundSetup, token_in

Action = ReportingLinkUse.Action
HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


class RoundPageSetup(RoundSetup):
    def plan_url(self, name: str, *args: object) -> str:
        return reverse(name, args=["testdal", "regionplan", *args])

    def open_via_web(self, **data: object) -> ReportingRound:
        self.client.force_login(self.owner)
        form = {
            "title": "Status mars 2025",
            "deadline": self.deadline.isoformat(),
            "message": "",
            "reminders_before": "7, 1",
            "reminders_after": "1",
        }
        form.update({k: str(v) for k, v in data.items()})
        response = self.client.post(self.plan_url("round_open"), form)
        self.assertEqual(response.status_code, 200, response.content[:2000])
        self.opened_page = response.content.decode()
        self.client.logout()
        return ReportingRound.objects.get(state=ReportingRound.State.OPEN)

    def link_rows(self) -> dict[str, dict[str, str]]:
        """The opened page's link table: per actor's name, its link, mailed flag and text."""
        table = by_testid(parse(self.opened_page), "round-links")
        rows = {}
        for tr in table.xpath('.//tr[@data-testid="round-link-row"]'):
            rows[text(find(tr, "./th"))] = {
                "link": text(find(tr, './/*[@data-testid="copy-link"]')),
                "mailed": find(tr, './/*[@data-testid="mailed"]').get("data-mailed"),
                "text": text(find(tr, './/*[@data-testid="mailed"]')),
            }
        return rows

    def actor_token(self) -> str:
        [sent] = [m for m in mail.outbox if m.to == ["post@testdal.no"]]
        return token_in(sent.body)

    def report(
        self, token: str, measure_pk: int, status: str, expected: int | None, **extra: Any
    ) -> Any:
        prefix = f"m{measure_pk}-"
        data = {
            prefix + "status": status,
            prefix + "comment": extra.pop("comment", ""),
            prefix + "evidence_url": extra.pop("evidence_url", ""),
            prefix + "expected_previous": "" if expected is None else str(expected),
        }
        return self.client.post(self.report_url(token, measure_pk), data, **extra)

    def report_url(self, token: str, measure_pk: int) -> str:
        """The token-free address a save goes to, once this browser has opened the link."""
        opened = self.client.get(reverse("actor_link", args=[token]))
        if opened.status_code != 302:
            return reverse("actor_link", args=[token])  # a refused link: its own page
        link_pk = int(opened["Location"].rstrip("/").rsplit("/", 1)[1])
        return reverse("actor_report", args=[link_pk, measure_pk])

    def latest_pk(self, measure_pk: int) -> int | None:
        latest = StatusUpdate.objects.filter(measure_id=measure_pk).order_by("-created_at", "-pk")
        return latest.values_list("pk", flat=True).first()


@override_settings(BASE_URL=BASE_URL)
class RoundPageTestCase(RoundPageSetup, BaseTestCase):
    pass


@override_settings(BASE_URL=BASE_URL)
class RoundPageCommitTestCase(RoundPageSetup, BaseCommitTestCase):
    """Reminders are mailed after their transaction commits: these tests commit."""


class OpenRoundPageTests(RoundPageTestCase):
    def test_opening_mails_actors_and_shows_links_for_those_without_address(self) -> None:
        round = self.open_via_web(message="Skriv gjerne kva som står att.")
        self.assertEqual(round.title, "Status mars 2025")
        self.assertEqual(round.opened_by, self.owner)
        self.assertEqual([m.to for m in mail.outbox], [["post@testdal.no"]])
        self.assertIn("Skriv gjerne kva som står att.", mail.outbox[0].body)
        # Every actor has a row with its own working link; the municipality has no address,
        # so its row says the link was not sent.
        rows = self.link_rows()
        self.assertEqual(set(rows), {"Testdal regionråd", "Testdal kommune"})
        self.assertEqual(rows["Testdal regionråd"]["mailed"], "yes")
        self.assertEqual(rows["Testdal kommune"]["mailed"], "no")
        self.assertIn("inga e-postadresse", rows["Testdal kommune"]["text"])
        for name, entry in rows.items():
            link = ReportingLink.objects.get(token_hash=hash_token(token_in(entry["link"])))
            self.assertEqual(link.actor.name, name)
        copied = token_in(rows["Testdal kommune"]["link"])
        response = self.client.get(reverse("actor_link", args=[copied]), follow=True)
        self.assertContains(response, "Kommunen sitt tiltak")
        self.assertEqual(response["Cache-Control"].count("no-store"), 1)

    def test_bad_form_input_gets_a_message_and_opens_nothing(self) -> None:
        self.client.force_login(self.owner)
        url = self.plan_url("round_open")
        cases = [
            ({"title": "", "deadline": self.deadline.isoformat()}, "Runden må ha ein tittel"),
            ({"title": "X", "deadline": (self.today - DAY).isoformat()}, "Fristen kan ikkje"),
            ({"title": "X", "deadline": "i morgon"}, "Skriv datoen"),
            ({"title": "X" * 300, "deadline": self.deadline.isoformat()}, "200"),
        ]
        for data, message in cases:
            response = self.client.post(url, data)
            self.assertContains(response, message, status_code=400)
        self.assertFalse(ReportingRound.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_a_second_open_round_is_refused(self) -> None:
        self.open_via_web()
        self.client.force_login(self.owner)
        response = self.client.post(
            self.plan_url("round_open"),
            {"title": "Ein til", "deadline": self.deadline.isoformat()},
        )
        self.assertContains(response, "allereie ein open rapporteringsrunde", status_code=400)
        self.assertEqual(ReportingRound.objects.count(), 1)


class ActorPageTests(RoundPageTestCase):
    def setUp(self) -> None:
        super().setUp()
        # The actor is also involved in the municipality's measure.
        MeasureActor.objects.create(
            measure=self.third, actor=self.actor, role=MeasureActor.Role.INVOLVED
        )
        self.round = self.open_via_web()
        self.token = self.actor_token()

    def test_page_lists_responsible_and_involved_measures_apart(self) -> None:
        record_status(
            measure=self.third,
            status=Status.STARTED,
            comment="Kommunen held på",
            comment_is_public=True,
        )
        response = self.client.get(reverse("actor_link", args=[self.token]), follow=True)
        page = response.content.decode()
        self.assertEqual(response.status_code, 200)
        doc = parse(response)
        # The two responsible measures, each with its form.
        items = doc.xpath('//*[@data-testid="report-item"]')
        self.assertEqual([i.get("data-code") for i in items], ["1.1.1", "1.1.2"])
        self.assertEqual([len(i.xpath(".//form[@class='report-form']")) for i in items], [1, 1])
        # And on each card, a milestone and an update to add (issue 23).
        for item, measure in zip(items, [self.measure, self.second], strict=True):
            link_page = reverse("actor_page", args=[ReportingLinkUse.objects.get().link_id])
            actions = sorted(item.xpath(".//form/@action"))
            self.assertEqual(
                [a.removeprefix(link_page) for a in actions if "tiltak" in a],
                [
                    f"tiltak/{measure.pk}/",
                    f"tiltak/{measure.pk}/kva-har-skjedd/",
                    f"tiltak/{measure.pk}/milepael/",
                ],
            )
        involved = text(find(doc, '//section[@aria-labelledby="involved-heading"]'))
        self.assertIn("Kommunen sitt tiltak", involved)
        self.assertIn("Kommunen held på", involved)
        self.assertNotIn(f"m{self.third.pk}-status", page)  # no form for it
        self.assertNotIn("Eit arkivert tiltak", page)
        self.assertIn("noindex", page)
        use = ReportingLinkUse.objects.first()
        assert use is not None
        self.assertEqual(use.action, Action.OPENED)

    def test_htmx_save_returns_the_measure_and_records_who_reported(self) -> None:
        response = self.report(
            self.token,
            self.measure.pk,
            "started",
            None,
            comment="Prosjektleiar er tilsett",
            evidence_url="https://testdal.no/sak/1",
            **HTMX,
        )
        self.assertEqual(response.status_code, 200)
        fragment = response.content.decode()
        self.assertTrue(fragment.lstrip().startswith("<article"))
        self.assertIn('data-status="started"', fragment)
        self.assertIn('role="status"', fragment)
        report = RoundReport.objects.select_related("status_update").get()
        self.assertEqual(report.actor, self.actor)
        self.assertEqual(report.round, self.round)
        self.assertIsNotNone(report.via_link)
        update = report.status_update
        self.assertEqual(update.comment, "Prosjektleiar er tilsett")
        self.assertEqual(update.evidence_url, "https://testdal.no/sak/1")
        self.assertIsNone(update.created_by)
        use = ReportingLinkUse.objects.first()
        self.assertEqual(use and use.action, Action.REPORTED)

    def test_without_javascript_a_save_redirects_back_to_the_measure(self) -> None:
        response = self.report(self.token, self.measure.pk, "done", None)
        link = ReportingLink.objects.get(token_hash=hash_token(self.token))
        self.assertRedirects(
            response,
            reverse("actor_page", args=[link.pk]) + f"#tiltak-{self.measure.pk}",
            fetch_redirect_response=False,
        )
        self.assertEqual(self.measure.current_status, Status.DONE)

    def test_actor_can_correct_its_report_until_the_round_closes(self) -> None:
        self.report(self.token, self.measure.pk, "started", None, **HTMX)
        first = self.latest_pk(self.measure.pk)
        page = self.client.get(
            reverse("actor_link", args=[self.token]), follow=True
        ).content.decode()
        self.assertIn(f'value="{first}"', page)  # the form now expects the actor's own report
        response = self.report(self.token, self.measure.pk, "done", first, **HTMX)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            list(self.measure.status_updates.values_list("status", flat=True)),
            ["done", "started"],
        )
        close_round(round=self.round, user=self.owner)
        response = self.report(self.token, self.measure.pk, "not_started", None, **HTMX)
        self.assertEqual(response.status_code, 409)
        self.assertEqual(self.measure.status_updates.count(), 2)
        # The link ended with its round: the page says so and names whom to ask.
        response = self.client.get(reverse("actor_link", args=[self.token]), follow=True)
        self.assertEqual(response.status_code, 409)
        doc = parse(response)
        self.assertEqual(by_testid(doc, "refused").get("data-refusal"), "refused_closed")
        self.assertIn(self.owner.get_username(), text(by_testid(doc, "contact")))
        self.assertEqual(find(doc, "//main").xpath(".//form"), [])

    def test_hostile_and_malformed_input_is_refused_or_escaped(self) -> None:
        url_field = f"m{self.measure.pk}-evidence_url"
        for bad_url in ["javascript:alert(1)", "ikkje ei adresse", "https://" + "x" * 600]:
            response = self.client.post(
                self.report_url(self.token, self.measure.pk),
                {f"m{self.measure.pk}-status": "done", url_field: bad_url},
                **HTMX,
            )
            self.assertEqual(response.status_code, 400, bad_url)
        for data in [{}, {f"m{self.measure.pk}-status": "unknown"}]:
            response = self.client.post(self.report_url(self.token, self.measure.pk), data, **HTMX)
            self.assertContains(response, "Vel ein status", status_code=400)
        response = self.report(self.token, self.measure.pk, "started", None, comment="x" * 1001)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(StatusUpdate.objects.exists())

        self.report(
            self.token, self.measure.pk, "started", None, comment="<script>alert(1)</script>"
        )
        page = self.client.get(
            reverse("actor_link", args=[self.token]), follow=True
        ).content.decode()
        self.assertNotIn("<script>alert(1)", page)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", page)


class BadUseTests(RoundPageTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.round = self.open_via_web()
        self.token = self.actor_token()

    def assert_refused(self, response: Any, status: int, action: str) -> None:
        self.assertEqual(response.status_code, status)
        self.assertIn('data-testid="refused"', response.content.decode())
        self.assertFalse(StatusUpdate.objects.exists())
        use = ReportingLinkUse.objects.order_by("-at", "-pk").first()
        assert use is not None
        self.assertEqual(use.action, action)

    def test_altered_link(self) -> None:
        altered = self.token[:-2] + ("AA" if not self.token.endswith("AA") else "BB")
        self.assert_refused(
            self.client.get(reverse("actor_link", args=[altered]), follow=True),
            404,
            Action.REFUSED_UNKNOWN,
        )
        self.assert_refused(
            self.report(altered, self.measure.pk, "done", None), 404, Action.REFUSED_UNKNOWN
        )

    def test_expired_link(self) -> None:
        self.round.plan.reporting_links.update(expires_at=timezone.now() - DAY)
        response = self.client.get(reverse("actor_link", args=[self.token]), follow=True)
        self.assert_refused(response, 410, Action.REFUSED_EXPIRED)
        self.assertContains(response, "Lenka har gått ut", status_code=410)

    def test_revoked_link(self) -> None:
        for link in self.round.plan.reporting_links.all():
            revoke_link(link=link, user=self.owner)
        self.assert_refused(
            self.report(self.token, self.measure.pk, "done", None, **HTMX),
            410,
            Action.REFUSED_REVOKED,
        )

    def test_another_actors_measure(self) -> None:
        self.assert_refused(
            self.report(self.token, self.third.pk, "done", None, **HTMX),
            403,
            Action.REFUSED_MEASURE,
        )
        # A measure of another plan is no different.
        self.assert_refused(
            self.report(self.token, self.draft_measure.pk, "done", None),
            403,
            Action.REFUSED_MEASURE,
        )

    def test_the_round_page_lists_refused_uses(self) -> None:
        self.report(self.token, self.third.pk, "done", None)
        self.client.force_login(self.owner)
        doc = parse(self.client.get(self.plan_url("round", self.round.pk)))
        [refusal] = [text(li) for li in by_testid(doc, "refusals").xpath("./li")]
        self.assertIn("Testdal regionråd", refusal)
        self.assertIn(f"measure {self.third.pk}", refusal)

    def test_secretariat_status_on_an_archived_measure_is_refused_cleanly(self) -> None:
        self.measure.archived_at = timezone.now()
        self.measure.save()
        self.client.force_login(self.owner)
        response = self.client.post(
            reverse("measure_status", args=["testdal", "regionplan", self.measure.pk]),
            {"status": "done", "expected_previous": ""},
        )
        self.assertContains(response, "arkivert", status_code=400)
        self.assertFalse(StatusUpdate.objects.exists())

    def test_post_to_a_closed_round(self) -> None:
        close_round(round=self.round, user=self.owner)
        response = self.report(self.token, self.measure.pk, "done", None)
        self.assert_refused(response, 409, Action.REFUSED_CLOSED)
        self.assertContains(response, "Runden er lukka", status_code=409)


class ConcurrencyTests(RoundPageTestCase):
    """Two people save the same measure from forms opened at the same time: the later save
    is refused with a conflict message naming the first, keeps the person's text, and goes
    through when sent again. Neither change is lost: both are in the history."""

    def test_actor_after_secretariat(self) -> None:
        round = self.open_via_web()
        token = self.actor_token()
        seen = self.latest_pk(self.measure.pk)  # both open their forms now
        self.client.force_login(self.owner)
        response = self.client.post(
            self.plan_url("round_report", round.pk, self.measure.pk),
            {
                f"m{self.measure.pk}-status": "started",
                f"m{self.measure.pk}-comment": "Sekretariatet sette status",
                f"m{self.measure.pk}-expected_previous": seen or "",
            },
            **HTMX,
        )
        self.assertEqual(response.status_code, 200)
        self.client.logout()

        response = self.report(token, self.measure.pk, "done", seen, comment="Ferdig!", **HTMX)
        self.assertEqual(response.status_code, 409)
        fragment = response.content.decode()
        self.assertIn('data-testid="conflict"', fragment)
        # The link holder is told a body set it, never which person.
        self.assertIn("sett av sekretariatet", fragment)
        self.assertNotIn("owner", fragment)
        self.assertNotIn("Sekretariatet sette status", fragment)  # an internal comment
        self.assertIn("Ferdig!", fragment)  # what the actor wrote is kept
        self.assertEqual(self.measure.current_status, Status.STARTED)
        newer = self.latest_pk(self.measure.pk)
        self.assertIn(f'value="{newer}"', fragment)

        response = self.report(token, self.measure.pk, "done", newer, comment="Ferdig!", **HTMX)
        self.assertEqual(response.status_code, 200)
        history = self.measure.status_updates.select_related("round_report__actor")
        self.assertEqual([u.status for u in history], ["done", "started"])
        self.assertEqual(history[0].round_report.actor, self.actor)
        self.assertEqual(history[1].created_by, self.owner)

    def test_two_secretaries_on_the_measure_page_without_a_round(self) -> None:
        url = reverse("measure_status", args=["testdal", "regionplan", self.measure.pk])
        self.client.force_login(self.owner)
        first = self.client.post(url, {"status": "started", "expected_previous": ""})
        self.assertEqual(first.status_code, 302)
        second = self.client.post(url, {"status": "done", "expected_previous": ""})
        self.assertContains(second, "Nokon har rapportert på tiltak 1.1.1", status_code=409)
        self.assertEqual(self.measure.status_updates.count(), 1)


class RoundPageTests(RoundPageTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.round = self.open_via_web()
        self.token = self.actor_token()
        self.url = self.plan_url("round", self.round.pk)

    def test_progress_per_actor_and_unreported_measures(self) -> None:
        self.report(self.token, self.measure.pk, "started", None)
        self.client.force_login(self.colleague)  # readers may follow the round
        response = self.client.get(self.url)
        page = response.content.decode()
        doc = parse(response)
        states = {e.get("data-actor"): e.get("data-state") for e in doc.xpath("//*[@data-state]")}
        self.assertEqual(states, {"Testdal regionråd": "some", "Testdal kommune": "none"})
        unreported = [text(li) for li in by_testid(doc, "unreported").xpath("./li")]
        self.assertEqual(unreported, ["1.1.2 Eit anna tiltak", "1.1.3 Kommunen sitt tiltak"])
        self.assertNotIn("round_remind", page)
        self.assertNotIn(f"m{self.measure.pk}-status", page)  # readers get no forms

    def test_secretariat_sets_a_status_and_the_history_says_so(self) -> None:
        self.client.force_login(self.owner)
        response = self.client.post(
            self.plan_url("round_report", self.round.pk, self.third.pk),
            {f"m{self.third.pk}-status": "cancelled", f"m{self.third.pk}-expected_previous": ""},
        )
        self.assertRedirects(
            response, self.url + f"#tiltak-{self.third.pk}", fetch_redirect_response=False
        )
        report = RoundReport.objects.select_related("status_update__created_by").get()
        self.assertEqual(report.status_update.created_by, self.owner)
        self.assertIsNone(report.actor)
        page = self.client.get(self.third.get_absolute_url()).content.decode()
        self.assertIn('data-testid="reported-by-user">owner<', page)
        self.assertIn("Status mars 2025", page)

    def test_a_new_link_for_an_actor_leaves_the_earlier_working(self) -> None:
        self.client.force_login(self.owner)
        response = self.client.post(self.plan_url("round_link", self.round.pk, self.actor.pk))
        self.assertEqual(response.status_code, 200)
        new_token = token_in(response.content.decode())
        self.client.logout()
        self.assertEqual(
            self.client.get(reverse("actor_link", args=[self.token]), follow=True).status_code, 200
        )
        self.assertEqual(
            self.client.get(reverse("actor_link", args=[new_token]), follow=True).status_code, 200
        )

    def test_close_freezes_the_snapshot_shown_on_the_plan_page(self) -> None:
        self.report(self.token, self.measure.pk, "done", None)
        self.client.force_login(self.owner)
        self.assertContains(self.client.get(self.plan_url("round_close", self.round.pk)), "<form")
        response = self.client.post(self.plan_url("round_close", self.round.pk))
        plan_url = self.plan.get_absolute_url()
        self.assertRedirects(response, f"{plan_url}?runde={self.round.pk}")
        # A correction after closing changes "now", never the round.
        record_status(measure=self.measure, status=Status.NOT_STARTED, user=self.owner)
        then = parse(self.client.get(plan_url, {"runde": self.round.pk}))
        now = parse(self.client.get(plan_url))
        by_testid(then, "snapshot-notice")
        self.assertEqual(now.xpath('//*[@data-testid="snapshot-notice"]'), [])
        for doc, status in [(then, "done"), (now, "not_started")]:
            shown = row(doc, self.measure.code).xpath(".//*[@data-status]/@data-status")
            self.assertEqual(shown, [status])

    def test_changes_since_the_previous_round_with_arrows(self) -> None:
        close_round(round=self.round, user=self.owner)
        second = ReportingRound.objects.create(
            plan=self.plan, title="Status september 2025", deadline=self.deadline
        )
        record_round_status(round=second, measure=self.measure, status=Status.DONE, user=self.owner)
        close_round(round=second, user=self.owner)
        doc = parse(self.client.get(self.plan.get_absolute_url(), {"runde": second.pk}))
        [change] = by_testid(doc, "changes").xpath('.//*[@data-testid="change"]')
        self.assertEqual(change.xpath(".//*[@data-status]/@data-status"), ["unknown", "done"])
        self.assertIn("→", text(change))

    def test_unknown_round_on_the_plan_page_shows_now_with_a_message(self) -> None:
        for value in ["999999", "tull", str(self.round.pk)]:  # the open round is not a choice
            response = self.client.get(self.plan.get_absolute_url(), {"runde": value})
            self.assertEqual(response.status_code, 200)
            self.assertNotIn('data-testid="snapshot-notice"', response.content.decode())


class QueryCountTests(RoundPageTestCase):
    def test_actor_and_round_pages_cost_the_same_for_more_measures(self) -> None:
        round = self.open_via_web()
        token = self.actor_token()
        self.client.force_login(self.owner)
        opened = self.client.get(reverse("actor_link", args=[token]))
        urls = [opened["Location"], self.plan_url("round", round.pk)]
        record_round_status(
            round=round, measure=self.measure, status=Status.STARTED, actor=self.actor
        )
        small = [self.count_queries(url) for url in urls]
        area: FocusArea = self.measure.focus_area
        for i in range(12):
            m = self.add_measure(area, f"2.{i}.1", f"Ekstra tiltak {i}", self.actor)
            record_round_status(round=round, measure=m, status=Status.STARTED, actor=self.actor)
        for url, count in zip(urls, small, strict=True):
            with self.assertNumQueries(count):
                self.assertEqual(self.client.get(url).status_code, 200)

    def count_queries(self, url: str) -> int:
        self.client.get(url)  # warm caches that are not ours (sessions, content types)
        with CaptureQueriesContext(connection) as ctx:
            self.assertEqual(self.client.get(url).status_code, 200)
        return len(ctx.captured_queries)


class ReminderPageTests(RoundPageCommitTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.round = self.open_via_web()

    def test_the_button_counts_both_those_mailed_and_those_without_an_address(self) -> None:
        # Issue 20: the button said «dei 3 aktørane» while 19 had not reported.
        self.client.force_login(self.owner)
        doc = parse(self.client.get(self.plan_url("round", self.round.pk)))
        self.assertIn("1 aktør", text(by_testid(doc, "remind-button")))
        self.assertIn("1 utan adresse", text(by_testid(doc, "remind-button")))
        self.assertIn("2 aktørar", text(find(doc, '//*[@data-testid="behind"]/summary')))
        mailed = text(by_testid(doc, "behind-with-address"))
        without = by_testid(doc, "behind-without-address")
        self.assertIn(self.actor.name, mailed)
        self.assertNotIn(self.municipality.name, mailed)
        self.assertIn(self.municipality.name, text(without))
        # Each body without an address gets a button for a new link to hand on.
        action = self.plan_url("round_link", self.round.pk, self.municipality.pk)
        self.assertEqual(len(without.xpath(f'.//form[@action="{action}"]')), 1)

    def test_reminder_goes_only_to_those_behind_with_an_address(self) -> None:
        self.client.force_login(self.owner)
        mail.outbox.clear()
        response = self.client.post(self.plan_url("round_remind", self.round.pk), follow=True)
        self.assertContains(response, "Sende 1 påminning")
        self.assertEqual([m.to for m in mail.outbox], [["post@testdal.no"]])
        new_token = token_in(mail.outbox[0].body)
        for measure in [self.measure, self.second]:
            self.report(new_token, measure.pk, "done", self.latest_pk(measure.pk))
        mail.outbox.clear()
        self.client.force_login(self.owner)
        self.client.post(self.plan_url("round_remind", self.round.pk))
        self.assertEqual(mail.outbox, [])
        self.assertEqual(ReminderSent.objects.filter(kind=ReminderSent.Kind.MANUAL).count(), 1)


class MailServerDownTests(RoundPageCommitTestCase):
    """A real SMTP connection to a port where nothing listens: the mails fail, nothing is lost."""

    def test_failed_mails_are_shown_and_reminders_retried(self) -> None:
        with self.settings(**mail_server_down()):
            round = self.open_via_web()
            # The invitation failed, so the actor's link is on the page to copy instead.
            rows = self.link_rows()
            self.assertEqual(rows["Testdal regionråd"]["mailed"], "no")
            self.assertIn("feila", rows["Testdal regionråd"]["text"])
            self.client.force_login(self.owner)
            response = self.client.post(self.plan_url("round_remind", round.pk), follow=True)
            self.assertContains(response, "kunne ikkje sendast")
        self.assertFalse(ReminderSent.objects.exists())
        doc = parse(self.client.get(self.plan_url("round", round.pk)))
        failures = [text(li) for li in by_testid(doc, "mail-failures").xpath("./li")]
        self.assertEqual(len(failures), 2)  # the invitation and the reminder
        self.assertTrue(all("post@testdal.no" in f for f in failures), failures)
        # The server is back: the same button now reaches the actor.
        self.client.post(self.plan_url("round_remind", round.pk))
        self.assertEqual([m.to for m in mail.outbox], [["post@testdal.no"]])
        self.assertEqual(ReminderSent.objects.count(), 1)
