"""The corpus of real plans (tests/fixtures/plans/) and its expectations (issue 18).

The expectations are the acceptance test of the plan interpreter: each `<name>.expected.json`
must keep the one format `bench/import_score.py` reads, each document must stay small, and
the corpus must keep covering the formats and points the issue names. Whether the readers
meet the targets on it is the last test.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "tests" / "fixtures" / "plans"
SIZE_LIMIT = 200_000
STATUSES = {"unknown", "not_started", "started", "done", "cancelled"}
ROLES = {
    "measure",
    "code",
    "timing",
    "responsible",
    "involved",
    "status",
    "comment",
    "area",
    "goal",
    "ignore",
}
TOP_KEYS = {"source", "title", "layout", "points", "areas"}
OPTIONAL_TOP_KEYS = {"known_actors", "columns"}


def load_score() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "import_score", ROOT / "bench" / "import_score.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["import_score"] = module
    spec.loader.exec_module(module)
    return module


EXPECTATIONS = sorted(PLANS.glob("*.expected.json"))


def document_for(expected_path: Path) -> Path:
    name = expected_path.name.removesuffix(".expected.json")
    elsewhere = load_score().ELSEWHERE
    if name in elsewhere:
        return Path(elsewhere[name])
    found = [p for p in PLANS.glob(name + ".*") if not p.name.endswith(".json")]
    assert len(found) == 1, f"{expected_path.name}: one document expected, found {found}"
    return found[0]


def check_timing(timing: Any, where: str) -> None:
    if timing is None:
        return
    assert isinstance(timing, dict) and set(timing) == {"start", "end", "yearly", "continuous"}, (
        where
    )
    for key in ("start", "end"):
        assert timing[key] is None or (
            isinstance(timing[key], int) and 1900 < timing[key] < 2200
        ), where
    assert isinstance(timing["yearly"], bool) and isinstance(timing["continuous"], bool), where
    if timing["start"] is not None and timing["end"] is not None:
        assert timing["start"] <= timing["end"], where


def check_measure(measure: Any, where: str) -> None:
    assert isinstance(measure, dict), where
    assert set(measure) == {"code", "text", "timing", "responsible", "involved", "status"}, where
    assert measure["code"] is None or (isinstance(measure["code"], str) and measure["code"].strip())
    assert isinstance(measure["text"], str) and measure["text"].strip(), where
    assert measure["text"] == " ".join(measure["text"].split()), (
        f"{where}: whitespace not normalised"
    )
    check_timing(measure["timing"], where)
    for key in ("responsible", "involved"):
        assert isinstance(measure[key], list), where
        assert all(isinstance(actor, str) and actor.strip() for actor in measure[key]), where
    assert measure["status"] in STATUSES, where


@pytest.mark.parametrize("expected_path", EXPECTATIONS, ids=lambda p: p.name)
def test_expectation_has_the_format(expected_path: Path) -> None:
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    keys = set(expected)
    assert keys >= TOP_KEYS and keys <= TOP_KEYS | OPTIONAL_TOP_KEYS, keys
    assert isinstance(expected["source"], str) and expected["source"].strip()
    assert expected["title"] is None or isinstance(expected["title"], str)
    assert isinstance(expected["layout"], str) and "\n" not in expected["layout"]
    points = expected["points"]
    assert points and all(isinstance(p, int) and 1 <= p <= 8 for p in points)
    assert points == sorted(set(points))
    for actor in expected.get("known_actors", []):
        assert isinstance(actor, str) and actor.strip()
    for header, role in expected.get("columns", {}).items():
        assert isinstance(header, str) and header.strip() and role in ROLES, (header, role)
    assert isinstance(expected["areas"], list) and expected["areas"]
    count = 0
    for area in expected["areas"]:
        assert set(area) <= {"name", "description_contains", "goals"} and "goals" in area
        assert isinstance(area["name"], str) and area["name"].strip()
        for phrase in area.get("description_contains", []):
            assert isinstance(phrase, str) and phrase.strip()
        assert isinstance(area["goals"], list) and area["goals"], area["name"]
        for goal in area["goals"]:
            assert set(goal) == {"code", "text", "measures"}, goal.keys()
            assert goal["code"] is None or isinstance(goal["code"], str)
            assert goal["text"] is None or isinstance(goal["text"], str)
            for index, measure in enumerate(goal["measures"]):
                check_measure(measure, f"{area['name']} / {goal['text']} / #{index + 1}")
                count += 1
    assert count >= 3, "an extract of at least a few measures"


@pytest.mark.parametrize("expected_path", EXPECTATIONS, ids=lambda p: p.name)
def test_document_exists_and_is_small(expected_path: Path) -> None:
    document = document_for(expected_path)
    assert document.exists()
    assert document.stat().st_size < SIZE_LIMIT, f"{document.name} is over {SIZE_LIMIT} bytes"


def test_every_document_has_an_expectation() -> None:
    documents = {
        p.name.rsplit(".", 1)[0]
        for p in PLANS.iterdir()
        if p.is_file() and not p.name.endswith((".json", ".md", ".py"))
    }
    expectations = {p.name.removesuffix(".expected.json") for p in EXPECTATIONS}
    assert documents <= expectations, documents - expectations


def test_corpus_covers_the_issue() -> None:
    """Issue 18: at least 15 documents from other councils, in Word, Excel, CSV, text, PDF
    and the OpenDocument formats, covering points 1–8 between them."""
    others = [p for p in EXPECTATIONS if not p.name.startswith("hallingdal")]
    assert len(others) >= 15
    formats = {document_for(p).suffix for p in others}
    assert {".docx", ".xlsx", ".csv", ".txt", ".pdf", ".odt", ".ods"} <= formats
    points = {
        point for p in others for point in json.loads(p.read_text(encoding="utf-8"))["points"]
    }
    assert points == set(range(1, 9))


def test_readers_meet_the_targets_on_every_document() -> None:
    score = load_score()
    scores = [score.score_document(*item) for item in score.corpus()]
    missed = [s.name for s in scores if not s.meets_targets()]
    assert not missed, f"targets missed on: {', '.join(missed)}"
