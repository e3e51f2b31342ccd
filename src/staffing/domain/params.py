"""The options of a solve, as one typed value (the library, the command line and the service)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class SolveParams(BaseModel):
    """How long and how to solve.

    ``time_limit`` is seconds of wall time for the whole run, in every mode: from loading
    to the last file written for a run (`staffing.runs`), the whole call for `allocate`;
    at the limit the best roster found is returned, not proven. ``deterministic``: one
    worker, fixed seed, and the solver stops at ``deterministic_limit`` units of CP-SAT's
    deterministic time (None: as many units as ``time_limit`` has seconds) so identical
    inputs give identical outputs, unless the wall clock stops a stage first (the manifest
    then says the result is not reproducible). ``workers``: CP-SAT workers (None: up to 8,
    one per core).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    time_limit: float = Field(60.0, gt=0, description="wall seconds for the whole run")
    deterministic_limit: float | None = Field(
        None, gt=0, description="deterministic mode: CP-SAT deterministic time units for the "
        "solver (None: as many as time_limit has seconds)")
    deterministic: bool = Field(False, description="one worker, fixed seed: identical outputs")
    workers: int | None = Field(None, ge=1, description="CP-SAT workers (None: one per core)")
    seed: int = Field(0, ge=0, description="random seed of the solver")

    def updated(self, **changes: Any) -> SolveParams:
        """These parameters with the given ones replaced (None leaves a field as it is)."""
        given = {name: value for name, value in changes.items() if value is not None}
        return type(self).model_validate({**self.model_dump(), **given}) if given else self

    def solver_limit(self) -> float:
        """The solver's own limit: wall seconds, or deterministic units in deterministic mode."""
        if self.deterministic and self.deterministic_limit is not None:
            return self.deterministic_limit
        return self.time_limit
