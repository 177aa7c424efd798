"""«Få lenkja di på nytt» (issue 20, item 3): a contact person gives their address and gets
a fresh link by mail for each open round they report in. The page answers the same whether
or not the address is known, and requests are limited per client and per address."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from planstatus.plans.models import MeasureActor
from planstatus.regions.models import Actor, ContactPerson
from planstatus.regions.services import set_actor_group
from planstatus.reporting.actions.links import resolve_link, revoke_link
from planstatus.reporting.actions.rounds import close_round
from planstatus.reporting.models import ReportingLink
from planstatus.reporting.people_views import REQUESTS_PER_ADDRESS, REQUESTS_PER_CLIENT
from tests.base import BaseTestCase
from tests.html import by_testid, find, parse, text
from tests.test_rounds import BASE_URL, RoundSetup, token_in

URL = "/r/ny-lenke/"
SIRI_MAIL = "siri.kontaktsen@testdal.no"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


@override_settings(
    BASE_URL=BASE_URL,
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "link-request-tests",
        }
    },
)
class LinkRequestTests(RoundSetup, BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        self.siri = ContactPerson.objects.create(
            actor=self.actor, name="Siri Kontaktsen", email=SIRI_MAIL
        )
        self.opened = self.open()
        self.round = self.opened.round
        mail.outbox.clear()

    def ask(self, email: str, ip: str = "192.0.2.10") -> Any:
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(URL, {"email": email}, REMOTE_ADDR=ip)

    def answer(self, response: Any) -> str:
        """The page as the asker sees it, without the form tokens that differ each time."""
        return CSRF.sub("", response.content.decode())

    def test_the_page_and_its_form(self) -> None:
        page = self.client.get(URL)
        self.assertEqual(page.status_code, 200)
        self.assertEqual(
            find(parse(page), '//main//form//input[@name="email"]').get("type"), "email"
        )
        empty = self.client.post(URL, {"email": ""})
        self.assertEqual(empty.status_code, 400)
        self.assertIn("Skriv e-postadressa di", text(find(parse(empty), '//*[@role="alert"]')))
        self.assertEqual(mail.outbox, [])

    def test_a_contact_person_gets_a_fresh_link_of_their_own(self) -> None:
        before = ReportingLink.objects.count()
        response = self.ask(" Siri.Kontaktsen@Testdal.NO ")
        self.assertEqual(response.status_code, 200)
        self.assertIn("no-store", response["Cache-Control"])
        [message] = mail.outbox
        self.assertEqual(message.to, [SIRI_MAIL])
        self.assertIn("Hei, Siri Kontaktsen.", message.body)
        link = resolve_link(token=token_in(message.body))
        assert link is not None
        self.assertEqual((link.contact_person, link.round), (self.siri, self.round))
        self.assertEqual(ReportingLink.objects.count(), before + 1)
        # The invitation's link keeps working beside the new one.
        invitation = next(e for e in self.opened.links if e.contact_person == self.siri)
        self.assertEqual(resolve_link(token=invitation.token), invitation.link)

    def test_an_actors_own_address_gets_the_actors_link(self) -> None:
        self.municipality.email = "post@kommune.testdal.no"
        self.municipality.save()
        self.ask("post@kommune.testdal.no")
        [message] = mail.outbox
        link = resolve_link(token=token_in(message.body))
        assert link is not None
        self.assertEqual((link.actor, link.contact_person), (self.municipality, None))

    def test_a_member_of_a_group_gets_its_link(self) -> None:
        close_round(round=self.round, user=self.owner)
        gol = Actor.objects.create(region=self.region, name="Gol kommune")
        per = ContactPerson.objects.create(actor=gol, name="Per Gol", email="per@gol.no")
        group = Actor.objects.create(region=self.region, name="Kommunane")
        group.email = "felles@kommunane.no"
        group.save()
        set_actor_group(actor=group, is_group=True, members=[gol])
        MeasureActor.objects.filter(actor=self.municipality).update(actor=group)
        round = self.open(title="Neste runde").round
        mail.outbox.clear()
        self.ask("per@gol.no")
        [message] = mail.outbox
        link = resolve_link(token=token_in(message.body))
        assert link is not None
        self.assertEqual((link.actor, link.contact_person, link.round), (gol, per, round))
        # The group itself reports through its members: its own address gets no link.
        self.ask("felles@kommunane.no")
        self.assertEqual(len(mail.outbox), 1)

    def test_the_answer_is_the_same_whether_or_not_the_address_is_known(self) -> None:
        known = self.ask(SIRI_MAIL)
        unknown = self.ask("ingen@example.no")
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual((known.status_code, unknown.status_code), (200, 200))
        self.assertEqual(self.answer(known), self.answer(unknown))
        self.assertEqual(known["Cache-Control"], unknown["Cache-Control"])
        self.assertIn("ny lenke", text(by_testid(parse(known), "link-request-answer")))

        # Known, but with no open round, or with every link withdrawn: the same answer too.
        for link in ReportingLink.objects.filter(contact_person=self.siri):
            revoke_link(link=link)
        withdrawn = self.ask(SIRI_MAIL, ip="192.0.2.11")
        close_round(round=self.round, user=self.owner)
        closed = self.ask("post@testdal.no", ip="192.0.2.12")
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(self.answer(withdrawn), self.answer(unknown))
        self.assertEqual(self.answer(closed), self.answer(unknown))

    def test_requests_are_limited_per_address(self) -> None:
        for n in range(REQUESTS_PER_ADDRESS + 2):
            response = self.ask(SIRI_MAIL, ip=f"192.0.2.{20 + n}")
            self.assertEqual(response.status_code, 200)
            self.assertEqual(
                self.answer(response),
                self.answer(self.ask("ingen@example.no", ip=f"192.0.2.{50 + n}")),
            )
        # The inbox got no more than the limit, and the page never said so.
        self.assertEqual(len(mail.outbox), REQUESTS_PER_ADDRESS)

    def test_requests_are_limited_per_client(self) -> None:
        for n in range(REQUESTS_PER_CLIENT):
            self.assertEqual(self.ask(f"ingen{n}@example.no").status_code, 200)
        limited = self.ask(SIRI_MAIL)
        self.assertEqual(limited.status_code, 429)
        self.assertIn("Vent ein time", text(by_testid(parse(limited), "link-request-limited")))
        self.assertEqual(mail.outbox, [])
        # Another client is not held back by this one.
        self.assertEqual(self.ask(SIRI_MAIL, ip="198.51.100.7").status_code, 200)
        self.assertEqual(len(mail.outbox), 1)

    def test_a_dead_or_ended_link_points_to_the_page(self) -> None:
        entry = next(e for e in self.opened.links if e.contact_person == self.siri)
        revoke_link(link=entry.link)
        refused = self.client.get(reverse("actor_link", args=[entry.token]))
        self.assertEqual(refused.status_code, 410)
        self.assertEqual(by_testid(parse(refused), "link-request").get("href"), URL)
        unknown = self.client.get(reverse("actor_link", args=["x" * 43]))
        self.assertEqual(by_testid(parse(unknown), "link-request").get("href"), URL)
