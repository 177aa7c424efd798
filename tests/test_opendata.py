"""Plan downloads: CSV, Excel and JSON, read back with the tools a reader would use."""

from __future__ import annotations

import csv
import html
import io
import json
import zipfile
from typing import Any

from django.contrib.auth.models import User
from openpyxl import load_workbook  # type: ignore[import-untyped]

from planstatus.api.opendata import build_plan_document
from planstatus.lib.importers import read_plan
from planstatus.lib.opendata.csv import build_csv
from planstatus.lib.opendata.json import build_json
from planstatus.lib.opendata.tables import HISTORY_HEADERS, MEASURE_HEADERS
from planstatus.lib.opendata.xlsx import (
    ABOUT_SHEET,
    HISTORY_SHEET,
    MEASURE_SHEET,
    MILESTONE_SHEET,
    build_xlsx,
)
from planstatus.lib.status import Status
from planstatus.plans.models import Measure, MeasureActor, Plan, StatusUpdate
from tests.opendata_base import (
    EVIDENCE_URL,
    FORMULA_TEXTS,
    HOSTILE_COMMENT,
    HOSTILE_TEXT,
    INTERNAL_COMMENT,
    PUBLIC_COMMENT,
    REPORTER,
    ROUND_TITLE,
    SECRETS,
    OpenDataTestCase,
    add_update,
)


def url(fmt: str, plan: str = "regionplan") -> str:
    return f"/testdal/{plan}/data.{fmt}"


def read_csv(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 byte order mark, for Excel"
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def xlsx_text(content: bytes) -> str:
    """Every XML part of the workbook as text: what any program could show from it."""
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return html.unescape("".join(z.read(name).decode("utf-8") for name in z.namelist()))


class DownloadTests(OpenDataTestCase):
    def test_public_files_have_public_comments_and_nothing_internal(self) -> None:
        for fmt in ["csv", "xlsx", "json"]:
            response = self.client.get(url(fmt))
            self.assertEqual(response.status_code, 200, fmt)
            self.assertEqual(
                response["Content-Disposition"], f'attachment; filename="testdal-regionplan.{fmt}"'
            )
            self.assertNotIn("private", response.get("Cache-Control", ""))
            text = xlsx_text(response.content) if fmt == "xlsx" else response.content.decode()
            for secret in SECRETS:
                self.assertNotIn(secret, text, fmt)
            self.assertNotIn("Utkast", text, fmt)  # nothing of the draft plan
            self.assertIn("HYPERLINK", text, fmt)  # a public comment on the current status
            if fmt != "csv":  # the CSV has the current status only; the others the history
                self.assertIn(PUBLIC_COMMENT, text, fmt)

    def test_head_answers_as_get_does(self) -> None:
        # A download manager or link checker asks HEAD first; it once got 405.
        for fmt in ["csv", "xlsx", "json"]:
            get, head = self.client.get(url(fmt)), self.client.head(url(fmt))
            self.assertEqual(head.status_code, 200, fmt)
            self.assertEqual(head["Content-Type"], get["Content-Type"])
            self.assertEqual(head["Content-Disposition"], get["Content-Disposition"])
        self.assertEqual(self.client.post(url("csv")).status_code, 405)

    def test_members_get_the_internal_file_marked_as_such(self) -> None:
        self.client.force_login(self.colleague)
        for fmt in ["csv", "xlsx", "json"]:
            response = self.client.get(url(fmt))
            self.assertEqual(
                response["Content-Disposition"],
                f'attachment; filename="testdal-regionplan-intern.{fmt}"',
            )
            self.assertIn("no-store", response["Cache-Control"])
            text = xlsx_text(response.content) if fmt == "xlsx" else response.content.decode()
            for secret in SECRETS:
                self.assertIn(secret, text, fmt)
            # ?offentleg gives a member the file they may pass on.
            public = self.client.get(url(fmt) + "?offentleg=1")
            self.assertIn("testdal-regionplan.", public["Content-Disposition"])
            text = xlsx_text(public.content) if fmt == "xlsx" else public.content.decode()
            for secret in SECRETS:
                self.assertNotIn(secret, text, fmt)

    def test_draft_plan_files_exist_only_for_members(self) -> None:
        for fmt in ["csv", "xlsx", "json"]:
            self.assertEqual(self.client.get(url(fmt, "utkast")).status_code, 404)
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(url("csv", "utkast")).status_code, 404)
        self.client.force_login(self.owner)
        self.assertEqual(self.client.get(url("csv", "utkast")).status_code, 200)

    def test_unknown_format_is_404(self) -> None:
        self.assertEqual(self.client.get(url("pdf")).status_code, 404)
        self.assertEqual(self.client.post(url("csv")).status_code, 405)


class CsvTests(OpenDataTestCase):
    def test_round_trip(self) -> None:
        rows = read_csv(self.client.get(url("csv")).content)
        self.assertEqual(list(rows[0]), MEASURE_HEADERS)
        self.assertEqual([r["Kode"] for r in rows], [f"1.1.{n}" for n in range(1, 7)])
        first = rows[0]
        self.assertEqual(first["Tiltak"], self.measure.text)
        self.assertEqual(first["Status"], "gjennomført")
        self.assertEqual(first["Statuskode"], "done")
        self.assertEqual(first["Status sett"], "2025-03-31T09:30:00+02:00")
        self.assertEqual(first["Ansvar"], "Testdal regionråd")
        self.assertEqual(first["Involvering"], "Ål kommune")
        self.assertEqual(first["Innsatsområde"], "1. Næring")
        self.assertEqual(first["Tiltak-ID"], str(self.measure.pk))
        self.assertEqual(
            first["Lenke"], f"http://testserver/testdal/regionplan/tiltak/{self.measure.pk}/"
        )
        # The latest comment is internal: the public file shows none rather than an older one.
        self.assertEqual(first["Statuskommentar"], "")
        self.assertEqual(rows[2]["Status"], "ikkje vurdert")

    def test_internal_columns_for_members(self) -> None:
        self.client.force_login(self.owner)
        first = read_csv(self.client.get(url("csv")).content)[0]
        self.assertEqual(first["Statuskommentar"], INTERNAL_COMMENT)
        self.assertEqual(first["Kommentaren er offentleg"], "nei")
        self.assertEqual(first["Dokumentasjon"], EVIDENCE_URL)
        self.assertEqual(first["Rapportert av"], REPORTER)
        self.assertEqual(first["Rapportert av aktør"], "Testdal regionråd")
        self.assertEqual(first["Runde"], ROUND_TITLE)

    def test_no_cell_becomes_a_formula(self) -> None:
        rows = read_csv(self.client.get(url("csv")).content)
        by_code = {r["Kode"]: r for r in rows}
        self.assertEqual(by_code["1.1.2"]["Statuskommentar"], "'" + HOSTILE_COMMENT)
        self.assertEqual(by_code["1.1.2"]["Tiltak"], HOSTILE_TEXT)  # text, not markup
        for n, text in enumerate(FORMULA_TEXTS, start=3):
            self.assertEqual(by_code[f"1.1.{n}"]["Tiltak"], "'" + text)
        for row in rows:
            for value in row.values():
                self.assertFalse(value.startswith(("=", "+", "-", "@")), value)

    def test_the_file_imports_again(self) -> None:
        """A downloaded plan is a valid plan document for the importer: same codes, texts,
        actors and statuses."""
        parsed = read_plan(
            self.client.get(url("csv")).content, filename="x.csv", known_actors=["Ål kommune"]
        )
        measures = [m for a in parsed.areas for g in a.goals for m in g.measures]
        self.assertEqual([m.code for m in measures][:2], ["1.1.1", "1.1.2"])
        self.assertEqual(measures[0].text, self.measure.text)
        self.assertEqual(measures[0].responsible, ["Testdal regionråd"])
        self.assertEqual(measures[0].involved, ["Ål kommune"])
        self.assertEqual([m.status for m in measures][:3], ["done", "not_started", "unknown"])


class XlsxTests(OpenDataTestCase):
    def workbook(self, user: User | None = None) -> Any:
        if user is not None:
            self.client.force_login(user)
        return load_workbook(io.BytesIO(self.client.get(url("xlsx")).content))

    def test_sheets_status_cells_and_history(self) -> None:
        wb = self.workbook()
        self.assertEqual(
            wb.sheetnames, [MEASURE_SHEET, HISTORY_SHEET, MILESTONE_SHEET, ABOUT_SHEET]
        )
        ws = wb[MEASURE_SHEET]
        headers = [c.value for c in ws[1]]
        self.assertEqual(headers, MEASURE_HEADERS)
        status = ws.cell(row=2, column=headers.index("Status") + 1)
        self.assertEqual(status.value, "gjennomført")
        self.assertEqual(status.fill.fill_type, "solid")
        self.assertEqual(status.fill.fgColor.rgb[-6:], "D3F1DC")  # green
        red = ws.cell(row=3, column=headers.index("Status") + 1)
        self.assertEqual((red.value, red.fill.fgColor.rgb[-6:]), ("ikkje påstarta", "FBD9D7"))
        self.assertEqual(
            ws.cell(row=2, column=headers.index("Tiltak-ID") + 1).value, self.measure.pk
        )

        history = wb[HISTORY_SHEET]
        self.assertEqual([c.value for c in history[1]], HISTORY_HEADERS)
        rows = list(history.iter_rows(min_row=2, values_only=True))
        # Two updates on 1.1.1 (oldest first), one on 1.1.2; none from the draft.
        self.assertEqual(
            [(r[3], r[7]) for r in rows],
            [("1.1.1", "started"), ("1.1.1", "done"), ("1.1.2", "not_started")],
        )
        self.assertEqual(rows[0][11], PUBLIC_COMMENT)
        self.assertIsNone(rows[1][11])  # internal comment left out
        self.assertEqual(history.cell(row=3, column=7).fill.fgColor.rgb[-6:], "D3F1DC")

    def test_internal_workbook_has_the_reporting_columns(self) -> None:
        history = self.workbook(self.owner)[HISTORY_SHEET]
        headers = [c.value for c in history[1]]
        latest = [c.value for c in history[3]]
        self.assertEqual(latest[headers.index("Statuskommentar")], INTERNAL_COMMENT)
        self.assertEqual(latest[headers.index("Dokumentasjon")], EVIDENCE_URL)
        self.assertEqual(latest[headers.index("Rapportert av")], REPORTER)

    def test_hostile_text_stays_text(self) -> None:
        content = self.client.get(url("xlsx")).content
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
            for name in sheets:
                xml = z.read(name).decode()
                self.assertNotIn("<f>", xml, name)  # no formula anywhere
                self.assertNotIn("<script>", xml, name)  # markup stays escaped text
        ws = load_workbook(io.BytesIO(content))[MEASURE_SHEET]
        texts = {row[3]: row[8] for row in ws.iter_rows(min_row=2, values_only=True)}
        self.assertEqual(texts["1.1.2"], HOSTILE_TEXT)
        self.assertEqual(texts["1.1.3"], "=1+1")
        comment = ws.cell(row=3, column=MEASURE_HEADERS.index("Statuskommentar") + 1)
        self.assertEqual((comment.value, comment.data_type), (HOSTILE_COMMENT, "s"))

    def test_control_characters_do_not_break_the_workbook(self) -> None:
        # (NUL cannot be stored in PostgreSQL at all, so it is not tried here.)
        Measure.objects.filter(pk=self.hostile.pk).update(text="Tiltak\x0bmed\x1bstyreteikn")
        ws = self.workbook()[MEASURE_SHEET]
        self.assertEqual(ws.cell(row=3, column=9).value, "Tiltakmedstyreteikn")

    def test_the_workbook_imports_again_with_statuses_from_the_fills(self) -> None:
        parsed = read_plan(self.client.get(url("xlsx")).content, filename="x.xlsx")
        measures = [m for a in parsed.areas for g in a.goals for m in g.measures]
        self.assertEqual([m.status for m in measures][:3], ["done", "not_started", "unknown"])


class JsonTests(OpenDataTestCase):
    def test_shape(self) -> None:
        data = json.loads(self.client.get(url("json")).content)
        self.assertEqual(data["format"], "planstatus-plan")
        self.assertEqual(data["format_version"], 1)
        self.assertFalse(data["internal"])
        self.assertEqual(data["region"], {"slug": "testdal", "name": "Testdal"})
        self.assertEqual(data["plan"]["slug"], "regionplan")
        self.assertEqual([s["code"] for s in data["statuses"]], [s.value for s in Status])
        self.assertEqual(len(data["focus_areas"]), 1)
        self.assertEqual(data["goals"][0]["focus_area_id"], data["focus_areas"][0]["id"])
        first = data["measures"][0]
        self.assertEqual(first["status"]["code"], "done")
        self.assertEqual(first["status"]["word"], "gjennomført")
        self.assertEqual(first["responsible"][0]["name"], "Testdal regionråd")
        self.assertEqual(first["involved"][0]["written_as"], "Kommunane")
        self.assertEqual(first["timing"]["start_year"], 2025)
        history = first["history"]
        self.assertEqual([h["status"]["code"] for h in history], ["done", "started"])
        self.assertEqual(history[0]["comment"], "")
        self.assertIsNone(history[0]["evidence_url"])
        self.assertIsNone(history[0]["reported_by"])
        self.assertEqual(history[1]["comment"], PUBLIC_COMMENT)

    def test_internal_document(self) -> None:
        self.client.force_login(self.owner)
        data = json.loads(self.client.get(url("json")).content)
        self.assertTrue(data["internal"])
        latest = data["measures"][0]["history"][0]
        self.assertEqual(latest["comment"], INTERNAL_COMMENT)
        self.assertEqual(latest["evidence_url"], EVIDENCE_URL)
        self.assertEqual(latest["reported_by"], REPORTER)
        self.assertEqual(latest["round_title"], ROUND_TITLE)

    def test_markup_is_escaped_but_the_text_is_kept(self) -> None:
        content = self.client.get(url("json")).content.decode()
        self.assertNotIn("<script>", content)
        self.assertIn("\\u003cscript\\u003e", content)
        data = json.loads(content)
        self.assertEqual(data["measures"][1]["text"], HOSTILE_TEXT)
        self.assertEqual(data["measures"][1]["history"][0]["comment"], HOSTILE_COMMENT)


class QueryCountTests(OpenDataTestCase):
    def grow(self, plan: Plan, n: int) -> None:
        area = plan.focus_areas.get()
        for i in range(n):
            m = Measure.objects.create(
                focus_area=area, code=f"2.{i}", text=f"Ekstra {i}", order=100 + i
            )
            MeasureActor.objects.create(
                measure=m, actor=self.involved, role=MeasureActor.Role.RESPONSIBLE
            )
            add_update(m, Status.STARTED, comment="k", by=self.owner, at=self.t0)

    def build_all(self, internal: bool) -> None:
        plan = Plan.objects.select_related("region").get(pk=self.plan.pk)
        # Seven queries: areas, goals, measures with status, actor links, their actors,
        # milestones and status updates; none for group measures when the plan has none.
        with self.assertNumQueries(7):
            doc = build_plan_document(plan, internal=internal)
            build_csv(doc), build_xlsx(doc), build_json(doc)
        self.assertEqual(len(doc.measures), plan.measures().count())

    def test_fixed_number_of_queries_at_two_sizes(self) -> None:
        for internal in [False, True]:
            self.build_all(internal)
        self.grow(self.plan, 25)
        for internal in [False, True]:
            self.build_all(internal)
        updates = StatusUpdate.objects.filter(measure__focus_area__plan=self.plan)
        self.assertGreater(updates.count(), 25)


class PlanPageLinkTests(OpenDataTestCase):
    def test_plan_page_links_to_the_files(self) -> None:
        page = self.client.get(self.plan.get_absolute_url())
        self.assertContains(page, 'href="/testdal/regionplan/data.xlsx"')
        self.assertContains(page, 'href="/api/v1/docs"')
        self.assertNotContains(page, "?offentleg=1")
        self.client.force_login(self.colleague)
        page = self.client.get(self.plan.get_absolute_url())
        self.assertContains(page, 'href="/testdal/regionplan/data.csv?offentleg=1"')
