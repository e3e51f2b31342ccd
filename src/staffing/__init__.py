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

from typing import TYPE_CHECKING, Any

import staffing.pay.tables  # noqa: F401  (registers the pay tables with every bundle format)
from staffing.check import CheckReport, check
from staffing.domain.instance import Instance
from staffing.domain.policy import Policy, Stage
from staffing.domain.roster import Assignment, Roster
from staffing.errors import InfeasibleError, InputError, PolicyError, Problem, StaffingError
from staffing.io.bundle import load, save
from staffing.io.policy_yaml import load_policy
from staffing.io.roster_io import read_roster, write_roster

if TYPE_CHECKING:
    from staffing.pay.plan import PayPlan
    from staffing.scenarios.batch import SweepResult, sweep

_LAZY = {"sweep": "staffing.scenarios", "SweepResult": "staffing.scenarios"}


def __getattr__(name: str) -> Any:
    """Scenario sweeps load on first use (they bring the solver and process pools)."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'staffing' has no attribute '{name}'")

__version__ = "0.1.0"


def allocate(instance: Instance, policy: Policy, **options: Any) -> Roster:
    """Run the two-way selection (see `staffing.allocation.engine.allocate`)."""
    from staffing.allocation.engine import allocate as run

    return run(instance, policy, **options)


def distribute_pay(instance: Instance, roster: Roster, policy: Policy,
                   **options: Any) -> PayPlan:
    """Split the performance-pay budget (see `staffing.pay.engine.distribute_pay`)."""
    from staffing.pay.engine import distribute_pay as run

    return run(instance, roster, policy, **options)


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
