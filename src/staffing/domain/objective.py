"""The names of the objective stages and their default order.

What each stage minimises, how its value is recomputed from a roster and how
a reason speaks of it lives in its module of the stage catalogue
(`staffing.stages`).
"""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    """Objective stages, solved lexicographically in the order a policy gives."""

    CONTINUITY = "continuity"          # moves of people who did not apply (forced by hard rules)
    SOFT_FLOORS = "soft_floors"        # shortfall summed over soft rules
    BLOCKING_PAIRS = "blocking_pairs"  # pairs that block the two-way selection
    RANK_PROFILE = "rank_profile"      # most first choices, then most second choices, ...
    UNPLACED = "unplaced"              # incumbents left without a post
    UNPLACED_ALL = "unplaced_all"      # everyone left without a post, new recruits included
    PANEL_QUALITY = "panel_quality"    # sum of panel ranks of people placed at a choice
    MOVES = "moves"                    # incumbents not at their current post


DEFAULT_OBJECTIVE = [
    Stage.CONTINUITY,
    Stage.SOFT_FLOORS,
    Stage.BLOCKING_PAIRS,
    Stage.RANK_PROFILE,
    Stage.UNPLACED,
    Stage.PANEL_QUALITY,
    Stage.MOVES,
]
