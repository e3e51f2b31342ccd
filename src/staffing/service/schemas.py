"""The request and response bodies of the HTTP API, as pydantic models (for the schema)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

JobKind = Literal["allocation", "pay", "both"]
JobState = Literal["queued", "running", "done", "failed", "cancelled"]


class ProblemModel(BaseModel):
    """One located problem, the fields of `staffing.errors.Problem`."""

    source: str = Field(description="file, sheet or 'request'")
    message: str
    kind: str = Field(description="a stable machine-readable code")
    row: int | None = Field(None, description="spreadsheet row (header = 1) or YAML line")
    column: str | None = None
    value: Any = None
    expected: str | None = Field(None, description="what would have been valid")
    severity: Literal["error", "warning"] = "error"
    message_zh: str = Field("", description="the message in Chinese")
    expected_zh: str | None = Field(None, description="what would have been valid, in Chinese")


class ErrorBody(BaseModel):
    """Every error response: a summary and each located problem, in English and Chinese."""

    detail: str
    detail_zh: str = Field(description="the summary in Chinese")
    problems: list[ProblemModel] = Field(default_factory=list)


class InputsJSON(BaseModel):
    """A bundle and a policy, sent as JSON."""

    bundle: dict[str, Any] = Field(
        description="the tables of a .json bundle: {\"meta\": {...}, \"institutions\": [...], "
                    "\"posts\": [...], \"staff\": [...], \"choices\": [...], \"rankings\": [...]}")
    policy: str | None = Field(None, description="a policy model of this server, by name "
                               "(see GET /v1/policies)")
    policy_yaml: str | None = Field(None, description="a policy model as YAML text")


class CheckJSON(InputsJSON):
    """A bundle, a policy and a roster (and pay plan) to check."""

    roster_csv: str = Field(description="the text of a roster.csv")
    pay_csv: str | None = Field(None, description="the text of a pay.csv to check as well")


class JobJSON(InputsJSON):
    """A job, sent as JSON."""

    kind: JobKind = "allocation"
    time_limit: float | None = Field(None, gt=0, description="seconds for the whole run "
                                     "(default and maximum set by the server)")
    deterministic: bool = Field(False, description="one worker, fixed seed: identical outputs")
    budget: float | dict[str, float] | None = Field(
        None, description="pay: the performance total in yuan, or {fund: yuan}")
    roster_csv: str | None = Field(None, description="pay jobs: the roster to pay")


class InputsForm(BaseModel):
    """A bundle and a policy, uploaded as multipart form data."""

    bundle: bytes = Field(json_schema_extra={"format": "binary"},
                          description="an .xlsx workbook or a .json bundle")
    policy: str | None = None
    policy_yaml: bytes | None = Field(None, json_schema_extra={"format": "binary"})


class CheckForm(InputsForm):
    """A bundle, a policy and a roster (and pay plan) uploaded to check."""

    roster: bytes = Field(json_schema_extra={"format": "binary"})
    pay: bytes | None = Field(None, json_schema_extra={"format": "binary"})


class JobForm(InputsForm):
    """A job, uploaded as multipart form data."""

    kind: JobKind = "allocation"
    time_limit: float | None = None
    deterministic: bool = False
    budget: str | None = Field(None, description="an amount, or JSON {fund: yuan}")
    roster: bytes | None = Field(None, json_schema_extra={"format": "binary"})


class Counts(BaseModel):
    institutions: int
    posts: int
    places: int
    people: int
    choices: int
    rankings: int


class ValidateResult(BaseModel):
    """A valid bundle: its size, the policy it fits, and warnings."""

    ok: bool = True
    policy: str
    counts: Counts
    warnings: list[ProblemModel] = Field(default_factory=list)


class CheckResult(BaseModel):
    """What the independent checker found."""

    ok: bool
    hard_violations: int
    soft_violations: int
    blocking_pairs: int
    stages: dict[str, Any]
    violations: list[dict[str, Any]]
    indicators: dict[str, Any]
    pay_figures: dict[str, Any]


class StageProgress(BaseModel):
    stage: str | None = None
    objective: float | None = None
    bound: float | None = None
    status: str | None = None
    gap: float | None = None
    wall_time: float | None = None


class Job(BaseModel):
    """A job's state: where it is, how far the solve got, and how it ended."""

    id: str
    kind: JobKind
    state: JobState
    created: str = Field(description="ISO 8601, UTC")
    started: str | None = None
    finished: str | None = None
    elapsed: float | None = Field(None, description="seconds running so far (or in total)")
    time_limit: float
    deterministic: bool
    step: str | None = Field(None, description="starting | solve | reasons | pay")
    stage: str | None = Field(None, description="the objective stage being solved")
    objective: float | None = Field(None, description="best objective of the current stage")
    bound: float | None = Field(None, description="proven bound of the current stage")
    stages: list[StageProgress] = Field(default_factory=list, description="stages finished")
    error: str | None = Field(None, description="why it failed or was cancelled")
    summary: dict[str, Any] = Field(default_factory=dict)
    attempts: int = 0
    worker_pid: int | None = None
    version: int = Field(0, description="grows on every change (for ?after= long-polls)")
    files: list[str] = Field(default_factory=list, description="outputs, when done")


class JobList(BaseModel):
    jobs: list[Job]


class Policies(BaseModel):
    policies: list[str]


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    ready: bool
    workers: list[dict[str, Any]]
    replaced: int
    queued: int
    running: int
