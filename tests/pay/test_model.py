"""Tests that the LP's size does not grow with people and that its values are made exact."""

from __future__ import annotations

import numpy as np

from staffing.pay.codes import Line
from staffing.pay.data import PayData
from staffing.pay.engine import exact_schedule, plan_lines
from staffing.pay.model import PayModel
from tests.pay.builders import build, pay_policy, person


def model_of(n: int) -> PayModel:
    people = [person(f"{post}{i}", post, 10 + (i * 37) % 90) for i in range(n)
              for post in ("T-J", "H-J", "V-N")]
    inst, roster = build(people, {"performance": "1234567.89"})
    return PayModel(PayData.build(inst, roster, pay_policy(rules={"tier_ratio": {"target": 1}})))


def test_size_does_not_grow_with_people() -> None:
    """Tests that the LP has the same size for 15 and for 600 people."""
    assert model_of(5).size == model_of(200).size


def test_polished_values_spend_the_budget_exactly() -> None:
    """Tests that the polished values spend the budget within 0.01 fen, the exact plan within a fen
    a line and never more."""
    model = model_of(40)
    assert model.solve() == "optimal"
    assert model.residual < 1e-12
    basic, point, _ = model.schedule()
    data = model.data
    real = sum(c.n * basic[c.index] + c.weight * point[c.index] for c in data.classes) * 100
    assert abs(real - 123456789) < 0.01  # fen; CBC alone reports 8 significant digits
    lines = plan_lines(data, exact_schedule(data, *model.schedule()))
    paid = int(lines[Line.BASIC].sum() + lines[Line.REWARD].sum())
    assert 123456789 - 2 * data.n < paid <= 123456789  # each line down by less than a fen


def test_hull_rows_only() -> None:
    """Tests that the income-gap rule adds fewer than ten rows for a class of 300 people."""
    people = [person(f"P{i}", "T-J", float(i)) for i in range(300)]
    inst, roster = build(people)
    data = PayData.build(inst, roster, pay_policy(rules={"income_gap": {"max_to_min": 3}}))
    model = PayModel(data)
    gap_rows = [r for r in model.rows if r.rule == "income_gap"]
    assert len(gap_rows) < 10  # the extreme members of the class, not all 300
    assert np.isclose(data.weight.sum(), sum(range(300)))
