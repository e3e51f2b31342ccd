"""Section: the largest weakly stable roster with long ties (the SFAS objective), stability hard.

Instances: `tests.allocation.random_instances.plain_market` with long ties (each
panel gives every applicant one of ``sfas_grades`` grades at random), posts =
people / 4 with 1-3 places each, up to 5 choices. Policy: eligibility, capacity
and hard stability; objective ``unplaced_all`` (everyone left without a post, new
recruits included), so the engine looks for the largest weakly stable roster
(MAX-HRT; Kwanashie and Manlove 2013, Delorme et al. 2019). Measured: the time to
the engine's first roster (its first ``solution`` event), to the proof, the size
against deferred acceptance with the ties broken at random (weakly stable, found
without a solver), and the checker on the result.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from benchmarks.common import Settings, log, md_table, num, short_machine, today

COLUMNS = ["date", "machine", "people", "posts", "places", "grades", "time_limit", "status",
           "first_roster_s", "first_unplaced", "proven_s", "engine_s", "unplaced_all", "bound",
           "da_placed", "placed", "blocking_pairs", "check_ok", "error"]


def sfas_policy() -> Any:
    """Eligibility, capacity, hard stability; as many people placed as possible."""
    from staffing.policy import Policy

    return Policy(name="sfas", rules={"stability": {"hard": True}},
                  objective=["unplaced_all"])


def run(settings: Settings) -> list[dict[str, Any]]:
    import staffing
    from staffing.allocation.deferred import Market, deferred_acceptance
    from tests.allocation.random_instances import plain_market

    policy = sfas_policy()
    rows = []
    for people in settings.sfas_sizes:
        posts = max(2, people // 4)
        inst = plain_market(people, posts, settings.seed, grades=settings.sfas_grades)
        row: dict[str, Any] = {"date": today(), "machine": short_machine(), "people": people,
                               "posts": posts, "places": sum(p.places for p in inst.posts),
                               "grades": settings.sfas_grades,
                               "time_limit": settings.sfas_limit}
        random_order = np.random.default_rng(settings.seed).permutation(people)
        outcome = deferred_acceptance(Market.of(inst, policy), random_order)
        row["da_placed"] = int((outcome >= 0).sum())
        events: list[tuple[float, Any]] = []
        began = time.perf_counter()

        def progress(event: dict[str, Any], began: float = began,
                     events: list[tuple[float, Any]] = events) -> None:
            if event.get("event") == "solution":
                events.append((time.perf_counter() - began, event.get("objective")))

        try:
            result = staffing.allocate(inst, policy, time_limit=settings.sfas_limit,
                                       progress=progress)
        except staffing.StaffingError as error:
            row.update(status="no roster", error=str(error)[:300],
                       engine_s=time.perf_counter() - began)
            rows.append(row)
            continue
        row["engine_s"] = time.perf_counter() - began
        roster = getattr(result, "roster", result)
        stage = next(s for s in _stages(result) if s["stage"] == "unplaced_all")
        report = staffing.check(inst, policy, roster)
        row.update(status=getattr(result, "status", None) or roster.status,
                   unplaced_all=stage["value"], bound=stage["bound"],
                   placed=sum(1 for a in roster.assignments if a.post is not None),
                   blocking_pairs=report.blocking_pairs, check_ok=report.ok)
        if events:
            row.update(first_roster_s=events[0][0], first_unplaced=events[0][1])
        if row["status"] == "optimal":
            row["proven_s"] = row["engine_s"]
        rows.append(row)
        log(f"  {people} people, {settings.sfas_grades} grades: {row['status']}, first roster "
            f"{num(row.get('first_roster_s'))} s, {row['placed']} placed (deferred acceptance "
            f"{row['da_placed']}), {row['engine_s']:.2f} s; check ok {report.ok}")
    return rows


def _stages(result: Any) -> list[dict[str, Any]]:
    stages = getattr(result, "stages", None) or result.roster.stages
    return [s if isinstance(s, dict) else s.to_dict() for s in stages]


def tables(rows: list[dict[str, str]]) -> str:
    if not rows:
        return "_not run_"
    return md_table(
        ["people", "posts", "places", "panel grades", "result", "first roster s",
         "proven s (target 60)", "placed", "bound on placed", "deferred acceptance placed",
         "blocking pairs", "check"],
        [[num(r["people"], 0), num(r["posts"], 0), num(r["places"], 0), r["grades"],
          r["status"], num(r.get("first_roster_s")), num(r.get("proven_s")),
          num(r.get("placed"), 0),
          num(int(r["people"]) - int(r["bound"]), 0) if r.get("bound") else "–",
          num(r["da_placed"], 0), num(r.get("blocking_pairs"), 0),
          "ok" if r.get("check_ok") == "True" else "FAIL"] for r in rows],
        "rrrrlrrrrrrl")
