from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session")
def artefact_dir() -> Path:
    """Screenshots and rendered pages for a person to look at after the run."""
    path = Path(os.environ.get("PLANSTATUS_TEST_ARTEFACTS", "test-artefacts"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(autouse=True)
def installation_language() -> Iterator[None]:
    """Every test starts in the installation's language (Nynorsk). The language middleware
    activates the person's language for the thread and leaves it active after the response,
    so without this a test that asserts a Nynorsk message from a service or command would
    depend on the language of the last request an earlier test made."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def private_media_folder(tmp_path_factory: pytest.TempPathFactory, settings: Any) -> None:
    """Uploaded documents kept for a review go to a folder of the test run's own, not the
    data folder of the checkout."""
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"
