"""The performance-pay plan of a county medical community.

Based on the post, driven by performance points, tilted toward grassroots,
within budget and exact to the fen:

```python
plan = staffing.distribute_pay(instance, roster, policy)      # -> PayPlan
violations, figures = staffing.pay.check.check_pay(instance, policy, roster, plan)
```

Modules: `policy` (the pay section of a policy), `tables` (pay tables of an
instance), `rules` (the pay catalogue, one module per line or rule), `data`
(pay facts from the inputs), `model` (the PuLP LP), `rounding` (largest
remainder to the fen), `engine` (`distribute_pay`), `explain` (infeasibility:
conflicting rules, least extra budget, reachable targets), `check` (the
independent checker), `io` (pay.csv, xlsx, totals, figures, manifest), `cli`
(``staffing pay``), `synth` (pay tables for generated instances).

Nothing heavy is imported here: `staffing.domain.policy` imports
`staffing.pay.policy` when the package loads.
"""

from __future__ import annotations

from typing import Any

__all__ = ["distribute_pay"]


def distribute_pay(*args: Any, **kwargs: Any) -> Any:
    """See `staffing.pay.engine.distribute_pay`."""
    from staffing.pay.engine import distribute_pay as run

    return run(*args, **kwargs)
