"""The feasibility frontier: the value of one parameter at which a policy turns infeasible.

1. **Probe** each end of the range: does any roster obey every hard rule (for a
   ``pay.`` path: does a pay plan exist for the base roster)? The probe is a
   feasibility solve of the engine's own model, no objective.
2. **Bisect** between the feasible and the infeasible end down to the
   resolution (1 for whole-number parameters; by default a hundredth of the
   range's last decimal for others, e.g. 0.001 for ``1.2:1.7``).
3. **Explain the boundary**: at the first infeasible value, the least change
   of the varied rule alone that would make it feasible, instance by instance
   (which townships, pools, villages, and by how much), and the minimal set of
   conflicting rule instances (`staffing.allocation.explain`), within a time
   budget; how long each took is recorded.
4. **Trade-off curve**: full solves at sample points of the feasible side
   (warm-started, in parallel) and at the boundary, as a comparison table and
   a chart of a chosen indicator against the parameter.

A soft rule never makes a policy infeasible, so a varied rule that is soft in
the base is made hard for the frontier (``hardened`` says so): the frontier
asks where the rule stops being attainable as a requirement.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ortools.sat.python import cp_model

from staffing.allocation.explain import Deadline, explain_infeasibility, repair_rules
from staffing.allocation.model import AllocationModel
from staffing.allocation.pairs import build_pairs
from staffing.domain.instance import Instance
from staffing.domain.roster import Roster
from staffing.errors import InfeasibleError, InputError, StaffingError
from staffing.pay.engine import distribute_pay
from staffing.policy import Policy
from staffing.rules import CATALOGUE
from staffing.scenarios.batch import Backend, SweepResult, run_scenarios
from staffing.scenarios.execute import RunSettings, run_scenario, scenario_inputs
from staffing.scenarios.overrides import Override, Value, Where, apply_to_policy
from staffing.scenarios.spec import Axis, Scenario, base_scenario

PROBE_LIMIT = 60.0
EXPLAIN_LIMIT = 120.0
SAMPLES = 6


@dataclass
class Probe:
    """One feasibility question: the value, the answer (None: unknown in time), seconds."""

    value: Decimal
    feasible: bool | None
    seconds: float


@dataclass
class FrontierResult:
    """Where the policy turns infeasible along one parameter, and why."""

    path: str
    op: str  # how the values apply: "=", "+" or "×"
    start: Decimal
    stop: Decimal
    resolution: Decimal
    probes: list[Probe] = field(default_factory=list)
    last_feasible: Decimal | None = None
    first_infeasible: Decimal | None = None
    hardened: list[str] = field(default_factory=list)
    repair: dict[str, Any] = field(default_factory=dict)
    repair_text: str = ""
    repair_seconds: float = 0.0
    conflict: dict[str, Any] = field(default_factory=dict)
    conflict_seconds: float = 0.0
    sweep: SweepResult | None = None
    scenarios: list[Scenario] = field(default_factory=list)  # of the sample runs
    indicator: str = "first_choice_share"
    seconds: float = 0.0

    @property
    def infeasible_end(self) -> Decimal:
        """The end of the range on the infeasible side."""
        if self.found and self.first_infeasible < self.last_feasible:  # type: ignore[operator]
            return self.start
        return self.stop

    @property
    def found(self) -> bool:
        return self.last_feasible is not None and self.first_infeasible is not None

    def value_text(self, value: Decimal | None) -> str:
        return "" if value is None else Value(value, self.op).text()

    @property
    def rules(self) -> list[str]:
        """The rules named at the boundary: the varied one and those in the conflict."""
        named = [self.repair["rule"]] if self.repair.get("rule") else []
        return list(dict.fromkeys(named + list(self.conflict.get("rules", []))))

    @property
    def institutions(self) -> list[str]:
        """Institutions named by the boundary's rule instances."""
        found = [i for c in self.conflict.get("conflict", []) for i in c.get("institutions", [])]
        found += [i for c in self.repair.get("changes", []) for i in c.get("institutions", [])]
        return list(dict.fromkeys(found))

    def summary(self) -> str:
        """The frontier in words."""
        rng = f"{self.value_text(self.start)} to {self.value_text(self.stop)}"
        hardened = (f" (made hard for the frontier: {', '.join(self.hardened)})"
                    if self.hardened else "")
        if not self.found:
            states = {p.feasible for p in self.probes}
            if states == {True}:
                return f"{self.path}: feasible over the whole range {rng}{hardened}"
            if states == {False}:
                return f"{self.path}: infeasible over the whole range {rng}{hardened}"
            return f"{self.path}: no answer within the time limit over {rng}{hardened}"
        lines = [(f"{self.path}: feasible at {self.value_text(self.last_feasible)}, infeasible "
                  f"at {self.value_text(self.first_infeasible)} (range {rng}, resolution "
                  f"{self.resolution.normalize():f}, {len(self.probes)} probes){hardened}")]
        if self.repair_text:
            lines.append(f"at the boundary: {self.repair_text}")
        if self.conflict.get("summary"):
            lines.append(f"conflict: {self.conflict['summary']} "
                         f"({self.conflict_seconds:.1f} s)")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path, "range": [self.value_text(self.start), self.value_text(self.stop)],
            "resolution": f"{self.resolution.normalize():f}",
            "last_feasible": self.value_text(self.last_feasible),
            "first_infeasible": self.value_text(self.first_infeasible),
            "hardened": self.hardened, "rules": self.rules, "institutions": self.institutions,
            "probes": [{"value": self.value_text(p.value), "feasible": p.feasible,
                        "seconds": round(p.seconds, 3)} for p in self.probes],
            "repair": self.repair, "repair_seconds": round(self.repair_seconds, 3),
            "conflict": self.conflict, "conflict_seconds": round(self.conflict_seconds, 3),
            "indicator": self.indicator, "seconds": round(self.seconds, 3),
            "summary": self.summary(),
        }


def default_resolution(start: Decimal, stop: Decimal, whole: bool) -> Decimal:
    """1 for whole numbers; else a hundredth of the finest decimal written (0.001 for 1.2)."""
    if whole:
        return Decimal(1)
    places = max(-min(start.as_tuple().exponent, 0), -min(stop.as_tuple().exponent, 0))  # type: ignore[operator]
    return Decimal(1).scaleb(-(places + 2))


def _rule_of(path: str) -> str | None:
    parts = path.split(".")
    if parts[0] == "rules" and len(parts) >= 3:
        return parts[1]
    return None


def hardening(policy: Policy, path: str, fixed: Sequence[Override]) -> list[Override]:
    """``rules.X.hard=true`` when the varied rule X is soft in the base (and not set by hand)."""
    rule = _rule_of(path)
    if rule is None or any(o.path == f"rules.{rule}.hard" for o in fixed):
        return []
    current = policy.rule(rule)
    if current is None or current.hard:
        return []
    return [Override(f"rules.{rule}.hard", Value(True), Where("frontier"))]


class Prober:
    """Answers 'is there a roster (or pay plan) at this value?' for one parameter."""

    def __init__(self, instance: Instance, policy: Policy, path: str, op: str,
                 fixed: Sequence[Override], *, limit: float, workers: int,
                 base_roster: Roster | None = None):
        self.instance, self.policy, self.path, self.op = instance, policy, path, op
        self.fixed = list(fixed)
        self.limit, self.workers = limit, workers
        self.base_roster = base_roster
        self.probes: list[Probe] = []

    def scenario(self, value: Decimal) -> Scenario:
        override = Override(self.path, Value(value, self.op), Where("frontier"))
        return Scenario(f"{self.path.split('.')[-1]}={override.value.text()}",
                        (*self.fixed, override), values={self.path: override.value.text()})

    def inputs(self, value: Decimal) -> tuple[Instance, Policy]:
        return scenario_inputs(self.instance, self.policy, self.scenario(value))

    def __call__(self, value: Decimal) -> bool | None:
        started = time.perf_counter()
        inst, pol = self.inputs(value)
        feasible = self._pay(inst, pol) if self.path.startswith("pay.") else \
            self._roster(inst, pol)
        self.probes.append(Probe(value, feasible, time.perf_counter() - started))
        return feasible

    def _roster(self, inst: Instance, pol: Policy) -> bool | None:
        m = AllocationModel(inst, pol, build_pairs(inst, pol))
        m.emit_rules()
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = self.workers
        solver.parameters.max_time_in_seconds = self.limit
        status = solver.solve(m.model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return True
        return False if status == cp_model.INFEASIBLE else None

    def _pay(self, inst: Instance, pol: Policy) -> bool | None:
        if self.base_roster is None:
            raise StaffingError("a pay frontier needs the base roster")
        try:
            distribute_pay(inst, self.base_roster, pol, time_limit=self.limit)
        except InfeasibleError:
            return False
        except StaffingError:
            return None
        return True


def bisect(probe: Callable[[Decimal], bool | None], start: Decimal, stop: Decimal,
           resolution: Decimal) -> tuple[Decimal | None, Decimal | None]:
    """(last feasible, first infeasible) between the ends, to ``resolution``.

    Feasibility is taken to change once over the range; the side that is feasible
    at an end is searched from that end. (None, None) when both ends agree or an end
    has no answer.
    """
    at_start, at_stop = probe(start), probe(stop)
    if at_start is None or at_stop is None or at_start == at_stop:
        return None, None
    good, bad = (start, stop) if at_start else (stop, start)
    while abs(bad - good) > resolution:
        mid = ((good + bad) / 2 / resolution).quantize(Decimal(1), ROUND_HALF_UP) * resolution
        if mid in (good, bad):
            break
        answer = probe(mid)
        if answer is None:
            break
        if answer:
            good = mid
        else:
            bad = mid
    return good, bad


def sample_points(start: Decimal, good: Decimal, resolution: Decimal, count: int) -> list[Decimal]:
    """``count`` values from ``start`` to ``good`` inclusive, on the resolution's grid."""
    if count <= 1 or good == start:
        return [good]
    step = (good - start) / (count - 1)
    points = [((start + k * step) / resolution).quantize(Decimal(1), ROUND_HALF_UP) * resolution
              for k in range(count)]
    return sorted(set(points), key=lambda v: abs(v - start))


def frontier(instance: Instance, policy: Policy, axis: Axis, *,
             fixed: Sequence[Override] = (), resolution: Decimal | None = None,
             settings: RunSettings | None = None, backend: Backend | None = None,
             samples: int = SAMPLES, indicator: str = "first_choice_share",
             probe_limit: float = PROBE_LIMIT, explain_limit: float = EXPLAIN_LIMIT,
             base_roster: Roster | None = None, conflict: bool = True,
             on_done: Callable[[Any], None] | None = None) -> FrontierResult:
    """Find where ``axis`` (a ``FROM:TO`` range) turns the policy infeasible, and why.

    ``conflict=False`` skips the minimal-conflict search at the boundary (the repair of the
    varied rule, which names its instances, is always made).

    Returns
    -------
    FrontierResult
        the last feasible and first infeasible values, every probe, the repair of the
        varied rule and the conflict at the boundary, and the sample runs
        (``.sweep``) for the trade-off chart.
    """
    started = time.perf_counter()
    start, stop = (Decimal(str(v.value)) for v in axis.values[:2])
    op = axis.values[0].op
    settings = settings or RunSettings()
    fixed = [*fixed, *hardening(policy, axis.path, fixed)]
    whole = _whole(instance, policy, axis.path, op, fixed)
    resolution = resolution or default_resolution(start, stop, whole)
    if axis.path.startswith("pay.") and base_roster is None:
        base = run_scenario(instance, policy, base_scenario(), replace(settings, pay=False))
        if base.roster is None:
            raise StaffingError(f"a pay frontier needs a base roster: {base.status_text()}",
                                message_zh=f"薪酬临界点搜索需要基准名单，而基准未得到名单："
                                f"{base.status_text()}")
        base_roster = base.roster
    prober = Prober(instance, policy, axis.path, op, fixed, limit=probe_limit,
                    workers=settings.workers or 1, base_roster=base_roster)
    result = FrontierResult(axis.path, op, start, stop, resolution, indicator=indicator,
                            hardened=[o.text() for o in fixed if o.where.source == "frontier"])
    try:
        good, bad = bisect(prober, start, stop, resolution)
    finally:
        result.probes = prober.probes
    result.last_feasible, result.first_infeasible = good, bad
    if result.found:
        assert bad is not None
        _explain_boundary(result, prober, bad, explain_limit, conflict)
    if samples > 0:
        _sample(result, prober, instance, policy, samples, settings, backend, base_roster,
                on_done)
    result.seconds = time.perf_counter() - started
    return result


def _sample(result: FrontierResult, prober: Prober, instance: Instance, policy: Policy,
            samples: int, settings: RunSettings, backend: Backend | None,
            base_roster: Roster | None, on_done: Callable[[Any], None] | None) -> None:
    """Full solves at sample points of the feasible side and at the first infeasible value."""
    good, bad = result.last_feasible, result.first_infeasible
    points = sample_points(result.start, good, result.resolution, samples) \
        if good is not None else []
    if bad is not None:
        points.append(bad)
    result.scenarios = [prober.scenario(v) for v in points]
    result.sweep = run_scenarios(instance, policy, result.scenarios,
                                 settings=replace(settings, explain=False), backend=backend,
                                 base_roster=base_roster, with_base=base_roster is None,
                                 on_done=on_done, axes=[result.path])
    for outcome in result.sweep.outcomes:
        if outcome.status == "infeasible" and not outcome.explanation:
            outcome.explanation = {"rules": result.rules, "summary": result.repair_text
                                   or result.conflict.get("summary", "")}


def _whole(instance: Instance, policy: Policy, path: str, op: str,
           fixed: Sequence[Override]) -> bool:
    """Whether the parameter takes whole numbers (its base value is an int)."""
    if op == "×":
        return False
    rule = _rule_of(path)
    if rule is not None:
        params = apply_to_policy(policy, fixed).rules.get(rule) or CATALOGUE[rule].Params()
        value = getattr(params, path.split(".")[-1], None)
        return isinstance(value, int) and not isinstance(value, bool)
    return path.split(".", 1)[0] in ("institutions", "posts") or path == "max_choices"


def _explain_boundary(result: FrontierResult, prober: Prober, bad: Decimal,
                      limit: float, conflict: bool) -> None:
    """The varied rule's least repair and the minimal conflict at the first infeasible value."""
    inst, pol = prober.inputs(bad)
    if prober.path.startswith("pay."):
        began = time.perf_counter()
        try:
            distribute_pay(inst, prober.base_roster, pol, time_limit=limit)  # type: ignore[arg-type]
        except InfeasibleError as error:
            result.conflict = {"rules": [r for r, _ in getattr(error.explanation, "rules", [])],
                               "summary": str(error.explanation)}
        result.conflict_seconds = time.perf_counter() - began
        return
    rule = _rule_of(prober.path)
    if rule is not None:
        began = time.perf_counter()
        repairs = repair_rules(inst, pol, [rule], Deadline(began + limit / 2, False))
        result.repair_seconds = time.perf_counter() - began
        for repair in repairs:
            result.repair = {"rule": repair.rule, "amount": repair.amount, "unit": repair.unit,
                             "changes": [{**c, "institutions": _institutions(inst, c)}
                                         for c in repair.changes]}
            result.repair_text = repair.text(pol)
    if not conflict:
        return
    began = time.perf_counter()
    try:
        explanation = explain_infeasibility(inst, pol, time_limit=limit / 2)
    except InputError:
        return
    result.conflict = explanation.to_dict()
    result.conflict_seconds = time.perf_counter() - began


def _institutions(instance: Instance, change: dict[str, Any]) -> list[str]:
    """Institution ids named in a repair's instance key (``rule[low, T01]``)."""
    inside = change.get("instance", "").partition("[")[2].rstrip("]")
    return [part.strip() for part in inside.split(",")
            if part.strip() in instance.institution_by_id]
