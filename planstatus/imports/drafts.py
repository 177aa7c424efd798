"""The life of an import under review: the uploaded document kept beside its draft, read
again with the person's column and line roles, the column roles remembered for the region,
and the document removed when the import is saved, discarded or old.

Every reading goes through the same capped child process as the first (lib/capped.py).
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from planstatus.imports.matching import known_actor_forms
from planstatus.imports.models import DOCUMENT_DAYS, ColumnMapping, PlanImport
from planstatus.imports.programme import import_programme
from planstatus.imports.review import Carried, carry_edits
from planstatus.imports.services import default_actor_choices
from planstatus.lib.capped import run_capped
from planstatus.lib.importers import detect_format, read_plan
from planstatus.lib.importers.base import (
    Code,
    ParsedPlan,
    TableChoice,
    TableReading,
    UnreadableDocument,
)
from planstatus.lib.programme import (
    TOO_HEAVY,
    ProgrammePage,
    ProgrammePageError,
    decode_page,
    looks_like_html,
    read_programme,
)
from planstatus.lib.vocabulary import header_key
from planstatus.plans.models import Plan
from planstatus.regions.models import Region

# A remembered mapping is offered for a table whose headers share this much with it
# (shared headers ÷ all headers of both).
SIMILAR_HEADERS = 0.6


class DocumentGone(Exception):
    """The uploaded document is no longer kept (saved, discarded, or too old)."""


def _user(user: User | AnonymousUser | None) -> User | None:
    return user if isinstance(user, User) else None


def read_document(
    data: bytes,
    *,
    filename: str,
    region: Region,
    columns: dict[str, str] | None = None,
    tables: dict[int, TableChoice] | None = None,
    lines: dict[int, str] | None = None,
) -> ParsedPlan:
    """The document read in the capped child process. Raises UnreadableDocument."""
    return run_capped(
        read_plan,
        data,
        filename=filename,
        known_actors=known_actor_forms(region),
        columns=columns or None,
        tables=tables or None,
        lines=lines or None,
        too_heavy=UnreadableDocument(Code.TOO_HEAVY),
    )


# ---------------------------------------------------------------------------------------
# Remembered column roles
# ---------------------------------------------------------------------------------------


def _fold(header: str) -> str:
    return header_key(header) or header.strip().casefold()


def header_set(table: TableReading) -> list[str]:
    """The table's headers, folded and sorted: what makes two tables "the same layout".
    A table read without a header row offers its first texts, which may be headers the
    reader did not know (and a remembered mapping then names)."""
    if table.header_row is None:
        texts = [c.sample[0] for c in table.columns if c.sample]
    else:
        texts = [c.header for c in table.columns]
    return sorted({_fold(t) for t in texts if t.strip()})


def _digest(headers: list[str]) -> str:
    return hashlib.sha256("\x1f".join(headers).encode()).hexdigest()


def _similarity(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def similar_mappings(region: Region, tables: list[TableReading]) -> list[ColumnMapping]:
    """For each table with headers, the region's remembered mapping most like it, if one
    is similar enough; each mapping once."""
    mappings = list(region.column_mappings.all())
    chosen: list[ColumnMapping] = []
    for table in tables:
        headers = set(header_set(table))
        if len(headers) < 2 or not mappings:
            continue
        best = max(mappings, key=lambda m: _similarity(headers, set(m.headers)))
        if _similarity(headers, set(best.headers)) >= SIMILAR_HEADERS and best not in chosen:
            chosen.append(best)
    return chosen


def remembered_columns(mappings: list[ColumnMapping]) -> dict[str, str]:
    """The mappings as `read_plan(columns=…)` takes them: header as written → role."""
    columns: dict[str, str] = {}
    for mapping in reversed(mappings):  # the most similar last, so that it wins
        columns.update(mapping.roles)
    return columns


def remember_column_roles(*, draft: PlanImport, user: User | AnonymousUser | None) -> int:
    """Keep the roles of every table the person set roles for, by its header set, for the
    region's next import (history keeps the earlier choice). Tables without headers cannot
    be recognised again and are not kept. Returns how many mappings were written."""
    if not draft.table_choices:
        return 0
    reading = ParsedPlan.from_dict(draft.reading or draft.parsed)
    written = 0
    seen: set[str] = set()
    for table in reading.tables:
        if str(table.block) not in draft.table_choices:
            continue
        roles = {c.header.strip(): c.role for c in table.columns if c.header.strip()}
        headers = header_set(table)
        key = _digest(headers)
        if len(headers) < 2 or key in seen:
            continue
        seen.add(key)
        mapping = ColumnMapping.objects.filter(region=draft.region, key=key).first()
        if mapping is not None and mapping.roles == roles:
            continue
        mapping = mapping or ColumnMapping(region=draft.region, key=key, headers=headers)
        mapping.roles = roles
        mapping.source_name = draft.filename[:255]
        mapping.updated_by = _user(user)
        mapping.save()
        written += 1
    return written


# ---------------------------------------------------------------------------------------
# Upload
# ---------------------------------------------------------------------------------------


def start_import(
    *,
    region: Region,
    data: bytes,
    filename: str,
    target_plan: Plan | None,
    user: User | AnonymousUser | None,
) -> PlanImport:
    """Read an uploaded plan and keep it, with its document, as an import under review.

    The region's remembered column roles for tables with similar headers are applied. A
    document whose tables held no plan as read is kept too, with no measures, so that the
    person can name its columns. Raises UnreadableDocument for anything else that cannot
    be read; nothing is written then.
    """
    refusal: UnreadableDocument | None = None
    try:
        parsed = read_document(data, filename=filename, region=region)
    except UnreadableDocument as e:
        if not e.tables:
            raise
        refusal = e
        parsed = ParsedPlan(title=None, tables=e.tables)
    parsed.title = parsed.title or filename  # what the review offers as the title
    remembered = similar_mappings(region, parsed.tables)
    if remembered:
        try:
            parsed = read_document(
                data, filename=filename, region=region, columns=remembered_columns(remembered)
            )
            parsed.title = parsed.title or filename
            refusal = None
        except UnreadableDocument:
            remembered = []  # read as before; the person chooses
    draft = PlanImport(
        region=region,
        target_plan=target_plan,
        filename=filename[:255],
        file_format=detect_format(data, filename),
        file_size=len(data),
        parsed=parsed.as_dict(),
        reading=parsed.as_dict(),
        actor_choices=default_actor_choices(parsed, region),
        created_by=_user(user),
        options={"refusal": {"code": str(refusal.code), "params": refusal.params}}
        if refusal
        else {},
    )
    # The file first: a row never names a file that is not there. A file left without a
    # row (the transaction failed) is removed by `clear-imports`.
    draft.document.save("", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            draft.save()
            draft.remembered.set(remembered)
    except BaseException:
        draft.document.delete(save=False)
        raise
    return draft


# ---------------------------------------------------------------------------------------
# Reading again
# ---------------------------------------------------------------------------------------


def table_choices(stored: dict[str, Any]) -> dict[int, TableChoice]:
    """`PlanImport.table_choices` (JSON, keys as text) as the reader takes them."""
    return {
        int(block): TableChoice(
            roles={int(k): str(v) for k, v in choice.get("roles", {}).items()},
            header_row=choice.get("header_row"),
        )
        for block, choice in stored.items()
    }


def line_choices(stored: dict[str, Any]) -> dict[int, str]:
    return {int(block): str(role) for block, role in stored.items()}


def document_bytes(draft: PlanImport) -> bytes:
    if not draft.document:
        raise DocumentGone
    try:
        with draft.document.open("rb") as f:
            return bytes(f.read())
    except FileNotFoundError:
        raise DocumentGone from None


@dataclass
class ReadAgain:
    measures: int
    carried: int = 0
    lost: list[str] = field(default_factory=list)


def read_again(
    *,
    draft: PlanImport,
    tables: dict[str, dict[str, Any]] | None = None,
    lines: dict[str, str] | None = None,
) -> ReadAgain:
    """Read the kept document again with the person's roles (added to those chosen
    before), carry the person's edits over to the new reading, and keep it.

    Raises DocumentGone, or UnreadableDocument (with nothing changed) when the document
    holds no plan read this way.
    """
    new_tables = {**draft.table_choices, **(tables or {})}
    new_lines = {**draft.line_choices, **(lines or {})}
    data = document_bytes(draft)
    remembered = list(draft.remembered.all())
    after = read_document(
        data,
        filename=draft.filename,
        region=draft.region,
        columns=remembered_columns(remembered),
        tables=table_choices(new_tables),
        lines=line_choices(new_lines),
    )
    after.title = after.title or draft.filename
    before = ParsedPlan.from_dict(draft.reading or draft.parsed)
    edited = ParsedPlan.from_dict(draft.parsed)
    carried = (
        carry_edits(before, edited, after)
        if _same_shape(before, edited)
        else Carried(after)  # an old draft without its reading: nothing to measure against
    )
    choices = default_actor_choices(carried.plan, draft.region)
    choices.update({k: v for k, v in draft.actor_choices.items() if k in choices})
    draft.table_choices, draft.line_choices = new_tables, new_lines
    draft.reading = after.as_dict()
    draft.parsed = carried.plan.as_dict()
    draft.actor_choices = choices
    draft.version += 1
    draft.options = {k: v for k, v in draft.options.items() if k != "refusal"}
    draft.save(
        update_fields=[
            "table_choices",
            "line_choices",
            "reading",
            "parsed",
            "actor_choices",
            "version",
            "options",
        ]
    )
    return ReadAgain(len(after.measures()), carried.count, carried.lost)


def _same_shape(a: ParsedPlan, b: ParsedPlan) -> bool:
    return (
        len(a.areas) == len(b.areas)
        and [len(x.goals) for x in a.areas] == [len(x.goals) for x in b.areas]
        and len(a.measures()) == len(b.measures())
    )


# ---------------------------------------------------------------------------------------
# Ending
# ---------------------------------------------------------------------------------------


def remove_document(draft: PlanImport) -> None:
    """Remove the kept document (the record of the import stays)."""
    if draft.document:
        draft.document.delete(save=False)
        PlanImport.objects.filter(pk=draft.pk).update(document="")


def discard_import(*, draft: PlanImport) -> None:
    draft.state = PlanImport.State.DISCARDED
    draft.save(update_fields=["state"])
    remove_document(draft)


def clear_old_documents(*, now: datetime.datetime | None = None) -> int:
    """Remove documents kept longer than DOCUMENT_DAYS, and files under media/imports/
    that no import names (left by a failed upload). Returns how many files went."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=DOCUMENT_DAYS)
    removed = 0
    for draft in PlanImport.objects.exclude(document="").filter(created_at__lt=cutoff):
        remove_document(draft)
        removed += 1
    folder = Path(settings.MEDIA_ROOT) / "imports"
    if folder.is_dir():
        named = set(PlanImport.objects.exclude(document="").values_list("document", flat=True))
        recent = (now - datetime.timedelta(hours=1)).timestamp()
        for path in folder.iterdir():
            if f"imports/{path.name}" in named or not path.is_file():
                continue
            if path.stat().st_mtime < recent:  # not an upload being saved right now
                path.unlink(missing_ok=True)
                removed += 1
    return removed


# ---------------------------------------------------------------------------------------
# Programme pages
# ---------------------------------------------------------------------------------------


def read_programme_page(data: bytes) -> ProgrammePage:
    """The page read in the capped child process. Raises ProgrammePageError."""
    return run_capped(read_programme, data, too_heavy=ProgrammePageError(TOO_HEAVY))


def start_programme_import(
    *,
    region: Region,
    data: bytes,
    filename: str,
    slug: str,
    replace: bool,
    user: User | AnonymousUser | None,
) -> PlanImport:
    """Read a Byregionprogrammet page and keep it, with its document, for review. Raises
    ProgrammePageError; nothing is written then."""
    page = read_programme_page(data)
    draft = PlanImport(
        region=region,
        kind=PlanImport.Kind.PROGRAMME,
        filename=filename[:255],
        file_format="html" if looks_like_html(decode_page(data)[0]) else "text",
        file_size=len(data),
        parsed=page.as_json(),
        created_by=_user(user),
        options={"slug": slug, "replace": replace},
    )
    draft.document.save("", ContentFile(data), save=False)
    try:
        draft.save()
    except BaseException:
        draft.document.delete(save=False)
        raise
    return draft


def save_programme_import(
    *, draft: PlanImport, slug: str, replace: bool, user: User | AnonymousUser | None
) -> Plan:
    """Save the reviewed page as an unpublished programme (the earlier one archived with
    `replace`), mark the import saved and remove its document. Raises DocumentGone,
    ProgrammePageError or ProgrammeImportError; nothing is written then."""
    page = read_programme_page(document_bytes(draft))
    with transaction.atomic():
        plan = import_programme(
            region=draft.region,
            page=page,
            user=user,
            slug=slug,
            replace=replace,
            source_name=draft.filename,
        )
        draft.state = PlanImport.State.SAVED
        draft.saved_plan = plan
        draft.saved_at = timezone.now()
        draft.options = {**draft.options, "slug": slug, "replace": replace}
        draft.save(update_fields=["state", "saved_plan", "saved_at", "options"])
    remove_document(draft)
    return plan
