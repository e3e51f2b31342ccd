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

import importlib
from typing import TYPE_CHECKING, Any

# `check` is imported now: it shares its name with the module `staffing.check`, which would
# otherwise shadow it once imported.
from staffing.check import CheckReport, check

if TYPE_CHECKING:  # the names below, for type checkers; at run time each is read on first use
    from staffing.allocation.engine import allocate
    from staffing.allocation.result import AllocationResult, StageResult
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

# Where each public name lives. They are imported when first read (PEP 562), so that
# ``import staffing.cli`` (which runs this file first) pays only for what its command uses.
_HOMES = {
    "allocate": "staffing.allocation.engine",
    "AllocationResult": "staffing.allocation.result",
    "StageResult": "staffing.allocation.result",
    "Instance": "staffing.domain.instance",
    "Stage": "staffing.domain.objective",
    "SolveParams": "staffing.domain.params",
    "Assignment": "staffing.domain.roster",
    "Roster": "staffing.domain.roster",
    "InfeasibleError": "staffing.errors",
    "InputError": "staffing.errors",
    "PolicyError": "staffing.errors",
    "Problem": "staffing.errors",
    "StaffingError": "staffing.errors",
    "load": "staffing.io.bundle",
    "save": "staffing.io.bundle",
    "read_roster": "staffing.io.roster_io",
    "write_roster": "staffing.io.roster_io",
    "distribute_pay": "staffing.pay.engine",
    "PayPlan": "staffing.pay.plan",
    "PayResult": "staffing.pay.result",
    "Policy": "staffing.policy",
    "load_policy": "staffing.policy",
    "SweepResult": "staffing.scenarios",
    "sweep": "staffing.scenarios",
}


def __getattr__(name: str) -> Any:
    """A public name, imported from its home module when first read."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'staffing' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])


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
