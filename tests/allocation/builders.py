"""Small hand-made communities for allocation tests: a county hospital H, a township centre T
and villages V (small, near) and W (large, far), with defaults for every column."""

from __future__ import annotations

from typing import Any

import staffing
from staffing.check import check
from staffing.domain.instance import Choice, Instance, Institution, PanelRank, Post, Staff
from staffing.policy import Policy

INSTITUTIONS = [
    {"id": "H", "tier": "county", "headcount_county": 50},
    {"id": "T", "tier": "township", "parent": "H", "population": 20_000,
     "headcount_grassroots": 50, "contract_places": 10},
    {"id": "V", "tier": "village", "parent": "T", "population": 600, "distance_km": 2.0},
    {"id": "W", "tier": "village", "parent": "T", "population": 1500, "distance_km": 12.0},
]
PERSON = {"discipline": "internal_medicine", "licence": "physician", "title": "junior",
          "pool": "grassroots"}
POST = {"discipline": "internal_medicine", "grade": "junior", "places": 1}


def community(posts: list[dict[str, Any]], staff: list[dict[str, Any]],
              choices: dict[str, list[str]] | None = None,
              rankings: dict[str, list[str | list[str]]] | None = None,
              institutions: list[dict[str, Any]] | None = None) -> Instance:
    """An instance from short dicts; rankings list people best first, a sub-list is a tie."""
    rank_rows = []
    for post, order in (rankings or {}).items():
        for position, group in enumerate(order, start=1):
            for person in [group] if isinstance(group, str) else group:
                rank_rows.append(PanelRank(post=post, person=person, rank=position))
    return Instance(
        institutions=[Institution(**i) for i in institutions or INSTITUTIONS],
        posts=[Post(**{**POST, **p}) for p in posts],
        staff=[Staff(**{**PERSON, **s}) for s in staff],
        choices=[Choice(person=p, rank=r, post=post)
                 for p, chosen in (choices or {}).items() for r, post in enumerate(chosen, 1)],
        rankings=rank_rows,
    )


def policy(objective: list[str] | None = None, **rules: dict[str, Any]) -> Policy:
    """A policy with only the given rules (eligibility and capacity are always on)."""
    data: dict[str, Any] = {"name": "test", "rules": rules}
    if objective is not None:
        data["objective"] = objective
    return Policy.model_validate(data)


def solve(instance: Instance, rules: Policy) -> staffing.Roster:
    """Allocate and assert the roster passes the checker."""
    result = staffing.allocate(instance, rules, time_limit=20, deterministic=True)
    roster = result.roster
    report = check(instance, rules, roster)
    assert report.ok, [v.message for v in report.hard_violations]
    for stage in result.stages:
        if stage.sub is None:
            assert stage.value == report.stages[stage.stage.value]
    return roster


def posts_of(roster: staffing.Roster) -> dict[str, str | None]:
    return {a.person: a.post for a in roster.assignments}
