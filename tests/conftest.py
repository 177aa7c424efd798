from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def artefact_dir() -> Path:
    """Screenshots and rendered pages for a person to look at after the run."""
    path = Path(os.environ.get("PLANSTATUS_TEST_ARTEFACTS", "test-artefacts"))
    path.mkdir(parents=True, exist_ok=True)
    return path
