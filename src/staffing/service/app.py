"""The FastAPI application: versioned endpoints over the job store and the worker pool.

No ``from __future__ import annotations`` here: FastAPI reads the endpoints' annotations,
and the dependencies they name are local to `create_app`.
"""

import asyncio
import contextlib
import json
import math
import shutil
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import staffing
from staffing.errors import InputError, Lang, Problem
from staffing.io.messages import describe
from staffing.service import adapter, schemas
from staffing.service.config import LOCAL_OWNER, ServiceConfig, owner_key
from staffing.service.inputs import Reader, RequestProblems, Submission
from staffing.service.jsonable import plain
from staffing.service.pool import Pool
from staffing.service.results import (
    CSV,
    FILE_TYPES,
    HTML,
    JSON,
    OUTPUTS,
    XLSX,
    Result,
    choose_type,
    csv_records,
    csv_workbook,
    media_type,
    output_files,
)
from staffing.service.store import JobRecord, JobStore

MAX_WAIT = 60.0            # longest long-poll, seconds
POLL_INTERVAL = 0.1        # how often waiting requests look for a change
HEARTBEAT = 15.0           # seconds between keep-alive comments on an event stream


class ApiError(Exception):
    """An error answer: status, summary (in English and Chinese) and located problems."""

    def __init__(self, status: int, detail: str, detail_zh: str,
                 problems: list[Problem] | None = None, headers: dict[str, str] | None = None):
        self.status = status
        self.detail = detail
        self.detail_zh = detail_zh
        self.problems = problems or []
        self.headers = headers or {}
        super().__init__(detail)

    @classmethod
    def of(cls, status: int, problems: list[Problem]) -> "ApiError":
        """An answer listing located problems, summarised in both languages."""
        return cls(status, _summary(problems), _summary(problems, "zh"), problems)


class BodyTooLarge(Exception):
    """A request body passed the server's size limit."""


class BodyLimit:
    """ASGI middleware: refuse request bodies over ``max_bytes`` (413), declared or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await _send_error(send, 413, self.too_large(declared.decode(errors="replace")))
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge
            return message

        await self.app(scope, limited, send)

    def too_large(self, size: str) -> dict[str, Any]:
        problem = Problem("request", "request body too large", "too_large", value=size,
                          expected=f"at most {self.max_bytes} bytes",
                          message_zh="请求体过大", expected_zh=f"不超过 {self.max_bytes} 字节")
        return {"detail": str(problem), "detail_zh": problem.line("zh"),
                "problems": [plain(problem.to_dict())]}


async def _send_error(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(payload)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": payload})


def create_app(config: ServiceConfig, store: JobStore, pool: Pool) -> FastAPI:
    """The service's application over a store and a pool (the pool starts with the app)."""

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        pool.start()
        try:
            yield
        finally:
            await run_in_threadpool(pool.close)

    app = FastAPI(
        title="staffing service",
        version=staffing.__version__,
        summary="Post allocation and performance pay for county medical communities, as jobs.",
        description=(
            "Submit a job (allocation, pay or both), follow its progress, fetch its results, "
            "cancel it. Every error answer has the same shape: `detail` and every located "
            "`problem` (source, row, column, value, what would be valid). Send "
            "`Authorization: Bearer <token>` when the server has tokens."),
        lifespan=lifespan,
        responses={401: {"model": schemas.ErrorBody}, 413: {"model": schemas.ErrorBody}},
    )
    app.add_middleware(BodyLimit, max_bytes=config.limits.max_request_bytes)
    reader = Reader(config.limits, config.models)
    owners = config.owners()
    bearer = HTTPBearer(auto_error=False, description="a token of this server")
    _install_error_handlers(app)

    def owner(credentials: Annotated[HTTPAuthorizationCredentials | None,
                                     Depends(bearer)]) -> str:
        if not config.auth:
            return LOCAL_OWNER
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise ApiError(401, "missing bearer token: send 'Authorization: Bearer <token>'",
                           "缺少令牌：请发送“Authorization: Bearer <令牌>”请求头",
                           headers={"WWW-Authenticate": "Bearer"})
        key = owner_key(credentials.credentials)
        if key not in owners:
            raise ApiError(401, "unknown token", "未知的令牌",
                           headers={"WWW-Authenticate": "Bearer"})
        return key

    Owner = Annotated[str, Depends(owner)]

    def own_job(job_id: str, who: str) -> JobRecord:
        job = store.get(job_id, who)
        if job is None:
            raise ApiError(404, f"no job {job_id!r} for this token",
                           f"该令牌下没有任务 {job_id!r}")
        return job

    def job_view(job: JobRecord) -> schemas.Job:
        live = pool.progress(job.id) if job.state == "running" else None
        progress = live if live is not None else job.progress
        files = output_files(store.job_dir(job.id) / "out") if job.final else []
        return schemas.Job(
            id=job.id, kind=job.kind, state=job.state, created=_iso(job.created),
            started=_iso(job.started), finished=_iso(job.finished),
            elapsed=_round(job.elapsed()), time_limit=job.options["time_limit"],
            deterministic=job.options.get("deterministic", False),
            step=progress.get("step"), stage=progress.get("stage"),
            objective=_finite(progress.get("objective")), bound=_finite(progress.get("bound")),
            stages=[schemas.StageProgress(**{k: _finite(v) if k != "stage" and k != "status"
                                             else v for k, v in s.items()})
                    for s in progress.get("stages", [])],
            error=job.error, summary=job.summary, attempts=job.attempts,
            worker_pid=job.worker_pid if job.state == "running" else None,
            version=pool.version(job.id), files=files)

    # ------------------------------------------------------------------ inputs

    json_or_form = _body_doc
    submission = _submission_reader(reader)

    @app.post("/v1/validate", response_model=schemas.ValidateResult, tags=["inputs"],
              summary="Validate a bundle (and its fit to a policy)",
              responses={422: {"model": schemas.ErrorBody,
                               "description": "every located problem"}},
              openapi_extra=json_or_form(schemas.InputsJSON, schemas.InputsForm))
    async def validate(request: Request, _who: Owner) -> Any:
        sub = await submission(request)
        return await run_in_threadpool(_with_inputs, config, sub, _validate)

    @app.post("/v1/check", response_model=schemas.CheckResult, tags=["inputs"],
              summary="Check a roster (and pay plan) with the independent checker",
              responses={422: {"model": schemas.ErrorBody}},
              openapi_extra=json_or_form(schemas.CheckJSON, schemas.CheckForm))
    async def check(request: Request, _who: Owner) -> Any:
        sub = await submission(request, roster=True)
        return await run_in_threadpool(_with_inputs, config, sub, _check)

    @app.get("/v1/policies", response_model=schemas.Policies, tags=["inputs"],
             summary="The policy models this server offers by name")
    def policies(_who: Owner) -> Any:
        return {"policies": sorted(reader.models)}

    # ------------------------------------------------------------------ jobs

    @app.post("/v1/jobs", status_code=202, response_model=schemas.Job, tags=["jobs"],
              summary="Submit a job: allocation, pay or both",
              responses={422: {"model": schemas.ErrorBody},
                         429: {"model": schemas.ErrorBody,
                               "description": "the queue is full; retry after Retry-After"}},
              openapi_extra=json_or_form(schemas.JobJSON, schemas.JobForm))
    async def submit(request: Request, who: Owner) -> Any:
        _refuse_when_full(store, pool, config)
        sub = await submission(request, job=True)
        job = await run_in_threadpool(_create_job, store, sub, who)
        return job_view(job)

    @app.get("/v1/jobs", response_model=schemas.JobList, tags=["jobs"],
             summary="This token's jobs, newest first")
    def jobs(who: Owner, limit: Annotated[int, Query(ge=1, le=1000)] = 100,
             state: schemas.JobState | None = None) -> Any:
        return {"jobs": [job_view(job) for job in store.jobs(who, limit, state)]}

    @app.get("/v1/jobs/{job_id}", response_model=schemas.Job, tags=["jobs"],
             summary="A job's state and progress (long-poll with wait and after)",
             responses={404: {"model": schemas.ErrorBody}})
    async def job_state(job_id: str, who: Owner,
                        wait: Annotated[float, Query(ge=0, le=MAX_WAIT, description=(
                            "seconds to wait for a change past `after`"))] = 0,
                        after: Annotated[int | None, Query(ge=0, description=(
                            "a version seen before (default: the current one)"))] = None
                        ) -> Any:
        job = own_job(job_id, who)
        seen = pool.version(job_id) if after is None else after
        deadline = time.monotonic() + wait
        while (wait and not job.final and pool.version(job_id) <= seen
               and time.monotonic() < deadline):
            await asyncio.sleep(POLL_INTERVAL)
            job = own_job(job_id, who)
        return job_view(job)

    @app.get("/v1/jobs/{job_id}/events", tags=["jobs"],
             summary="Server-sent events: the job's state on every change, until it ends",
             responses={200: {"content": {"text/event-stream": {}}},
                        404: {"model": schemas.ErrorBody}})
    async def events(job_id: str, who: Owner, request: Request) -> StreamingResponse:
        own_job(job_id, who)

        async def stream() -> AsyncIterator[str]:
            seen, beat = -1, time.monotonic()
            while True:
                job = own_job(job_id, who)
                version = pool.version(job_id)
                if version != seen or job.final:
                    seen, beat = version, time.monotonic()
                    yield f"event: job\ndata: {job_view(job).model_dump_json()}\n\n"
                    if job.final:
                        return
                elif time.monotonic() - beat > HEARTBEAT:
                    beat = time.monotonic()
                    yield ": keep-alive\n\n"
                if await request.is_disconnected():
                    return
                await asyncio.sleep(POLL_INTERVAL)

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store"})

    @app.delete("/v1/jobs/{job_id}", response_model=schemas.Job, tags=["jobs"],
                summary="Cancel a queued or running job",
                responses={404: {"model": schemas.ErrorBody},
                           409: {"model": schemas.ErrorBody, "description": "already ended"}})
    async def cancel(job_id: str, who: Owner) -> Any:
        job = own_job(job_id, who)
        if job.final:
            raise ApiError(409, f"job {job_id} has already ended ({job.state}); nothing to cancel",
                           f"任务 {job_id} 已结束（{job.state}），无需取消")
        await run_in_threadpool(pool.cancel, job_id)
        deadline = time.monotonic() + config.limits.cancel_grace + 2.0
        while not job.final and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
            job = own_job(job_id, who)
        return job_view(job)

    # ------------------------------------------------------------------ results

    @app.get("/v1/jobs/{job_id}/files", response_model=list[str], tags=["results"],
             summary="Every file a finished job wrote")
    def files(job_id: str, who: Owner) -> Any:
        job = own_job(job_id, who)
        return output_files(store.job_dir(job.id) / "out")

    @app.get("/v1/jobs/{job_id}/files/{name:path}", tags=["results"],
             summary="One file a finished job wrote, as it is",
             responses={200: {"content": {t: {} for t in FILE_TYPES}},
                        404: {"model": schemas.ErrorBody}})
    def file(job_id: str, name: str, who: Owner) -> Response:
        job = own_job(job_id, who)
        out = store.job_dir(job.id) / "out"
        if name not in output_files(out):  # the request's name never reaches open() unchecked
            raise ApiError(404, f"job {job_id} has no output file {name!r}",
                           f"任务 {job_id} 没有输出文件 {name!r}", [Problem(
                               "request", "no such output file", "not_found", column="name",
                               value=name[:200], expected="one of GET /v1/jobs/{id}/files",
                               message_zh="没有该输出文件",
                               expected_zh="GET /v1/jobs/{id}/files 列出的文件之一")])
        return _file_response((out / name).read_bytes(), media_type(name))

    @app.get("/v1/jobs/{job_id}/{result}", tags=["results"],
             summary="A result of a finished job, as JSON, CSV or xlsx (by Accept)",
             responses={200: {"content": {JSON: {}, CSV: {}, XLSX: {}, HTML: {}}},
                        404: {"model": schemas.ErrorBody}, 406: {"model": schemas.ErrorBody},
                        409: {"model": schemas.ErrorBody}})
    def result(job_id: str, result: Result, who: Owner, request: Request) -> Response:
        job = own_job(job_id, who)
        if job.state != "done":
            failed = f" ({job.error})" if job.error else ""
            raise ApiError(409, f"job {job_id} is {job.state}: results exist once it is done"
                           + failed, f"任务 {job_id} 的状态为 {job.state}：任务完成后才有结果"
                           + failed)
        return _result_response(store.job_dir(job.id) / "out", job, result,
                                request.headers.get("accept"))

    @app.get("/v1/health", response_model=schemas.Health, tags=["service"],
             summary="Workers, queue and whether the server is ready for jobs")
    def health(_who: Owner) -> Any:
        status = pool.status()
        return {"ready": all(w["ready"] for w in status["workers"]), **status,
                "queued": store.count("queued"), "running": store.count("running")}

    app.openapi = _openapi_with_bodies(app)  # type: ignore[method-assign]
    return app


# ---------------------------------------------------------------------- request bodies


def _submission_reader(reader: Reader) -> Callable[..., Awaitable[Submission]]:
    async def read(request: Request, *, job: bool = False, roster: bool = False) -> Submission:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        try:
            if content_type == "application/json" or content_type.endswith("+json"):
                return reader.from_json(await request.body(), job=job, roster=roster)
            if content_type == "multipart/form-data":
                return reader.from_form(await _form_fields(request), job=job, roster=roster)
        except RequestProblems as error:
            raise ApiError.of(error.status, error.problems) from None
        raise ApiError(415, "send JSON or multipart/form-data",
                       "请发送 JSON 或 multipart/form-data", [Problem(
                           "request", "unsupported content type", "content_type",
                           column="Content-Type", value=content_type or None,
                           expected="application/json or multipart/form-data",
                           message_zh="不支持的内容类型",
                           expected_zh="application/json 或 multipart/form-data")])

    return read


async def _form_fields(request: Request) -> dict[str, Any]:
    """A multipart form as text fields and (filename, bytes) files."""
    form = await request.form(max_files=8, max_fields=32)
    fields: dict[str, Any] = {}
    try:
        for key, value in form.multi_items():
            if isinstance(value, str):
                fields[key] = value
            else:
                fields[key] = (value.filename, await value.read())
    finally:
        await form.close()
    return fields


def _body_doc(json_model: type, form_model: type) -> dict[str, Any]:
    """The OpenAPI request body of an endpoint that takes JSON or a multipart upload."""
    ref = "#/components/schemas/{}"
    return {"requestBody": {"required": True, "content": {
        "application/json": {"schema": {"$ref": ref.format(json_model.__name__)}},
        "multipart/form-data": {"schema": {"$ref": ref.format(form_model.__name__)}},
    }}}


def _openapi_with_bodies(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """The schema, with the request body models (read by hand) among its components."""
    bodies = (schemas.InputsJSON, schemas.InputsForm, schemas.CheckJSON, schemas.CheckForm,
              schemas.JobJSON, schemas.JobForm)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, summary=app.summary,
                                 description=app.description, routes=app.routes)
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            for model in bodies:
                found = model.model_json_schema(ref_template="#/components/schemas/{model}")
                components.update(found.pop("$defs", {}))
                components[model.__name__] = found
            _document_errors(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    return openapi


def _document_errors(schema: dict[str, Any]) -> None:
    """Every error answer as `ErrorBody`, with the statuses each operation can give."""
    error = {"content": {"application/json": {"schema": {
        "$ref": "#/components/schemas/ErrorBody"}}}}
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            statuses = {"401": "no or unknown bearer token", "422": "located problems"}
            if "requestBody" in operation:
                statuses |= {"400": "a body that cannot be read", "413": "body too large",
                             "415": "neither JSON nor multipart/form-data"}
            if "{job_id}" in path:
                statuses["404"] = "no such job for this token"
            for status, description in statuses.items():
                responses[status] = {"description": description, **error}
    for name in ("HTTPValidationError", "ValidationError"):
        schema["components"]["schemas"].pop(name, None)


# ---------------------------------------------------------------------- work in threads


def _with_inputs(config: ServiceConfig, sub: Submission,
                 work: Callable[[Path, Submission], Any]) -> Any:
    """Write a submission to a scratch folder, run ``work`` on it, remove the folder."""
    scratch = config.data / "scratch" / f"{time.time_ns()}-{id(sub)}"
    try:
        sub.write(scratch)
        return work(scratch, sub)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _bundle(folder: Path, sub: Submission) -> Path:
    return folder / f"bundle.{sub.bundle_format}"


def _validate(folder: Path, sub: Submission) -> Any:
    with _input_problems():
        return adapter.validate(_bundle(folder, sub), sub.policy_text, sub.policy_source)


def _check(folder: Path, sub: Submission) -> Any:
    with _input_problems():
        return plain(adapter.check_files(
            _bundle(folder, sub), sub.policy_text, sub.policy_source, folder / "roster.csv",
            folder / "pay.csv" if sub.pay_plan is not None else None))


@contextlib.contextmanager
def _input_problems() -> Any:
    """Engine input errors as 422 answers with every located problem."""
    try:
        yield
    except InputError as error:
        raise ApiError.of(422, error.problems) from None


def _create_job(store: JobStore, sub: Submission, who: str) -> JobRecord:
    """Check a job's inputs, store them, and queue it."""
    job_id = store.new_id()
    final = store.job_dir(job_id)
    staging = final.with_name(f".{job_id}.staging")
    try:
        sub.write(staging / "input")
        with _input_problems():
            adapter.load_inputs(_bundle(staging / "input", sub), sub.policy_text,
                                sub.policy_source,
                                staging / "input" / "roster.csv" if sub.roster else None)
        staging.rename(final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    job = JobRecord(id=job_id, owner=who, kind=sub.options["kind"], state="queued",
                    created=time.time(), options=sub.options)
    store.add(job)
    return job


def _refuse_when_full(store: JobStore, pool: Pool, config: ServiceConfig) -> None:
    # Jobs the free workers are about to take are not waiting for a worker.
    queued = store.count("queued") - pool.free_workers()
    if queued < config.limits.max_queue:
        return
    remaining = pool.running_remaining()
    wait = max(1, math.ceil(min(remaining) if remaining else config.limits.default_time_limit))
    raise ApiError(429, f"the queue is full ({queued} jobs waiting); retry in {wait} s",
                   f"队列已满（{queued} 个任务等待中），请 {wait} 秒后重试",
                   headers={"Retry-After": str(wait)})


# ---------------------------------------------------------------------- answers


def _result_response(out: Path, job: JobRecord, result: Result, accept: str | None) -> Response:
    output = OUTPUTS[result]
    name = output.file
    if result in (Result.MANIFEST, Result.REPORT) and job.kind == "pay":
        name = f"pay/{name}"
    path = out / name
    if not path.is_file():
        if result is Result.REPORT:
            raise ApiError(404, f"job {job.id} has no HTML report (its run wrote no "
                           f"{name}); its other outputs: GET /v1/jobs/{job.id}/files",
                           f"任务 {job.id} 没有 HTML 报告（运行未写出 {name}）；其他输出见 "
                           f"GET /v1/jobs/{job.id}/files")
        written = ", ".join(sorted(output_files(out)))
        raise ApiError(404, f"job {job.id} has no {result.value} (a {job.kind} job writes "
                       f"{written})", f"任务 {job.id} 没有 {result.value}（{job.kind} 任务写出 "
                       f"{written}）")
    chosen = choose_type(accept, output.types)
    if chosen is None:
        types = ", ".join(output.types)
        raise ApiError(406, f"{result.value} is served as {types}",
                       f"{result.value} 只以 {types} 格式提供", [Problem(
                           "request", "no acceptable type", "not_acceptable", column="Accept",
                           value=(accept or "")[:200], expected="one of " + types,
                           message_zh="没有可接受的格式", expected_zh="以下之一：" + types)])
    if chosen == XLSX:
        if output.workbook and (out / output.workbook).is_file():
            return _file_response((out / output.workbook).read_bytes(), XLSX)
        return _file_response(csv_workbook(path.read_text("utf-8-sig"), result.value), XLSX)
    if chosen == CSV:
        return _file_response(path.read_bytes(), CSV + "; charset=utf-8")
    if chosen == HTML:
        return _file_response(path.read_bytes(), HTML + "; charset=utf-8")
    if name.endswith(".json"):
        return _file_response(path.read_bytes(), JSON)
    return JSONResponse(csv_records(path.read_text("utf-8-sig")))


def _file_response(content: bytes, media: str) -> Response:
    headers = {"X-Content-Type-Options": "nosniff"}
    if media.startswith(HTML):
        headers["Content-Security-Policy"] = "sandbox allow-scripts"
    return Response(content, media_type=media, headers=headers)


def _install_error_handlers(app: FastAPI) -> None:
    """Every error answer as {detail, problems}; never a traceback."""

    @app.exception_handler(ApiError)
    async def api_error(_request: Request, error: ApiError) -> JSONResponse:
        return _error(error)

    @app.exception_handler(BodyTooLarge)
    async def too_large(_request: Request, _exc: Exception) -> JSONResponse:
        return _error(ApiError(413, "request body too large", "请求体过大", [Problem(
            "request", "request body too large", "too_large", expected="a smaller body",
            message_zh="请求体过大", expected_zh="更小的请求体")], {"Connection": "close"}))

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, error: RequestValidationError) -> JSONResponse:
        problems = []
        for item in error.errors():
            column = ".".join(str(p) for p in item.get("loc", ()))
            wording = describe(item, field=column.rsplit(".", 1)[-1] or None)
            problems.append(Problem("request", wording.message, item.get("type", "invalid"),
                                    column=column, value=_short(item.get("input")),
                                    expected=wording.expected, message_zh=wording.message_zh,
                                    expected_zh=wording.expected_zh))
        return _error(ApiError.of(422, problems))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        detail = error.detail if isinstance(error.detail, str) else str(error.detail)
        detail_zh = f"HTTP {error.status_code}：{_STATUS_ZH.get(error.status_code, detail)}"
        problems = [] if error.status_code in (404, 405) else [
            Problem("request", detail, "http", message_zh=detail_zh)]
        return _error(ApiError(error.status_code, detail, detail_zh, problems,
                               dict(error.headers or {})))

    @app.exception_handler(Exception)
    async def internal(_request: Request, error: Exception) -> JSONResponse:
        name = type(error).__name__
        return _error(ApiError(500, f"internal error: {name}; please report it with the request "
                               "sent", f"内部错误：{name}；请连同所发送的请求一并报告"))


# what Starlette's own answers say, in Chinese (others keep its English phrase)
_STATUS_ZH = {400: "请求无法读取", 404: "没有这个地址", 405: "该地址不接受此请求方法",
              413: "请求体过大", 415: "不支持的内容类型"}


def _error(error: ApiError) -> JSONResponse:
    body = {"detail": error.detail, "detail_zh": error.detail_zh,
            "problems": [plain(p.to_dict()) for p in error.problems]}
    return JSONResponse(body, status_code=error.status, headers=error.headers)


def _summary(problems: list[Problem], lang: Lang = "en") -> str:
    """The first problems in one line (their count, then each in full), in ``lang``."""
    errors = [p for p in problems if p.severity == "error"] or problems
    head = f"{len(errors)} 个问题：" if lang == "zh" else f"{len(errors)} problem(s): "
    more = " ..." if len(errors) > 3 else ""
    return head + ("；" if lang == "zh" else "; ").join(
        p.line(lang) for p in errors[:3]) + more


def _short(value: Any) -> Any:
    value = plain(value)
    if isinstance(value, str | dict | list) and len(json.dumps(value)) > 200:
        return json.dumps(value)[:200]
    return value


def _iso(stamp: float | None) -> str | None:
    return datetime.fromtimestamp(stamp, UTC).isoformat() if stamp is not None else None


def _round(value: float | None) -> float | None:
    return round(value, 3) if value is not None else None


def _finite(value: Any) -> Any:
    return value if not isinstance(value, float) or math.isfinite(value) else None
