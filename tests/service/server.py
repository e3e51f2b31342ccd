"""A real ``staffing serve`` in a subprocess on a free loopback port, and an httpx client for it."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "instances" / "demo-county"
MODELS = ROOT / "models"
TOKEN = "token-of-planner-a-0123456789"
OTHER_TOKEN = "token-of-planner-b-0123456789"


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def staffing_command() -> list[str]:
    """The ``staffing`` command of the interpreter running the tests."""
    script = Path(sys.executable).with_name("staffing")
    return [str(script)] if script.exists() else [sys.executable, "-m", "staffing.cli"]


class Server:
    """``staffing serve`` on a data folder; start, stop, kill and start again."""

    def __init__(self, data: Path, *args: str, tokens: tuple[str, ...] = (TOKEN, OTHER_TOKEN)):
        self.data = data
        self.args = args
        self.tokens = tokens
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log = data.parent / f"{data.name}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90.0) -> Server:
        """Start the server and wait until every worker is ready."""
        tokens_file = self.data.parent / f"{self.data.name}.tokens"
        tokens_file.write_text("# test tokens\n" + "\n".join(self.tokens) + "\n")
        env = {k: v for k, v in os.environ.items() if k != "STAFFING_TOKENS"}
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [*staffing_command(), "serve", "--port", str(self.port), "--data", str(self.data),
                 "--models", str(MODELS), "--tokens-file", str(tokens_file), *self.args],
                stdout=log, stderr=subprocess.STDOUT, env=env, cwd=self.data.parent)
        deadline = time.monotonic() + timeout
        with self.client() as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
                try:
                    health = client.get("/v1/health")
                    if health.status_code == 200 and health.json()["ready"]:
                        return self
                except httpx.TransportError:
                    pass
                time.sleep(0.2)
        raise RuntimeError(f"server not ready in {timeout} s: {self.log.read_text()[-2000:]}")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop the server (SIGTERM, or SIGKILL to simulate a crash) and wait for it."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def client(self, token: str | None = TOKEN, timeout: float = 60.0) -> httpx.Client:
        """An httpx client for the server, with a bearer token (or none)."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=timeout)


def running_server(data: Path, *args: str) -> Iterator[Server]:
    """A started server for a fixture; stopped afterwards."""
    server = Server(data, *args).start()
    try:
        yield server
    finally:
        server.stop()


def demo_bundle() -> dict[str, Any]:
    """The demo county as the tables of a JSON bundle."""
    import staffing
    from staffing.io.bundle import instance_json

    return json.loads(instance_json(staffing.load(DEMO)))


def wait_for(client: httpx.Client, job_id: str, condition: Any, timeout: float = 400.0
              ) -> dict[str, Any]:
    """Long-poll a job until ``condition(job)`` holds; the job."""
    deadline = time.monotonic() + timeout
    job = client.get(f"/v1/jobs/{job_id}").json()
    while not condition(job):
        if time.monotonic() > deadline:
            raise AssertionError(f"job never reached the condition: {job}")
        job = client.get(f"/v1/jobs/{job_id}",
                         params={"wait": 5, "after": job["version"]}).json()
    return job


def copy_demo(target: Path) -> Path:
    """A copy of the demo bundle folder."""
    shutil.copytree(DEMO, target)
    return target


# checks left out of fuzz runs: a schema cannot say which bundles are valid, so schema-valid
# bodies are rightly refused with located problems (positive_data_acceptance); Starlette's
# 405 names the methods of one route per path (allow_header_conformance); and the health
# check on filtered examples judges the generator (a path-typed parameter), not the server
FUZZ_EXCLUDED = ("positive_data_acceptance", "allow_header_conformance")


def fuzz(server: Server, cwd: Path, examples: int, *extra: str,
         timeout: float = 1200) -> subprocess.CompletedProcess[str]:
    """A schemathesis run against the server's /openapi.json (seed 1, no example database)."""
    return subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "run", f"{server.url}/openapi.json",
         "-H", f"Authorization: Bearer {TOKEN}", "--max-examples", str(examples),
         "--seed", "1", "--no-color", "--generation-database", "none",
         "--request-timeout", "60", "--exclude-checks", ",".join(FUZZ_EXCLUDED),
         "--suppress-health-check", "filter_too_much", *extra],
        check=False, capture_output=True, text=True, timeout=timeout, cwd=cwd)
