"""Why no plan obeys the hard plan rules: the rule instances that conflict.

The plan model is built with every hard constraint guarded by its own
enforcement literal and solved with all of them assumed; CP-SAT returns a set
of assumptions sufficient for infeasibility. For each rule in that set, the
explainer then asks whether a plan exists with that rule's instances dropped,
so policy staff see which rule, alone, makes the targets impossible.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from staffing.planning.facts import PlanFacts
from staffing.planning.model import Mode, PlanModel, PlanRecord
from staffing.planning.policy import PlanningPolicy

SHOWN = 10


@dataclass
class PlanExplanation:
    """The conflicting rule instances of an infeasible plan, and which rule alone unblocks it."""

    conflicts: list[PlanRecord]
    alone: dict[str, bool] = field(default_factory=dict)  # rule -> a plan exists without it
    proven: bool = True

    def rules(self) -> list[str]:
        return list(dict.fromkeys(r.rule for r in self.conflicts))

    def __str__(self) -> str:
        if not self.conflicts:
            return ("no plan obeys the hard plan rules" + ("" if self.proven else
                    " (the conflicting rules were not found in time)"))
        by_rule: dict[str, list[PlanRecord]] = defaultdict(list)
        for record in self.conflicts:
            by_rule[record.rule].append(record)
        head = (f"no plan obeys the hard plan rules; {len(self.conflicts)} rule instances "
                f"conflict ({', '.join(by_rule)}):")
        lines = [head]
        for rule, records in by_rule.items():
            lines.append(f"- {rule}:")
            lines += [f"    {r.detail}" for r in records[:SHOWN]]
            if len(records) > SHOWN:
                lines.append(f"    ... {len(records) - SHOWN} more")
        for rule, feasible in self.alone.items():
            if feasible:
                lines.append(f"{rule} alone: without it a plan exists")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {"proven": self.proven, "rules": self.rules(),
                "conflicts": [{"rule": r.rule, "key": [str(k) for k in r.key],
                               "detail": r.detail, "unit": r.unit, "sense": r.sense,
                               "bound": r.bound, "people": list(r.people),
                               "where": list(r.where)} for r in self.conflicts],
                "feasible_without": {rule: ok for rule, ok in self.alone.items()}}


def explain_no_plan(facts: PlanFacts, planning: PlanningPolicy,
                    time_limit: float = 10.0) -> PlanExplanation:
    """The conflicting hard rule instances behind an infeasible plan."""
    m = PlanModel(facts, planning, mode=Mode.EXPLAIN)
    guarded = [r for r in m.records if r.literal is not None]
    status, core = _solve(m, guarded, time_limit)
    if status != cp_model.INFEASIBLE:
        return PlanExplanation([], proven=False)
    conflicts = [guarded[k] for k in core]
    alone = {}
    for rule in dict.fromkeys(r.rule for r in conflicts):
        kept = [r for r in guarded if r.rule != rule]
        code, _ = _solve(m, kept, time_limit, core_wanted=False)
        alone[rule] = code in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return PlanExplanation(conflicts, alone)


def _solve(m: PlanModel, records: list[PlanRecord], time_limit: float, *,
           core_wanted: bool = True) -> tuple[Any, list[int]]:
    """Solve with ``records`` assumed on; the indices (into ``records``) of a conflict."""
    m.model.clear_assumptions()
    m.model.clear_objective()
    m.model.add_assumptions([r.literal for r in records])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = max(time_limit, 0.5)
    status = solver.solve(m.model)
    if status != cp_model.INFEASIBLE or not core_wanted:
        return status, []
    index = {r.literal.index: k for k, r in enumerate(records)}
    return status, sorted(index[v] for v in solver.sufficient_assumptions_for_infeasibility()
                          if v in index)
