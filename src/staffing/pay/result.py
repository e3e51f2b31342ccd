"""What `distribute_pay` returns: the plan, the independent checker's report, the manifest.

```python
pay = staffing.distribute_pay(instance, roster, policy)
pay.plan          # PayPlan: one line per paid person, fund use, schedule, figures
pay.report        # PayReport: every pay rule recomputed from the inputs and the plan's lines
pay.manifest      # what manifest.json holds
print(pay.summary())
```
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from staffing.pay.check import PayReport, check_plan
from staffing.pay.data import PayData
from staffing.pay.plan import PayPlan
from staffing.policy import Policy


class PayResult:
    """A pay plan and what is known about it.

    The checker's report is computed the first time it is asked for, from the pay facts the
    engine gathered from the inputs and the plan's parameters (budget override, ratio target;
    not from any solver value), as `check_pay` would.
    """

    def __init__(self, plan: PayPlan, data: PayData, policy: Policy):
        self.plan = plan
        self._data = data
        self._policy = policy

    def __repr__(self) -> str:
        return f"PayResult(status={self.status!r}, people={len(self.plan.lines)})"

    @property
    def status(self) -> str:
        return self.plan.status

    @property
    def manifest(self) -> dict[str, Any]:
        return self.plan.manifest

    @cached_property
    def report(self) -> PayReport:
        violations, figures = check_plan(self._data, self._policy, self.plan)
        return PayReport(violations, figures)

    def is_optimal(self) -> bool:
        return self.status == "optimal"

    def summary(self) -> str:
        """A short text for people: status, people paid, rule breaches, fund use, key figures."""
        report = self.report
        rules = ("every pay rule holds" if report.ok
                 else f"{len(report.hard_violations)} pay rule violations")
        funds = "; ".join(f"{f.fund.value} paid {f.paid:,} of {f.budget:,}"
                          for f in self.plan.funds)
        shown = ", ".join(f"{key} {self.plan.figures[key]}"
                          for key in ("tier_ratio", "reward_share", "max_to_min", "gini")
                          if self.plan.figures.get(key) is not None)
        return (f"{self.status}; {len(self.plan.lines)} people paid, {len(self.plan.unpaid)} "
                f"unpaid; {rules}; {funds}" + (f"; {shown}" if shown else ""))
