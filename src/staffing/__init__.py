"""staffing: staff post allocation and performance pay for county medical communities.

```python
import staffing
from staffing import SolveParams
inst = staffing.load("instances/demo-county")
policy = staffing.load_policy("models/chongqing-2024.yaml")
result = staffing.allocate(inst, policy, SolveParams(time_limit=30))  # AllocationResult
pay = staffing.distribute_pay(inst, result.roster, policy)            # PayResult
report = staffing.check(inst, policy, result.roster, pay.plan)        # CheckReport
```

A whole run from files to a written output folder is `staffing.runs.solve_run`.
"""

from __future__ import annotations

from staffing.allocation.engine import allocate
from staffing.allocation.result import AllocationResult, StageResult
from staffing.check import CheckReport, check
from staffing.domain.instance import Instance
from staffing.domain.objective import Stage
from staffing.domain.params import SolveParams
from staffing.domain.roster import Assignment, Roster
from staffing.errors import InfeasibleError, InputError, PolicyError, Problem, StaffingError
from staffing.io.bundle import load, save
from staffing.io.roster_io import read_roster, write_roster
from staffing.pay.engine import distribute_pay
from staffing.pay.plan import PayPlan
from staffing.pay.result import PayResult
from staffing.policy import Policy, load_policy
from staffing.scenarios import SweepResult, sweep

__version__ = "0.1.0"

__all__ = [
    "AllocationResult",
    "Assignment",
    "CheckReport",
    "InfeasibleError",
    "InputError",
    "Instance",
    "PayPlan",
    "PayResult",
    "Policy",
    "PolicyError",
    "Problem",
    "Roster",
    "SolveParams",
    "StaffingError",
    "Stage",
    "StageResult",
    "SweepResult",
    "allocate",
    "check",
    "distribute_pay",
    "load",
    "load_policy",
    "read_roster",
    "save",
    "sweep",
    "write_roster",
]
