"""The optional instance tables the pay plan needs, registered with every bundle format.

| table | sheet | rows |
|---|---|---|
| ``pay_funds`` | 绩效资金 | one per fund: performance total, surplus, subsidies, separate |
| ``pay_grades`` | 岗位工资表 | one per post grade: annual post wage, post coefficient |
| ``pay_seniority`` | 薪级工资表 | one per band: annual seniority wage from ``min_years`` on |
| ``pay_staff`` | 人员薪酬信息 | one per person: signed residents, home post, separate pay |

Amounts are yuan a year with at most two decimals. Every bundle format lists
them (`staffing.io.tables.all_tables`), reads and writes them, and they appear
in ``instance.extras[name]``; `table_problems` checks them across rows.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, model_validator

from staffing.domain.enums import Title
from staffing.domain.instance import (
    Count,
    Identifier,
    Instance,
    Row,
    TitleField,
    cell_at,
    cell_error,
    column,
)
from staffing.errors import Invalid, Problem
from staffing.io.spec import TableSpec
from staffing.pay.codes import FundField, SeparateKind, SeparateKindField
from staffing.pay.money import Money, Yuan

MAX_FUND = Yuan("100000000000.00")     # 100 billion yuan: one fund of a community for a year
MAX_PERSON_PAY = Yuan("100000000.00")  # 100 million yuan: one person's or grade's annual amount
MAX_RESIDENTS = 1_000_000
MAX_YEARS = 80


def _at_most(limit: Yuan) -> AfterValidator:
    """Refuse an amount above a plausible ``limit`` (a typing slip such as 1e15)."""

    def check(amount: Decimal) -> Decimal:
        if amount > limit:
            raise Invalid("too large", "数值太大", expected=f"an amount <= {limit:,} yuan",
                          expected_zh=f"不超过 {limit:,} 元的金额")
        return amount

    return AfterValidator(check)


FundAmount = Annotated[Money, _at_most(MAX_FUND)]
PersonAmount = Annotated[Money, _at_most(MAX_PERSON_PAY)]


class PayFund(Row):
    """The size of one fund for the year."""

    fund: FundField = column(
        "资金", "performance, surplus, family_doctor, graduate or separate")
    amount: FundAmount = column("金额(元)",
                                "size of the fund for the year, yuan (2 decimals at most)")
    description: str = column("说明", "where the money comes from", "")


class PayGrade(Row):
    """The annual post wage and post coefficient of one post grade."""

    grade: TitleField = column("岗位等级", "post grade: none, junior, intermediate, ...")
    base: PersonAmount = column("岗位工资(元/年)", "annual post wage of the grade (base pay)")
    coefficient: float = column(
        "岗位系数", "post coefficient multiplying performance points", 1.0, gt=0, le=20)


class PaySeniority(Row):
    """One band of the seniority wage: the annual amount from ``min_years`` of service on."""

    min_years: Count = column("起始工龄(年)", "the band starts at this many years of service",
                              le=MAX_YEARS)
    amount: PersonAmount = column("薪级工资(元/年)", "annual seniority wage of the band (base pay)")


class PayPerson(Row):
    """One person's pay facts: signed residents, home post and pay, separately set pay."""

    person: Identifier = column("工号", "person id")
    signed_residents: Count = column(
        "签约居民数", "signed insured residents of the person's family-doctor team share", 0,
        le=MAX_RESIDENTS)
    home_post: Identifier | None = column(
        "派出岗位", "home post of a person rotated to grassroots (blank: the current post)", None)
    home_pay: PersonAmount | None = column(
        "原岗位年收入(元)", "pay at the home post, if known (blank: computed)", None)
    seniority_years: Count | None = column(
        "工龄(年)", "years of service (blank: year of the round minus hire year)", None,
        le=MAX_YEARS)
    separate: SeparateKindField = column(
        "单列类别", "none, annual_salary (年薪制) or talent (人才单列)", SeparateKind.NONE)
    separate_amount: PersonAmount = column(
        "单列金额(元/年)", "annual salary or separately set talent pay, yuan", Yuan("0.00"))
    graduate_start_year: int | None = column(
        "生活补助起始年度", "first year of the graduate living subsidy (blank: hire year)", None,
        ge=1990, le=2100)

    @model_validator(mode="after")
    def _separate_amount(self) -> PayPerson:
        if self.separate is SeparateKind.NONE and self.separate_amount > 0:
            raise cell_error("separate_amount",
                             "an amount is given but the separate kind is none",
                             "单列类别为“无”却填写了单列金额")
        if self.separate is not SeparateKind.NONE and self.separate_amount <= 0:
            raise cell_error("separate_amount", f"a {self.separate.value} needs its annual amount",
                             f"{self.separate.zh}必须填写年度金额")
        return self


FUNDS_TABLE = TableSpec("pay_funds", PayFund, "绩效资金",
                        "performance-pay total and earmarked funds, yuan a year", required=False)
GRADES_TABLE = TableSpec("pay_grades", PayGrade, "岗位工资表",
                         "annual post wage and post coefficient of each grade", required=False)
SENIORITY_TABLE = TableSpec("pay_seniority", PaySeniority, "薪级工资表",
                            "annual seniority wage by years of service", required=False)
PERSONS_TABLE = TableSpec("pay_staff", PayPerson, "人员薪酬信息",
                          "per-person pay facts: signed residents, home post, separate pay",
                          required=False)

PAY_TABLES = [FUNDS_TABLE, GRADES_TABLE, SENIORITY_TABLE, PERSONS_TABLE]


def default_grades() -> list[PayGrade]:
    """A plain grade table (post wages as in the national public-institution scale)."""
    table: dict[Title, tuple[str, float]] = {
        Title.NONE: ("18000.00", 1.0),
        Title.JUNIOR: ("22800.00", 1.0),
        Title.INTERMEDIATE: ("28800.00", 1.3),
        Title.ASSOCIATE_SENIOR: ("39600.00", 1.6),
        Title.SENIOR: ("49200.00", 2.0),
    }
    return [PayGrade(grade=g, base=Yuan(b), coefficient=c) for g, (b, c) in table.items()]


def table_problems(instance: Instance) -> list[Problem]:
    """Cross-row problems of the pay tables: duplicates and unknown references, located."""
    problems: list[Problem] = []
    for spec, key in ((FUNDS_TABLE, "fund"), (GRADES_TABLE, "grade"),
                      (SENIORITY_TABLE, "min_years"), (PERSONS_TABLE, "person")):
        seen: dict[Any, int] = {}
        for index, row in enumerate(rows(instance, spec.name)):
            value = getattr(row, key)
            if value in seen:
                first = instance.locate(spec.name, seen[value])[1]
                shown = getattr(value, "value", value)
                problems.append(Problem(
                    message=f"{key} '{shown}' given twice (first on row {first})",
                    kind="duplicate", value=shown, expected=f"one row per {key}",
                    message_zh=f"{key}“{shown}”重复出现（第一次在第 {first} 行）",
                    expected_zh=f"每个 {key} 一行",
                    **cell_at(instance, spec.name, index, key)))
            else:
                seen[value] = index
    for index, row in enumerate(rows(instance, PERSONS_TABLE.name)):
        if row.person not in instance.person_by_id:
            problems.append(Problem(message="unknown person id", kind="unknown_reference",
                                    value=row.person, expected="an id listed in the staff table",
                                    message_zh="未知的人员工号", expected_zh="人员表中已有的工号",
                                    **cell_at(instance, PERSONS_TABLE.name, index, "person")))
        if row.home_post is not None and row.home_post not in instance.post_by_id:
            problems.append(Problem(message="unknown post id", kind="unknown_reference",
                                    value=row.home_post, expected="an id listed in the posts table",
                                    message_zh="未知的岗位编号",
                                    expected_zh="岗位表中已有的岗位编号",
                                    **cell_at(instance, PERSONS_TABLE.name, index, "home_post")))
    return problems


def rows(instance: Any, name: str) -> list[Any]:
    """The rows of one pay table of an instance (empty if absent)."""
    return list(instance.extras.get(name, []))


__all__ = [
    "FUNDS_TABLE",
    "GRADES_TABLE",
    "PAY_TABLES",
    "PERSONS_TABLE",
    "SENIORITY_TABLE",
    "PayFund",
    "PayGrade",
    "PayPerson",
    "PaySeniority",
    "default_grades",
    "rows",
    "table_problems",
]
