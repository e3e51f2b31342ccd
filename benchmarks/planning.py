"""Multi-year rotation plans at county scale, grouped against one variable per person.

On the generated county of 3,000 people (``staffing.synth.generate(staff=3000,
seed=1)`` with planning tables drawn for the plan's years) under
``guangdong-2019``, for plans of 3 and 5 years:

- **end to end**: ``staffing rotation-plan`` in a fresh process on the CSV
  bundle (load, validate, plan, check, reasons, write every file);
- **grouped** (the engine): `plan_rotations`, interchangeable people as one
  integer variable per option;
- **per person** (the comparison): the same model with one boolean per person
  and option (``grouped=False``).

Both solves are deterministic (one worker), so their deterministic times
compare exactly; every plan must pass the checker and both must reach the same
stage values. ``python -m benchmarks --only planning`` reproduces the rows.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, Settings, county, log, md_table, num, short_machine, today

POLICY = ROOT / "models" / "guangdong-2019.yaml"
STAGES = ["on_time", "lateness", "coverage", "preference", "fairness", "extra_rotations"]
COLUMNS = ["date", "machine", "people", "years", "mode", "status", "seconds",
           "deterministic_time", "variables", "constraints", "groups", "options", "pool",
           "candidates", "due", "rotations", "on_time_candidates", "late", "not_sent", *STAGES,
           "check_ok", "same_stages", "error"]


def run(settings: Settings) -> list[dict[str, Any]]:
    rows = []
    for people in settings.planning_sizes:
        for years in settings.planning_years:
            rows += _case(settings, people, years)
    return rows


def _case(settings: Settings, people: int, years: int) -> list[dict[str, Any]]:
    import staffing
    from staffing import SolveParams
    from staffing.planning.check import check_plan
    from staffing.planning.engine import plan_rotations
    from staffing.planning.synth import with_plan_tables

    inst = with_plan_tables(county(people, settings.seed), settings.seed, years)
    policy = staffing.load_policy(POLICY)
    base = {"date": today(), "machine": short_machine(), "people": people, "years": years}
    rows = [_end_to_end(base, inst, settings.planning_limit)]
    results = {}
    for mode, grouped in (("grouped", True), ("per person", False)):
        log(f"  {people} people, {years} years, {mode}")
        started = time.perf_counter()
        result = plan_rotations(inst, policy, years, SolveParams(
            time_limit=settings.planning_limit, deterministic=True), grouped=grouped)
        seconds = time.perf_counter() - started
        report = check_plan(inst, policy, result.rotations, years)
        results[mode] = result
        counts = {s: sum(1 for c in result.statuses if c.status == s)
                  for s in ("on_time", "late", "not_sent")}
        rows.append({**base, "mode": mode, "status": result.status, "seconds": seconds,
                     "deterministic_time": sum(o.deterministic_time for o in result.stages),
                     **{k: result.manifest["solver"][k] for k in ("variables", "constraints")},
                     **{k: result.manifest["plan"][k] for k in ("groups", "options", "pool",
                                                                "candidates", "due",
                                                                "rotations")},
                     "on_time_candidates": counts["on_time"], "late": counts["late"],
                     "not_sent": counts["not_sent"], **report.stages, "check_ok": report.ok})
    same = results["grouped"].report.stages == results["per person"].report.stages
    for row in rows[1:]:
        row["same_stages"] = same
    return rows


def _end_to_end(base: dict[str, Any], inst: Any, limit: float) -> dict[str, Any]:
    import staffing

    with tempfile.TemporaryDirectory(prefix="staffing-bench-plan-") as tmp:
        bundle, out = Path(tmp) / "county", Path(tmp) / "plan"
        staffing.save(inst, bundle)
        command = [sys.executable, "-m", "staffing.cli", "rotation-plan", str(bundle),
                   "--policy", str(POLICY), "--years", str(base["years"]), "--out", str(out),
                   "--time-limit", str(limit)]
        started = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
        check = subprocess.run([sys.executable, "-m", "staffing.cli", "check-plan", str(bundle),
                                str(out), "--policy", str(POLICY)], cwd=ROOT,
                               capture_output=True, text=True, check=False)
    error = "" if done.returncode == 0 else (done.stderr or done.stdout)[-300:]
    return {**base, "mode": "end to end", "status": "ok" if not error else "failed",
            "seconds": seconds, "check_ok": check.returncode == 0, "error": error}


def tables(rows: list[dict[str, str]]) -> str:
    if not rows:
        return "_not run_"
    return md_table(
        ["people", "years", "run", "status", "seconds", "det. time", "variables", "groups / pool",
         "candidates (due)", "on time / late / not sent", "stages (" + ", ".join(STAGES) + ")",
         "check", "same stages"],
        [[num(r["people"], 0), r["years"], r["mode"], r["status"], num(r["seconds"], 1),
          num(r["deterministic_time"]), num(r["variables"], 0),
          f"{r['groups']} / {r['pool']}" if r["groups"] else "",
          f"{r['candidates']} ({r['due']})" if r["candidates"] else "",
          f"{r['on_time_candidates']} / {r['late']} / {r['not_sent']}" if r["candidates"] else "",
          " / ".join(r[s] for s in STAGES) if r.get("on_time") else "",
          r["check_ok"], r.get("same_stages", "")] for r in rows],
        "rrllrrrllllll")
