"""Tests that post structure catches senior appointments above the cap and intermediate ones below
the floor, both as shares of the centre's professional places."""

from __future__ import annotations

from pathlib import Path

from staffing.domain.instance import Instance
from tests.builders import (
    assert_compliant,
    check_cli,
    county,
    instance,
    only_violation,
    person,
    policy,
    post,
    roster,
    township,
)

RULE = "post_structure"


def make() -> Instance:
    """A centre with 10 professional places (2 senior, 5 intermediate, 3 junior) and an
    administrative post; a county twin with 3 senior places."""
    return instance(
        [county(), township()],
        [post("T-SEN", "T", discipline="internal_medicine", grade="associate_senior", places=2,
              accepts="general_practice"),
         post("T-INT", "T", grade="intermediate", places=5),
         post("T-JUN", "T", grade="junior", places=3),
         post("T-ADM", "T", discipline="management", places=5),
         post("H-SEN", "H", discipline="internal_medicine", grade="senior", places=3)],
        [person("S1", discipline="internal_medicine", title="associate_senior"),
         person("S2", discipline="internal_medicine", title="associate_senior"),
         person("G1", title="associate_senior"),
         *(person(f"I{k}", title="intermediate") for k in range(1, 6)),
         *(person(f"J{k}") for k in range(1, 4)),
         person("W1", discipline="management", licence="none")],
    )


def place(senior: list[str], intermediate: int, junior: int, **more: str) -> dict[str, str]:
    placed = {p: "T-SEN" for p in senior}
    placed.update({f"I{k}": "T-INT" for k in range(1, intermediate + 1)})
    placed.update({f"J{k}": "T-JUN" for k in range(1, junior + 1)})
    placed["W1"] = "T-ADM"  # not a professional post: never counted, whoever holds it
    placed.update(more)
    return placed


def test_balanced_structure_passes() -> None:
    """Tests that 1 senior and 5 intermediate appointments on 10 professional places pass 15% / 50%,
    whatever the number of juniors placed."""
    inst = make()
    assert_compliant(inst, policy(RULE), roster(inst, place(["S1"], 5, 3)))
    assert_compliant(inst, policy(RULE), roster(inst, place(["S1"], 5, 0)))


def test_senior_share_above_cap_is_one_violation() -> None:
    """Tests that 2 seniors on 10 professional places (cap 15%: at most 1) is one violation of 1."""
    inst = make()
    v = only_violation(inst, policy(RULE), roster(inst, place(["S1", "S2"], 5, 1)), RULE)
    assert v.message == ("T: 2 people at senior posts, above the 15% cap of its 10 professional "
                         "places (at most 1)")
    assert (v.institutions, v.amount, v.hard) == (("T",), 1, True)
    assert v.numbers == {"professional_places": 10, "senior": 2, "intermediate": 5}


def test_intermediate_share_below_floor_is_one_soft_violation() -> None:
    """Tests that 4 intermediate on 10 professional places (floor 50%: at least 5) is 1 short, and
    that leaving juniors unplaced does not help."""
    inst = make()
    v = only_violation(inst, policy(RULE), roster(inst, place(["S1"], 4, 3)), RULE)
    assert v.message == ("T: 4 people at intermediate posts, below the 50% floor of its 10 "
                         "professional places (at least 5)")
    assert (v.amount, v.hard) == (1, False)
    assert only_violation(inst, policy(RULE), roster(inst, place(["S1"], 4, 0)), RULE).amount == 1
    hard_floor = policy(RULE, intermediate_floor_hard=True)
    assert only_violation(inst, hard_floor, roster(inst, place(["S1"], 4, 3)), RULE).hard


def test_gp_exemption_from_the_senior_cap() -> None:
    """Tests that a GP at a senior post breaks the cap unless gp_exempt is on."""
    inst = make()
    ros = roster(inst, place(["S1", "G1"], 5, 1))
    v = only_violation(inst, policy(RULE), ros, RULE)
    assert v.numbers["senior"] == 2 and v.amount == 1
    assert_compliant(inst, policy(RULE, gp_exempt=True), ros)


def test_only_the_listed_tiers_are_counted() -> None:
    """Tests that seniors at a county hospital count only when the county tier is listed."""
    inst = make()
    ros = roster(inst, place(["S1"], 5, 2, S2="H-SEN"))
    assert_compliant(inst, policy(RULE), ros)
    v = only_violation(inst, policy(RULE, tiers=["county"], intermediate_min_share=None), ros,
                       RULE)
    assert v.institutions == ("H",)
    assert v.numbers == {"professional_places": 3, "senior": 1, "intermediate": 0}


def test_cli_check_names_the_rule(tmp_path: Path) -> None:
    """Tests that ``staffing check`` exits 1 naming post_structure for a senior cap breach."""
    inst = make()
    result = check_cli(tmp_path, inst, roster(inst, place(["S1", "S2"], 5, 1)), RULE)
    assert result.exit_code == 1, result.output
    assert RULE in result.output
    assert "T: 2 people at senior posts, above the 15% cap" in " ".join(result.output.split())
