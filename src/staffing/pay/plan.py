"""The pay plan: one line per paid person, fund use, the class schedule, status and manifest.

Amounts are `Yuan` (exact to the fen). ``PayLine`` is also the row model of
``pay.csv``, so a plan written by ``staffing pay`` reads back with located
errors (`staffing.pay.io.read_pay_plan`).
"""

from __future__ import annotations

from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from staffing.domain.instance import Identifier, Row, TierField, column
from staffing.pay.codes import FundField, Line, SeparateKind, SeparateKindField
from staffing.pay.money import Money, Rate, SignedMoney, Yuan

if TYPE_CHECKING:
    import pandas as pd


class PayLine(Row):
    """One person's pay for the year, line by line (yuan)."""

    person: Identifier = column("工号", "person id")
    name: str = column("姓名", "name", "")
    post: Identifier | None = column("岗位编号", "post held (blank: none)", None)
    institution: Identifier | None = column("机构", "institution of the post", None)
    tier: TierField | None = column("层级", "tier of the institution", None)
    pay_class: str = column("薪酬类别", "pay class: post class/tier/hardship (blank: outside "
                            "the pool)", "")
    kind: SeparateKindField = column("单列类别", "none (pool), annual_salary or talent",
                                     SeparateKind.NONE)
    points: float = column("绩效积分", "performance points", 0.0)
    weighted_points: float = column("加权积分", "points x post x tier x hardship coefficients", 0.0)
    point_value: Rate = column("点值(元/分)", "reward point value of the class, yuan (exact)",
                               Decimal(0))
    surplus_point_value: Rate = column("结余点值(元/分)", "surplus-award point value (exact)",
                                       Decimal(0))
    base_post: Money = column("岗位工资", "post wage", Yuan("0.00"))
    base_seniority: Money = column("薪级工资", "seniority wage", Yuan("0.00"))
    basic: Money = column("基础性绩效", "basic performance pay", Yuan("0.00"))
    reward: SignedMoney = column("奖励性绩效", "reward performance pay", Yuan("0.00"))
    surplus: Money = column("医保结余奖励", "insurance-surplus award", Yuan("0.00"))
    allowance: Money = column("下沉补助", "grassroots allowance for rotated staff", Yuan("0.00"))
    top_up: Money = column("下沉保底补差", "top-up to the home post's pay (rotated staff)",
                           Yuan("0.00"))
    family_doctor: Money = column("家庭医生签约补助", "family-doctor subsidy", Yuan("0.00"))
    graduate: Money = column("毕业生生活补助", "graduate living subsidy instalment", Yuan("0.00"))
    separate: Money = column("年薪/单列薪酬", "annual salary or separately set pay", Yuan("0.00"))
    total: SignedMoney = column("合计", "sum of the lines", Yuan("0.00"))
    formula: Money = column("公式绩效", "performance pay under the plain points formula",
                            Yuan("0.00"))

    def fen(self, line: Line) -> int:
        return Yuan(getattr(self, line.value)).fen


class FundUse(BaseModel):
    """What one fund had, paid and kept."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fund: FundField = column("资金", "fund")
    budget: Money = column("预算(元)", "size of the fund")
    paid: Money = column("已分配(元)", "paid out by the plan")
    left_over: Money = column("结余(元)", "left over: budget - paid")


class ClassSchedule(BaseModel):
    """One pay class's schedule: basic amount per head and point values (yuan)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pay_class: str = column("薪酬类别", "post class/tier/hardship")
    post_class: str = column("岗位类别", "post grade (and discipline)")
    tier: str = column("层级", "tier")
    hardship: int = column("艰苦边远类别", "hardship class")
    people: int = column("人数", "people in the class")
    coefficient: float = column("系数", "post x tier x hardship coefficient")
    weighted_points: float = column("加权积分合计", "sum of weighted points")
    basic: Money = column("基础性绩效(元/人)", "basic performance per head")
    point_value: Rate = column("点值(元/分)", "reward point value")
    surplus_point_value: Rate = column("结余点值(元/分)", "surplus-award point value")
    formula_basic: float = column("公式基础性绩效", "plain formula: basic per head")
    formula_point_value: Rate = column("公式点值", "plain formula: point value (rounded down)")
    formula_surplus_point_value: Rate = column("公式结余点值",
                                               "plain formula: surplus value (rounded down)")


class PayNote(BaseModel):
    """Something a reader of the plan should know that breaks no rule (a fund left idle)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str
    fund: FundField | None = None
    amount: Money = Yuan("0.00")
    message: str
    message_zh: str


class PayPlan(BaseModel):
    """A complete pay plan.

    ``lines`` holds one row per paid person (placed people, and annual-salary
    heads); ``unpaid`` lists the people without a post. ``funds`` gives each
    fund's budget, paid and left-over amounts: paid + left over == budget.
    """

    model_config = ConfigDict(frozen=True)

    lines: list[PayLine]
    funds: list[FundUse] = Field(default_factory=list)
    schedule: list[ClassSchedule] = Field(default_factory=list)
    unpaid: list[str] = Field(default_factory=list)
    notes: list[PayNote] = Field(default_factory=list)
    status: str = "given"
    objective: dict[str, Any] = Field(default_factory=dict)
    figures: dict[str, Any] = Field(default_factory=dict)
    budget_override: dict[str, str] = Field(default_factory=dict)
    manifest: dict[str, Any] = Field(default_factory=dict)

    @cached_property
    def by_person(self) -> dict[str, PayLine]:
        return {line.person: line for line in self.lines}

    def fund(self, fund: str) -> FundUse | None:
        return next((f for f in self.funds if f.fund.value == fund), None)

    def total_fen(self, line: Line | None = None) -> int:
        """Sum of one line (or of every line's total) in fen."""
        if line is None:
            return sum(Yuan(pl.total).fen for pl in self.lines)
        return sum(pl.fen(line) for pl in self.lines)

    def to_frame(self) -> pd.DataFrame:
        """One row per person; amounts as exact `Yuan` (Decimal) objects."""
        import pandas as pd  # lazy: pandas (0.5 s to import) only where a frame is asked for

        columns = list(PayLine.model_fields)
        frame = pd.DataFrame([[getattr(pl, c) for c in columns] for pl in self.lines],
                             columns=columns)
        for col in ("tier", "kind"):
            frame[col] = [getattr(v, "value", v) for v in frame[col]]
        return frame

    def summary(self) -> str:
        paid = sum(Yuan(f.paid).fen for f in self.funds)
        left = sum(Yuan(f.left_over).fen for f in self.funds)
        text = (f"pay plan ({self.status}): {len(self.lines)} people, "
                f"{Yuan.of_fen(paid):,} yuan from {len(self.funds)} funds, "
                f"{Yuan.of_fen(left):,} left over")
        return "\n".join([text, *(note.message for note in self.notes)])
