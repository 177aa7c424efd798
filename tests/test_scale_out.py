"""Several app servers on real engines: two `serve --production` instances on one PostgreSQL
and one Redis share sessions, statuses and the failed-login lockout; and a worker keeps
answering after PostgreSQL restarts under it (CONN_HEALTH_CHECKS)."""

from __future__ import annotations

import http.cookiejar
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import lxml.html  # type: ignore[import-untyped]
import pytest

from tests.test_backup import ROOT, installation_env
from tests.test_production import free_port

PGBIN = Path("/usr/lib/postgresql/15/bin")
DEMO_PASSWORD = "hallingdal-demo"
needs_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="runs on the suite's PostgreSQL pass",
)


def wait_for_port(port: int, *, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing answers on port {port}")


@contextmanager
def redis_server() -> Iterator[str]:
    """Debian's redis-server on loopback, keeping nothing on disk."""
    port = free_port()
    folder = tempfile.mkdtemp(prefix="planstatus-redis.")
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", folder],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for_port(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


def _as_postgres(*command: str) -> list[str]:
    # initdb and pg_ctl refuse to run as root.
    return ["runuser", "-u", "postgres", "--", *command] if os.getuid() == 0 else list(command)


@contextmanager
def throwaway_postgres() -> Iterator[tuple[str, Path, int]]:
    """A PostgreSQL 15 cluster of this test's own: (database URL, data folder, port)."""
    folder = Path(tempfile.mkdtemp(prefix="planstatus-pg."))
    if os.getuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data, port = folder / "data", free_port()
    subprocess.run(
        _as_postgres(str(PGBIN / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                     "-E", "UTF8", "--locale=C.UTF-8"),
        check=True, capture_output=True,
    )  # fmt: skip
    start_pg(data, port)
    try:
        subprocess.run(
            _as_postgres(str(PGBIN / "createdb"), "-h", "127.0.0.1", "-p", str(port),
                         "-U", "postgres", "planstatus"),
            check=True, capture_output=True,
        )  # fmt: skip
        yield f"postgres://postgres@127.0.0.1:{port}/planstatus", data, port
    finally:
        subprocess.run(
            _as_postgres(str(PGBIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"),
            capture_output=True,
        )
        shutil.rmtree(folder, ignore_errors=True)


def start_pg(data: Path, port: int) -> None:
    subprocess.run(
        _as_postgres(str(PGBIN / "pg_ctl"), "-D", str(data), "-l", str(data.parent / "log"), "-w",
                     "-o", f"-c listen_addresses=127.0.0.1 -p {port} -k {data.parent} -c fsync=off"
                     " -c full_page_writes=off", "start"),
        check=True, capture_output=True,
    )  # fmt: skip


def planstatus(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "planstatus.cli", *args],
        env=env, cwd=ROOT, check=True, capture_output=True, timeout=600,
    )  # fmt: skip


@contextmanager
def production_server(env: dict[str, str]) -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("planstatus")), "serve", "--production",
         "--port", str(port), "--workers", "2"],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        try:
            wait_for_port(port, seconds=180)
        except AssertionError:
            server.kill()
            raise AssertionError(server.communicate()[0]) from None
        yield f"http://127.0.0.1:{port}"
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=60)


class Browser:
    """One person's browser: cookies for 127.0.0.1 (any port, as browsers keep them)."""

    def __init__(self) -> None:
        # Production cookies are Secure; here the servers speak plain HTTP on loopback, as
        # behind a proxy that ends TLS, so the jar sends them over http too.
        policy = http.cookiejar.DefaultCookiePolicy(secure_protocols=("https", "wss", "http"))
        self.jar = http.cookiejar.CookieJar(policy)
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def open(self, url: str, data: dict[str, str] | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(url, data=body, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def form(self, url: str, xpath: str) -> tuple[str, dict[str, str]]:
        """The form's action and its fields as the page fills them."""
        status, page = self.open(url)
        assert status == 200, (url, status)
        form = lxml.html.document_fromstring(page).xpath(xpath)[0]
        fields = {i.get("name"): i.get("value") or "" for i in form.xpath(".//input[@name]")
                  if i.get("type") not in ("radio", "checkbox")}  # fmt: skip
        return urllib.parse.urljoin(url, form.get("action") or url), fields

    def log_in(self, base: str, username: str, password: str) -> tuple[int, str]:
        action, fields = self.form(f"{base}/konto/login/", "//main//form")
        return self.open(action, {**fields, "username": username, "password": password})


@needs_postgres
def test_two_servers_share_sessions_statuses_and_the_lockout() -> None:
    with redis_server() as cache_url, throwaway_postgres() as (db_url, _data, _port):
        folders = [
            tempfile.mkdtemp(prefix="planstatus-app."),
            tempfile.mkdtemp(prefix="planstatus-app."),
        ]
        envs = [
            installation_env(
                folder, db_url,
                PLANSTATUS_CACHE_URL=cache_url,
                PLANSTATUS_DEBUG="false",
                PLANSTATUS_SECRET_KEY="two-servers-" + "k" * 50,
                PLANSTATUS_ALLOWED_HOSTS="127.0.0.1",
                PLANSTATUS_SSL_REDIRECT="false",
                PLANSTATUS_LOGIN_FAILURE_LIMIT="3",
            )
            for folder in folders
        ]  # fmt: skip
        planstatus(envs[0], "init")  # Hallingdal and the demo users, once, in the shared database
        with production_server(envs[0]) as a, production_server(envs[1]) as b:
            # Logged in on one server, known on the other.
            person = Browser()
            status, _ = person.log_in(a, "sekretariat", DEMO_PASSWORD)
            assert status == 200
            _, plan = person.open(a + "/hallingdal/regionplan/")
            measure = lxml.html.document_fromstring(plan).xpath(
                '//a[contains(@href, "/regionplan/tiltak/")]/@href'
            )[0]
            _, page = person.open(b + measure)
            assert "Lagre status" in page  # the secretariat's form: B knows the session

            # A status saved through A shows on the next read through B.
            action, fields = person.form(a + measure, '//form[contains(@action, "/status/")]')
            status, _ = person.open(action, {**fields, "status": "done", "comment": "Ferdig via A"})
            assert status == 200
            _, page = Browser().open(b + measure)
            assert 'data-status="done"' in page

            # Three failed logins through A lock the user out through B too.
            stranger = Browser()
            for _ in range(3):
                stranger.log_in(a, "lesar", "feil-passord")
            status, page = Browser().log_in(b, "lesar", DEMO_PASSWORD)
            assert status == 429, status
            # Both the session and the failed logins live in the one Redis.
            port = cache_url.rsplit(":", 1)[1].split("/")[0]
            keys = subprocess.run(
                ["redis-cli", "-p", port, "--scan", "--pattern", "planstatus:*"],
                capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
            assert "django.contrib.sessions.cached_db" in keys, keys
            assert "axes" in keys, keys
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)


def test_a_worker_answers_after_postgresql_restarts() -> None:
    with throwaway_postgres() as (db_url, data, _port):
        folder = tempfile.mkdtemp(prefix="planstatus-app.")
        env = installation_env(
            folder, db_url,
            PLANSTATUS_DEBUG="false",
            PLANSTATUS_SECRET_KEY="restart-" + "k" * 50,
            PLANSTATUS_ALLOWED_HOSTS="127.0.0.1",
            PLANSTATUS_SSL_REDIRECT="false",
        )  # fmt: skip
        planstatus(env, "init", "--no-demo")
        with production_server(env) as base:
            browser = Browser()
            # Every worker holds a connection (two workers; several requests reach both).
            for _ in range(6):
                assert browser.open(base + "/")[0] == 200
            subprocess.run(
                # With -l: a postmaster writing to our pipe would keep it open for ever.
                _as_postgres(str(PGBIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w",
                             "-l", str(data.parent / "log"), "restart"),
                check=True, capture_output=True,
            )  # fmt: skip
            for _ in range(6):
                status, page = browser.open(base + "/")
                assert status == 200, page[:500]
        shutil.rmtree(folder, ignore_errors=True)
