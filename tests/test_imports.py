"""Tests that the command line and the solve path import only what a run needs.

A time limit counts the interpreter's start and the imports, so ``staffing solve`` must not
pay for what it does not use: the scenarios, the report (matplotlib), the service, the pay
engine (PuLP), the rotation planner, the generator, and openpyxl before an xlsx is read or
written. Each check runs in a fresh interpreter and reads ``sys.modules``; no timing is
asserted. (pandas is not on the list: OR-Tools' CP-SAT module imports it.)
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "fixtures" / "tiny"
MODEL = ROOT / "models" / "nanxun-2024.yaml"

# Modules (and everything under them) that the solve path must not import.
HEAVY = ("openpyxl", "matplotlib", "pulp", "highspy", "fastapi", "uvicorn", "httpx", "ray",
         "staffing.scenarios", "staffing.report", "staffing.synth", "staffing.pay.engine",
         "staffing.pay.model", "staffing.pay.io", "staffing.planning.engine",
         "staffing.service.app", "staffing.service.pool", "staffing.service.store")
# Of the service, the ``serve`` command's options and settings only.
SERVICE_ALLOWED = {"staffing.service", "staffing.service.command", "staffing.service.config"}


STEPS = {
    "import staffing": "import staffing",
    "import staffing.cli": "import staffing.cli",
    "load, solve, check, reasons": (
        "from staffing.runs import load_inputs, reasons_within\n"
        "from staffing.allocation.engine import allocate\n"
        "from staffing.domain.clock import RunClock\n"
        "inst, policy = load_inputs({tiny!r}, {model!r})\n"
        "clock = RunClock(60)\n"
        "result = allocate(inst, policy, clock=clock)\n"
        "assert result.report.ok\n"
        "reasons_within(clock, inst, policy, result.roster)"),
    "staffing solve --no-report": (
        "from staffing.cli import app\n"
        "app(['solve', {tiny!r}, '--policy', {model!r}, '--out', {out!r}, '--no-report', "
        "'--quiet', '--time-limit', '60'], standalone_mode=False)"),
    "import staffing.scenarios": "import staffing.scenarios",  # the probe sees a heavy one
}


def is_heavy(name: str) -> bool:
    return (any(name == heavy or name.startswith(heavy + ".") for heavy in HEAVY)
            or (name.startswith("staffing.service.") and name not in SERVICE_ALLOWED))


@pytest.fixture(scope="module")
def heavy_after(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """The heavy modules imported after each of `STEPS`, run one after the other in one fresh
    interpreter."""
    out = tmp_path_factory.mktemp("solve") / "out"
    lines = ["import json as _json, sys as _sys"]
    for step, code in STEPS.items():
        lines.append(code.format(tiny=str(TINY), model=str(MODEL), out=str(out)))
        lines.append(f"print(_json.dumps([{step!r}, sorted(_sys.modules)]))")
    done = subprocess.run([sys.executable, "-c", "\n".join(lines)], capture_output=True,
                          text=True, check=False, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (out / "roster.xlsx").exists()
    found = {}
    for line in done.stdout.splitlines():
        if line.startswith('["'):
            step, modules = json.loads(line)
            found[step] = [name for name in modules if is_heavy(name)]
    return found


def test_the_probe_sees_a_heavy_import(heavy_after: dict[str, list[str]]) -> None:
    assert "staffing.scenarios" in heavy_after["import staffing.scenarios"]


@pytest.mark.parametrize("step", ["import staffing", "import staffing.cli",
                                  "load, solve, check, reasons"])
def test_the_solve_path_pulls_nothing_heavy(heavy_after: dict[str, list[str]],
                                            step: str) -> None:
    assert heavy_after[step] == []


def test_a_solve_without_report_imports_openpyxl_for_its_workbooks_only(
        heavy_after: dict[str, list[str]]) -> None:
    found = heavy_after["staffing solve --no-report"]
    assert "openpyxl" in found
    assert [name for name in found if not name.startswith("openpyxl")] == []
