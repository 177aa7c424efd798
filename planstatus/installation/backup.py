"""Backup and restore of a whole installation, between SQLite and PostgreSQL alike.

A backup is a zip file with two members:
- `data.json`: every row of our apps and of Django's users and groups, history tables
  included, in Django's serialisation format (so BinaryFields travel as base64);
- `manifest.json`: the format and its version, when and from which database engine it was
  made, the applied migrations per app, the row count per model, and the SHA-256 and size
  of `data.json`.

Restoring checks the whole file first (zip checksums, manifest, data digest, JSON shape),
then migrates the target, requires it to be empty and at the backup's migrations, and
loads every row in one transaction. A damaged or truncated file is refused before anything
is written.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model
from django.utils.translation import gettext as _

FORMAT = "planstatus-backup"
FORMAT_VERSION = 1
DATA = "data.json"
MANIFEST = "manifest.json"
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


def _applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


class _LosslessEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds (as JavaScript does); a backup keeps every
    microsecond, or a restored row would differ from the one backed up."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _serialise(models: list[type[Model]]) -> tuple[bytes, Counter[str]]:
    counts: Counter[str] = Counter()

    def rows() -> Any:
        for model in models:
            for obj in model._base_manager.order_by("pk").iterator(chunk_size=2000):
                counts[model._meta.label] += 1
                yield obj

    stream = io.StringIO()
    serializers.serialize(
        "json",
        rows(),
        stream=stream,
        use_natural_foreign_keys=True,
        indent=None,
        cls=_LosslessEncoder,
    )
    return stream.getvalue().encode(), counts


def make_backup(*, path: Path) -> BackupSummary:
    """Write a consistent backup of the whole installation to `path`."""
    models = backed_up_models()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # One snapshot for every table, however long the dump takes.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        # On SQLite the transaction holds the write lock, so nothing changes under us.
        data, counts = _serialise(models)
        migrations = _applied_migrations()
    created_at = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    manifest = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "created_at": created_at,
        "database": connection.vendor,
        "migrations": migrations,
        "counts": dict(sorted(counts.items())),
        "data_sha256": hashlib.sha256(data).hexdigest(),
        "data_size": len(data),
    }
    # Written beside the target and renamed, so an interrupted backup leaves no half file.
    partial = path.with_name(path.name + ".partial")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
            archive.writestr(DATA, data)
        partial.replace(path)
    except OSError as e:
        partial.unlink(missing_ok=True)
        raise BackupError(
            _("Could not write the backup to %(path)s: %(error)s.")
            % {"path": path, "error": e.strerror}
        ) from e
    return BackupSummary(
        path=path, rows=sum(counts.values()), models=len(counts), created_at=created_at
    )


@dataclass(frozen=True)
class CheckedBackup:
    manifest: dict[str, Any]
    data: bytes
    rows: list[dict[str, Any]]


def read_backup(path: Path) -> CheckedBackup:
    """Read and check a backup file completely, writing nothing."""
    name = {"name": path.name}
    damaged = _("The file %(name)s is damaged or not a Planstatus backup.") % name
    try:
        with zipfile.ZipFile(path) as archive:
            if archive.testzip() is not None:
                raise BackupError(
                    _(
                        "The file %(name)s is damaged or not a Planstatus backup "
                        "(the checksum does not match)."
                    )
                    % name
                )
            names = set(archive.namelist())
            if names != {MANIFEST, DATA}:
                raise BackupError(
                    _(
                        "The file %(name)s is damaged or not a Planstatus backup "
                        "(the contents are missing or unknown)."
                    )
                    % name
                )
            manifest = json.loads(archive.read(MANIFEST))
            data = archive.read(DATA)
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
    return CheckedBackup(manifest=manifest, data=data, rows=rows)


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
        # PostgreSQL moves the id sequences past the loaded rows.
        call_command("loaddata", str(fixture), verbosity=0)
    return len(backup.rows)
