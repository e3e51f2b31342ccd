"""rotation_no_loss: a person rotated to grassroots is never paid less than at the home post.

The home-post pay is ``pay_staff.home_pay`` when given; otherwise what the
person would earn at the home post under the plain points formula: the home
grade's post wage, their seniority wage, the formula's basic performance for
the home grade and their points at the home post's coefficients x the
formula's point value. The formula is valued at the instance's own fund
sizes, so that a what-if budget does not move the guarantee. The rotated
person's comparable pay (allowance included) must reach it; what the class
schedule leaves short is paid as a personal top-up line (下沉保底补差) from
``fund``, so that guaranteeing one person does not lift a whole pay class.
Nobody else gets a top-up.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from staffing.domain.enums import Tier
from staffing.pay.codes import Fund, Line
from staffing.pay.money import Yuan, fen_display
from staffing.pay.rules.base import PAY_MARGIN, PayParams, PayRule
from staffing.pay.rules.base_pay import post_wage

if TYPE_CHECKING:
    from staffing.domain.violation import Violation
    from staffing.pay.data import PayData
    from staffing.pay.model import PayModel
    from staffing.pay.view import PayView


class RotationNoLossParams(PayParams):
    fund: Fund = Fund.PERFORMANCE


def home_references(data: PayData) -> np.ndarray:
    """Home-post pay in fen of each rotated person of the pool (0 for everyone else)."""
    if "home_reference" in data.cache:
        return data.cache["home_reference"]
    plain = data.reference_plain
    assert plain is not None
    grades = {r.grade.level: r for r in data.instance.extras.get("pay_grades", [])}
    seniority = data.fixed_line(Line.BASE_SENIORITY)
    out = np.zeros(data.n, dtype=np.int64)
    posts, insts = data.instance.post_by_id, data.instance.institution_by_id
    for i in np.flatnonzero(data.rotated & data.pool):
        row = data.person_rows.get(data.people[i])
        if row is not None and row.home_pay is not None:
            out[i] = Yuan(row.home_pay).fen
            continue
        home_id = data.home_post[i]
        assert home_id is not None  # a rotated person has a home post
        home = posts[home_id]
        level = home.grade.level
        coef = data.class_coefficient(grades[level].coefficient, Tier.COUNTY,
                                      insts[home.institution].hardship)
        yuan = (plain.basic_per_coefficient * grades[level].coefficient
                + plain.point_value * coef * float(data.points[i]))
        out[i] = post_wage(data, level) + int(seniority[i]) + math.floor(yuan * 100 + 0.5)
    data.cache["home_reference"] = out
    return out


class RotationNoLoss(PayRule[RotationNoLossParams]):
    name = "rotation_no_loss"
    label_zh = "下沉不降薪"
    label_en = "no pay loss on rotation"
    description = "a person rotated to grassroots earns at least the pay of the home post"
    Params = RotationNoLossParams

    def variable_lines(self) -> dict[Line, Fund]:
        return {Line.TOP_UP: self.params.fund}

    def emit(self, model: PayModel) -> None:
        data = model.data
        ref = home_references(data)
        for i in np.flatnonzero(data.rotated & data.pool):
            model.add(self, data.people[i], model.person_pay(int(i)), ">=",
                      ref[i] / 100 + PAY_MARGIN, people=(data.people[i],),
                      detail=f"{data.people[i]} (rotated from {data.home_post[i]}) paid at "
                      f"least the home-post pay {fen_display(int(ref[i]))}")

    def check(self, view: PayView) -> list[Violation]:
        data = view.data
        ref = home_references(data)
        pay = view.comparable()
        top = view.amount(Line.TOP_UP)
        rotated = data.rotated & data.pool
        out = []
        for i in np.flatnonzero(rotated & (pay < ref)):
            out.append(self.violation(
                f"{data.people[i]}, rotated from {data.home_post[i]} to {data.post[i]}, is paid "
                f"{fen_display(int(pay[i]))}, less than the home-post pay "
                f"{fen_display(int(ref[i]))}", amount=int(ref[i] - pay[i]),
                people=(data.people[i],), posts=(str(data.post[i]),)))
        for i in np.flatnonzero(~rotated & (top != 0)):
            out.append(self.violation(
                f"{data.people[i]} is not rotated to grassroots but gets a top-up of "
                f"{fen_display(int(top[i]))}", amount=int(top[i]), people=(data.people[i],)))
        return out

    def figures(self, view: PayView) -> dict[str, Any]:
        data = view.data
        top = view.amount(Line.TOP_UP)
        return {"rotated_people": int((data.rotated & data.pool).sum()),
                "top_ups": fen_display(int(top.sum()))}
