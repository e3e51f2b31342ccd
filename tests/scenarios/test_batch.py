"""Tests that a batch of scenarios runs against one base: warm-started, every roster checked,
infeasible and broken scenarios reported (never dropped), and written as the usual outputs."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import staffing
from staffing.check import check
from staffing.scenarios.backends import LocalBackend, SerialBackend
from staffing.scenarios.batch import SweepResult, run_scenarios, write_sweep
from staffing.scenarios.execute import RunSettings, scenario_inputs
from staffing.scenarios.overrides import Override
from staffing.scenarios.spec import Scenario, grid_scenarios
from tests.builders import MODELS

CHONGQING = next(m for m in MODELS if m.stem == "chongqing-2024")
NORM = "rules.township_headcount_norm"
SCENARIOS = [
    Scenario("cap-0", (Override.parse("rules.post_structure.senior_max_share", "0"),)),
    Scenario("fewer-places", (Override.parse("posts.H-IM.places", "-1"),)),
    Scenario("norm-2", (Override.parse(f"{NORM}.hard", "true"),
                        Override.parse(f"{NORM}.max_per_mille", "null"),
                        Override.parse(f"{NORM}.min_per_mille", "2.0"))),
    Scenario("typo", (Override.parse("rules.post_structure.senior_cap", "0.1"),)),
]


@pytest.fixture(scope="module")
def result(tiny: staffing.Instance) -> SweepResult:
    policy = staffing.load_policy(CHONGQING)
    return run_scenarios(tiny, policy, SCENARIOS, settings=RunSettings(time_limit=20),
                         backend=SerialBackend())


def test_every_scenario_comes_back_in_order(result: SweepResult) -> None:
    """Tests that the base runs first and each scenario has an outcome with its status."""
    assert result.base is not None and result.base.status == "optimal"
    assert [o.name for o in result.outcomes] == [s.name for s in SCENARIOS]
    assert [o.status for o in result.outcomes] == ["optimal", "optimal", "infeasible", "error"]
    assert all(o.warm_started for o in result.outcomes[:2])


def test_every_roster_passes_the_checker(result: SweepResult, tiny: staffing.Instance) -> None:
    """Tests that each roster obeys every hard rule of its own scenario's policy and instance."""
    policy = staffing.load_policy(CHONGQING)
    for scenario, outcome in zip(SCENARIOS, result.outcomes):
        if outcome.roster is None:
            continue
        inst, pol = scenario_inputs(tiny, policy, scenario)
        assert check(inst, pol, outcome.roster).ok
        assert outcome.hard_violations == 0


def test_infeasible_and_error_outcomes_say_why(result: SweepResult) -> None:
    """Tests that the infeasible scenario names the rule and the broken one its bad path."""
    infeasible, broken = result.outcomes[2], result.outcomes[3]
    assert "township_headcount_norm" in infeasible.infeasible_rules
    assert infeasible.status_text().startswith("infeasible: ")
    assert "senior_cap" in broken.message and "senior_max_share" in broken.message


def test_moves_against_the_base(result: SweepResult, tiny: staffing.Instance) -> None:
    """Tests that moves against the base count the people placed differently."""
    base = result.base
    assert base is not None and base.roster is not None
    for outcome in result.outcomes[:2]:
        assert outcome.roster is not None
        expected = sum(base.roster.post_of(p.id) != outcome.roster.post_of(p.id)
                       for p in tiny.staff)
        assert outcome.moves_vs_base == expected


def test_comparison_table_has_bilingual_headers(result: SweepResult) -> None:
    """Tests the table: one row per scenario, status words, stages, pay and binding columns."""
    plain = result.to_frame()
    assert list(plain["scenario"]) == ["base", *[s.name for s in SCENARIOS]]
    assert list(plain["status"])[:3] == ["proven", "proven", "proven"]
    assert plain["check"].iloc[0] == "passes"
    for key in ("stage:blocking_pairs", "first_choice_share", "moves_vs_base", "tier_ratio",
                "extra_budget", "binding_rules", "senior:T", "ind:fill_township"):
        assert key in plain.columns
    bilingual = result.to_frame(bilingual=True)
    assert "情景 / scenario" in bilingual.columns
    assert "所需追加预算(元) / extra budget needed (yuan)" in bilingual.columns


def test_outputs_are_written_per_scenario(result: SweepResult, tiny: staffing.Instance,
                                          tmp_path: Path) -> None:
    """Tests the folder: comparison CSV and xlsx, binding rules, each scenario's outputs."""
    policy = staffing.load_policy(CHONGQING)
    files = write_sweep(tmp_path, tiny, policy, SCENARIOS, result)
    assert {"comparison.csv", "comparison.xlsx", "binding.csv", "manifest.json"} <= set(files)
    with (tmp_path / "comparison.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 5
    assert (tmp_path / "scenarios" / "cap-0" / "roster.csv").is_file()
    assert (tmp_path / "scenarios" / "cap-0" / "policy.yaml").is_file()
    assert (tmp_path / "scenarios" / "cap-0" / "report.html").is_file()
    assert (tmp_path / "scenarios" / "fewer-places" / "instance" / "posts.csv").is_file()
    assert (tmp_path / "scenarios" / "norm-2" / "infeasibility.txt").is_file()
    assert (tmp_path / "scenarios" / "typo" / "error.txt").is_file()
    reread = staffing.load_policy(tmp_path / "scenarios" / "cap-0" / "policy.yaml")
    assert reread.rules["post_structure"].senior_max_share == 0


def test_worker_processes_give_the_same_outcomes(tiny: staffing.Instance) -> None:
    """Tests the default backend (a process pool) on a two-point grid, deterministic mode."""
    policy = staffing.load_policy(CHONGQING)
    scenarios = grid_scenarios({"rules.rotation_before_senior.min_months": [12, 30]})
    settings = RunSettings(time_limit=10, deterministic=True, pay=False, reasons=False,
                           explain=False)
    pooled = run_scenarios(tiny, policy, scenarios, settings=settings,
                           backend=LocalBackend(processes=2))
    serial = run_scenarios(tiny, policy, scenarios, settings=settings, backend=SerialBackend())
    assert [o.status for o in pooled.outcomes] == ["optimal", "infeasible"]
    assert [o.status for o in serial.outcomes] == ["optimal", "infeasible"]
    assert [o.stage_values for o in pooled.outcomes] == [o.stage_values for o in serial.outcomes]
