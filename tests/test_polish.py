"""Issue 21's polish: notes internal until published, actors linked from the measure page and
written forms said as such, the plan's subtitle saying its state once, the secretariat's
«Lag ei statussak» near the top, «avslutta» explained, and every form control styled."""

from __future__ import annotations

import io
import json

from django.urls import reverse

from planstatus.api.services import issue_api_token
from planstatus.lib.status import Status
from planstatus.plans.actions.status import record_status
from planstatus.plans.models import Measure, MeasureActor
from tests.base import BaseTestCase
from tests.html import by_testid, parse, text

NOTE = "Usikker fordeling: «Kommunane» er lese som ansvar"


class InternalNoteTests(BaseTestCase):
    def setUp(self) -> None:
        Measure.objects.filter(pk=self.measure.pk).update(note=NOTE)
        self.api = "/api/v1/regions/testdal/plans/regionplan/measures"

    def everything_public(self) -> str:
        """The measure page, the plan's downloads and the API as the public gets them."""
        self.client.logout()
        parts = [self.client.get(self.measure.get_absolute_url()).content.decode()]
        for fmt in ("csv", "json"):
            url = reverse("plan_data", args=["testdal", "regionplan", fmt])
            parts.append(self.client.get(url).content.decode("utf-8-sig"))
        parts.append(json.dumps(self.client.get(self.api).json(), ensure_ascii=False))
        parts.append(
            json.dumps(self.client.get(f"{self.api}/{self.measure.pk}").json(), ensure_ascii=False)
        )
        return "\n".join(parts)

    def test_an_import_note_is_internal_until_the_secretariat_publishes_it(self) -> None:
        self.assertNotIn("Usikker fordeling", self.everything_public())
        [entry] = self.client.get(self.api).json()["items"]
        self.assertIsNone(entry["note"])
        # Members see it, marked as internal; an API token of theirs reads it too.
        self.client.force_login(self.colleague)
        page = parse(self.client.get(self.measure.get_absolute_url()))
        self.assertIn(NOTE, text(by_testid(page, "measure-note")))
        self.assertIn("berre for medlemene i regionen", text(by_testid(page, "measure-note")))
        token = issue_api_token(user=self.owner, name="t")[1]
        self.client.logout()
        answer = self.client.get(self.api, headers={"Authorization": f"Bearer {token}"}).json()
        self.assertEqual(answer["items"][0]["note"], NOTE)
        # The secretariat publishes it in the measure's form; the history keeps both.
        self.client.force_login(self.owner)
        url = reverse("measure_edit", args=["testdal", "regionplan", self.measure.pk])
        response = self.client.post(
            url,
            {
                "text": self.measure.text,
                "timing_text": "2025",
                "note": NOTE,
                "note_is_public": "on",
            },
        )
        self.assertRedirects(response, self.measure.get_absolute_url())
        self.assertIn(NOTE, self.everything_public())
        self.assertEqual(self.measure.history.first().note_is_public, True)  # type: ignore[attr-defined]

    def test_the_notes_label_is_in_the_readers_language(self) -> None:
        Measure.objects.filter(pk=self.measure.pk).update(note_is_public=True)
        self.client.post(reverse("set_language"), {"language": "en", "next": "/"})
        page = parse(self.client.get(self.measure.get_absolute_url()))
        facts = text(page)
        self.assertIn("Note" + NOTE, facts)  # <dt>Note</dt><dd>…
        self.assertNotIn("Merknad", facts)


class MeasurePageTests(BaseTestCase):
    def test_actors_link_to_their_pages_and_written_forms_are_said_as_such(self) -> None:
        MeasureActor.objects.filter(measure=self.measure).update(written_as="Regionrådet")
        page = parse(self.client.get(self.measure.get_absolute_url()))
        href = reverse("plan_actor", args=["testdal", "regionplan", self.actor.pk])
        [link] = page.xpath(f'//a[@href="{href}"]')
        self.assertEqual(text(link), "Testdal regionråd")
        self.assertIn("(står som «Regionrådet» i planen)", text(page))
        self.assertNotIn("skrive «Regionrådet»", text(page))


class PlanPageTests(BaseTestCase):
    def test_the_subtitle_says_adopted_once(self) -> None:
        self.plan.adopted_by = "Hallingtinget"
        self.plan.save()
        page = parse(self.client.get(self.plan.get_absolute_url()))
        subtitle = text(by_testid(page, "plan-subtitle"))
        self.assertEqual(subtitle, "Regionplan · vedteken av Hallingtinget")

    def test_the_secretariat_makes_a_status_case_from_the_top_of_the_plan(self) -> None:
        self.assertEqual(
            parse(self.client.get(self.plan.get_absolute_url())).xpath(
                '//*[@data-testid="make-case"]'
            ),
            [],
        )
        self.client.force_login(self.owner)
        page = parse(self.client.get(self.plan.get_absolute_url()))
        button = by_testid(page, "make-case")
        self.assertEqual(button.get("href"), reverse("case_page", args=["testdal", "regionplan"]))
        self.assertIn("ds-button", button.get("class"))
        self.assertEqual(text(button), "Lag ei statussak")
        # Near the top: before the first focus area.
        first_area = by_testid(page, "focus-area")
        self.assertLess(button.sourceline, first_area.sourceline)

    def test_stopped_without_being_carried_out_is_explained_where_it_shows(self) -> None:
        page = parse(self.client.get(self.plan.get_absolute_url()))
        self.assertEqual(page.xpath('//*[@data-testid="cancelled-explained"]'), [])
        record_status(measure=self.measure, status=Status.CANCELLED)
        page = parse(self.client.get(self.plan.get_absolute_url()))
        [note] = page.xpath('//*[@data-testid="cancelled-explained"]')
        self.assertIn("«Avslutta utan gjennomføring»: nokon har meldt", text(note))


class FormControlTests(BaseTestCase):
    """Every control on the secretariat's forms carries Designsystemet's class, whether a
    form remembers it or not (the widget templates give it)."""

    def controls_without_class(self, url: str, **post: object) -> list[str]:
        response = self.client.post(url, post) if post else self.client.get(url)
        self.assertIn(response.status_code, (200, 400), url)
        doc = parse(response)
        bare = []
        for control in doc.xpath("//main//input | //main//select | //main//textarea"):
            if control.get("type") in ("hidden", "submit"):
                continue
            if "ds-input" not in (control.get("class") or "").split():
                bare.append(f"{url}: {control.tag} {control.get('name')}")
        return bare

    def test_the_forms_named_in_the_issue_and_their_neighbours(self) -> None:
        self.client.force_login(self.owner)
        plan = ["testdal", "regionplan"]
        urls = [
            reverse("actor_create", args=["testdal"]),  # «Type»
            reverse("case_page", args=plan),  # «Statusar frå»
            reverse("import_upload", args=["testdal"]),  # «Revider ein eksisterande plan»
            reverse("measure_edit", args=[*plan, self.measure.pk]),
            reverse("dashboard", args=plan),
            reverse("region_log", args=["testdal"]),
            self.measure.get_absolute_url(),
        ]
        bare = [b for url in urls for b in self.controls_without_class(url)]
        self.assertEqual(bare, [])

    def test_the_imports_actor_matching_table(self) -> None:
        self.client.force_login(self.owner)
        csv = "Kode;Tiltak;Tid;Ansvar\n1.1;Lage ein plan;2025;Næringsforum\n"
        upload = io.BytesIO(csv.encode())
        upload.name = "plan.csv"
        response = self.client.post(reverse("import_upload", args=["testdal"]), {"file": upload})
        self.assertEqual(response.status_code, 302)
        review = response["Location"]
        doc = parse(self.client.get(review))
        table = doc.xpath('//section[@aria-labelledby="actors-heading"]//table')
        self.assertTrue(table)
        controls = table[0].xpath(".//select | .//input[not(@type='hidden')]")
        self.assertTrue(controls)
        self.assertTrue(all("ds-input" in (c.get("class") or "") for c in controls))
        self.assertEqual(self.controls_without_class(review), [])
