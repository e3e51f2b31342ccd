"""monotone_points: within a pay class, more points never mean less performance pay.

A pay class is the people on like posts (same post class) at the same tier
and hardship class: their points carry the same coefficients. Checked on the
lines: for two members, the one with more points gets at least the basic +
reward + surplus pay of the one with fewer. Emitted as non-negative point
values (the rest follows from one schedule per class).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from staffing.pay.codes import PERFORMANCE_LINES
from staffing.pay.money import fen_display
from staffing.pay.rules.base import PayParams, PayRule

if TYPE_CHECKING:
    from staffing.domain.violation import Violation
    from staffing.pay.model import PayModel
    from staffing.pay.view import PayView


class MonotonePointsParams(PayParams):
    pass


class MonotonePoints(PayRule[MonotonePointsParams]):
    name = "monotone_points"
    label_zh = "绩效随积分单调"
    label_en = "pay monotone in points"
    description = "within a pay class, more points never mean less performance pay"
    Params = MonotonePointsParams
    default_on = True
    nonnegative_point_values = True

    def emit(self, model: PayModel) -> None:
        for c in model.data.classes:
            if c.weight > 0:
                model.add(self, c.label, (0.0, {model.v[c.index]: 1.0}), ">=", 0.0,
                          unit="yuan per point",
                          detail=f"class {c.label}: point value not negative")

    def check(self, view: PayView) -> list[Violation]:
        data = view.data
        perf = sum((view.amount(line) for line in PERFORMANCE_LINES),
                   np.zeros(data.n, dtype=np.int64))
        out = []
        for c in data.classes:
            m = c.members[np.argsort(data.points[c.members], kind="stable")]
            points = data.points[m]
            pay = perf[m]
            best_before = -1  # index into m of the best-paid member with fewer points so far
            start = 0
            while start < len(m):
                end = start
                while end < len(m) and points[end] == points[start]:
                    end += 1
                if best_before >= 0:
                    lowest = start + int(np.argmin(pay[start:end]))
                    if pay[lowest] < pay[best_before]:
                        hi, lo = m[lowest], m[best_before]
                        out.append(self.violation(
                            f"class {c.label}: {data.people[hi]} has {points[lowest]:g} points "
                            f"and {fen_display(int(pay[lowest]))} performance pay, less than "
                            f"{data.people[lo]} with {points[best_before]:g} points and "
                            f"{fen_display(int(pay[best_before]))}",
                            amount=int(pay[best_before] - pay[lowest]),
                            people=(data.people[hi], data.people[lo])))
                top = start + int(np.argmax(pay[start:end]))
                if best_before < 0 or pay[top] > pay[best_before]:
                    best_before = top
                start = end
        return out
