"""The deferred-acceptance family: the market designer's rosters, built without a solver.

Each person proposes down their list: their admissible choices in order, then their
current post where they may stay (a non-applicant's only entry; an applicant's
fallback under ``continuity``). A post keeps the applicants its panel ranks best,
ties broken by a master list (``priority``: lower first), and rejects the rest.

- `deferred_acceptance`: plain person-proposing deferred acceptance. With strict panel
  rankings it is the person-optimal stable roster; with ties, broken by the master list,
  it is weakly stable (no blocking pair in the sense of `staffing.rules.stability`) as
  long as only capacities bind.
- `extended_seat_da`: extended-seat deferred acceptance for post floors (Fragiadakis,
  Iwasaki, Troyan, Ueda and Yokoo 2016, "Strategyproof matching with minimum quotas",
  ACM TEAC 4(1)). Each post has ``floor`` standard seats and ``places - floor``
  extended seats; a person's list is each post's standard seats, then its extended
  seats; all extended seats together hold at most ``extended_total`` people (by
  default the people with a list minus the floors' sum), the master list deciding who
  leaves when they overflow, so that people are pushed down their lists towards posts
  whose floors are not met. The paper assumes that everyone accepts every post; here
  people accept only their lists, so a floor may still be missed and a person pushed
  off the end of their list goes unplaced.

Neither looks at the other hard rules (pools, coverage, post structure ...): their
rosters are baselines and starting hints, and the checker says what they break.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from staffing.allocation.pairs import build_pairs
from staffing.domain.arrays import POOLS, TIERS
from staffing.domain.enums import Pool, Tier
from staffing.domain.instance import Instance
from staffing.domain.pairs import PairKind, Pairs
from staffing.domain.ranking import score
from staffing.domain.roster import Roster, trusted_assignments
from staffing.policy import Policy


@dataclass(frozen=True)
class Market:
    """Each person's list (posts in order, with the panel's rank there) and each post's seats.

    ``post`` and ``panel`` hold every list entry, people in index order, each person's
    entries from ``start[i]`` to ``start[i + 1]``.
    """

    start: np.ndarray   # n_people + 1 offsets into post / panel
    post: np.ndarray
    panel: np.ndarray   # effective panel rank at the post (TENURE, 1.., UNRANKED)
    places: np.ndarray  # per post
    floors: np.ndarray  # per post

    @property
    def people(self) -> int:
        return len(self.start) - 1

    @classmethod
    def of(cls, instance: Instance, policy: Policy, pairs: Pairs | None = None) -> Market:
        """The market of an instance under a policy: choices in order, then the current post."""
        pairs = build_pairs(instance, policy) if pairs is None else pairs
        listed = np.flatnonzero(pairs.kind != PairKind.DIRECTED)
        stay_last = np.where(pairs.kind[listed] == PairKind.CHOICE, pairs.choice_rank[listed],
                             np.iinfo(np.int64).max)
        order = listed[np.lexsort((stay_last, pairs.person[listed]))]
        counts = np.bincount(pairs.person[order], minlength=len(instance.staff))
        a = instance.arrays
        return cls(start=np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
                   post=pairs.post[order], panel=pairs.panel[order],
                   places=np.asarray(a.places, dtype=np.int64),
                   floors=np.asarray(a.post_floor, dtype=np.int64))


def master_list(instance: Instance, policy: Policy) -> np.ndarray:
    """Each person's place in a county-wide merit order (0 = first): the policy's panel
    score, highest first, then the input order."""
    scores = np.asarray([score(person, policy.panel_scoring) for person in instance.staff])
    order = np.lexsort((np.arange(len(scores)), -scores))
    priority = np.empty(len(scores), dtype=np.int64)
    priority[order] = np.arange(len(scores))
    return priority


def deferred_acceptance(market: Market, priority: np.ndarray | None = None) -> np.ndarray:
    """Person-proposing deferred acceptance, panel ties broken by ``priority`` (lower first).

    Returns each person's post index, -1 for no post: the roster of `extended_seat_da`
    without floors, by a loop over list entries alone (no seat kinds, no overflow).
    """
    n = market.people
    start, post_of = market.start.tolist(), market.post.tolist()
    key = (market.panel * (n + 1) + _priority(market, priority)[
        np.repeat(np.arange(n), np.diff(market.start))]).tolist()
    places = market.places.tolist()
    held: list[list[tuple[int, int]]] = [[] for _ in places]
    seat = [-1] * n  # the list entry held, -1 none
    next_entry = start[:-1]
    push, pop = heapq.heappush, heapq.heappop
    free = list(range(n - 1, -1, -1))
    while free:
        i = free.pop()
        while next_entry[i] < start[i + 1]:
            entry = next_entry[i]
            next_entry[i] += 1
            j = post_of[entry]
            if places[j] == 0:
                continue
            heap = held[j]
            push(heap, (-key[entry], i))
            if len(heap) <= places[j]:
                seat[i] = entry
                break
            _key, loser = pop(heap)
            if loser != i:
                seat[i], seat[loser] = entry, -1
                free.append(loser)
                break
    outcome = np.full(n, -1, dtype=np.int64)
    seats = np.asarray(seat, dtype=np.int64)
    outcome[seats >= 0] = market.post[seats[seats >= 0]]
    return outcome


def extended_seat_da(market: Market, priority: np.ndarray | None = None,
                     extended_total: int | None = None) -> np.ndarray:
    """Extended-seat deferred acceptance (see the module docstring); post index per person."""
    floors = np.minimum(market.floors, market.places)
    if extended_total is None:
        listed = int(np.sum(np.diff(market.start) > 0))
        extended_total = max(0, listed - int(floors.sum()))
    return _propose(market, _priority(market, priority), standard=floors,
                    extended=market.places - floors, extended_total=extended_total)


def _priority(market: Market, priority: np.ndarray | None) -> np.ndarray:
    return np.arange(market.people, dtype=np.int64) if priority is None else priority


def _propose(market: Market, priority: np.ndarray, *, standard: np.ndarray,
             extended: np.ndarray, extended_total: int | None) -> np.ndarray:
    """Deferred acceptance over the seats of each post: standard first, then extended.

    A person's proposals run over (entry, seat kind) steps: step 2k is the standard seats
    of entry k, step 2k + 1 its extended seats. A seat kind keeps its best applicants by
    (panel rank, priority); the extended seats of every post together keep at most
    ``extended_total`` people, the last of the master list leaving first.
    """
    n = market.people
    start, post_of = market.start.tolist(), market.post.tolist()
    key = (market.panel * (n + 1)
           + priority[np.repeat(np.arange(n), np.diff(market.start))]).tolist()
    rank_of = priority.tolist()
    capacity = (standard.tolist(), extended.tolist())
    held: tuple[list[list[tuple[int, int]]], ...] = tuple(
        [[] for _ in market.places] for _kind in (0, 1))
    step = [0] * n
    seat = [-1] * n                          # the list entry held, -1 none
    seat_kind = [0] * n
    overflow: list[tuple[int, int]] = []     # (-priority, person) of extended-seat holders
    in_extended = 0
    free = list(range(n - 1, -1, -1))
    while free:
        i = free.pop()
        while True:
            entry, kind = start[i] + step[i] // 2, step[i] % 2
            if entry >= start[i + 1]:
                break  # list exhausted: no post
            step[i] += 1
            j = post_of[entry]
            if capacity[kind][j] == 0:
                continue
            heap = held[kind][j]
            heapq.heappush(heap, (-key[entry], i))
            if len(heap) > capacity[kind][j]:
                _key, loser = heapq.heappop(heap)
                if loser == i:
                    continue  # rejected: next step
                seat[loser] = -1
                free.append(loser)
            elif kind == 1:
                in_extended += 1
            seat[i], seat_kind[i] = entry, kind
            if kind == 1:
                heapq.heappush(overflow, (-rank_of[i], i))
                if extended_total is not None and in_extended > extended_total:
                    loser = _pop_extended(overflow, seat, seat_kind)
                    heap = held[1][post_of[seat[loser]]]
                    heap.remove(next(e for e in heap if e[1] == loser))
                    heapq.heapify(heap)
                    seat[loser] = -1
                    in_extended -= 1
                    if loser == i:
                        continue
                    free.append(loser)
            break
    outcome = np.full(n, -1, dtype=np.int64)
    seats = np.asarray(seat, dtype=np.int64)
    outcome[seats >= 0] = market.post[seats[seats >= 0]]
    return outcome


def _pop_extended(overflow: list[tuple[int, int]], seat: list[int], kind: list[int]) -> int:
    """The extended-seat holder last on the master list (stale entries skipped)."""
    while True:
        _priority_key, person = heapq.heappop(overflow)
        if seat[person] >= 0 and kind[person] == 1:
            return person


def roster_of(instance: Instance, policy: Policy, outcome: np.ndarray) -> Roster:
    """A roster from post indices: incumbents keep their pool; a placed recruit without one is
    charged to the grassroots pool below the county tier and to the county pool at it, when
    the policy allows that pool for recruits (else to the first pool it allows)."""
    a = instance.arrays
    allowed = list(policy.recruit_pools() or [Pool.COUNTY, Pool.GRASSROOTS])
    county = TIERS.index(Tier.COUNTY)
    recruit_pool = [p if p in allowed else allowed[0] for p in (Pool.GRASSROOTS, Pool.COUNTY)]
    post_ids, post_tier = a.post_ids, a.post_tier.tolist()
    rows: list[tuple[str, str | None, Pool | None]] = []
    pools, recruits, dispatched = a.pool.tolist(), a.recruit.tolist(), a.dispatched.tolist()
    for i, (person, j) in enumerate(zip(a.person_ids, outcome.tolist())):
        post = post_ids[j] if j >= 0 else None
        pool: Pool | None = None
        if pools[i] >= 0 and (post is not None or not recruits[i]):
            pool = POOLS[pools[i]]
        elif post is not None and not dispatched[i]:
            pool = recruit_pool[post_tier[j] == county]
        rows.append((person, post, pool))
    return Roster.model_construct(assignments=trusted_assignments(rows))
