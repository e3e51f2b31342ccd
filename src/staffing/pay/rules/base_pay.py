"""base_pay: the post wage of the post's grade plus the seniority wage of the person's years.

Both come from the instance's pay tables (``pay_grades``, ``pay_seniority``)
and are paid from the salary budget, outside the performance-pay total. Years
of service are ``pay_staff.seniority_years`` or the round's year minus the hire
year; the band is the one with the largest ``min_years`` not above them.
Annual-salary heads get no base pay (the annual salary is their whole pay).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from staffing.domain.enums import Title
from staffing.pay.codes import Fund, Line
from staffing.pay.explained import amount_term, explained, person_name
from staffing.pay.rules.base import PayParams, PayRule
from staffing.pay.tables import GRADES_TABLE, SENIORITY_TABLE, rows

if TYPE_CHECKING:
    from staffing.domain.violation import Violation
    from staffing.pay.data import PayData
    from staffing.pay.explained import ExplainedLine
    from staffing.pay.view import PayView


class BasePayParams(PayParams):
    pass


def seniority_years(data: PayData) -> np.ndarray:
    """Years of service of each paid person."""
    staff = data.instance.person_by_id
    years = np.zeros(data.n, dtype=np.int64)
    for i, pid in enumerate(data.people):
        row = data.person_rows.get(pid)
        hire_year = staff[pid].hire_year
        if row is not None and row.seniority_years is not None:
            years[i] = row.seniority_years
        elif hire_year is not None:
            years[i] = max(0, data.year - hire_year)
    return years


def seniority_wage(data: PayData, years: np.ndarray) -> np.ndarray:
    """Annual seniority wage in fen for ``years`` of service."""
    bands = sorted(rows(data.instance, SENIORITY_TABLE.name), key=lambda r: r.min_years)
    if not bands:
        return np.zeros(len(years), dtype=np.int64)
    starts = np.array([b.min_years for b in bands], dtype=np.int64)
    amounts = np.array([0] + [b.amount.fen for b in bands], dtype=np.int64)
    return amounts[np.searchsorted(starts, years, side="right")]


def post_wage(data: PayData, grade_level: int) -> int:
    """Annual post wage in fen of a grade."""
    table = data.cache.get("post_wage")
    if table is None:
        table = data.cache["post_wage"] = {
            r.grade.level: r.base.fen for r in rows(data.instance, GRADES_TABLE.name)}
    return int(table.get(grade_level, 0))


class BasePay(PayRule[BasePayParams]):
    name = "base_pay"
    label_zh = "基本工资"
    label_en = "base pay"
    description = "post wage by grade plus seniority wage by years of service (pay tables)"
    Params = BasePayParams
    kind = "line"
    always_on = True

    def entitlements(self, data: PayData) -> list[tuple[Line, Fund | None, np.ndarray]]:
        paid = data.base_paid()
        post = np.array([post_wage(data, int(g)) if ok else 0
                         for g, ok in zip(data.grade, paid)], dtype=np.int64).reshape(data.n)
        seniority = np.where(paid, seniority_wage(data, seniority_years(data)), 0)
        return [(Line.BASE_POST, None, post), (Line.BASE_SENIORITY, None, seniority)]

    def check(self, view: PayView) -> list[Violation]:
        return view.fixed_mismatches(self, (Line.BASE_POST, Line.BASE_SENIORITY))

    def explain(self, view: PayView) -> list[ExplainedLine]:
        data = view.data
        titles = list(Title)
        years = seniority_years(data)
        post, seniority = view.amount(Line.BASE_POST), view.amount(Line.BASE_SENIORITY)
        out = []
        for i in np.flatnonzero(data.base_paid()):
            who = person_name(data, int(i))
            grade = titles[int(data.grade[i])]
            out.append(explained(*who, Line.BASE_POST, "given", [amount_term(
                "post_wage", f"岗位工资（{grade.zh}岗位）", f"post wage ({grade.value} grade)",
                int(post[i]))], amount_fen=int(post[i]), rule=self.name))
            out.append(explained(*who, Line.BASE_SENIORITY, "given", [amount_term(
                "seniority_wage", f"薪级工资（工龄 {int(years[i])} 年）",
                f"seniority wage ({int(years[i])} years of service)", int(seniority[i]))],
                amount_fen=int(seniority[i]), rule=self.name))
        return out
