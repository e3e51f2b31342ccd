"""Section 12: does ``--time-limit`` hold? ``staffing solve`` as a user runs it, wall time / limit.

Each row is one ``staffing solve`` process (``Settings.limit_people`` people, seed 1) under
one policy model, one time limit (``Settings.limit_seconds``) and one mode (deterministic
or not), timed from before the process starts to its exit: interpreter start, imports,
loading, solving, reasons, report and every write. The target is wall / limit <= 1.1.
The row also has the run's own figures from its manifest (or ``timings.json``): the
seconds of the import phase (``start``), the solver's share, the steps after it, what the
time limit cut short, and whether a deterministic result stayed reproducible.

``python -m benchmarks.time_limits`` runs this section alone (into benchmarks/results,
then prints the table) on the 3,000-person county; ``--sizes 3000 20000`` adds the
20,000-person rows, ``--limits 5,10``, ``--policies nanxun-2024`` and ``--modes default``
narrow the grid.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import (
    MODELS,
    RESULTS,
    Settings,
    county_bundle,
    log,
    md_table,
    num,
    read_csv,
    short_machine,
    today,
    write_csv,
)

COLUMNS = ["date", "machine", "load_average", "people", "policy", "time_limit", "deterministic",
           "wall_s", "ratio", "exit", "status", "start_s", "load_s", "model_s", "solve_s",
           "after_solver_s", "run_total_s", "cut_short", "stopped_by_wall_clock",
           "reproducible"]
TARGET = 1.1
AFTER = ("check", "reasons", "report", "write")


def staffing_command() -> list[str]:
    """The ``staffing`` command of this interpreter's environment."""
    found = Path(sys.executable).with_name("staffing")
    return [str(found)] if found.exists() else [sys.executable, "-m", "staffing.cli"]


def solve_once(bundle: Path, model: Path, limit: float, deterministic: bool) -> dict[str, Any]:
    """One ``staffing solve`` process: its wall time and its own figures."""
    with tempfile.TemporaryDirectory(prefix="staffing-limit-") as tmp:
        out = Path(tmp) / "out"
        command = [*staffing_command(), "solve", str(bundle), "--policy", str(model), "--out",
                   str(out), "--time-limit", f"{limit:g}", "--quiet"]
        if deterministic:
            command.append("--deterministic")
        load_average = os.getloadavg()[0]
        began = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False,
                              timeout=limit * 10 + 60)
        wall = time.perf_counter() - began
        row: dict[str, Any] = {
            "date": today(), "machine": short_machine(), "load_average": round(load_average, 1),
            "policy": model.stem, "time_limit": limit, "deterministic": deterministic,
            "wall_s": round(wall, 2), "ratio": round(wall / limit, 3), "exit": done.returncode,
        }
        row.update(_own_figures(out, deterministic))
        if done.returncode != 0 and not row.get("status"):
            said = " ".join((done.stderr + " " + done.stdout).split())
            row["status"] = said[said.find("error:"):][:160] if "error:" in said else "failed"
        return row


def _own_figures(out: Path, deterministic: bool) -> dict[str, Any]:
    manifest_path = out / "manifest.json"
    if not manifest_path.exists():
        return {}
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    timings = manifest.get("timings") or {}
    if deterministic and (out / "timings.json").exists():
        timings = json.loads((out / "timings.json").read_text(encoding="utf-8"))["timings"]
    run = manifest.get("run", {})
    solver = manifest.get("solver", {})
    status = solver.get("status")
    if status == "time_limit":  # stopped before any roster: why, in the run's words
        status = f"time_limit: {solver.get('message', '')}"[:160]
    return {
        "status": status,
        "start_s": timings.get("start"), "load_s": timings.get("load"),
        "model_s": _sum(timings, ("fit", "pairs", "prune", "model")),
        "solve_s": timings.get("solve"),
        "after_solver_s": round(sum(timings.get(step, 0.0) for step in AFTER), 3),
        "run_total_s": timings.get("total"),
        "cut_short": "; ".join(sorted(run.get("cut_short", {}))),
        "stopped_by_wall_clock": len(run.get("stopped_by_wall_clock", [])),
        "reproducible": run.get("reproducible"),
    }


def _sum(timings: dict[str, float], steps: tuple[str, ...]) -> float | None:
    """The seconds of those steps together (None when none of them ran)."""
    found = [timings[step] for step in steps if step in timings]
    return round(sum(found), 3) if found else None


def run(settings: Settings) -> list[dict[str, Any]]:
    bundle = county_bundle(settings.limit_people, settings.seed)
    rows = []
    models = [m for m in MODELS
              if settings.limit_policies is None or m.stem in settings.limit_policies]
    for model in models:
        for limit in settings.limit_seconds:
            for deterministic in settings.limit_modes:
                row = solve_once(bundle, model, limit, deterministic)
                row["people"] = settings.limit_people
                log(f"  {model.stem} {limit:g} s{' deterministic' if deterministic else ''}: "
                    f"wall {row['wall_s']:.1f} s = {row['ratio']:.2f} x the limit, "
                    f"{row.get('status')}, cut: {row.get('cut_short') or '-'}")
                rows.append(row)
    return rows


def tables(rows: list[dict[str, str]]) -> str:
    if not rows:
        return "_not run_"
    held = sum(1 for r in rows if float(r["ratio"]) <= TARGET)
    table = md_table(
        ["people", "policy", "limit s", "mode", "wall s", "wall / limit", "result",
         "imports s", "load s", "fit + pairs + model s", "solve s", "after solver s",
         "cut short", "reproducible", "load avg"],
        [[num(r["people"], 0), r["policy"], num(r["time_limit"], 0),
          "deterministic" if r["deterministic"] == "True" else "default", num(r["wall_s"]),
          num(r["ratio"]), _result(r), num(r["start_s"]), num(r["load_s"]), num(r["model_s"]),
          num(r["solve_s"]), num(r["after_solver_s"]) if r["exit"] == "0" else "–",
          r["cut_short"] or "-",
          ("yes" if r["reproducible"] == "True" else "no")
          if r["deterministic"] == "True" and r["exit"] == "0" else "-", r["load_average"]]
         for r in rows],
        "rlrlrrlrrrrrlll")
    return (f"{held} of {len(rows)} runs within {TARGET} x the limit "
            f"({rows[0]['date']}, {rows[0]['machine']}).\n\n{table}")


def _result(row: dict[str, str]) -> str:
    """The run's outcome in a few words: the solver's status, or why no roster was written."""
    status = row.get("status") or ""
    if row.get("exit") == "0":
        return f"{status}, first roster" if "solve" in row.get("cut_short", "") else status
    if "used up before" in status:
        return "no roster: limit spent before " + status.split("used up before ", 1)[1].split(
            " (", 1)[0]
    if "no roster found" in status:
        return "no roster found in time"
    return status[:60] or f"exit {row.get('exit')}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.time_limits",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=None,
                        help="county sizes (people), default 3000; e.g. --sizes 3000 20000")
    parser.add_argument("--limits", default=None, help="comma-separated seconds")
    parser.add_argument("--policies", default=None, help="comma-separated policy model names")
    parser.add_argument("--modes", default=None,
                        help="comma-separated: default, deterministic (default both)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    settings = Settings.full(args.out)
    if args.limits:
        settings.limit_seconds = [float(x) for x in args.limits.split(",")]
    if args.policies:
        settings.limit_policies = args.policies.split(",")
    if args.modes:
        settings.limit_modes = [mode == "deterministic" for mode in args.modes.split(",")]
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    for people in args.sizes or [settings.limit_people]:
        settings.limit_people = people
        rows += run(settings)
    write_csv(args.out / "time_limits.csv", COLUMNS, rows)
    print(tables(read_csv(args.out / "time_limits.csv")))
    return 0 if all(r["ratio"] <= TARGET for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
