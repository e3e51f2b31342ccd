"""Run the benchmarks: ``python -m benchmarks [--smoke] [--out DIR] [--only SECTION ...]``.

Sections run in this order (the lower bound reads the engine's figures from
the policies section, the scaling section reuses its runs):

- ``plain_da``     plain two-way selection: engine vs ``matching`` deferred acceptance
- ``floors_ip``    two-way selection with floors: engine vs ``matchingproblems`` (own venv)
- ``policies``     every policy model end to end on generated counties
- ``early``        the same counties under a short time limit: blocking pairs against the optimum
- ``sfas``         the largest weakly stable roster with long ties, stability hard
- ``lower_bound``  min-cost flows without side rules on the same counties
- ``pay``          pay plans (benchmarks/bench_pay.py)
- ``scaling``      time against people, table and chart
- ``scenarios``    a 50-scenario sweep on the 3,000-person county, warm start against cold
- ``planning``     multi-year rotation plans, grouped against one variable per person
- ``time_limits``  ``staffing solve`` processes: wall time / time limit, every policy model

A full run leaves out ``scenarios``, ``planning`` and ``time_limits`` (``OPTIONAL``: each
takes minutes and measures another target; ``--only`` runs them, ``--all`` runs everything)
so that it stays within the 20-minute budget; ``--smoke`` runs every section.

Each section writes ``OUT/<section>.csv``; then ``OUT/latest.md`` and
``OUT/scaling.png`` are drawn from every CSV in OUT (sections not run this
time keep their previous figures), and with the default OUT the block of
latest tables in ``benchmarks/README.md`` is replaced.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from benchmarks import (
    early,
    floors_ip,
    lower_bound,
    pay,
    plain_da,
    planning,
    policies,
    scaling,
    scenarios,
    sfas,
    targets,
    time_limits,
)
from benchmarks.common import (
    RESULTS,
    ROOT,
    Settings,
    log,
    machine,
    machine_line,
    read_csv,
    today,
    write_csv,
)

SECTIONS: dict[str, Any] = {  # in the order they run
    "plain_da": plain_da, "floors_ip": floors_ip, "policies": policies, "early": early,
    "sfas": sfas, "lower_bound": lower_bound, "pay": pay, "scaling": scaling,
    "scenarios": scenarios, "planning": planning, "time_limits": time_limits,
}
TITLES = {  # in the order they are shown
    "lower_bound": "1. Lower bound: the same assignment without side rules (min-cost flows)",
    "plain_da": "2. Plain two-way selection: engine vs `matching` deferred acceptance",
    "floors_ip": "3. Two-way selection with floors: engine vs `matchingproblems` (PuLP/CBC)",
    "policies": "4. Every rule of each policy model, end to end",
    "pay": "5. Pay plans",
    "scaling": "6. Scaling: time against people",
    "scenarios": "7. Scenario sweep: 50 scenarios, warm start against cold",
    "planning": "9. Multi-year rotation plans: grouped against one variable per person",
    "early": "10. The answer early in a run: blocking pairs under a short time limit",
    "sfas": "11. The largest weakly stable roster with long ties (stability hard)",
    "time_limits": "12. Time limits: `staffing solve` wall time against --time-limit",
}
OPTIONAL = ("scenarios", "planning", "time_limits")  # not in a full run unless --all
BUDGET = 20 * 60
README = ROOT / "benchmarks" / "README.md"
START, END = "<!-- latest results: start -->", "<!-- latest results: end -->"


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true",
                        help="tiny sizes, every section in seconds (what the tests run)")
    parser.add_argument("--out", type=Path, default=None,
                        help="results folder (default benchmarks/results; a temporary folder "
                             "with --smoke)")
    parser.add_argument("--only", action="append", choices=list(SECTIONS), default=None,
                        help="run only this section (repeatable)")
    parser.add_argument("--skip", action="append", choices=list(SECTIONS), default=[],
                        help="skip this section (repeatable)")
    parser.add_argument("--render", action="store_true",
                        help="run no section: redraw the targets, latest.md and the chart from "
                             "the CSV files in the results folder")
    parser.add_argument("--all", action="store_true",
                        help="also run " + ", ".join(OPTIONAL) + " (left out of a full run)")
    parser.add_argument("--readme", action=argparse.BooleanOptionalAction, default=None,
                        help="replace the latest tables in benchmarks/README.md (default: "
                             "yes for a full run into benchmarks/results)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    out = args.out or (Path(tempfile.mkdtemp(prefix="staffing-bench-smoke-")) if args.smoke
                       else RESULTS)
    out.mkdir(parents=True, exist_ok=True)
    settings = Settings.small(out) if args.smoke else Settings.full(out)
    chosen = [s for s in SECTIONS if s not in args.skip and (
        s in args.only if args.only is not None
        else args.smoke or args.all or s not in OPTIONAL)] if not args.render else []
    log(f"benchmarks ({'smoke' if args.smoke else 'full'}) -> {out}: {', '.join(chosen)}")
    ledger = _read_ledger(out)
    began = time.perf_counter()
    failed = []
    for name in chosen:
        log(f"[{name}]")
        started = time.perf_counter()
        try:
            rows = SECTIONS[name].run(settings)
            write_csv(out / f"{name}.csv", SECTIONS[name].COLUMNS, rows)
            status = "ok"
        except Exception as error:  # noqa: BLE001 - one section failing must not stop the run
            traceback.print_exc()
            status = f"failed: {type(error).__name__}: {error}"[:300]
            failed.append(name)
        seconds = time.perf_counter() - started
        ledger["sections"][name] = {"seconds": round(seconds, 1), "status": status,
                                    "date": today()}
        log(f"[{name}] {status} in {seconds:.1f} s")
    total = time.perf_counter() - began
    if chosen:
        ledger["last_run"] = {"date": today(), "seconds": round(total, 1), "sections": chosen,
                              "smoke": args.smoke}
        ledger["machine"] = machine()
    (out / "run.json").write_text(json.dumps(ledger, indent=1) + "\n", encoding="utf-8")
    try:
        scaling.chart(out)
    except Exception:  # noqa: BLE001 - a missing chart is reported, not fatal
        traceback.print_exc()
        failed.append("chart")
    bad = check_failures(out)
    text = latest(out, ledger, bad)
    (out / "latest.md").write_text(text, encoding="utf-8")
    update = args.readme if args.readme is not None else (
        out == RESULTS and not args.smoke and not args.render)
    if update:
        _update_readme(text)
    for problem in bad:
        log(f"CHECK FAILED: {problem}")
    log(f"done in {total:.0f} s ({total / 60:.1f} min"
        + (f", over the {BUDGET // 60} min budget" if total > BUDGET and not args.smoke else "")
        + f"); results in {out}")
    return 1 if failed or bad else 0


def _read_ledger(out: Path) -> dict[str, Any]:
    path = out / "run.json"
    if path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            data.setdefault("sections", {})
            return data
        except ValueError:
            pass
    return {"sections": {}}


def latest(out: Path, ledger: dict[str, Any], failures: list[str] | None = None) -> str:
    """The Markdown page of the latest figures in ``out``: the targets first (also written
    to ``targets.csv``), then each section's tables."""
    info = ledger.get("machine") or machine()
    lines = ["# Latest benchmark results", "",
             f"Machine: {machine_line(info)}.  ",
             f"Source: commit {info.get('source', 'unknown')}.  ",
             "Packages: " + ", ".join(f"{k} {info.get(k)}" for k in
                                      ("staffing", "ortools", "numpy", "pandas", "pulp",
                                       "matching", "matplotlib")) + ".  ",
             ("Run: `python -m benchmarks` (sections and seconds below; the budget is "
              f"{BUDGET // 60} minutes for a full run)."), ""]
    rows = []
    for name in TITLES:
        entry = ledger["sections"].get(name)
        if entry:
            rows.append(f"{name} {entry['seconds']:.0f} s ({entry['date']}, {entry['status']})")
    run = ledger.get("last_run", {})
    total = sum(ledger["sections"][n]["seconds"] for n in TITLES if n in ledger["sections"])
    lines.append(f"Time per section: {'; '.join(rows)}; {total:.0f} s in all "
                 f"({total / 60:.1f} min). Last run {run.get('date', '?')}"
                 + (" (smoke)" if run.get("smoke") else "") + ".")
    lines += ["", "## Targets", "", TARGETS_NOTE, "",
              targets.table(targets.write(out, failures or []))]
    for name, title in TITLES.items():
        lines += ["", f"## {title}", "", SECTIONS[name].tables(read_csv(out / f"{name}.csv"))]
        if name == "scaling" and (out / "scaling.png").exists():
            lines += ["", "![time against people](scaling.png)"]
    return "\n".join(lines) + "\n"


TARGETS_NOTE = ("Each speed target against its figure, computed from the section "
                "tables below (a figure older than this run carries its own date; "
                "`targets.csv` has the same rows).")


def _update_readme(text: str) -> None:
    readme = README.read_text(encoding="utf-8")
    if START not in readme or END not in readme:
        log(f"README has no '{START}' block: not updated")
        return
    body = text.replace("# Latest benchmark results\n", "", 1)
    body = body.replace("\n## ", "\n### ").replace("(scaling.png)", "(results/scaling.png)")
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    README.write_text(head + START + "\n" + body.strip() + "\n" + END + tail, encoding="utf-8")
    log(f"updated {README.relative_to(ROOT)}")


def check_failures(out: Path) -> list[str]:
    """Every engine result in the results that the independent checker rejects."""
    bad = []
    for r in read_csv(out / "plain_da.csv"):
        if r.get("check_ok") == "False":
            bad.append(f"plain_da {r['people']} people")
    for r in read_csv(out / "sfas.csv"):
        if r.get("check_ok") == "False":
            bad.append(f"sfas {r['people']} people")
    for r in read_csv(out / "floors_ip.csv"):
        if r.get("engine_check_ok") == "False":
            bad.append(f"floors_ip {r['people']} people")
    for r in read_csv(out / "planning.csv"):
        if r.get("check_ok") == "False" or r.get("same_stages") == "False":
            bad.append(f"planning {r['people']} people, {r['years']} years, {r['mode']}")
    for name in ("policies", "early", "scaling"):
        for r in read_csv(out / f"{name}.csv"):
            if "False" in (r.get("check_ok"), r.get("written_check_ok")):
                bad.append(f"{name} {r['people']} people, {r['policy']}")
    return bad


if __name__ == "__main__":
    sys.exit(main())
