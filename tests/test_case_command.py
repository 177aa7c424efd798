"""`planstatus report`: the status case from the command line."""

from __future__ import annotations

import io
from io import StringIO
from pathlib import Path
from tempfile import TemporaryDirectory

import docx
from django.core.management import CommandError, call_command

from planstatus.cases.models import CaseDocument, CaseSettings, SentCase
from planstatus.cases.services import remember_case_details
from planstatus.lib.status import Status
from planstatus.plans.actions.status import record_status
from planstatus.reporting.models import ReportingRound
from tests.base import BaseTestCase
from tests.cases import DETAILS, closed_round


class ReportCommandTests(BaseTestCase):
    def setUp(self) -> None:
        self.folder = TemporaryDirectory()
        self.addCleanup(self.folder.cleanup)
        self.out = Path(self.folder.name)
        remember_case_details(plan=self.plan, details=DETAILS, user=self.owner)

    def report(self, *args: str) -> str:
        stdout = StringIO()
        call_command("report", *args, stdout=stdout)
        return stdout.getvalue()

    def test_writes_each_format_with_the_remembered_fields(self) -> None:
        record_status(measure=self.measure, status=Status.STARTED)
        for fmt, magic in (("docx", b"PK"), ("pdf", b"%PDF"), ("html", b"<!DOCTYPE html>")):
            target = self.out / f"sak.{fmt}"
            output = self.report("testdal/regionplan", "--format", fmt, "-o", str(target))
            self.assertEqual(output.strip(), f"Skreiv sak 16-25 til {target}.")
            self.assertTrue(target.read_bytes().startswith(magic))
        html = (self.out / "sak.html").read_text()
        self.assertIn("Sak 16-25", html)
        self.assertIn("◐ Påstarta", html)
        self.assertFalse(CaseDocument.objects.exists())  # not archived unless asked

    def test_a_closed_round_sent_with_the_command_as_sender(self) -> None:
        record_status(measure=self.measure, status=Status.DONE)
        round = closed_round(self.plan, "Vår 2025")
        record_status(measure=self.measure, status=Status.NOT_STARTED)
        target = self.out / "sak.docx"
        output = self.report(
            "testdal/regionplan",
            "--round",
            str(round.pk),
            "--format",
            "docx",
            "-o",
            str(target),
            "--send",
            "--case-number",
            "20-25",
        )
        self.assertIn("og sende ho til politisk behandling", output)
        sent = SentCase.objects.get()
        self.assertEqual((sent.round, sent.case_number), (round, "20-25"))
        self.assertEqual((sent.sent_by, sent.sent_by_name), (None, "kommandolinja"))
        self.assertEqual(sent.sent_via, SentCase.Via.COMMAND)
        files = {d.format: d for d in sent.documents.all()}
        self.assertEqual(set(files), {"pdf", "docx"})
        self.assertEqual(bytes(files["docx"].data), target.read_bytes())
        self.assertTrue(bytes(files["pdf"].data).startswith(b"%PDF"))
        cells = [
            c.text
            for t in docx.Document(io.BytesIO(target.read_bytes())).tables
            for row in t.rows
            for c in row.cells
        ]
        self.assertIn("✓ Gjennomført", cells)  # the round's status, not today's
        # --case-number is for this document; the remembered fields stay as they were.
        self.assertEqual(CaseSettings.objects.get().case_number, "16-25")

    def test_sending_the_same_case_twice_is_refused_and_archive_means_send(self) -> None:
        first, second = self.out / "a.pdf", self.out / "b.pdf"
        self.report("testdal/regionplan", "--format", "pdf", "-o", str(first), "--archive")
        sent = SentCase.objects.get()
        with self.assertRaises(CommandError) as raised:
            self.report("testdal/regionplan", "--format", "pdf", "-o", str(second), "--send")
        self.assertIn("vart alt sendt", str(raised.exception))
        self.assertIn(sent.get_absolute_url(), str(raised.exception))
        self.assertEqual(SentCase.objects.count(), 1)
        self.assertFalse(second.exists())
        # A changed status is another case.
        record_status(measure=self.measure, status=Status.STARTED)
        self.report("testdal/regionplan", "--format", "html", "-o", str(second), "--send")
        self.assertEqual(SentCase.objects.count(), 2)
        self.assertTrue(second.read_bytes().startswith(b"<!DOCTYPE html>"))

    def test_errors_are_clear_and_in_nynorsk(self) -> None:
        open_round = ReportingRound.objects.create(
            plan=self.plan, title="Open", deadline=DETAILS.date
        )
        other = closed_round(self.draft, "Anna")
        target = str(self.out / "sak.pdf")
        cases = [
            (["regionplan"], "Skriv planen som region/plan"),
            (["testdal/finst-ikkje"], "Fann ingen plan «finst-ikkje» i regionen «testdal»"),
            (["testdal/regionplan", "--round", "x"], "--round må vere nummeret"),
            (
                ["testdal/regionplan", "--round", str(other.pk)],
                "ingen rapporteringsrunde med nummer",
            ),
            (["testdal/regionplan", "--round", str(open_round.pk)], "er framleis open"),
            (["testdal/utkast"], "Saka manglar saksnummer"),
        ]
        for args, message in cases:
            with self.assertRaisesMessage(CommandError, message):
                self.report(*args, "--format", "pdf", "-o", target)
        with self.assertRaisesMessage(CommandError, "finst ikkje"):
            self.report("testdal/regionplan", "--format", "pdf", "-o", "/finst/ikkje/sak.pdf")
        self.assertFalse(Path(target).exists())
        self.assertFalse(SentCase.objects.exists())


class FullDiskTests(BaseTestCase):
    """/dev/full answers every write with ENOSPC, as a full disk does."""

    def setUp(self) -> None:
        remember_case_details(plan=self.plan, details=DETAILS, user=self.owner)

    def test_a_full_disk_gives_a_clear_error_and_no_archive_entry(self) -> None:
        if not Path("/dev/full").exists():
            self.skipTest("this machine has no /dev/full")
        with self.assertRaises(CommandError) as raised:
            call_command(
                "report", "testdal/regionplan", "--format", "pdf", "-o", "/dev/full", "--send"
            )
        self.assertIn("Kan ikkje skrive fila /dev/full", str(raised.exception))
        self.assertFalse(SentCase.objects.exists())
        self.assertFalse(CaseDocument.objects.exists())
