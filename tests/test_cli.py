"""The console command as a user runs it: `planstatus init` and `planstatus serve`."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase

from planstatus.accounts.models import Membership
from planstatus.plans.models import Measure
from planstatus.regions.models import Region


class InitCommandTests(TestCase):
    def test_init_loads_hallingdal_once_and_creates_demo_login(self) -> None:
        out = StringIO()
        call_command("init", stdout=out)
        self.assertIn("Hallingdal", out.getvalue())
        self.assertIn("Eksempelregionen", out.getvalue())
        self.assertEqual(
            set(Region.objects.values_list("slug", "is_example")),
            {("hallingdal", False), ("eksempelregionen", True)},
        )
        hallingdal = Measure.objects.filter(focus_area__plan__region__slug="hallingdal")
        self.assertEqual(hallingdal.filter(focus_area__plan__slug="regionplan").count(), 68)
        users = get_user_model().objects.all()
        self.assertEqual({u.username for u in users}, {"admin", "sekretariat", "lesar"})
        self.assertTrue(all(u.check_password("hallingdal-demo") for u in users))
        roles = set(Membership.objects.values_list("user__username", "region__slug", "role"))
        self.assertEqual(
            roles,
            {
                ("sekretariat", "hallingdal", "secretariat"),
                ("lesar", "hallingdal", "reader"),
                ("sekretariat", "eksempelregionen", "secretariat"),
                ("lesar", "eksempelregionen", "reader"),
            },
        )
        self.assertTrue(users.get(username="admin").is_superuser)

        call_command("init", stdout=StringIO())  # a second run changes nothing
        self.assertEqual(Region.objects.count(), 2)
        self.assertEqual(get_user_model().objects.count(), 3)

    def test_init_without_demo_only_migrates(self) -> None:
        call_command("init", "--no-demo", stdout=StringIO())
        self.assertFalse(Region.objects.exists())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="serves the embedded SQLite database, as a new user does",
)
def test_serve_on_a_fresh_data_folder(tmp_path: Path) -> None:
    """`planstatus serve` on an empty folder: migrates, loads Hallingdal, prints the login."""
    port = _free_port()
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["PLANSTATUS_DATA_DIR"] = str(tmp_path / "data")
    planstatus = Path(sys.executable).with_name("planstatus")
    proc = subprocess.Popen(
        [str(planstatus), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = ""
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/hallingdal/regionplan/", timeout=5
                ) as response:
                    body = response.read().decode()
                break
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.5)
        assert body.count('data-testid="measure-row"') == 68
        assert (tmp_path / "data" / "planstatus.sqlite3").exists()
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            output, _ = proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            output, _ = proc.communicate()
    assert f"http://127.0.0.1:{port}/" in output
    assert "sekretariat / hallingdal-demo" in output
    assert "lesar / hallingdal-demo" in output
