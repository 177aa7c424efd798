"""The benchmark's synthetic national data still writes into today's schema: a field added to a
model must not break `bench/make_national.py` unnoticed until someone measures."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_small_national_set_is_written() -> None:
    with tempfile.TemporaryDirectory() as folder:
        result = subprocess.run(
            [sys.executable, "bench/make_national.py", "--scale", "0.003", "--data-dir", folder],
            cwd=ROOT,
            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        assert "plans_statusupdate" in result.stdout, result.stdout
