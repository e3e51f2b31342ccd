"""The speed targets, each against its measured figure, computed from the section CSV files.

One row per target and case (a target set per policy model has a row per model): the
figure measured, the target, and whether it is met or how far it is. Nothing here is
typed by hand: every figure comes from ``policies.csv``, ``early.csv``, ``plain_da.csv``,
``lower_bound.csv``, ``sfas.csv`` and ``scaling.csv`` of the results folder, each row
with the date it was measured; the stage values are compared with ``stages_before.csv``
(the values of every proven row of an earlier run, with its commit and date).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.common import MODELS, md_table, num, read_csv, write_csv

COLUMNS = ["target", "case", "measured", "goal", "met", "verdict", "date"]
BEFORE = "stages_before.csv"
COMPARED = ("continuity", "soft_floors", "blocking_pairs", "rank_profile", "unplaced")

COUNTY_SECONDS, COUNTY_PEOPLE = 10.0, 3000
EARLY_WITHIN = 0.05
LARGE_PEOPLE, LARGE_SECONDS, LARGE_GAP, LARGE_MIB = 20000, 120.0, 0.005, 1024.0
PLAIN_PEOPLE, PLAIN_DA_TIMES, PLAIN_MATCHING_FASTER = 5000, 3.0, 10.0
FLOOR_POLICY, FLOOR_TIMES = "nanxun-2024", 50.0
SFAS_FIRST_S, SFAS_PROVEN_S = 1.0, 60.0
WITHIN_LIMIT = 1.1  # a run's total may pass its time limit by a tenth (section 12's target)


def rows(out: Path, failures: list[str]) -> list[dict[str, Any]]:
    """Every target row, from the CSV files in ``out`` (``failures``: the engine results the
    checker rejected, `benchmarks.__main__.check_failures`)."""
    policies = read_csv(out / "policies.csv")
    return [*_county(policies), *_early(read_csv(out / "early.csv")), *_large(policies),
            *_plain(read_csv(out / "plain_da.csv")),
            *_floor(policies, read_csv(out / "lower_bound.csv")),
            *_sfas(read_csv(out / "sfas.csv")), *_designer(policies),
            *_same_stages(policies + read_csv(out / "scaling.csv"),
                          read_csv(out / BEFORE)),
            _within_limits(policies + read_csv(out / "early.csv")
                           + read_csv(out / "scaling.csv")),
            _row("every roster passes the checker", "every section", f"{len(failures)} failed",
                 "none fails", not failures, "met" if not failures else "; ".join(failures),
                 None)]


def write(out: Path, failures: list[str]) -> list[dict[str, Any]]:
    """Compute the rows and write ``targets.csv``."""
    found = rows(out, failures)
    write_csv(out / "targets.csv", COLUMNS, found)
    return found


def table(found: list[dict[str, Any]]) -> str:
    if not found:
        return "_no section results yet_"
    return md_table(["target", "case", "measured", "target value", "met", "how far / note",
                     "measured on"],
                    [[r["target"], r["case"], r["measured"], r["goal"],
                      "yes" if r["met"] else "**no**", r["verdict"], r["date"]]
                     for r in found], "lllllll")


def _row(target: str, case: str, measured: str, goal: str, met: bool, verdict: str,
         date: str | None) -> dict[str, Any]:
    return {"target": target, "case": case, "measured": measured, "goal": goal, "met": met,
            "verdict": verdict, "date": date or "–"}


def _missing(target: str, goal: str, what: str, case: str = "–") -> dict[str, Any]:
    return _row(target, case, "not measured", goal, False, f"no {what} in the results", None)


def _per_model(target: str, goal: str, found: list[dict[str, str]],
               what: str) -> list[dict[str, Any]]:
    """A not-measured row for each policy model without a row in ``found``."""
    have = {r.get("policy") for r in found}
    return [_missing(target, goal, what, model.stem) for model in MODELS
            if model.stem not in have]


def _f(row: dict[str, str], key: str) -> float | None:
    value = row.get(key)
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def _proven(row: dict[str, str]) -> bool:
    return row.get("status") == "optimal" and row.get("proof") == "optimal"


def _open_part(row: dict[str, str]) -> str:
    """What a row not proven stopped at, shortly."""
    if row.get("status") in ("failed", "no roster"):
        return (row.get("error") or row.get("status") or "")[:90]
    return (row.get("proof") or "").split(";")[0][:90]


def _county(policies: list[dict[str, str]]) -> list[dict[str, Any]]:
    target = f"{COUNTY_PEOPLE:,} people, end to end, every stage proven"
    goal = f"<= {COUNTY_SECONDS:g} s, proven"
    found = [r for r in policies if r.get("people") == str(COUNTY_PEOPLE)]
    out = _per_model(target, goal, found, f"{COUNTY_PEOPLE:,}-person row of policies.csv")
    for r in found:
        total, limit = _f(r, "total_s"), _f(r, "time_limit")
        if _proven(r):
            met = total is not None and total <= COUNTY_SECONDS
            measured = f"{num(total, 1)} s, proven"
            verdict = "met" if met else f"{total / COUNTY_SECONDS:.1f} x the target"
        else:
            met, measured = False, f"{num(total, 1)} s, not proven"
            verdict = f"not proven within the {num(limit, 0)} s limit: {_open_part(r)}"
        out.append(_row(target, r["policy"], measured, goal, met, verdict, r.get("date")))
    return out


def _early(early: list[dict[str, str]]) -> list[dict[str, Any]]:
    target = "`--time-limit 10`: blocking pairs against the proven optimum"
    goal = f"within {EARLY_WITHIN:.0%}"
    out = _per_model(target, goal, early, "row of early.csv")
    for r in early:
        found, optimum, within = r.get("blocking_pairs"), r.get("optimum"), _f(r, "within")
        measured = f"{num(found, 0)} vs {num(optimum, 0)}" if optimum else f"{num(found, 0)}"
        if r.get("status") in ("failed", "no roster"):
            out.append(_row(target, r["policy"], "no roster", goal, False, _open_part(r),
                            r.get("date")))
        elif within is None:
            at_most, bound = _f(r, "within_at_most"), r.get("best_bound")
            if at_most is not None and at_most <= EARLY_WITHIN:
                out.append(_row(target, r["policy"], f"{num(found, 0)} vs bound {bound}", goal,
                                True, f"met: at most {at_most:.1%} above the optimum (not "
                                "proven; against the best bound)", r.get("date")))
                continue
            how_far = (f"at most {at_most:.1%} above it (best bound {bound})"
                       if at_most is not None else "no bound either")
            out.append(_row(target, r["policy"], measured, goal, False,
                            "cannot tell exactly: the optimum of the blocking-pairs stage is "
                            f"not proven; {how_far}", r.get("date")))
        else:
            met = within <= EARLY_WITHIN
            out.append(_row(target, r["policy"], measured, goal, met,
                            "met" if met else f"{within:.1%} above the optimum", r.get("date")))
    return out


def _large(policies: list[dict[str, str]]) -> list[dict[str, Any]]:
    target = f"{LARGE_PEOPLE:,} people, end to end"
    goal = (f"<= {LARGE_SECONDS:g} s; every stage proven or gap <= {LARGE_GAP:.1%}; "
            f"peak <= {LARGE_MIB / 1024:g} GiB")
    found = [r for r in policies if r.get("people") == str(LARGE_PEOPLE)]
    out = _per_model(target, goal, found, f"{LARGE_PEOPLE:,}-person row of policies.csv")
    for r in found:
        total, peak, gap = _f(r, "total_s"), _f(r, "peak_rss_mib"), _f(r, "max_gap")
        roster = r.get("status") in ("optimal", "feasible")
        stages = ("proven" if _proven(r) else f"max gap {gap:.2%}" if gap is not None
                  else "no roster" if not roster else "stage not reached")
        measured = f"{num(total, 1)} s, {stages}, {num(peak, 0)} MiB"
        short = []
        if total is None or total > LARGE_SECONDS:
            short.append(f"time {num(total, 1)} s")
        if not roster:
            short.append(_open_part(r))
        elif not _proven(r) and (gap is None or gap > LARGE_GAP):
            short.append(_open_part(r))
        if peak is None or peak > LARGE_MIB:
            short.append(f"peak {num(peak, 0)} MiB ({(peak or 0) / LARGE_MIB:.2f} x)")
        out.append(_row(target, r["policy"], measured, goal, not short,
                        "met" if not short else "; ".join(short), r.get("date")))
    return out


def _plain(plain: list[dict[str, str]]) -> list[dict[str, Any]]:
    target = f"plain market, {PLAIN_PEOPLE:,} people"
    row = next((r for r in plain if r.get("people") == str(PLAIN_PEOPLE)), None)
    goal_da = f"<= {PLAIN_DA_TIMES:g} x a plain deferred acceptance"
    goal_matching = f">= {PLAIN_MATCHING_FASTER:g} x faster than `matching`"
    if row is None:
        return [_missing(target, goal_da, "row of plain_da.csv"),
                _missing(target, goal_matching, "row of plain_da.csv")]
    engine = _f(row, "engine_s")
    out = []
    for key, name in (("array_da_s", "array deferred acceptance"),
                      ("reference_da_s", "reference deferred acceptance")):
        da = _f(row, key)
        if engine is None or not da:
            continue
        times = engine / da
        out.append(_row(target, f"engine / {name}",
                        f"{num(engine, 3)} s / {num(da, 3)} s = {times:.1f} x", goal_da,
                        times <= PLAIN_DA_TIMES,
                        "met" if times <= PLAIN_DA_TIMES else
                        f"{times / PLAIN_DA_TIMES:.1f} x over the target", row.get("date")))
    matching = _f(row, "matching_s")
    if engine and matching:
        faster = matching / engine
        met = faster >= PLAIN_MATCHING_FASTER
        out.append(_row(target, "`matching` / engine",
                        f"{num(matching, 3)} s / {num(engine, 3)} s = {faster:.1f} x",
                        goal_matching, met,
                        "met" if met else f"{PLAIN_MATCHING_FASTER / faster:.1f} x short",
                        row.get("date")))
    else:
        out.append(_missing(target, goal_matching, "`matching` time (package not installed?)"))
    return out


def _floor(policies: list[dict[str, str]], lower: list[dict[str, str]]) -> list[dict[str, Any]]:
    target = f"ratio to the min-cost-flow floor, {COUNTY_PEOPLE:,} people"
    goal = f"<= {FLOOR_TIMES:g} x"
    key = (str(COUNTY_PEOPLE), FLOOR_POLICY)
    engine = next((r for r in policies if (r.get("people"), r.get("policy")) == key), None)
    flow = next((r for r in lower if (r.get("people"), r.get("policy")) == key), None)
    if engine is None or flow is None or not _f(flow, "flow_s"):
        return [_missing(target, goal, f"{FLOOR_POLICY} row in policies.csv and lower_bound.csv")]
    total, flows = _f(engine, "total_s") or 0.0, _f(flow, "flow_s") or 0.0
    times = total / flows
    met = times <= FLOOR_TIMES
    return [_row(target, FLOOR_POLICY,
                 f"{num(total, 2)} s end to end / {num(flows, 3)} s of flows = {times:.0f} x",
                 goal, met, "met" if met else f"{times / FLOOR_TIMES:.1f} x over the target",
                 engine.get("date"))]


def _sfas(sfas: list[dict[str, str]]) -> list[dict[str, Any]]:
    target = "largest weakly stable roster, long ties, 1,000 people"
    if not sfas:
        return [_missing(target, "a roster always", "sfas.csv")]
    out = []
    for r in sfas:
        case = f"{num(r.get('people'), 0)} people, {r.get('grades')} grades"
        roster = r.get("status") in ("optimal", "feasible")
        out.append(_row(target, case, r.get("status") or "–", "a roster always", roster,
                        "met" if roster else _open_part(r), r.get("date")))
        first = _f(r, "first_roster_s")
        met = first is not None and first < SFAS_FIRST_S
        out.append(_row(target, case, f"first roster {num(first, 2)} s",
                        f"first roster < {SFAS_FIRST_S:g} s", met,
                        "met" if met else "no first roster event" if first is None
                        else f"{first / SFAS_FIRST_S:.1f} x the target", r.get("date")))
        proven = _f(r, "proven_s")
        met = proven is not None and proven <= SFAS_PROVEN_S
        out.append(_row(target, case, f"proven in {num(proven, 1)} s" if proven is not None
                        else f"not proven in {num(r.get('time_limit'), 0)} s",
                        f"largest proven <= {SFAS_PROVEN_S:g} s", met,
                        "met" if met else f"bound {r.get('bound') or '–'} unplaced, "
                        f"found {r.get('unplaced_all') or '–'}", r.get("date")))
    return out


def _designer(policies: list[dict[str, str]]) -> list[dict[str, Any]]:
    target = "the market designer's baseline"
    goal = "engine at least as good on the first differing stage, every row"
    compared = [r for r in policies if r.get("designer_better")]
    without = [r for r in policies if r.get("status") in ("failed", "no roster")]
    if not compared and not without:
        return [_missing(target, goal, "baseline comparison in policies.csv")]
    lost = [r for r in compared if r["designer_better"] == "baseline"]
    fair_losses = [r for r in lost if (_f(r, "designer_hard_violations") or 0) == 0]
    counts = {w: sum(1 for r in compared if r["designer_better"] == w)
              for w in ("engine", "equal", "baseline")}
    measured = (f"{len(compared)} rows: engine better {counts['engine']}, equal "
                f"{counts['equal']}, baseline better {counts['baseline']}"
                + (f"; {len(without)} without an engine roster" if without else ""))
    short = [f"{num(r['people'], 0)} {r['policy']}: baseline better on "
             f"{r['designer_first_difference']}"
             + (f" while breaking {r['designer_hard_violations']} hard rules"
                if (_f(r, "designer_hard_violations") or 0) else "") for r in lost]
    short += [f"{num(r.get('people'), 0)} {r.get('policy')}: no engine roster in time"
              for r in without]
    dates = sorted({r.get("date", "") for r in compared + without})
    return [_row(target, "every policies row", measured, goal, not fair_losses and not without,
                 "; ".join(short) or "met", " / ".join(dates))]


def _within_limits(runs: list[dict[str, str]]) -> dict[str, Any]:
    """Whether every end-to-end run ended within its time limit (by `WITHIN_LIMIT`)."""
    timed = [r for r in runs if _f(r, "total_s") is not None and _f(r, "time_limit")]
    over = [r for r in timed if _f(r, "total_s") > WITHIN_LIMIT * _f(r, "time_limit")]
    goal = f"total <= {WITHIN_LIMIT:g} x the limit"
    if not timed:
        return _missing("every run within its time limit", goal, "timed runs")
    worst = max(timed, key=lambda r: _f(r, "total_s") / _f(r, "time_limit"))
    ratio = _f(worst, "total_s") / _f(worst, "time_limit")
    verdict = "met" if not over else "; ".join(
        f"{int(r['people']):,} {r['policy']}: {_f(r, 'total_s'):.1f} s of "
        f"{_f(r, 'time_limit'):g}" for r in over)
    return _row("every run within its time limit", "policies, early, scaling",
                f"{len(over)} of {len(timed)} over; largest {ratio:.2f} x", goal, not over,
                verdict, max(r.get("date") or "" for r in timed) or None)


def _same_stages(rows_now: list[dict[str, str]],
                 before: list[dict[str, str]]) -> list[dict[str, Any]]:
    target = "same stage values as before where both proven"
    goal = "equal"
    if not before:
        return [_missing(target, goal, BEFORE)]
    earlier = {(r["people"], r["policy"]): r for r in before}
    compared, differ = 0, []
    seen = set()
    for r in rows_now:
        key = (r.get("people"), r.get("policy"))
        old = earlier.get(key)  # type: ignore[arg-type]
        if old is None or key in seen or not _proven(r):
            continue
        seen.add(key)
        compared += 1
        for stage in COMPARED:
            if old.get(stage) not in (None, "") and r.get(stage) not in (None, "") \
                    and old[stage] != r[stage]:
                differ.append(f"{num(key[0], 0)} {key[1]} {stage}: {old[stage]} -> {r[stage]}")
    source = f"{before[0].get('commit', '?')} of {before[0].get('date', '?')}"
    measured = f"{compared} rows proven in both runs (earlier: {source})"
    return [_row(target, "every proven row", measured, goal, not differ,
                 "met" if not differ else "; ".join(differ), None)]
