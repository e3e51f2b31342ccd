"""Tests that what every stage knows holds across the catalogue: a roster's stage value tells
the least value of the stage's objective on it, where the stage says it does."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest

import staffing
from staffing.allocation.model import AllocationModel
from staffing.allocation.pairs import build_pairs
from staffing.check import check
from staffing.domain.objective import Stage
from staffing.stages import STAGES
from staffing.stages import base as stage_base
from staffing.synth import generate
from tests.stages.cases import POLICY, ROSTERS, ROUND, model_values

ROOT = Path(__file__).resolve().parents[2]


def _subs(stage: Stage) -> list[int | None]:
    """The sub-stage of each of the stage's objectives on the round's model."""
    model = AllocationModel(ROUND, POLICY, build_pairs(ROUND, POLICY))
    return [minimise.sub for minimise in STAGES[stage].objectives(model)]


@pytest.mark.parametrize("roster", sorted(ROSTERS))
@pytest.mark.parametrize("stage", list(Stage))
@pytest.mark.parametrize("rank_by_rank", [False, True])
def test_the_value_tells_the_objective_on_the_roster(stage: Stage, roster: str,
                                                      rank_by_rank: bool) -> None:
    """Tests that `objective_of` the checker's value is, for each of the stage's objectives
    (one per rank when the rank profile is solved rank by rank), the objective minimised with
    every pair fixed to the roster; only the weighted rank profile is not told (None)."""
    with mock.patch.object(stage_base, "MAX_WEIGHT", 0 if rank_by_rank else 2**40):
        expected = model_values(stage, ROSTERS[roster])
        subs = _subs(stage)
    value = check(ROUND, POLICY, ROSTERS[roster]).stages[stage.value]
    told = [STAGES[stage].objective_of(value, sub) for sub in subs]
    if stage is Stage.RANK_PROFILE and not rank_by_rank:
        assert told == [None]
    else:
        assert told == expected


def test_a_profile_solved_rank_by_rank_is_told_at_every_rank() -> None:
    """Tests that on a generated county, solved rank by rank, each proven rank's objective is
    what `objective_of` tells from the returned roster's profile (ranks 1 to 5)."""
    instance = generate(staff=120, seed=5)
    policy = staffing.load_policy(ROOT / "models" / "nanxun-2024.yaml")
    with mock.patch.object(stage_base, "MAX_WEIGHT", 0):
        result = staffing.allocate(instance, policy, time_limit=60, deterministic=True,
                                   workers=1, seed=0)
    profile = check(instance, policy, result.roster).stages["rank_profile"]
    ranks = [s for s in result.stages if s.stage is Stage.RANK_PROFILE]
    assert [s.sub for s in ranks] == list(range(1, len(ranks) + 1)) and len(ranks) >= 3
    for s in ranks:
        assert s.status == "optimal"
        assert STAGES[Stage.RANK_PROFILE].objective_of(profile, s.sub) == s.objective
