"""Tests that a time limit too short for the stage-by-stage solve still gives a roster meeting
every hard rule, honestly labelled (no stage proven, no bound, cut short), and that model
building stops once the limit is used up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import staffing
from staffing.allocation import engine
from staffing.allocation import first_roster as first_roster_module
from staffing.allocation.engine import StagedSolve, allocate
from staffing.allocation.first_roster import DESIGNER, REPAIRED, first_roster, presolve_fits
from staffing.allocation.pairs import build_pairs
from staffing.allocation.stages import SolveSettings
from staffing.check import check
from staffing.domain.clock import RunClock
from staffing.domain.params import SolveParams
from staffing.errors import TimeLimitError
from staffing.runs import solve_run
from staffing.synth import generate

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "chongqing-2024.yaml"


@pytest.fixture(scope="module")
def county() -> staffing.Instance:
    """120 people (seed 2): extended-seat deferred acceptance breaks village coverage and the
    grassroots year before senior under the Chongqing model, so a repair is needed."""
    return generate(staff=120, seed=2)


@pytest.fixture(scope="module")
def chongqing() -> staffing.Policy:
    return staffing.load_policy(MODEL)


@pytest.fixture
def always_short(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every limit look too short for the stage-by-stage solve."""
    monkeypatch.setattr(engine, "STAGED_FIRST_ROSTER_PER_PAIR", 1e6)


def _settings(deterministic: bool = False, limit: float = 60.0) -> SolveSettings:
    return SolveSettings(time_limit=limit, deterministic=deterministic, workers=2,
                         clock=RunClock(limit))


def test_the_designer_roster_stands_when_it_breaks_no_hard_rule(
        chongqing: staffing.Policy) -> None:
    instance = generate(staff=60, seed=1)
    first = first_roster(instance, chongqing, build_pairs(instance, chongqing), _settings(),
                         engine.extract_assignments)
    assert first is not None and first.solved_with == DESIGNER and first.model is None
    assert check(instance, chongqing, first.roster).ok


@pytest.mark.parametrize("deterministic", [False, True])
def test_a_roster_breaking_hard_rules_is_repaired_to_meet_them(
        county: staffing.Instance, chongqing: staffing.Policy, deterministic: bool) -> None:
    pairs = build_pairs(county, chongqing)
    first = first_roster(county, chongqing, pairs, _settings(deterministic),
                         engine.extract_assignments)
    assert first is not None and first.solved_with == REPAIRED
    report = check(county, chongqing, first.roster)
    assert report.ok and first.report.stages == report.stages
    if deterministic:  # the same roster again
        again = first_roster(county, chongqing, pairs, _settings(True),
                             engine.extract_assignments)
        assert again is not None and again.roster == first.roster


def test_the_presolve_is_left_out_only_when_the_time_left_would_hardly_hold_it() -> None:
    pairs = 154_536  # the 20,000-person county under chongqing-2024: about 5.9 s twice over
    assert presolve_fits(pairs, _settings(limit=60.0))
    assert not presolve_fits(pairs, _settings(limit=4.0))
    assert presolve_fits(pairs, _settings(deterministic=True, limit=4.0))  # reproducible
    slow = _settings(limit=8.0)
    assert presolve_fits(pairs, slow)
    assert slow.clock is not None
    slow.clock.pace = 2.0  # a machine running at half the reference speed
    assert not presolve_fits(pairs, slow)


def test_a_repair_without_presolve_meets_every_hard_rule(
        county: staffing.Instance, chongqing: staffing.Policy,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(first_roster_module, "LIGHT_PRESOLVE_PER_PAIR", 1e6)
    settings = _settings()
    assert not presolve_fits(len(build_pairs(county, chongqing)), settings)
    first = first_roster(county, chongqing, build_pairs(county, chongqing), settings,
                         engine.extract_assignments, improve_for=1.0)
    assert first is not None and first.solved_with == REPAIRED
    report = check(county, chongqing, first.roster)
    assert report.ok and first.report.stages == report.stages


def test_a_short_limit_returns_the_first_roster_labelled_as_such(
        county: staffing.Instance, chongqing: staffing.Policy, always_short: None) -> None:
    clock = RunClock(60)
    result = allocate(county, chongqing, SolveParams(time_limit=60), clock=clock)
    assert result.status == "feasible" and check(county, chongqing, result.roster).ok
    assert [s.stage for s in result.stages] == list(chongqing.objective)
    assert all(s.status == "feasible" and s.bound is None and s.gap is None
               for s in result.stages)
    assert result.stages[0].solved_with == REPAIRED
    assert "no stage optimised" in clock.cut_short["solve"]
    record = result.manifest["run"]
    assert "solve" in record["cut_short"] and record["reproducible"] is False
    assert [s["gap"] for s in result.manifest["stages"]] == [None] * len(result.stages)


def test_model_building_stops_once_the_limit_is_used_up(
        county: staffing.Instance, chongqing: staffing.Policy) -> None:
    """Before any roster, a build stops at the limit; after one (``first=False``) it runs
    whole, so the roster found stands."""
    settings = _settings(limit=1e-9)
    pairs = build_pairs(county, chongqing)
    with pytest.raises(TimeLimitError, match="used up before building the model") as stopped:
        StagedSolve(county, chongqing, pairs, settings)
    assert "建立模型之前已用完" in stopped.value.message_zh
    assert StagedSolve(county, chongqing, pairs, settings, first=False).model.records


def test_a_run_stopped_before_any_roster_writes_its_manifest_only(
        county: staffing.Instance, chongqing: staffing.Policy, tmp_path: Path) -> None:
    out = tmp_path / "out"
    clock = RunClock(1e-9)
    with pytest.raises(TimeLimitError, match="used up before"):
        solve_run(county, chongqing, out, SolveParams(time_limit=1), clock=clock)
    assert [p.name for p in out.iterdir()] == ["manifest.json"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["solver"]["status"] == "time_limit"
    assert manifest["instance"]["people"] == 120 and manifest["run"]["time_limit"] == 1e-9
    assert set(manifest["timings"]) >= {"load", "total"}


def test_a_stage_by_stage_solve_out_of_time_falls_back_to_the_first_roster(
        county: staffing.Instance, chongqing: staffing.Policy,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """When building the models or the first stage took the solver's share, the reserve for
    the steps after the solver falls to its least and a first roster is returned."""

    def out_of_time(*args: object) -> None:
        raise TimeLimitError("used up before building the model")

    monkeypatch.setattr(engine, "_solve", out_of_time)
    clock = RunClock(60)
    clock.keep(20.0, least=1.0)
    result = allocate(county, chongqing, SolveParams(time_limit=60), clock=clock)
    assert check(county, chongqing, result.roster).ok and result.status == "feasible"
    assert "found none in time" in clock.cut_short["solve"]
    assert clock.reserve == 1.0
