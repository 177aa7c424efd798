"""The rows of the CSV file and of the spreadsheet's sheets, shared by both formats.

Column headers are fixed Nynorsk words, not translated interface text: scripts that read the
files rely on them staying put. Several match the plan importer's header words (Kode, Tiltak,
Tid, Ansvar, Involvering, Status, Merknad), so a downloaded file can be imported again.
Internal columns come last and exist only in an internal document.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from planstatus.lib.opendata.model import HistoryEntry, MeasureEntry, PlanDocument, StatusValue

# A cell is text, a number, a time, a status (which a spreadsheet also colours) or empty.
Cell = str | int | datetime.datetime | datetime.date | StatusValue | None

ACTOR_SEPARATOR = "; "


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[Cell]]


def _yes_no(value: bool) -> str:
    return "ja" if value else "nei"


def _actors(measure: MeasureEntry, responsible: bool) -> str:
    actors = measure.responsible if responsible else measure.involved
    return ACTOR_SEPARATOR.join(a.name for a in actors)


MEASURE_HEADERS = [
    "Region",
    "Plan",
    "Tiltak-ID",
    "Kode",
    "Kode i dokumentet",
    "Innsatsområde",
    "Målkode",
    "Mål",
    "Tiltak",
    "Tid",
    "Frå år",
    "Til år",
    "Årleg",
    "Kontinuerleg",
    "Ansvar",
    "Involvering",
    "Status",
    "Statuskode",
    "Status sett",
    "Statuskommentar",
    "Merknad",
    "Lenke",
    # Group measures: each member reports its own status (empty on other measures).
    "Medlemer som har rapportert",
    "Status per medlem",
    "Milepælar",
    "Milepælar nådde",
]
HISTORY_HEADERS = [
    "Region",
    "Plan",
    "Tiltak-ID",
    "Kode",
    "Tiltakstekst",
    "Tidspunkt",
    "Status",
    "Statuskode",
    "Førre status",
    "Førre statuskode",
    "Kjelde",
    "Statuskommentar",
    "Medlem",
]
MILESTONE_HEADERS = [
    "Region",
    "Plan",
    "Tiltak-ID",
    "Kode",
    "Milepæl",
    "Frist",
    "Nådd",
]
INTERNAL_HEADERS = [
    "Kommentaren er offentleg",
    "Dokumentasjon",
    "Rapportert av",
    "Rapportert av aktør",
    "Runde",
]


def _internal_cells(entry: HistoryEntry | None) -> list[Cell]:
    if entry is None:
        return [None] * len(INTERNAL_HEADERS)
    return [
        _yes_no(entry.comment_is_public) if entry.comment else None,
        entry.evidence_url,
        entry.reported_by,
        entry.reported_by_actor,
        entry.round_title,
    ]


def _member_statuses(measure: MeasureEntry) -> str | None:
    """«Flå kommune: gjennomført; Gol kommune: ikkje vurdert» on a group measure."""
    if not measure.members:
        return None
    return ACTOR_SEPARATOR.join(f"{m.name}: {m.status.word}" for m in measure.members)


def measure_table(doc: PlanDocument) -> Table:
    rows: list[list[Cell]] = []
    for m in doc.measures:
        row: list[Cell] = [
            doc.region_slug,
            doc.slug,
            m.id,
            m.code,
            m.written_code or m.code,
            m.focus_area.label,
            m.goal.code if m.goal else None,
            m.goal.text if m.goal else None,
            m.text,
            m.timing_text,
            m.start_year,
            m.end_year,
            _yes_no(m.yearly),
            _yes_no(m.continuous),
            _actors(m, responsible=True),
            _actors(m, responsible=False),
            m.status,
            m.status.code,
            m.status_at,
            m.comment,
            m.note or "",
            m.url,
            f"{m.members_reported} av {len(m.members)}" if m.members else None,
            _member_statuses(m),
            len(m.milestones),
            m.milestones_done,
        ]
        if doc.internal:
            row += _internal_cells(m.latest)
        rows.append(row)
    return Table(MEASURE_HEADERS + (INTERNAL_HEADERS if doc.internal else []), rows)


def history_table(doc: PlanDocument) -> Table:
    rows: list[list[Cell]] = []
    for m, h in doc.history_rows():
        row: list[Cell] = [
            doc.region_slug,
            doc.slug,
            m.id,
            m.code,
            m.text,
            h.at,
            h.status,
            h.status.code,
            h.previous_status,
            h.previous_status.code,
            h.source,
            h.comment,
            h.member,
        ]
        if doc.internal:
            row += _internal_cells(h)
        rows.append(row)
    return Table(HISTORY_HEADERS + (INTERNAL_HEADERS if doc.internal else []), rows)


def milestone_table(doc: PlanDocument) -> Table:
    rows: list[list[Cell]] = [
        [doc.region_slug, doc.slug, m.id, m.code, ms.text, ms.due_on, ms.done_on]
        for m in doc.measures
        for ms in m.milestones
    ]
    return Table(MILESTONE_HEADERS, rows)


def about_rows(doc: PlanDocument) -> list[tuple[str, Cell]]:
    """Facts about the file: what plan, when made, and whether internal details are in it."""
    period = "–".join(str(y) for y in (doc.period_start, doc.period_end) if y)
    return [
        ("Region", doc.region_name),
        ("Plan", doc.title),
        ("Periode", period or None),
        ("Vedteke av", doc.adopted_by or None),
        ("Vedteke", doc.adopted_on),
        ("Lenke", doc.url),
        ("Laga", doc.generated_at),
        (
            "Innhald",
            "Internt: interne kommentarar og rapporteringsdetaljar er med. Ikkje del fila."
            if doc.internal
            else "Offentleg: berre kommentarar merkte som offentlege er med.",
        ),
    ]
