"""Atom feeds of a plan and of a region (issue 23): public status changes, closed rounds and
sent cases, each entry linking to its page; valid against RFC 4287's RELAX NG schema; nothing
of an unpublished plan or of internal comments in them, whoever asks; found from the plan's
and the region's pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from lxml import etree  # type: ignore[import-untyped]

from planstatus.feedback.models import PublicInput
from planstatus.lib.status import Status
from planstatus.plans.actions.status import record_status
from planstatus.plans.models import Measure, Plan
from tests.base import BaseTestCase
from tests.cases import archived_case, closed_round
from tests.html import parse

ATOM = "{http://www.w3.org/2005/Atom}"
NS = {"a": "http://www.w3.org/2005/Atom"}
SCHEMA = etree.RelaxNG(
    etree.parse(str(Path(__file__).parent / "fixtures" / "atom" / "rfc4287.rng"))
)


class FeedTests(BaseTestCase):
    def setUp(self) -> None:
        self.plan_url = reverse("plan_feed", args=["testdal", "regionplan"])
        self.region_url = reverse("region_feed", args=["testdal"])
        record_status(measure=self.measure, status=Status.STARTED)
        record_status(
            measure=self.measure,
            status=Status.DONE,
            comment="Opna for publikum i mai.",
            comment_is_public=True,
        )
        self.second = Measure.objects.create(
            focus_area=self.measure.focus_area,
            code="1.1.2",
            text="Breiband til <alle> & kvar",
            order=2,
        )
        record_status(measure=self.second, status=Status.STARTED, comment="Intern merknad")
        closed_round(self.plan, "Vår 2026")
        archived_case(self.plan, self.owner, "16-26")
        # The draft: nothing of it may be in any feed.
        record_status(measure=self.draft_measure, status=Status.DONE, comment_is_public=True)
        closed_round(self.draft, "Hemmeleg runde")
        archived_case(self.draft, self.owner, "99-26")

    def feed(self, url: str, **extra: Any) -> Any:
        response = self.client.get(url, **extra)
        self.assertEqual(response.status_code, 200, url)
        self.assertEqual(response["Content-Type"], "application/atom+xml; charset=utf-8")
        doc = etree.fromstring(response.content)
        self.assertTrue(SCHEMA.validate(doc), SCHEMA.error_log)
        return doc

    def entries(self, doc: Any) -> list[dict[str, str]]:
        return [
            {
                "title": e.findtext(f"{ATOM}title"),
                "id": e.findtext(f"{ATOM}id"),
                "link": e.find(f"{ATOM}link[@rel='alternate']").get("href"),
                "summary": e.findtext(f"{ATOM}summary"),
                "updated": e.findtext(f"{ATOM}updated"),
            }
            for e in doc.findall(f"{ATOM}entry")
        ]

    def test_plan_feed_is_valid_atom_and_each_entry_links_to_its_page(self) -> None:
        doc = self.feed(self.plan_url)
        entries = self.entries(doc)
        titles = [e["title"] for e in entries]
        self.assertIn("Tiltak 1.1.1: påstarta → gjennomført", titles)
        self.assertIn("Tiltak 1.1.2: ikkje vurdert → påstarta", titles)
        self.assertIn("Rapporteringsrunden «Vår 2026» er lukka", titles)
        self.assertTrue(any(t.startswith("Sak 16-26 er send til politisk") for t in titles))
        self.assertEqual(len(entries), 4)  # one per measure: its current status
        self.assertEqual(len({e["id"] for e in entries}), 4)
        for e in entries:
            self.assertTrue(e["link"].startswith("http://testserver/"), e)
            self.assertTrue(e["id"].startswith("http://testserver/"), e)
            page = self.client.get(e["link"].removeprefix("http://testserver"))
            self.assertEqual(page.status_code, 200, e)
        self.assertEqual(
            [e["updated"] for e in entries], sorted((e["updated"] for e in entries), reverse=True)
        )
        # The feed names itself and its page.
        self_link = doc.find(f"{ATOM}link[@rel='self']").get("href")
        self.assertEqual(self_link, "http://testserver" + self.plan_url)

    def test_public_comments_only_and_every_text_escaped(self) -> None:
        doc = self.feed(self.plan_url)
        summaries = " ".join(e["summary"] for e in self.entries(doc))
        self.assertIn("Opna for publikum i mai.", summaries)
        self.assertNotIn("Intern merknad", summaries)
        # The summary is HTML: the measure's own < and & arrive as text, not markup.
        self.assertIn("<p>Breiband til &lt;alle&gt; &amp; kvar</p>", summaries)

    def test_nothing_of_an_unpublished_plan_whoever_asks(self) -> None:
        draft_url = reverse("plan_feed", args=["testdal", "utkast"])
        for user in [None, self.outsider, self.owner]:
            if user is not None:
                self.client.force_login(user)
            self.assertEqual(self.client.get(draft_url).status_code, 404, user)
            body = self.client.get(self.region_url).content.decode()
            self.assertNotIn(self.draft_measure.text, body)
            self.assertNotIn("Hemmeleg runde", body)
            self.assertNotIn("99-26", body)
            self.assertNotIn("Utkast til ny plan", body)

    def test_region_feed_holds_its_published_plans_each_named(self) -> None:
        other = Plan.objects.create(
            region=self.region,
            slug="program",
            kind=Plan.Kind.PROGRAMME,
            title="Byregionprogrammet",
            published=True,
        )
        closed_round(other, "Haust 2025")
        entries = self.entries(self.feed(self.region_url))
        titles = [e["title"] for e in entries]
        self.assertIn("Byregionprogrammet: Rapporteringsrunden «Haust 2025» er lukka", titles)
        self.assertIn("Regionplan for Testdal: Tiltak 1.1.1: påstarta → gjennomført", titles)
        self.assertEqual(len(entries), 5)

    def test_a_region_without_a_published_plan_has_no_feed(self) -> None:
        Plan.objects.filter(pk=self.plan.pk).update(published=False)
        self.assertEqual(self.client.get(self.region_url).status_code, 404)
        self.assertEqual(self.client.get(self.plan_url).status_code, 404)

    def test_an_empty_plan_still_gives_a_valid_feed(self) -> None:
        Plan.objects.create(
            region=self.region, slug="tom", kind=Plan.Kind.PROGRAMME, title="Tom", published=True
        )
        doc = self.feed(reverse("plan_feed", args=["testdal", "tom"]))
        self.assertEqual(self.entries(doc), [])

    def test_the_schema_refuses_what_is_not_atom(self) -> None:
        # The check can fail: a feed without its id and with a date in words is refused.
        bad = etree.fromstring(
            b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>'
            b"<updated>yesterday</updated></feed>"
        )
        self.assertFalse(SCHEMA.validate(bad))

    def test_pages_name_their_feed_for_readers_to_find(self) -> None:
        for page_url, feed_url in [
            (self.plan.get_absolute_url(), self.plan_url),
            (reverse("region", args=["testdal"]), self.region_url),
        ]:
            doc = parse(self.client.get(page_url))
            [link] = doc.xpath('//head/link[@rel="alternate"][@type="application/atom+xml"]')
            self.assertEqual(link.get("href"), feed_url)
            self.assertTrue(link.get("title"))
        # A plan the public cannot see names no feed, even to its secretariat.
        self.client.force_login(self.owner)
        doc = parse(self.client.get(self.draft.get_absolute_url()))
        self.assertEqual(doc.xpath('//link[@type="application/atom+xml"]'), [])

    def test_query_count_does_not_grow_with_entries(self) -> None:
        self.client.get(self.region_url)
        with CaptureQueriesContext(connection) as small:
            self.client.get(self.region_url)
        for n in range(10):
            m = Measure.objects.create(
                focus_area=self.measure.focus_area, code=f"1.1.{n + 3}", text=f"T {n}", order=n + 3
            )
            record_status(measure=m, status=Status.STARTED)
            closed_round(self.plan, f"Runde {n}")
            archived_case(self.plan, self.owner, f"{n}-27")
        with self.assertNumQueries(len(small)):
            self.client.get(self.region_url)

    def test_a_published_answer_is_an_entry_and_an_unpublished_one_is_not(self) -> None:
        now = timezone.now()
        PublicInput.objects.create(
            measure=self.measure,
            text="Kari spør: når kjem <vegen>?",
            answer="Hausten 2027 & etter planen.",
            answered_at=now,
            public_question="Når kjem <vegen>?",
            published=True,
        )
        PublicInput.objects.create(
            measure=self.measure, text="Hemmeleg spørsmål", answer="Hemmeleg svar", answered_at=now
        )
        response = self.client.get(self.plan_url)
        doc = etree.fromstring(response.content)
        self.assertTrue(SCHEMA.validate(doc), SCHEMA.error_log)
        content = response.content.decode()
        self.assertIn("spørsmål er svart", content)
        self.assertIn("Når kjem &amp;lt;vegen&amp;gt;?", content)  # escaped in the HTML summary
        self.assertNotIn("Kari", content)
        self.assertNotIn("Hemmeleg", content)
