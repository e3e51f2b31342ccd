"""Tests that generated instances get pay tables under which every policy model plans."""

from __future__ import annotations

import pytest

from staffing.domain.roster import Roster
from staffing.pay.synth import pay_tables, with_pay_tables
from tests.pay.builders import plan_ok, solve

synth = pytest.importorskip("staffing.synth")


def test_same_seed_same_tables() -> None:
    """Tests that one seed gives equal pay tables and another seed different ones."""
    inst = synth.generate(staff=200, seed=4)
    assert pay_tables(inst, 1) == pay_tables(inst, 1)
    assert pay_tables(inst, 1) != pay_tables(inst, 2)


@pytest.mark.parametrize("seed", [1, 2])
def test_every_model_plans_a_generated_county(models, seed: int) -> None:
    """Tests that every model gives a checked plan for a generated county's current roster."""
    inst = with_pay_tables(synth.generate(staff=400, seed=seed), seed)
    roster = Roster.current(inst)
    for policy in models.values():
        plan_ok(inst, policy, roster, solve(inst, roster, policy))
