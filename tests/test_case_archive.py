"""The archive of sent cases: the Noark 5-style transfer package, files archived before
cases were sent whole, and rendering kept out of the write transaction."""

from __future__ import annotations

import hashlib
import io
import zipfile
from typing import Any
from unittest import mock

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase
from django.urls import reverse
from django.utils import timezone
from lxml import etree  # type: ignore[import-untyped]

from planstatus.cases import services
from planstatus.cases.models import SentCase
from planstatus.cases.services import make_case_draft, send_case, send_case_draft
from planstatus.lib.reports import noark
from planstatus.lib.status import Status
from planstatus.plans.actions.status import record_status
from planstatus.plans.models import Plan
from planstatus.regions.models import Actor, Region
from tests.base import BaseTestCase
from tests.cases import DETAILS, make_plan

N = "{urn:planstatus:arkivpakke:1}"


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


class NoarkPackageTests(BaseTestCase):
    sent: SentCase

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.region.council_name = "Testdal regionråd"
        cls.region.save()
        record_status(measure=cls.measure, status=Status.STARTED)
        cls.sent = send_case(plan=cls.plan, round=None, details=DETAILS, user=cls.owner)

    def download(self) -> tuple[bytes, str]:
        self.client.force_login(self.owner)
        url = reverse("case_export", args=["testdal", "regionplan", self.sent.pk])
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/zip")
        return response.content, response["Content-Disposition"]

    def test_the_package_holds_the_pdf_a_the_word_file_and_metadata_valid_by_its_schema(
        self,
    ) -> None:
        data, disposition = self.download()
        self.assertIn('"arkivpakke-sak-16-25-regionplan-for-testdal.zip"', disposition)
        files = members(data)
        pdf = "DOKUMENT/sak-16-25-regionplan-for-testdal.pdf"
        word = "DOKUMENT/sak-16-25-regionplan-for-testdal.docx"
        self.assertEqual(set(files), {"arkivpakke.xml", "arkivpakke.xsd", pdf, word})
        archived = {d.format: bytes(d.data) for d in self.sent.documents.all()}
        self.assertEqual((files[pdf], files[word]), (archived["pdf"], archived["docx"]))

        schema = etree.XMLSchema(etree.fromstring(files["arkivpakke.xsd"]))
        metadata = etree.fromstring(files["arkivpakke.xml"])
        schema.assertValid(metadata)
        folder = metadata.find(f"{N}saksmappe")
        assert folder is not None
        self.assertEqual(folder.findtext(f"{N}saksnummer"), "16-25")
        self.assertEqual(folder.findtext(f"{N}tittel"), "Regionplan – status")
        self.assertEqual(folder.findtext(f"{N}saksdato"), "2025-03-15")
        self.assertEqual(folder.findtext(f"{N}administrativEnhet"), "Testdal regionråd")
        self.assertEqual(folder.findtext(f"{N}opprettetAv"), "owner")
        self.assertEqual(metadata.findtext(f"{N}antallFiler"), "2")
        objects = folder.findall(f".//{N}dokumentobjekt")
        described = {
            o.findtext(f"{N}referanseDokumentfil"): (
                o.findtext(f"{N}variantformat"),
                o.findtext(f"{N}format"),
                o.findtext(f"{N}sjekksum"),
                int(o.findtext(f"{N}filstoerrelse") or -1),
            )
            for o in objects
        }
        self.assertEqual(
            described,
            {
                pdf: (
                    "Arkivformat",
                    "PDF/A-2b",
                    hashlib.sha256(files[pdf]).hexdigest(),
                    len(files[pdf]),
                ),
                word: (
                    "Produksjonsformat",
                    "DOCX (Office Open XML)",
                    hashlib.sha256(files[word]).hexdigest(),
                    len(files[word]),
                ),
            },
        )
        # The checksums are the archive's own, shown on the case page.
        self.assertEqual(
            {d.sha256 for d in self.sent.documents.all()}, {v[2] for v in described.values()}
        )

    def test_the_schema_refuses_what_breaks_it(self) -> None:
        data, _ = self.download()
        files = members(data)
        schema = etree.XMLSchema(etree.fromstring(files["arkivpakke.xsd"]))
        for broken in (
            files["arkivpakke.xml"].replace(b"<sjekksum>", b"<sjekksum>x", 1),
            files["arkivpakke.xml"].replace(b"Arkivformat", b"Kladd", 1),
            files["arkivpakke.xml"].replace(b"<saksdato>2025-03-15", b"<saksdato>15.03.2025", 1),
        ):
            self.assertFalse(schema.validate(etree.fromstring(broken)))
        self.assertEqual(noark.SCHEMA.read_bytes(), files["arkivpakke.xsd"])

    def test_the_same_case_exports_to_the_same_bytes(self) -> None:
        self.assertEqual(self.download()[0], self.download()[0])

    def test_hostile_text_stays_text_in_the_metadata(self) -> None:
        evil = "<saksmappe>&amp; ]]> \"'"
        case = noark.ArchiveCase(
            key="x",
            case_number="1-25",
            title=evil,
            document_title=evil,
            case_date=DETAILS.date,
            owner=evil,
            description=evil,
            sent_at=timezone.now(),
            sent_by=evil,
            files=(noark.ArchiveFile("a.pdf", b"%PDF", "PDF/A-2b", "application/pdf", True),),
        )
        metadata = etree.fromstring(noark.metadata_xml(case))
        etree.XMLSchema(file=str(noark.SCHEMA)).assertValid(metadata)
        self.assertEqual(metadata.findtext(f"{N}saksmappe/{N}tittel"), evil)

    def test_a_reader_may_export_and_a_file_archived_alone_before_has_no_package(self) -> None:
        self.client.force_login(self.colleague)
        url = reverse("case_export", args=["testdal", "regionplan", self.sent.pk])
        self.assertEqual(self.client.get(url).status_code, 200)
        self.assertEqual(self.client.post(url).status_code, 405)
        legacy = SentCase.objects.create(
            plan=self.plan,
            case_number="1-24",
            title="Gamal",
            proposed_resolution="-",
            date=DETAILS.date,
            sent_via="web",
        )
        self.assertFalse(legacy.exportable)
        old = reverse("case_export", args=["testdal", "regionplan", legacy.pk])
        self.assertEqual(self.client.get(old).status_code, 404)


class RenderingOutsideTheTransactionTests(TransactionTestCase):
    """The PDF takes seconds; on SQLite a transaction holds the database's write lock all
    that time. So the case is rendered before its short write transaction, never in it."""

    def setUp(self) -> None:
        region = Region.objects.create(slug="testdal", name="Testdal")
        actor = Actor.objects.create(region=region, name="Testdal regionråd")
        self.plan: Plan = make_plan(region=region, actor=actor, slug="regionplan", measures=3)

    def test_drafts_and_sends_render_with_no_transaction_open(self) -> None:
        seen: list[bool] = []
        real = services.render_pdf

        def spy(html: str) -> bytes:
            seen.append(connection.in_atomic_block)
            return real(html)

        with mock.patch.object(services, "render_pdf", spy):
            draft = make_case_draft(plan=self.plan, round=None, details=DETAILS, user=None)
            send_case_draft(draft=draft, user=None)
            record_status(measure=self.plan.measures()[0], status=Status.DONE)
            send_case(plan=self.plan, round=None, details=DETAILS, user=None)
        self.assertEqual(seen, [False, False])
        self.assertEqual(SentCase.objects.count(), 2)


class ArchivedFilesMigrationTests(TransactionTestCase):
    """Files archived one per click before cases were sent whole become sent cases, each
    with its file, unchanged."""

    def migrate(self, target: list[tuple[str, str]]) -> Any:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(target)
        return executor.loader.project_state(target).apps

    def test_each_archived_file_becomes_a_sent_case(self) -> None:
        old = self.migrate([("cases", "0002_case_annual_report")])
        CaseDocument = old.get_model("cases", "CaseDocument")
        # Only the cases app went back; the region and the plan are written with today's
        # models, since their tables carry every column added since.
        region = Region.objects.create(slug="testdal", name="Testdal")
        plan = Plan.objects.create(region=region, slug="p", kind="regional_plan", title="P")
        for number, data in (("1-25", b"first"), ("1-25", b"first")):  # twice, as it happened
            CaseDocument.objects.create(
                plan_id=plan.pk,
                format="docx",
                content_type="x",
                filename="sak.docx",
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                data=data,
                case_number=number,
                title="Sak",
                proposed_resolution="-",
                date=DETAILS.date,
                created_by_name="owner",
                created_via="web",
            )
        new = self.migrate([("cases", "0005_casedocument_sent_case_required")])
        documents = new.get_model("cases", "CaseDocument").objects.order_by("pk")
        self.assertEqual(len({d.sent_case_id for d in documents}), 2)
        for document in documents:
            sent = document.sent_case
            self.assertEqual(
                (sent.case_number, sent.inputs_digest, sent.statuses, sent.sent_by_name),
                ("1-25", "", None, "owner"),
            )
            self.assertEqual(sent.sent_at, document.created_at)
            self.assertEqual(bytes(document.data), b"first")
        # And back: nothing of the files is lost.
        back = self.migrate([("cases", "0002_case_annual_report")])
        self.assertEqual(back.get_model("cases", "CaseDocument").objects.count(), 2)
        self.migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
