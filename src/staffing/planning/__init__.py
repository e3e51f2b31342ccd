"""Multi-year rotation planning: who serves at grassroots when, over the coming years.

```python
from staffing.planning.check import check_plan
from staffing.planning.engine import plan_rotations
result = plan_rotations(instance, policy, 3, SolveParams(time_limit=60))   # -> PlanResult
report = check_plan(instance, policy, result.rotations, 3)
```

A whole run from files to a written output folder is `staffing.runs.plan_run`.

Modules: `tables` (the planning tables of an instance and the plan's own
table), `facts` (what the plan works on: years, pool, departments, places,
options), `rules` (the plan-rule catalogue, one module per rule), `stages`
(the stage catalogue), `policy` (the planning section of a policy), `model`
(the CP-SAT model over the horizon), `engine` (`plan_rotations`), `check`
(the independent checker), `reasons` (each candidate's status and reason),
`explain` (why no plan obeys the hard rules), `io` (reading a plan, writing
the outputs), `directed` (year 1 as directed placements of the two-way
selection), `synth` (planning tables for generated counties). The commands
``rotation-plan`` and ``check-plan`` are in `staffing.cli.planning`.
"""

from __future__ import annotations
