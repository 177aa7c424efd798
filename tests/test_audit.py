"""The audit trail: changes made through the web are recorded with who, when, before and after."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from planstatus.imports.programme import import_programme
from planstatus.imports.services import import_plan
from planstatus.lib.importers.base import ParsedArea, ParsedGoal, ParsedMeasure, ParsedPlan
from planstatus.lib.programme import parse_programme
from planstatus.lib.status import Status
from planstatus.lib.timing import parse_timing
from planstatus.pages.views import LOG_SOURCES
from planstatus.plans.actions.status import record_status
from planstatus.plans.audit import measure_audit_log
from planstatus.plans.models import Measure
from planstatus.regions.models import Actor
from tests.audit import region_changes
from tests.base import BaseTestCase
from tests.html import by_testid, find, parse, text


class AuditTrailTests(BaseTestCase):
    def status_url(self) -> str:
        return reverse("measure_status", args=["testdal", "regionplan", self.measure.pk])

    def test_status_change_through_the_web_is_recorded_with_before_and_after(self) -> None:
        seen = record_status(measure=self.measure, status=Status.NOT_STARTED)
        self.client.force_login(self.owner)
        response = self.client.post(
            self.status_url(),
            {"status": "started", "comment": "Arbeidet er i gang", "expected_previous": seen.pk},
        )
        self.assertRedirects(response, self.measure.get_absolute_url())

        update = self.measure.status_updates.first()
        assert update is not None
        self.assertEqual((update.status, update.previous_status), ("started", "not_started"))
        self.assertEqual(update.created_by, self.owner)

        [entry] = [e for e in region_changes(self.region) if e.user == self.owner]
        self.assertEqual(entry.action, "+")
        change = entry.changes[0]
        self.assertEqual((change.old, change.new), ("ikkje påstarta", "påstarta"))

        # The secretariat reads it on the region's log, and on the measure's own page.
        log = self.client.get(reverse("region_log", args=["testdal"]))
        self.assertContains(log, "ikkje påstarta</del> → <ins>påstarta")
        self.assertContains(log, "owner")
        # The measure's page fetches its log when the reader gets to it, and links to the
        # region's log filtered to the measure for a browser without JavaScript.
        log_url = reverse("measure_log", args=["testdal", "regionplan", self.measure.pk])
        panel = find(
            parse(self.client.get(self.measure.get_absolute_url())),
            "//*[@data-testid='measure-log']",
        )
        self.assertEqual(text(find(panel, ".//h2")), "Endringslogg")
        self.assertEqual(find(panel, ".//*[@hx-get]").get("hx-get"), log_url)
        fallback = find(panel, ".//a").get("href")
        self.assertEqual(
            fallback, f"{reverse('region_log', args=['testdal'])}?tiltak={self.measure.pk}"
        )
        self.assertContains(self.client.get(fallback), "ikkje påstarta</del> → <ins>påstarta")
        fragment = self.client.get(log_url, HTTP_HX_REQUEST="true")
        self.assertContains(fragment, "ikkje påstarta</del> → <ins>påstarta")
        self.assertNotContains(fragment, "<html")

    def test_measure_edit_is_recorded_with_the_old_text(self) -> None:
        self.client.force_login(self.owner)
        url = reverse("measure_edit", args=["testdal", "regionplan", self.measure.pk])
        old_text = self.measure.text
        response = self.client.post(
            url, {"text": "Ny tekst for tiltaket", "timing_text": "2025–2026", "note": ""}
        )
        self.assertRedirects(response, self.measure.get_absolute_url())
        measure = Measure.objects.get(pk=self.measure.pk)
        self.assertEqual((measure.start_year, measure.end_year), (2025, 2026))

        [entry] = [e for e in measure_audit_log(measure, sources=LOG_SOURCES) if e.action == "~"]
        changes = {c.field: (c.old, c.new) for c in entry.changes}
        self.assertEqual(changes["tiltak"], (old_text, "Ny tekst for tiltaket"))
        self.assertEqual(changes["tid som skrive"], ("2025", "2025–2026"))
        self.assertEqual(entry.user, self.owner)

    def test_actor_changes_and_deletes_are_recorded(self) -> None:
        actor = Actor.objects.create(region=self.region, name="Næringsforum")
        actor.email = "forum@example.org"
        actor.save()
        actor.delete()
        actions = [e.action for e in region_changes(self.region) if e.label == "Næringsforum"]
        self.assertEqual(actions, ["-", "~", "+"])

    def test_log_is_for_members_only(self) -> None:
        url = reverse("region_log", args=["testdal"])
        self.client.force_login(self.colleague)
        self.assertEqual(self.client.get(url).status_code, 200)
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.logout()
        self.assertRedirects(self.client.get(url), f"{reverse('login')}?next={url}")

    def test_a_measures_log_is_for_members_only(self) -> None:
        page = self.measure.get_absolute_url()
        url = reverse("measure_log", args=["testdal", "regionplan", self.measure.pk])
        self.client.force_login(self.colleague)
        self.assertEqual(self.client.get(url).status_code, 200)
        for reader in (self.outsider, None):
            if reader is None:
                self.client.logout()
            else:
                self.client.force_login(reader)
            # They may read the published measure, but neither its log nor a way to it.
            response = self.client.get(page)
            self.assertEqual(response.status_code, 200)
            self.assertEqual(parse(response).xpath("//*[@data-testid='measure-log']"), [])
            self.assertEqual(self.client.get(url).status_code, 404)


def many_measures(n: int) -> ParsedPlan:
    """A plan of `n` measures, each with a responsible and an involved actor."""
    measures = [
        ParsedMeasure(
            code=f"1.1.{i}",
            text=f"Tiltak nummer {i}",
            timing=parse_timing("2025"),
            responsible=[f"Aktør {i % 7}"],
            involved=["Regionrådet"],
            status="started" if i % 2 else "unknown",
        )
        for i in range(1, n + 1)
    ]
    goal = ParsedGoal(code="1.1", text="Eit mål", measures=measures)
    return ParsedPlan(
        title="Importert plan", areas=[ParsedArea(code="1", name="Næring", goals=[goal])]
    )


class ChangeLogTests(BaseTestCase):
    """Issue 21, bug 5: one web import wrote some 200 rows that pushed everything else out of
    the log's latest 200; now an import is one entry, and the log filters and pages."""

    url = reverse("region_log", args=["testdal"])

    def setUp(self) -> None:
        self.client.force_login(self.owner)

    def page(self, **params: Any) -> Any:
        response = self.client.get(self.url, params)
        self.assertEqual(response.status_code, 200, response.content[:2000])
        return parse(response)

    def entries(self, **params: Any) -> list[Any]:
        return list(self.page(**params).xpath('//ol[@class="audit"][not(ancestor::li)]/li'))

    def count(self, **params: Any) -> int:
        return int(text(by_testid(self.page(**params), "log-count")).split()[0])

    def test_an_import_is_one_entry_that_opens_to_its_rows(self) -> None:
        before = self.count()
        import_plan(region=self.region, parsed=many_measures(68), title="Ny plan", user=self.owner)
        record_status(measure=self.measure, status=Status.DONE, user=self.owner)
        # Two entries more: the import and the status change, not some 250 rows.
        self.assertEqual(self.count(), before + 2)
        top = self.entries()
        self.assertEqual(top[0].get("data-action"), "+")
        self.assertIn("Status", text(top[0]))
        imported = top[1]
        self.assertEqual(imported.get("data-testid"), "import-entry")
        summary = text(find(imported, ".//summary"))
        # 68 measures; the actors «Aktør 0» … «Aktør 6» and «Regionrådet» (Testdal
        # regionråd, which Testdal had).
        self.assertIn("Import av planen «Ny plan»: 68 tiltak, 8 aktørar", summary)
        # Opened: the plan, its area and goal, 68 measures, 136 actor links, 34 statuses
        # and the 7 new actors.
        rows = imported.xpath("./details/ol/li")
        self.assertEqual(len(rows), 1 + 1 + 1 + 68 + 136 + 34 + 7)
        # Filtering by kind keeps the import whole: its status rows are still one entry.
        statuses = self.entries(slag="status")
        self.assertEqual(statuses[1].get("data-testid"), "import-entry")
        # What the rows shown touched: 34 measures got a status, and no actor is shown.
        self.assertIn("Import av planen «Ny plan»: 34 tiltak ", text(statuses[1]))
        self.assertEqual(
            [e.get("data-testid") for e in self.entries(slag="import")], ["import-entry"]
        )

    def test_filters_by_kind_person_dates_and_measure(self) -> None:
        other = self.plan.measures().exclude(pk=self.measure.pk).first() or Measure.objects.create(
            focus_area=self.measure.focus_area, code="9.9.9", text="Eit anna tiltak"
        )
        # Through the web, so the history knows the person; the other without anyone.
        url = reverse("measure_status", args=["testdal", "regionplan", self.measure.pk])
        self.client.post(url, {"status": "started", "comment": "", "expected_previous": ""})
        record_status(measure=other, status=Status.DONE)
        Actor.objects.create(region=self.region, name="Næringsforum")
        kinds = {e.get("data-action") for e in self.entries(slag="actor")}
        self.assertEqual(kinds, {"+"})
        self.assertTrue(all("Aktør" in text(e) for e in self.entries(slag="actor")))
        mine = self.entries(slag="status", person=self.owner.pk)
        self.assertEqual(len(mine), 1)
        self.assertIn(self.measure.code, text(mine[0]))
        about = self.entries(tiltak=other.pk)
        self.assertTrue(about)
        self.assertTrue(all(other.code in text(e) for e in about), [text(e) for e in about])
        today = timezone.localdate()
        self.assertEqual(self.entries(til=str(today - datetime.timedelta(days=1))), [])
        self.assertEqual(len(self.entries(fra=str(today), til=str(today))), len(self.entries()))
        # A bad range is said, and the whole log is shown.
        response = self.client.get(self.url, {"fra": str(today), "til": "2001-01-01"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("Sluttdatoen er før startdatoen.", text(parse(response)))

    def test_the_log_is_paged_and_the_pages_keep_the_filters(self) -> None:
        for i in range(120):
            record_status(
                measure=self.measure, status=[Status.STARTED, Status.DONE][i % 2], user=self.owner
            )
        total = self.count(slag="status")
        self.assertGreaterEqual(total, 120)
        first = self.page(slag="status")
        self.assertEqual(len(first.xpath('//ol[@class="audit"][not(ancestor::li)]/li')), 50)
        links = by_testid(first, "pages").xpath(".//a/@href")
        self.assertIn("?slag=status&side=2", links)
        last = -(-total // 50)
        shown = self.entries(slag="status", side=last)
        self.assertEqual(len(shown), total - 50 * (last - 1))
        # A page past the end shows the last page, not an error.
        self.assertEqual(len(self.entries(slag="status", side=999)), len(shown))


class ProgrammeImportLogTests(BaseTestCase):
    def test_a_programme_import_is_one_entry_too(self) -> None:
        page = parse_programme(
            "Testdal\nResultat\n • Utvikla eit næringsapparat\n • Hallingtreff\n"
            "Søkerkommune: Testdal"
        )
        import_programme(region=self.region, page=page, user=self.owner, source_name="p.txt")
        self.client.force_login(self.owner)
        response = self.client.get(reverse("region_log", args=["testdal"]))
        top = parse(response).xpath('//ol[@class="audit"][not(ancestor::li)]/li')
        self.assertEqual(top[0].get("data-testid"), "import-entry")
        self.assertIn("2 tiltak", text(find(top[0], ".//summary")))
