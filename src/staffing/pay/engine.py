"""`distribute_pay`: the performance-pay plan of a roster, exact to the fen.

1. gather the pay facts (`staffing.pay.data`), every input problem at once;
2. solve the LP over pay-class schedules (`staffing.pay.model`) with CBC;
3. if no plan exists, explain why and what budget would do (`staffing.pay.explain`);
4. round every variable line to the fen by largest remainder, per fund, so
   lines add up to the fund's paid total and paid + left over == budget
   (`staffing.pay.rounding`);
5. return the plan with its fund use, schedule, figures and manifest.
"""

from __future__ import annotations

import hashlib
import math
import time
from typing import Any

import numpy as np

from staffing.domain.instance import Instance
from staffing.domain.roster import Roster
from staffing.errors import (
    ArgumentError,
    InfeasibleError,
    StaffingError,
    argument_problem,
    check_types,
)
from staffing.manifest import base_manifest
from staffing.pay.codes import VARIABLE_LINES, Line
from staffing.pay.data import TIERS, PayData
from staffing.pay.explain import explain_infeasible
from staffing.pay.figures import general
from staffing.pay.model import PayModel
from staffing.pay.money import Yuan
from staffing.pay.plan import ClassSchedule, FundUse, PayLine, PayPlan
from staffing.pay.result import PayResult
from staffing.pay.rounding import fen_amounts, largest_remainder, target_total
from staffing.pay.view import PayView
from staffing.policy import Policy


def distribute_pay(instance: Instance, roster: Roster, policy: Policy, *, budget: Any = None,
                   time_limit: float | None = None) -> PayResult:
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
    time_limit
        Seconds for each solver call.

    Returns
    -------
    PayResult
        ``plan``: one line per paid person, fund use (paid + left over == budget, to
        the fen), the class schedule and figures; ``report``: the independent checker's;
        ``manifest``.

    Raises
    ------
    InputError
        listing every problem of the pay inputs, located.
    InfeasibleError
        when no plan meets every rule; ``explanation`` (`PayInfeasibility`)
        names the conflicting rules, the least extra budget that would make a
        plan exist and the best value each conflicting target can reach.
    """
    _check_arguments(instance, roster, policy, time_limit)
    started = time.perf_counter()
    data = PayData.build(instance, roster, policy, budget=budget)
    built = time.perf_counter()
    model = PayModel(data)
    status = model.solve(time_limit)
    solved = time.perf_counter()
    if status == "infeasible":
        raise InfeasibleError(explain_infeasible(data, time_limit=time_limit))
    if status != "optimal":
        raise StaffingError(f"the pay model ended with status '{status}' (time limit "
                            f"{time_limit} s); give more time with time_limit")
    basic, point, surplus = model.schedule()
    amounts = round_plan(data, basic, point, surplus, model.top_ups())
    plan = assemble(data, amounts, basic, point, surplus, status="optimal")
    finished = time.perf_counter()
    objective = {
        "deviation_from_formula": round(getattr(model, "stage1", 0.0), 2),
        "largest_class_change": None,
    }
    spread = [v for v in model.prob.variables() if v.name == "spread"]
    if spread and spread[0].value() is not None:
        objective["largest_class_change"] = round(float(spread[0].value()), 6)
    return PayResult(plan.model_copy(update={
        "objective": objective,
        "manifest": manifest(data, policy, model, status, time_limit, {
            "gather": built - started, "solve": solved - built, "round": finished - solved}),
    }), data)


def _check_arguments(instance: Any, roster: Any, policy: Any, time_limit: Any) -> None:
    """Raise `ArgumentError` for arguments `distribute_pay` cannot use."""
    check_types("distribute_pay()", [
        ("instance", instance, Instance, "an Instance (staffing.load)",
         "Instance（staffing.load）"),
        ("roster", roster, Roster, "a Roster (result.roster or staffing.read_roster)",
         "Roster（result.roster 或 staffing.read_roster）"),
        ("policy", policy, Policy, "a Policy with a pay section (staffing.load_policy)",
         "含薪酬部分的 Policy（staffing.load_policy）"),
    ])
    fine = time_limit is None or (isinstance(time_limit, int | float)
                                  and not isinstance(time_limit, bool)
                                  and math.isfinite(time_limit) and time_limit > 0)
    if not fine:
        raise ArgumentError([argument_problem("distribute_pay()", "time_limit", time_limit,
                                              "seconds > 0, or None (no limit)",
                                              "大于 0 的秒数，或 None（不限时）")])


def exact_amounts(data: PayData, basic: np.ndarray, point: np.ndarray,
                  surplus: np.ndarray, top: np.ndarray | None = None) -> dict[Line, np.ndarray]:
    """The solver's variable lines per person, in real fen (before rounding)."""
    n = data.n
    out = {line: np.zeros(n) for line in VARIABLE_LINES}
    pool = np.flatnonzero(data.pool)
    cls = data.cls[pool]
    out[Line.BASIC][pool] = basic[cls]
    out[Line.REWARD][pool] = point[cls] * data.weight[pool]
    if data.surplus_on:
        eligible = np.array([data.classes[k].surplus for k in cls], dtype=bool).reshape(len(pool))
        out[Line.SURPLUS][pool[eligible]] = surplus[cls[eligible]] * data.weight[pool[eligible]]
    if top is not None:
        out[Line.TOP_UP] = np.asarray(top, dtype=float)
    return {line: fen_amounts(values) for line, values in out.items()}


def round_plan(data: PayData, basic: np.ndarray, point: np.ndarray, surplus: np.ndarray,
               top: np.ndarray | None = None) -> dict[Line, np.ndarray]:
    """Every line in integer fen: fixed lines as they are, variable lines by largest remainder."""
    exact = exact_amounts(data, basic, point, surplus, top)
    amounts: dict[Line, np.ndarray] = {line: data.fixed_line(line).copy()
                                       for line in Line if line not in VARIABLE_LINES}
    for line in VARIABLE_LINES:
        amounts[line] = np.zeros(data.n, dtype=np.int64)
    pool = np.flatnonzero(data.pool)
    for fund in data.funds_in_use():
        variable = [line for line in data.lines_of(fund) if line in VARIABLE_LINES]
        if not variable or len(pool) == 0:
            continue
        fixed = sum(int(data.fixed[line].sum()) for line in data.lines_of(fund)
                    if line in data.fixed)
        values = np.concatenate([exact[line][pool] for line in variable])
        priority = np.tile(data.points[pool], len(variable))
        cap = data.funds.get(fund, 0) - fixed
        rounded = largest_remainder(values, target_total(values, cap), priority)
        for k, line in enumerate(variable):
            amounts[line][pool] = rounded[k * len(pool):(k + 1) * len(pool)]
    return amounts


def assemble(data: PayData, amounts: dict[Line, np.ndarray], basic: np.ndarray,
             point: np.ndarray, surplus: np.ndarray, status: str) -> PayPlan:
    """The plan object: lines, fund use, schedule and figures."""
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
    point_values = np.round(point, 8).tolist()
    surplus_values = [round(float(surplus[c.index]), 8) if c.surplus else 0.0
                      for c in data.classes]
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
            point_value=point_values[k] if k >= 0 else 0.0,
            surplus_point_value=surplus_values[k] if k >= 0 else 0.0,
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
    schedule = [
        ClassSchedule(
            pay_class=c.label, post_class=c.post_class, tier=c.tier.value, hardship=c.hardship,
            people=c.n, coefficient=round(c.coefficient, 6), weighted_points=round(c.weight, 4),
            basic=round(float(basic[c.index]), 6), point_value=round(float(point[c.index]), 8),
            surplus_point_value=round(float(surplus[c.index]), 8) if c.surplus else 0.0,
            formula_basic=round(c.formula_basic, 6),
            formula_point_value=round(plain.point_value, 8),
            formula_surplus_point_value=round(plain.surplus_point_value, 8) if c.surplus
            else 0.0,
        )
        for c in data.classes
    ]
    plan = PayPlan(
        lines=lines, funds=funds, schedule=schedule, unpaid=list(data.unplaced), status=status,
        budget_override={f.value: str(Yuan.of_fen(v)) for f, v in data.budget_override.items()},
    )
    view = PayView(data, plan, amounts=amounts, point_value=np.asarray(point),
                   surplus_point_value=np.asarray(surplus))
    figures = general(view)
    for rule in data.rules():
        figures.update(rule.figures(view))
    return plan.model_copy(update={"figures": figures})


class _YuanCache:
    """`Yuan` objects by fen: many lines share amounts (zeros, table wages)."""

    def __init__(self) -> None:
        self.known: dict[int, Yuan] = {}

    def __call__(self, fen: int) -> Yuan:
        found = self.known.get(fen)
        if found is None:
            found = self.known[fen] = Yuan.of_fen(fen)
        return found


def manifest(data: PayData, policy: Policy, model: Any, status: str, time_limit: float | None,
             timings: dict[str, float]) -> dict[str, Any]:
    """What went in, which versions ran and what came out."""
    out = base_manifest(data.instance, policy, {
        "time_limit": time_limit,
        "budget_override": {f.value: str(Yuan.of_fen(v)) for f, v in data.budget_override.items()},
    })
    roster_text = "\n".join(f"{a.person},{a.post or ''}" for a in data.roster.assignments)
    out["roster"] = {"hash": hashlib.sha256(roster_text.encode()).hexdigest()}
    out["solver"] = {"name": "CBC (bundled with PuLP)", "status": status, **model.size}
    out["funds"] = {f.value: str(Yuan.of_fen(v)) for f, v in data.funds.items()}
    out["timings"] = {k: round(v, 4) for k, v in timings.items()}
    return out
