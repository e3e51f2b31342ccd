"""Why a policy cannot be met, and what it would take.

1. Build the model once with one enforcement literal per hard constraint
   instance (every rule's pair bans included). A *probe* asks whether a set of
   instances can hold together: their literals are fixed on, every other
   literal off, and CP-SAT runs with its full presolve, which drops the
   constraints switched off, on one worker and time-boxed. The model is built
   once and only the literals' domains change between probes.
2. Rule level first, as it is cheap: each hard rule alone (most conflicts
   come from one rule a policy tightened), else every rule but one, dropping
   the rules the conflict does without.
3. Then the instances of the rules found only, shrunk to a minimal conflict by
   QuickXplain (Junker 2004): a few probes per member, named by rule and
   instance (which pool, which villages, which people).
4. For each rule in the conflict, relax only that rule's instances (slack in
   the rule's unit) and minimise the slack: the smallest change of that rule
   alone that makes the policy feasible ("7 more places in the grassroots pool
   would"). One relaxed model serves every rule: the other rules' slack is
   fixed at zero.

Everything runs before a deadline. A probe that cannot answer in its time
counts as "could hold", so the conflict found may be larger than minimal (it
says so); a repair cut short is the best change found, not proven least.
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
from staffing.policy import Policy

# Share of the time left that one probe may use, so a probe that cannot answer leaves time for
# the others; the share of the explanation's time kept for the repairs.
_PROBE_SHARE = 0.5
_REPAIR_SHARE = 0.3
# Deterministic time units a probe may use per second of its wall-clock box (deterministic
# mode: the box is in deterministic time, so the same inputs give the same explanation).
_DETERMINISTIC_PER_SECOND = 0.5


@dataclass
class Repair:
    """The least change of one rule that makes the policy feasible.

    ``proven`` is False when the search for the least change was cut short by the
    deadline: the change found makes the policy feasible but a smaller one may exist.
    """

    rule: str
    amount: int
    unit: str
    changes: list[dict[str, Any]]
    proven: bool = True

    def text(self, policy: Policy) -> str:
        rule = policy.rule(self.rule)
        label = rule.label_en if rule else self.rule
        parts = [change_text(c) for c in self.changes[:5]]
        more = f" (and {len(self.changes) - 5} more changes)" if len(self.changes) > 5 else ""
        least = "" if self.proven else " (the least change was not proven in time)"
        return f"{label} alone: {'; '.join(parts)}{more} would make it feasible{least}"


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
    probes: int = 0

    @property
    def rules(self) -> list[str]:
        return sorted({c["rule"] for c in self.conflict})

    def __str__(self) -> str:
        return self.summary

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy": self.policy, "rules": self.rules, "minimal": self.minimal,
            "conflict": self.conflict,
            "repairs": [{"rule": r.rule, "amount": r.amount, "unit": r.unit, "changes": r.changes,
                         "proven": r.proven} for r in self.repairs],
            "summary": self.summary, "probes": self.probes,
        }


def _record_dict(record: ConstraintRecord) -> dict[str, Any]:
    return {"rule": record.rule, "instance": record.name, "detail": record.detail,
            "bound": f"{record.sense} {record.bound}", "people": list(record.people),
            "posts": list(record.posts), "institutions": list(record.institutions)}


class Deadline:
    """Wall-clock end of the explanation, and how a solve is time-boxed before it."""

    def __init__(self, end: float, deterministic: bool):
        self.end = end
        self.deterministic = deterministic

    def left(self) -> float:
        return self.end - time.perf_counter()

    def solver(self, seconds: float) -> cp_model.CpSolver:
        """A one-worker solver boxed to ``seconds`` (deterministic time in deterministic mode).

        The full LP relaxation (level 2) proves the counting arguments these conflicts and
        repairs rest on in seconds where the default level searches for minutes.
        """
        solver = cp_model.CpSolver()
        params = solver.parameters
        params.num_workers = 1
        params.linearization_level = 2
        params.max_time_in_seconds = max(0.01, min(seconds, self.left()))
        if self.deterministic:
            params.max_deterministic_time = max(0.01, seconds * _DETERMINISTIC_PER_SECOND)
        return solver


class ConflictSearch:
    """Probes of one model with a literal per hard constraint instance."""

    def __init__(self, m: AllocationModel, deadline: Deadline):
        self.m = m
        self.deadline = deadline
        self.guarded = [r for r in m.records if r.literal is not None]
        self.by_rule: dict[str, list[ConstraintRecord]] = defaultdict(list)
        for record in self.guarded:
            self.by_rule[record.rule].append(record)
        self.probes = 0
        self.unanswered = 0

    def infeasible(self, records: list[ConstraintRecord]) -> bool | None:
        """Whether ``records`` cannot all hold (None: no answer within the probe's box)."""
        box = self.deadline.left() * _PROBE_SHARE
        if box <= 0.01:
            self.unanswered += 1
            return None
        on = {id(r) for r in records}
        variables = self.m.model.proto.variables
        for record in self.guarded:
            value = 1 if id(record) in on else 0
            domain = variables[record.literal.index].domain
            domain[0] = domain[1] = value
        solver = self.deadline.solver(box)
        status = solver.solve(self.m.model)
        for record in self.guarded:
            domain = variables[record.literal.index].domain
            domain[0], domain[1] = 0, 1
        self.probes += 1
        if status == cp_model.INFEASIBLE:
            return True
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return False
        self.unanswered += 1
        return None

    def conflicting_rules(self) -> list[str]:
        """A set of rules proven unable to hold together, minimal when every probe answered.

        Each rule alone first; else every rule but one in turn, keeping those the
        conflict needs. Empty when every rule can hold together, or when no probe could
        prove they cannot within the time.
        """
        rules = list(self.by_rule)
        for rule in rules:
            if self.infeasible(self.by_rule[rule]):
                return [rule]
        if not self.infeasible(self.guarded):
            return []
        needed = list(rules)
        for rule in rules if len(rules) > 2 else []:
            trial = [r for r in needed if r != rule]
            if self.infeasible([rec for r in trial for rec in self.by_rule[r]]):
                needed = trial
        return needed

    def minimal_instances(self, candidates: list[ConstraintRecord]) -> list[ConstraintRecord]:
        """QuickXplain over ``candidates`` (known to conflict): a minimal conflicting subset."""
        return self._quickxplain([], False, candidates)

    def _quickxplain(self, background: list[ConstraintRecord], changed: bool,
                     candidates: list[ConstraintRecord]) -> list[ConstraintRecord]:
        if changed and self.infeasible(background):
            return []
        if len(candidates) <= 1:
            return list(candidates)
        half = len(candidates) // 2
        first, second = candidates[:half], candidates[half:]
        from_second = self._quickxplain(background + first, bool(first), second)
        from_first = self._quickxplain(background + from_second, bool(from_second), first)
        return from_first + from_second


def minimal_conflict(m: AllocationModel, deadline: Deadline) -> tuple[list[ConstraintRecord],
                                                                      bool, int]:
    """A set of hard constraint instances that cannot hold together.

    Returns the set, whether it is proven minimal, and the number of probes made.
    """
    search = ConflictSearch(m, deadline)
    rules = search.conflicting_rules()
    candidates = [r for rule in rules for r in search.by_rule[rule]]
    if not candidates:
        return [], search.unanswered == 0, search.probes
    conflict = search.minimal_instances(candidates)
    if search.unanswered and conflict != candidates and not search.infeasible(conflict):
        conflict = candidates  # a probe left unanswered may have let a needed instance go
    return conflict, search.unanswered == 0, search.probes


def repair_rules(instance: Instance, policy: Policy, rules: list[str],
                 deadline: Deadline) -> list[Repair]:
    """For each rule, the least total slack over its instances that makes the policy feasible.

    One model relaxes every rule of ``rules``; each rule's solve fixes the others' slack at
    zero. A rule that cannot make the policy feasible alone gets no repair.
    """
    m = AllocationModel(instance, policy, build_pairs(instance, policy, keep_forbidden=True),
                        mode=Mode.REPAIR, relax_rules=set(rules))
    m.emit_rules()
    slacks: dict[str, list[ConstraintRecord]] = defaultdict(list)
    for record in m.records:
        if record.slack is not None and record.hard:
            slacks[record.rule].append(record)
    repairs = []
    for k, rule in enumerate(rules):
        share = deadline.left() / max(len(rules) - k, 1)
        repair = _least_change(m, rule, slacks, share, deadline)
        if repair is not None:
            repairs.append(repair)
    return repairs


def _least_change(m: AllocationModel, rule: str, slacks: dict[str, list[ConstraintRecord]],
                  seconds: float, deadline: Deadline) -> Repair | None:
    relaxed = slacks.get(rule, [])
    if not relaxed or seconds <= 0.01:
        return None
    variables = m.model.proto.variables
    others = [r.slack.index for name, records in slacks.items() if name != rule for r in records]
    saved = [list(variables[index].domain) for index in others]
    for index in others:
        variables[index].domain[1] = 0
    m.model.minimize(sum(r.slack for r in relaxed))
    solver = deadline.solver(seconds)
    status = solver.solve(m.model)
    for index, domain in zip(others, saved):
        variables[index].domain[1] = domain[1]
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    changes: list[dict[str, Any]] = [
        {"instance": r.name, "detail": r.detail, "amount": int(solver.value(r.slack)),
         "unit": r.unit, "sense": r.sense}
        for r in relaxed if solver.value(r.slack) > 0
    ]
    return Repair(rule, sum(int(c["amount"]) for c in changes), relaxed[0].unit, changes,
                  proven=status == cp_model.OPTIMAL)


def explain_infeasibility(instance: Instance, policy: Policy, *, time_limit: float = 60.0,
                          deadline: float | None = None,
                          deterministic: bool = False) -> Explanation:
    """Name the conflicting rules and instances, and the least change of each that would do.

    Parameters
    ----------
    time_limit
        seconds from now for the whole explanation (used when ``deadline`` is not given).
    deadline
        the `time.perf_counter` value by which the explanation is returned.
    deterministic
        time-box each solve in deterministic time, so identical inputs give identical
        explanations (the deadline still caps the wall time).
    """
    end = Deadline(deadline if deadline is not None else time.perf_counter() + time_limit,
                   deterministic)
    m = AllocationModel(instance, policy, build_pairs(instance, policy, keep_forbidden=True),
                        mode=Mode.EXPLAIN)
    m.emit_rules()
    conflict, minimal, probes = minimal_conflict(m, end)
    if not conflict:
        return Explanation(policy.name, [], False, probes=probes, summary=(
            "no roster was found, but no conflict among the hard rules could be isolated "
            "within the time limit; allow more time"))
    by_rule: dict[str, list[ConstraintRecord]] = defaultdict(list)
    for record in conflict:
        by_rule[record.rule].append(record)
    repairs = repair_rules(instance, policy, list(by_rule), end)
    explanation = Explanation(policy.name, [_record_dict(r) for r in conflict], minimal, repairs,
                              probes=probes)
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
