"""A personal link is a password in an address. Issue 17's holes, each closed: a link ends
with its round and says whom to ask; its page shows what the public sees plus the body's
own reports; its token stays out of later addresses, Referers, ?next= and every log."""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
import time
import urllib.request
from typing import Any

from django.test import Client, override_settings
from django.urls import reverse

from planstatus.lib.status import Status
from planstatus.plans.actions.status import record_status
from planstatus.plans.models import MeasureActor
from planstatus.reporting.actions.links import revoke_link
from planstatus.reporting.actions.reports import record_round_status
from planstatus.reporting.actions.rounds import close_round
from tests.base import BaseTestCase
from tests.html import by_testid, find, parse, text
from tests.test_backup import ROOT, installation_env
from tests.test_faults import empty_installation_database
from tests.test_production import free_port, get
from tests.test_rounds import BASE_URL, RoundSetup

SECRET = "Intern merknad frå sekretariatet"
EVIDENCE = "https://intern.testdal.example/notat"
PUBLIC = "Arbeidet er i gang, sjå nettsida"


@override_settings(BASE_URL=BASE_URL)
class LinkPrivacyTests(RoundSetup, BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        # The actor is involved in the municipality's measure too.
        MeasureActor.objects.create(
            measure=self.third, actor=self.actor, role=MeasureActor.Role.INVOLVED
        )
        self.opened = self.open()
        self.round = self.opened.round
        [self.entry] = [e for e in self.opened.links if e.actor == self.actor]
        self.token = self.entry.token

    def open_link(self, client: Client | None = None, token: str | None = None) -> Any:
        return (client or self.client).get(reverse("actor_link", args=[token or self.token]))

    def assert_no_token(self, response: Any) -> None:
        self.assertNotIn(self.token, response.content.decode())
        self.assertNotIn(self.token, response.get("Location", ""))

    def test_the_token_is_kept_in_the_session_and_never_seen_again(self) -> None:
        opened = self.open_link()
        self.assertEqual(opened.status_code, 302)
        self.assertEqual(opened["Location"], reverse("actor_page", args=[self.entry.link.pk]))
        self.assertEqual(opened["Referrer-Policy"], "no-referrer")
        page = self.client.get(opened["Location"])
        self.assertEqual(page.status_code, 200)
        # The token-free page may name itself to its own site (its saves need an Origin).
        self.assertEqual(page["Referrer-Policy"], "same-origin")
        self.assertIn("no-store", page["Cache-Control"])
        self.assert_no_token(page)
        doc = parse(page)
        # Saves go to the token-free address too.
        for form in doc.xpath("//main//form"):
            self.assertNotIn(self.token, form.get("action"))
        saved = self.client.post(
            find(
                doc,
                f'//form[@class="report-form"][contains(@action, "/tiltak/{self.measure.pk}/")]',
            ).get("action"),
            {f"m{self.measure.pk}-status": "started", f"m{self.measure.pk}-expected_previous": ""},
            HTTP_HX_REQUEST="true",
        )
        self.assertEqual(saved.status_code, 200)
        self.assert_no_token(saved)
        self.assertEqual(self.measure.current_status, Status.STARTED)

    def test_the_refused_page_keeps_the_token_out_of_its_links(self) -> None:
        close_round(round=self.round, user=self.owner)
        response = self.open_link()
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response["Referrer-Policy"], "no-referrer")
        self.assert_no_token(response)
        doc = parse(response)
        login = find(doc, '//header//a[starts-with(@href, "/konto/login/")]')
        self.assertEqual(login.get("href"), reverse("login"))  # no ?next= with the token
        self.assertEqual(
            find(doc, '//form[@action="/sprak/"]//input[@name="next"]').get("value"), "/"
        )

    def test_a_closed_round_ends_its_links_and_names_whom_to_ask(self) -> None:
        self.owner.first_name, self.owner.last_name = "Kari", "Nordmann"
        self.owner.email = "kari@testdal.example"
        self.owner.save()
        page = self.client.get(self.open_link()["Location"])
        self.assertEqual(page.status_code, 200)
        close_round(round=self.round, user=self.owner)
        # An open page stops working, and the mailed link says why.
        for response in (page, self.open_link()):
            response = self.client.get(reverse("actor_page", args=[self.entry.link.pk]))
            self.assertEqual(response.status_code, 409)
            contact = text(by_testid(parse(response), "contact"))
            self.assertIn("Kari Nordmann (kari@testdal.example)", contact)
            self.assertIn("Status mars 2025", text(by_testid(parse(response), "refused")))
        # The next round's links are its own; the old one does not come back.
        self.open(title="Status haust")
        self.assertEqual(self.open_link().status_code, 409)
        response = self.client.post(
            reverse("actor_report", args=[self.entry.link.pk, self.measure.pk]),
            {f"m{self.measure.pk}-status": "done"},
        )
        self.assertEqual(response.status_code, 409)
        self.assertEqual(self.measure.current_status, Status.UNKNOWN)

    def test_a_page_needs_its_link_opened_in_this_browser(self) -> None:
        url = reverse("actor_page", args=[self.entry.link.pk])
        response = self.client.get(url)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(by_testid(parse(response), "refused").get("data-refusal"), "not_redeemed")
        self.assertNotIn(self.measure.text, response.content.decode())
        post = self.client.post(
            reverse("actor_report", args=[self.entry.link.pk, self.measure.pk]),
            {f"m{self.measure.pk}-status": "done"},
        )
        self.assertEqual(post.status_code, 403)
        self.assertEqual(self.measure.current_status, Status.UNKNOWN)

    def test_several_links_in_one_browser_and_a_forwarded_link(self) -> None:
        [other] = [e for e in self.opened.links if e.actor == self.municipality]
        first = self.open_link()["Location"]
        second = self.open_link(token=other.token)["Location"]
        self.assertIn(self.actor.name, text(find(parse(self.client.get(first)), "//h1")))
        self.assertIn(self.municipality.name, text(find(parse(self.client.get(second)), "//h1")))
        colleague = Client()
        forwarded = colleague.get(self.open_link(colleague)["Location"])
        self.assertEqual(forwarded.status_code, 200)
        # Revoking the link ends it in every browser that opened it.
        revoke_link(link=self.entry.link, user=self.owner)
        self.assertEqual(self.client.get(first).status_code, 410)
        self.assertEqual(colleague.get(first).status_code, 410)
        self.assertEqual(self.client.get(second).status_code, 200)

    def test_the_page_shows_what_the_public_sees_plus_the_bodys_own_reports(self) -> None:
        # Internal notes of the secretariat on the body's own measure and on one it is only
        # involved in; a public comment on a third.
        record_status(
            measure=self.measure,
            status=Status.STARTED,
            comment=SECRET,
            evidence_url=EVIDENCE,
            user=self.owner,
        )
        record_status(measure=self.third, status=Status.STARTED, comment=SECRET, user=self.owner)
        record_status(
            measure=self.second, status=Status.STARTED, comment=PUBLIC, comment_is_public=True
        )
        page = self.client.get(self.open_link()["Location"])
        content = page.content.decode()
        self.assertNotIn(SECRET, content)
        self.assertNotIn(EVIDENCE, content)
        self.assertNotIn(self.owner.get_username(), content)
        self.assertNotIn("sekretariat", text(find(parse(page), "//main")).lower())
        self.assertIn(PUBLIC, content)

        # The body's own report in this round, internal comment and evidence included.
        record_round_status(
            round=self.round,
            measure=self.measure,
            status=Status.DONE,
            comment="Vår eigen merknad",
            evidence_url="https://testdal.example/vedtak",
            actor=self.actor,
            link=self.entry.link,
            expected_previous=self.measure.status_updates.first().pk,  # type: ignore[union-attr]
        )
        item = find(
            parse(self.client.get(self.open_link()["Location"])),
            f'//*[@data-testid="report-item"][@data-code="{self.measure.code}"]',
        )
        self.assertIn("Vår eigen merknad", text(item))
        self.assertIn("https://testdal.example/vedtak", text(item))
        self.assertIn(self.actor.name, text(item.xpath('.//*[@data-testid="in-round"]')[0]))


TOKEN = "LivetErEinLangTokenSomIkkjeSkalIloggen_0123456789abcdefg"


def test_the_development_server_logs_no_token() -> None:
    port = free_port()
    with empty_installation_database() as (folder, url):
        env = installation_env(folder, url, PLANSTATUS_DEBUG="true")
        subprocess.run(
            [sys.executable, "-m", "planstatus.cli", "init", "--no-demo"],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            timeout=300,
        )
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "planstatus.cli",
                "runserver",
                f"127.0.0.1:{port}",
                "--noreload",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            for _ in range(120):
                try:
                    status, _, _ = get(f"http://127.0.0.1:{port}/r/{TOKEN}/")
                    break
                except OSError:
                    time.sleep(0.5)
            else:
                raise AssertionError("the development server did not answer")
            assert status == 404
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/finst/ikkje/",
                headers={"Referer": f"http://127.0.0.1:{port}/r/{TOKEN}/"},
            )
            with contextlib.suppress(urllib.error.HTTPError):
                urllib.request.urlopen(request, timeout=10)
        finally:
            server.terminate()
            output, _ = server.communicate(timeout=30)
    assert TOKEN not in output
    # The requests were logged, with the token taken out.
    assert re.search(r'"GET /r/\[lenkje\]/ HTTP/1\.1" 404', output), output


@override_settings(BASE_URL=BASE_URL)
class RevokeOneLinkTests(RoundSetup, BaseTestCase):
    def test_the_secretariat_revokes_one_link_and_the_others_keep_working(self) -> None:
        opened = self.open()
        [first] = [e for e in opened.links if e.actor == self.actor]
        round_url = reverse("round", args=["testdal", "regionplan", opened.round.pk])
        self.client.force_login(self.owner)
        response = self.client.post(
            reverse("round_link", args=["testdal", "regionplan", opened.round.pk, self.actor.pk])
        )
        second_token = find(parse(response), '//input[@data-testid="copy-link"]').get("value")
        rows = parse(self.client.get(round_url)).xpath('//tr[@data-testid="round-link"]')
        mine = [r for r in rows if self.actor.name in text(r)]
        self.assertEqual(len(mine), 2)
        self.assertTrue(all("verkar" in text(r) for r in mine))

        revoke = reverse(
            "round_link_revoke", args=["testdal", "regionplan", opened.round.pk, first.link.pk]
        )
        self.assertRedirects(
            self.client.post(revoke), round_url + "#links-heading", fetch_redirect_response=False
        )
        self.client.logout()
        self.assertEqual(
            self.client.get(reverse("actor_link", args=[first.token])).status_code, 410
        )
        second = self.client.get(
            reverse("actor_link", args=[second_token.rsplit("/r/", 1)[1].strip("/")])
        )
        self.assertEqual(second.status_code, 302)

        # A link is revoked only through its own round's page.
        self.client.force_login(self.owner)
        other_round = reverse(
            "round_link_revoke", args=["testdal", "regionplan", 999, first.link.pk]
        )
        self.assertEqual(self.client.post(other_round).status_code, 404)
