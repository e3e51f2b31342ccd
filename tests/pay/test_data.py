"""Tests that the pay facts group people into pay classes and set the plain formula."""

from __future__ import annotations

import numpy as np

from staffing.pay.data import PayData
from tests.pay.builders import build, pay_policy, person


def test_classes_and_weights() -> None:
    """Tests that pay classes are grade x tier x hardship and weights multiply the coefficients.

    With ``post_class: grade_discipline`` the GP post gets a class of its own.
    """
    people = [person("A", "T-J", 10), person("B", "T-GP", 20), person("C", "V-N", 30),
              person("D", "H-I", 40)]
    inst, roster = build(people)
    policy = pay_policy(lines={"performance": {"tier_coefficients": {"village": 1.5},
                                               "hardship_coefficients": [1, 1.1, 1.2, 1.3]}})
    data = PayData.build(inst, roster, policy)
    labels = sorted(c.label for c in data.classes)
    assert labels == ["intermediate/county/h0", "junior/township/h1", "none/village/h2"]
    assert np.allclose(data.weight, [10 * 1.1, 20 * 1.1, 30 * 1.5 * 1.2, 40 * 1.3])
    by_discipline = pay_policy(post_class="grade_discipline")
    split = PayData.build(inst, roster, by_discipline)
    assert len(split.classes) == 4


def test_plain_formula_spends_the_net_pool() -> None:
    """Tests that the plain formula spends the pool net of the rotated person's allowance.

    Only the county person placed at a village counts as rotated.
    """
    people = [person("A", "T-J", 10), person("B", "H-I", 40, home=None),
              person("R", "V-J", 30, home="H-J")]
    inst, roster = build(people, {"performance": 200000})
    policy = pay_policy(lines={"rotation_allowance": {"annual": {"village": 5000}}})
    data = PayData.build(inst, roster, policy)
    assert data.rotated.tolist() == [False, False, True]
    assert data.plain.net_pool == 195000
    assert np.isclose(data.formula_performance().sum(), 195000)


def test_lead_hospital() -> None:
    """Tests that the lead mask holds the lead hospital's staff, the county mask all hospitals'."""
    inst, roster = build([person("A", "H-J", 1), person("B", "H2-J", 1), person("C", "T-J", 1)])
    data = PayData.build(inst, roster, pay_policy())
    assert data.lead_mask("lead").tolist() == [True, False, False]
    assert data.lead_mask("county").tolist() == [True, True, False]
