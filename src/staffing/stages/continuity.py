"""continuity: moves of people who did not apply (forced by hard rules).

The continuity rule keeps people who did not apply at their posts unless a
hard rule needs them elsewhere; each such move it allows counts here. Such moves
are rare, so the stage is nearly always at its floor (every one of them who can
stay, stays): the engine asks for a roster there first (``floor_first``).
"""

from __future__ import annotations

from staffing.domain.objective import Stage
from staffing.stages.base import CountedStage


class ContinuityStage(CountedStage):
    name = Stage.CONTINUITY
    label_zh = "未报名却被调动的人数"
    label_en = "the number of people moved although they did not apply"
    short_zh = "未报名人员原岗留任"
    short_en = "people who did not apply stay"
    heading_zh = "未申请人员调动数"
    heading_en = "moves of people who did not apply"
    floor_first = True
