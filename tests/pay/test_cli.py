"""Tests that ``staffing pay`` writes a plan, explains an impossible one, refuses bad input and
keeps to its time limit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import staffing
from staffing import cli
from staffing.io.roster_io import write_roster
from tests.pay.conftest import ROOT


def invoke(*args: object):
    cli.console.width = cli.err_console.width = 400
    return CliRunner().invoke(cli.app, [str(a) for a in args])


@pytest.fixture(scope="module")
def case(demo, demo_roster, tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    staffing.save(demo, folder / "demo")
    write_roster(demo_roster, folder / "roster.csv")
    return folder


def test_pay_then_check(case: Path) -> None:
    """Tests that ``staffing pay`` plans the demo and ``staffing check --pay`` prints its figures.

    The pay command exits 0 with every pay rule holding; the check prints tier_ratio and gini.
    """
    model = ROOT / "models" / "nanxun-2024.yaml"
    result = invoke("pay", case / "demo", case / "roster.csv", "--policy", model,
                    "--out", case / "out")
    assert result.exit_code == 0, result.output
    assert "every pay rule holds" in result.output
    result = invoke("check", case / "demo", case / "roster.csv", "--policy", model,
                    "--pay", case / "out" / "pay.csv")
    assert "tier_ratio" in result.output and "gini" in result.output


def test_infeasible_target_exits_1_with_the_budget(case: Path) -> None:
    """Tests that an unreachable ratio target exits 1, naming the rule, and writes no pay.csv."""
    model = ROOT / "models" / "nanxun-2024.yaml"
    result = invoke("pay", case / "demo", case / "roster.csv", "--policy", model,
                    "--ratio-target", "4", "--out", case / "bad")
    assert result.exit_code == 1
    text = (case / "bad" / "infeasibility.txt").read_text(encoding="utf-8")
    assert "grassroots / lead pay ratio" in text
    assert not (case / "bad" / "pay.csv").exists()


def test_budget_option(case: Path) -> None:
    """Tests that ``--budget performance=YUAN`` plans with that fund size and prints it."""
    model = ROOT / "models" / "guangdong-2019.yaml"
    result = invoke("pay", case / "demo", case / "roster.csv", "--policy", model,
                    "--budget", "performance=40000000.5", "--out", case / "big")
    assert result.exit_code == 0, result.output
    assert "40,000,000.50" in result.output


def test_a_time_limit_too_short_for_the_run_exits_2_with_the_manifest(case: Path) -> None:
    """Tests that ``--time-limit`` bounds the whole run: 0.1 s is gone during loading, so the
    command exits 2 saying so, with no traceback, and writes only the manifest."""
    model = ROOT / "models" / "nanxun-2024.yaml"
    result = invoke("pay", case / "demo", case / "roster.csv", "--policy", model,
                    "--out", case / "short", "--time-limit", "0.1", "--lang", "en")
    assert result.exit_code == 2, result.output
    assert "time limit (0.1 s)" in result.output and "Traceback" not in result.output
    assert {p.name for p in (case / "short").iterdir()} == {"manifest.json"}


def test_a_time_limit_with_room_writes_the_plan_and_records_it(case: Path) -> None:
    """Tests that a 60 s limit on the demo writes the whole plan, and the manifest records
    the limit with nothing cut short."""
    model = ROOT / "models" / "nanxun-2024.yaml"
    result = invoke("pay", case / "demo", case / "roster.csv", "--policy", model,
                    "--out", case / "timed", "--time-limit", "60")
    assert result.exit_code == 0, result.output
    manifest = json.loads((case / "timed" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["run"]["time_limit"] == 60.0 and manifest["run"]["cut_short"] == {}
    assert (case / "timed" / "pay.xlsx").exists() and (case / "timed" / "report.html").exists()


def test_bad_input_exits_2_without_output(case: Path, tmp_path: Path) -> None:
    """Tests that a bad amount in pay_funds.csv exits 2 naming the file, with no output folder."""
    model = ROOT / "models" / "nanxun-2024.yaml"
    bad = tmp_path / "demo"
    staffing.save(staffing.load(case / "demo"), bad)
    (bad / "pay_funds.csv").write_text("fund,amount\nperformance,abc\n", encoding="utf-8")
    result = invoke("pay", bad, case / "roster.csv", "--policy", model, "--out", tmp_path / "o")
    assert result.exit_code == 2
    assert "pay_funds.csv" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "o").exists()
