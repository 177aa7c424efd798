"""The importers' warnings and refusals in the person's language: every code the readers can
give has a message, messages keep their Nynorsk wording, the review page and `import-plan`
word them in the active language, and reviews stored before codes still show."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from planstatus.imports.messages import (
    FORMAT_NAMES,
    MESSAGES,
    message_text,
    refusal_text,
    warning_text,
    where_text,
)
from planstatus.imports.models import PlanImport
from planstatus.lib.importers import read_plan
from planstatus.lib.importers.base import (
    DOCUMENT,
    Code,
    ImportWarning,
    ParsedPlan,
    UnreadableDocument,
)
from tests.base import BaseTestCase

LIB = Path(__file__).resolve().parents[1] / "planstatus" / "lib"
SMALL_TEXT = """NÆRING OG ARBEID

Tiltak Tid Ansvar Involvering

Mål 1.1: Fleire arbeidsplassar

1.1.1 Lage ein næringsplan
2025 Regionrådet

1.1.1 Kartleggje næringsareal
2026 Regionrådet
"""


def test_every_code_has_a_message_and_every_message_a_code() -> None:
    assert set(MESSAGES) == set(Code)


def test_every_code_is_given_by_a_reader_and_no_reader_makes_up_its_own() -> None:
    source = "\n".join(p.read_text() for p in LIB.rglob("*.py") if p.name != "base.py")
    source += (LIB / "importers" / "base.py").read_text().split("class UnreadableDocument")[1]
    used = set(re.findall(r"\bCode\.([A-Z0-9_]+)\b", source))
    assert used == {c.name for c in Code}
    # A code is a Code member, never a string written at the call.
    assert not re.search(r"UnreadableDocument\(\s*[\"'f]", source)
    # The plan readers' warn(where, code): the programme reader (lib/programme.py) has a
    # warn(code, where) of its own, with its own codes.
    readers = "\n".join(p.read_text() for p in (LIB / "importers").glob("*.py"))
    assert not re.search(r"\.warn\(\s*[^,()]+,\s*[\"'f]", readers)


@pytest.mark.parametrize("language", ["nn", "nb", "en"])
def test_every_message_renders_in_every_language(language: str) -> None:
    with translation.override(language):
        for code, template in MESSAGES.items():
            names = re.findall(r"%\((\w+)\)s", str(template))
            text = message_text(code, dict.fromkeys(names, "X"))
            assert text and "(message" not in text and "(melding" not in text, code


def test_nynorsk_keeps_the_wording_the_readers_had() -> None:
    cases: list[tuple[Code, dict[str, object]]] = [
        (Code.DUPLICATE_CODE, {"code": "5.4.1", "count": 2}),
        (
            Code.CODE_COMPLETED_FROM_GOAL,
            {"written": ".5.2.", "code": "4.5.2", "goal": "4.5"},
        ),
        (Code.AMBIGUOUS_ACTORS, {}),
        (Code.STATUS_NOT_UNDERSTOOD, {"words": "ok?"}),
        (Code.NOT_EXPECTED_FORMAT, {"expected": "pdf"}),
        (Code.WRONG_PACKAGE, {"found": "xlsx", "expected": "docx"}),
    ]
    assert [message_text(code, params) for code, params in cases] == [
        "Koden 5.4.1 er brukt på 2 tiltak. Alle er tekne med.",
        "Koden «.5.2.» er ufullstendig og er lesen som 4.5.2 fordi tiltaket står under mål 4.5. "
        "Sjekk at det stemmer.",
        "Kan ikkje skilje ansvar frå involvering; første aktør er sett som ansvarleg.",
        "Forstod ikkje statusen «ok?»; sett til ukjend.",
        "Fila er ikkje ein PDF-fil.",
        "Fila er ei Excel-fil (.xlsx), ikkje eit Word-dokument (.docx).",
    ]


def test_refusals_are_worded_in_the_active_language() -> None:
    with pytest.raises(UnreadableDocument) as caught:
        read_plan(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    assert refusal_text(caught.value) == "Fila er eit PNG-bilete, ikkje ein plan."
    with translation.override("nb"):
        assert refusal_text(caught.value) == "Filen er et PNG-bilde, ikke en plan."
    with translation.override("en"):
        assert refusal_text(caught.value) == "The file is a PNG image, not a plan."


def test_sizes_are_written_as_each_language_writes_numbers() -> None:
    error = UnreadableDocument(Code.TOO_LARGE, size_mb=12.5, limit_mb=10)
    assert refusal_text(error) == "Fila er for stor (12,5 MB). Grensa er 10 MB."
    with translation.override("en"):
        assert refusal_text(error) == "The file is too large (12.5 MB). The limit is 10 MB."


def test_unknown_codes_and_wrong_parameters_give_a_general_message() -> None:
    future = ImportWarning("1.1", "a_code_from_the_future", {"x": 1})
    assert warning_text(future) == (
        "Sjekk denne delen av dokumentet (melding a_code_from_the_future)."
    )
    missing = ImportWarning("1.1", Code.DUPLICATE_CODE, {"code": "1.1"})  # no count
    assert "(melding duplicate_code)" in warning_text(missing)
    refusal = UnreadableDocument(Code.EMPTY_FILE)
    refusal.code = "gone"  # type: ignore[assignment]
    with translation.override("en"):
        assert refusal_text(refusal) == "The file cannot be read as a plan (message gone)."


def test_warnings_round_trip_through_json_and_old_ones_keep_their_text() -> None:
    plan = ParsedPlan(title="x")
    plan.warn("4.5.2", Code.CODE_COMPLETED, written=".5.2.", code="4.5.2")
    plan.warn(DOCUMENT, Code.PAGES_TRUNCATED, pages=300)
    stored = json.loads(json.dumps(plan.as_dict()))
    assert stored["warnings"][0] == {
        "where": "4.5.2",
        "code": "code_completed",
        "params": {"written": ".5.2.", "code": "4.5.2"},
        "kind": "reader",
    }
    assert ParsedPlan.from_dict(stored).warnings == plan.warnings
    old = ParsedPlan.from_dict(
        {"title": "x", "warnings": [{"where": "dokument", "message": "Berre dei første 300."}]}
    )
    (warning,) = old.warnings
    assert (where_text(warning.where), warning_text(warning)) == (
        "dokument",
        "Berre dei første 300.",
    )
    assert old.as_dict()["warnings"][0]["message"] == "Berre dei første 300."
    with translation.override("en"):
        assert where_text(DOCUMENT) == "document"
        assert warning_text(warning) == "Berre dei første 300."  # stored text, as it was


def test_format_names_cover_every_format_a_reader_names() -> None:
    source = "\n".join(p.read_text() for p in (LIB / "importers").glob("*.py"))
    named = set(re.findall(r"(?:expected|found)=\"(\w+)\"", source))
    named |= {"docx", "xlsx", "pptx"}  # check_package's and _ZIP_FOLDERS' keys
    assert named <= set(FORMAT_NAMES)


class ImportMessagePageTests(BaseTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.owner)
        self.client.post(
            reverse("import_upload", args=["testdal"]),
            {"file": _upload("program.txt", SMALL_TEXT.encode())},
        )
        self.plan_import = PlanImport.objects.get()
        self.url = reverse("import_review", args=["testdal", self.plan_import.pk])

    def switch(self, language: str) -> None:
        self.client.post(reverse("set_language"), {"language": language, "next": "/"})

    def test_the_review_shows_warnings_in_the_chosen_language(self) -> None:
        self.assertEqual(
            [w["code"] for w in self.plan_import.parsed["warnings"]], ["duplicate_code"]
        )
        self.assertContains(
            self.client.get(self.url), "Koden 1.1.1 er brukt på 2 tiltak. Alle er tekne med."
        )
        self.switch("nb")
        self.assertContains(
            self.client.get(self.url), "Koden 1.1.1 er brukt på 2 tiltak. Alle er tatt med."
        )
        self.switch("en")
        page = self.client.get(self.url)
        self.assertContains(page, "Code 1.1.1 is used for 2 measures. All are included.")
        self.assertNotContains(page, "tekne med")

    def test_a_review_stored_before_codes_shows_its_text(self) -> None:
        parsed = dict(self.plan_import.parsed)
        parsed["warnings"] = [
            {"where": "dokument", "message": "Ei gamal åtvaring.", "kind": "reader"},
            {"where": "1.1.1", "message": "Ei gamal åtvaring om 1.1.1.", "kind": "reader"},
        ]
        PlanImport.objects.filter(pk=self.plan_import.pk).update(parsed=parsed)
        self.switch("en")
        page = self.client.get(self.url)
        self.assertContains(page, "document: Ei gamal åtvaring.")
        self.assertContains(page, "1.1.1</a>: Ei gamal åtvaring om 1.1.1.")  # the list
        self.assertContains(page, "</span> Ei gamal åtvaring om 1.1.1.")  # the rows

    def test_an_unreadable_upload_is_refused_in_the_chosen_language(self) -> None:
        self.switch("nb")
        response = self.client.post(
            reverse("import_upload", args=["testdal"]), {"file": _upload("tom.txt", b"")}
        )
        self.assertContains(response, "Filen er tom.", status_code=400)

    def test_import_plan_words_warnings_in_the_installation_language(self) -> None:
        path = Path(self.tmp_dir()) / "program.txt"
        path.write_text(SMALL_TEXT, encoding="utf-8")
        out = StringIO()
        call_command("import_plan", str(path), "--dry-run", stdout=out)
        self.assertIn(
            "  1.1.1: Koden 1.1.1 er brukt på 2 tiltak. Alle er tekne med.", out.getvalue()
        )
        out = StringIO()
        with translation.override("en"):  # the command runs in Nynorsk all the same
            call_command("import_plan", str(path), "--dry-run", "--json", stdout=out)
        (warning,) = json.loads(out.getvalue())["warnings"]
        self.assertEqual(
            warning,
            {
                "where": "1.1.1",
                "code": "duplicate_code",
                "params": {"code": "1.1.1", "count": 2},
                "kind": "numbering",
                "message": "Koden 1.1.1 er brukt på 2 tiltak. Alle er tekne med.",
            },
        )

    def tmp_dir(self) -> str:
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder)
        return folder


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")
