"""Fixtures of the report tests: one solved run folder, one pay folder, one headless browser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.builders import ROOT, invoke
from tests.report.browser import Browser, launch

MODEL = ROOT / "models" / "chongqing-2024.yaml"


@pytest.fixture(scope="session")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated 150-person county (seed 3) as a CSV bundle."""
    path = tmp_path_factory.mktemp("county") / "county"
    result = invoke("generate", path, "--staff", 150, "--seed", 3)
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="session")
def run_dir(county: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder ``staffing solve`` writes for that county under Chongqing 2024."""
    out = tmp_path_factory.mktemp("run") / "out"
    result = invoke("solve", county, "--policy", MODEL, "--out", out, "--time-limit", 20,
                    "--deterministic", "--quiet")
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session")
def pay_dir(county: Path, run_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder ``staffing pay`` writes for that run's roster."""
    out = tmp_path_factory.mktemp("pay") / "out"
    result = invoke("pay", county, run_dir / "roster.csv", "--policy", MODEL, "--out", out)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium (Debian's), offline, fresh profile; skipped when not installed."""
    with launch() as running:
        yield running
