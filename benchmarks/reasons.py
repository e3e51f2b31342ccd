"""Reasons and report: time of the reasons step, with and without a deadline, and the report.

``python -m benchmarks.reasons [--sizes 3000 20000] [--deadlines 1 3] [--full-up-to 3000]``

Each county is ``staffing.synth.generate(staff=N, seed=1)`` under Chongqing 2024, with its
roster as it stands before the round (`Roster.current`): nobody has moved yet, so every
applicant whose choice has room is a blocking pair (2,680 at 3,000 people), more than a
solve cut short at a time limit leaves. For each size: the reasons with each deadline (how
many people got detailed reasons, seconds taken), the full reasons up to ``--full-up-to``
people, and the report drawn from the full (or last) reasons: HTML size and the seconds
headless Chromium takes to open it and draw its tables (when Chromium and playwright are
installed). Rows go to ``benchmarks/results/reasons.csv``.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import staffing
from staffing.allocation.reasons import explain_roster
from staffing.check import check
from staffing.report import save_report
from staffing.report.view import run_view
from staffing.synth import generate

ROOT = Path(__file__).resolve().parents[1]
POLICY = ROOT / "models" / "chongqing-2024.yaml"


def open_seconds(page_file: Path) -> float | None:
    """Seconds from navigation until the page has drawn its tables, in headless Chromium."""
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
        started = time.perf_counter()
        page.goto(page_file.resolve().as_uri())
        page.wait_for_selector("body[data-ready='1']", timeout=60_000)
        elapsed = time.perf_counter() - started
        context.close()
    return elapsed


def measure(staff: int, deadlines: list[float], full: bool) -> list[dict[str, Any]]:
    instance = generate(staff=staff, seed=1)
    policy = staffing.load_policy(POLICY)
    roster = staffing.Roster.current(instance)
    report = check(instance, policy, roster)
    rows: list[dict[str, Any]] = []
    reasons: list[Any] = []
    runs = [(d, f"deadline {d:g} s") for d in deadlines] + ([(None, "full")] if full else [])
    for deadline, label in runs:
        started = time.perf_counter()
        reasons = explain_roster(instance, policy, roster,
                                 None if deadline is None else started + deadline)
        seconds = time.perf_counter() - started
        detailed = {r.person for r in reasons if r.detailed}
        rows.append({"people": staff, "blocking_pairs": report.blocking_pairs, "measure": label,
                     "seconds": round(seconds, 3), "people_detailed": len(detailed),
                     "reasons": len(reasons)})
    manifest = {"instance": {"name": f"generated {staff}", "people": staff}, "stages": [],
                "check": {"hard_violations": len(report.hard_violations),
                          "stages": report.stages,
                          "indicators": {i.key: i.value for i in report.indicators}}}
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        save_report(folder, run_view(instance, policy, roster, report, reasons, manifest))
        drawn = time.perf_counter() - started
        page_file = Path(folder) / "report.html"
        rows.append({"people": staff, "blocking_pairs": report.blocking_pairs,
                     "measure": "report", "seconds": round(drawn, 3),
                     "html_bytes": page_file.stat().st_size,
                     "open_seconds": open_seconds(page_file)})
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[3000, 20000])
    parser.add_argument("--deadlines", type=float, nargs="+", default=[1.0, 3.0])
    parser.add_argument("--full-up-to", type=int, default=3000)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args(argv)
    rows = [row for staff in args.sizes
            for row in measure(staff, args.deadlines, staff <= args.full_up_to)]
    args.out.mkdir(parents=True, exist_ok=True)
    columns = list(dict.fromkeys(k for r in rows for k in r))
    with (args.out / "reasons.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    for row in rows:
        print(row)


if __name__ == "__main__":
    main()
