"""Tests that directed placements (a rotation plan's year 1) hold people where they are directed."""

from __future__ import annotations

import staffing
from staffing.domain.instance import Instance
from staffing.io.directed import DirectedPlacement
from staffing.validation import structural_problems
from tests.builders import (
    all_violations,
    assert_compliant,
    county,
    instance,
    only_violation,
    person,
    policy,
    post,
    roster,
    township,
)

RULE = "directed_placements"


def make(*directed: DirectedPlacement) -> Instance:
    inst = instance(
        [county(headcount_county=5), township(population=5000)],
        [post("H-GP", "H", places=3), post("T-GP", "T", places=2), post("T-IM", "T",
                                                                      discipline="internal_medicine")],
        [person("D1", pool="county", current_post="H-GP"),
         person("D2", pool="county", current_post="H-GP")])
    return inst.model_copy(update={"extras": {"directed_placements": list(directed)}})


TO_POST = DirectedPlacement(person="D1", post="T-GP", source="rotation plan 2025-2027")
TO_CENTRE = DirectedPlacement(person="D2", institution="T")


def test_people_at_their_directed_places_pass() -> None:
    """Tests that D1 at T-GP and D2 at a post of T pass, and no table directs nobody."""
    inst = make(TO_POST, TO_CENTRE)
    assert_compliant(inst, policy(RULE), roster(inst, {"D1": "T-GP", "D2": "T-GP"}))
    plain = make()
    assert_compliant(plain, policy(RULE), roster(plain, {"D1": "H-GP", "D2": "H-GP"}))


def test_staying_and_unplaced_directed_people_are_two_violations() -> None:
    """Tests that D1 kept at H-GP is one violation and D2 without a post another."""
    inst = make(TO_POST, TO_CENTRE)
    v = only_violation(inst, policy(RULE), roster(inst, {"D1": "T-GP"}), RULE)
    assert v.message == "D2 is directed to a post of T but holds no post"
    found = [x for x in all_violations(inst, policy(RULE), roster(inst, {"D1": "H-GP",
                                                                          "D2": "T-GP"}))
             if x.rule == RULE]
    assert [x.message for x in found] == [
        "D1 is directed to T-GP this round (rotation plan 2025-2027), not H-GP"]


def test_allocation_places_directed_people() -> None:
    """Tests that the selection moves D1, who did not apply, to the post directed to."""
    inst = make(TO_POST)
    result = staffing.allocate(inst, policy(RULE), staffing.SolveParams(time_limit=20,
                                                                       deterministic=True))
    assert result.report.ok
    assert result.roster.post_of("D1") == "T-GP" and result.roster.post_of("D2") == "H-GP"


def test_unknown_references_are_located() -> None:
    """Tests that an unknown person and post in the table are located input problems."""
    inst = make(DirectedPlacement(person="X9", post="NOPE"))
    problems = [p for p in structural_problems(inst) if p.source.startswith("directed")]
    assert [(p.column, p.value) for p in problems] == [("person", "X9"), ("post", "NOPE")]
