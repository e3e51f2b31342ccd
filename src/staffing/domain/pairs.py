"""Candidate (person, post) pairs as parallel arrays: the only places a person may end up.

Built by `staffing.allocation.pairs.build_pairs`; read by the rules and the
objective stages when they emit into the allocation model.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np


class PairKind(IntEnum):
    """Why a pair exists: a choice, the current post, or a post a rule may direct to."""

    CHOICE = 0
    STAY = 1
    DIRECTED = 2


@dataclass(frozen=True)
class Pairs:
    """Parallel arrays, one entry per candidate pair, sorted by (post, panel rank, person)."""

    person: np.ndarray
    post: np.ndarray
    kind: np.ndarray
    choice_rank: np.ndarray  # 1 = first choice; 0 for other kinds
    panel: np.ndarray        # effective panel rank at the post (TENURE, 1.., UNRANKED)

    def __len__(self) -> int:
        return len(self.person)

    def without(self, drop: np.ndarray) -> Pairs:
        keep = ~drop
        return Pairs(*(arr[keep] for arr in (self.person, self.post, self.kind,
                                              self.choice_rank, self.panel)))
