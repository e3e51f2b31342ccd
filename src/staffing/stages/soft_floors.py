"""soft_floors: the shortfall summed over the soft rules (floors, norms, shares).

Every soft rule counts its breaches here unless it names another stage; a
reason that this stage decides quotes the new breaches.
"""

from __future__ import annotations

from staffing.domain.objective import Stage
from staffing.stages.base import CountedStage


class SoftFloors(CountedStage):
    name = Stage.SOFT_FLOORS
    label_zh = "软性规则缺口"
    label_en = "the shortfall on the soft rules"
    short_zh = "软性规则缺口"
    short_en = "soft-rule shortfall"
    heading_zh = "软性下限缺口"
    heading_en = "soft-floor shortfall"
    quotes_breaches = True
