"""The pay plan as a PuLP linear programme over pay-class schedules, solved with bundled CBC.

Variables, per pay class ``k`` (see `staffing.pay.data`):

- ``basic_k >= 0``: basic performance pay per head, yuan a year;
- ``point_k``: reward point value, yuan per weighted point (``>= 0`` under
  ``monotone_points``);
- ``surplus_k >= 0``: surplus-award point value, for grassroots classes when
  the policy pays the insurance surplus;
- ``top_up_i >= 0``: under ``rotation_no_loss``, a personal top-up for each
  person rotated to grassroots (a handful of people: 1% of a county's staff),
  so that one rotated person does not lift the pay of a whole class. The plan
  pays the exact top-up the rule defines from the finished lines
  (`staffing.pay.rules.rotation_no_loss`); here it is an upper estimate, and
  rows count it only where it makes a target harder, so no target is reached
  by paying a top-up.

A person's performance lines are ``basic_k``, ``point_k x w_i`` and
``surplus_k x w_i`` (``w_i`` their weighted points), so the model has a few
variables per class, not per person: 20,000 people in 60 classes solve as
quickly as 60 people. Rules that bind each person (income gap, no loss on
rotation) add one row per person who can be extreme within a class
(`staffing.pay.hull`), not one per person.

**Objective, in two lexicographic stages.** Stage 1 minimises the total
absolute deviation, over every person and every performance line, from the
plain points formula: ``sum_k n_k |basic_k - basic0_k| + W_k |point_k - V0| +
W_k |surplus_k - U0| + sum_i top_up_i`` (yuan; exact, since within a class the basic deviation
is the same for every member and the reward deviation of a member is
``w_i |point_k - V0|``). Basic deviations weigh 0.1% more, so that among
equally close plans the one that moves point values (performance-driven) wins.
Stage 2 keeps that total and minimises the largest deviation of any class
relative to its formula pay per head, so that the change a rule forces is
spread evenly over the classes instead of falling on one of them.

**Rounding margins.** The solver's real schedule is made exact after solving
(`staffing.pay.rounding`: basic to the fen, point values to a few places, each
line rounded down to the fen): each line moves down by less than one fen, a
person's comparable pay by less than three, and no fund pays more than the
solver's plan. Rows that compare people's pay carry these margins, so every
rule still holds, exactly, on the finished plan.

**Time.** Every solve draws on the run's `RunClock`: CBC is given what is left of the
solver's share (PuLP's ``timeLimit``, CBC's ``-sec``, which CBC honours in the simplex of a
pure LP too: on a random 4,000 x 4,000 LP, limits of 0.3 and 1 s returned after 0.64 and
1.4 s, PuLP's writing and reading of the files included). A solve the limit
stops, or that would start with less than `LEAST_CALL` seconds left, raises `TimeLimitError`:
PuLP reports a stopped solve as ``Optimal`` with a solution status of *integer feasible*, so
the solution status decides. When stage 2 is stopped, stage 1's point is kept as it was.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pulp

from staffing.domain.clock import RunClock
from staffing.errors import TimeLimitError
from staffing.pay.codes import Fund, Line

if TYPE_CHECKING:
    from staffing.pay.data import PayData
    from staffing.pay.rules.base import PayRule

BASIC_TIEBREAK = 1e-3
# Seconds a CBC call needs at the least: one takes 0.01-0.02 s at 20,000 people (the process's
# start, the MPS file written and read back); none is started with less left.
LEAST_CALL = 0.05
TIME_LIMIT = "time_limit"  # the status of a stage the time limit stopped


@dataclass
class ModelRow:
    """One constraint of the model, as a rule instance the explainer can name."""

    rule: str
    key: str
    detail: str
    sense: str
    scale: float
    unit: str = "yuan"
    slack: Any = None
    people: tuple[str, ...] = ()
    institutions: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


class PayModel:
    """The LP of one pay plan; rules add their rows through `add`."""

    def __init__(self, data: PayData, rules: list[PayRule] | None = None, *,
                 elastic: set[str] | None = None, extra_budget: bool = False,
                 extra_low: float | None = 0.0, objective: bool = True):
        self.data = data
        self.rules = list(rules) if rules is not None else data.rules()
        self.monotone = any(rule.nonnegative_point_values for rule in self.rules)
        self.elastic = elastic or set()
        self.extra_budget = extra_budget
        self.extra_low = extra_low  # None: a fund may also shrink (the least budget a plan needs)
        self.prob = pulp.LpProblem("pay_plan", pulp.LpMinimize)
        self.rows: list[ModelRow] = []
        self.constraints: list[pulp.LpConstraint] = []
        self._rule_rows: list[int] = []  # positions in constraints of the rules' rows
        self.extra: dict[Fund, pulp.LpVariable] = {}
        self._zero = self._var("zero", low=0, high=0)
        self._helpers = 0
        plain = data.plain
        assert plain is not None
        self.a = [self._var(f"basic_{k}", low=0) for k in range(len(data.classes))]
        self.v = []
        self.u: list[pulp.LpVariable | None] = []
        for c in data.classes:
            if c.weight > 0:
                self.v.append(self._var(f"point_{c.index}"))
            else:  # no points in the class: the point value does not matter, keep the formula's
                self.v.append(self._var(f"point_{c.index}", plain.point_value,
                                        plain.point_value))
            if not c.surplus:
                self.u.append(None)
            elif c.weight > 0:
                self.u.append(self._var(f"surplus_{c.index}", low=0))
            else:
                value = plain.surplus_point_value
                self.u.append(self._var(f"surplus_{c.index}", value, value))
        self.top: dict[int, pulp.LpVariable] = {}
        if any(Line.TOP_UP in rule.variable_lines() for rule in self.rules):
            for i in np.flatnonzero(data.rotated & data.pool):
                self.top[int(i)] = self._var(f"topup_{i}", low=0)
        self._top_index = np.array(sorted(self.top), dtype=np.int64)
        self._fixed = data.comparable_fixed().astype(float) / 100
        for rule in self.rules:
            rule.emit(self)
        self.l1: pulp.LpAffineExpression | None = None
        self.spread_terms: list[tuple[pulp.LpAffineExpression, float]] = []
        self.spread_status: str | None = None  # stage 2's (None: not run)
        if objective:
            self._deviations()

    def _constrain(self, constraint: pulp.LpConstraint) -> None:
        self.prob.addConstraint(constraint)
        self.constraints.append(constraint)

    def _var(self, name: str, low: float | None = None,
             high: float | None = None) -> pulp.LpVariable:
        return self.prob.add_variable(name, low, high)

    # ------------------------------------------------------------------------ expressions

    def sum_pay(self, idx: np.ndarray, top_ups: bool = True) -> tuple[float, dict[Any, float]]:
        """Comparable pay summed over pool people ``idx``: a constant and variable terms.

        With ``top_ups=False`` the no-loss top-ups are left out: for the side of a row
        where more pay makes a target easier (a top-up never helps reach a target).
        """
        idx = np.asarray(idx, dtype=np.int64)
        data = self.data
        k_count = len(data.classes)
        if len(idx) == 0:
            return 0.0, {}
        cls = data.cls[idx]
        counts = np.bincount(cls, minlength=k_count)
        weights = np.bincount(cls, weights=data.weight[idx], minlength=k_count)
        terms: dict[Any, float] = {}
        for k in np.flatnonzero(counts):
            terms[self.a[k]] = terms.get(self.a[k], 0.0) + float(counts[k])
            if weights[k]:
                terms[self.v[k]] = terms.get(self.v[k], 0.0) + float(weights[k])
                u = self.u[k]
                if u is not None:
                    terms[u] = terms.get(u, 0.0) + float(weights[k])
        if top_ups and len(self._top_index):
            for i in np.intersect1d(idx, self._top_index):
                terms[self.top[int(i)]] = terms.get(self.top[int(i)], 0.0) + 1.0
        return float(self._fixed[idx].sum()), terms

    def person_pay(self, i: int, top_ups: bool = True) -> tuple[float, dict[Any, float]]:
        """One pool person's comparable pay: a constant and variable terms (see `sum_pay`)."""
        return self.sum_pay(np.array([i]), top_ups)

    def performance_terms(self) -> tuple[dict[Any, float], dict[Any, float]]:
        """Total basic and total reward performance pay of the pool, as variable terms."""
        basic = {self.a[c.index]: float(c.n) for c in self.data.classes}
        reward = {self.v[c.index]: c.weight for c in self.data.classes if c.weight}
        return basic, reward

    def top_up_terms(self) -> dict[Any, float]:
        """Total no-loss top-up of rotated people, as variable terms."""
        return {var: 1.0 for var in self.top.values()}

    def surplus_terms(self) -> dict[Any, float]:
        return {u: c.weight for c, u in zip(self.data.classes, self.u)
                if u is not None and c.weight}

    @staticmethod
    def combine(*parts: tuple[float, dict[Any, float]]) -> tuple[float, dict[Any, float]]:
        """Sum of (constant, terms) pairs, each already multiplied as wanted."""
        const = 0.0
        terms: dict[Any, float] = {}
        for c, t in parts:
            const += c
            for var, coef in t.items():
                terms[var] = terms.get(var, 0.0) + coef
        return const, terms

    @staticmethod
    def scaled(part: tuple[float, dict[Any, float]],
               factor: float) -> tuple[float, dict[Any, float]]:
        c, t = part
        return c * factor, {var: coef * factor for var, coef in t.items()}

    def variable(self, name: str, low: float | None = None,
                 high: float | None = None) -> pulp.LpVariable:
        """A helper variable of a rule (its name prefixed to stay unique)."""
        self._helpers += 1
        return self._var(f"h{self._helpers}_{name}", low, high)

    # ------------------------------------------------------------------------ rows

    def add(self, rule: PayRule | str, key: str, part: tuple[float, dict[Any, float]],
            sense: str, rhs: float, *, detail: str, unit: str = "yuan",
            people: tuple[str, ...] = (), institutions: tuple[str, ...] = (),
            fund: Fund | None = None, relaxable: bool = True) -> ModelRow:
        """Add ``const + terms (sense) rhs``; ``sense`` is ``'<='`` or ``'>='``.

        The row is scaled so its largest coefficient is 1. In elastic mode the
        rule's rows get a slack (unless not ``relaxable``: rows that only support
        the rule's target); with ``fund`` and ``extra_budget`` the row gets the
        fund's extra-budget variable (``<=`` rows only).
        """
        name = rule if isinstance(rule, str) else rule.name
        const, terms = part
        terms = {v: c for v, c in terms.items() if c != 0}
        bound = rhs - const
        if fund is not None and self.extra_budget:
            extra = self.extra.get(fund)
            if extra is None:
                extra = self.extra[fund] = self._var(f"extra_{fund.value}", low=self.extra_low)
            terms[extra] = -1.0
        scale = max((abs(c) for c in terms.values()), default=1.0)
        scaled = {v: c / scale for v, c in terms.items()} or {self._zero: 1.0}
        row = ModelRow(name, key, detail, sense, scale, unit, people=people,
                       institutions=institutions)
        if name in self.elastic and relaxable:
            row.slack = self._var(f"slack_{len(self.rows)}", low=0)
            scaled[row.slack] = 1.0 if sense == ">=" else -1.0
        expr = pulp.LpAffineExpression(scaled)
        lp_sense = pulp.LpConstraintGE if sense == ">=" else pulp.LpConstraintLE
        self._rule_rows.append(len(self.constraints))
        self._constrain(pulp.LpConstraint(expr, lp_sense, f"r{len(self.rows)}", bound / scale))
        self.rows.append(row)
        return row

    # ------------------------------------------------------------------------ objective

    def _deviations(self) -> None:
        data = self.data
        plain = data.plain
        assert plain is not None
        l1: dict[Any, float] = {}
        for c in data.classes:
            k = c.index
            parts: dict[Any, float] = {}
            targets = [(self.a[k], c.formula_basic, c.n * (1 + BASIC_TIEBREAK), "b")]
            if c.weight > 0:
                targets.append((self.v[k], plain.point_value, c.weight, "p"))
                u = self.u[k]
                if u is not None:
                    targets.append((u, plain.surplus_point_value, c.weight, "s"))
            for var, target, weight, tag in targets:
                up = self._var(f"up{tag}_{k}", low=0)
                down = self._var(f"dn{tag}_{k}", low=0)
                self._constrain(pulp.LpConstraint(
                    pulp.LpAffineExpression({var: 1.0, up: -1.0, down: 1.0}),
                    pulp.LpConstraintEQ, f"dev{tag}_{k}", target))
                l1[up] = weight
                l1[down] = weight
                parts[up] = weight if tag != "b" else float(c.n)
                parts[down] = parts[up]
            per_head = c.formula_basic + plain.point_value * c.weight / c.n
            if c.surplus:
                per_head += plain.surplus_point_value * c.weight / c.n
            if per_head > 0:
                self.spread_terms.append((pulp.LpAffineExpression(parts), c.n * per_head))
        for var in self.top.values():  # a top-up is money the formula does not pay
            l1[var] = 1.0
        self.l1 = pulp.LpAffineExpression(l1 or {self._zero: 1.0})

    # ------------------------------------------------------------------------ solving

    def solve(self, clock: RunClock | None = None, *, spread: bool = True) -> str:
        """Solve stage 1 (least deviation) and stage 2 (even spread); return stage 1's status.

        Stage 2 ends with ``spread_status``; when it is not optimal (the time limit stopped
        it) stage 1's point is kept. Raises `TimeLimitError` when the limit stops stage 1.
        """
        assert self.l1 is not None
        self.prob.setObjective(self.l1)
        status = self.run(clock)
        if status != "optimal" or not spread or not self.spread_terms:
            if status == "optimal":
                self.residual = self.polish()
            return status
        deviation = float(pulp.value(self.l1) or 0.0)
        self.stage1 = deviation
        point = {v.name: v.varValue for v in self.prob.variables()}
        t = self._var("spread", low=0)
        scale = max(1.0, deviation)
        self._constrain(pulp.LpConstraint(
            self.l1 / scale, pulp.LpConstraintLE, "stage1",
            (deviation + 0.5 + 1e-7 * deviation) / scale))
        for n, (expr, per_head) in enumerate(self.spread_terms):
            self._constrain(pulp.LpConstraint(
                expr / per_head - t, pulp.LpConstraintLE, f"spread_{n}", 0.0))
        self.prob.setObjective(pulp.LpAffineExpression({t: 1.0}))
        try:
            self.spread_status = self.run(clock)
        except TimeLimitError:
            self.spread_status = TIME_LIMIT
        if self.spread_status != "optimal":
            self._keep_stage1(point, t)
        self.residual = self.polish()
        return status

    def _keep_stage1(self, point: dict[str, float | None], spread: pulp.LpVariable) -> None:
        """Put the variables back at stage 1's point, the spread at that point's largest."""
        for v in self.prob.variables():
            if v.name in point:
                v.varValue = point[v.name]
        spread.varValue = max(float(pulp.value(expr) or 0.0) / per_head
                              for expr, per_head in self.spread_terms)

    def feasible(self, clock: RunClock | None = None) -> bool:
        """Whether the rows admit any schedule (objective ignored); `TimeLimitError` when the
        time limit comes first."""
        self.prob.setObjective(pulp.LpAffineExpression({self._zero: 1.0}))
        return self.run(clock) == "optimal"

    def minimise(self, terms: dict[Any, float], clock: RunClock | None = None) -> str:
        self.prob.setObjective(pulp.LpAffineExpression(terms or {self._zero: 1.0}))
        return self.run(clock)

    def polish(self) -> float:
        """Make the solver's values exact on the constraints they hold with equality.

        CBC reports values to 8 significant digits, about a fen on a large pay
        line. The rows (and bounds) the reported point meets to within a
        millionth are taken as active and the point is moved, by the least
        amount, onto them exactly; the other rows have room to spare. Returns
        the largest remaining violation of a rule's row or a bound, relative to
        its size (the objective's bookkeeping rows do not bind the plan).
        """
        variables = self.prob.variables()
        index = {v.name: i for i, v in enumerate(variables)}
        z = np.array([v.varValue or 0.0 for v in variables], dtype=float)
        rows = []
        for c in self.constraints:
            coefs = np.zeros(len(variables))
            for var, coef in c.expr.items():
                coefs[index[var.name]] = coef
            rows.append((coefs, -float(c.constant), c.sense))
        for i, v in enumerate(variables):
            bounds = ((v.lowBound, pulp.LpConstraintGE), (v.upBound, pulp.LpConstraintLE))
            for bound, sense in bounds:
                if bound is not None:
                    coefs = np.zeros(len(variables))
                    coefs[i] = 1.0
                    rows.append((coefs, float(bound), sense))
        if not rows:
            return 0.0
        matrix = np.array([r[0] for r in rows])
        rhs = np.array([r[1] for r in rows])
        sense = np.array([r[2] for r in rows])
        for _ in range(6):
            activity = matrix @ z
            size = np.maximum(1.0, np.maximum(np.abs(rhs), np.abs(matrix) @ np.abs(z)))
            gap = (activity - rhs) / size  # >= 0 holds a GE row, <= 0 an LE row
            violated = np.where(sense == pulp.LpConstraintGE, -gap,
                                np.where(sense == pulp.LpConstraintLE, gap, np.abs(gap)))
            active = (sense == pulp.LpConstraintEQ) | (np.abs(gap) <= 1e-6) | (violated > 0)
            residual = activity[active] - rhs[active]
            if not active.any() or np.abs(residual).max() <= 1e-12 * size[active].max():
                break
            step, *_ = np.linalg.lstsq(matrix[active], residual, rcond=None)
            z = z - step
        for v, value in zip(variables, z, strict=True):
            v.varValue = float(value)
        activity = matrix @ z
        size = np.maximum(1.0, np.maximum(np.abs(rhs), np.abs(matrix) @ np.abs(z)))
        gap = (activity - rhs) / size
        violated = np.where(sense == pulp.LpConstraintGE, -gap,
                            np.where(sense == pulp.LpConstraintLE, gap, np.abs(gap)))
        binding = np.zeros(len(rows), dtype=bool)
        binding[self._rule_rows] = True
        binding[len(self.constraints):] = True  # variable bounds
        return float(max(violated[binding].max(initial=0.0), 0.0))

    def run(self, clock: RunClock | None = None) -> str:
        """Solve the problem as it stands with CBC; return its status.

        With a ``clock`` that has a limit, CBC gets the solver's share of what is left
        (`RunClock.solver_remaining`). Raises `TimeLimitError` when less than `LEAST_CALL`
        seconds are left, or when the limit stopped CBC before it proved the optimum.
        """
        limit = None
        if clock is not None and clock.limit is not None:
            clock.raise_if_used_up("solving the pay model", needs=LEAST_CALL)
            limit = clock.solver_remaining()
        with warnings.catch_warnings():
            # PuLP 3.3 announces that its bundled CBC moves to an extra in 4.0; the bundled
            # binary is what this engine uses (pyproject pins pulp < 4)
            warnings.simplefilter("ignore", DeprecationWarning)
            solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=limit)
            self.prob.solve(solver)
        status = pulp.LpStatus.get(self.prob.status, "Undefined")
        if clock is not None and limit is not None and _stopped(status, self.prob.sol_status):
            raise clock.ran_out("solving the pay model")
        return {"Optimal": "optimal", "Infeasible": "infeasible", "Unbounded": "unbounded",
                "Not Solved": "not_solved"}.get(status, "undefined")

    # ------------------------------------------------------------------------ values

    def schedule(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Basic per head, point value and surplus point value of each class (floats)."""
        basic = np.array([_value(a) for a in self.a], dtype=float)
        point = np.array([_value(v) for v in self.v], dtype=float)
        surplus = np.array([_value(u) if u is not None else 0.0 for u in self.u], dtype=float)
        return basic, point, surplus

    def top_ups(self) -> np.ndarray:
        """Each person's no-loss top-up, yuan (0 for people without one)."""
        out = np.zeros(self.data.n)
        for i, var in self.top.items():
            out[i] = _value(var)
        return out

    def extra_budget_values(self) -> dict[Fund, float]:
        return {fund: _value(var) for fund, var in self.extra.items()}

    def slack_rows(self, tolerance: float = 1e-7) -> list[tuple[ModelRow, float]]:
        """Rows whose slack is positive, with the shortfall in the row's own unit."""
        return [(row, _value(row.slack) * row.scale) for row in self.rows
                if row.slack is not None and _value(row.slack) > tolerance]

    @property
    def size(self) -> dict[str, int]:
        return {"variables": self.prob.numVariables(), "constraints": self.prob.numConstraints()}


def _stopped(status: str, solution: int) -> bool:
    """Whether CBC stopped before the end: nothing found, or a point not proven optimal (PuLP
    reads CBC's "Stopped on time - objective value" as ``Optimal``, integer feasible)."""
    return status == "Not Solved" or (status == "Optimal"
                                      and solution != pulp.LpSolutionOptimal)


def _value(var: Any) -> float:
    value = var.value() if var is not None else 0.0
    return float(value) if value is not None else 0.0
