"""Coded values of the pay plan (funds, lines, kinds of separately set pay), with Chinese labels."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator

from staffing.domain.enums import Coded, add_labels


class PayCoded(Coded):
    """A coded value of the pay plan, read from its code or its Chinese label."""


class Fund(PayCoded):
    """A pot of money the plan pays from; each is capped by its size in ``pay_funds``."""

    PERFORMANCE = "performance"      # 绩效工资总量: basic and reward performance pay
    SURPLUS = "surplus"              # 医保结余留用: earmarked for grassroots rewards
    FAMILY_DOCTOR = "family_doctor"  # 家庭医生签约服务补助
    GRADUATE = "graduate"            # 毕业生生活补助
    SEPARATE = "separate"            # 单列: annual salaries and separately set talent pay


class SeparateKind(PayCoded):
    """Pay set outside the performance pool for one person."""

    NONE = "none"
    ANNUAL_SALARY = "annual_salary"  # 年薪制: the whole pay is the annual salary
    TALENT = "talent"                # 高层次人才单列: base pay plus a separately set amount


class Line(PayCoded):
    """The pay lines of one person, in payslip order."""

    BASE_POST = "base_post"
    BASE_SENIORITY = "base_seniority"
    BASIC = "basic"
    REWARD = "reward"
    SURPLUS = "surplus"
    ALLOWANCE = "allowance"
    TOP_UP = "top_up"
    FAMILY_DOCTOR = "family_doctor"
    GRADUATE = "graduate"
    SEPARATE = "separate"


LINES = list(Line)

# Lines counted in comparable pay: regular annual pay. The graduate living subsidy is a
# one-off sum paid in instalments and separately set pay is outside the pool, so neither
# enters ratios, gaps or the Gini coefficient.
COMPARABLE = (
    Line.BASE_POST, Line.BASE_SENIORITY, Line.BASIC, Line.REWARD, Line.SURPLUS,
    Line.ALLOWANCE, Line.TOP_UP, Line.FAMILY_DOCTOR,
)
PERFORMANCE_LINES = (Line.BASIC, Line.REWARD, Line.SURPLUS)
VARIABLE_LINES = (Line.BASIC, Line.REWARD, Line.SURPLUS, Line.TOP_UP)  # set by the solver

_ZH = {
    "Fund": {
        "performance": "绩效工资总量",
        "surplus": "医保结余留用",
        "family_doctor": "家庭医生签约补助",
        "graduate": "毕业生生活补助",
        "separate": "单列薪酬",
    },
    "SeparateKind": {"none": "无", "annual_salary": "年薪制", "talent": "人才单列"},
    "Line": {
        "base_post": "岗位工资",
        "base_seniority": "薪级工资",
        "basic": "基础性绩效",
        "reward": "奖励性绩效",
        "surplus": "医保结余奖励",
        "allowance": "下沉补助",
        "top_up": "下沉保底补差",
        "family_doctor": "家庭医生签约补助",
        "graduate": "毕业生生活补助",
        "separate": "年薪/单列薪酬",
    },
}

for _coded in (Fund, SeparateKind, Line):
    add_labels(_coded, _ZH[_coded.__name__])

FundField = Annotated[Fund, BeforeValidator(Fund.parse)]
SeparateKindField = Annotated[SeparateKind, BeforeValidator(SeparateKind.parse)]
