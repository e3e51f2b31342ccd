"""Tests that year 1 of a plan becomes directed placements: posts always, teams only for people
the selection must send to grassroots this round."""

from __future__ import annotations

from staffing.planning.check import plan_facts
from staffing.planning.directed import year_one_placements
from staffing.planning.tables import PlanTeam
from tests.planning.builders import case, doctors, needs, nurses, plan, planning_policy


def test_post_rotations_and_bound_team_members_are_directed() -> None:
    """Tests that D1 (post, 2025) and the bound member N1 are directed, the other members, the
    leader and D2 (post, 2026) are not."""
    inst = case([*doctors("L1", "D1", "D2"), *nurses("N1", promotion_candidate=True),
                 *nurses("N2", "N3", "N4")],
                plan_needs=needs("T1-GP", 2025, 2026),
                plan_teams=[PlanTeam(team="RT", institution="T2", year=2025)])
    rotations = plan(L1=(2025, "RT", "leader"), D1=(2025, "T1-GP"), D2=(2026, "T1-GP"),
                     **{f"N{k}": (2025, "RT", "member") for k in range(1, 5)})
    placed = year_one_placements(plan_facts(inst, planning_policy(), 3), rotations)
    assert [(p.person, p.post, p.institution) for p in placed] == [
        ("D1", "T1-GP", None), ("N1", None, "T2")]
    assert placed[1].source == "rotation plan 2025-2027: team RT member"
