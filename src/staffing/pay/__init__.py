"""The performance-pay plan of a county medical community.

Based on the post, driven by performance points, tilted toward grassroots,
within budget and exact to the fen:

```python
pay = staffing.distribute_pay(instance, roster, policy)       # -> PayResult
violations, figures = staffing.pay.check.check_pay(instance, policy, roster, pay.plan)
```

Modules, bottom to top (the layer order of `tests/test_architecture.py`):
`codes`, `money`, `tables` (pay tables of an instance), `plan` (plan records),
`explained` (the rows of pay_explained.csv), `hull`, `rounding` (the
project's rounding rule: every line down to the fen); `rules` (the pay
catalogue, one module per line or rule, each explaining its own lines),
`data` (pay facts from the inputs), `view` (a plan's lines as arrays),
`model` (the PuLP LP); `policy` (the pay section of a policy); `engine`
(`distribute_pay`), `explain` (infeasibility: conflicting rules, least extra
budget, reachable targets), `check` (the independent checker, exact to the
fen), `reasons` (each person's pay explained and re-checked), `sensitivity`
(each pay rule's binding, slack and the cost of one more unit of its
target), `figures`, `io` (pay.csv, pay_explained.csv, xlsx, totals, figures,
manifest), `synth` (pay tables for generated instances). The command is in
`staffing.cli.pay`.

This package module imports nothing: its modules live in several layers.
"""
