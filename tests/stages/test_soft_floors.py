"""Tests that the soft_floors stage counts what it says on a roster, and that its CP-SAT objective
agrees with that count (the floor of T2 left empty is a shortfall of one)."""

from __future__ import annotations

import pytest

from staffing.domain.objective import Stage
from staffing.stages.soft_floors import SoftFloors
from tests.stages.cases import (
    ROSTERS,
    assert_checker_value,
    assert_listed,
    assert_more_is_worse,
    model_values,
)

VALUES = {  # the stage's value on each roster of the round, counted by hand
    "swap": 0,
    "stay": 0,
    "stayer_moved": 1,
    "unplaced": 0,
}


def test_the_catalogue_lists_it_under_its_name() -> None:
    """Tests that the catalogue's soft_floors entry is this module's stage, labelled in both
    languages."""
    assert_listed(Stage.SOFT_FLOORS, SoftFloors)


@pytest.mark.parametrize("roster, expected", VALUES.items())
def test_the_value_is_recomputed_from_the_roster(roster: str, expected: object) -> None:
    """Tests that the checker's value of the stage is the hand count on each roster (zero on
    the rosters that comply, more where the stage binds)."""
    assert_checker_value(Stage.SOFT_FLOORS, roster, expected)


@pytest.mark.parametrize("roster, expected", VALUES.items())
def test_the_objective_on_the_roster_equals_the_value(roster: str, expected: object) -> None:
    """Tests that the stage's CP-SAT objective, minimised with every pair fixed to the roster,
    is the value the checker recomputes."""
    assert model_values(Stage.SOFT_FLOORS, ROSTERS[roster]) == [expected]


def test_more_is_worse_and_a_change_reads_with_its_label() -> None:
    """Tests that a larger value is worse and that a change names what the stage counts."""
    assert_more_is_worse(Stage.SOFT_FLOORS)


def test_the_range_counts_each_shortfall_variable_up_to_its_largest_value() -> None:
    """Tests that the stage's proven range reaches each shortfall variable's largest value
    (what merged stages weigh by), read from the variable's domain."""
    from types import SimpleNamespace

    from ortools.sat.python import cp_model

    from staffing.stages.base import terms_high

    model = cp_model.CpModel()
    terms = [model.new_int_var(0, 7, "shortfall"), model.new_bool_var("breach"), 2]
    assert terms_high(SimpleNamespace(model=model), terms) == 10
