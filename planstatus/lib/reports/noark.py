"""A sent case as a Noark 5-style transfer package: one zip an archive system can take in.

    arkivpakke.xml        the metadata (saksmappe → registrering → dokumentbeskrivelse →
                          dokumentobjekt, with sizes and SHA-256 checksums)
    arkivpakke.xsd        the schema it follows (sak.xsd here), so the receiver can check it
    DOKUMENT/<file>.pdf   the case as PDF/A-2b: variantformat «Arkivformat»
    DOKUMENT/<file>.docx  the case as Word: variantformat «Produksjonsformat»

What this follows of the Noark 5 standard and what it does not: docs/noark.md. The package
is made the same every time for the same case (fixed times in the zip, identifiers derived
from the case), so two downloads can be compared byte for byte. Nothing here knows Django.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

NAMESPACE = "urn:planstatus:arkivpakke:1"
SCHEMA = Path(__file__).with_name("sak.xsd")
METADATA_NAME = "arkivpakke.xml"
SCHEMA_NAME = "arkivpakke.xsd"
FOLDER = "DOKUMENT"


@dataclass(frozen=True)
class ArchiveFile:
    filename: str
    data: bytes
    format: str  # «PDF/A-2b»
    media_type: str
    archival: bool  # the archive's own format (Arkivformat), or the one it was made in


@dataclass(frozen=True)
class ArchiveCase:
    key: str  # stable and unique for the case: the identifiers are derived from it
    case_number: str
    title: str
    document_title: str  # «Sak 16-25 Regionplan – status»
    case_date: datetime.date
    owner: str  # the region's council: the case owner («administrativ eining»)
    description: str  # the plan the case reports on
    sent_at: datetime.datetime  # aware
    sent_by: str
    files: tuple[ArchiveFile, ...]


def _id(case: ArchiveCase, part: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:planstatus:{case.key}:{part}"))


def metadata_xml(case: ArchiveCase) -> bytes:
    ET.register_namespace("", NAMESPACE)

    def add(parent: ET.Element, name: str, text: object) -> ET.Element:
        element = ET.SubElement(parent, f"{{{NAMESPACE}}}{name}")
        element.text = str(text)
        return element

    sent = case.sent_at.isoformat(timespec="seconds")
    root = ET.Element(f"{{{NAMESPACE}}}arkivpakke", {"versjon": "1"})
    add(root, "system", "Planstatus")
    add(root, "tidspunkt", sent)
    add(root, "antallFiler", len(case.files))
    folder = ET.SubElement(root, f"{{{NAMESPACE}}}saksmappe")
    add(folder, "systemID", _id(case, "saksmappe"))
    add(folder, "saksnummer", case.case_number)
    add(folder, "tittel", case.title)
    add(folder, "offentligTittel", case.title)
    add(folder, "saksdato", case.case_date.isoformat())
    add(folder, "administrativEnhet", case.owner)
    add(folder, "beskrivelse", case.description)
    add(folder, "opprettetDato", sent)
    add(folder, "opprettetAv", case.sent_by)
    record = ET.SubElement(folder, f"{{{NAMESPACE}}}registrering")
    add(record, "systemID", _id(case, "registrering"))
    add(record, "tittel", case.document_title)
    add(record, "opprettetDato", sent)
    add(record, "opprettetAv", case.sent_by)
    document = ET.SubElement(record, f"{{{NAMESPACE}}}dokumentbeskrivelse")
    add(document, "systemID", _id(case, "dokumentbeskrivelse"))
    add(document, "dokumenttype", "Saksframlegg")
    add(document, "dokumentstatus", "Dokumentet er ferdigstilt")
    add(document, "tittel", case.document_title)
    add(document, "tilknyttetRegistreringSom", "Hoveddokument")
    add(document, "dokumentnummer", 1)
    for file in case.files:
        variant = ET.SubElement(document, f"{{{NAMESPACE}}}dokumentobjekt")
        add(variant, "versjonsnummer", 1)
        add(variant, "variantformat", "Arkivformat" if file.archival else "Produksjonsformat")
        add(variant, "format", file.format)
        add(variant, "mimeType", file.media_type)
        add(variant, "opprettetDato", sent)
        add(variant, "referanseDokumentfil", f"{FOLDER}/{file.filename}")
        add(variant, "sjekksum", hashlib.sha256(file.data).hexdigest())
        add(variant, "sjekksumAlgoritme", "SHA256")
        add(variant, "filstoerrelse", len(file.data))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def package(case: ArchiveCase) -> bytes:
    """The zip: metadata, schema and the documents, with the case's sending time on every
    entry."""
    moment = case.sent_at.astimezone(datetime.UTC).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        entries = [
            (METADATA_NAME, metadata_xml(case)),
            (SCHEMA_NAME, SCHEMA.read_bytes()),
            *((f"{FOLDER}/{f.filename}", f.data) for f in case.files),
        ]
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=moment)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()
