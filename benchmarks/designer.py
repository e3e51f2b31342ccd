"""The market designer's baseline: extended-seat deferred acceptance with the policy's floors.

On every instance of the policies section, next to the engine:
`staffing.allocation.deferred.extended_seat_da` (Fragiadakis et al. 2016) over the
same candidate choices, the current post as each person's last entry, panel ties
broken by the county-wide merit order (`master_list`), each post's floor as its
standard seats. It knows nothing of the other rules, so the checker also counts
what it breaks. The comparison is the policy's own: its objective stages in order,
each recomputed by the checker for both rosters; the first stage where they differ
says which roster is better. The hard rules the baseline breaks are counted beside
(a stage it wins by breaking one is no fair win, and the table says so).
"""

from __future__ import annotations

import time
from typing import Any

from staffing.allocation.deferred import Market, extended_seat_da, master_list, roster_of


def _better(stage: str, engine: Any, baseline: Any) -> bool:
    """Whether the engine's value of a stage beats the baseline's (all stages minimise, the
    rank profile is compared most first choices first)."""
    if stage == "rank_profile":
        return list(engine) > list(baseline)
    return bool(engine < baseline)


def first_difference(order: list[str], engine: dict[str, Any],
                     baseline: dict[str, Any]) -> tuple[str | None, str]:
    """The first stage of ``order`` where the two differ, and who wins it."""
    for stage in order:
        if engine[stage] != baseline[stage]:
            return stage, "engine" if _better(stage, engine[stage], baseline[stage]) \
                else "baseline"
    return None, "equal"


def compare(instance: Any, policy: Any, engine_report: Any) -> dict[str, Any]:
    """The baseline's roster and figures beside the engine's (columns ``designer_*``)."""
    import staffing

    started = time.perf_counter()
    outcome = extended_seat_da(Market.of(instance, policy), master_list(instance, policy))
    seconds = time.perf_counter() - started
    report = staffing.check(instance, policy, roster_of(instance, policy, outcome))
    order = [stage.value for stage in policy.objective]
    stage, winner = first_difference(order, engine_report.stages, report.stages)
    return {"designer_s": seconds, "designer_hard_violations": len(report.hard_violations),
            "designer_blocking_pairs": report.blocking_pairs,
            "designer_rank_profile": report.stages.get("rank_profile"),
            "designer_unplaced": report.stages.get("unplaced"),
            "designer_soft_floors": report.stages.get("soft_floors"),
            "designer_first_difference": stage or "", "designer_better": winner}
