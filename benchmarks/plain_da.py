"""Section 2: plain two-way selection, the engine against person-optimal deferred acceptance.

Instances: `tests.allocation.random_instances.plain_market` (strict rankings
on both sides, one institution, no side rules), posts = people / 20 with 1-3
places each, up to 5 choices. Policy: `plain_policy` (eligibility, capacity
and soft stability; objective blocking pairs, then rank profile). With strict
rankings and no side rules the best stable roster for people is unique, so
the engine, the ``matching`` package's resident-optimal
``HospitalResident`` and this repository's reference deferred acceptance
must return the same roster person for person.

``matching`` 1.4.3 deep-copies its players in the constructor, and the
players point at each other through their preference lists, so the copy
recurses once per player: with Python's default limits it raises
RecursionError from about 2,000 people x 100 posts. It is run here in a
thread with a 512 MiB stack and a recursion limit of 1,000,000; the column
``default_limits`` says whether the same call also succeeds with the
default limits (tried first, on the main thread).
"""

from __future__ import annotations

import gc
import heapq
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from benchmarks.common import Settings, log, md_table, num, short_machine, timed, today

COLUMNS = ["date", "machine", "people", "posts", "places", "choices", "engine_status",
           "engine_s", "engine_build_s", "engine_solve_s", "matching_s", "matching_build_s",
           "matching_solve_s", "reference_da_s", "array_da_s", "da_ratio", "ratio",
           "default_limits", "placed", "identical_matching", "identical_reference",
           "identical_array", "blocking_pairs", "check_ok", "note"]

STACK = 512 * 1024 * 1024
RECURSION = 1_000_000


def matching_installed() -> bool:
    try:
        import matching  # noqa: F401
    except ImportError:
        return False
    return True


def matching_inputs(instance: Any) -> tuple[dict, dict, dict]:
    """Resident and hospital preference lists and capacities, as `matching` takes them."""
    residents = {p: list(c) for p, c in instance.choices_of.items() if c}
    rank = instance.panel_rank
    hospitals: dict[str, list[str]] = {}
    for post in instance.posts:
        order = {q: rank[(post.id, q)] for q in instance.applicants_of.get(post.id, [])}
        hospitals[post.id] = sorted(order, key=order.__getitem__)
    capacities = {post.id: post.places for post in instance.posts}
    return residents, hospitals, capacities


def array_deferred_acceptance(residents: dict[str, list[str]], hospitals: dict[str, list[str]],
                              capacities: dict[str, int]) -> dict[str, str]:
    """Person-proposing deferred acceptance as a plain program writes it, from the same
    preference lists as `matching`: ids coded to integers once, each post's ranking a
    table by person, a heap of the people each post holds. Returns person -> post."""
    people = list(residents)
    person_code = {person: k for k, person in enumerate(people)}
    posts = list(capacities)
    post_code = {post: k for k, post in enumerate(posts)}
    lists = [[post_code[post] for post in residents[person]] for person in people]
    rank_at = [{person_code[q]: r for r, q in enumerate(hospitals.get(post, []))
                if q in person_code} for post in posts]
    places = [capacities[post] for post in posts]
    held: list[list[tuple[int, int]]] = [[] for _ in posts]
    next_entry = [0] * len(people)
    free = list(range(len(people) - 1, -1, -1))
    while free:
        i = free.pop()
        while next_entry[i] < len(lists[i]):
            j = lists[i][next_entry[i]]
            next_entry[i] += 1
            rank = rank_at[j].get(i)
            if rank is None or places[j] == 0:
                continue
            heapq.heappush(held[j], (-rank, i))
            if len(held[j]) <= places[j]:
                break
            _worst, loser = heapq.heappop(held[j])
            if loser != i:
                free.append(loser)
                break
    return {people[i]: posts[j] for j, holders in enumerate(held) for _r, i in holders}


def run_matching(instance: Any) -> dict[str, Any]:
    """Person-optimal HR by `matching`: with default limits if it can, else with a big stack."""
    from matching.games import HospitalResident

    residents, hospitals, capacities = matching_inputs(instance)

    def solve() -> tuple[float, float, dict[str, str]]:
        began = time.perf_counter()
        game = HospitalResident.create_from_dictionaries(residents, hospitals, capacities)
        built = time.perf_counter()
        result = game.solve(optimal="resident")
        done = time.perf_counter()
        found = {r.name: h.name for h, rs in result.items() for r in rs}
        return built - began, done - built, found

    out: dict[str, Any] = {}
    try:
        solve()
        out["default_limits"] = "ok"
    except RecursionError:
        out["default_limits"] = "RecursionError"
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = solve()
        except BaseException as error:  # noqa: BLE001 - reported, not raised, by the caller
            box["error"] = error

    old_limit, old_stack = sys.getrecursionlimit(), threading.stack_size()
    sys.setrecursionlimit(RECURSION)
    threading.stack_size(STACK)
    try:
        worker = threading.Thread(target=target)
        worker.start()
        worker.join()
    finally:
        threading.stack_size(old_stack)
        sys.setrecursionlimit(old_limit)
    if "error" in box:
        raise box["error"]
    build, solve_s, found = box["result"]
    out.update(matching_build_s=build, matching_solve_s=solve_s, matching_s=build + solve_s,
               matching=found)
    return out


def best_of(repeats: int, make: Callable[[], Any],
            measure: Callable[[Any], Any]) -> tuple[float, Any]:
    """The least seconds of ``measure(make())`` over ``repeats`` runs (each on what ``make``
    builds outside the timing: a freshly generated instance, so that nothing one run
    computed is cached for the next), garbage collected before each; and its result."""
    best: tuple[float, Any] | None = None
    for _ in range(max(1, repeats)):
        subject = make()
        gc.collect()
        seconds, result = timed(measure, subject)
        if best is None or seconds < best[0]:
            best = (seconds, result)
    assert best is not None
    return best


def run(settings: Settings) -> list[dict[str, Any]]:
    import staffing
    from tests.allocation.random_instances import deferred_acceptance, plain_market, plain_policy

    have_matching = matching_installed()
    if not have_matching:
        log("  the `matching` package is not installed (pip install '.[bench]'): engine and "
            "reference deferred acceptance only")
    policy = plain_policy()
    rows = []
    for people in settings.plain_sizes:
        posts = max(2, people // settings.plain_posts_per)
        def fresh(people: int = people, posts: int = posts) -> Any:
            return plain_market(people, posts, settings.seed)

        inst = fresh()
        row: dict[str, Any] = {"date": today(), "machine": short_machine(), "people": people,
                               "posts": posts, "places": sum(p.places for p in inst.posts),
                               "choices": len(inst.choices)}
        engine_s, result = best_of(settings.plain_repeats, fresh, lambda instance: (
            instance, staffing.allocate(instance, policy, time_limit=settings.plain_limit)))
        inst, result = result
        roster = result.roster
        row["engine_s"] = engine_s
        timings = result.manifest.get("timings", {})
        build = (timings.get("pairs") or 0) + (timings.get("model") or 0)
        row.update(engine_status=result.status, engine_build_s=build,
                   engine_solve_s=row["engine_s"] - build)
        report = staffing.check(inst, policy, roster)
        row.update(blocking_pairs=report.blocking_pairs, check_ok=report.ok)
        engine = {a.person: a.post for a in roster.assignments if a.post is not None}
        row["placed"] = len(engine)
        row["reference_da_s"], reference = best_of(settings.plain_repeats, fresh,
                                                   deferred_acceptance)
        row["identical_reference"] = engine == reference
        inputs = matching_inputs(inst)
        row["array_da_s"], array = best_of(settings.plain_repeats, lambda given=inputs: given,
                                           lambda given: array_deferred_acceptance(*given))
        row["identical_array"] = engine == array
        row["da_ratio"] = row["engine_s"] / row["array_da_s"]
        if have_matching:
            found = run_matching(inst)
            row.update({k: v for k, v in found.items() if k != "matching"})
            row["identical_matching"] = engine == found["matching"]
            row["ratio"] = row["engine_s"] / row["matching_s"] if row["matching_s"] else None
        else:
            row["note"] = "matching not installed"
        rows.append(row)
        log(f"  {people} people x {posts} posts: engine {row['engine_s']:.2f} s "
            f"({result.status}), matching {num(row.get('matching_s'))} s "
            f"(default limits: {row.get('default_limits', '-')}), reference DA "
            f"{row['reference_da_s']:.3f} s; identical: matching "
            f"{row.get('identical_matching', '-')}, reference {row['identical_reference']}")
    return rows


def tables(rows: list[dict[str, str]]) -> str:
    if not rows:
        return "_not run_"
    return md_table(
        ["people", "posts", "places", "engine s (build + solve)", "matching s (build + solve)",
         "engine / matching", "array DA s", "reference DA s", "engine / array DA",
         "matching with default limits", "same roster as matching / array / reference",
         "blocking pairs", "check"],
        [[num(r["people"], 0), num(r["posts"], 0), num(r["places"], 0),
          f"{num(r['engine_s'])} ({num(r['engine_build_s'])} + {num(r['engine_solve_s'])})",
          f"{num(r['matching_s'])} ({num(r['matching_build_s'])} + {num(r['matching_solve_s'])})"
          if r.get("matching_s") else "–",
          f"{float(r['ratio']):.1f}x" if r.get("ratio") else "–", num(r.get("array_da_s"), 3),
          num(r["reference_da_s"], 3),
          f"{float(r['da_ratio']):.1f}x" if r.get("da_ratio") else "–",
          r.get("default_limits") or "–",
          (f"{_yes(r.get('identical_matching'))} / {_yes(r.get('identical_array'))} / "
           f"{_yes(r['identical_reference'])}"),
          num(r["blocking_pairs"], 0), "ok" if r["check_ok"] == "True" else "FAIL"]
         for r in rows],
        "rrrrrrrrrllrl")


def _yes(value: str | None) -> str:
    return {"True": "yes", "False": "NO"}.get(str(value), "–")
