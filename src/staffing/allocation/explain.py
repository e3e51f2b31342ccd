"""Why a policy cannot be met, and what it would take.

1. Build the model with one enforcement literal per hard constraint instance
   (every rule's pair bans included) and solve under all of them as
   assumptions; CP-SAT returns a set of literals sufficient for
   infeasibility. Presolve is off and one worker runs, as cores are only
   reliable so.
2. Shrink that set by deletion until every member is needed: a minimal
   conflict, named by rule and instance (which pool, which villages, which
   people).
3. For each rule in the conflict, relax only that rule's instances (slack
   in the rule's unit) and minimise the slack: the smallest change of that
   rule alone that makes the policy feasible ("7 more places in the
   grassroots pool would").
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from staffing.allocation.model import AllocationModel, ConstraintRecord, Mode
from staffing.allocation.pairs import build_pairs
from staffing.domain.instance import Instance
from staffing.domain.policy import Policy


@dataclass
class Repair:
    """The least change of one rule that makes the policy feasible."""

    rule: str
    amount: int
    unit: str
    changes: list[dict[str, Any]]

    def text(self, policy: Policy) -> str:
        rule = policy.rule(self.rule)
        label = rule.label_en if rule else self.rule
        parts = [change_text(c) for c in self.changes[:5]]
        more = f" (and {len(self.changes) - 5} more changes)" if len(self.changes) > 5 else ""
        return f"{label} alone: {'; '.join(parts)}{more} would make it feasible"


def change_text(change: dict[str, Any]) -> str:
    """A relaxation in words: more room under a cap, or less asked of a floor."""
    if change["sense"] == "<=":
        return f"{change['amount']} more {change['unit']} for {change['detail']}"
    return f"{change['amount']} {change['unit']} less for {change['detail']}"


@dataclass
class Explanation:
    """The minimal conflicting rule instances and the repairs found."""

    policy: str
    conflict: list[dict[str, Any]]
    minimal: bool
    repairs: list[Repair] = field(default_factory=list)
    summary: str = ""

    @property
    def rules(self) -> list[str]:
        return sorted({c["rule"] for c in self.conflict})

    def __str__(self) -> str:
        return self.summary

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy": self.policy, "rules": self.rules, "minimal": self.minimal,
            "conflict": self.conflict,
            "repairs": [{"rule": r.rule, "amount": r.amount, "unit": r.unit, "changes": r.changes}
                        for r in self.repairs],
            "summary": self.summary,
        }


def _record_dict(record: ConstraintRecord) -> dict[str, Any]:
    return {"rule": record.rule, "instance": record.name, "detail": record.detail,
            "bound": f"{record.sense} {record.bound}", "people": list(record.people),
            "posts": list(record.posts), "institutions": list(record.institutions)}


def _solver(limit: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.cp_model_presolve = False
    solver.parameters.max_time_in_seconds = max(limit, 0.05)
    return solver


def _infeasible_under(m: AllocationModel, literals: list[Any], limit: float) -> tuple[bool | None,
                                                                                     list[int]]:
    """Whether enforcing ``literals`` is infeasible (None if unknown), and the solver's core."""
    m.model.clear_assumptions()
    m.model.add_assumptions(literals)
    solver = _solver(limit)
    status = solver.solve(m.model)
    if status == cp_model.INFEASIBLE:
        return True, list(solver.sufficient_assumptions_for_infeasibility())
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return False, []
    return None, []


def minimal_conflict(m: AllocationModel, deadline: float) -> tuple[list[ConstraintRecord], bool]:
    """A minimal set of hard constraint instances that cannot hold together."""
    guarded = [r for r in m.records if r.literal is not None]
    by_index = {r.literal.index: r for r in guarded}
    infeasible, core = _infeasible_under(m, [r.literal for r in guarded],
                                         deadline - time.perf_counter())
    if not infeasible:
        return [], False
    current = [by_index[i] for i in core if i in by_index] or guarded
    check, _ = _infeasible_under(m, [r.literal for r in current], deadline - time.perf_counter())
    if not check:
        current = guarded
    minimal = True
    k = 0
    while k < len(current):
        if time.perf_counter() > deadline:
            minimal = False
            break
        trial = current[:k] + current[k + 1:]
        infeasible, core = _infeasible_under(m, [r.literal for r in trial],
                                             deadline - time.perf_counter())
        if infeasible:
            smaller = [by_index[i] for i in core if i in by_index]
            current = smaller if smaller and len(smaller) < len(trial) else trial
            current = [r for r in current]  # keep the order of the shrunk set
            k = min(k, len(current))
        else:
            k += 1
            if infeasible is None:
                minimal = False
    m.model.clear_assumptions()
    return current, minimal


def repair_rule(instance: Instance, policy: Policy, rule: str, limit: float) -> Repair | None:
    """Least total slack over every instance of one hard rule that makes the policy feasible.

    None when relaxing that rule alone cannot make the policy feasible.
    """
    m = AllocationModel(instance, policy, build_pairs(instance, policy, keep_forbidden=True),
                        mode=Mode.REPAIR, relax_rules={rule})
    m.emit_rules()
    relaxed = [r for r in m.records if r.slack is not None and r.hard]
    if not relaxed:
        return None
    m.model.minimize(sum(r.slack for r in relaxed))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = max(limit, 0.1)
    status = solver.solve(m.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    changes: list[dict[str, Any]] = [
        {"instance": r.name, "detail": r.detail, "amount": int(solver.value(r.slack)),
         "unit": r.unit, "sense": r.sense}
        for r in relaxed if solver.value(r.slack) > 0
    ]
    return Repair(rule, sum(int(c["amount"]) for c in changes), relaxed[0].unit, changes)


def explain_infeasibility(instance: Instance, policy: Policy, *,
                          time_limit: float = 60.0) -> Explanation:
    """Name the conflicting rules and instances, and the least change of each that would do."""
    deadline = time.perf_counter() + max(time_limit, 5.0)
    m = AllocationModel(instance, policy, build_pairs(instance, policy, keep_forbidden=True),
                        mode=Mode.EXPLAIN)
    m.emit_rules()
    conflict, minimal = minimal_conflict(m, deadline)
    if not conflict:
        return Explanation(policy.name, [], False, summary=(
            "no roster was found, but no conflict among the hard rules could be isolated "
            "within the time limit; allow more time"))
    by_rule: dict[str, list[ConstraintRecord]] = defaultdict(list)
    for record in conflict:
        by_rule[record.rule].append(record)
    repairs = []
    for rule in by_rule:
        repair = repair_rule(instance, policy, rule,
                             max(1.0, (deadline - time.perf_counter()) / max(len(by_rule), 1)))
        if repair is not None:
            repairs.append(repair)
    explanation = Explanation(policy.name, [_record_dict(r) for r in conflict], minimal, repairs)
    explanation.summary = summarise(policy, by_rule, repairs, minimal)
    return explanation


def summarise(policy: Policy, by_rule: dict[str, list[ConstraintRecord]], repairs: list[Repair],
              minimal: bool) -> str:
    """One paragraph: which rule instances collide and what would resolve it."""
    parts = []
    for rule_name, records in by_rule.items():
        rule = policy.rule(rule_name)
        label = rule.label_en if rule else rule_name
        if len(records) == 1:
            parts.append(f"{label} ({records[0].detail})")
        else:
            parts.append(f"{label} for {len(records)} instances ("
                         + "; ".join(r.detail for r in records[:4])
                         + ("; ..." if len(records) > 4 else "") + ")")
    head = " and ".join(parts) + " cannot all hold"
    if len(by_rule) == 1:
        head = parts[0] + " cannot hold"
    head += "" if minimal else " (conflict not proven minimal within the time limit)"
    tail = "; or, ".join(r.text(policy) for r in repairs)
    return head + (". Least changes - " + tail + "." if tail else ".")
