"""Why no pay plan exists and what would make one: conflicts, extra budget, reachable targets.

When the pay LP has no solution, `explain_infeasible` works on the same model:

1. **least extra budget**: every fund's row gets an extra-budget variable and
   the LP minimises the total extra (the performance-pay total first, since
   it is the community's own lever); the answer is made exact (CBC reports 8
   significant digits, see `PayModel.polish`), rounded up to the fen and
   confirmed by re-solving with it, so re-running with that budget succeeds;
2. **conflicting rules**: a deletion filter over the pay rules, with the
   budget always kept, leaves a minimal set of rules that cannot hold
   together within the budget; an elastic LP over that set then names the
   constraint instances and how far each falls short;
3. **reachable targets**: for each conflicting rule with a target (tier
   ratio, reward share, living floor, income-gap cap) a bisection finds the
   best value the current budget reaches with every other rule kept.

Every solve draws on the run's clock (`staffing.domain.clock.RunClock`). When the time
limit comes first the explanation gives up what it has not worked out and says so
(``left_out``): a least extra budget not yet confirmed is left out, a set of conflicting
rules not yet narrowed is given whole (it still conflicts), an unfinished bisection gives no
reachable value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from staffing.domain.clock import RunClock
from staffing.errors import TimeLimitError
from staffing.pay.codes import Fund, Line
from staffing.pay.data import PayData
from staffing.pay.model import LEAST_CALL, PayModel
from staffing.pay.money import Yuan, fen_display

if TYPE_CHECKING:
    from staffing.pay.rules.base import PayRule

BISECTION_STEPS = 16
# What an explanation the time limit cut short left out (`PayInfeasibility.left_out`).
LEFT_BUDGET = "the least extra budget"
LEFT_MINIMAL = "narrowing the conflicting rules to a minimal set (all of them are listed)"
LEFT_SHORTFALLS = "how far each conflicting constraint falls short"


@dataclass
class PayInfeasibility:
    """Why no pay plan meets every rule, and what would make one exist."""

    rules: list[tuple[str, str]]
    details: list[str] = field(default_factory=list)
    extra_budget: dict[Fund, int] = field(default_factory=dict)
    budgets: dict[Fund, int] = field(default_factory=dict)
    reachable: dict[str, dict[str, Any]] = field(default_factory=dict)
    left_out: list[str] = field(default_factory=list)  # not worked out: the time limit came first

    def budget_needed(self) -> dict[str, Yuan]:
        """Fund sizes (yuan) that make a plan exist: current size + least extra."""
        return {f.value: Yuan.of_fen(self.budgets.get(f, 0) + extra)
                for f, extra in self.extra_budget.items()}

    def __str__(self) -> str:
        names = " + ".join(label for _, label in self.rules) or "the budget"
        lines = [f"no pay plan meets every rule: {names} conflict"]
        lines += [f"  - {d}" for d in self.details]
        if self.extra_budget:
            for fund, extra in self.extra_budget.items():
                size = self.budgets.get(fund, 0)
                lines.append(f"least extra budget: fund {fund.value} ({fund.zh}) + "
                             f"{fen_display(extra)} yuan, i.e. {fen_display(size + extra)} "
                             f"instead of {fen_display(size)}")
        elif LEFT_BUDGET not in self.left_out:
            lines.append("no extra budget alone makes a plan exist")
        for key, found in self.reachable.items():
            lines.append(f"with the current budget the best reachable {found['label']} is "
                         f"{found['value']} (policy asks {found['asked']}) [{key}]")
        lines += [f"not worked out, the time limit came first: {what}" for what in self.left_out]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rules": [name for name, _ in self.rules],
            "details": self.details,
            "extra_budget": {f.value: str(Yuan.of_fen(v)) for f, v in self.extra_budget.items()},
            "budget_needed": {k: str(v) for k, v in self.budget_needed().items()},
            "reachable": {k: {**v, "value": str(v["value"]), "asked": str(v["asked"])}
                          for k, v in self.reachable.items()},
            "left_out": list(self.left_out),
        }


def _feasible(data: PayData, rules: list[PayRule], clock: RunClock) -> bool:
    return PayModel(data, rules, objective=False).feasible(clock)


def explain_infeasible(data: PayData, clock: RunClock | None = None) -> PayInfeasibility:
    """Explain an infeasible pay model (see the module docstring) within ``clock``'s solver
    share (None: no limit); what the time left no room for is named in ``left_out``."""
    clock = clock if clock is not None else RunClock(None)
    everything = data.rules()
    lines = [r for r in everything if r.kind == "line"]
    budget = [r for r in everything if r.is_budget]
    candidates = [r for r in everything if r.kind == "constraint" and not r.is_budget]
    result = PayInfeasibility(rules=[], budgets=dict(data.funds))
    try:
        result.extra_budget = _least_extra_budget(data, everything, clock)
    except TimeLimitError:
        result.left_out.append(LEFT_BUDGET)
    conflict = _conflicting(data, lines + budget, candidates, clock, result)
    result.rules = [(r.name, r.label) for r in budget + conflict]
    try:
        result.details += _shortfalls(data, lines + budget, conflict, budget, clock)
    except TimeLimitError:
        result.left_out.append(LEFT_SHORTFALLS)
    result.details += _fund_details(data, result)
    for rule in conflict:  # the best value each conflicting target can reach
        reach = rule.reachable()
        if reach is None:
            continue
        others = [r for r in everything if r is not rule]
        try:
            found = _bisect(data, rule, others, reach, clock)
        except TimeLimitError:
            result.left_out.append(f"the best reachable {reach.label} [{rule.name}]")
            continue
        if found is not None:
            result.reachable[f"{rule.name}.{reach.param}"] = found
    return result


def _least_extra_budget(data: PayData, everything: list[PayRule],
                        clock: RunClock) -> dict[Fund, int]:
    """The least extra fen per fund with which a plan exists, confirmed on the model the
    engine will build ({} when none would do); `TimeLimitError` before it is confirmed."""
    model = PayModel(data, everything, extra_budget=True, objective=False)
    weights = {var: (1.0 if fund is Fund.PERFORMANCE else 1.001)
               for fund, var in model.extra.items()}
    if model.minimise(weights, clock) != "optimal":
        return {}
    model.polish()  # CBC reports 8 significant digits: make the amounts exact
    extra = {fund: math.ceil(value * 100 - 1e-6)
             for fund, value in model.extra_budget_values().items() if value > 1e-7}
    for _ in range(5):  # confirm on the model the engine will build
        clock.raise_if_used_up("solving the pay model", needs=LEAST_CALL)
        trial = data_with_budget(data, extra)
        if _feasible(trial, trial.rules(), clock):
            break
        extra = {f: v + 1 for f, v in extra.items()}
    return {f: v for f, v in extra.items() if v > 0}


def _conflicting(data: PayData, kept_always: list[PayRule], candidates: list[PayRule],
                 clock: RunClock, result: PayInfeasibility) -> list[PayRule]:
    """A minimal set of rules that conflict with the pay lines and the budget (a deletion
    filter; [] when the budget alone conflicts). Cut short, every rule not yet dropped."""
    kept = list(candidates)
    try:
        if not _feasible(data, kept_always, clock):
            return []
        for rule in list(candidates):
            fewer = [r for r in kept if r is not rule]
            if not _feasible(data, kept_always + fewer, clock):
                kept = fewer
    except TimeLimitError:
        result.left_out.append(LEFT_MINIMAL)
    return kept


def _shortfalls(data: PayData, kept_always: list[PayRule], conflict: list[PayRule],
                budget: list[PayRule], clock: RunClock) -> list[str]:
    """The constraint instances of the conflict and how far each falls short (an elastic
    LP over the conflicting rules)."""
    elastic = {r.name for r in conflict} or {r.name for r in budget}
    model = PayModel(data, kept_always + conflict, elastic=elastic, objective=False)
    slacks = [row.slack for row in model.rows if row.slack is not None]
    if model.minimise({s: 1.0 for s in slacks}, clock) != "optimal":
        return []
    model.polish()
    return [f"{row.detail}: short by {short:,.2f} {row.unit}" for row, short in model.slack_rows()]


def _fund_details(data: PayData, result: PayInfeasibility) -> list[str]:
    """What each fund the plan could draw more from holds, and what fixed lines take of it."""
    variable = {data.line_fund.get(line) for line in (Line.BASIC, Line.REWARD, Line.SURPLUS)
                if line in data.line_fund}
    out = []
    for fund in data.funds_in_use():
        if fund in variable or fund in result.extra_budget:
            fixed = sum(int(data.fixed[line].sum()) for line in data.fixed
                        if data.line_fund.get(line) is fund)
            out.append(f"fund {fund.value} ({fund.zh}) holds "
                       f"{fen_display(data.funds.get(fund, 0))} yuan, of which fixed "
                       f"lines take {fen_display(fixed)}")
    return out


def data_with_budget(data: PayData, extra: dict[Fund, int]) -> PayData:
    """The same pay facts with some funds enlarged by ``extra`` fen."""
    budget = {f.value: Yuan.of_fen(data.funds.get(f, 0) + v) for f, v in extra.items()}
    budget = {**{f.value: Yuan.of_fen(v) for f, v in data.budget_override.items()}, **budget}
    return PayData.build(data.instance, data.roster, data.policy, budget=budget or None)


def _bisect(data: PayData, rule: PayRule, others: list[PayRule], reach: Any,
            clock: RunClock) -> dict[str, Any] | None:
    asked = getattr(rule.params, reach.param)
    money = isinstance(asked, Decimal)
    current = float(asked)

    def with_value(value: float) -> PayRule:
        return type(rule)(rule.with_param(**{reach.param: param_value(value, money, reach)}))

    def ok(value: float) -> bool:
        return _feasible(data, [*others, with_value(value)], clock)

    good, bad = reach.neutral, current
    if not ok(good):
        return None
    for _ in range(BISECTION_STEPS):
        middle = (good + bad) / 2
        if ok(middle):
            good = middle
        else:
            bad = middle
    value = param_value(good, money, reach)
    if not ok(float(value)):
        return None
    return {"label": reach.label, "value": value, "asked": asked}


def param_value(value: float, money: bool, reach: Any) -> Any:  # also for sensitivity
    """A parameter value rounded toward the easy side: to the fen, or to 4 decimals."""
    down = reach.direction == "max"
    if money:
        fen = math.floor(value * 100) if down else math.ceil(value * 100)
        return Yuan.of_fen(max(fen, 0))
    scaled = value * 10_000
    return (math.floor(scaled) if down else math.ceil(scaled)) / 10_000
