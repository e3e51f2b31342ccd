"""Section 5: pay plans, by `benchmarks/bench_pay.py` (see its docstring for what it measures)."""

from __future__ import annotations

from typing import Any

from benchmarks import bench_pay
from benchmarks.common import Settings, md_table, num

COLUMNS = bench_pay.COLUMNS


def run(settings: Settings) -> list[dict[str, Any]]:
    return bench_pay.run(settings.pay_sizes, settings.pay_repeats, settings.seed)


def tables(rows: list[dict[str, str]]) -> str:
    if not rows:
        return "_not run_"
    plans = [r for r in rows if r["measure"] == "plan"]
    checks = {(r["people"], r["policy"]): r for r in rows if r["measure"] == "check"}
    main = md_table(
        ["people", "policy", "plan best / median (s)", "check (s)", "LP size (variables / rows)"],
        [[num(r["people"], 0), r["policy"], f"{num(r['best_s'])} / {num(r['median_s'])}",
          num(checks.get((r["people"], r["policy"]), {}).get("best_s")),
          f"{r['variables']} / {r['constraints']}"] for r in plans],
        "rlrrl")
    ends = [r for r in rows if r["measure"] == "end_to_end"]
    if ends:
        main += "\n\nEnd to end (load the CSV bundle, plan, check, write every output): " + \
            "; ".join(f"{num(r['best_s'], 1)} s for {num(r['people'], 0)} people "
                      f"({r['policy']})" for r in ends) + "."
    return main
