"""Tests that a whole run goes from files to a complete output folder, checking the roster once."""

from __future__ import annotations

import csv
import json
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
from typer.testing import CliRunner

import staffing
import staffing.planning.engine as plan_engine
import staffing.runs as runs
from staffing import SolveParams
from staffing.check import check
from staffing.cli import app
from staffing.domain.clock import RunClock
from staffing.errors import InfeasibleError, InputError, TimeLimitError
from staffing.pay.check import check_pay
from staffing.runs import SolveOutputs, pay_run, plan_run, solve_run
from staffing.synth import generate
from tests.allocation.builders import community, policy
from tests.planning.builders import case, doctors, needs, planning_policy, targets

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "nanxun-2024.yaml"
SOLVE_FILES = {"roster.csv", "vacancies.csv", "audit.csv", "violations.csv", "reasons.csv",
               "blocking_pairs.csv", "manifest.json", "reasons.xlsx", "roster.xlsx"}


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("county") / "county"
    staffing.save(generate(staff=90, seed=5), path)
    return path


def _count_checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count every call of `staffing.check.check`, under whatever name a module imported it."""
    calls: list[int] = []
    original = check

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    for module in list(sys.modules.values()):
        for name, value in list(vars(module).items()) if module else []:
            if value is original:
                monkeypatch.setattr(module, name, counted)
    return calls


def test_a_solve_run_writes_everything_and_checks_once(county: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests that a solve run writes every output with extra files in the same folder, and that
    the roster is checked once (the result's report is reused)."""
    calls = _count_checks(monkeypatch)
    seen: list[SolveOutputs] = []

    def extra(outputs: SolveOutputs) -> dict[str, str]:
        seen.append(outputs)
        return {"extra.txt": outputs.result.summary() + "\n"}

    out = tmp_path / "out"
    run = solve_run(county, MODEL, out, SolveParams(time_limit=30, deterministic=True),
                    extra_outputs=extra)
    assert len(calls) == 1
    assert {p.name for p in out.iterdir()} == SOLVE_FILES | {"extra.txt", "timings.json"} \
        == set(run.files)
    written = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert seen[0].manifest == written
    assert written["check"]["stages"] == run.result.report.stages
    assert (out / "extra.txt").read_text(encoding="utf-8") == run.result.summary() + "\n"
    roster = staffing.read_roster(out / "roster.csv", run.instance)
    assert roster.assignments == run.result.roster.assignments
    assert run.seconds > 0


def test_bad_inputs_write_nothing(county: Path, tmp_path: Path) -> None:
    """Tests that a missing policy and a missing bundle are reported together, nothing
    written."""
    out = tmp_path / "out"
    with pytest.raises(InputError) as error:
        solve_run(tmp_path / "nowhere", tmp_path / "none.yaml", out)
    assert {p.kind for p in error.value.problems} == {"not_found"}
    assert len(error.value.problems) == 2
    assert not out.exists()


def test_no_roster_writes_the_explanation(tmp_path: Path) -> None:
    """Tests that an infeasible policy raises and leaves only the explanation files."""
    inst = community([{"id": "X", "institution": "H", "floor": 2, "places": 2}], [{"id": "p"}])
    out = tmp_path / "out"
    with pytest.raises(InfeasibleError):
        solve_run(inst, policy(min_staffing={"hard": True}), out, SolveParams(time_limit=10))
    assert {p.name for p in out.iterdir()} == {"infeasibility.json", "infeasibility.txt"}


def test_a_pay_run_reuses_the_results_report(county: Path, tmp_path: Path) -> None:
    """Tests that a pay run writes its files and that the result's report is the checker's."""
    solved = solve_run(county, MODEL, tmp_path / "solve", SolveParams(time_limit=30,
                                                                       deterministic=True))
    run = pay_run(county, tmp_path / "solve" / "roster.csv", MODEL, tmp_path / "pay")
    violations, figures = check_pay(run.instance, run.policy, run.roster, run.result.plan)
    assert run.result.report.violations == violations and run.result.report.ok
    assert run.result.report.figures == figures
    assert {"pay.csv", "manifest.json", "pay.xlsx"} <= {p.name for p in (tmp_path / "pay")
                                                        .iterdir()}
    assert run.roster.assignments == solved.result.roster.assignments
    assert run.result.summary().startswith("optimal; ")


def test_a_pay_run_out_of_time_writes_its_manifest_alone(county: Path, tmp_path: Path) -> None:
    """Tests that a pay run whose time is gone by the end of loading raises `TimeLimitError`
    naming the whole run's limit and writes only its manifest, which says where it stopped."""
    solve_run(county, MODEL, tmp_path / "solve", SolveParams(time_limit=30, deterministic=True))
    with pytest.raises(TimeLimitError, match=r"time limit \(10 s\)"):
        pay_run(county, tmp_path / "solve" / "roster.csv", MODEL, tmp_path / "pay",
                clock=_ticking(3.0))
    assert {p.name for p in (tmp_path / "pay").iterdir()} == {"manifest.json"}
    manifest = json.loads((tmp_path / "pay" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["solver"]["status"] == "time_limit"
    assert manifest["run"]["time_limit"] == 10.0 and manifest["instance"]


def test_a_short_pay_run_leaves_out_what_does_not_fit_and_says_so(
        county: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests that when the estimates leave no room for the report and the workbooks, a pay
    run writes the CSV files and the manifest only, the manifest and the run's record say
    what was cut, and the plan still passes the checker."""
    solve_run(county, MODEL, tmp_path / "solve", SolveParams(time_limit=30, deterministic=True))
    estimates = {"round": 0.01, "report": 900.0, "write": 0.01, "workbooks": 900.0}
    monkeypatch.setattr(runs, "pay_after_solver_seconds",
                        lambda people, load_seconds=None, report=True: dict(estimates))
    made: list[int] = []
    run = pay_run(county, tmp_path / "solve" / "roster.csv", MODEL, tmp_path / "pay",
                  time_limit=60, extra_outputs=lambda _: made.append(1) or {"x.txt": "x"})
    names = {p.name for p in (tmp_path / "pay").iterdir()}
    assert made == [] and "x.txt" not in names
    assert not names & {"pay.xlsx", "pay_explained.xlsx"}
    assert {"pay.csv", "pay_explained.csv", "manifest.json"} <= names
    manifest = json.loads((tmp_path / "pay" / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["run"]["cut_short"]) == {"report", "write"} == set(
        run.record["cut_short"])
    violations, _ = check_pay(run.instance, run.policy, run.roster, run.result.plan)
    assert violations == [] and run.seconds < 60


PLAN_FILES = {"rotations.csv", "by_year.csv", "candidates.csv", "departments.csv",
              "coverage.csv", "directed_placements.csv", "audit.csv", "violations.csv",
              "plan.xlsx", "manifest.json"}


def test_plan_run_writes_the_plan_and_year_one_reaches_a_solve_run(tmp_path: Path) -> None:
    """Tests that plan_run writes every plan file for objects given in memory, and solve_run
    with that plan places its year 1 as directed (the checker once, inside allocate)."""
    inst = case(doctors("D1", "D2"), plan_needs=needs("T1-GP", 2025),
                plan_staff=targets(D1=2026))
    guangdong = staffing.load_policy(ROOT / "models" / "guangdong-2019.yaml")
    run = plan_run(inst, guangdong, tmp_path / "plan", 3,
                   SolveParams(time_limit=10, deterministic=True))
    assert set(run.files) == PLAN_FILES == {p.name for p in (tmp_path / "plan").iterdir()}
    assert [(r.person, r.site, r.start_year) for r in run.result.rotations] == [
        ("D1", "T1-GP", 2025)]
    assert run.result.report.ok and run.seconds > 0
    solved = solve_run(inst, guangdong, tmp_path / "solved",
                       SolveParams(time_limit=20, deterministic=True),
                       rotation_plan=tmp_path / "plan")
    assert solved.result.roster.post_of("D1") == "T1-GP"
    assert solved.result.report.ok


def test_plan_run_without_a_plan_writes_the_explanation(tmp_path: Path) -> None:
    """Tests that a hard need no one can meet raises InfeasibleError and writes why, only that."""
    inst = case(doctors("D1"), plan_needs=needs("T1-GP", 2025, need=2, most=2))
    strict = planning_policy(rules={"grassroots_coverage": {"hard": True}})
    with pytest.raises(InfeasibleError):
        plan_run(inst, strict, tmp_path / "plan", 3, SolveParams(time_limit=10))
    assert {p.name for p in (tmp_path / "plan").iterdir()} == {"infeasibility.txt",
                                                               "infeasibility.json"}
    assert "grassroots_coverage" in (tmp_path / "plan" / "infeasibility.txt").read_text(
        encoding="utf-8")


def _ticking(step: float) -> RunClock:
    """A run clock of a 10 s limit on a fake time source that moves ``step`` s a reading."""
    now = [0.0]

    def tick() -> float:
        now[0] += step
        return now[0]

    return RunClock(10.0, clock=tick)


def test_a_plan_run_out_of_time_stops_before_the_model_and_writes_its_manifest(
        tmp_path: Path) -> None:
    """Tests that a plan run whose time is gone by the end of loading stops before building
    the model, with `TimeLimitError` naming the whole run's limit, and writes only its
    manifest, which says where it stopped."""
    inst = case(doctors("D1", "D2"), plan_needs=needs("T1-GP", 2025))
    guangdong = staffing.load_policy(ROOT / "models" / "guangdong-2019.yaml")
    built: list[int] = []
    original = plan_engine.PlanModel

    def counted(*args: object, **kwargs: object) -> object:
        built.append(1)
        return original(*args, **kwargs)

    with mock.patch.object(plan_engine, "PlanModel", counted), \
            pytest.raises(TimeLimitError, match=r"time limit \(10 s\)"):
        plan_run(inst, guangdong, tmp_path / "plan", 3, SolveParams(time_limit=10),
                 clock=_ticking(3.0))
    assert built == []
    assert {p.name for p in (tmp_path / "plan").iterdir()} == {"manifest.json"}
    manifest = json.loads((tmp_path / "plan" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["solver"]["status"] == "time_limit"
    assert manifest["run"]["time_limit"] == 10.0


def test_a_plan_run_gives_the_solver_what_is_left_of_the_whole_run(tmp_path: Path) -> None:
    """Tests that each stage solve of a plan run is given what is left of the run's limit less
    the reserve for the steps after it, not the limit itself: the run's clock started 12 s
    before the call (as the command line's starts with the process)."""
    inst = case(doctors("D1", "D2"), plan_needs=needs("T1-GP", 2025),
                plan_staff=targets(D1=2026))
    guangdong = staffing.load_policy(ROOT / "models" / "guangdong-2019.yaml")
    clock = RunClock(30.0)
    clock.started -= 12.0
    limits: list[float] = []
    original = plan_engine.TimeBudget.configure

    def recorded(budget: plan_engine.TimeBudget, solver: object, hinted: bool = False) -> None:
        original(budget, solver, hinted)  # type: ignore[arg-type]
        limits.append(solver.parameters.max_time_in_seconds)  # type: ignore[attr-defined]

    with mock.patch.object(plan_engine.TimeBudget, "configure", recorded):
        run = plan_run(inst, guangdong, tmp_path / "plan", 3, SolveParams(time_limit=30),
                       clock=clock)
    assert run.result.report.ok and limits
    assert clock.reserve == pytest.approx(runs.PLAN_AFTER_SOLVER[0]
                                          + runs.PLAN_AFTER_SOLVER[1] * len(inst.staff))
    assert all(limit <= 18.0 - clock.reserve for limit in limits)
    assert clock.steps["load"] > 0 and "write" in clock.steps


def test_the_steps_add_up_to_the_run_and_the_console_says_the_same(
        county: Path, tmp_path: Path) -> None:
    """Tests that the manifest's step timings add up to the run's wall time (within a
    tolerance: the glue between steps is not timed) and that the console prints the same
    figures, every one of them."""
    out = tmp_path / "out"
    began = time.perf_counter()
    result = CliRunner().invoke(app, ["solve", str(county), "--policy", str(MODEL), "--out",
                                      str(out), "--time-limit", "30", "--quiet"])
    wall = time.perf_counter() - began
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    timings = manifest["timings"]
    assert {"load", "fit", "pairs", "prune", "model", "solve", "check", "reasons", "report",
            "write"} <= set(timings)
    steps = sum(v for k, v in timings.items() if k != "total")
    assert steps <= timings["total"] <= wall
    assert timings["total"] - steps < max(0.5, 0.1 * timings["total"])
    printed = " ".join(result.output.split()).split("time: ", 1)[1]
    for step, seconds in timings.items():
        if step != "total":
            assert f"{step} {seconds:.2f}" in printed, step
    assert f"(total {timings['total']:.2f} of 30 s)" in printed
    assert manifest["run"] == {"time_limit": 30.0, "cut_short": {}, "stopped_by_wall_clock": [],
                               "reproducible": False}


def test_short_time_degrades_reasons_and_report_visibly(
        county: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests that when the steps after the solver would not fit in what is left, reasons are
    given as outcome lines alone and the report and the workbooks are left out, each
    recorded as cut short, and that the run still ends well within its limit."""
    monkeypatch.setattr(runs, "after_solver_seconds", lambda people, load=None: {
        "check": 0.0, "reasons": 0.0, "report": 1000.0, "write": 1000.0})
    out = tmp_path / "out"
    run = solve_run(county, MODEL, out, SolveParams(time_limit=20, deterministic=True),
                    extra_outputs=lambda outputs: {"report.html": "<html></html>"})
    assert run.seconds < 20 * 1.5
    assert not (out / "report.html").exists()
    assert not (out / "roster.xlsx").exists() and (out / "roster.csv").exists()
    assert all(not r.detailed for r in run.reasons)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["run"]["cut_short"]) == {"reasons", "report", "write"}
    assert manifest["run"]["reproducible"] is False
    assert "timings" not in manifest  # deterministic: the seconds are in timings.json
    timings = json.loads((out / "timings.json").read_text(encoding="utf-8"))
    assert timings["time_limit"] == 20 and "report" not in timings["timings"]
    with open(out / "reasons.csv", encoding="utf-8") as handle:
        assert {row["detailed"] for row in csv.DictReader(handle)} == {"no"}


def test_reasons_leave_time_only_for_the_steps_that_will_run() -> None:
    """Tests that the reasons always leave the CSV writes their time, and the workbooks and
    then the report only while each still fits beside reasons in full."""
    now = [0.0]
    after = {"check": 0.0, "reasons": 2.0, "write": 1.0, "workbooks": 3.0, "report": 4.0}

    def left_with(remaining: float) -> float:
        clock = RunClock(remaining, clock=lambda: now[0])
        return runs.left_after_reasons(clock, after)

    assert left_with(100.0) == 8.0  # everything fits
    assert left_with(9.0) == 4.0  # the report would not fit: it takes nothing
    assert left_with(5.0) == 1.0  # nor would the workbooks
    assert left_with(1.0) == 1.0  # the CSV writes always keep theirs
    assert runs.left_after_reasons(RunClock(9.0, clock=lambda: now[0]),
                                   {"reasons": 2.0, "write": 1.0}) == 1.0


def test_a_report_that_cannot_be_written_does_not_cut_the_reasons(
        county: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests that when only the report would not fit, reasons are still given in full and
    the workbooks written, and the report alone is recorded as cut short."""
    monkeypatch.setattr(runs, "after_solver_seconds", lambda people, load=None: {
        "check": 0.01, "reasons": 0.5, "report": 1000.0, "write": 0.5, "workbooks": 0.5})
    out = tmp_path / "out"
    run = solve_run(county, MODEL, out, SolveParams(time_limit=20),
                    extra_outputs=lambda outputs: {"report.html": "<html></html>"})
    assert not (out / "report.html").exists()
    assert (out / "roster.xlsx").exists() and (out / "reasons.xlsx").exists()
    assert all(r.detailed for r in run.reasons)
    assert set(run.record["cut_short"]) == {"report"}
