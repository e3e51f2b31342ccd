"""Which hard rules bind on a roster: the slack-zero test.

The test used: a hard rule instance binds when its slack on the roster is zero,
that is, the roster sits exactly at the instance's bound (a pool filled to its
quota, a township at its senior cap, a centre at the fewest team members it
needs). The slack is measured on the model the engine solves: every hard
constraint instance a rule emits is kept with its expression, the roster's
pairs, pools and tours are fixed, and each expression is read back. A rule
with no instance at zero slack does not bind anywhere: "the cap does not bind"
is then a stated result. A rule whose instances are no bounds (``binds_by_slack``
off: stability, an all-pairs condition) is not listed, nor are pair bans,
which hold by construction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from staffing.allocation.model import AllocationModel
from staffing.allocation.pairs import build_pairs
from staffing.domain.instance import Instance
from staffing.domain.roster import Roster
from staffing.policy import Policy
from staffing.rules.base import is_constant

FIX_LIMIT = 10.0  # seconds: the fixed model is pure propagation


@dataclass
class Binding:
    """One hard rule on one roster: how many of its instances are at their bound, and which."""

    rule: str
    label_en: str
    label_zh: str
    instances: int
    binding: list[str] = field(default_factory=list)  # details of the instances at zero slack
    slack: dict[str, int] = field(default_factory=dict)  # instance name -> slack

    @property
    def binds(self) -> bool:
        return bool(self.binding)

    def text(self) -> str:
        if not self.binding:
            return f"{self.label_en}: does not bind (0 of {self.instances} instances at the bound)"
        shown = "; ".join(self.binding[:3]) + (" ..." if len(self.binding) > 3 else "")
        return (f"{self.label_en}: binds at {len(self.binding)} of {self.instances} "
                f"instances ({shown})")


class _RecordingModel(AllocationModel):
    """The solve model, also keeping each hard constraint instance's expression."""

    def __init__(self, *args: Any, **kwargs: Any):
        self.kept: list[tuple[Any, Any]] = []  # (record, expression)
        super().__init__(*args, **kwargs)

    def at_least(self, rule: Any, key: tuple, expr: Any, bound: int, **kw: Any) -> Any:
        return self._keep(super().at_least, rule, key, expr, bound, **kw)

    def at_most(self, rule: Any, key: tuple, expr: Any, bound: int, **kw: Any) -> Any:
        return self._keep(super().at_most, rule, key, expr, bound, **kw)

    def _keep(self, add: Any, rule: Any, key: tuple, expr: Any, bound: int, **kw: Any) -> Any:
        before = len(self.records)
        result = add(rule, key, expr, bound, **kw)
        if len(self.records) > before and self.records[-1].hard:
            self.kept.append((self.records[-1], expr))
        return result


def _fix_roster(m: _RecordingModel, roster: Roster) -> bool:
    """Fix pairs, recruits' pools and tours to the roster; False if the roster is not in it."""
    a = m.arrays
    chosen = set()
    for assignment in roster.assignments:
        if assignment.post is None:
            continue
        k = m.pair_of(a.person_index[assignment.person], a.post_index[assignment.post])
        if k is None:
            return False
        chosen.add(k)
        i = int(a.person_index[assignment.person])
        for pool, var in m.charge.get(i, {}).items():
            if var is not None:
                m.model.add(var == int(assignment.pool is pool))
    for k, var in enumerate(m.x):
        m.model.add(var == int(k in chosen))
    for village, literal in m.tour_literals.items():
        m.model.add(literal == int(village in roster.tours))
    return True


def binding_rules(instance: Instance, policy: Policy, roster: Roster) -> list[Binding]:
    """Each hard bound rule of the policy with its instances at zero slack on the roster.

    Returns an empty list when the roster cannot be read back on the model (a roster
    from elsewhere using a pair the engine would never build).
    """
    m = _RecordingModel(instance, policy, build_pairs(instance, policy))
    m.emit_rules()
    if not _fix_roster(m, roster):
        return []
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = FIX_LIMIT
    if solver.solve(m.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return []
    by_rule: dict[str, Binding] = {}
    for rule in policy.rule_objects():
        if rule.hard and rule.binds_by_slack:
            by_rule[rule.name] = Binding(rule.name, rule.label_en, rule.label_zh, 0)
    for record, expr in m.kept:
        entry = by_rule.get(record.rule)
        if entry is None:
            continue
        value = int(expr) if is_constant(expr) else int(solver.value(expr))
        slack = value - record.bound if record.sense == ">=" else record.bound - value
        slack //= max(record.scale, 1)
        entry.instances += 1
        entry.slack[record.name] = slack
        if slack == 0:
            entry.binding.append(record.detail)
    return list(by_rule.values())
