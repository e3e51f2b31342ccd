"""Pay sensitivity for policy staff: which pay rules bind, by how much, and what a target costs.

For each pay rule of a plan's policy, `explain_targets` answers:

- **binds**: the plan would be closer to the plain points formula without the
  rule (its target at a value where it cannot bind): the least deviation from
  the formula, solved with and without it, differ by more than a fen;
- **slack**: for a rule with a target, how far the plan's figure is from it,
  in the target's own unit (ratio, share, yuan), on the easy side (0: met
  exactly); for the budget, what each fund has left over;
- **cost of one more unit**: the least budget with which every rule holds
  (funds free to grow or shrink, the performance fund first), at the target
  and at the target made harder by one unit (`Reach.step`: 0.01 of a ratio
  or share, 100 yuan of a floor, 0.1 of a gap cap); the difference is what
  that unit costs, and the extra over the funds as they are is what it would
  take on top of the current budget. When no budget reaches the harder
  target the cost is None: money alone does not buy it.

The figures are the plan's own (`staffing.pay.figures`); every solve is the
pay model of `staffing.pay.model`, so the costs are exact to the LP and
rounded up to the fen.

Every solve draws on the run's clock: a rule whose solves the time limit stops is given
as *not analysed* (``binds`` None, the note says so), and the clock records how many.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pulp
from pydantic import ValidationError

from staffing.domain.clock import RunClock
from staffing.errors import TimeLimitError
from staffing.pay.codes import VARIABLE_LINES, Fund
from staffing.pay.explain import param_value
from staffing.pay.model import PayModel
from staffing.pay.money import Yuan, fen_display, parse_money

if TYPE_CHECKING:
    from staffing.pay.data import PayData
    from staffing.pay.plan import PayPlan
    from staffing.pay.rules.base import PayRule, Reach

BINDS_FEN = 1  # yuan of deviation / 100: a rule binds when dropping it saves more than a fen
NOT_ANALYSED = "not analysed: the time limit came first"


@dataclass
class TargetSensitivity:
    """How one pay rule shapes the plan (see the module docstring)."""

    rule: str
    label: str
    binds: bool | None          # None: not analysed (the time limit came first)
    target: Any = None          # the policy's value (None: the rule has no target)
    value: Any = None           # the plan's figure held against it
    slack: float | Decimal | None = None  # in the target's unit, on the easy side (yuan: exact)
    step: float | None = None   # one unit of the target
    budget_needed: int | None = None       # fen: least total budget at the target
    budget_needed_next: int | None = None  # fen: the same one unit harder (None: unreachable)
    step_allowed: bool = True   # False: one unit harder is outside the rule's range
    note: str = ""

    @property
    def cost_of_step(self) -> int | None:
        """Fen one more unit of the target costs (None: no budget reaches it)."""
        if self.budget_needed is None or self.budget_needed_next is None:
            return None
        return max(0, self.budget_needed_next - self.budget_needed)

    def row(self, current_fen: int) -> dict[str, Any]:
        """One row of targets.csv; ``current_fen`` is the plan's total budget."""
        extra = None if self.budget_needed_next is None else \
            max(0, self.budget_needed_next - current_fen)
        return {
            "rule": self.rule, "label": self.label,
            "binds": "" if self.binds is None else "yes" if self.binds else "no",
            "target": "" if self.target is None else str(self.target),
            "value": "" if self.value is None else str(self.value),
            "slack": "" if self.slack is None else (
                str(self.slack) if isinstance(self.slack, Decimal) else f"{self.slack:.6g}"),
            "step": "" if self.step is None else f"{self.step:g}",
            "cost_of_step": _yuan(self.cost_of_step),
            "extra_budget_for_step": _yuan(extra),
            "budget_needed": _yuan(self.budget_needed),
            "note": self.note,
        }


def explain_targets(data: PayData, plan: PayPlan,
                    clock: RunClock | None = None) -> list[TargetSensitivity]:
    """Every constraint rule of the plan's policy: binds, slack, cost of one more unit.

    ``data`` are the pay facts the plan was made from (`staffing.pay.check.plan_data`);
    ``clock``: the run's, whose solver share bounds every solve (None: no limit). A rule the
    time limit leaves no room for is not analysed, recorded on the clock as cut short.
    """
    clock = clock if clock is not None else RunClock(None)
    rules = data.rules()
    constraints = [rule for rule in rules if rule.kind == "constraint"]
    try:
        base: float | None = _deviation(data, rules, clock)
        short = False
    except TimeLimitError:
        base, short = None, True
    out = []
    for rule in constraints:
        if rule.is_budget:
            out.append(_budget(data, plan, rule))
            continue
        if short:
            out.append(_not_analysed(rule))
            continue
        try:
            out.append(_sensitivity(data, plan, rules, rule, base, clock))
        except TimeLimitError:
            out.append(_not_analysed(rule))
    missing = sum(t.binds is None for t in out)
    if missing:
        clock.cut("targets", f"{missing} of {len(out)} pay rules not analysed (targets.csv "
                  "says which): the time limit came first")
    return out


def _sensitivity(data: PayData, plan: PayPlan, rules: list[PayRule], rule: PayRule,
                 base: float | None, clock: RunClock) -> TargetSensitivity:
    """One rule other than the budget: binds, and for a rule with a target its slack and
    costs (`_target`)."""
    reach = rule.reachable()
    if reach is None:
        others = [r for r in rules if r is not rule]
        return TargetSensitivity(rule.name, rule.label,
                                 _binds(base, _deviation(data, others, clock)))
    return _target(data, plan, rules, rule, reach, base, clock)


def _not_analysed(rule: PayRule) -> TargetSensitivity:
    """A rule the time limit left no room for: its target alone, and the note."""
    reach = rule.reachable()
    target = None if reach is None else getattr(rule.params, reach.param)
    return TargetSensitivity(rule.name, rule.label, None, target=target, note=NOT_ANALYSED)


def _target(data: PayData, plan: PayPlan, rules: list[PayRule], rule: PayRule, reach: Reach,
            base: float | None, clock: RunClock) -> TargetSensitivity:
    asked = getattr(rule.params, reach.param)
    money = isinstance(asked, Decimal)
    harder = 1.0 if reach.direction == "max" else -1.0

    def with_value(value: float) -> list[PayRule]:
        moved = type(rule)(rule.with_param(**{reach.param: param_value(value, money, reach)}))
        return [moved if r is rule else r for r in rules]

    relaxed = _deviation(data, with_value(reach.neutral), clock)
    stated = plan.figures.get(reach.figure)
    slack: float | Decimal | None = None
    if stated is not None and money:
        slack = Decimal(int(harder)) * (parse_money(stated) - asked)
    elif stated is not None:
        slack = harder * (float(stated) - float(asked))
    nxt = float(asked) + harder * reach.step
    note = f"{reach.label}: {asked} -> {param_value(nxt, money, reach)}"
    try:
        harder_rules: list[PayRule] | None = with_value(nxt)
    except ValidationError as error:  # one unit harder is not a value the rule accepts
        harder_rules = None
        note += " is outside the rule's range (" + "; ".join(
            e["msg"] for e in error.errors()) + ")"
    return TargetSensitivity(
        rule.name, rule.label, _binds(base, relaxed), target=asked, value=stated, slack=slack,
        step=reach.step, budget_needed=_least_budget(data, rules, clock),
        budget_needed_next=None if harder_rules is None else _least_budget(
            data, harder_rules, clock),
        step_allowed=harder_rules is not None, note=note)


def _budget(data: PayData, plan: PayPlan, rule: PayRule) -> TargetSensitivity:
    """The budget rule: left over per fund as slack; binds when a fund with variable lines is
    spent (all but what rounding leaves: less than a fen a line)."""
    left = {f.fund: Yuan(f.left_over).fen for f in plan.funds}
    spent = [fund for fund in data.funds_in_use() if _variable(data, fund)
             and left.get(fund, 0) < len(data.people)]
    note = "; ".join(f"{fund.value} left over {fen_display(left.get(fund, 0))}"
                     for fund in data.funds_in_use())
    return TargetSensitivity(rule.name, rule.label, bool(spent),
                             slack=Yuan.of_fen(sum(left.values())), note=note)


def _variable(data: PayData, fund: Fund) -> bool:
    """Whether the solver sets lines of ``fund`` (performance pay, surplus award, top-ups)."""
    return any(line in VARIABLE_LINES for line in data.lines_of(fund))


def _deviation(data: PayData, rules: list[PayRule], clock: RunClock) -> float | None:
    """The least deviation from the plain formula under ``rules`` (None: no plan)."""
    model = PayModel(data, rules)
    assert model.l1 is not None
    if model.minimise(dict(model.l1.items()), clock) != "optimal":
        return None
    return float(pulp.value(model.l1) or 0.0)


def _binds(base: float | None, without: float | None) -> bool:
    if base is None or without is None:
        return base is None and without is not None
    return base - without > BINDS_FEN / 100


def _least_budget(data: PayData, rules: list[PayRule], clock: RunClock) -> int | None:
    """The least total of the funds (fen) with which ``rules`` hold (None: none does)."""
    model = PayModel(data, rules, extra_budget=True, extra_low=None, objective=False)
    weights = {var: (1.0 if fund is Fund.PERFORMANCE else 1.001)
               for fund, var in model.extra.items()}
    if model.minimise(weights, clock) != "optimal":
        return None
    model.polish()
    extra = sum(value for value in model.extra_budget_values().values())
    return sum(data.funds.values()) + math.ceil(extra * 100 - 1e-6)


def _yuan(fen: int | None) -> str:
    return "" if fen is None else str(Yuan.of_fen(fen))


TARGET_COLUMNS = ["rule", "label", "binds", "target", "value", "slack", "step", "cost_of_step",
                  "extra_budget_for_step", "budget_needed", "note"]


def targets_csv(found: list[TargetSensitivity], plan: PayPlan) -> str:
    """targets.csv: one row per pay rule (columns `TARGET_COLUMNS`)."""
    current = sum(Yuan(f.budget).fen for f in plan.funds)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, TARGET_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(t.row(current) for t in found)
    return buffer.getvalue()
