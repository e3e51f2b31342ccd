"""Section 4: the engine with every rule of each policy model, end to end, one process per run.

Each run is a fresh Python process (``python -m benchmarks.policies IN.json
OUT.json``) so that its peak resident memory is its own, and a whole run as
``staffing solve --time-limit`` makes it (`staffing.runs.solve_run`, the limit
bounding loading to the last file written): load the CSV bundle and the
policy, allocate (pairs, model build, each objective stage), check, explain
every outcome (outcome lines alone when time is short), write every output
file; then the written roster is read back and checked again.
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import designer
from benchmarks.common import (
    ROOT,
    Settings,
    county_bundle,
    log,
    md_table,
    num,
    pct,
    run_json,
    short_machine,
    today,
)

STAGES = ["continuity", "soft_floors", "blocking_pairs", "rank_profile", "unplaced",
          "panel_quality", "moves"]
COLUMNS = ["date", "machine", "people", "posts", "applicants", "policy", "time_limit", "status",
           "proof", "max_gap", "proven_stages", "load_s", "pairs_s", "build_s",
           *[f"{s}_s" for s in STAGES], "other_s", "engine_s", "check_s", "explain_s", "write_s",
           "total_s", "base_rss_mib", "peak_rss_mib", "continuity", "soft_floors", "unplaced",
           "blocking_pairs",
           "first_choices", "first_choice_share", "placed_at_choice", "rank_profile", "rank_sum",
           "hard_violations", "check_ok", "written_check_ok", "pruning", "pairs", "pairs_pruned",
           "variables", "constraints", "cut_short", "blocking_bound", "designer_s",
           "designer_hard_violations", "designer_blocking_pairs", "designer_rank_profile",
           "designer_unplaced", "designer_soft_floors", "designer_first_difference",
           "designer_better", "error"]


def _rss_mib() -> float:
    """Peak resident memory of this process so far, in MiB.

    VmHWM restarts at exec; ru_maxrss would also count the parent's pages at fork.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def run_one(bundle: str, policy_path: str, time_limit: float) -> dict[str, Any]:
    """One whole run in this process, as ``staffing solve --time-limit`` runs it
    (`staffing.runs.solve_run`: the limit bounds loading to the last file written, reasons
    cut to outcome lines when time is short); returns the figures (see COLUMNS)."""
    import staffing
    from staffing.domain.params import SolveParams
    from staffing.errors import StaffingError
    from staffing.runs import solve_run

    base_rss = _rss_mib()
    row: dict[str, Any] = {"policy": Path(policy_path).stem, "time_limit": time_limit,
                           "base_rss_mib": base_rss}
    stage_wall: dict[str, float] = {}

    def progress(event: dict[str, Any]) -> None:
        if event.get("event") == "stage":  # every solved stage, certification solves included
            name = str(event["stage"])
            stage_wall[name] = stage_wall.get(name, 0.0) + float(event.get("wall_time", 0.0))

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="staffing-bench-out-") as tmp:
        out = Path(tmp) / "solve"
        try:
            run = solve_run(bundle, policy_path, out, SolveParams(time_limit=time_limit),
                            progress=progress)
        except StaffingError as error:
            row.update(status="no roster", error=str(error)[:300],
                       total_s=time.perf_counter() - started, peak_rss_mib=_rss_mib())
            return row
        written = staffing.read_roster(out / "roster.csv", run.instance)
        row["written_check_ok"] = staffing.check(run.instance, run.policy, written).ok
    inst, policy, result = run.instance, run.policy, run.result
    row.update(people=len(inst.staff), posts=len(inst.posts), applicants=len(inst.choices_of))
    records = [stage.event() for stage in result.stages]
    for record in records:  # a stage cut short by the time limit reports no event,
        name = str(record["stage"])  # nor does one whose value is a constant
        if record["status"] == "unknown" or name not in stage_wall:
            stage_wall[name] = stage_wall.get(name, 0.0) + float(record.get("wall_time", 0.0))
    row.update(_timings(run.timings))
    solver = result.manifest.get("solver", {})
    row.update(status=result.status, pruning=solver.get("pruning"), pairs=solver.get("pairs"),
               pairs_pruned=solver.get("pairs_pruned"), variables=solver.get("variables"),
               constraints=solver.get("constraints"),
               cut_short="; ".join(sorted(run.record.get("cut_short", {}))))
    for stage in STAGES:
        row[f"{stage}_s"] = stage_wall.get(stage)
    row["other_s"] = row["engine_s"] - (row["pairs_s"] or 0) - (row["build_s"] or 0) \
        - sum(stage_wall.values())
    row.update(_proof(records, policy))
    row["blocking_bound"] = _blocking_bound(records)
    report = staffing.check(inst, policy, result.roster)
    row["peak_rss_mib"] = _rss_mib()
    row.update(_quality(inst, policy, result.roster, report))
    row.update(designer.compare(inst, policy, report))
    return row


ENGINE_STEPS = ("pairs", "prune", "model", "solve", "check")  # what `allocate` times


def _timings(timings: dict[str, float]) -> dict[str, Any]:
    """The run's own step timings (its clock, as in its manifest) in this table's columns."""
    return {"load_s": timings.get("load", 0.0) + timings.get("fit", 0.0),
            "pairs_s": timings.get("pairs"), "build_s": timings.get("model"),
            "engine_s": sum(timings.get(step, 0.0) for step in ENGINE_STEPS),
            "check_s": timings.get("check"), "explain_s": timings.get("reasons"),
            "write_s": timings.get("write"), "total_s": timings.get("total")}


def _proof(stages: list[dict[str, Any]], policy: Any) -> dict[str, Any]:
    """How far the result is from proven: per stage status, the largest relative gap."""
    solved = {str(s["stage"]) for s in stages if s["status"] != "unknown"}
    cut = [s for s in stages if s["status"] == "unknown"]
    open_stages = [s for s in stages if s["status"] == "feasible"]
    gap = max([float(s.get("gap") or 0) for s in open_stages], default=0.0)
    missing = [st.value for st in policy.objective if st.value not in solved]
    proven = ";".join(str(s["stage"]) for s in stages if s["status"] == "optimal")
    if not cut and not open_stages and not missing:
        return {"proof": "optimal", "max_gap": 0.0, "proven_stages": proven}
    parts = []
    for s in open_stages:
        parts.append(f"{s['name']} gap {float(s['gap']):.1%} "
                     f"({s['objective']} vs bound {s['bound']})")
    if cut:
        parts.append("time limit in " + cut[0]["name"])
    unsolved = [m for m in missing if m not in {c["name"] for c in cut}]
    if unsolved:
        parts.append("not reached: " + ", ".join(unsolved))
    return {"proof": "; ".join(parts), "max_gap": gap if open_stages else None,
            "proven_stages": proven}


def _blocking_bound(stages: list[dict[str, Any]]) -> int | None:
    """The best bound the solver proved on the blocking-pairs stage (None: not solved)."""
    bounds = [s["bound"] for s in stages if s["stage"] == "blocking_pairs"
              and s["status"] in ("optimal", "feasible") and s.get("bound") is not None]
    return int(max(bounds)) if bounds else None


def _quality(inst: Any, policy: Any, roster: Any, report: Any) -> dict[str, Any]:
    from staffing.objectives import rank_profile

    profile = rank_profile(inst, policy, roster)
    applicants = len(inst.choices_of)
    first = profile[0] if profile else 0
    at_choice = sum(1 for p, c in inst.choices_of.items() if roster.post_of(p) in c)
    return {"continuity": report.stages.get("continuity"),
            "soft_floors": report.stages.get("soft_floors"),
            "unplaced": report.stages.get("unplaced"),
            "blocking_pairs": report.blocking_pairs, "first_choices": first,
            "first_choice_share": first / applicants if applicants else None,
            "placed_at_choice": at_choice, "rank_profile": profile,
            "rank_sum": sum((r + 1) * n for r, n in enumerate(profile)),
            "hard_violations": len(report.hard_violations), "check_ok": report.ok}


def run_isolated(bundle: Path, policy: Path, time_limit: float) -> dict[str, Any]:
    """`run_one` in a fresh Python process (for its own peak memory)."""
    payload = {"bundle": str(bundle), "policy": str(policy), "time_limit": time_limit}
    try:
        return run_json([sys.executable, "-m", "benchmarks.policies"], payload,
                        timeout=2 * time_limit + 300, cwd=ROOT)
    except RuntimeError as error:
        return {"policy": policy.stem, "time_limit": time_limit, "status": "failed",
                "error": str(error)[:300]}


def run_size(settings: Settings, people: int, policies: list[Path],
             limit: float | None = None) -> list[dict[str, Any]]:
    """Each policy on the county of that size, each in its own process (``limit``: seconds
    instead of the settings' limit for that size)."""
    bundle = county_bundle(people, settings.seed)
    rows = []
    for path in policies:
        time_limit = limit or settings.policy_limit(people, path.stem)
        log(f"  {people} people, {path.stem} (limit {time_limit:g} s) ...")
        row = run_isolated(bundle, path, time_limit)
        row.setdefault("people", people)
        row.update(date=today(), machine=short_machine())
        rows.append(row)
        log(f"    {row.get('status')}: engine {num(row.get('engine_s'), 1)} s, total "
            f"{num(row.get('total_s'), 1)} s, peak {num(row.get('peak_rss_mib'), 0)} MiB, "
            f"{row.get('proof', row.get('error', ''))}; check ok {row.get('check_ok')}")
    return rows


def run(settings: Settings) -> list[dict[str, Any]]:
    rows = []
    for people in settings.county_sizes:
        rows += run_size(settings, people, settings.policies(people))
    return rows


def tables(rows: list[dict[str, str]]) -> str:
    if not rows:
        return "_not run_"
    main = md_table(
        ["people", "policy", "result", "load s", "build s", "solve s", "check s", "explain s",
         "write s", "total s", "peak MiB", "proof", "blocking pairs", "first choice", "check"],
        [[num(r["people"], 0), r["policy"], r["status"], num(r["load_s"]),
          num(_sum(r, "pairs_s", "build_s")), num(_solve(r)), num(r["check_s"]),
          num(r["explain_s"]), num(r["write_s"]), num(r["total_s"]),
          num(r["peak_rss_mib"], 0), _short_proof(r), num(r["blocking_pairs"], 0),
          pct(r["first_choice_share"]), _check(r)] for r in rows],
        "rllrrrrrrrrlrrl")
    stages = md_table(
        ["people", "policy", *STAGES, "other"],
        [[num(r["people"], 0), r["policy"], *[num(r[f"{s}_s"]) for s in STAGES],
          num(r["other_s"])] for r in rows],
        "rl" + "r" * (len(STAGES) + 1))
    note = ("Seconds per objective stage (all solves of the stage, certification included; "
            "– the policy has no such stage or it was not reached; other: pruning, the "
            "engine's own check, hand-over between models):")
    baseline = md_table(
        ["people", "policy", "blocking pairs: engine / baseline", "profile: engine / baseline",
         "unplaced: engine / baseline", "soft floors: engine / baseline",
         "baseline hard violations", "first differing stage", "better"],
        [[num(r["people"], 0), r["policy"],
          f"{num(r['blocking_pairs'], 0)} / {num(r.get('designer_blocking_pairs'), 0)}",
          f"{r['rank_profile']} / {r.get('designer_rank_profile') or '–'}",
          f"{num(r.get('unplaced'), 0)} / {num(r.get('designer_unplaced'), 0)}",
          f"{num(r.get('soft_floors'), 0)} / {num(r.get('designer_soft_floors'), 0)}",
          num(r.get("designer_hard_violations"), 0), r.get("designer_first_difference") or "–",
          r.get("designer_better") or "–"] for r in rows if r.get("designer_better")],
        "rllllllll")
    baseline_note = ("The market designer's baseline on the same counties: extended-seat "
                     "deferred acceptance with the policy's floors (`benchmarks/designer.py`); "
                     "each stage recomputed by the checker for both rosters, compared in the "
                     "policy's order:")
    return f"{main}\n\n{note}\n\n{stages}\n\n{baseline_note}\n\n{baseline}"


def _sum(row: dict[str, str], *keys: str) -> float | None:
    values = [float(row[k]) for k in keys if row.get(k) not in (None, "")]
    return sum(values) if values else None


def _solve(row: dict[str, str]) -> float | None:
    if row.get("engine_s") in (None, ""):
        return None
    return float(row["engine_s"]) - (_sum(row, "pairs_s", "build_s") or 0)


def _short_proof(row: dict[str, str]) -> str:
    if row.get("status") in ("failed", "no roster"):
        return row.get("error", "")[:80]
    proof = row.get("proof", "")
    return "proven" if proof == "optimal" else proof.replace("|", "/")


def _check(row: dict[str, str]) -> str:
    if row.get("check_ok") == "True" and row.get("written_check_ok") == "True":
        return "ok"
    return "FAIL" if row.get("check_ok") else "–"


def main(argv: list[str]) -> int:
    """Worker entry: ``python -m benchmarks.policies IN.json OUT.json``."""
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    row = run_one(spec["bundle"], spec["policy"], float(spec["time_limit"]))
    Path(argv[1]).write_text(json.dumps(row, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
