"""The performance-pay plan of a county medical community.

Based on the post, driven by performance points, tilted toward grassroots,
within budget and exact to the fen:

```python
pay = staffing.distribute_pay(instance, roster, policy)       # -> PayResult
violations, figures = staffing.pay.check.check_pay(instance, policy, roster, pay.plan)
```

Modules, bottom to top (the layer order of `tests/test_architecture.py`):
`codes`, `money`, `tables` (pay tables of an instance), `plan` (plan records),
`hull`, `rounding` (largest remainder to the fen); `rules` (the pay catalogue,
one module per line or rule), `data` (pay facts from the inputs), `view` (a
plan's lines as arrays), `model` (the PuLP LP); `policy` (the pay section of a
policy); `engine` (`distribute_pay`), `explain` (infeasibility: conflicting
rules, least extra budget, reachable targets), `check` (the independent
checker), `figures`, `io` (pay.csv, xlsx, totals, figures, manifest), `synth`
(pay tables for generated instances). The command is in `staffing.cli.pay`.

This package module imports nothing: its modules live in several layers.
"""
