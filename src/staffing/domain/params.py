"""The options of a solve, as one typed value (the library, the command line and the service)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class SolveParams(BaseModel):
    """How long and how to solve.

    ``time_limit`` is seconds for the whole solve (deterministic time units in
    deterministic mode); at the limit the best roster found is returned, not proven.
    ``deterministic``: one worker, fixed seed, deterministic time limit: identical inputs
    give identical outputs. ``workers``: CP-SAT workers (None: up to 8, one per core).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    time_limit: float = Field(60.0, gt=0, description="seconds for the whole solve")
    deterministic: bool = Field(False, description="one worker, fixed seed: identical outputs")
    workers: int | None = Field(None, ge=1, description="CP-SAT workers (None: one per core)")
    seed: int = Field(0, ge=0, description="random seed of the solver")

    def updated(self, **changes: Any) -> SolveParams:
        """These parameters with the given ones replaced (None leaves a field as it is)."""
        given = {name: value for name, value in changes.items() if value is not None}
        return type(self).model_validate({**self.model_dump(), **given}) if given else self
