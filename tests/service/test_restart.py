"""Tests that a server killed mid-run and started again keeps every job.

Finished jobs keep their state and files; the job that was running is queued
again (its inputs are stored) and runs anew.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from tests.service.server import Server, demo_bundle, wait_for


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_restart_keeps_finished_jobs_and_requeues_the_running_one(tmp_path: Path) -> None:
    """Tests a crash (SIGKILL) mid-solve: done jobs stay done, the running one runs again."""
    bundle = demo_bundle()
    data = tmp_path / "data"
    server = Server(data, "--workers", "1").start()
    try:
        with server.client() as client:
            quick = client.post("/v1/jobs", json={"bundle": bundle, "policy": "nanxun-2024",
                                                  "time_limit": 300})
            done = wait_for(client, quick.json()["id"], lambda job: job["state"] == "done")
            roster = client.get(f"/v1/jobs/{done['id']}/roster").content
            long = client.post("/v1/jobs", json={"bundle": bundle, "policy": "chongqing-2024",
                                                 "time_limit": 200}).json()
            running = wait_for(client, long["id"], lambda job: job["state"] == "running"
                               and job["stage"] is not None)
        server.stop(signal.SIGKILL)
        deadline = time.monotonic() + 20
        while not _gone(running["worker_pid"]) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _gone(running["worker_pid"]), "a worker outlived its server"
        server = Server(data, "--workers", "1").start()
        with server.client() as client:
            kept = client.get(f"/v1/jobs/{done['id']}").json()
            assert kept["state"] == "done" and kept["finished"] == done["finished"]
            assert client.get(f"/v1/jobs/{done['id']}/roster").content == roster
            again = wait_for(client, long["id"], lambda job: job["state"] == "running"
                             and job["attempts"] == 2)
            assert again["worker_pid"] != running["worker_pid"]
            assert client.delete(f"/v1/jobs/{long['id']}").json()["state"] == "cancelled"
            listed = {job["id"]: job["state"] for job in client.get("/v1/jobs").json()["jobs"]}
            assert listed == {done["id"]: "done", long["id"]: "cancelled"}
    finally:
        server.stop()
