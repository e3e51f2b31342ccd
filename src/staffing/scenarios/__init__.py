"""Policy scenarios: what-if runs, sweeps, comparisons and the feasibility frontier.

```python
import staffing
inst = staffing.load("instances/demo-county")
policy = staffing.load_policy("models/chongqing-2024.yaml")
result = staffing.sweep(inst, policy, {"rules.post_structure.senior_max_share": [0.10, 0.15]})
result.to_frame()            # one row per scenario, the base first
```

| module | what it does |
|---|---|
| `overrides` | changes by path into a policy and an instance (``+5``, ``×1.1``), validated |
| `spec` | scenarios, scenario files (YAML), sweep axes and grids |
| `execute` | one scenario: solve, check, binding rules, pay, explanation, as an outcome |
| `binding` | which hard rules bind on a roster (slack zero) |
| `backends` | this process, local worker processes (default) or Ray tasks |
| `batch` | many scenarios against one base, warm-started; per-scenario outputs |
| `table` | the comparison table (CSV, xlsx, bilingual headers) |
| `frontier` | where a parameter turns the policy infeasible, and why |
| `chart` | the trade-off chart (PNG, SVG) |
| `compare` | two run folders side by side |
"""

from staffing.scenarios.batch import SweepResult, run_scenarios, sweep
from staffing.scenarios.execute import RunSettings, ScenarioOutcome
from staffing.scenarios.frontier import FrontierResult, frontier
from staffing.scenarios.overrides import Override, Value
from staffing.scenarios.spec import Axis, Scenario, load_scenario, parse_axis

__all__ = [
    "Axis",
    "FrontierResult",
    "Override",
    "RunSettings",
    "Scenario",
    "ScenarioOutcome",
    "SweepResult",
    "Value",
    "frontier",
    "load_scenario",
    "parse_axis",
    "run_scenarios",
    "sweep",
]
