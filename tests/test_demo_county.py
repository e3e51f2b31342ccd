"""Tests that ``staffing check`` runs on the demo county's current roster under every model."""

from __future__ import annotations

from pathlib import Path

import pytest

import staffing
from staffing.indicators import indicators
from tests.builders import MODELS, ROOT, TINY, invoke

DEMO = ROOT / "instances" / "demo-county"

needs_demo = pytest.mark.skipif(
    not DEMO.exists(), reason="instances/demo-county is missing"
)


def indicator_labels() -> list[str]:
    """The English labels every check report prints (from the tiny bundle's current roster)."""
    inst = staffing.load(TINY)
    return [i.label_en for i in indicators(inst, staffing.Roster.current(inst))]


@pytest.fixture(scope="module")
def demo_roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo county's roster as it stands before the round (its own file when it has one)."""
    shipped = DEMO / "current_roster.csv"
    if shipped.exists():
        return shipped
    path = tmp_path_factory.mktemp("demo") / "current-roster.csv"
    result = invoke("current-roster", DEMO, path)
    assert result.exit_code == 0, result.output
    return path


@needs_demo
@pytest.mark.parametrize("model", MODELS, ids=[m.stem for m in MODELS])
def test_check_demo_current_roster(model: Path, demo_roster: Path) -> None:
    """Tests that checking the demo's current roster prints rules, stages and indicators."""
    result = invoke("check", DEMO, demo_roster, "--policy", model)
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    assert "Indicators" in result.output and "Objective stages" in result.output
    for label in indicator_labels():
        assert label in result.output
    verdict = "all hard rules hold" if result.exit_code == 0 else "hard violation(s)"
    assert verdict in result.output


@pytest.mark.parametrize("model", MODELS, ids=[m.stem for m in MODELS])
def test_check_tiny_current_roster(model: Path, tmp_path: Path) -> None:
    """Tests that the same command on the tiny bundle prints the indicators under every model."""
    roster_csv = tmp_path / "roster.csv"
    assert invoke("current-roster", TINY, roster_csv).exit_code == 0
    result = invoke("check", TINY, roster_csv, "--policy", model)
    assert result.exit_code in (0, 1), result.output
    assert "Indicators" in result.output and "每万人口全科医生数" in result.output
    for label in indicator_labels():
        assert label in result.output


@pytest.mark.parametrize("model", MODELS, ids=[m.stem for m in MODELS])
def test_tiny_validates_under_every_model(model: Path) -> None:
    """Tests that the tiny fixture validates cleanly, with no warning, under every policy model."""
    result = invoke("validate", TINY, "--policy", model)
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
