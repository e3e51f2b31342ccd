"""Reasons and report: the time of the reasons step at county scale, and the report's size and
opening time.

``python -m benchmarks.reasons [--sizes 3000 20000] [--policies chongqing-2024 nanxun-2024]
[--rosters current 5 10 30] [--sample 300] [--deadlines 1 3] [--no-browser]``

Each county is ``staffing.synth.generate(staff=N, seed=1)``. Its rosters: ``current``, the
roster as it stands before the round (`Roster.current`: nobody has moved yet, so every
applicant whose choice has room is a blocking pair, 2,680 at 3,000 people under Chongqing
2024: the worst case, and the same on every machine), and for each number ``T`` the roster
``staffing.allocate`` returns within ``T`` seconds (cut short by the limit, with the blocking
pairs the solve left; it depends on the machine). For each county, policy and roster:

- **full reasons**: `explain_roster` without a deadline, the moves evaluated in one batch
  (`staffing.allocation.deltas.MoveDeltas.evaluate_many`: each rule's effect from arrays,
  the few moves a rule is unsure of checked where they touch the roster): wall and CPU
  seconds, moves evaluated;
- **side by side with the old path**: the reasons of the first ``--sample`` people with each
  move checked on the whole moved roster (``Explainer(whole_roster_moves=True)``), and again
  with the new path (their moves in one batch), interleaved in this process: seconds per move
  of each, and whether the reasons are identical;
- **deadlines** (current roster only): the reasons with each deadline;
- **report** (the first policy's current roster of each size): HTML size, and the time
  headless Chromium (Debian's ``chromium``, driven by playwright) takes from navigation to
  the page's ``report-ready`` mark (its tables drawn), read from the browser's own
  performance timing, with DOMContentLoaded and the load event beside it.

Rows go to ``benchmarks/results/reasons.csv`` with the machine's load average at the start of
each row.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import staffing
from staffing.allocation.reasons import Explainer, explain_roster
from staffing.check import check
from staffing.domain.instance import Instance
from staffing.policy import Policy
from staffing.report import save_report
from staffing.report.view import run_view
from staffing.synth import generate

ROOT = Path(__file__).resolve().parents[1]


def load() -> float:
    """The one-minute load average."""
    return round(os.getloadavg()[0], 1)


def open_timing(page_file: Path) -> dict[str, float] | None:
    """Milliseconds from navigation to DOMContentLoaded, to the load event and to the
    report's ``report-ready`` mark, in headless Chromium (None without it)."""
    executable = shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if executable is None:
        return None
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as driver:
        context = driver.chromium.launch_persistent_context(
            profile, executable_path=executable, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = context.new_page()
        page.goto(page_file.resolve().as_uri())
        page.wait_for_selector("body[data-ready='1']", timeout=120_000)
        timing = page.evaluate("""() => {
            const nav = performance.getEntriesByType('navigation')[0];
            const ready = performance.getEntriesByName('report-ready')[0];
            return {dom: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
                    ready: ready ? ready.startTime : null};
        }""")
        context.close()
    return {key: round(value, 1) for key, value in timing.items() if value is not None}


def roster_of(instance: Instance, policy: Policy, kind: str) -> tuple[staffing.Roster, str]:
    if kind == "current":
        return staffing.Roster.current(instance), "current roster"
    result = staffing.allocate(instance, policy, time_limit=float(kind))
    return result.roster, f"solved, --time-limit {kind} ({result.status})"


def timed(function: Any) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = function()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def side_by_side(instance: Instance, policy: Policy, roster: staffing.Roster,
                 sample: int) -> dict[str, Any]:
    """The first ``sample`` people's reasons by the old and the new path, interleaved."""
    people = [p.id for p in instance.staff][:sample]
    out: dict[str, Any] = {}
    found = {}
    for whole in (True, False):
        explainer = Explainer(instance, policy, roster, whole_roster_moves=whole)
        explainer.deltas  # noqa: B018  # the roster's own check, outside the timing
        def given(e: Explainer = explainer, batch: bool = not whole) -> list[Any]:
            if batch:
                e.prepare(people)
            return [r for p in people for r in e.reasons(p)]

        reasons, wall, cpu = timed(given)
        moves = max(len(explainer._effects), 1)
        name = "old" if whole else "new"
        out[f"{name}_ms_per_move"] = round(1000 * wall / moves, 2)
        out[f"{name}_cpu_ms_per_move"] = round(1000 * cpu / moves, 2)
        out["sample_moves"] = moves
        found[whole] = reasons
    out["sample_people"] = len(people)
    out["same_reasons"] = found[True] == found[False]
    return out


def measure(staff: int, model: str, kinds: list[str], deadlines: list[float], sample: int,
            browser: bool, report: bool) -> list[dict[str, Any]]:
    instance = generate(staff=staff, seed=1)
    policy = staffing.load_policy(ROOT / "models" / f"{model}.yaml")
    rows: list[dict[str, Any]] = []
    for kind in kinds:
        roster, label = roster_of(instance, policy, kind)
        checked = check(instance, policy, roster)
        common = {"people": staff, "policy": model, "roster": label,
                  "blocking_pairs": checked.blocking_pairs}
        started_load = load()
        explainer = Explainer(instance, policy, roster)
        reasons, wall, cpu = timed(explainer.all_reasons)
        rows.append({**common, "measure": "full reasons", "seconds": round(wall, 2),
                     "cpu_seconds": round(cpu, 2), "moves": len(explainer._effects),
                     "reasons": len(reasons), "load": started_load})
        if sample:
            started_load = load()
            rows.append({**common, "measure": f"first {sample} people: old path vs new",
                         **side_by_side(instance, policy, roster, sample),
                         "load": started_load})
        if kind == "current":
            for deadline in deadlines:
                started_load = load()
                out, wall, cpu = timed(lambda d=deadline, r=roster: explain_roster(
                    instance, policy, r, time.perf_counter() + d))
                rows.append({**common, "measure": f"reasons, deadline {deadline:g} s",
                             "seconds": round(wall, 2), "cpu_seconds": round(cpu, 2),
                             "people_detailed": len({r.person for r in out if r.detailed}),
                             "load": started_load})
        if kind == "current" and report:
            rows.append({**common, **report_row(instance, policy, roster, checked, reasons,
                                                 browser)})
        for row in rows[-3:]:
            print(row, flush=True)
    return rows


def report_row(instance: Instance, policy: Policy, roster: staffing.Roster, checked: Any,
               reasons: list[Any], browser: bool) -> dict[str, Any]:
    manifest = {"instance": {"name": f"generated {len(instance.staff)}",
                             "people": len(instance.staff)}, "stages": [],
                "check": {"hard_violations": len(checked.hard_violations),
                          "stages": checked.stages,
                          "indicators": {i.key: i.value for i in checked.indicators}}}
    with tempfile.TemporaryDirectory() as folder:
        started_load = load()
        _, drawn, _ = timed(lambda: save_report(folder, run_view(
            instance, policy, roster, checked, reasons, manifest)))
        page_file = Path(folder) / "report.html"
        timing = open_timing(page_file) if browser else None
        row: dict[str, Any] = {"measure": "report", "seconds": round(drawn, 2),
                               "html_bytes": page_file.stat().st_size, "load": started_load}
        if timing:
            row.update({"open_ready_ms": timing.get("ready"),
                        "open_dom_ms": timing.get("dom"), "open_load_ms": timing.get("load")})
    return row


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[3000, 20000])
    parser.add_argument("--policies", nargs="+", default=["chongqing-2024", "nanxun-2024"])
    parser.add_argument("--rosters", nargs="+", default=["current", "5", "10", "30"],
                        help="current, or a solve's time limit in seconds")
    parser.add_argument("--sample", type=int, default=300,
                        help="people whose reasons the old path gives too (0: none)")
    parser.add_argument("--deadlines", type=float, nargs="+", default=[1.0, 3.0])
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args(argv)
    rows = []
    for staff in args.sizes:
        for k, model in enumerate(args.policies):
            rows.extend(measure(staff, model, args.rosters, args.deadlines, args.sample,
                                not args.no_browser, report=k == 0))
    args.out.mkdir(parents=True, exist_ok=True)
    columns = list(dict.fromkeys(k for r in rows for k in r))
    with (args.out / "reasons.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
