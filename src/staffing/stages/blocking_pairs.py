"""blocking_pairs: pairs that block the two-way selection (the soft stability rule's count).

A person and a post that prefer each other to what they got; with the
stability rule hard the stage is zero by construction.
"""

from __future__ import annotations

from staffing.domain.objective import Stage
from staffing.stages.base import CountedStage


class BlockingPairs(CountedStage):
    name = Stage.BLOCKING_PAIRS
    label_zh = "不稳定配对数（彼此更愿意选择对方的人员与岗位）"
    label_en = ("the number of blocking pairs (a person and a post that prefer each other to "
                "what they got)")
    short_zh = "不稳定配对"
    short_en = "blocking pairs"
    heading_zh = "阻塞对数"
    heading_en = "blocking pairs"
