"""Small hand-made pay cases: a lead hospital, a TCM hospital, a township centre and a village.

A test states its people (post, points, a home post for the rotated) and its
funds; everything else has plain defaults. `plan_ok` is what every test calls
on every plan: the independent checker finds nothing, every fund adds up to
the fen, and, recomputed here from the inputs, each pay class has one point
value and no top-up is above its bound.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from fractions import Fraction
from typing import Any
from unittest import mock

from staffing import distribute_pay
from staffing.domain.clock import RunClock
from staffing.domain.instance import Instance, Institution, Meta, Post, Staff
from staffing.domain.roster import Assignment, Roster
from staffing.pay import model as model_module
from staffing.pay.check import check_pay
from staffing.pay.codes import LINES, Line
from staffing.pay.data import PayData
from staffing.pay.model import PayModel
from staffing.pay.money import Yuan
from staffing.pay.plan import PayPlan
from staffing.pay.rules.rotation_no_loss import home_post_pay
from staffing.pay.tables import PayFund, PayGrade, PayPerson, PaySeniority
from staffing.policy import Policy
from staffing.rules.base import Violation

INSTITUTIONS = [
    Institution(id="H", tier="county", name="lead hospital"),
    Institution(id="H2", tier="county", name="TCM hospital"),
    Institution(id="T", tier="township", parent="H", population=20000, hardship=1),
    Institution(id="V", tier="village", parent="T", population=800, hardship=2, distance_km=6),
]
_GRADES = {"N": "none", "J": "junior", "I": "intermediate", "A": "associate_senior",
           "S": "senior"}
POSTS = [
    Post(id=f"{inst}-{g}", institution=inst, discipline="internal_medicine", grade=grade,
         places=500)
    for inst in ("H", "H2", "T", "V") for g, grade in _GRADES.items()
] + [
    Post(id="T-GP", institution="T", discipline="general_practice", grade="junior", places=500,
         team_role="gp"),
    Post(id="T-NUR", institution="T", discipline="nursing", grade="junior", places=500,
         team_role="nurse"),
]

GRADES = [
    PayGrade(grade="none", base=Yuan("18000.00"), coefficient=1.0),
    PayGrade(grade="junior", base=Yuan("22800.00"), coefficient=1.0),
    PayGrade(grade="intermediate", base=Yuan("28800.00"), coefficient=1.3),
    PayGrade(grade="associate_senior", base=Yuan("39600.00"), coefficient=1.6),
    PayGrade(grade="senior", base=Yuan("49200.00"), coefficient=2.0),
]
SENIORITY = [PaySeniority(min_years=0, amount=Yuan("3600.00")),
             PaySeniority(min_years=10, amount=Yuan("9600.00"))]


def person(id: str, post: str | None, points: float = 50.0, *, home: str | None = None,
           hire_year: int = 2015, **fields: Any) -> dict[str, Any]:
    """One person: where the roster places them, their points, and their home post if rotated."""
    return {"id": id, "post": post, "points": points, "home": home, "hire_year": hire_year,
            **fields}


def build(people: list[dict[str, Any]], funds: dict[str, Any] | None = None, *,
          grades: list[PayGrade] | None = None, seniority: list[PaySeniority] | None = None,
          pay_staff: list[PayPerson] | None = None, year: int = 2025) -> tuple[Instance, Roster]:
    """An instance with pay tables and the roster placing everyone as stated."""
    staff = []
    for p in people:
        extra = {k: v for k, v in p.items() if k not in ("id", "post", "points", "home")}
        current = p["home"] or p["post"]
        staff.append(Staff(id=p["id"], name=p["id"], discipline="internal_medicine",
                           pool="county" if current and current.startswith("H") else "grassroots",
                           current_post=current, points=p["points"], **extra))
    funds = funds if funds is not None else {"performance": 60000 * len(people)}
    extras: dict[str, list[Any]] = {
        "pay_funds": [PayFund(fund=f, amount=Yuan(Decimal(str(a)).quantize(Decimal("0.01"))))
                      for f, a in funds.items()],
        "pay_grades": grades if grades is not None else GRADES,
        "pay_seniority": seniority if seniority is not None else SENIORITY,
    }
    if pay_staff:
        extras["pay_staff"] = pay_staff
    inst = Instance(meta=Meta(name="pay case", year=year), institutions=INSTITUTIONS, posts=POSTS,
                    staff=staff, extras=extras)
    roster = Roster(assignments=[Assignment(person=p["id"], post=p["post"]) for p in people])
    return inst, roster


def pay_policy(lines: dict[str, Any] | None = None, rules: dict[str, Any] | None = None,
               **top: Any) -> Policy:
    """A policy whose pay section has these lines and rules (and the always-on ones)."""
    return Policy(name="pay case", pay={"lines": lines or {}, "rules": rules or {}, **top})


def checked(inst: Instance, policy: Policy, roster: Roster, plan: PayPlan,
            **options: Any) -> list[Violation]:
    """The violations the pay checker finds in a plan."""
    violations, _ = check_pay(inst, policy, roster, plan, **options)
    return violations


def of_rule(violations: list[Violation], rule: str) -> list[Violation]:
    """The violations of one rule."""
    return [v for v in violations if v.rule == rule]


def plan_ok(inst: Instance, policy: Policy, roster: Roster, plan: PayPlan,
            **options: Any) -> PayPlan:
    """The checker finds no violation, every fund adds up exactly to the fen, each pay class
    has one point value and no top-up is above its bound (the last two recomputed here)."""
    found = checked(inst, policy, roster, plan, **options)
    assert found == [], [v.message for v in found]
    assert_fen_exact(plan)
    assert_one_point_value(inst, policy, plan)
    assert_top_ups_bounded(inst, policy, roster, plan)
    return plan


def assert_one_point_value(inst: Instance, policy: Policy, plan: PayPlan) -> None:
    """Each pay class carries one point value and every reward line is points x post, tier and
    hardship coefficients x that value, rounded down to the fen (recomputed from the inputs)."""
    assert policy.pay is not None
    perf = policy.pay.lines.performance
    grades = {g.grade: g.coefficient for g in inst.extras["pay_grades"]}
    values: dict[str, set[Decimal]] = defaultdict(set)
    for pl in plan.lines:
        if not pl.pay_class:
            assert pl.reward == 0 and pl.basic == 0, pl.person
            continue
        values[pl.pay_class].add(pl.point_value)
        post = inst.post_by_id[str(pl.post)]
        where = inst.institution_by_id[post.institution]
        coefficient = (Fraction(str(grades[post.grade])) *
                       Fraction(str(perf.tier_coefficients[where.tier])) *
                       Fraction(str(perf.hardship_coefficients[where.hardship])))
        product = Fraction(str(pl.points)) * coefficient * Fraction(pl.point_value) * 100
        assert pl.fen(Line.REWARD) == math.floor(product), (pl.person, pl.reward, product)
    assert all(len(v) == 1 for v in values.values()), values


def assert_top_ups_bounded(inst: Instance, policy: Policy, roster: Roster,
                           plan: PayPlan) -> None:
    """Nobody's top-up is more than what lifts their pay before it to their home-post pay;
    with the no-loss rule on, a rotated person's top-up is exactly that."""
    data = PayData.build(inst, roster, policy, budget=plan.budget_override or None)
    home = home_post_pay(data)
    rule_on = policy.pay is not None and policy.pay.rules.rotation_no_loss is not None
    for pl in plan.lines:
        i = data.index[pl.person]
        before = sum(pl.fen(line) for line in BEFORE_TOP_UP)
        bound = max(0, int(home[i]) - before) if data.rotated[i] and rule_on else 0
        assert pl.fen(Line.TOP_UP) == bound, (pl.person, pl.top_up, bound)


BEFORE_TOP_UP = (Line.BASE_POST, Line.BASE_SENIORITY, Line.BASIC, Line.REWARD, Line.SURPLUS,
                 Line.ALLOWANCE, Line.FAMILY_DOCTOR)


def solve(inst: Instance, roster: Roster, policy: Policy, **options: Any) -> PayPlan:
    """`distribute_pay`, and the plan must pass the checker under its own policy."""
    return plan_ok(inst, policy, roster, distribute_pay(inst, roster, policy, **options).plan)


def assert_fen_exact(plan: PayPlan) -> None:
    """paid + left over == budget for every fund; the lines add up to each person's total."""
    line_sums = {line: sum(pl.fen(line) for pl in plan.lines) for line in LINES}
    for f in plan.funds:
        assert Yuan(f.paid).fen + Yuan(f.left_over).fen == Yuan(f.budget).fen, f
        assert Yuan(f.left_over).fen >= 0, f
    for pl in plan.lines:
        assert sum(pl.fen(line) for line in LINES) == Yuan(pl.total).fen, pl.person
        for line in LINES:
            value = getattr(pl, line.value)
            assert value == value.quantize(Decimal("0.01")), (pl.person, line, value)
    assert sum(Yuan(pl.total).fen for pl in plan.lines) == sum(line_sums.values())


def fund_paid(plan: PayPlan, fund: str) -> int:
    """What a plan pays from one fund, in fen (the fund must be in use)."""
    use = plan.fund(fund)
    assert use is not None, fund
    return Yuan(use.paid).fen


@contextmanager
def solves_taking(seconds: float, limit: float = 10.0) -> Iterator[tuple[RunClock, list[float]]]:
    """A run clock of ``limit`` s whose time moves only with the pay model's solves, each
    taking ``seconds``, and the CBC time limit of every solve started (in order)."""
    now = [0.0]
    clock = RunClock(limit, clock=lambda: now[0])
    given: list[float] = []
    original_run, original_cmd = PayModel.run, model_module.pulp.PULP_CBC_CMD

    def run(model: PayModel, run_clock: RunClock | None = None) -> str:
        try:
            return original_run(model, run_clock)
        finally:
            now[0] += seconds

    def cmd(*args: Any, timeLimit: float | None = None, **kwargs: Any) -> Any:
        given.append(timeLimit)
        return original_cmd(*args, timeLimit=timeLimit, **kwargs)

    with mock.patch.object(PayModel, "run", run), \
            mock.patch.object(model_module.pulp, "PULP_CBC_CMD", cmd):
        yield clock, given
