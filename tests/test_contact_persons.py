"""Contact persons (issue 20, item 2): each gets a link of their own, every report records
the person who saved it, only the secretariat sees them, and removing one keeps the reports.
"""

from __future__ import annotations

import io
from typing import Any

import openpyxl  # type: ignore[import-untyped]
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from planstatus.api.services import issue_api_token
from planstatus.lib.status import Status
from planstatus.plans.models import MeasureActor, Plan, StatusUpdate
from planstatus.regions.models import Actor, ContactPerson
from planstatus.regions.services import set_actor_group
from planstatus.reporting.actions.links import resolve_link, revoke_link
from planstatus.reporting.actions.people import remove_contact_person
from planstatus.reporting.actions.reminders import send_manual_reminders, send_reminders
from planstatus.reporting.actions.reports import approve_submissions, record_round_status
from planstatus.reporting.models import (
    MailFailure,
    ReminderSent,
    ReportingLink,
    RoundReport,
    Submission,
)
from tests.base import BaseCommitTestCase, BaseTestCase, mail_server_down
from tests.html import by_testid, find, parse, text
from tests.test_rounds import BASE_URL, DAY, RoundSetup, at_eight, token_in


def xlsx_text(data: bytes) -> str:
    """Every cell of every sheet, as text."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(
        str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
    )


SIRI = "Siri Kontaktsen"
OLA = "Ola Kontaktsen"
SIRI_MAIL = "siri.kontaktsen@testdal.no"
OLA_MAIL = "ola.kontaktsen@testdal.no"


class PeopleSetup(RoundSetup):
    def setUp(self) -> None:
        super().setUp()
        self.siri = ContactPerson.objects.create(
            actor=self.actor, name=SIRI, email=SIRI_MAIL, phone="+47 912 34 567"
        )
        self.ola = ContactPerson.objects.create(actor=self.actor, name=OLA, email=OLA_MAIL)

    def person_link(self, opened: Any, person: ContactPerson) -> Any:
        return next(e for e in opened.links if e.contact_person == person)


@override_settings(BASE_URL=BASE_URL)
class ContactPersonRoundTests(PeopleSetup, BaseTestCase):
    def test_each_person_gets_a_link_of_their_own(self) -> None:
        opened = self.open()

        own = [e for e in opened.links if e.actor == self.actor]
        self.assertEqual([e.contact_person for e in own], [self.ola, self.siri])
        self.assertTrue(all(e.mailed for e in own))
        self.assertEqual(
            sorted(m.to[0] for m in mail.outbox), [OLA_MAIL, SIRI_MAIL]
        )  # not the actor's own address: its persons have theirs
        siri_mail = next(m for m in mail.outbox if m.to == [SIRI_MAIL])
        self.assertIn(f"Hei, {SIRI}.", siri_mail.body)
        self.assertIn(f"personleg for {SIRI} i Testdal regionråd", siri_mail.body)
        self.assertIn(BASE_URL + "/r/ny-lenke/", siri_mail.body)
        # Each its own link, each working.
        siri, ola = self.person_link(opened, self.siri), self.person_link(opened, self.ola)
        self.assertNotEqual(siri.token, ola.token)
        self.assertEqual(token_in(siri_mail.body), siri.token)
        self.assertEqual(resolve_link(token=siri.token), siri.link)
        self.assertEqual(resolve_link(token=ola.token), ola.link)
        # An actor without persons keeps its one link, to hand on (it has no address).
        [municipality] = [e for e in opened.links if e.actor == self.municipality]
        self.assertEqual((municipality.contact_person, municipality.mailed), (None, False))

    def test_a_group_gives_each_members_persons_a_link(self) -> None:
        gol = Actor.objects.create(region=self.region, name="Gol kommune")
        hol = Actor.objects.create(region=self.region, name="Hol kommune", email="post@hol.no")
        per = ContactPerson.objects.create(actor=gol, name="Per Gol", email="per@gol.no")
        group = Actor.objects.create(region=self.region, name="Kommunane")
        set_actor_group(actor=group, is_group=True, members=[gol, hol])
        MeasureActor.objects.filter(actor=self.municipality).update(actor=group)

        opened = self.open()

        recipients = {(e.actor.name, e.email, e.contact_person) for e in opened.links}
        self.assertIn(("Gol kommune", "per@gol.no", per), recipients)
        self.assertIn(("Hol kommune", "post@hol.no", None), recipients)
        self.assertNotIn("Kommunane", {e.actor.name for e in opened.links})
        hol_mail = next(m for m in mail.outbox if m.to == ["post@hol.no"])
        self.assertIn("1.1.3 Kommunen sitt tiltak", hol_mail.body)

    def test_a_report_records_the_person_whose_link_saved_it(self) -> None:
        opened = self.open()
        siri = self.person_link(opened, self.siri)
        update = record_round_status(
            round=opened.round, measure=self.measure, status=Status.STARTED, link=siri.link
        )
        assert isinstance(update, StatusUpdate)
        report = RoundReport.objects.get(status_update=update)
        self.assertEqual((report.actor, report.contact_person), (self.actor, self.siri))

    def test_a_report_awaiting_approval_keeps_the_person_to_its_approval(self) -> None:
        Plan.objects.filter(pk=self.plan.pk).update(reports_need_approval=True)
        opened = self.open()
        ola = self.person_link(opened, self.ola)
        submission = record_round_status(
            round=opened.round, measure=self.measure, status=Status.DONE, link=ola.link
        )
        assert isinstance(submission, Submission)
        self.assertEqual(submission.contact_person, self.ola)
        [update] = approve_submissions(submissions=[submission], user=self.owner)
        report = RoundReport.objects.get(status_update=update)
        self.assertEqual((report.actor, report.contact_person), (self.actor, self.ola))

    def test_removing_a_person_ends_their_links_and_keeps_their_reports(self) -> None:
        opened = self.open()
        siri, ola = self.person_link(opened, self.siri), self.person_link(opened, self.ola)
        update = record_round_status(
            round=opened.round, measure=self.measure, status=Status.DONE, link=siri.link
        )
        assert isinstance(update, StatusUpdate)

        reminded = ReminderSent.objects.create(
            round=opened.round,
            actor=self.actor,
            contact_person=self.siri,
            email=SIRI_MAIL,
            kind=ReminderSent.Kind.MANUAL,
        )
        failed = MailFailure.objects.create(
            round=opened.round, actor=self.actor, kind=MailFailure.Kind.MANUAL, email=SIRI_MAIL
        )
        self.siri.phone = "+47 400 00 000"
        self.siri.save()

        remove_contact_person(person=self.siri, user=self.owner)

        self.assertFalse(ContactPerson.objects.filter(name=SIRI).exists())
        self.assertIsNone(resolve_link(token=siri.token))
        self.assertEqual(ReportingLink.objects.get(pk=siri.link.pk).revoked_by, self.owner)
        self.assertEqual(resolve_link(token=ola.token), ola.link)
        report = RoundReport.objects.get(status_update=update)
        self.assertEqual((report.actor, report.contact_person), (self.actor, None))
        # The change log keeps who removed whom.
        removal = ContactPerson.history.filter(  # type: ignore[attr-defined]
            name=SIRI
        ).latest("history_date")
        self.assertEqual((removal.history_type, removal.history_user), ("-", self.owner))
        # Their address and phone are gone from every version and from the round's records.
        versions = ContactPerson.history.filter(name=SIRI)  # type: ignore[attr-defined]
        self.assertEqual(versions.count(), 3)
        self.assertEqual({(v.email, v.phone) for v in versions}, {("", "")})
        reminded.refresh_from_db()
        failed.refresh_from_db()
        for row in (reminded, failed):
            self.assertTrue(row.email.endswith("@fjerna.invalid"), row.email)
        # Ola's are untouched.
        self.assertTrue(ContactPerson.history.filter(email=OLA_MAIL).exists())  # type: ignore[attr-defined]


class PersonReminderTests(PeopleSetup, BaseCommitTestCase):
    """Reminders are mailed after their transaction commits: these tests commit."""

    def test_reminders_give_each_person_a_new_link_once_a_day(self) -> None:
        opened = self.open()
        mail.outbox.clear()
        sent = send_reminders(now=at_eight(self.deadline - 7 * DAY), base_url=BASE_URL)
        self.assertEqual(
            sorted((r.email, r.contact_person) for r in sent if r.actor == self.actor),
            [(OLA_MAIL, self.ola), (SIRI_MAIL, self.siri)],
        )
        for message in mail.outbox:
            link = resolve_link(token=token_in(message.body))
            assert link is not None
            self.assertEqual(link.contact_person.email, message.to[0])  # type: ignore[union-attr]
        # The invitation's links keep working, and a second run the same day sends nothing.
        self.assertIsNotNone(resolve_link(token=self.person_link(opened, self.siri).token))
        again = send_reminders(now=at_eight(self.deadline - 7 * DAY), base_url=BASE_URL)
        self.assertEqual(again, [])
        self.assertEqual(ReminderSent.objects.filter(actor=self.actor).count(), 2)

    def test_a_person_whose_links_were_revoked_gets_none_back(self) -> None:
        opened = self.open()
        revoke_link(link=self.person_link(opened, self.siri).link, user=self.owner)
        mail.outbox.clear()
        sent = send_manual_reminders(round=opened.round, user=self.owner, base_url=BASE_URL)
        self.assertEqual([r.contact_person for r in sent], [self.ola])
        self.assertEqual([m.to for m in mail.outbox], [[OLA_MAIL]])

    def test_the_button_counts_a_withdrawn_person_as_no_failure(self) -> None:
        opened = self.open()
        revoke_link(link=self.person_link(opened, self.siri).link, user=self.owner)
        self.client.force_login(self.owner)
        url = reverse("round_remind", args=["testdal", "regionplan", opened.round.pk])
        page = self.client.post(url, follow=True).content.decode()
        self.assertIn("Sende 1 påminning.", page)
        self.assertNotIn("kunne ikkje sendast", page)
        with self.settings(**mail_server_down()):
            page = self.client.post(url, follow=True).content.decode()
        self.assertIn("1 påminning kunne ikkje sendast", page)


@override_settings(BASE_URL=BASE_URL)
class WhoSeesThePersonTests(PeopleSetup, BaseTestCase):
    """The secretariat sees the person's name; a link holder sees the body only, in a
    conflict too; no public page, API answer or download shows a person."""

    def setUp(self) -> None:
        super().setUp()
        self.opened = self.open()
        self.round = self.opened.round

    def link_client(self, person: ContactPerson) -> tuple[Client, int]:
        client = Client()
        entry = self.person_link(self.opened, person)
        client.get(reverse("actor_link", args=[entry.token]))
        return client, entry.link.pk

    def save(self, client: Client, link_pk: int, expected: str = "") -> Any:
        m = self.measure.pk
        return client.post(
            reverse("actor_report", args=[link_pk, m]),
            {f"m{m}-status": "started", f"m{m}-expected_previous": expected},
            HTTP_HX_REQUEST="true",
        )

    def test_secretariat_sees_the_person_link_holders_and_readers_do_not(self) -> None:
        siri_client, siri_link = self.link_client(self.siri)
        self.assertEqual(self.save(siri_client, siri_link).status_code, 200)

        self.client.force_login(self.owner)
        round_url = reverse("round", args=["testdal", "regionplan", self.round.pk])
        page = parse(self.client.get(round_url))
        item = find(page, f'//*[@id="tiltak-{self.measure.pk}"]')
        self.assertIn(f"Testdal regionråd ({SIRI})", text(item))

        measure_url = f"/testdal/regionplan/tiltak/{self.measure.pk}/"
        measure_page = parse(self.client.get(measure_url))
        self.assertEqual(text(by_testid(measure_page, "reported-by-person")), f"({SIRI})")

        self.client.force_login(self.colleague)
        for url in (round_url, measure_url):
            reader_page = self.client.get(url).content.decode()
            self.assertIn("Testdal regionråd", reader_page)
            self.assertNotIn(SIRI, reader_page)
            self.assertNotIn(SIRI_MAIL, reader_page)

        # Ola, of the same body, saw the measure before Siri's save: his save is stopped,
        # and the message names the body, never the person.
        ola_client, ola_link = self.link_client(self.ola)
        conflict = self.save(ola_client, ola_link)
        self.assertEqual(conflict.status_code, 409)
        message = conflict.content.decode()
        self.assertIn("Testdal regionråd", message)
        self.assertNotIn(SIRI, message)
        page = ola_client.get(reverse("actor_page", args=[ola_link])).content.decode()
        self.assertNotIn(SIRI, page)
        self.assertNotIn(OLA, page)

    def test_no_public_page_api_answer_or_download_names_a_person(self) -> None:
        siri_client, siri_link = self.link_client(self.siri)
        self.save(siri_client, siri_link)
        secrets = [SIRI, SIRI_MAIL, OLA, OLA_MAIL, "912 34 567"]
        token = issue_api_token(user=self.owner, name="intern")[1]
        api = "/api/v1/regions/testdal/plans/regionplan"
        pages = [
            "/testdal/",
            "/testdal/regionplan/",
            f"/testdal/regionplan/tiltak/{self.measure.pk}/",
            "/testdal/regionplan/oversikt/",
            "/testdal/regionplan/aktorar/",
        ]
        downloads = [f"/testdal/regionplan/data.{fmt}" for fmt in ("csv", "json", "xlsx")]
        api_urls = [
            f"{api}/measures",
            f"{api}/measures/{self.measure.pk}",
            f"{api}/measures/{self.measure.pk}/history",
            "/api/v1/regions/testdal",
        ]
        owner = Client()
        owner.force_login(self.owner)
        bearer = {"Authorization": f"Bearer {token}"}
        # The public pages as anyone sees them; the downloads and API answers also as the
        # secretariat sees them (the internal file, the internal API): never a person.
        requests: list[tuple[Client, str, dict[str, str]]] = [
            (Client(), url, {}) for url in pages + downloads + api_urls
        ]
        requests += [(owner, url, {}) for url in downloads]
        requests += [(Client(), url, bearer) for url in api_urls]
        checked = 0
        for client, url, headers in requests:
            response = client.get(url, headers=headers)
            self.assertEqual(response.status_code, 200, url)
            body = response.content.decode(errors="replace")
            if url.endswith(".xlsx"):
                body = xlsx_text(response.content)
            for secret in secrets:
                self.assertNotIn(secret, body, (url, headers))
            checked += 1
        self.assertEqual(checked, len(requests))
        # The internal download was the internal one: the person's body is named there.
        internal = owner.get("/testdal/regionplan/data.csv").content.decode("utf-8-sig")
        self.assertIn("Testdal regionråd", internal)


class ContactPersonPageTests(BaseTestCase):
    def url(self, *parts: Any) -> str:
        if not parts:
            return reverse("contact_persons", args=["testdal", self.actor.pk])
        name = "contact_person_edit" if len(parts) == 1 else "contact_person_remove"
        return reverse(name, args=["testdal", self.actor.pk, parts[0]])

    def test_the_secretariat_adds_edits_and_removes_a_person(self) -> None:
        self.client.force_login(self.owner)
        self.assertEqual(self.client.get(self.url()).status_code, 200)
        added = self.client.post(
            self.url(), {"name": "  Siri   Kontaktsen ", "email": SIRI_MAIL, "phone": ""}
        )
        self.assertEqual(added.status_code, 302)
        person = ContactPerson.objects.get()
        self.assertEqual((person.name, person.actor), (SIRI, self.actor))
        page = parse(self.client.get(self.url()))
        self.assertIn(SIRI_MAIL, text(by_testid(page, "contact-person")))
        # A person added mid-round is pointed to where they get their link at once.
        self.assertEqual(len(page.xpath('//main//a[@href="/r/ny-lenke/"]')), 1)

        edited = self.client.post(
            self.url(person.pk), {"name": SIRI, "email": SIRI_MAIL, "phone": "+47 912 34 567"}
        )
        self.assertEqual(edited.status_code, 302)
        person.refresh_from_db()
        self.assertEqual(person.phone, "+47 912 34 567")
        # Every version is in the change log, with who made it.
        versions = ContactPerson.history.filter(  # type: ignore[attr-defined]
            id=person.pk
        ).order_by("history_date")
        self.assertEqual([v.history_type for v in versions], ["+", "~"])
        self.assertEqual({v.history_user for v in versions}, {self.owner})

        confirm = self.client.get(self.url(person.pk, "remove"))
        self.assertEqual(confirm.status_code, 200)
        self.assertTrue(ContactPerson.objects.exists())  # a GET removes nothing
        self.assertEqual(self.client.post(self.url(person.pk, "remove")).status_code, 302)
        self.assertFalse(ContactPerson.objects.exists())

    def test_bad_input_gets_a_message_and_saves_nothing(self) -> None:
        ContactPerson.objects.create(actor=self.actor, name=SIRI, email=SIRI_MAIL)
        self.client.force_login(self.owner)
        for data, words in [
            ({"name": "", "email": OLA_MAIL}, "Skriv namnet"),
            ({"name": OLA, "email": "ikkje ei adresse"}, "gyldig e-postadresse"),
            ({"name": OLA, "email": SIRI_MAIL.upper()}, "har alt ein kontaktperson"),
            ({"name": OLA, "email": OLA_MAIL, "phone": "ring meg"}, "telefonnummeret"),
            ({"name": "x" * 201, "email": OLA_MAIL}, "200"),
        ]:
            with self.subTest(data=data):
                response = self.client.post(self.url(), data)
                self.assertEqual(response.status_code, 400)
                self.assertIn(words, text(find(parse(response), '//*[@role="alert"]')))
        self.assertEqual(ContactPerson.objects.count(), 1)

    def test_only_the_secretariat_sees_contact_persons(self) -> None:
        ContactPerson.objects.create(actor=self.actor, name=SIRI, email=SIRI_MAIL)
        self.client.force_login(self.colleague)
        self.assertIn(self.client.get(self.url()).status_code, {403, 404})
        actors = self.client.get(reverse("actor_list", args=["testdal"]))
        self.assertEqual(parse(actors).xpath('//*[@data-testid="contact-persons-link"]'), [])
        self.client.force_login(self.owner)
        actors = self.client.get(reverse("actor_list", args=["testdal"]))
        self.assertEqual(len(parse(actors).xpath('//*[@data-testid="contact-persons-link"]')), 1)


class OpeningPageTests(PeopleSetup, BaseTestCase):
    def test_the_opened_page_counts_links_and_names_each_person(self) -> None:
        self.client.force_login(self.owner)
        form_page = self.client.get(reverse("round_open", args=["testdal", "regionplan"]))
        who = text(find(parse(form_page), '//section[@aria-labelledby="who-heading"]'))
        self.assertIn(f"{OLA} {OLA_MAIL}, {SIRI} {SIRI_MAIL}", who)
        response = self.client.post(
            reverse("round_open", args=["testdal", "regionplan"]),
            {"title": "Vår", "deadline": self.deadline.isoformat(), "reminders_before": "7"},
        )
        self.assertEqual(response.status_code, 200)
        page = parse(response)
        self.assertIn(
            "2 av 3 lenker gjekk ut på e-post", text(find(page, '//p[contains(@class, "lede")]'))
        )
        names = [text(e) for e in page.xpath('//*[@data-testid="contact-person"]')]
        self.assertEqual(names, [OLA, SIRI])
        # One copy field per link: the ids never collide when an actor has several.
        ids = [e.get("id") for e in page.xpath('//textarea[@data-testid="copy-link"]')]
        self.assertEqual(len(ids), len(set(ids)))
