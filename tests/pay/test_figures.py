"""Tests that the Gini coefficient is right and the totals per institution and tier add up."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from staffing.pay.data import PayData
from staffing.pay.figures import gini, totals
from staffing.pay.view import PayView
from tests.pay.builders import build, pay_policy, person, solve


def test_gini() -> None:
    """Tests that equal amounts give 0, all to one of four gives 0.75 and no amounts give None."""
    assert gini(np.array([5, 5, 5, 5])) == 0
    assert np.isclose(gini(np.array([0, 0, 0, 10])), 0.75)
    assert gini(np.array([])) is None


def test_totals_add_up_to_the_plan() -> None:
    """Tests that totals by institution and by tier add up to the plan, tiers county first."""
    people = [person("A", "H-J", 10), person("B", "T-J", 20), person("C", "V-N", 30)]
    inst, roster = build(people)
    policy = pay_policy()
    plan = solve(inst, roster, policy)
    view = PayView(PayData.build(inst, roster, policy), plan)
    for by in ("institution", "tier"):
        rows = totals(view, by)
        assert sum(Decimal(r["total"]) for r in rows) == sum(pl.total for pl in plan.lines)
    assert [r["tier"] for r in totals(view, "tier")] == ["county", "township", "village"]
