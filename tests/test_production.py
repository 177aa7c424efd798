"""`planstatus serve --production`: gunicorn with several workers, static files from
whitenoise with far-future caching, migrations run on start, production settings."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.test_backup import ROOT, installation_env
from tests.test_faults import empty_installation_database


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def test_production_server_serves_pages_and_cached_static_files() -> None:
    port = free_port()
    with empty_installation_database() as (folder, url):
        env = installation_env(
            folder,
            url,
            PLANSTATUS_DEBUG="false",
            PLANSTATUS_SECRET_KEY="test-" + "x" * 60,
            PLANSTATUS_ALLOWED_HOSTS="127.0.0.1",
            PLANSTATUS_SSL_REDIRECT="false",
            # As under the systemd unit in docs/operations.md: the venv is not on PATH.
            PATH="/usr/bin:/bin",
        )
        server = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("planstatus")),
                "serve",
                "--production",
                "--port",
                str(port),
                "--workers",
                "2",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            # Migrating an empty PostgreSQL database takes a while on a busy machine.
            for _ in range(360):
                try:
                    status, headers, body = get(base + "/")
                    break
                except OSError:
                    if server.poll() is not None:
                        raise AssertionError(server.communicate()[0]) from None
                    time.sleep(0.5)
            else:
                server.kill()
                raise AssertionError("the server did not answer: " + server.communicate()[0])
            assert status == 200
            assert "gunicorn" in headers.get("Server", "")
            # Production settings: no debug pages to a visitor.
            status, _, missing = get(base + "/finst/ikkje/her/")
            assert status == 404
            assert b"URLconf" not in missing
            page = body.decode()
            css = re.search(r'href="(/static/planstatus/planstatus\.[0-9a-f]{12}\.css)"', page)
            assert css is not None, page[:2000]
            status, headers, _ = get(base + css.group(1))
            assert status == 200
            assert "max-age=315360000" in headers.get("Cache-Control", "")
            # A personal link's token stays out of the access log, as path and as Referer.
            token = "EinLenkjeTokenSomIkkjeSkalLoggast_0123456789abcdefghij"
            request = urllib.request.Request(
                f"{base}/r/{token}/", headers={"Referer": f"{base}/r/{token}/"}
            )
            try:
                urllib.request.urlopen(request, timeout=10)
            except urllib.error.HTTPError as e:
                assert e.code == 404
            # Several workers: gunicorn's master and two worker processes.
            workers = subprocess.run(
                ["pgrep", "-P", str(server.pid)], capture_output=True, text=True
            ).stdout.split()
            assert len(workers) == 2
        finally:
            server.send_signal(signal.SIGTERM)
            output, _ = server.communicate(timeout=60)
        assert "gunicorn, 2 arbeidarar" in output
        assert token not in output
        assert '"GET /r/[lenkje]/ HTTP/1.1" 404' in output, output[-3000:]
