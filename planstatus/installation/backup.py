"""Backup and restore of a whole installation, between SQLite and PostgreSQL alike.

A backup is a zip file with these members:
- `data.json`: every row of our apps and of Django's users and groups, history tables
  included, in Django's serialisation format (so BinaryFields travel as base64);
- `vedlegg/<name>`: each attachment's file (plans/attachments.py), by its stored name;
- `manifest.json`: the format and its version, when and from which database engine it was
  made, the applied migrations per app, the row count per model, the SHA-256 and size
  of `data.json`, and the SHA-256 of each attachment's file (`files`).

A backup reads one consistent state without holding up anyone who saves meanwhile: on
SQLite it first copies the database with SQLite's online backup API (a read, which in WAL
mode never blocks a writer) and then serialises from the copy; on PostgreSQL it reads in
one REPEATABLE READ snapshot, which does not block writers either. Rows are streamed into
the zip a chunk at a time, so memory stays flat however large the installation.

Restoring checks the whole file first (zip checksums, manifest, data digest, JSON shape),
then migrates the target, requires it to be at the backup's migrations, checks every row
against the models (lengths, allowed values, references to rows that are there) and names
the first rows that do not fit, requires the database to be empty, and loads every row in
one transaction. A damaged, truncated or hand-edited file is refused before any row is
written. The zip is read in this module alone (read_backup).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import sqlite3
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

from django.apps import apps
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist
from django.core.management import call_command
from django.core.serializers import json as json_serializer
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import (
    DatabaseError,
    IntegrityError,
    connection,
    connections,
    transaction,
)
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Field, ForeignKey, ManyToManyField, Model
from django.utils.translation import gettext as _

from planstatus.lib.attachments import MAX_BYTES as MAX_ATTACHMENT_BYTES
from planstatus.plans import attachments
from planstatus.plans.models import NewsAttachment

FORMAT = "planstatus-backup"
FORMAT_VERSION = 1
DATA = "data.json"
FILES = "vedlegg/"
MANIFEST = "manifest.json"
# A backup is read and checked whole, in memory, before anything is written. Beyond these
# sizes (as the zip declares them, before anything is unpacked) it is refused, so that a
# decompression bomb or a foreign file costs neither the memory nor the time to unpack it.
MAX_DATA_BYTES = 2 * 1024**3
MAX_MANIFEST_BYTES = 16 * 1024**2
# Django's own tables that travel: people and their groups. Permissions and content types
# are recreated by migrate and referred to by natural key; sessions, login attempts and
# the admin's log are left behind.
DJANGO_MODELS = ("auth.User", "auth.Group")


class BackupError(Exception):
    """A backup could not be made or read. The message is for the person, translated."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    rows: int
    models: int
    created_at: str


def backed_up_models() -> list[type[Model]]:
    """Every model of our apps (history tables too) and Django's users and groups."""
    ours = [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("planstatus.")
        for model in config.get_models()
    ]
    django = [apps.get_model(label) for label in DJANGO_MODELS]
    return serializers.sort_dependencies([(None, django + ours)], allow_cycles=True)


def _applied_migrations(db: BaseDatabaseWrapper = connection) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(db).applied_migrations():
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


class _LosslessEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds (as JavaScript does); a backup keeps every
    microsecond, or a restored row would differ from the one backed up."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


SNAPSHOT = "planstatus_backup_snapshot"


@contextmanager
def _snapshot(folder: Path) -> Iterator[str]:
    """A database alias that reads one unchanging state of the installation."""
    if connection.vendor == "postgresql":
        with transaction.atomic():
            # One snapshot for every table, however long the dump takes; writers go on.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield "default"
        return
    # SQLite: copy the database first, then read the copy at leisure. The copy is one read
    # transaction, which in WAL mode does not block writers; reading the live file for
    # minutes instead would keep its WAL from being checkpointed all that time.
    copy = folder / "snapshot.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(copy)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    connections.databases[SNAPSHOT] = {
        **connections.databases["default"],
        "NAME": str(copy),
        "OPTIONS": {},
    }
    try:
        yield SNAPSHOT
    finally:
        connections[SNAPSHOT].close()
        del connections[SNAPSHOT]
        del connections.databases[SNAPSHOT]


class _DigestWriter:
    """Text in, UTF-8 out to the zip member, counted and hashed on the way, in chunks of a
    megabyte (the serialiser writes a few bytes at a time)."""

    CHUNK = 1 << 20

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.digest = hashlib.sha256()
        self.size = 0
        self.pending: list[str] = []
        self.pending_size = 0

    def write(self, text: str) -> None:
        self.pending.append(text)
        self.pending_size += len(text)
        if self.pending_size >= self.CHUNK:
            self.flush()

    def flush(self) -> None:
        data = "".join(self.pending).encode()
        self.pending, self.pending_size = [], 0
        self.digest.update(data)
        self.size += len(data)
        self.target.write(data)


class _Serializer(json_serializer.Serializer):
    """Django's JSON serialiser, writing each row with json.dumps: json.dump (Django's) takes
    the encoder's pure-Python path and writes a few bytes at a time, three times slower for
    the same text."""

    def end_object(self, obj: Model) -> None:
        separator = "" if self.first else ", "
        self.stream.write(separator + json.dumps(self.get_dump_object(obj), **self.json_kwargs))
        self._current = None


def _natural_key_relations(model: type[Model]) -> list[str]:
    # The serialiser writes a reference to a user by user name: fetched with the row, not by
    # a query per row (a million status updates made a million queries).
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, ForeignKey) and hasattr(f.related_model, "natural_key")
    ]


def _serialise(models: list[type[Model]], *, using: str, stream: _DigestWriter) -> Counter[str]:
    counts: Counter[str] = Counter()

    def rows() -> Any:
        for model in models:
            rows = model._base_manager.using(using).order_by("pk")
            if related := _natural_key_relations(model):
                rows = rows.select_related(*related)
            for obj in rows.iterator(chunk_size=2000):
                counts[model._meta.label] += 1
                yield obj

    _Serializer().serialize(
        rows(),
        stream=cast(IO[str], stream),
        use_natural_foreign_keys=True,
        indent=None,
        cls=_LosslessEncoder,
    )
    stream.flush()
    return counts


def make_backup(*, path: Path) -> BackupSummary:
    """Write a consistent backup of the whole installation to `path`."""
    models = backed_up_models()
    # Written beside the target and renamed, so an interrupted backup leaves no half file.
    # The SQLite snapshot waits beside it too, in a folder of its own (0700): the same disk
    # as the backup, and not /tmp, which may be memory.
    partial = path.with_name(path.name + ".partial")
    try:
        with (
            tempfile.TemporaryDirectory(dir=path.parent, prefix=".planstatus-backup-") as tmp,
            _snapshot(Path(tmp)) as using,
            zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        ):
            with archive.open(DATA, "w", force_zip64=True) as member:
                writer = _DigestWriter(member)
                counts = _serialise(models, using=using, stream=writer)
            files = {}
            # The snapshot's attachments: a file is written before its row, so every row
            # the snapshot holds has its file on disk.
            for stored, sha in NewsAttachment.objects.using(using).values_list(
                "stored_name", "sha256"
            ):
                archive.writestr(FILES + stored, attachments.read_file(stored))
                files[stored] = sha
            created_at = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
            manifest = {
                "format": FORMAT,
                "version": FORMAT_VERSION,
                "created_at": created_at,
                "database": connection.vendor,
                "migrations": _applied_migrations(connections[using]),
                "counts": dict(sorted(counts.items())),
                "data_sha256": writer.digest.hexdigest(),
                "data_size": writer.size,
                "files": files,
            }
            archive.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
        partial.replace(path)
    except OSError as e:
        partial.unlink(missing_ok=True)
        raise BackupError(
            _("Could not write the backup to %(path)s: %(error)s.")
            % {"path": path, "error": e.strerror or e}
        ) from e
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupSummary(
        path=path, rows=sum(counts.values()), models=len(counts), created_at=created_at
    )


@dataclass(frozen=True)
class CheckedBackup:
    manifest: dict[str, Any]
    data: bytes
    rows: list[dict[str, Any]]
    files: dict[str, bytes]  # attachments' files by stored name


def _check_sizes(archive: zipfile.ZipFile, name: str) -> None:
    for info in archive.infolist():
        if info.filename == DATA:
            limit = MAX_DATA_BYTES
        elif info.filename.startswith(FILES):
            limit = MAX_ATTACHMENT_BYTES
        else:
            limit = MAX_MANIFEST_BYTES
        if info.file_size > limit:
            raise BackupError(
                _(
                    "The file %(name)s is refused: its part %(part)s would unpack to "
                    "%(size)s MB, more than the %(limit)s MB a backup's part may hold."
                )
                % {
                    "name": name,
                    "part": info.filename,
                    "size": info.file_size // 1024**2,
                    "limit": limit // 1024**2,
                }
            )


def read_backup(path: Path) -> CheckedBackup:
    """Read and check a backup file completely, writing nothing."""
    name = {"name": path.name}
    damaged = _("The file %(name)s is damaged or not a Planstatus backup.") % name
    try:
        with zipfile.ZipFile(path) as archive:
            _check_sizes(archive, path.name)
            if archive.testzip() is not None:
                raise BackupError(
                    _(
                        "The file %(name)s is damaged or not a Planstatus backup "
                        "(the checksum does not match)."
                    )
                    % name
                )
            names = set(archive.namelist())
            manifest = json.loads(archive.read(MANIFEST)) if MANIFEST in names else {}
            listed = manifest.get("files", {}) if isinstance(manifest, dict) else {}
            if not isinstance(listed, dict) or not all(
                isinstance(k, str) and re.fullmatch("[0-9a-f]{32}", k) and isinstance(v, str)
                for k, v in listed.items()
            ):
                raise BackupError(damaged)
            if names != {MANIFEST, DATA, *(FILES + stored for stored in listed)}:
                raise BackupError(
                    _(
                        "The file %(name)s is damaged or not a Planstatus backup "
                        "(the contents are missing or unknown)."
                    )
                    % name
                )
            data = archive.read(DATA)
            files = {stored: archive.read(FILES + stored) for stored in listed}
    except FileNotFoundError:
        raise BackupError(_("The file %(path)s does not exist.") % {"path": path}) from None
    except (zipfile.BadZipFile, EOFError, ValueError, OSError) as e:
        raise BackupError(damaged) from e
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(damaged)
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(
            _(
                "The backup has format %(found)s, but this version of Planstatus reads "
                "format %(expected)s."
            )
            % {"found": manifest.get("version"), "expected": FORMAT_VERSION}
        )
    if len(data) != manifest.get("data_size") or hashlib.sha256(data).hexdigest() != manifest.get(
        "data_sha256"
    ):
        raise BackupError(
            _(
                "The file %(name)s is damaged or not a Planstatus backup "
                "(the data do not match the contents list)."
            )
            % name
        )
    try:
        rows = json.loads(data)
    except ValueError as e:
        raise BackupError(
            _(
                "The file %(name)s is damaged or not a Planstatus backup "
                "(the data are not valid JSON)."
            )
            % name
        ) from e
    if not isinstance(rows, list) or not all(
        isinstance(r, dict) and isinstance(r.get("model"), str) and "fields" in r for r in rows
    ):
        raise BackupError(
            _(
                "The file %(name)s is damaged or not a Planstatus backup "
                "(the data have the wrong shape)."
            )
            % name
        )
    if any(hashlib.sha256(body).hexdigest() != listed[stored] for stored, body in files.items()):
        raise BackupError(
            _(
                "The file %(name)s is damaged or not a Planstatus backup "
                "(the data do not match the contents list)."
            )
            % name
        )
    counted = Counter(r["model"] for r in rows)
    expected = {label.lower(): n for label, n in manifest.get("counts", {}).items()}
    if dict(counted) != expected:
        raise BackupError(
            _(
                "The file %(name)s is damaged or not a Planstatus backup "
                "(the number of rows does not match)."
            )
            % name
        )
    return CheckedBackup(manifest=manifest, data=data, rows=rows, files=files)


ROW_PROBLEMS_SHOWN = 5


def _field_problem(field: Field[Any, Any], value: Any, known: _KnownRows) -> str | None:
    """Why a row's value for `field` cannot be loaded here, or None."""
    name = {"field": field.name}
    if value is None:
        if field.null or isinstance(field, ManyToManyField):
            return None
        return _("%(field)s is empty, but must have a value") % name
    if isinstance(field, ManyToManyField):
        references = value if isinstance(value, list) else [value]
    elif isinstance(field, ForeignKey):
        # History rows keep references to rows deleted since (no constraint); others must
        # find their row.
        references = [value] if getattr(field, "db_constraint", True) else []
    else:
        references = []
    for reference in references:
        target = field.related_model
        assert isinstance(target, type)
        if not known.has(target, reference):
            return _("%(field)s refers to %(target)s %(key)s, which is not in the backup") % {
                **name,
                "target": target._meta.label_lower,
                "key": json.dumps(reference, ensure_ascii=False),
            }
    if field.choices and not isinstance(field, ForeignKey | ManyToManyField):
        allowed = [str(key) for key, _label in field.flatchoices]
        if str(value) not in allowed and not (value == "" and field.blank):
            return _("%(field)s is «%(value)s», which is not one of %(allowed)s") % {
                **name,
                "value": str(value)[:40],
                "allowed": ", ".join(allowed),
            }
    limit = getattr(field, "max_length", None)
    if isinstance(value, str) and limit is not None and len(value) > limit:
        return _("%(field)s has %(length)s characters; at most %(limit)s fit") % {
            **name,
            "length": len(value),
            "limit": limit,
        }
    return None


class _KnownRows:
    """The keys of the backup's own rows, by model: a reference must find one of them.
    Models that travel outside the backup (content types, permissions: made by migrate)
    are taken on trust."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.pks: dict[str, set[str]] = {}
        self.natural: dict[str, set[str]] = {}
        for row in rows:
            label = row["model"]
            self.pks.setdefault(label, set()).add(str(row.get("pk")))
        self.rows = rows
        self.backed_up = {m._meta.label_lower for m in backed_up_models()}

    def _natural_keys(self, model: type[Model]) -> set[str]:
        label = model._meta.label_lower
        if label not in self.natural:
            keys = set()
            for row in self.rows:
                if row["model"] == label:
                    plain = {
                        f.name: row["fields"][f.name]
                        for f in model._meta.concrete_fields
                        if not f.is_relation and f.name in row["fields"]
                    }
                    keys.add(json.dumps(list(model(**plain).natural_key())))  # type: ignore[attr-defined]
            self.natural[label] = keys
        return self.natural[label]

    def has(self, model: type[Model], reference: Any) -> bool:
        label = model._meta.label_lower
        if label not in self.backed_up:
            return True
        if isinstance(reference, list):
            return json.dumps(reference) in self._natural_keys(model)
        return str(reference) in self.pks.get(label, set())


def row_problems(rows: list[dict[str, Any]]) -> list[str]:
    """Rows that this version's models would not take, each named by its place in the file,
    its table and its key. A hand-edited backup can pass every checksum and still hold them;
    loading it would end in a database error somewhere in the middle."""
    known = _KnownRows(rows)
    labels = {m._meta.label_lower: m for m in backed_up_models()}
    problems: list[str] = []
    for number, row in enumerate(rows, start=1):
        model = labels.get(row["model"])
        place = {"number": number, "model": row["model"], "pk": row.get("pk")}
        fields = row["fields"] if isinstance(row["fields"], dict) else None
        if model is None or fields is None:
            problem: str | None = _("this version of Planstatus has no such table")
        else:
            problem = None
            for name, value in fields.items():
                try:
                    field = model._meta.get_field(name)
                except FieldDoesNotExist:
                    problem = _("%(field)s is not a field of this table") % {"field": name}
                else:
                    assert isinstance(field, Field)
                    problem = _field_problem(field, value, known)
                if problem:
                    break
        if problem:
            problems.append(
                _("Row %(number)s (%(model)s %(pk)s): %(problem)s.") % {**place, "problem": problem}
            )
    return problems


def restore_backup(*, path: Path) -> int:
    """Bring a backup back into an empty database. Returns the number of rows loaded."""
    backup = read_backup(path)
    call_command("migrate", interactive=False, verbosity=0)
    ours = _applied_migrations()
    if ours != backup.manifest.get("migrations"):
        raise BackupError(
            _(
                "The backup is from another version of Planstatus than this one (the "
                "migrations differ). Restore it with the same version, and upgrade afterwards."
            )
        )
    if problems := row_problems(backup.rows):
        shown = problems[:ROW_PROBLEMS_SHOWN]
        if len(problems) > len(shown):
            shown.append(_("… and %(n)s more.") % {"n": len(problems) - len(shown)})
        raise BackupError(
            "\n".join(
                [
                    _("The backup %(name)s has rows this database cannot take:")
                    % {"name": path.name},
                    *shown,
                    _("Nothing was restored."),
                ]
            )
        )
    occupied = [m._meta.label for m in backed_up_models() if m._base_manager.exists()]
    if occupied:
        raise BackupError(
            _(
                "The database is not empty, so the backup is not loaded. "
                "These tables have contents: %(tables)s."
            )
            % {"tables": ", ".join(occupied[:5])}
        )
    with tempfile.TemporaryDirectory() as folder:
        fixture = Path(folder) / "planstatus-restore.json"
        fixture.write_bytes(backup.data)
        # loaddata loads in one transaction, checks the foreign keys at the end, and on
        # PostgreSQL moves the id sequences past the loaded rows. The rows were checked
        # above; what the check does not know (a duplicate key, say) still ends here, in
        # a rolled-back transaction and a message rather than a traceback.
        # The files first, as an upload writes them; taken away again if the rows fail.
        written: list[str] = []
        try:
            for stored, body in backup.files.items():
                written.append(attachments.write_file(body, stored_name=stored))
            call_command("loaddata", str(fixture), verbosity=0)
        except FileExistsError as e:
            for stored in written:
                attachments.delete_file(stored)
            raise BackupError(
                _("An attachment's file is already there, so nothing was restored: %(name)s")
                % {"name": e.filename}
            ) from e
        except (DeserializationError, IntegrityError, DatabaseError) as e:
            for stored in written:
                attachments.delete_file(stored)
            raise BackupError(
                _("The backup could not be loaded, and nothing was restored: %(error)s")
                % {"error": str(e).strip().splitlines()[0] if str(e).strip() else e}
            ) from e
    return len(backup.rows)
