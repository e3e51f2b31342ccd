"""Tests that a real ``staffing serve`` answers over HTTP as the API promises.

One server for the module (2 workers, a queue of 2, 2 MiB requests); the jobs of
one test are over before the next starts.
"""

from __future__ import annotations

import io
import json
import os
import signal
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from staffing.errors import Problem
from tests.service.server import (
    DEMO,
    MODELS,
    OTHER_TOKEN,
    Server,
    demo_bundle,
    fuzz,
    running_server,
    wait_for,
)

LONG = "chongqing-2024"  # about 40 s on the demo: long enough to cancel or kill mid-solve
QUICK = "nanxun-2024"    # a few seconds on the demo
PROBLEM_FIELDS = set(Problem.__dataclass_fields__)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("service") / "data"
    yield from running_server(data, "--workers", "2", "--max-queue", "2",
                              "--max-request-mb", "2", "--max-time-limit", "300")


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    with server.client() as http:
        yield http


@pytest.fixture(scope="module")
def bundle() -> dict[str, Any]:
    return demo_bundle()


def _located(response: httpx.Response) -> list[dict[str, Any]]:
    """The problems of an error answer, each with every field and its Chinese."""
    body = response.json()
    assert set(body) == {"detail", "detail_zh", "problems"}
    assert _chinese(body["detail_zh"]), body
    for problem in body["problems"]:
        assert set(problem) == PROBLEM_FIELDS
        assert _chinese(problem["message_zh"]), problem
        assert (problem["expected"] is None) == (problem["expected_zh"] is None), problem
    return body["problems"]


def _chinese(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


def _running_with_progress(client: httpx.Client, bundle: dict[str, Any]) -> dict[str, Any]:
    """Submit the long job and wait until its solve reports progress."""
    submitted = client.post("/v1/jobs", json={"bundle": bundle, "policy": LONG,
                                              "time_limit": 200})
    assert submitted.status_code == 202, submitted.text
    return wait_for(client, submitted.json()["id"],
                    lambda job: job["state"] == "running" and job["stage"] is not None)


def test_missing_or_wrong_token_is_401(server: Server, bundle: dict[str, Any]) -> None:
    """Tests that every endpoint refuses a request without a token or with an unknown one."""
    for token in (None, "not-a-token-of-this-server"):
        with server.client(token) as anonymous:
            for method, path in (("GET", "/v1/health"), ("GET", "/v1/jobs"),
                                 ("POST", "/v1/jobs"), ("POST", "/v1/validate"),
                                 ("GET", "/v1/jobs/" + "0" * 32), ("DELETE", "/v1/jobs/x")):
                response = anonymous.request(method, path, json={"bundle": bundle,
                                                                 "policy": QUICK})
                assert response.status_code == 401, (method, path)
                assert response.headers["www-authenticate"] == "Bearer"
                assert "token" in response.json()["detail"]


def test_schema_and_docs_are_served(client: httpx.Client) -> None:
    """Tests that /openapi.json lists the versioned endpoints and /docs serves the docs page."""
    schema = client.get("/openapi.json").json()
    for path in ("/v1/validate", "/v1/check", "/v1/jobs", "/v1/jobs/{job_id}",
                 "/v1/jobs/{job_id}/events", "/v1/jobs/{job_id}/{result}"):
        assert path in schema["paths"], path
    body = schema["paths"]["/v1/jobs"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json", "multipart/form-data"}
    assert client.get("/docs").status_code == 200


def test_validate_accepts_the_demo_as_json_and_xlsx(client: httpx.Client, bundle: dict[str, Any],
                                                    tmp_path: Path) -> None:
    """Tests that the demo validates as a JSON body and as an uploaded workbook."""
    import staffing

    answer = client.post("/v1/validate", json={"bundle": bundle, "policy": QUICK})
    assert answer.status_code == 200, answer.text
    assert answer.json()["counts"]["people"] == 600
    staffing.save(staffing.load(DEMO), tmp_path / "demo.xlsx")
    upload = client.post("/v1/validate", files={"bundle": ("demo.xlsx",
                                                           (tmp_path / "demo.xlsx").read_bytes())},
                         data={"policy": QUICK})
    assert upload.status_code == 200, upload.text
    assert upload.json()["counts"] == answer.json()["counts"]


def test_validate_lists_every_located_problem(client: httpx.Client,
                                              bundle: dict[str, Any]) -> None:
    """Tests that a bundle with two bad cells gets 422 naming both, table, row and column."""
    broken = json.loads(json.dumps(bundle))
    broken["staff"][4]["discipline"] = "astrology"
    broken["posts"][9]["places"] = "many"
    answer = client.post("/v1/validate", json={"bundle": broken, "policy": QUICK})
    assert answer.status_code == 422
    problems = _located(answer)
    places = {(p["source"], p["row"], p["column"]) for p in problems}
    assert ("bundle.json:staff", 5, "discipline") in places
    assert ("bundle.json:posts", 10, "places") in places


def test_a_422_carries_each_problem_in_chinese(client: httpx.Client,
                                              bundle: dict[str, Any]) -> None:
    """Tests that a 422 answer gives every problem's message and expectation in Chinese beside
    the English, located, with a Chinese summary: bad cells, and bad job options."""
    broken = json.loads(json.dumps(bundle))
    broken["posts"][9]["places"] = "many"
    answer = client.post("/v1/validate", json={"bundle": broken, "policy": QUICK})
    assert answer.status_code == 422
    (cell,) = [p for p in _located(answer) if p["column"] == "places"]
    assert (cell["source"], cell["row"], cell["value"]) == ("bundle.json:posts", 10, "many")
    assert (cell["message"], cell["message_zh"]) == ("not a whole number", "不是整数")
    assert cell["expected_zh"] == "整数"
    assert "bundle.json:posts，第 10 行，列「places」" in answer.json()["detail_zh"]
    answer = client.post("/v1/jobs", json={"bundle": bundle, "policy": QUICK,
                                           "kind": "everything", "deterministic": "maybe"})
    assert answer.status_code == 422
    columns = {p["column"]: p for p in _located(answer)}
    assert columns["kind"]["message_zh"] == "未知的任务类型"
    assert columns["kind"]["expected_zh"] == "以下之一：allocation, pay, both"
    assert columns["deterministic"]["expected_zh"] == "true 或 false"
    nowhere = client.get("/v1/nowhere")
    assert nowhere.status_code == 404 and nowhere.json()["detail_zh"] == "HTTP 404：没有这个地址"


@pytest.mark.parametrize(("body", "content_type", "status", "column"), [
    (b'{"bundle": {', "application/json", 400, None),
    (b"[1, 2]", "application/json", 422, None),
    (b"\xff\xfe", "application/json", 400, None),
    (b"[" * 100_000 + b"]" * 100_000, "application/json", 400, None),
    (b"bundle=1", "application/x-www-form-urlencoded", 415, "Content-Type"),
    (json.dumps({"bundle": {}, "policy": "../../etc/passwd"}).encode(), "application/json", 422,
     "policy"),
    (json.dumps({"bundle": {}, "policy_yaml": "a: &x [1]\nb: *x\n"}).encode(),
     "application/json", 422, None),
    (json.dumps({"bundle": {}, "policy_yaml": "a: !!python/object:os.system 'ls'\n"}).encode(),
     "application/json", 422, None),
    (json.dumps({"bundle": {}, "policy_yaml": "[" * 60 + "]" * 60}).encode(), "application/json",
     422, None),
    (json.dumps({"bundle": "x", "policy": QUICK, "time_limit": 10_000}).encode(),
     "application/json", 422, "bundle"),
])
def test_malformed_requests_get_located_4xx(client: httpx.Client, body: bytes, content_type: str,
                                            status: int, column: str | None) -> None:
    """Tests that malformed bodies, unsafe YAML and unknown policies get 4xx, never 500."""
    for path in ("/v1/validate", "/v1/jobs"):
        answer = client.post(path, content=body, headers={"Content-Type": content_type})
        assert answer.status_code == status, (path, answer.text)
        problems = _located(answer)
        assert problems
        if column is not None:
            assert column in {p["column"] for p in problems}


def test_job_options_out_of_range_are_located(client: httpx.Client,
                                              bundle: dict[str, Any]) -> None:
    """Tests that a time limit over the server's maximum and an unknown kind are both named."""
    answer = client.post("/v1/jobs", json={"bundle": bundle, "policy": QUICK,
                                           "time_limit": 10_000, "kind": "everything"})
    assert answer.status_code == 422
    columns = {p["column"]: p for p in _located(answer)}
    assert "300" in columns["time_limit"]["expected"]
    assert "allocation" in columns["kind"]["expected"]


def test_oversized_and_bad_uploads_are_refused(client: httpx.Client) -> None:
    """Tests that a body over the limit gets 413 and a fake workbook 422, each located."""
    big = client.post("/v1/validate", content=b"x" * (3 * 2**20),
                      headers={"Content-Type": "application/json"})
    assert big.status_code == 413
    assert _located(big)[0]["kind"] == "too_large"
    fake = io.BytesIO()
    with zipfile.ZipFile(fake, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    for content in (b"PK\x03\x04 truncated", fake.getvalue()):
        answer = client.post("/v1/validate", files={"bundle": ("b.xlsx", content)},
                             data={"policy": QUICK})
        assert answer.status_code == 422
        assert _located(answer)[0]["source"] == "bundle.xlsx"
    missing = client.post("/v1/validate", files={"other": ("x.txt", b"x")})
    assert missing.status_code == 422
    assert _located(missing)[0]["column"] == "bundle"


def test_full_round_trip_passes_the_checker(client: httpx.Client, bundle: dict[str, Any],
                                            tmp_path: Path) -> None:
    """Tests a job (allocation and pay) from submission to results that `staffing check` passes.

    Follows it by server-sent events: queued or running first, each stage as it ends, done last.
    """
    submitted = client.post("/v1/jobs", json={"bundle": bundle, "policy": QUICK, "kind": "both",
                                              "time_limit": 300})
    assert submitted.status_code == 202, submitted.text
    job_id = submitted.json()["id"]
    states, stages = [], []
    with client.stream("GET", f"/v1/jobs/{job_id}/events") as events:
        assert events.headers["content-type"].startswith("text/event-stream")
        for line in events.iter_lines():
            if line.startswith("data: "):
                job = json.loads(line[len("data: "):])
                states.append(job["state"])
                stages.append(len(job["stages"]))
    assert states[-1] == "done", job
    assert states[0] in ("queued", "running")
    assert max(stages) >= 3 and len(set(stages)) >= 2  # stages were seen finishing one by one
    assert job["summary"]["status"] == "optimal"
    roster = client.get(f"/v1/jobs/{job_id}/roster", headers={"Accept": "text/csv"})
    pay = client.get(f"/v1/jobs/{job_id}/pay", headers={"Accept": "text/csv"})
    assert roster.headers["content-type"].startswith("text/csv")
    (tmp_path / "roster.csv").write_bytes(roster.content)
    (tmp_path / "pay.csv").write_bytes(pay.content)
    assert _checker_passes(tmp_path / "roster.csv", tmp_path / "pay.csv")
    records = client.get(f"/v1/jobs/{job_id}/roster").json()
    assert len(records) == 600 and set(records[0]) == {"person", "name", "post", "post_name",
                                                        "pool", "tour_villages"}
    book = client.get(f"/v1/jobs/{job_id}/vacancies", headers={
        "Accept": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
    sheet = load_workbook(io.BytesIO(book.content)).active
    assert sheet is not None and sheet.cell(1, 1).value == "post"
    manifest = client.get(f"/v1/jobs/{job_id}/manifest").json()
    assert manifest["policy"]["name"] and manifest["solver"]["status"] == "optimal"
    assert client.get(f"/v1/jobs/{job_id}/manifest",
                      headers={"Accept": "text/csv"}).status_code == 406
    assert client.get(f"/v1/jobs/{job_id}/reasons").status_code == 200
    assert client.get(f"/v1/jobs/{job_id}/audit").status_code == 200
    report = client.get(f"/v1/jobs/{job_id}/report")
    assert report.headers["content-type"].startswith("text/html")
    assert "sandbox" in report.headers["content-security-policy"]
    assert b"<html" in report.content[:500].lower()
    files = client.get(f"/v1/jobs/{job_id}/files").json()
    assert {"roster.csv", "manifest.json", "pay/pay.csv"} <= set(files)
    assert client.get(f"/v1/jobs/{job_id}/files/pay/funds.csv").status_code == 200
    for name in ("../input/policy.yaml", "..%2Finput%2Fpolicy.yaml", "/etc/passwd",
                 "roster.csv/../../input/bundle.json"):
        assert client.get(f"/v1/jobs/{job_id}/files/{name}").status_code == 404, name
    assert client.delete(f"/v1/jobs/{job_id}").status_code == 409


def _checker_passes(roster: Path, pay: Path) -> bool:
    """What ``staffing check`` decides for a roster and pay plan: no hard rule broken."""
    import staffing
    from staffing.pay.io import read_pay_plan

    instance = staffing.load(DEMO)
    policy = staffing.load_policy(MODELS / f"{QUICK}.yaml")
    report = staffing.check(instance, policy, staffing.read_roster(roster, instance),
                            read_pay_plan(pay, instance))
    return report.ok


def test_pay_job_from_an_upload(client: httpx.Client, bundle: dict[str, Any]) -> None:
    """Tests a pay-only job uploaded as multipart: bundle file, roster file and budget field."""
    upload = json.dumps(bundle).encode()
    submitted = client.post("/v1/jobs", data={"policy": QUICK, "kind": "pay",
                                              "time_limit": "300"}, files={
        "bundle": ("demo.json", upload),
        "roster": ("roster.csv", (DEMO / "current_roster.csv").read_bytes())})
    assert submitted.status_code == 202, submitted.text
    job = wait_for(client, submitted.json()["id"], lambda job: job["state"] not in (
        "queued", "running"))
    assert job["state"] == "done", job
    lines = client.get(f"/v1/jobs/{job['id']}/pay").json()
    assert len(lines) > 500
    assert client.get(f"/v1/jobs/{job['id']}/report").headers["content-type"].startswith(
        "text/html")
    missing = client.get(f"/v1/jobs/{job['id']}/roster")  # a pay job allocates nothing
    assert missing.status_code == 404 and "pay/pay.csv" in missing.json()["detail"]
    no_roster = client.post("/v1/jobs", data={"policy": QUICK, "kind": "pay"},
                            files={"bundle": ("demo.json", upload)})
    assert no_roster.status_code == 422 and _located(no_roster)[0]["column"] == "roster"


def test_check_endpoint_reports_the_checker(client: httpx.Client,
                                            bundle: dict[str, Any]) -> None:
    """Tests that /v1/check returns the checker's findings, and locates a bad roster row."""
    roster = (DEMO / "current_roster.csv").read_text()
    answer = client.post("/v1/check", json={"bundle": bundle, "policy": QUICK,
                                            "roster_csv": roster})
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["hard_violations"] == sum(v["hard"] for v in report["violations"])
    bad = roster.replace("P0003,", "NOBODY,", 1)
    refused = client.post("/v1/check", json={"bundle": bundle, "policy": QUICK,
                                             "roster_csv": bad})
    assert refused.status_code == 422
    assert {"row": 4, "column": "person"}.items() <= _located(refused)[0].items()


def test_jobs_are_visible_only_to_their_token(server: Server, client: httpx.Client,
                                              bundle: dict[str, Any]) -> None:
    """Tests that another token neither sees, reads nor cancels a job it did not create."""
    job = client.post("/v1/jobs", json={"bundle": bundle, "policy": QUICK,
                                        "time_limit": 300}).json()
    mine = client.get("/v1/jobs").json()["jobs"]
    assert job["id"] in {j["id"] for j in mine}
    with server.client(OTHER_TOKEN) as other:
        assert other.get("/v1/jobs").json()["jobs"] == []
        for theirs in mine:
            assert other.get(f"/v1/jobs/{theirs['id']}").status_code == 404
            assert other.get(f"/v1/jobs/{theirs['id']}/roster").status_code == 404
            assert other.get(f"/v1/jobs/{theirs['id']}/files").status_code == 404
            assert other.delete(f"/v1/jobs/{theirs['id']}").status_code == 404
    wait_for(client, job["id"], lambda job: job["state"] == "done")


def test_cancel_stops_a_running_solve(client: httpx.Client, bundle: dict[str, Any]) -> None:
    """Tests that DELETE ends a solve mid-stage: cancelled, and the same worker serves on."""
    job = _running_with_progress(client, bundle)
    pid = job["worker_pid"]
    cancelled = client.delete(f"/v1/jobs/{job['id']}")
    assert cancelled.status_code == 200
    assert cancelled.json()["state"] == "cancelled", cancelled.json()
    health = client.get("/v1/health").json()
    assert pid in {w["pid"] for w in health["workers"]}  # reused, not replaced


def test_full_queue_answers_429_and_queued_jobs_cancel(client: httpx.Client,
                                                       bundle: dict[str, Any]) -> None:
    """Tests that past the queue limit a job gets 429 with Retry-After; queued ones cancel."""
    body = {"bundle": bundle, "policy": LONG, "time_limit": 200}
    jobs = [client.post("/v1/jobs", json=body) for _ in range(4)]
    assert all(j.status_code == 202 for j in jobs), [j.text for j in jobs]
    ids = [j.json()["id"] for j in jobs]
    for job_id in ids[:2]:
        wait_for(client, job_id, lambda job: job["state"] == "running")
    full = client.post("/v1/jobs", json=body)
    assert full.status_code == 429
    assert int(full.headers["retry-after"]) >= 1
    for job_id in reversed(ids):  # queued ones first, so that none starts meanwhile
        assert client.delete(f"/v1/jobs/{job_id}").json()["state"] == "cancelled"


def test_killed_worker_fails_its_job_and_is_replaced(client: httpx.Client,
                                                     bundle: dict[str, Any]) -> None:
    """Tests that killing a worker mid-solve fails its job with the reason; the server serves on."""
    job = _running_with_progress(client, bundle)
    os.kill(job["worker_pid"], signal.SIGKILL)
    failed = wait_for(client, job["id"], lambda job: job["state"] != "running", timeout=30)
    assert failed["state"] == "failed"
    assert "ended unexpectedly" in failed["error"] and "SIGKILL" in failed["error"]
    health = wait_for_ready(client)
    assert health["replaced"] >= 1
    assert job["worker_pid"] not in {w["pid"] for w in health["workers"]}
    assert client.post("/v1/validate", json={"bundle": bundle,
                                             "policy": QUICK}).status_code == 200


def wait_for_ready(client: httpx.Client, timeout: float = 60.0) -> dict[str, Any]:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        health = client.get("/v1/health").json()
        if health["ready"]:
            return health
        time.sleep(0.2)
    raise AssertionError(f"workers not ready: {health}")


def test_schema_driven_fuzzing_finds_no_server_error(server: Server, tmp_path: Path) -> None:
    """Tests a bounded schemathesis run against /openapi.json: no 500, answers as documented."""
    run = fuzz(server, tmp_path, 8, "--phases", "fuzzing", timeout=300)
    assert run.returncode == 0, run.stdout[-5000:] + run.stderr[-2000:]
    assert " passed" in run.stdout
