"""What `allocate` returns: the roster, how far it is proven, the checker's report, the manifest.

```python
result = staffing.allocate(instance, policy, SolveParams(time_limit=30))
result.roster            # who holds which post (assignments only)
result.status            # "optimal" (every stage proven) or "feasible" (stopped by the limit)
result.stages            # one StageResult per stage or sub-stage, in the order solved
result.report            # the independent checker's CheckReport of the roster
result.manifest          # what manifest.json holds
print(result.summary())
```
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from staffing.check import CheckReport
from staffing.domain.objective import Stage
from staffing.domain.roster import Roster

Status = Literal["optimal", "feasible"]


def stage_label(stage: Stage, sub: int | None = None) -> str:
    """A stage as shown in progress lines: ``moves``, or ``rank_profile[2]`` for a sub-stage."""
    return stage.value if sub is None else f"{stage.value}[{sub}]"


@dataclass
class StageResult:
    """One solved objective stage, or sub-stage (one rank of a rank profile solved rank by rank).

    ``objective`` is the minimised expression's value on the returned roster (a later stage
    may have lowered it below what the stage's own solve found) and ``bound`` its proven
    lower bound (None when unknown); ``value`` the stage's value in the user's terms,
    recomputed from the roster (a list per rank for the rank profile, one count per rank for a
    sub-stage); ``status`` optimal, feasible, infeasible or unknown (the time limit came
    first); ``solved_with`` names the merged solve that settled it, if any.
    """

    stage: Stage
    sub: int | None
    objective: int | None
    bound: int | None
    status: str
    wall_time: float
    deterministic_time: float
    value: Any = None
    solved_with: str = ""

    @property
    def name(self) -> str:
        """``rank_profile[2]`` for a sub-stage, else the stage's name."""
        return stage_label(self.stage, self.sub)

    @property
    def gap(self) -> float | None:
        """Relative distance from the proven bound: 0.0 when proven, None with no bound."""
        if self.status == "optimal":
            return 0.0
        if self.objective is None or self.bound is None:
            return None
        return abs(self.objective - self.bound) / max(abs(self.objective), 1)

    def is_proven(self) -> bool:
        return self.status == "optimal"

    def to_dict(self, *, timings: bool = True) -> dict[str, Any]:
        """The stage as the manifest records it (wall time left out when ``timings`` is off)."""
        gap = self.gap
        data: dict[str, Any] = {
            "stage": self.stage.value, "sub": self.sub, "value": self.value,
            "objective": self.objective, "bound": self.bound, "status": self.status,
            "gap": None if gap is None else round(gap, 6),
            "deterministic_time": round(self.deterministic_time, 6)}
        if self.solved_with:
            data["solved_with"] = self.solved_with
        if timings:
            data["wall_time"] = round(self.wall_time, 4)
        return data

    def event(self) -> dict[str, Any]:
        """The progress event of a finished stage."""
        return {"event": "stage", "name": self.name, **self.to_dict()}


@dataclass(frozen=True)
class AllocationResult:
    """A roster and everything known about it: status, stages, the checker's report, manifest."""

    roster: Roster
    status: Status
    stages: list[StageResult]
    report: CheckReport
    manifest: dict[str, Any]

    def is_optimal(self) -> bool:
        """Whether every stage was proven optimal."""
        return self.status == "optimal"

    def largest_gap(self) -> tuple[StageResult, float] | None:
        """The stage furthest from its proven bound, with its gap (None if none is open)."""
        gaps = [(stage, gap) for stage in self.stages if (gap := stage.gap)]
        return max(gaps, key=lambda item: item[1]) if gaps else None

    def unsolved(self) -> list[StageResult]:
        """Stages the time limit cut short (no solution of their own)."""
        return [s for s in self.stages if s.status == "unknown"]

    def summary(self) -> str:
        """A short text for people: status, gap, hard violations, blocking pairs, stage values."""
        if self.is_optimal():
            head = "proven optimal"
        else:
            head = "feasible, not proven optimal (time limit)"
            worst = self.largest_gap()
            if worst is not None:
                head += f": largest gap {worst[1]:.1%} at {worst[0].name}"
            cut = self.unsolved()
            if cut:
                head += f"; stopped in {cut[0].name}"
        report = self.report
        values = ", ".join(f"{name} {_shown(value)}" for name, value in report.stages.items())
        return (f"{head}; {len(report.hard_violations)} hard violations, "
                f"{report.blocking_pairs} blocking pairs; {values}")


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "/".join(str(v) for v in value)
    return str(value)
