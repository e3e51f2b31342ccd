"""Section 7: a 50-scenario sweep on the 3,000-person county, warm-started against cold.

The county is `staffing.synth.generate(staff=3000, seed=1)` under ``nanxun-2024`` (the
policy whose solves are proven at this size). The grid is 10 rotation lengths
(``rules.rotation_before_senior.min_months`` 6 to 15 months) x 5 township grassroots
headcounts (``institutions.tier=township.headcount_grassroots`` x1 to x1.2): 50
scenarios (below x1 or from about 18 months on, the county has no roster at all). The base
is solved once; the same 50 scenarios then run twice in this one run,
on the default local backend (one worker process per core), first warm-started from the
base roster, then cold. Every roster is re-checked by the independent checker.

Reported per mode: wall seconds for the 50 (the base not included), the sum of CP-SAT's
deterministic time (less sensitive to other load on the machine), statuses, and how many
rosters pass the checker.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from benchmarks.common import MODELS, Settings, county, log, md_table, num

COLUMNS = ["people", "policy", "scenarios", "mode", "processes", "seconds",
           "seconds_per_scenario", "deterministic_time", "proven", "feasible", "infeasible",
           "other", "check_ok", "base_seconds"]
GRID = {
    "rules.rotation_before_senior.min_months": [6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    "institutions.tier=township.headcount_grassroots": ["×1", "×1.05", "×1.1", "×1.15", "×1.2"],
}


def _grid(count: int) -> dict[str, list[Any]]:
    """The full grid (50) or, for the smoke run, its first ``count`` points' axes."""
    if count >= 50:
        return GRID
    months, quotas = GRID.values()
    return {"rules.rotation_before_senior.min_months": months[:max(1, count // 2)],
            "institutions.tier=township.headcount_grassroots": quotas[:2]}


def run(settings: Settings) -> list[dict[str, Any]]:
    import staffing
    from staffing.check import check
    from staffing.scenarios.backends import backend_named
    from staffing.scenarios.batch import run_scenarios
    from staffing.scenarios.execute import RunSettings, run_scenario, scenario_inputs
    from staffing.scenarios.spec import base_scenario, grid_scenarios

    people, policy_name = settings.scenario_people, settings.scenario_policy
    inst = county(people, settings.seed)
    policy = staffing.load_policy(next(m for m in MODELS if m.stem == policy_name))
    scenarios = grid_scenarios(_grid(settings.scenario_count))
    run_settings = RunSettings(time_limit=settings.scenario_limit, pay=False, reasons=False,
                               binding=False, explain=False)
    began = time.perf_counter()
    base = run_scenario(inst, policy, base_scenario(), run_settings)
    base_seconds = time.perf_counter() - began
    log(f"  base {base.status} in {base_seconds:.1f} s")
    rows = []
    for mode, warm in (("warm start", True), ("cold", False)):
        backend = backend_named("local", processes=settings.scenario_processes)
        started = time.perf_counter()
        result = run_scenarios(inst, policy, scenarios,
                               settings=replace(run_settings, warm_start=warm),
                               backend=backend, base_roster=base.roster, with_base=False)
        seconds = time.perf_counter() - started
        statuses = [o.status for o in result.outcomes]
        checked = 0
        for scenario, outcome in zip(scenarios, result.outcomes):
            if outcome.roster is not None:
                changed, pol = scenario_inputs(inst, policy, scenario)
                checked += check(changed, pol, outcome.roster).ok
        row = {
            "people": people, "policy": policy_name, "scenarios": len(scenarios), "mode": mode,
            "processes": getattr(backend, "processes", 1), "seconds": round(seconds, 2),
            "seconds_per_scenario": round(seconds / max(len(scenarios), 1), 3),
            "deterministic_time": round(sum(o.deterministic_time for o in result.outcomes), 3),
            "proven": statuses.count("optimal"), "feasible": statuses.count("feasible"),
            "infeasible": statuses.count("infeasible"),
            "other": len(statuses) - sum(statuses.count(s) for s in
                                         ("optimal", "feasible", "infeasible")),
            "check_ok": checked == sum(o.roster is not None for o in result.outcomes),
            "base_seconds": round(base_seconds, 2),
        }
        log(f"  {mode}: {row['seconds']} s, deterministic {row['deterministic_time']}, "
            f"{row['proven']} proven, {row['infeasible']} infeasible")
        rows.append(row)
    return rows


def tables(rows: list[dict[str, str]]) -> str:
    if not rows:
        return "_not run_"
    table = md_table(
        ["people", "policy", "scenarios", "mode", "processes", "wall (s)", "per scenario (s)",
         "deterministic time", "proven / feasible / infeasible / other", "checker"],
        [[num(r["people"], 0), r["policy"], r["scenarios"], r["mode"], r["processes"],
          num(r["seconds"], 1), num(r["seconds_per_scenario"]), num(r["deterministic_time"], 1),
          f"{r['proven']} / {r['feasible']} / {r['infeasible']} / {r['other']}",
          "all pass" if r["check_ok"] == "True" else "FAILED"] for r in rows],
        "rllrrrrrll")
    by_mode = {r["mode"]: r for r in rows}
    warm, cold = by_mode.get("warm start"), by_mode.get("cold")
    if warm and cold and float(warm["seconds"]) > 0:
        wall = float(cold["seconds"]) / float(warm["seconds"])
        det = float(cold["deterministic_time"]) / max(float(warm["deterministic_time"]), 1e-9)
        table += (f"\n\nWarm-start speed-up: {wall:.2f}x wall, {det:.2f}x deterministic time; "
                  f"base solve {num(warm['base_seconds'], 1)} s (not counted).")
    return table
