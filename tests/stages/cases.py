"""A small round for the stage tests, its rosters, and a stage's model value on a roster.

Posts H1 (county), T1 (township, two places), T2 (township, floor 1). P1 holds H1 and
asks for T1, P2 holds T1 and asks for H1, P3 holds T2 and did not apply; each panel ranks
its one applicant first. Continuity, post floors and stability are soft, so every stage can
take a value other than zero on some roster; the policy orders every stage.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from staffing.allocation.model import AllocationModel
from staffing.allocation.pairs import build_pairs
from staffing.check import check
from staffing.domain.instance import Instance
from staffing.domain.objective import Stage
from staffing.domain.roster import Roster
from staffing.policy import Policy
from staffing.rules.base import is_constant
from staffing.stages import STAGES
from tests.allocation.builders import community, policy
from tests.builders import roster

ROUND = community(
    posts=[{"id": "H1", "institution": "H"}, {"id": "T1", "institution": "T", "places": 2},
           {"id": "T2", "institution": "T", "floor": 1}],
    staff=[{"id": "P1", "current_post": "H1"}, {"id": "P2", "current_post": "T1"},
           {"id": "P3", "current_post": "T2"}],
    choices={"P1": ["T1"], "P2": ["H1"]},
    rankings={"T1": ["P1"], "H1": ["P2"]},
)
POLICY = policy([stage.value for stage in Stage], continuity={}, min_staffing={}, stability={})
ROSTERS = {
    "swap": roster(ROUND, {"P1": "T1", "P2": "H1", "P3": "T2"}),   # both applicants served
    "stay": roster(ROUND, {"P1": "H1", "P2": "T1", "P3": "T2"}),   # nobody moves
    "stayer_moved": roster(ROUND, {"P1": "T1", "P2": "H1", "P3": "T1"}),  # T2 left empty
    "unplaced": roster(ROUND, {"P1": "T1", "P3": "T2"}),           # P2 without a post
}


def model_values(stage: Stage, ros: Roster, instance: Instance = ROUND,
                 pol: Policy = POLICY) -> list[int]:
    """The minimum of each of the stage's objectives on the allocation model with every pair
    fixed to the roster (what the engine would report for it)."""
    m = AllocationModel(instance, pol, build_pairs(instance, pol))
    m.emit_rules()
    a = m.arrays
    chosen = set()
    for assignment in ros.assignments:
        if assignment.post is not None:
            k = m.pair_of(a.person_index[assignment.person], a.post_index[assignment.post])
            assert k is not None, f"the model has no pair {assignment.person}-{assignment.post}"
            chosen.add(k)
    for k, var in enumerate(m.x):
        m.model.add(var == int(k in chosen))
    values = []
    for minimise in STAGES[stage].objectives(m):
        if is_constant(minimise.expr):
            values.append(int(minimise.expr))
            continue
        m.model.minimize(minimise.expr)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        assert solver.solve(m.model) == cp_model.OPTIMAL
        values.append(round(solver.objective_value))
    return values


def assert_listed(stage: Stage, entry_type: type) -> None:
    """The catalogue's entry for ``stage`` is of ``entry_type`` and labelled in both languages."""
    entry = STAGES[stage]
    assert isinstance(entry, entry_type) and entry.name is stage
    for lang in ("zh", "en"):
        assert entry.label(lang) and entry.label(lang, short=True) and entry.heading(lang)


def assert_checker_value(stage: Stage, roster_name: str, expected: object) -> None:
    """The checker passes the roster and recomputes ``expected`` as the stage's value."""
    report = check(ROUND, POLICY, ROSTERS[roster_name])
    assert report.ok
    assert report.stages[stage.value] == expected


def assert_more_is_worse(stage: Stage) -> None:
    """A larger value is worse, and a change reads with the stage's label."""
    entry = STAGES[stage]
    assert entry.worse(0, 1) and not entry.worse(1, 0) and not entry.worse(1, 1)
    assert entry.change(0, 1, "en") == f"{entry.label_en} would go from 0 to 1"
    assert entry.change(0, 1, "zh") == f"{entry.label_zh}将由0变为1"
