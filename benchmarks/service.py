"""The HTTP service under load, under a schema-driven fuzzer, and cancelled mid-solve.

``python -m benchmarks.service [--out DIR] [--only load|fuzz|cancel]`` starts a real
``staffing serve`` (2 workers) on a free loopback port for each part and writes:

- ``service_load.csv``: 200 validate requests of the demo county from 20 concurrent
  clients while 8 solve jobs (demo, nanxun-2024) run on the 2 workers: throughput, latency
  percentiles, and how every job ended (the run fails if one is lost or not done);
- ``service_fuzz.json``: a bounded schemathesis run against ``/openapi.json`` (every phase,
  50 examples per operation): cases generated, failures (the run fails on any);
- ``service_cancel.csv``: a 3,000-person county (``staffing generate X --staff 3000 --seed 1``)
  under chongqing-2024, cancelled at 3 points of its solve: seconds from the DELETE request
  to the job being cancelled, and whether the same worker served on.

Every request goes to 127.0.0.1 only; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from benchmarks.common import (
    RESULTS,
    ROOT,
    log,
    machine,
    machine_line,
    md_table,
    num,
    read_csv,
    today,
    write_csv,
)
from tests.service.server import FUZZ_EXCLUDED, Server, demo_bundle, wait_for
from tests.service.server import fuzz as fuzz_run

VALIDATE_REQUESTS = 200
CLIENTS = 20
SOLVE_JOBS = 8
FUZZ_EXAMPLES = 50
CANCEL_AFTER = (0.0, 5.0, 15.0)  # seconds of solve progress before the DELETE


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def load(work: Path) -> list[dict[str, Any]]:
    """200 validates from 20 clients while 8 solve jobs run; one row of figures."""
    bundle = demo_bundle()
    body = {"bundle": bundle, "policy": "nanxun-2024"}
    server = Server(work / "load", "--workers", "2", "--max-time-limit", "300").start()
    try:
        with server.client() as client:
            started = time.monotonic()
            jobs = [client.post("/v1/jobs", json={**body, "time_limit": 120})
                    for _ in range(SOLVE_JOBS)]
            submitted = [j.json()["id"] for j in jobs if j.status_code == 202]
            latencies: list[float] = []
            statuses: list[int] = []
            lock = threading.Lock()

            def one_client(count: int) -> None:
                with server.client(timeout=120) as own:
                    for _ in range(count):
                        begin = time.monotonic()
                        answer = own.post("/v1/validate", json=body)
                        with lock:
                            latencies.append(time.monotonic() - begin)
                            statuses.append(answer.status_code)

            threads = [threading.Thread(target=one_client, args=(VALIDATE_REQUESTS // CLIENTS,))
                       for _ in range(CLIENTS)]
            validate_start = time.monotonic()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(600)
            validate_wall = time.monotonic() - validate_start
            finished = [wait_for(client, job_id, lambda job: job["state"] in (
                "done", "failed", "cancelled"), timeout=900) for job_id in submitted]
            total_wall = time.monotonic() - started
    finally:
        server.stop()
    done = [job for job in finished if job["state"] == "done"]
    runs = [job["elapsed"] for job in done]
    row = {
        "validate_requests": len(latencies), "clients": CLIENTS,
        "validate_ok": sum(s == 200 for s in statuses),
        "validate_per_s": len(latencies) / validate_wall,
        "latency_p50_s": percentile(latencies, 0.50), "latency_p95_s": percentile(latencies, 0.95),
        "latency_max_s": max(latencies),
        "jobs_submitted": len(submitted), "jobs_done": len(done),
        "jobs_lost": SOLVE_JOBS - len(done),
        "job_run_mean_s": statistics.mean(runs) if runs else None,
        "jobs_wall_s": total_wall, "jobs_per_min": 60 * len(done) / total_wall,
    }
    log(f"load: {row}")
    if row["jobs_lost"] or row["validate_ok"] != VALIDATE_REQUESTS:
        raise RuntimeError(f"the load test lost work: {row}")
    return [row]


def fuzz(work: Path) -> dict[str, Any]:
    """A bounded schemathesis run; its counts and failures."""
    server = Server(work / "fuzz", "--workers", "1").start()
    try:
        started = time.monotonic()
        run = fuzz_run(server, work, FUZZ_EXAMPLES, "--max-time", "900")
        seconds = time.monotonic() - started
    finally:
        server.stop()
    summary = next((line.strip() for line in reversed(run.stdout.splitlines())
                    if "generated" in line), "")
    result = {"exit_code": run.returncode, "cases": summary, "seconds": round(seconds, 1),
              "examples_per_operation": FUZZ_EXAMPLES,
              "excluded_checks": list(FUZZ_EXCLUDED),
              "failures": run.stdout.split("FAILURES", 1)[1][:20000]
              if "FAILURES" in run.stdout else ""}
    log(f"fuzz: exit {run.returncode}, {summary}")
    if run.returncode != 0:
        raise RuntimeError(f"the fuzz run found failures:\n{run.stdout[-5000:]}")
    return result


def cancel(work: Path) -> list[dict[str, Any]]:
    """Cancel a 3,000-person solve at several points; seconds from DELETE to cancelled."""
    import staffing
    from staffing.io.bundle import instance_json
    from staffing.synth import generate

    bundle = json.loads(instance_json(generate(staff=3000, seed=1)))
    server = Server(work / "cancel", "--workers", "1", "--max-time-limit", "600").start()
    rows = []
    try:
        with server.client(timeout=120) as client:
            for after in CANCEL_AFTER:
                job = client.post("/v1/jobs", json={"bundle": bundle, "policy": "chongqing-2024",
                                                    "time_limit": 600}).json()
                running = wait_for(client, job["id"], lambda job: job["state"] == "running"
                                   and job["stage"] is not None, timeout=300)
                time.sleep(after)
                before = client.get(f"/v1/jobs/{job['id']}").json()
                sent = time.monotonic()
                answer = client.delete(f"/v1/jobs/{job['id']}").json()
                seconds = time.monotonic() - sent
                health = client.get("/v1/health").json()
                rows.append({
                    "people": 3000, "policy": "chongqing-2024", "cancel_after_s": after,
                    "stage": before["stage"], "solve_elapsed_s": before["elapsed"],
                    "state": answer["state"], "seconds_to_cancelled": seconds,
                    "worker_reused": running["worker_pid"] in {w["pid"]
                                                               for w in health["workers"]},
                    "error": answer["error"]})
                log(f"cancel: {rows[-1]}")
                wait_ready(client)
    finally:
        server.stop()
    del staffing
    return rows


def wait_ready(client: httpx.Client) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not client.get("/v1/health").json()["ready"]:
        time.sleep(0.2)


README = ROOT / "benchmarks" / "README.md"
START, END = "<!-- service results: start -->", "<!-- service results: end -->"


def results_block(out: Path) -> str:
    """The tables of the latest service figures in ``out``, for the README."""
    lines = []
    info_file = out / "service_run.json"
    if info_file.exists():
        info = json.loads(info_file.read_text())
        lines.append(f"Machine: {machine_line(info)}; source {info['source']}; "
                     f"load average {info['load']} during the run ({info['date']}).")
    if (out / "service_load.csv").exists():
        for row in read_csv(out / "service_load.csv"):
            lines += ["", md_table(
                ["validates", "clients", "answered 200", "per second", "p50 s", "p95 s",
                 "max s", "jobs", "done", "lost", "mean run s", "all jobs s"],
                [[row["validate_requests"], row["clients"], row["validate_ok"],
                  num(row["validate_per_s"]), num(row["latency_p50_s"]),
                  num(row["latency_p95_s"]), num(row["latency_max_s"]), row["jobs_submitted"],
                  row["jobs_done"], row["jobs_lost"], num(row["job_run_mean_s"]),
                  num(row["jobs_wall_s"], 0)]])]
    if (out / "service_fuzz.json").exists():
        fuzz_result = json.loads((out / "service_fuzz.json").read_text())
        lines += ["", (f"Fuzz: {fuzz_result['cases']} in {fuzz_result['seconds']} s "
                  f"(exit code {fuzz_result['exit_code']}; no 500, no undocumented status, "
                  "content type or body).")]
    if (out / "service_cancel.csv").exists():
        lines += ["", md_table(
            ["people", "policy", "cancelled after s", "stage", "job elapsed s", "state",
             "DELETE to cancelled s", "worker reused"],
            [[r["people"], r["policy"], num(r["cancel_after_s"], 0), r["stage"],
              num(r["solve_elapsed_s"], 1), r["state"], num(r["seconds_to_cancelled"]),
              r["worker_reused"]] for r in read_csv(out / "service_cancel.csv")])]
    return "\n".join(lines)


def update_readme(out: Path) -> None:
    """Replace the service block of benchmarks/README.md with the figures in ``out``."""
    text = README.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _old, tail = rest.split(END, 1)
    README.write_text(f"{head}{START}\n{results_block(out)}\n{END}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.service",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--only", action="append", choices=["load", "fuzz", "cancel"])
    args = parser.parse_args(argv)
    parts = args.only or ["load", "fuzz", "cancel"]
    args.out.mkdir(parents=True, exist_ok=True)
    info = machine() | {"date": today()}
    with tempfile.TemporaryDirectory(prefix="bench-service-") as tmp:
        work = Path(tmp)
        if "load" in parts:
            rows = load(work)
            write_csv(args.out / "service_load.csv", list(rows[0]), rows)
        if "fuzz" in parts:
            result = fuzz(work) | {"machine": info}
            (args.out / "service_fuzz.json").write_text(json.dumps(result, indent=1) + "\n")
        if "cancel" in parts:
            rows = cancel(work)
            write_csv(args.out / "service_cancel.csv", list(rows[0]), rows)
    info["load"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    (args.out / "service_run.json").write_text(json.dumps(info, indent=1) + "\n")
    if args.out == RESULTS:
        update_readme(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
