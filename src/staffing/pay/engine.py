"""`distribute_pay`: the performance-pay plan of a roster, exact to the fen.

1. gather the pay facts (`staffing.pay.data`), every input problem at once;
2. solve the LP over pay-class schedules (`staffing.pay.model`) with CBC;
3. if no plan exists, explain why and what budget would do (`staffing.pay.explain`);
4. make the schedule exact (basic per head to the fen, point values to a few
   places) and compute every line from it by the project's rounding rule
   (`staffing.pay.rounding`); lines that depend on the others (the no-loss
   top-up) are settled by their rule; paid + left over == budget, to the fen;
5. return the plan with its fund use, schedule, figures, notes (idle funds)
   and manifest (every parameter the plan was made with).

One time limit bounds the whole call (or the whole run, given the run's `RunClock`): every
CBC call gets what is left of the solver's share, not the limit anew. Stage 1 stopped by the
limit raises `TimeLimitError`; stage 2 stopped keeps stage 1's point, recorded in the
manifest's ``run.cut_short`` (``spread``); an explanation of an infeasible plan gives up
what it has no time for and says so.
"""

from __future__ import annotations

import math
import time
from decimal import Decimal
from typing import Any

import numpy as np

from staffing.domain.clock import RunClock
from staffing.domain.instance import Instance
from staffing.domain.memory import with_fewer_collections
from staffing.domain.roster import Roster
from staffing.errors import (
    ArgumentError,
    InfeasibleError,
    StaffingError,
    argument_problem,
    check_types,
)
from staffing.manifest import base_manifest, roster_hash
from staffing.pay.codes import Line
from staffing.pay.data import TIERS, PayData, Schedule
from staffing.pay.explain import explain_infeasible
from staffing.pay.figures import general
from staffing.pay.model import TIME_LIMIT, PayModel
from staffing.pay.money import Yuan, fen_display
from staffing.pay.plan import ClassSchedule, FundUse, PayLine, PayNote, PayPlan
from staffing.pay.policy import with_ratio_target
from staffing.pay.result import PayResult
from staffing.pay.rounding import fen_down, value_down
from staffing.pay.view import PayView
from staffing.policy import Policy

# Seconds (fixed, per person) of making the schedule exact and computing every line from it
# (0.3-0.9 s measured at 20,000 people under the four models): kept from the solver's share
# when `distribute_pay` starts its own clock.
ROUND_SECONDS = (0.05, 0.00004)
EXPLANATION_WRITE = 0.1  # seconds kept for writing an explanation (a few kilobytes)


def round_seconds(people: int, pace: float = 1.0) -> float:
    """The estimated seconds of the rounding step for ``people`` at the machine's ``pace``."""
    fixed, per_person = ROUND_SECONDS
    return (fixed + per_person * people) * pace


@with_fewer_collections
def distribute_pay(instance: Instance, roster: Roster, policy: Policy, *, budget: Any = None,
                   ratio_target: float | None = None,
                   time_limit: float | None = None,
                   clock: RunClock | None = None) -> PayResult:
    """Split the performance-pay total and earmarked funds among the people of a roster.

    Parameters
    ----------
    instance
        The instance, with its pay tables (``pay_funds``, ``pay_grades``, and
        optionally ``pay_seniority`` and ``pay_staff``).
    roster
        Who holds which post (from `staffing.allocate` or a file).
    policy
        A policy with a ``pay`` section.
    budget
        Fund sizes to use instead of the instance's: one amount (the
        performance-pay total) or a mapping ``{fund: yuan}``.
    ratio_target
        Grassroots / lead pay ratio target instead of the policy's (the
        ``tier_ratio`` rule is switched on with its defaults if the policy has
        none).
    time_limit
        Seconds of wall time for the whole call (None: no limit): every solver call gets
        what is left, and the rounding's share is kept back.
    clock
        The whole run's `RunClock` instead (`staffing.runs.pay_run`): its limit less its
        reserve bounds every solver call; each step is timed on it.

    Returns
    -------
    PayResult
        ``plan``: one line per paid person, fund use (paid + left over == budget, to
        the fen), the class schedule, figures and notes; ``report``: the independent
        checker's; ``manifest``: what went in, recording the budget override, the ratio
        target and every other parameter the plan was made with.

    Raises
    ------
    InputError
        listing every problem of the pay inputs, located.
    InfeasibleError
        when no plan meets every rule; ``explanation`` (`PayInfeasibility`)
        names the conflicting rules, the least extra budget that would make a
        plan exist and the best value each conflicting target can reach (what the time
        limit left no room for is named in its ``left_out``).
    TimeLimitError
        when the time limit is used up before the plan is proven optimal.
    """
    _check_arguments(instance, roster, policy, time_limit, clock)
    own = clock is None
    clock = clock if clock is not None else RunClock(time_limit)
    started = time.perf_counter()
    with clock.step("gather"):
        planned = with_ratio_target(policy, ratio_target)
        data = PayData.build(instance, roster, planned, budget=budget)
    if own:
        clock.keep(round_seconds(data.n))
    built = time.perf_counter()
    clock.raise_if_used_up("solving the pay plan")
    with clock.step("solve"):
        model = PayModel(data)
        status = model.solve(clock)
    solved = time.perf_counter()
    if status == "infeasible":
        raise InfeasibleError(_explained(data, clock))
    if status != "optimal":
        raise StaffingError(f"the pay model ended with status '{status}'")
    if model.spread_status == TIME_LIMIT:
        clock.cut("spread", "the even spread over the classes (stage 2) was stopped by the "
                  "time limit: the plan is stage 1's, least deviation from the formula")
    with clock.step("round"):
        schedule = exact_schedule(data, *model.schedule())
        amounts = plan_lines(data, schedule)
        plan = assemble(data, amounts, schedule, status="optimal")
    finished = time.perf_counter()
    objective = {  # the solver's values, before the schedule is made exact
        # stage 1 as the model weighs it (basic 0.1% heavier, top-up estimates counted): not
        # the plan's figure deviation_from_formula, which is recomputed from the lines
        "model_deviation": round(getattr(model, "stage1", 0.0), 2),
        "largest_class_change": None,
    }
    spread = [v for v in model.prob.variables() if v.name == "spread"]
    if spread and spread[0].value() is not None:
        objective["largest_class_change"] = round(float(spread[0].value()), 6)
    parameters = {"time_limit": clock.limit, "ratio_target": ratio_target}
    made = manifest(data, policy, model, status, parameters, objective, {
        "gather": built - started, "solve": solved - built, "round": finished - solved})
    made["run"] = clock.record(True)  # the LP's answer is the same on every run
    return PayResult(plan.model_copy(update={"objective": objective, "manifest": made}),
                     data, policy)


def _explained(data: PayData, clock: RunClock) -> Any:
    """Why no plan exists, with what the time left allows: everything but the explanation's
    own files (what it gave up is recorded as cut short)."""
    clock.set_aside(EXPLANATION_WRITE)
    with clock.step("explain"):
        explanation = explain_infeasible(data, clock)
    if explanation.left_out:
        clock.cut("explain", "not worked out: " + "; ".join(explanation.left_out))
    return explanation


def _check_arguments(instance: Any, roster: Any, policy: Any, time_limit: Any,
                     clock: Any) -> None:
    """Raise `ArgumentError` for arguments `distribute_pay` cannot use."""
    check_types("distribute_pay()", [
        ("instance", instance, Instance, "an Instance (staffing.load)",
         "Instance（staffing.load）"),
        ("roster", roster, Roster, "a Roster (result.roster or staffing.read_roster)",
         "Roster（result.roster 或 staffing.read_roster）"),
        ("policy", policy, Policy, "a Policy with a pay section (staffing.load_policy)",
         "含薪酬部分的 Policy（staffing.load_policy）"),
        ("clock", clock, (RunClock, type(None)), "a RunClock or None", "RunClock 或 None"),
    ])
    fine = time_limit is None or (isinstance(time_limit, int | float)
                                  and not isinstance(time_limit, bool)
                                  and math.isfinite(time_limit) and time_limit > 0)
    if not fine:
        raise ArgumentError([argument_problem("distribute_pay()", "time_limit", time_limit,
                                              "seconds > 0, or None (no limit)",
                                              "大于 0 的秒数，或 None（不限时）")])


def exact_schedule(data: PayData, basic: np.ndarray, point: np.ndarray,
                   surplus: np.ndarray) -> Schedule:
    """The solver's real schedule made exact: basic down to the fen, values to their places."""
    digits = data.point_digits
    return Schedule(
        basic=[max(0, fen_down(float(b))) for b in basic],  # the model's basic is >= 0
        point=[value_down(float(v), digits) for v in point],
        surplus=[value_down(float(surplus[c.index]), digits) if c.surplus else Decimal(0)
                 for c in data.classes],
    )


def plan_lines(data: PayData, schedule: Schedule) -> dict[Line, np.ndarray]:
    """Every line of every paid person in fen: fixed lines, the schedule's, then settled ones.

    Raises
    ------
    StaffingError
        if a fund would pay more than it holds (the model's rows rule this out).
    """
    amounts: dict[Line, np.ndarray] = {line: data.fixed_line(line).copy() for line in Line}
    amounts.update(data.schedule_lines(schedule))
    for rule in data.rules():
        amounts.update(rule.settle(data, amounts))
    for fund in data.funds_in_use():
        paid = sum(int(amounts[line].sum()) for line in data.lines_of(fund))
        if paid > data.funds.get(fund, 0):
            raise StaffingError(f"internal error: fund {fund.value} would pay {fen_display(paid)}"
                                f" of {fen_display(data.funds.get(fund, 0))}")
    return amounts


def assemble(data: PayData, amounts: dict[Line, np.ndarray], schedule: Schedule,
             status: str) -> PayPlan:
    """The plan object: lines, fund use, schedule, notes and figures."""
    plain = data.plain
    assert plain is not None
    staff = data.instance.person_by_id
    formula = np.floor(data.formula_performance() * 100 + 0.5).astype(np.int64)
    total = sum((amounts[line] for line in Line), np.zeros(data.n, dtype=np.int64))
    yuan = _YuanCache()
    names = [line.value for line in Line]
    columns = [[yuan(v) for v in amounts[line].tolist()] for line in Line]
    totals = [yuan(v) for v in total.tolist()]
    zero = yuan(0)
    formula_yuan = [yuan(v) for v in formula.tolist()]
    weight = np.round(data.weight, 6).tolist()
    points = data.points.astype(float).tolist()
    tiers = [TIERS[t] if t >= 0 else None for t in data.tier.tolist()]
    labels = [c.label for c in data.classes]
    nothing = Decimal(0)
    lines = []
    for i, (pid, k) in enumerate(zip(data.people, data.cls.tolist())):
        fields: dict[str, Any] = {name: column[i] for name, column in zip(names, columns)}
        lines.append(PayLine.model_construct(
            person=pid,
            name=staff[pid].name,
            post=data.post[i],
            institution=data.institution[i],
            tier=tiers[i],
            pay_class=labels[k] if k >= 0 else "",
            kind=data.kind[i],
            points=points[i],
            weighted_points=weight[i],
            point_value=schedule.point[k] if k >= 0 else nothing,
            surplus_point_value=schedule.surplus[k] if k >= 0 else nothing,
            total=totals[i],
            formula=formula_yuan[i] if k >= 0 else zero,
            **fields,
        ))
    funds = []
    for fund in data.funds_in_use():
        size = data.funds.get(fund, 0)
        paid = sum(int(amounts[line].sum()) for line in data.lines_of(fund))
        funds.append(FundUse(fund=fund, budget=Yuan.of_fen(size), paid=Yuan.of_fen(paid),
                             left_over=Yuan.of_fen(size - paid)))
    plan = PayPlan(
        lines=lines, funds=funds, schedule=class_schedules(data, schedule),
        unpaid=list(data.unplaced), status=status, notes=idle_funds(data),
        budget_override={f.value: str(Yuan.of_fen(v)) for f, v in data.budget_override.items()},
    )
    return plan.model_copy(update={"figures": general(PayView(data, plan, amounts=amounts))})


def class_schedules(data: PayData, schedule: Schedule) -> list[ClassSchedule]:
    """The rows of schedule.csv: each class's exact schedule beside the plain formula's."""
    plain = data.plain
    assert plain is not None
    digits = data.point_digits
    return [
        ClassSchedule(
            pay_class=c.label, post_class=c.post_class, tier=c.tier.value, hardship=c.hardship,
            people=c.n, coefficient=round(c.coefficient, 6), weighted_points=round(c.weight, 4),
            basic=Yuan.of_fen(schedule.basic[c.index]), point_value=schedule.point[c.index],
            surplus_point_value=schedule.surplus[c.index],
            formula_basic=round(c.formula_basic, 6),
            formula_point_value=value_down(plain.point_value, digits),
            formula_surplus_point_value=value_down(plain.surplus_point_value, digits)
            if c.surplus else Decimal(0),
        )
        for c in data.classes
    ]


def idle_funds(data: PayData) -> list[PayNote]:
    """A note for each fund that holds money but that no pay line of the policy draws on."""
    out = []
    for fund in data.funds_in_use():
        size = data.funds.get(fund, 0)
        if size > 0 and not data.lines_of(fund):
            out.append(PayNote(
                kind="idle_fund", fund=fund, amount=Yuan.of_fen(size),
                message=f"fund {fund.value} holds {fen_display(size)} yuan but no pay line of the "
                        "policy draws on it: all of it is left over",
                message_zh=f"{fund.zh}（{fund.value}）有 {fen_display(size)} 元，但本政策没有任何"
                           "工资项目使用该资金：全部结余"))
    return out


class _YuanCache:
    """`Yuan` objects by fen: many lines share amounts (zeros, table wages)."""

    def __init__(self) -> None:
        self.known: dict[int, Yuan] = {}

    def __call__(self, fen: int) -> Yuan:
        found = self.known.get(fen)
        if found is None:
            found = self.known[fen] = Yuan.of_fen(fen)
        return found


def manifest(data: PayData, policy: Policy, model: Any, status: str, parameters: dict[str, Any],
             objective: dict[str, Any], timings: dict[str, float]) -> dict[str, Any]:
    """What went in (the policy as given and every parameter), which versions ran, what came out.

    ``parameters`` holds what `staffing.pay.check.check_pay` needs to judge the plan as it
    was made: the budget override, the ratio target, the point values' places.
    """
    out = base_manifest(data.instance, policy, {
        **parameters,
        "budget_override": {f.value: str(Yuan.of_fen(v)) for f, v in data.budget_override.items()},
        "point_digits": data.point_digits,
        "rounding": "each line down to the fen",
    })
    out["roster"] = {"hash": roster_hash(data.roster)}
    out["solver"] = {"name": "CBC (bundled with PuLP)", "status": status, **model.size,
                     "objective": objective}
    out["funds"] = {f.value: str(Yuan.of_fen(v)) for f, v in data.funds.items()}
    out["timings"] = {k: round(v, 4) for k, v in timings.items()}
    return out
