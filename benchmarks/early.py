"""Section: the answer early in a run, each policy model under a short time limit.

The counties of ``Settings.early_sizes`` are solved again end to end by every policy
model with ``Settings.early_limit`` seconds (same worker process as the policies
section), and their blocking pairs are set against the proven optimum: the policies
section's run when it proved the blocking-pairs stage, otherwise the deterministic
reference run recorded in ``results/reference_stages.json`` (see
`benchmarks.reference_stages`) when it proved it. Target: within 5% of the optimum.
"""

from __future__ import annotations

import json
from typing import Any

from benchmarks import policies
from benchmarks.common import RESULTS, Settings, md_table, num, read_csv

COLUMNS = ["source_of_optimum", "optimum", "within", "best_bound", "within_at_most",
           *policies.COLUMNS]
REFERENCE = RESULTS / "reference_stages.json"


def proven_blocking_pairs(settings: Settings, people: int, policy: str) -> tuple[Any, str]:
    """The proven optimum of the blocking-pairs stage and where it comes from."""
    for row in read_csv(settings.out / "policies.csv"):
        if (row.get("people") == str(people) and row.get("policy") == policy
                and "blocking_pairs" in row.get("proven_stages", "").split(";")):
            return int(row["blocking_pairs"]), "policies section"
    if REFERENCE.exists():
        for case in json.loads(REFERENCE.read_text(encoding="utf-8")).get("cases", []):
            if case["people"] != people or case["policy"] != policy:
                continue
            for stage in case.get("stages", []):
                if stage["stage"] == "blocking_pairs" and stage["status"] == "optimal":
                    return stage["value"], "reference run"
    return None, "not proven"


def best_bound(settings: Settings, people: int, policy: str, own: Any) -> int | None:
    """The best proven lower bound on the blocking pairs: this run's, or the policies
    section's for the same county and policy, whichever is higher."""
    found = [int(own)] if own not in (None, "") else []
    for row in read_csv(settings.out / "policies.csv"):
        if (row.get("people") == str(people) and row.get("policy") == policy
                and row.get("blocking_bound") not in (None, "")):
            found.append(int(float(row["blocking_bound"])))
    return max(found) if found else None


def run(settings: Settings) -> list[dict[str, Any]]:
    rows = []
    for people in settings.early_sizes:
        for row in policies.run_size(settings, people, settings.policies(people),
                                     limit=settings.early_limit):
            optimum, source = proven_blocking_pairs(settings, people, row["policy"])
            found = row.get("blocking_pairs")
            within = (None if optimum is None or found in (None, "") else
                      (int(found) - optimum) / max(optimum, 1))
            bound = best_bound(settings, people, row["policy"], row.get("blocking_bound"))
            at_most = (None if optimum is not None or bound is None or found in (None, "")
                       else (int(found) - bound) / max(bound, 1))
            rows.append({**row, "optimum": optimum, "source_of_optimum": source,
                         "within": within, "best_bound": bound, "within_at_most": at_most})
    return rows


def tables(rows: list[dict[str, str]]) -> str:
    if not rows:
        return "_not run_"
    return md_table(
        ["people", "policy", "time limit s", "total s", "result", "blocking pairs",
         "proven optimum", "above the optimum (target 5%)", "optimum from",
         "best bound (when not proven)", "at most above the optimum", "check"],
        [[num(r["people"], 0), r["policy"], num(r["time_limit"], 0), num(r["total_s"]),
          r["status"], num(r.get("blocking_pairs"), 0), num(r.get("optimum"), 0),
          _share(r.get("within")), r["source_of_optimum"], num(r.get("best_bound"), 0),
          _share(r.get("within_at_most")), policies._check(r)] for r in rows],
        "rlrrlrrrlrrl")


def _share(value: str | None) -> str:
    return f"{float(value):.1%}" if value not in (None, "") else "–"
