"""Polishing a solution: the best completion of its pairs for one objective.

A stage's solution leaves the variables that only a later stage minimises (the slack of a
soft rule, the indicators behind it) wherever the search left them: on the 3,000-person
generated county under Chongqing 2024 the soft-floors solution read 1,130 blocking pairs in
the model while its roster has 772, and the search spent seconds closing that difference.
With every pair variable fixed at its value, a small solve (propagation, no search worth the
name) sets the rest at their best for the objective: the next stage starts from its roster's
real value, and a stage stopped by the time limit is fixed at the value its roster has, not
at what the search last wrote.

A polish never changes who holds which post (it may charge a person to another headcount
pool, which is not a pair variable); when it does not finish in its share of the time it
changes nothing.
"""

from __future__ import annotations

from typing import Any, Protocol

from ortools.sat.python import cp_model

from staffing.allocation.model import AllocationModel
from staffing.domain.clock import RunClock

_SHARE = 0.25  # most of the time left a polish may use


class Budget(Protocol):
    """What a polish needs of the solve's settings (`staffing.allocation.stages.SolveSettings`)."""

    deterministic: bool
    seed: int
    deterministic_used: float
    clock: RunClock | None

    def remaining(self) -> float: ...

    def wall_remaining(self) -> float: ...


def reads_more_than_pairs(m: AllocationModel, expr: Any) -> bool:
    """Whether the objective ``expr`` reads variables other than the pair variables (slack,
    indicators): only then can a completion of the same pairs change its value. Leaves
    ``expr`` as the model's objective."""
    m.model.minimize(expr)
    return any(index >= len(m.x) for index in m.model.proto.objective.vars)


def polish(m: AllocationModel, expr: Any, name: str, solution: list[int],
           settings: Budget) -> tuple[list[int], int] | None:
    """The best completion of ``solution``'s pair values for the objective ``expr`` (the
    solve called ``name``): (solution, value).

    ``solution`` may be a whole solution of the model or its pair values alone (a roster
    from elsewhere). None when the pairs break a hard rule of this model or the polish does
    not finish in its share of the time left.
    """
    seconds = settings.wall_remaining() * _SHARE
    if seconds <= 0.0 or len(solution) < len(m.x):
        return None
    m.model.minimize(expr)
    m.model.clear_hints()
    hint = m.model.proto.solution_hint
    hint.vars.extend(range(len(m.x)))
    hint.values.extend(solution[: len(m.x)])
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = 1
    params.random_seed = settings.seed
    params.fix_variables_to_their_hinted_value = True
    params.max_time_in_seconds = seconds
    if settings.deterministic:
        params.max_deterministic_time = max(settings.remaining(), 0.01)
    status = solver.solve(m.model)
    settings.deterministic_used += solver.deterministic_time
    m.model.clear_hints()
    if status != cp_model.OPTIMAL:
        if status == cp_model.UNKNOWN and settings.deterministic and settings.clock is not None:
            settings.clock.wall_capped.append(f"polish {name}")
        return None
    return list(solver.response_proto.solution), round(solver.objective_value)
