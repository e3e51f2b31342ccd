"""Tests the policy-staff commands end to end on the tiny county: sweep, scenario run, compare
and frontier, their outputs, and exit 2 with located messages for bad input."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.builders import MODELS, TINY, invoke

CHONGQING = next(m for m in MODELS if m.stem == "chongqing-2024")
FAST = ("--time-limit", "10", "--backend", "serial")


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sweep")
    result = invoke("sweep", CHONGQING, TINY, "--vary",
                    "rules.rotation_before_senior.min_months=6:12:6", "--out", out, *FAST)
    assert result.exit_code == 0, result.output
    return out


def test_sweep_writes_table_chart_and_scenarios(swept: Path) -> None:
    """Tests the sweep folder: comparison CSV/xlsx, chart PNG/SVG, a folder per scenario."""
    for name in ("comparison.csv", "comparison.xlsx", "binding.csv", "manifest.json",
                 "chart.png", "chart.svg", "comparison.html"):
        assert (swept / name).is_file(), name
    with (swept / "comparison.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["情景 / scenario"] for r in rows] == ["base", "min_months=6", "min_months=12"]
    assert all(r["独立校验 / checker on the roster"] == "passes" for r in rows)
    assert (swept / "scenarios" / "min_months=6" / "roster.csv").is_file()


def test_every_roster_passes_staffing_check(swept: Path) -> None:
    """Tests ``staffing check`` on each scenario's roster under its own policy."""
    for folder in sorted((swept / "scenarios").iterdir()):
        result = invoke("check", TINY, folder / "roster.csv", "--policy", folder / "policy.yaml")
        assert result.exit_code == 0, result.output


def test_compare_two_runs(swept: Path, tmp_path: Path) -> None:
    """Tests ``staffing compare``: tables printed and written, a summary line."""
    a, b = swept / "scenarios" / "base", swept / "scenarios" / "min_months=6"
    result = invoke("compare", a, b, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert "people placed differently" in result.output
    for name in ("moves.csv", "indicators.csv", "rules.csv", "pay_changes.csv",
                 "comparison.html"):
        assert (tmp_path / name).is_file()


def test_scenario_files_run(tmp_path: Path) -> None:
    """Tests ``staffing scenario run`` on two files naming their base."""
    files = []
    for name, value in (("cap-0", "0"), ("cap-50", "0.5")):
        path = tmp_path / f"{name}.yaml"
        path.write_text(f"name: {name}\npolicy: {CHONGQING}\ninstance: {TINY}\noverrides:\n"
                        f"  rules.post_structure.senior_max_share: {value}\n", encoding="utf-8")
        files.append(path)
    out = tmp_path / "out"
    result = invoke("scenario", "run", *files, "--out", out, *FAST)
    assert result.exit_code == 0, result.output
    assert (out / "scenarios" / "cap-50" / "audit.csv").is_file()


def test_bad_input_exits_2_with_every_problem(tmp_path: Path) -> None:
    """Tests that a bad path, a bad range and a bad --set are all listed, nothing written."""
    out = tmp_path / "never"
    result = invoke("sweep", CHONGQING, TINY, "--vary", "rules.post_structure.senior_cap=0:1:0.5",
                    "--set", "institutions.T99.floor=+1", "--out", out, *FAST)
    assert result.exit_code == 2, result.output
    assert "senior_cap" in result.output and "T99" in result.output
    assert "senior_max_share" in result.output
    assert not out.exists()
    result = invoke("sweep", CHONGQING, TINY, "--vary", "max_choices=3:1:1", "--out", out)
    assert result.exit_code == 2 and "TO must not be below FROM" in result.output


def test_bad_scenario_file_is_located_in_chinese(tmp_path: Path) -> None:
    """Tests that a scenario file's unknown key and missing base, and then a bad override of a
    good file, are located by file, line and key in Chinese under ``--lang zh`` (the English
    wording absent), exit 2, nothing written."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"name: cap\ncolour: red\npolicy: {CHONGQING}\ninstance: no-such-bundle\n",
                   encoding="utf-8")
    out = tmp_path / "never"
    result = invoke("scenario", "run", bad, "--out", out, *FAST, "--lang", "zh")
    assert result.exit_code == 2, result.output
    for fragment in ("bad.yaml，第 2 行，列「colour」", "未知的键“colour”",
                     "bad.yaml，第 4 行，列「instance」", "数据包“no-such-bundle”不存在",
                     "相对于情景文件的路径", "2 个错误"):
        assert fragment in result.output, result.output
    assert "unknown key" not in result.output and not out.exists()
    bad.write_text(f"name: cap\npolicy: {CHONGQING}\ninstance: {TINY}\noverrides:\n"
                   "  rules.post_structure.senior_max_share: 1.5\n"
                   "  institutions.T99.floor: +1\n", encoding="utf-8")
    result = invoke("scenario", "run", bad, "--out", out, *FAST, "--lang", "zh")
    assert result.exit_code == 2, result.output
    for fragment in ("bad.yaml，第 5 行，列「rules.post_structure.senior_max_share」", "数值太大",
                     "不大于 1 的数", "bad.yaml，第 6 行，列「institutions.T99.floor」",
                     "未知的机构“T99”"):
        assert fragment in result.output, result.output
    assert not out.exists()
    result = invoke("sweep", CHONGQING, TINY, "--vary", "max_choices=3:1:1", "--out", out,
                    "--lang", "zh")
    assert result.exit_code == 2 and "止值不能小于起值" in result.output


def test_frontier_command(tmp_path: Path) -> None:
    """Tests ``staffing frontier``: the boundary in words and JSON, the chart, the table."""
    result = invoke("frontier", CHONGQING, TINY, "--vary",
                    "rules.township_headcount_norm.min_per_mille=0.2:1.6", "--samples", "2",
                    "--out", tmp_path, "--no-pay", *FAST)
    assert result.exit_code == 0, result.output
    found = json.loads((tmp_path / "frontier.json").read_text(encoding="utf-8"))
    assert (found["last_feasible"], found["first_infeasible"]) == ("0.8", "0.801")
    assert found["institutions"] == ["T"]
    for name in ("frontier.png", "frontier.svg", "frontier.txt", "comparison.xlsx",
                 "comparison.html"):
        assert (tmp_path / name).is_file()
