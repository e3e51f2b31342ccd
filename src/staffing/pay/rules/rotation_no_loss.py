"""rotation_no_loss: a person rotated to grassroots is never paid less than at the home post.

Two amounts define the rule, both in fen and both defined here only:

- **home-post pay** (`home_post_pay`): ``pay_staff.home_pay`` when given;
  otherwise what the person would earn at the home post under the plain
  points formula, valued at the instance's own fund sizes (so a what-if
  budget does not move the guarantee): the home grade's post wage + their
  seniority wage + the formula's basic performance for the home grade + their
  points x the home post's coefficients (post x county tier x the home
  institution's hardship) x the formula's point value, each part rounded down
  to the fen as every line is (`staffing.pay.rounding`);
- **pay before the top-up** (`pay_before_top_up`): the person's comparable pay
  (`staffing.pay.codes.COMPARABLE`: base, performance, surplus award,
  allowance, family-doctor subsidy) without the top-up line.

The top-up (下沉保底补差, from ``fund``) is exactly what lifts pay before the
top-up to home-post pay, and nothing when it is already there:
``top_up = max(0, home-post pay - pay before top-up)`` (`top_up_due`). It is
computed from the finished lines, never chosen by the solver, and nobody else
gets one. In the pay model a top-up counts only where it makes a target
harder (the highest pay, the rotated person's own guarantee), never toward
one (grassroots average, lowest pay, mean pay): ratio and gap targets are met
by the class schedules, not by one person's top-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from staffing.domain.enums import Tier
from staffing.pay.codes import COMPARABLE, Fund, Line
from staffing.pay.data import exact_product
from staffing.pay.explained import amount_term, explained, person_name
from staffing.pay.money import Yuan, fen_display
from staffing.pay.rounding import exact, fen_of, value_down
from staffing.pay.rules.base import PAY_MARGIN, PayParams, PayRule
from staffing.pay.rules.base_pay import post_wage

if TYPE_CHECKING:
    from staffing.domain.violation import Violation
    from staffing.pay.data import PayData
    from staffing.pay.explained import ExplainedLine
    from staffing.pay.model import PayModel
    from staffing.pay.view import PayView

HOME_PARTS = ("post_wage", "seniority", "basic", "reward")


class RotationNoLossParams(PayParams):
    fund: Fund = Fund.PERFORMANCE


def home_post_parts(data: PayData) -> dict[str, np.ndarray]:
    """Home-post pay of each rotated person of the pool, in fen, by part.

    Keys: ``post_wage``, ``seniority``, ``basic``, ``reward`` (the formula's parts,
    0 where the pay is given), ``given`` (``pay_staff.home_pay``, 0 where not
    given) and ``total``; everyone not rotated has 0 everywhere.
    """
    if "home_post_parts" in data.cache:
        return data.cache["home_post_parts"]
    plain = data.reference_plain
    assert plain is not None
    grades = {r.grade.level: r for r in data.instance.extras.get("pay_grades", [])}
    seniority = data.fixed_line(Line.BASE_SENIORITY)
    value = exact(formula_point_value(data))
    parts = {name: np.zeros(data.n, dtype=np.int64) for name in (*HOME_PARTS, "given")}
    posts, insts = data.instance.post_by_id, data.instance.institution_by_id
    for i in np.flatnonzero(data.rotated & data.pool):
        row = data.person_rows.get(data.people[i])
        if row is not None and row.home_pay is not None:
            parts["given"][i] = Yuan(row.home_pay).fen
            continue
        home_id = data.home_post[i]
        assert home_id is not None  # a rotated person has a home post
        home = posts[home_id]
        grade = grades[home.grade.level]
        factors = data.class_factors(Tier.COUNTY, insts[home.institution].hardship)
        coefficient = exact_product(grade.coefficient, factors)
        parts["post_wage"][i] = post_wage(data, home.grade.level)
        parts["seniority"][i] = seniority[i]
        parts["basic"][i] = fen_of(exact(plain.basic_per_coefficient) * exact(grade.coefficient))
        parts["reward"][i] = fen_of(data.exact_points[i] * coefficient * value)
    parts["total"] = sum((parts[name] for name in (*HOME_PARTS, "given")),
                         np.zeros(data.n, dtype=np.int64))
    data.cache["home_post_parts"] = parts
    return parts


def formula_point_value(data: PayData) -> Any:
    """The plain formula's point value at the instance's fund sizes, to the plan's places."""
    plain = data.reference_plain
    assert plain is not None
    return value_down(plain.point_value, data.point_digits)


def home_post_words(data: PayData, parts: dict[str, np.ndarray], i: int) -> tuple[str, str]:
    """How person ``i``'s home-post pay is made, in Chinese and English."""
    home = data.home_post[i]
    if parts["given"][i]:
        given = fen_display(int(parts["given"][i]))
        return (f"原岗位（{home}）年收入按人员薪酬信息表 {given}",
                f"home-post ({home}) pay as given in pay_staff: {given}")
    post, seniority, basic, reward = (fen_display(int(parts[name][i])) for name in HOME_PARTS)
    value = formula_point_value(data)
    zh = (f"原岗位（{home}）年收入 = 岗位工资 {post} + 薪级工资 {seniority} + 公式基础性绩效 "
          f"{basic} + 公式奖励性绩效 {reward}（点值 {value}）")
    en = (f"home-post ({home}) pay = post wage {post} + seniority wage {seniority} + formula "
          f"basic performance {basic} + formula reward {reward} (point value {value})")
    return zh, en


def home_post_pay(data: PayData) -> np.ndarray:
    """Home-post pay in fen of each rotated person of the pool (0 for everyone else)."""
    return home_post_parts(data)["total"]


def pay_before_top_up(amounts: dict[Line, np.ndarray]) -> np.ndarray:
    """Comparable pay without the top-up line, in fen per person."""
    return sum((np.asarray(amounts[line], dtype=np.int64) for line in COMPARABLE
                if line is not Line.TOP_UP and line in amounts),
               np.zeros(len(next(iter(amounts.values()))), dtype=np.int64))


def top_up_due(data: PayData, amounts: dict[Line, np.ndarray]) -> np.ndarray:
    """Each person's top-up in fen: what lifts pay before the top-up to home-post pay."""
    rotated = data.rotated & data.pool
    short = home_post_pay(data) - pay_before_top_up(amounts)
    return np.where(rotated, np.maximum(short, 0), 0).astype(np.int64)


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
        ref = home_post_pay(data)
        for i in np.flatnonzero(data.rotated & data.pool):
            model.add(self, data.people[i], model.person_pay(int(i)), ">=",
                      ref[i] / 100 + PAY_MARGIN, people=(data.people[i],),
                      detail=f"{data.people[i]} (rotated from {data.home_post[i]}) paid at "
                      f"least the home-post pay {fen_display(int(ref[i]))}")

    def settle(self, data: PayData, amounts: dict[Line, np.ndarray]) -> dict[Line, np.ndarray]:
        return {Line.TOP_UP: top_up_due(data, amounts)}

    def check(self, view: PayView) -> list[Violation]:
        data = view.data
        home = home_post_pay(data)
        before = pay_before_top_up(view.amounts)
        top = view.amount(Line.TOP_UP)
        due = top_up_due(data, view.amounts)
        rotated = data.rotated & data.pool
        out = []
        for i in np.flatnonzero(rotated & (top != due)):
            who = f"{data.people[i]}, rotated from {data.home_post[i]} to {data.post[i]},"
            if top[i] < due[i]:
                message = (f"{who} is paid {fen_display(int(before[i] + top[i]))}, less than "
                           f"the home-post pay {fen_display(int(home[i]))}")
            else:
                message = (f"{who} gets a top-up of {fen_display(int(top[i]))}, above the "
                           f"{fen_display(int(due[i]))} that lifts their pay before the top-up "
                           f"{fen_display(int(before[i]))} to the home-post pay "
                           f"{fen_display(int(home[i]))}")
            out.append(self.violation(message, amount=abs(int(top[i] - due[i])),
                                      people=(data.people[i],), posts=(str(data.post[i]),),
                                      numbers={"top_up_fen": int(top[i]), "due_fen": int(due[i]),
                                               "home_post_pay_fen": int(home[i])}))
        for i in np.flatnonzero(~rotated & (top != 0)):
            out.append(self.violation(
                f"{data.people[i]} is not rotated to grassroots but gets a top-up of "
                f"{fen_display(int(top[i]))}", amount=int(top[i]), people=(data.people[i],)))
        return out

    def explain(self, view: PayView) -> list[ExplainedLine]:
        data = view.data
        parts = home_post_parts(data)
        before = pay_before_top_up(view.amounts)
        top = view.amount(Line.TOP_UP)
        out = []
        for i in np.flatnonzero(data.rotated & data.pool):
            home = int(parts["total"][i])
            zh, en = home_post_words(data, parts, int(i))
            out.append(explained(
                *person_name(data, int(i)), Line.TOP_UP, "difference",
                [amount_term("home_post_pay", "原岗位年收入", "home-post pay", home),
                 amount_term("pay_before_top_up", "现可比收入", "pay before the top-up",
                             int(before[i]))],
                amount_fen=int(top[i]), fund=self.params.fund, rule=self.name, note_zh=zh,
                note_en=en, home_post_pay_fen=home))
        return out

    def figures(self, view: PayView) -> dict[str, Any]:
        data = view.data
        top = view.amount(Line.TOP_UP)
        return {"rotated_people": int((data.rotated & data.pool).sum()),
                "topped_up_people": int(np.count_nonzero(top)),
                "top_ups": fen_display(int(top.sum()))}
