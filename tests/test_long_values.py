"""Values longer than their column: the same clear answer on SQLite and PostgreSQL.

SQLite stores a 419-character focus-area name in a 300-character column; PostgreSQL
refuses it half-way through the save (a DataError: a traceback in the command, HTTP 500 on
the web). The model's limits are checked first, in the review forms, the import service
and the command, and the person is told which value is too long.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from planstatus.imports.models import PlanImport
from planstatus.imports.services import DoesNotFit, import_plan
from planstatus.lib.importers import read_plan
from planstatus.lib.importers.templates import HEADERS
from planstatus.plans.models import FocusArea, Measure, Plan
from planstatus.regions.models import Actor
from tests.base import BaseTestCase
from tests.test_import_web import review_data

LONG_HEADING = "Samferdsel " + "og veg " * 58 + "no"  # 419 characters
LONG_ACTOR = "Eit " + "særs " * 59 + "ok"  # 301 characters
LONG_TITLE = "T" * 400


def plan_csv(*, area: str = "Næring", actor: str = "Regionrådet") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerow(
        [f"1 {area}", "1.1", "Meir næring", "1.1.1", "Lage ein plan", "2025", actor, "", "", ""]
    )
    return out.getvalue().encode("utf-8-sig")


class LongValueTests(BaseTestCase):
    def setUp(self) -> None:
        self.counts = self.table_counts()

    def table_counts(self) -> list[int]:
        return [m.objects.count() for m in (Plan, FocusArea, Measure, Actor)]

    def assert_nothing_written(self) -> None:
        self.assertEqual(self.table_counts(), self.counts)

    def test_the_values_under_test_reach_the_import_as_written(self) -> None:
        self.assertEqual((len(LONG_HEADING), len(LONG_ACTOR)), (419, 301))
        parsed = read_plan(plan_csv(area=LONG_HEADING, actor=LONG_ACTOR), filename="plan.csv")
        self.assertEqual(parsed.areas[0].name, LONG_HEADING)
        self.assertEqual(parsed.measures()[0].responsible, [LONG_ACTOR])

    def command(self, content: bytes, *args: str) -> str:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "plan.csv"
            path.write_bytes(content)
            with self.assertRaises(CommandError) as raised:
                call_command(
                    "import_plan", str(path), "--region", "testdal", *args, stdout=io.StringIO()
                )
        self.assert_nothing_written()
        return str(raised.exception)

    def test_command_names_the_long_heading_and_actor(self) -> None:
        message = self.command(plan_csv(area=LONG_HEADING, actor=LONG_ACTOR))
        self.assertIn("Ingenting vart lagra", message)
        self.assertIn("innsatsområde 1 har 419 teikn; det er plass til 300", message)
        self.assertIn("har 301 teikn; det er plass til 200", message)

    def test_command_refuses_a_long_title(self) -> None:
        message = self.command(plan_csv(), "--title", LONG_TITLE)
        self.assertIn("Tittelen har 400 teikn; det er plass til 300", message)

    def test_service_refuses_before_writing(self) -> None:
        parsed = read_plan(plan_csv(area=LONG_HEADING), filename="plan.csv")
        with self.assertRaises(DoesNotFit) as raised:
            import_plan(region=self.region, parsed=parsed, title="Plan")
        self.assertEqual(len(raised.exception.problems), 1)
        self.assert_nothing_written()

    def review(self, content: bytes) -> tuple[PlanImport, dict[str, str]]:
        self.client.force_login(self.owner)
        self.client.post(
            reverse("import_upload", args=["testdal"]),
            {"file": SimpleUploadedFile("plan.csv", content)},
        )
        draft = PlanImport.objects.get()
        return draft, review_data(self.client, draft)

    def test_review_form_names_the_long_heading_actor_and_title(self) -> None:
        draft, data = self.review(plan_csv(area=LONG_HEADING, actor=LONG_ACTOR))
        data["title"] = LONG_TITLE
        data["confirm"] = "1"
        response = self.client.post(reverse("import_review", args=["testdal", draft.pk]), data)
        self.assertEqual(response.status_code, 400)
        errors = [
            *response.context["details"].errors.get("title", []),
            *response.context["areas"][0].errors.get("text", []),
            *response.context["rows"][0].errors.get("responsible", []),
        ]
        self.assertEqual(len(errors), 3, errors)
        self.assertIn("300", errors[0])
        self.assertIn("300", errors[1])
        self.assertIn("301 teikn", errors[2])
        self.assertEqual([m.objects.count() for m in (Plan, FocusArea, Measure)], self.counts[:3])

    def test_review_saves_once_the_values_are_shortened(self) -> None:
        draft, data = self.review(plan_csv(area=LONG_HEADING, actor=LONG_ACTOR))
        data["a-0-text"] = "Samferdsel og veg"
        data["m-0-responsible"] = "Eit langt namn"
        data["new_0"] = "Eit langt namn"  # the new actor's name is offered as written
        data["confirm"] = "1"
        self.client.post(reverse("import_review", args=["testdal", draft.pk]), data)
        data = review_data(self.client, draft)
        data["confirm"] = "1"
        response = self.client.post(reverse("import_review", args=["testdal", draft.pk]), data)
        self.assertEqual(response.status_code, 302, response.content.decode()[-3000:])
        self.assertTrue(FocusArea.objects.filter(name="Samferdsel og veg").exists())
