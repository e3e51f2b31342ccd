"""income_gap: the highest pay of the pool at most a multiple of the lowest (or of the mean).

[Chongqing]: balance the tiers' pay levels and keep income gaps within
reason. Over comparable pay of everyone in the pool: ``max <= max_to_min x
min`` and/or ``max <= max_to_mean x mean``. The multiples in the policy models
are local assumptions, not figures from the sources.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import Field, model_validator

from staffing.errors import Invalid
from staffing.pay.hull import max_candidates, min_candidates
from staffing.pay.money import fen_display
from staffing.pay.rules.base import PAY_MARGIN, PayParams, PayRule, Reach

if TYPE_CHECKING:
    from staffing.domain.violation import Violation
    from staffing.pay.model import PayModel
    from staffing.pay.view import PayView


class IncomeGapParams(PayParams):
    max_to_min: float | None = Field(None, ge=1)
    max_to_mean: float | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _one_bound(self) -> IncomeGapParams:
        if self.max_to_min is None and self.max_to_mean is None:
            raise Invalid("give max_to_min, max_to_mean or both",
                          "请给出 max_to_min、max_to_mean 或两者")
        return self


class IncomeGap(PayRule[IncomeGapParams]):
    name = "income_gap"
    label_zh = "收入差距调控"
    label_en = "income-gap cap"
    description = "highest pay at most a multiple of the lowest (or of the mean) in the pool"
    Params = IncomeGapParams

    def reachable(self) -> Reach | None:
        if self.params.max_to_min is not None:
            return Reach("max_to_min", "min", 1e6, "highest / lowest pay cap", 0.1, "max_to_min")
        return Reach("max_to_mean", "min", 1e6, "highest / mean pay cap", 0.1, "max_to_mean")

    def emit(self, model: PayModel) -> None:
        data = model.data
        pool = np.flatnonzero(data.pool)
        if len(pool) < 2:
            return
        fixed = data.comparable_fixed() / 100
        tops: list[int] = []
        bottoms: list[int] = []
        topped = set(model.top)  # people with a personal top-up: each one is a candidate
        for c in data.classes:
            m = np.array([i for i in c.members if int(i) not in topped], dtype=np.int64)
            x, y = data.weight[m], fixed[m]
            tops.extend(int(m[j]) for j in max_candidates(x, y, model.monotone))
            bottoms.extend(int(m[j]) for j in min_candidates(x, y, model.monotone))
        tops.extend(sorted(topped))
        bottoms.extend(sorted(topped))
        cap_min = self.params.max_to_min
        cap_mean = self.params.max_to_mean
        # a top-up counts in the highest pay, never in the lowest or the mean: the gap is
        # kept by the class schedules, not by one rotated person's top-up
        if cap_mean is not None:
            mean = model.scaled(model.sum_pay(pool, top_ups=False), -cap_mean / len(pool))
            for i in tops:
                model.add(self, f"mean:{data.people[i]}", model.combine(model.person_pay(i), mean),
                          "<=", -PAY_MARGIN * (1 + cap_mean), people=(data.people[i],),
                          detail=f"{data.people[i]}'s pay at most {cap_mean:g} x the mean")
        if cap_min is not None:
            high = model.variable("highest")
            low = model.variable("lowest")
            for i in tops:
                model.add(self, f"top:{data.people[i]}",
                          model.combine(model.person_pay(i), (0.0, {high: -1.0})), "<=",
                          -PAY_MARGIN, people=(data.people[i],),
                          detail=f"{data.people[i]} among the highest paid")
            for i in bottoms:
                model.add(self, f"bottom:{data.people[i]}",
                          model.combine(model.person_pay(i, top_ups=False), (0.0, {low: -1.0})),
                          ">=",
                          PAY_MARGIN, people=(data.people[i],),
                          detail=f"{data.people[i]} among the lowest paid")
            model.add(self, "max_to_min", (0.0, {high: 1.0, low: -cap_min}), "<=", 0.0,
                      detail=f"highest pay at most {cap_min:g} x the lowest")

    def check(self, view: PayView) -> list[Violation]:
        data = view.data
        pay = view.comparable()[data.pool]
        if len(pay) < 2:
            return []
        people = [p for p, ok in zip(data.people, data.pool) if ok]
        hi, lo = int(np.argmax(pay)), int(np.argmin(pay))
        out = []
        cap_min = self.params.max_to_min
        cap_mean = self.params.max_to_mean
        if cap_min is not None and pay[hi] > Fraction(str(cap_min)) * int(pay[lo]):
            out.append(self.violation(
                f"highest pay {fen_display(int(pay[hi]))} ({people[hi]}) is "
                f"{pay[hi] / max(1, pay[lo]):.3f} x the lowest {fen_display(int(pay[lo]))} "
                f"({people[lo]}), above the {cap_min:g} cap", people=(people[hi], people[lo])))
        total = int(pay.sum())
        if cap_mean is not None and int(pay[hi]) * len(pay) > Fraction(str(cap_mean)) * total:
            out.append(self.violation(
                f"highest pay {fen_display(int(pay[hi]))} ({people[hi]}) is "
                f"{pay[hi] * len(pay) / max(1, total):.3f} x the mean, above the {cap_mean:g} cap",
                people=(people[hi],)))
        return out

    @classmethod
    def figures_when_off(cls, view: PayView) -> dict[str, Any]:
        return gap_figures(view)

    def figures(self, view: PayView) -> dict[str, Any]:
        return gap_figures(view)


def gap_figures(view: PayView) -> dict[str, Any]:
    """Highest / lowest and highest / mean comparable pay of the pool."""
    pay = view.comparable()[view.data.pool]
    if len(pay) == 0:
        return {}
    hi, lo, mean = int(pay.max()), int(pay.min()), float(pay.mean())
    return {"max_to_min": round(hi / lo, 4) if lo > 0 else None,
            "max_to_mean": round(hi / mean, 4) if mean > 0 else None}
