"""Tests that the benchmark runner works end to end on tiny sizes (``--smoke``).

The smoke run takes seconds; the figures it writes are not benchmarks, only
evidence that every section runs, compares like with like and checks every
engine result.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from benchmarks import __main__ as runner
from benchmarks.common import read_csv
from benchmarks.floors_ip_worker import instance_text
from benchmarks.lower_bound import bounds
from benchmarks.plain_da import matching_installed


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path]:
    """One smoke run of every section into a temporary folder."""
    out = tmp_path_factory.mktemp("bench")
    code = runner.main(["--smoke", "--out", str(out), "--no-readme"])
    return code, out


def test_smoke_run_writes_every_result(smoke: tuple[int, Path]) -> None:
    """Tests that the smoke run exits 0 and writes each section's CSV, the page and the chart."""
    code, out = smoke
    assert code == 0
    for name in runner.SECTIONS:
        assert (out / f"{name}.csv").exists(), name
    page = (out / "latest.md").read_text(encoding="utf-8")
    for title in runner.TITLES.values():
        assert title in page
    if matching_installed():  # matplotlib comes with the same extra
        assert (out / "scaling.png").stat().st_size > 0


@pytest.mark.parametrize("section", list(runner.SECTIONS))
def test_each_section_succeeds(smoke: tuple[int, Path], section: str) -> None:
    """Tests that each section ran without an error."""
    ledger = json.loads((smoke[1] / "run.json").read_text(encoding="utf-8"))
    assert ledger["sections"][section]["status"] == "ok"


def test_plain_market_rosters_are_identical(smoke: tuple[int, Path]) -> None:
    """Tests that the engine returns the person-optimal stable roster, person for person."""
    rows = read_csv(smoke[1] / "plain_da.csv")
    assert rows
    for row in rows:
        assert row["identical_reference"] == "True"
        assert row["blocking_pairs"] == "0"
        if matching_installed():
            assert row["identical_matching"] == "True"
            assert float(row["matching_s"]) > 0


def test_every_engine_result_passes_the_checker(smoke: tuple[int, Path]) -> None:
    """Tests that every engine roster of the run passes `staffing.check`, as written too."""
    out = smoke[1]
    assert runner.check_failures(out) == []
    rows = read_csv(out / "policies.csv") + read_csv(out / "scaling.csv")
    assert rows
    for row in rows:
        assert row["status"] == "optimal"
        assert row["check_ok"] == row["written_check_ok"] == "True"
        assert float(row["peak_rss_mib"]) > 0


def test_engine_never_beats_the_lower_bound(smoke: tuple[int, Path]) -> None:
    """Tests that the flow bounds hold: engine <= bound with kept places <= bound with none."""
    rows = read_csv(smoke[1] / "lower_bound.csv")
    assert rows
    for row in rows:
        assert int(row["engine_first"]) <= int(row["kept_first_bound"]) <= int(row["first_bound"])
        assert int(row["engine_at_choice"]) <= int(row["kept_choice_bound"])
        engine = [int(x) for x in row["engine_profile"].split("/")]
        bound = [int(x) for x in row["kept_profile_bound"].split("/")]
        assert engine <= bound


def test_floors_engine_matches_the_integer_program(smoke: tuple[int, Path]) -> None:
    """Tests that the engine and matchingproblems find the same best profile under floors."""
    rows = read_csv(smoke[1] / "floors_ip.csv")
    assert rows
    if rows[0]["note"].startswith("skipped"):
        pytest.skip(f"matchingproblems venv absent: {rows[0]['note']}")
    for row in rows:
        assert row["engine_status"] == "optimal" and row["ip_status"] == "Optimal"
        assert row["same_profile"] == "True"
        assert row["engine_check_ok"] == row["ip_check_ok"] == "True"


def test_flow_bounds_on_a_hand_made_market() -> None:
    """Tests that the flows give the lexicographic profile, the most placed and their rank sum.

    Two people both want post 0 (one place) first; person 1's second choice is post 1.
    Best profile: one first choice, one second; both placed, rank sum 3.
    """
    net = {"person": np.array([0, 1, 1]), "post": np.array([0, 0, 1]),
           "rank": np.array([1, 1, 2]), "places": np.array([1, 1])}
    found = bounds(net, 2)
    assert found == {"choice_bound": 2, "rank_sum_bound": 3, "profile_bound": [1, 1],
                     "first_bound": 1}


def test_matchingproblems_text_groups_ties() -> None:
    """Tests that tied applicants are written in parentheses and single ones bare."""
    text = instance_text({"name": "x", "students": [[1], [1], [1]],
                          "posts": [{"lq": 1, "uq": 2, "ranks": [[1, 1], [2, 1], [3, 2]]}]})
    assert text.splitlines() == ["3 1", "1: 1", "2: 1", "3: 1", "1: 1 2 (1 2) 3"]


def test_rotation_plans_pass_the_checker_both_ways(smoke: tuple[int, Path]) -> None:
    """Tests that the planning rows ran end to end and both solves agree and pass the checker."""
    rows = read_csv(smoke[1] / "planning.csv")
    assert {r["mode"] for r in rows} == {"end to end", "grouped", "per person"}
    assert all(r["check_ok"] == "True" for r in rows)
    assert all(r["same_stages"] == "True" for r in rows if r["mode"] != "end to end")


def test_targets_table_heads_the_page(smoke: tuple[int, Path]) -> None:
    """Tests that the targets come first on the page and are written to targets.csv."""
    out = smoke[1]
    page = (out / "latest.md").read_text(encoding="utf-8")
    assert page.index("## Targets") < page.index("## 1. ")
    rows = read_csv(out / "targets.csv")
    assert {r["target"] for r in rows} >= {"every roster passes the checker",
                                            "the market designer's baseline"}
    assert all(r["verdict"] for r in rows)


def test_targets_say_met_or_how_far(tmp_path: Path) -> None:
    """Tests that each target row is judged from the section figures: met, or by how much not."""
    from benchmarks import early, plain_da, policies, targets
    from benchmarks.common import write_csv

    def county(policy: str, total: float, proof: str, **more: object) -> dict[str, object]:
        return {"people": 3000, "policy": policy, "total_s": total, "time_limit": 60,
                "status": "optimal" if proof == "optimal" else "feasible", "proof": proof,
                "date": "2026-12-02", **more}

    write_csv(tmp_path / "policies.csv", policies.COLUMNS, [
        county("nanxun-2024", 4.0, "optimal", designer_better="engine"),
        county("shenzhen-luohu-2017", 25.0, "optimal", designer_better="equal"),
        county("chongqing-2024", 61.0, "rank_profile gap 2.3% (-5 vs bound -6)",
               designer_better="baseline", designer_first_difference="blocking_pairs",
               designer_hard_violations=0)])
    write_csv(tmp_path / "plain_da.csv", plain_da.COLUMNS, [
        {"people": 5000, "engine_s": 0.2, "array_da_s": 0.1, "reference_da_s": 0.04,
         "matching_s": 3.0, "date": "2026-12-02"}])
    found = {(r["target"], r["case"]): r for r in targets.rows(tmp_path, [])}
    county_target = "3,000 people, end to end, every stage proven"
    assert found[(county_target, "nanxun-2024")]["met"]
    assert found[(county_target, "shenzhen-luohu-2017")]["verdict"] == "2.5 x the target"
    assert "rank_profile gap 2.3%" in found[(county_target, "chongqing-2024")]["verdict"]
    assert found[(county_target, "guangdong-2019")]["measured"] == "not measured"
    plain = "plain market, 5,000 people"
    assert found[(plain, "engine / array deferred acceptance")]["met"]
    assert not found[(plain, "engine / reference deferred acceptance")]["met"]
    assert found[(plain, "`matching` / engine")]["met"]
    designer = found[("the market designer's baseline", "every policies row")]
    assert not designer["met"] and "blocking_pairs" in designer["verdict"]
    limits = found[("every run within its time limit", "policies, early, scaling")]
    assert limits["met"] and limits["measured"] == "0 of 3 over; largest 1.02 x"
    write_csv(tmp_path / "early.csv", early.COLUMNS, [
        {**county("guangdong-2019", 12.0, "time limit in soft_floors"), "time_limit": 10}])
    found = {(r["target"], r["case"]): r for r in targets.rows(tmp_path, [])}
    limits = found[("every run within its time limit", "policies, early, scaling")]
    assert not limits["met"] and limits["measured"] == "1 of 4 over; largest 1.20 x"
    assert limits["verdict"] == "3,000 guangdong-2019: 12.0 s of 10"
