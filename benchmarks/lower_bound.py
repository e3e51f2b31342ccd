"""Section 1: the lower bound - the same assignment without side rules, as min-cost flows.

On the generated counties, for each policy model: the engine's own candidate
pairs (`staffing.allocation.pairs.build_pairs`: a person's choices that
eligibility and the other hard rules allow outright), choice pairs only,
people -> posts with capacity 1 per pair and each post's places as its
capacity (OR-Tools ``SimpleMinCostFlow``). No stability, no floors, no pools,
quotas or structure rules. Two networks:

- ``free``: every place open. Every roster any engine can return under the
  policy is a flow of it, so its figures bound every roster.
- ``kept``: the places held by people who did not apply stay taken, except
  that up to ``freed`` of them may open up, ``freed`` being the engine's
  continuity value (non-applicants it moved). Continuity is the first stage
  of every policy model here, so every roster that is optimal on that stage
  moves that many non-applicants and is a flow of this network: its figures
  bound what any exact engine can reach on the later stages.

Figures of each network (each an upper bound on the engine's figure; in the
minimising terms of the engine's objective, the floor it cannot go below):

- ``profile_bound``: the lexicographically best rank profile (most first
  choices, then most second choices, ...), one min-cost flow with weights
  ``w_r = 1 + sum_{s>r} w_s * C_s`` (``C_s`` = people with an s-th choice), so
  one more person at rank r outweighs any change below it;
- ``first_bound``: its first entry, the most applicants who can hold their
  first choice;
- ``choice_bound`` and ``rank_sum_bound``: the most applicants who can hold
  one of their choices, and the least sum of choice ranks among assignments
  that place that many (max-flow with min cost, cost = choice rank).

The engine's figures come from the policies section (``policies.csv``) for
the same county and policy.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from benchmarks.common import (
    MODELS,
    Settings,
    county,
    log,
    md_table,
    num,
    read_csv,
    short_machine,
    today,
)

COLUMNS = ["date", "machine", "people", "posts", "applicants", "policy", "choice_pairs",
           "pairs_s", "flow_s", "first_bound", "profile_bound", "choice_bound",
           "rank_sum_bound", "freed", "kept_first_bound", "kept_profile_bound",
           "kept_choice_bound", "kept_rank_sum_bound", "engine_status", "engine_s",
           "engine_first", "engine_profile", "engine_at_choice", "engine_rank_sum", "first_gap",
           "profile_equal", "note"]

_INT64 = 2**62


def choice_network(instance: Any, policy: Any) -> dict[str, np.ndarray]:
    """The choice pairs of the engine's candidate set: person, post, rank, places."""
    from staffing.allocation.pairs import build_pairs
    from staffing.domain.pairs import PairKind

    pairs = build_pairs(instance, policy)
    keep = pairs.kind == PairKind.CHOICE
    return {"person": pairs.person[keep], "post": pairs.post[keep],
            "rank": pairs.choice_rank[keep], "places": np.asarray(instance.arrays.places)}


def _network(net: dict[str, np.ndarray], costs: np.ndarray, bypass: int = 0) -> tuple[Any, int]:
    """source -> person (1) -> post (pair) -> sink (open places) [-> freed -> sink]; bypass."""
    from ortools.graph.python import min_cost_flow

    people = np.unique(net["person"])
    person_node = np.zeros(int(people.max()) + 1 if len(people) else 1, dtype=np.int64)
    person_node[people] = np.arange(1, len(people) + 1)
    n_posts = len(net["places"])
    post_base = len(people) + 1
    sink = post_base + n_posts
    freed = sink + 1
    held = net.get("held")
    open_places = net["places"] - (held if held is not None else 0)
    flow = min_cost_flow.SimpleMinCostFlow()
    tails = [np.zeros(len(people), dtype=np.int64), person_node[net["person"]],
             post_base + np.arange(n_posts)]
    heads = [np.arange(1, len(people) + 1), post_base + net["post"], np.full(n_posts, sink)]
    capacity = [np.ones(len(people) + len(net["person"]), dtype=np.int64),
                np.maximum(open_places, 0).astype(np.int64)]
    unit = [np.zeros(len(people), dtype=np.int64), costs.astype(np.int64),
            np.zeros(n_posts, dtype=np.int64)]
    if held is not None:  # up to `freed` places held by people who did not apply may open up
        tails += [post_base + np.arange(n_posts), np.array([freed])]
        heads += [np.full(n_posts, freed), np.array([sink])]
        capacity += [held.astype(np.int64), np.array([int(net["freed"])])]
        unit += [np.zeros(n_posts + 1, dtype=np.int64)]
    flow.add_arcs_with_capacity_and_unit_cost(np.concatenate(tails), np.concatenate(heads),
                                              np.concatenate(capacity), np.concatenate(unit))
    if bypass:
        flow.add_arc_with_capacity_and_unit_cost(0, sink, bypass, 0)
    return flow, sink


def kept(instance: Any, net: dict[str, np.ndarray], freed: int) -> dict[str, np.ndarray]:
    """The network with the places of people who did not apply held, up to ``freed`` released."""
    a = instance.arrays
    applied = np.zeros(len(a.person_ids), dtype=bool)
    for person in instance.choices_of:
        applied[a.person_index[person]] = True
    stay = np.flatnonzero(~applied & (np.asarray(a.current_post) >= 0))
    held = np.bincount(np.asarray(a.current_post)[stay], minlength=len(net["places"]))
    held = np.minimum(held, net["places"])
    return {**net, "held": held, "freed": np.int64(freed)}


def bounds(net: dict[str, np.ndarray], max_rank: int) -> dict[str, Any]:
    """Profile, first-choice, choice-count and rank-sum bounds of one choice network."""
    from ortools.graph.python import min_cost_flow

    ok = min_cost_flow.SimpleMinCostFlow.OPTIMAL
    ranks = net["rank"]
    applicants = len(np.unique(net["person"]))
    out: dict[str, Any] = {}
    if not len(ranks):
        return {"first_bound": 0, "profile_bound": [0] * max_rank, "choice_bound": 0,
                "rank_sum_bound": 0}
    # most at a choice, then least rank sum
    flow, sink = _network(net, ranks)
    flow.set_node_supply(0, applicants)
    flow.set_node_supply(sink, -applicants)
    assert flow.solve_max_flow_with_min_cost() == ok
    out["choice_bound"] = int(flow.maximum_flow())
    out["rank_sum_bound"] = int(flow.optimal_cost())
    # lexicographic rank profile with exact weights (when they fit in 64 bits)
    holders = [len(np.unique(net["person"][ranks == r])) for r in range(1, max_rank + 1)]
    weights = [0] * max_rank
    below = 0
    for r in range(max_rank - 1, -1, -1):
        weights[r] = 1 + below
        below += weights[r] * holders[r]
    n_nodes = applicants + len(net["places"]) + 3
    if weights[0] * (n_nodes + 1) * 4 < _INT64 and below < _INT64:
        flow, sink = _network(net, -np.asarray(weights, dtype=np.int64)[ranks - 1],
                              bypass=applicants)
        flow.set_node_supply(0, applicants)
        flow.set_node_supply(sink, -applicants)
        assert flow.solve() == ok
        used = np.asarray(flow.flows(np.arange(applicants, applicants + len(ranks))))
        profile = [int(used[ranks == r].sum()) for r in range(1, max_rank + 1)]
        out["profile_bound"] = profile
        out["first_bound"] = profile[0]
    else:  # weights too large: the first entry alone, by a max flow over first choices
        first = {**net, **{k: net[k][ranks == 1] for k in ("person", "post", "rank")}}
        flow, sink = _network(first, np.zeros(int((ranks == 1).sum()), dtype=np.int64))
        flow.set_node_supply(0, applicants)
        flow.set_node_supply(sink, -applicants)
        assert flow.solve_max_flow_with_min_cost() == ok
        out["first_bound"] = int(flow.maximum_flow())
        out["profile_bound"] = None
    return out


def run(settings: Settings) -> list[dict[str, Any]]:
    import staffing

    engine = {(r["people"], r["policy"]): r
              for r in read_csv(settings.out / "policies.csv")}
    rows = []
    for people in settings.county_sizes:
        inst = county(people, settings.seed)
        for path in settings.policies(people) if settings.smoke else MODELS:
            policy = staffing.load_policy(path)
            began = time.perf_counter()
            net = choice_network(inst, policy)
            pairs_s = time.perf_counter() - began
            result = engine.get((str(len(inst.staff)), path.stem))
            if result is None or result.get("status") not in ("optimal", "feasible"):
                result = None
            freed = int(result["continuity"] or 0) if result is not None else 0
            began = time.perf_counter()
            free = bounds(net, policy.max_choices)
            held = bounds(kept(inst, net, freed), policy.max_choices)
            flow_s = time.perf_counter() - began
            row: dict[str, Any] = {
                "date": today(), "machine": short_machine(), "people": len(inst.staff),
                "posts": len(inst.posts), "applicants": len(inst.choices_of),
                "policy": path.stem, "choice_pairs": len(net["rank"]), "pairs_s": pairs_s,
                "flow_s": flow_s, **free, "freed": freed,
                **{f"kept_{k}": v for k, v in held.items()}}
            row.update(_engine(result, held))
            rows.append(row)
            log(f"  {people} people, {path.stem}: first-choice bound {held['first_bound']} "
                f"(no side rules {free['first_bound']}), profile {held['profile_bound']}, "
                f"flows {flow_s:.2f} s; engine first {row.get('engine_first', '-')}")
    return rows


def _engine(row: dict[str, str] | None, found: dict[str, Any]) -> dict[str, Any]:
    if row is None:
        return {"note": "no engine result for this county and policy in policies.csv"}
    first = int(row["first_choices"])
    profile = [int(x) for x in row["rank_profile"].split("/")] if row["rank_profile"] else []
    bound = found.get("profile_bound")
    return {"engine_status": row["status"], "engine_s": row["engine_s"], "engine_first": first,
            "engine_profile": profile, "engine_at_choice": int(row["placed_at_choice"]),
            "engine_rank_sum": int(row["rank_sum"]),
            "first_gap": (found["first_bound"] - first) / found["first_bound"]
            if found["first_bound"] else 0.0,
            "profile_equal": (bound == profile) if bound is not None else None}


def tables(rows: list[dict[str, str]]) -> str:
    if not rows:
        return "_not run_"
    return md_table(
        ["people", "policy", "choice pairs", "flows s", "engine s",
         "first choices: engine / kept / free", "profile: engine", "profile bound: kept",
         "at a choice: engine / kept / free", "freed"],
        [[num(r["people"], 0), r["policy"], num(r["choice_pairs"], 0), num(r["flow_s"], 3),
          num(r["engine_s"], 1),
          (f"{num(r['engine_first'], 0)} / {num(r['kept_first_bound'], 0)} / "
          f"{num(r['first_bound'], 0)}"),
          r["engine_profile"] or "–", r["kept_profile_bound"] or "–",
          (f"{num(r['engine_at_choice'], 0)} / {num(r['kept_choice_bound'], 0)} / "
          f"{num(r['choice_bound'], 0)}"),
          r["freed"]] for r in rows],
        "rlrrrrllrr")
