"""living_floor: the fixed part of pay (base pay + basic performance) secures a basic living.

[Nanxun]: a fixed part secures a basic living, the rest is set by post value
and performance. Every person of the pool gets post wage + seniority wage +
basic performance >= ``annual_floor`` yuan a year. The floor in the policy
models is a local assumption, not a figure from the sources.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from staffing.pay.codes import Line
from staffing.pay.money import Money, Yuan, fen_display
from staffing.pay.rules.base import PayParams, PayRule, Reach

if TYPE_CHECKING:
    from staffing.domain.violation import Violation
    from staffing.pay.model import PayModel
    from staffing.pay.view import PayView


class LivingFloorParams(PayParams):
    annual_floor: Money = Yuan("36000.00")


class LivingFloor(PayRule[LivingFloorParams]):
    name = "living_floor"
    label_zh = "固定薪酬保障基本生活"
    label_en = "basic-living floor"
    description = "base pay + basic performance at least a yearly floor for everyone in the pool"
    Params = LivingFloorParams
    reach = Reach("annual_floor", "max", 0.0, "basic-living floor (yuan a year)", 100.0,
                  "lowest_fixed_pay")

    @property
    def floor_fen(self) -> int:
        return Yuan(self.params.annual_floor).fen

    def emit(self, model: PayModel) -> None:
        data = model.data
        base = data.fixed_line(Line.BASE_POST) + data.fixed_line(Line.BASE_SENIORITY)
        for c in data.classes:
            lowest = int(base[c.members].min())
            # a whole-fen bound needs no rounding margin: a basic line rounded down from
            # an amount >= N fen is still >= N fen
            need = (self.floor_fen - lowest) / 100
            if need <= 0:
                continue
            who = data.people[int(c.members[np.argmin(base[c.members])])]
            model.add(self, c.label, (0.0, {model.a[c.index]: 1.0}), ">=", need,
                      people=(who,),
                      detail=f"class {c.label}: basic performance at least "
                      f"{fen_display(self.floor_fen - lowest)} so that {who} (base pay "
                      f"{fen_display(lowest)}) reaches the {fen_display(self.floor_fen)} floor")

    def check(self, view: PayView) -> list[Violation]:
        data = view.data
        fixed = _fixed_pay(view)
        out = []
        for i in np.flatnonzero(data.pool & (fixed < self.floor_fen)):
            out.append(self.violation(
                f"{data.people[i]}: fixed pay {fen_display(int(fixed[i]))} (base + basic "
                f"performance) is below the {fen_display(self.floor_fen)} floor",
                amount=int(self.floor_fen - fixed[i]), people=(data.people[i],)))
        return out

    def figures(self, view: PayView) -> dict[str, Any]:
        data = view.data
        if not data.pool.any():
            return {}
        return {"lowest_fixed_pay": fen_display(int(_fixed_pay(view)[data.pool].min()))}


def _fixed_pay(view: PayView) -> np.ndarray:
    """Base pay plus basic performance pay of each person, in fen."""
    return view.amount(Line.BASE_POST) + view.amount(Line.BASE_SENIORITY) + \
        view.amount(Line.BASIC)
