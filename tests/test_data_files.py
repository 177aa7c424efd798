"""Files that hold personal data and live links are the service user's alone.

The database and its WAL files, mail files, backups, the secret key and stored uploads are
created 0600 in 0700 folders, whatever umask the process was started with (a login shell's
is usually 022, which would make them readable by every user on the machine).
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

from django.db import connection

from tests.test_backup import ROOT, installation_env
from tests.test_faults import empty_installation_database

MAKE_FILES = """
import os
from pathlib import Path
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.core.management import call_command
from django.db import connection

User.objects.filter(username="admin").update(first_name="Skriv")  # a write: the WAL file
send_mail("Lenkje", "https://planstatus.example.no/r/hemmeleg/", "a@example.no", ["b@example.no"])
default_storage.save("opplastingar/plan.txt", ContentFile(b"Plan"))
# A plan document kept for its review, under a random name (never the person's file name).
from planstatus.imports.drafts import start_import
from planstatus.regions.models import Region
draft = start_import(
    region=Region.objects.get(slug="hallingdal"),
    data=chr(10).join(["Tiltak;Tid", "Lage plan;2025"]).encode(),
    filename="Hemmeleg plan.csv",
    target_plan=None,
    user=None,
)
print("kept", draft.document.name)
call_command("backup", str(Path(os.environ["BACKUP_DIR"]) / "kopi.zip"))
# Listed while the connection is open, so SQLite's -wal and -shm files are there.
for folder in (settings.DATA_DIR, Path(os.environ["BACKUP_DIR"])):
    for path in [folder, *sorted(folder.rglob("*"))]:
        print(oct(path.stat().st_mode & 0o777), path.is_dir(), path)
"""


def run_with_umask_022(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "planstatus.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=lambda: os.umask(0o022),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_data_files_are_private_whatever_the_umask() -> None:
    with empty_installation_database() as (folder, url), tempfile.TemporaryDirectory() as tmp:
        data_dir, backup_dir = Path(folder) / "data", Path(tmp) / "kopiar"
        env = installation_env(str(data_dir), url, BACKUP_DIR=str(backup_dir))
        run_with_umask_022(["init"], env)
        backup_dir.mkdir(mode=0o700)
        listing = run_with_umask_022(["shell", "-c", MAKE_FILES], env)
        modes = {
            Path(path).name: (int(mode, 8), is_dir == "True")
            for mode, is_dir, path in (
                line.split(" ", 2) for line in listing.splitlines() if line.startswith("0o")
            )
        }
        kept = next(line.split()[1] for line in listing.splitlines() if line.startswith("kept "))
        assert kept.startswith("imports/") and "Hemmeleg" not in kept, kept
        expected = {"data", "secret_key", "mail", "media", "opplastingar", "plan.txt", "kopi.zip"}
        expected |= {"imports", Path(kept).name}
        if connection.vendor == "sqlite":
            expected |= {"planstatus.sqlite3", "planstatus.sqlite3-wal", "planstatus.sqlite3-shm"}
        assert expected <= set(modes), sorted(modes)
        assert any(name.endswith(".log") for name in modes), sorted(modes)  # the mail file
        for name, (mode, is_dir) in modes.items():
            assert mode == (0o700 if is_dir else 0o600), (name, oct(mode))
        assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
