"""tier_ratio: average grassroots pay at least ``target`` x lead-hospital pay, for like posts.

[Nanxun]: the grassroots to lead-hospital pay ratio rose substantially;
[Chongqing]: balance the pay levels of the tiers. Pay here is comparable pay
(base, performance, surplus award, allowance, family-doctor subsidy). Posts
are like when they share a post class. ``scope``:

- ``overall`` (default): the grassroots average against the lead average
  re-weighted to the grassroots post mix, i.e. sum over post classes of
  ``n_grassroots x avg_grassroots`` >= target x sum of ``n_grassroots x
  avg_lead``: a like-for-like ratio of the two tiers;
- ``each_class``: the ratio holds in every post class.

Post classes with fewer than ``min_people`` people on either side are left
out. ``compare_to: county`` compares with every county hospital instead of the
lead hospital. The ratio is reached by the class schedules: a rotated person's
no-loss top-up counts in the figures (it is pay) but the plan never pays one to
lift the grassroots average (`staffing.pay.rules.rotation_no_loss`).

With ``protect_lead`` the ratio must be reached by lifting grassroots pay, not
by cutting the lead hospital's: the pay classes holding lead-hospital staff
keep at least the plain formula's basic amount and point value (valued at the
instance's own fund sizes). The target then costs money, and an unreachable
one is answered with the least extra budget.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import Field

from staffing.pay.codes import Line
from staffing.pay.rounding import exact
from staffing.pay.rules.base import PAY_MARGIN, PayParams, PayRule, Reach

if TYPE_CHECKING:
    from staffing.domain.violation import Violation
    from staffing.pay.data import PayData
    from staffing.pay.model import PayModel
    from staffing.pay.view import PayView


# Relative room kept above a protected point value besides its last place, which rounding
# down may take: CBC meets a bound only to its tolerance (a generated case, the formula's point
# value 84.20611909 and the bound one place above it: the LP's values came back up to 1.3e-6
# under the bound, and rounded down to 84.206119, below the formula).
POINT_SLACK = 1e-7


class TierRatioParams(PayParams):
    target: float = Field(0.9, gt=0, le=5)
    scope: Literal["overall", "each_class"] = "overall"
    compare_to: Literal["lead", "county"] = "lead"
    min_people: int = Field(1, ge=1)
    protect_lead: bool = False


class TierRatio(PayRule[TierRatioParams]):
    name = "tier_ratio"
    label_zh = "基层与牵头医院收入比"
    label_en = "grassroots / lead pay ratio"
    description = "average grassroots pay at least a target times lead-hospital pay, like posts"
    Params = TierRatioParams

    def reachable(self) -> Reach | None:
        figure = "tier_ratio_lowest_post_class" if self.params.scope == "each_class" \
            else "tier_ratio"
        return Reach("target", "max", 1e-4, "grassroots / lead pay ratio", 0.01, figure)

    def groups(self, data: PayData) -> list[tuple[str, np.ndarray, np.ndarray]]:
        """(post class, grassroots members, lead members) of each compared post class."""
        key = ("tier_ratio", self.params)
        if key not in data.cache:
            data.cache[key] = self._groups(data)
        return data.cache[key]

    def _groups(self, data: PayData) -> list[tuple[str, np.ndarray, np.ndarray]]:
        p = self.params
        lead = data.lead_mask(p.compare_to)
        post_class = np.array([data.classes[k].post_class if k >= 0 else "" for k in data.cls],
                              dtype=object).reshape(data.n)
        out = []
        for pc in dict.fromkeys(c.post_class for c in data.classes):
            grass = np.flatnonzero(data.pool & data.grassroots & (post_class == pc))
            leads = np.flatnonzero(lead & (post_class == pc))
            if len(grass) >= p.min_people and len(leads) >= p.min_people:
                out.append((pc, grass, leads))
        return out

    def protected(self, data: PayData) -> list[int]:
        """Pay classes holding lead-hospital staff, when ``protect_lead`` is on (and there is a
        ratio to protect them from: some post class has people on both sides)."""
        if not self.params.protect_lead or not self.groups(data):
            return []
        lead = data.lead_mask(self.params.compare_to)
        return sorted({int(k) for k in data.cls[lead]})

    def emit(self, model: PayModel) -> None:
        t = self.params.target
        groups = self.groups(model.data)
        if not groups:
            return
        ref = model.data.reference_plain
        assert ref is not None
        for k in self.protected(model.data):
            c = model.data.classes[k]
            model.add(self, f"protect:basic:{c.label}", (0.0, {model.a[k]: 1.0}), ">=",
                      ref.basic_per_coefficient * c.post_coefficient, relaxable=False,
                      detail=f"class {c.label} (lead hospital): basic performance kept at the "
                      "formula's")
            if c.weight > 0:  # the plan's point value is rounded down (see POINT_SLACK)
                model.add(self, f"protect:point:{c.label}", (0.0, {model.v[k]: 1.0}), ">=",
                          ref.point_value + 10.0 ** -model.data.point_digits
                          + POINT_SLACK * max(1.0, abs(ref.point_value)),
                          unit="yuan per point", relaxable=False,
                          detail=f"class {c.label} (lead hospital): point value kept at the "
                          "formula's")
        if self.params.scope == "each_class":
            for pc, grass, leads in groups:
                part = model.combine(model.scaled(model.sum_pay(grass, top_ups=False),
                                                  1 / len(grass)),
                                     model.scaled(model.sum_pay(leads), -t / len(leads)))
                model.add(self, pc, part, ">=", PAY_MARGIN * (1 + t), unit="yuan a head",
                          detail=f"{pc} posts: average grassroots pay at least {t:g} x the "
                          "lead hospital's")
            return
        parts = []
        heads = 0
        for _, grass, leads in groups:
            parts.append(model.sum_pay(grass, top_ups=False))  # a top-up never carries it
            parts.append(model.scaled(model.sum_pay(leads), -t * len(grass) / len(leads)))
            heads += len(grass)
        model.add(self, "overall", model.scaled(model.combine(*parts), 1 / heads), ">=",
                  PAY_MARGIN * (1 + t), unit=f"yuan a head of {heads} grassroots people",
                  detail=f"average grassroots pay at least {t:g} x lead-hospital pay for like "
                  "posts")

    def ratios(self, view: PayView) -> tuple[Fraction | None, dict[str, Fraction]]:
        """The overall (standardised) ratio and each post class's ratio, exactly."""
        pay = view.comparable()
        per_class: dict[str, Fraction] = {}
        numerator = Fraction(0)
        denominator = Fraction(0)
        for pc, grass, leads in self.groups(view.data):
            g_avg = Fraction(int(pay[grass].sum()), len(grass))
            l_avg = Fraction(int(pay[leads].sum()), len(leads))
            if l_avg > 0:
                per_class[pc] = g_avg / l_avg
            numerator += len(grass) * g_avg
            denominator += len(grass) * l_avg
        overall = numerator / denominator if denominator > 0 else None
        return overall, per_class

    def check(self, view: PayView) -> list[Violation]:
        t = Fraction(str(self.params.target))
        overall, per_class = self.ratios(view)
        out = self._check_protected(view)
        if self.params.scope == "each_class":
            for pc, ratio in per_class.items():
                if ratio < t:
                    out.append(self.violation(
                        f"{pc} posts: grassroots / lead pay ratio {float(ratio):.4f} is below "
                        f"the {float(t):g} target", numbers={"ratio": float(ratio)}))
        elif overall is not None and overall < t:
            out.append(self.violation(
                f"grassroots / lead pay ratio for like posts is {float(overall):.4f}, below the "
                f"{float(t):g} target", numbers={"ratio": float(overall)}))
        return out

    def _check_protected(self, view: PayView) -> list[Violation]:
        data = view.data
        ref = data.reference_plain
        assert ref is not None
        out = []
        basic = view.amount(Line.BASIC)
        for k in self.protected(data):
            c = data.classes[k]
            floor_fen = math.floor(ref.basic_per_coefficient * c.post_coefficient * 100 + 1e-6)
            low = c.members[basic[c.members] < floor_fen]
            if len(low):
                out.append(self.violation(
                    f"class {c.label} (lead hospital): basic performance "
                    f"{basic[low[0]] / 100:.2f} is below the formula's {floor_fen / 100:.2f}",
                    people=tuple(data.people[i] for i in low[:5])))
            values = [v for v in (view.point_value[i] for i in c.members.tolist())
                      if v is not None]
            low_value = min(values, default=None)
            if c.weight > 0 and low_value is not None and exact(low_value) < exact(ref.point_value):
                out.append(self.violation(
                    f"class {c.label} (lead hospital): point value {low_value} is "
                    f"below the formula's {ref.point_value}"))
        return out

    @classmethod
    def figures_when_off(cls, view: PayView) -> dict[str, Any]:
        return cls(cls.Params()).figures(view)

    def figures(self, view: PayView) -> dict[str, Any]:
        overall, per_class = self.ratios(view)
        return {
            "tier_ratio": None if overall is None else round(float(overall), 4),
            "tier_ratio_by_post_class": {k: round(float(v), 4) for k, v in per_class.items()},
            "tier_ratio_lowest_post_class": round(float(min(per_class.values())), 4)
            if per_class else None,
        }
