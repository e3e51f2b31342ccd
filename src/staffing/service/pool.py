"""A bounded pool of worker processes, supervised by one thread of the web server.

The supervisor hands queued jobs to idle workers in submission order, records
what they report, forwards cancel requests, and watches every worker: one that
dies (killed, out of memory, crashed) fails its job with the reason and is
replaced; one that does not stop within the cancel grace, or runs past its job's
time limit plus the grace, is killed and replaced.
"""

from __future__ import annotations

import multiprocessing
import signal
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from staffing.service.config import Limits
from staffing.service.store import JobStore
from staffing.service.worker import worker_main

STORE_PROGRESS_INTERVAL = 1.0  # seconds between two progress writes of one job to the store


@dataclass
class WorkerHandle:
    """The server's view of one worker process."""

    process: Any
    conn: Connection
    ready: bool = False
    job: str | None = None
    deadline: float = 0.0            # monotonic time the job must end by (limit + grace)
    cancel_at: float | None = None   # monotonic time a cancel was sent
    kill_reason: str | None = None   # why the server killed it, when it did

    @property
    def pid(self) -> int:
        return int(self.process.pid)


@dataclass
class LiveProgress:
    """The latest progress of a running job, kept in memory (the store gets it each second)."""

    data: dict[str, Any] = field(default_factory=dict)
    stored_at: float = 0.0


class Pool:
    """Worker processes running the store's queued jobs."""

    def __init__(self, store: JobStore, size: int, limits: Limits):
        self.store = store
        self.size = size
        self.limits = limits
        self.workers: list[WorkerHandle] = []
        self.context = multiprocessing.get_context("spawn")
        self.lock = threading.Lock()
        self.live: dict[str, LiveProgress] = {}
        self.versions: dict[str, int] = {}   # bumped on every change of a job
        self.replaced = 0
        self.closing = False
        self.thread = threading.Thread(target=self._supervise, name="pool", daemon=True)

    # ------------------------------------------------------------------ public

    def start(self) -> None:
        """Start the workers and the supervisor."""
        for _ in range(self.size):
            self.workers.append(self._spawn())
        self.thread.start()

    def close(self, timeout: float = 5.0) -> None:
        """Stop the supervisor and the workers (running jobs stay 'running' for recovery)."""
        self.closing = True
        if self.thread.is_alive():
            self.thread.join(timeout)
        for worker in self.workers:
            try:
                worker.conn.send({"type": "exit"})
            except (OSError, EOFError):
                pass
        for worker in self.workers:
            if worker.job is not None:
                worker.process.kill()
            worker.process.join(timeout)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()

    def cancel(self, job_id: str) -> bool:
        """Cancel a job: a queued one at once, a running one by asking its worker to stop.

        Returns True when the job was queued or running.
        """
        if self.store.finish(job_id, "cancelled", error="cancelled before it started",
                             unless=("running",)):
            self.bump(job_id)
            return True
        for _attempt in range(20):  # the supervisor may be between store and worker
            with self.lock:
                worker = next((w for w in self.workers if w.job == job_id), None)
                if worker is not None:
                    if worker.cancel_at is None:
                        worker.cancel_at = time.monotonic()
                        self._send(worker, {"type": "cancel", "job": job_id})
                    return True
            job = self.store.get(job_id)
            if job is None or job.state != "running":
                return False
            time.sleep(0.05)
        return False

    def progress(self, job_id: str) -> dict[str, Any] | None:
        """The latest progress of a running job, if any."""
        live = self.live.get(job_id)
        return dict(live.data) if live is not None else None

    def version(self, job_id: str) -> int:
        """A number that grows whenever the job changes (state or progress)."""
        return self.versions.get(job_id, 0)

    def bump(self, job_id: str) -> None:
        self.versions[job_id] = self.versions.get(job_id, 0) + 1

    def status(self) -> dict[str, Any]:
        """Workers and their jobs, for the health endpoint."""
        with self.lock:
            workers = [{"pid": w.pid, "ready": w.ready, "busy": w.job is not None}
                       for w in self.workers]
        return {"workers": workers, "replaced": self.replaced}

    def free_workers(self) -> int:
        """Workers with no job (ready, or still starting): each takes a queued job next."""
        with self.lock:
            return sum(w.job is None for w in self.workers)

    def running_remaining(self) -> list[float]:
        """Seconds each running job has left before its time limit."""
        now = time.monotonic()
        with self.lock:
            return [max(0.0, w.deadline - self.limits.time_limit_grace - now)
                    for w in self.workers if w.job is not None]

    # ------------------------------------------------------------------ supervisor

    def _spawn(self) -> WorkerHandle:
        parent, child = self.context.Pipe()
        process = self.context.Process(target=worker_main, args=(child, str(self.store.data)),
                                       name="staffing-worker", daemon=True)
        process.start()
        child.close()
        return WorkerHandle(process=process, conn=parent)

    def _supervise(self) -> None:
        while not self.closing:
            self._dispatch()
            with self.lock:
                handles = list(self.workers)
            waitables: list[Any] = [w.conn for w in handles] + [w.process.sentinel
                                                                  for w in handles]
            ready = set(wait(waitables, timeout=0.1))
            for worker in handles:
                if worker.conn in ready:
                    self._drain(worker)
                if worker.process.sentinel in ready or not worker.process.is_alive():
                    self._drain(worker)
                    self._replace(worker)
            self._enforce_limits()

    def _dispatch(self) -> None:
        with self.lock:
            idle = [w for w in self.workers if w.ready and w.job is None]
        for worker in idle:
            job = self.store.next_queued()
            if job is None:
                return
            if not self.store.start(job.id, worker.pid):
                continue  # cancelled meanwhile
            with self.lock:
                worker.job, worker.cancel_at, worker.kill_reason = job.id, None, None
                limit = float(job.options["time_limit"])
                worker.deadline = time.monotonic() + limit + self.limits.time_limit_grace
            self.live[job.id] = LiveProgress({"step": "starting"})
            self.bump(job.id)
            self._send(worker, {"type": "run", "job": job.id, "options": job.options})

    def _send(self, worker: WorkerHandle, message: dict[str, Any]) -> None:
        try:
            worker.conn.send(message)
        except (OSError, EOFError):
            pass  # the worker is dead; the supervisor notices and replaces it

    def _drain(self, worker: WorkerHandle) -> None:
        try:
            while worker.conn.poll():
                self._handle(worker, worker.conn.recv())
        except (OSError, EOFError):
            pass

    def _handle(self, worker: WorkerHandle, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "ready":
            worker.ready = True
            return
        job_id = message.get("job")
        if job_id is None or job_id != worker.job:
            return
        if kind == "progress":
            self._record_progress(job_id, message["event"])
            return
        if kind == "done":
            self.store.finish(job_id, "done", summary=message["summary"])
        elif kind == "cancelled":
            self.store.finish(job_id, "cancelled", error="cancelled while running")
        elif kind == "failed":
            self.store.finish(job_id, "failed", error=message["error"],
                              summary=message.get("summary"))
        self._release(worker, job_id)

    def _release(self, worker: WorkerHandle, job_id: str) -> None:
        with self.lock:
            worker.job = None
            worker.cancel_at = None
        self._keep_progress(job_id)

    def _keep_progress(self, job_id: str) -> None:
        """Store a job's last progress (its finished stages) once it ended."""
        live = self.live.pop(job_id, None)
        if live is not None:
            self.store.set_progress(job_id, {k: v for k, v in live.data.items()
                                             if k == "stages"}, final=True)
        self.bump(job_id)

    def _record_progress(self, job_id: str, event: dict[str, Any]) -> None:
        live = self.live.setdefault(job_id, LiveProgress())
        data = live.data
        if event.get("event") == "solution":
            data.update(step="solve", stage=event.get("stage"), objective=event.get("objective"),
                        bound=event.get("bound"), solve_elapsed=event.get("elapsed"))
        elif event.get("event") == "stage":
            data.setdefault("stages", []).append(
                {k: event.get(k) for k in ("stage", "objective", "bound", "status", "gap",
                                           "wall_time")})
            data.update(step="solve", stage=event.get("stage"), objective=event.get("objective"),
                        bound=event.get("bound"))
        elif event.get("event") == "step":
            data["step"] = event.get("step")
        self.bump(job_id)
        now = time.monotonic()
        if event.get("event") != "solution" or now - live.stored_at >= STORE_PROGRESS_INTERVAL:
            live.stored_at = now
            self.store.set_progress(job_id, data)

    def _replace(self, worker: WorkerHandle) -> None:
        worker.process.join(1.0)
        job_id = worker.job
        if job_id is not None:
            if worker.kill_reason == "cancel":
                self.store.finish(job_id, "cancelled",
                                  error="cancelled while running (the worker was stopped)")
            elif worker.kill_reason == "time_limit":
                job = self.store.get(job_id)
                limit = job.options["time_limit"] if job else "?"
                self.store.finish(job_id, "failed", error=(
                    f"the run exceeded its time limit of {limit} s and was stopped; "
                    "allow more time or reduce the instance"))
            else:
                self.store.finish(job_id, "failed", error=(
                    f"the worker process running this job ended unexpectedly "
                    f"({_exit_text(worker.process.exitcode)}); the server started a new "
                    "worker, submit the job again to retry"))
            self._keep_progress(job_id)
        if self.closing:
            return
        with self.lock:
            index = self.workers.index(worker)
            self.workers[index] = self._spawn()
            self.replaced += 1

    def _enforce_limits(self) -> None:
        now = time.monotonic()
        with self.lock:
            for worker in self.workers:
                if worker.job is None or worker.kill_reason is not None:
                    continue
                if worker.cancel_at is not None and now - worker.cancel_at > \
                        self.limits.cancel_grace:
                    worker.kill_reason = "cancel"
                    worker.process.kill()
                elif now > worker.deadline:
                    worker.kill_reason = "time_limit"
                    worker.process.kill()


def _exit_text(code: int | None) -> str:
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"killed by signal {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"
