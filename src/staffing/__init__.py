"""staffing: staff post allocation and performance pay for county medical communities.

```python
import staffing
inst = staffing.load("instances/demo-county")
policy = staffing.load_policy("models/chongqing-2024.yaml")
roster = staffing.allocate(inst, policy, time_limit=30)
pay = staffing.distribute_pay(inst, roster, policy)
report = staffing.check(inst, policy, roster, pay)
```
"""

from __future__ import annotations

from staffing.allocation.engine import allocate
from staffing.check import CheckReport, check
from staffing.domain.instance import Instance
from staffing.domain.objective import Stage
from staffing.domain.roster import Assignment, Roster
from staffing.errors import InfeasibleError, InputError, PolicyError, Problem, StaffingError
from staffing.io.bundle import load, save
from staffing.io.roster_io import read_roster, write_roster
from staffing.pay.engine import distribute_pay
from staffing.policy import Policy, load_policy
from staffing.scenarios import SweepResult, sweep

__version__ = "0.1.0"

__all__ = [
    "Assignment",
    "CheckReport",
    "InfeasibleError",
    "InputError",
    "Instance",
    "Policy",
    "PolicyError",
    "Problem",
    "Roster",
    "StaffingError",
    "Stage",
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
