"""Time pay plans of 3,000 and 20,000 people under every policy model.

Usage::

    python benchmarks/bench_pay.py            # 3,000 and 20,000 people, 3 runs each
    python benchmarks/bench_pay.py --sizes 3000 --repeats 1

Instances come from the instance generator (`staffing.synth.generate`) with
pay tables from `staffing.pay.synth.pay_tables`; the roster is everyone at
their current post with 1% of county staff rotated to township posts. Three
measures per size:

- ``plan``: `staffing.distribute_pay` on an instance already in memory
  (instance loading excluded), per policy model; best and median of the runs;
- ``check``: the independent checker `staffing.pay.check.check_pay` on that plan;
- ``end_to_end``: load the CSV bundle, the roster and the policy, plan, check and
  write every output (pay.csv, pay.xlsx, totals, figures, manifest) - what
  ``staffing pay`` does, instance loading included.

Results go to ``benchmarks/results/pay.csv`` (one row per size, policy and measure).
"""

from __future__ import annotations

import argparse
import csv
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import staffing
from staffing.domain.enums import Tier
from staffing.domain.roster import Assignment, Roster
from staffing.io.roster_io import read_roster, write_roster
from staffing.pay.check import check_pay
from staffing.pay.io import write_pay
from staffing.pay.synth import with_pay_tables

ROOT = Path(__file__).resolve().parents[1]
MODELS = sorted((ROOT / "models").glob("*.yaml"))
RESULTS = ROOT / "benchmarks" / "results" / "pay.csv"
COLUMNS = ["date", "machine", "people", "policy", "measure", "best_s", "median_s", "runs",
           "pay_classes", "variables", "constraints", "paid_people"]


def instance_and_roster(people: int, seed: int) -> tuple[staffing.Instance, Roster]:
    """A generated county with pay tables; 1% of county staff rotated to township posts."""
    from staffing.synth import generate

    inst = with_pay_tables(generate(staff=people, seed=seed), seed)
    township = [p.id for p in inst.posts if inst.tier_of_post(p.id) is Tier.TOWNSHIP]
    county = [p for p in inst.staff if p.current_post
              and inst.tier_of_post(p.current_post) is Tier.COUNTY]
    moved = {p.id: township[k * 7 % len(township)] for k, p in enumerate(county[::100])}
    roster = Roster(assignments=[
        Assignment(person=p.id, post=moved.get(p.id, p.current_post), pool=p.pool)
        for p in inst.staff])
    return inst, roster


def timed(function, repeats: int, *args: object) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = function(*args)
        times.append(time.perf_counter() - started)
    return times, result


def machine() -> str:
    cpu = "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os

    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def run(sizes: list[int], repeats: int, seed: int) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    host = machine()
    today = date.today().isoformat()
    for people in sizes:
        print(f"generating {people} people ...", flush=True)
        inst, roster = instance_and_roster(people, seed)
        for path in MODELS:
            policy = staffing.load_policy(path)
            times, result = timed(staffing.distribute_pay, repeats, inst, roster, policy)
            plan = result.plan
            solver = plan.manifest["solver"]
            base = {"date": today, "machine": host, "people": len(inst.staff),
                    "policy": path.stem, "pay_classes": len(plan.schedule),
                    "variables": solver["variables"], "constraints": solver["constraints"],
                    "paid_people": len(plan.lines)}
            rows.append({**base, "measure": "plan", "best_s": round(min(times), 3),
                         "median_s": round(statistics.median(times), 3), "runs": repeats})
            check_times, found = timed(check_pay, 1, inst, policy, roster, plan)
            assert not found[0], [v.message for v in found[0][:5]]
            rows.append({**base, "measure": "check", "best_s": round(check_times[0], 3),
                         "median_s": round(check_times[0], 3), "runs": 1})
            print(f"  {path.stem}: plan {min(times):.3f} s (median "
                  f"{statistics.median(times):.3f}), check {check_times[0]:.3f} s, "
                  f"{len(plan.schedule)} pay classes", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            bundle, roster_csv = Path(tmp) / "bundle", Path(tmp) / "roster.csv"
            staffing.save(inst, bundle)
            write_roster(roster, roster_csv)
            model = ROOT / "models" / "nanxun-2024.yaml"

            def end_to_end(bundle: Path, roster_csv: Path, model: Path, out: Path) -> object:
                loaded = staffing.load(bundle)
                loaded_roster = read_roster(roster_csv, loaded)
                policy = staffing.load_policy(model)
                plan = staffing.distribute_pay(loaded, loaded_roster, policy).plan
                check_pay(loaded, policy, loaded_roster, plan)
                write_pay(out, plan, loaded, loaded_roster, policy)
                return plan

            times, plan = timed(end_to_end, 1, bundle, roster_csv, model, Path(tmp) / "out")
            rows.append({"date": today, "machine": host, "people": len(inst.staff),
                         "policy": model.stem, "measure": "end_to_end",
                         "best_s": round(times[0], 3), "median_s": round(times[0], 3),
                         "runs": 1, "pay_classes": len(plan.schedule),
                         "variables": plan.manifest["solver"]["variables"],
                         "constraints": plan.manifest["solver"]["constraints"],
                         "paid_people": len(plan.lines)})
            print(f"  end to end (load CSV, plan, check, write CSV + xlsx): {times[0]:.2f} s")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[3000, 20000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    rows = run(args.sizes, args.repeats, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
