"""Tests that the rank_profile stage counts what it says on a roster, and that its CP-SAT objective
agrees with that count (people placed at their first choice are counted at rank 1)."""

from __future__ import annotations

from unittest import mock

import pytest

from staffing.allocation.model import AllocationModel
from staffing.allocation.pairs import build_pairs
from staffing.domain.objective import Stage
from staffing.stages import STAGES
from staffing.stages import base as stage_base
from staffing.stages.rank_profile import RankProfile
from tests.stages.cases import (
    POLICY,
    ROSTERS,
    ROUND,
    assert_checker_value,
    assert_listed,
    model_values,
)

VALUES = {  # the stage's value on each roster of the round, counted by hand
    "swap": [2, 0, 0, 0, 0],
    "stay": [0, 0, 0, 0, 0],
    "stayer_moved": [2, 0, 0, 0, 0],
    "unplaced": [1, 0, 0, 0, 0],
}


def test_the_catalogue_lists_it_under_its_name() -> None:
    """Tests that the catalogue's rank_profile entry is this module's stage, labelled in both
    languages."""
    assert_listed(Stage.RANK_PROFILE, RankProfile)


@pytest.mark.parametrize("roster, expected", VALUES.items())
def test_the_value_is_recomputed_from_the_roster(roster: str, expected: object) -> None:
    """Tests that the checker's value of the stage is the hand count on each roster (zero on
    the rosters that comply, more where the stage binds)."""
    assert_checker_value(Stage.RANK_PROFILE, roster, expected)


@pytest.mark.parametrize("roster, expected", VALUES.items())
def test_the_objective_on_the_roster_equals_the_value(roster: str, expected: object) -> None:
    """Tests that the stage's CP-SAT objective, minimised with every pair fixed to the roster,
    is the value the checker recomputes."""
    weighted = model_values(Stage.RANK_PROFILE, ROSTERS[roster])
    assert weighted == [-expected[0]]  # only rank 1 has choice pairs here: weight 1


def test_a_profile_with_more_first_choices_is_better() -> None:
    """Tests that the rank profile compares lexicographically: more people at the first rank
    where two profiles differ is better, whatever follows."""
    stage = STAGES[Stage.RANK_PROFILE]
    assert stage.worse([2, 0, 0], [1, 5, 0]) and not stage.worse([1, 5, 0], [2, 0, 0])
    assert stage.change([2, 0], [1, 3], "en") == (
        "the number of people given their choice 1 would go from 2 to 1")
    assert stage.change([2, 0], [2, 1], "zh") == "获第2志愿的人数将由0人变为1人"


def test_rank_by_rank_the_objectives_are_typed_sub_stages() -> None:
    """Tests that with weights too large for one objective each rank that someone can get is
    its own sub-stage (``sub`` = the rank) minimising minus its count."""
    with mock.patch.object(stage_base, "MAX_WEIGHT", 0):
        m = AllocationModel(ROUND, POLICY, build_pairs(ROUND, POLICY))
        objectives = STAGES[Stage.RANK_PROFILE].objectives(m)
    assert [o.sub for o in objectives] == [1]
    assert objectives[0].parts == []
