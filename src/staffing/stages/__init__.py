"""The stage catalogue: one module per objective stage, each with its objective, value and words.

Adding a stage: its name in `staffing.domain.objective.Stage`, its module here
(an `ObjectiveStage` subclass), one line in ``STAGES``, its test module
``tests/stages/test_<name>.py`` and its row in the README's stage table (a
test keeps them in step). A policy orders the stages it solves (``objective``).

| stage | minimises |
|---|---|
| continuity | moves of people who did not apply (forced by hard rules) |
| soft_floors | shortfall summed over the soft rules |
| blocking_pairs | pairs that block the two-way selection |
| rank_profile | minus the people at each choice rank, most first choices first |
| unplaced | incumbents left without a post |
| unplaced_all | everyone left without a post, new recruits included (not in the default order) |
| panel_quality | sum of panel ranks of people placed at a choice |
| moves | incumbents not at their current post |
"""

from __future__ import annotations

from staffing.domain.objective import Stage
from staffing.stages.base import Minimise, ObjectiveStage, StageModel
from staffing.stages.blocking_pairs import BlockingPairs
from staffing.stages.continuity import ContinuityStage
from staffing.stages.moves import Moves
from staffing.stages.panel_quality import PanelQuality
from staffing.stages.rank_profile import RankProfile
from staffing.stages.soft_floors import SoftFloors
from staffing.stages.unplaced import Unplaced
from staffing.stages.unplaced_all import UnplacedAll

STAGES: dict[Stage, ObjectiveStage] = {
    stage.name: stage
    for stage in (
        ContinuityStage(),
        SoftFloors(),
        BlockingPairs(),
        RankProfile(),
        Unplaced(),
        UnplacedAll(),
        PanelQuality(),
        Moves(),
    )
}



def stage_named(name: str) -> ObjectiveStage | None:
    """The catalogue's stage of that name (None for a name it does not know)."""
    return next((entry for stage, entry in STAGES.items() if stage.value == name), None)


__all__ = ["STAGES", "Minimise", "ObjectiveStage", "StageModel", "stage_named"]
