"""A worker process: runs one job at a time, reports progress, stops on request.

The process reads its pipe on a thread of its own, so a cancel request reaches
the running job at once; when the pipe closes (the server is gone) it exits.
Messages it sends: ``ready``, ``progress``, ``done``, ``failed``, ``cancelled``.
"""

from __future__ import annotations

import os
import queue
import threading
import time
import traceback
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from staffing.allocation.outputs import write_infeasibility
from staffing.domain.clock import StopToken
from staffing.errors import Cancelled, InfeasibleError, InputError, StaffingError
from staffing.service.adapter import JobFiles, run_job
from staffing.service.jsonable import plain

PROGRESS_INTERVAL = 0.25  # seconds between two progress messages within a stage


class Worker:
    """The state of one worker process: its pipe and the job it runs."""

    def __init__(self, conn: Connection, data: Path):
        self.conn = conn
        self.data = data
        self.inbox: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.send_lock = threading.Lock()
        self.job: str | None = None
        self.stop_token = StopToken()
        self.last_progress = 0.0

    def send(self, message: dict[str, Any]) -> None:
        with self.send_lock:
            try:
                self.conn.send(message)
            except (OSError, EOFError):
                os._exit(0)  # the server is gone: nobody to report to

    def read_pipe(self) -> None:
        """Thread: route run requests to the main thread, act on cancel requests at once."""
        while True:
            try:
                message = self.conn.recv()
            except (OSError, EOFError):
                os._exit(0)
            if message["type"] == "cancel":
                if message["job"] == self.job:
                    self.stop_token.stop()
            elif message["type"] == "run":
                self.inbox.put(message)
            elif message["type"] == "exit":
                self.inbox.put(None)

    def progress(self, event: dict[str, Any]) -> None:
        """Forward an engine event: every finished stage, improving solutions at most 4 a second."""
        now = time.monotonic()
        if event.get("event") == "solution" and now - self.last_progress < PROGRESS_INTERVAL:
            return
        self.last_progress = now
        self.send({"type": "progress", "job": self.job, "event": plain(event)})

    def run(self, message: dict[str, Any]) -> None:
        job = message["job"]
        self.job, self.stop_token = job, StopToken()
        files = JobFiles(self.data / "jobs" / job)
        try:
            summary = run_job(files, message["options"], self.progress, self.stop_token)
        except Cancelled:
            self.send({"type": "cancelled", "job": job})
        except InfeasibleError as error:
            self.send({"type": "failed", "job": job, "error": f"infeasible: {error.explanation}",
                       "summary": {"infeasible": _explanation(files, error.explanation)}})
        except InputError as error:
            self.send({"type": "failed", "job": job, "error": str(error),
                       "summary": {"problems": [plain(p.to_dict()) for p in error.problems]}})
        except StaffingError as error:
            self.send({"type": "failed", "job": job, "error": str(error), "summary": {}})
        except Exception as error:  # noqa: BLE001  (a bug: the job fails with the reason; the worker lives on)
            self.send({"type": "failed", "job": job,
                       "error": f"internal error: {type(error).__name__}: {error}",
                       "summary": {"traceback": traceback.format_exc(limit=20)}})
        else:
            self.send({"type": "done", "job": job, "summary": plain(summary)})
        finally:
            self.job = None

    def serve(self) -> None:
        threading.Thread(target=self.read_pipe, name="pipe", daemon=True).start()
        self.send({"type": "ready", "pid": os.getpid()})
        while (message := self.inbox.get()) is not None:
            self.run(message)


def _explanation(files: JobFiles, explanation: Any) -> Any:
    """Write the explanation of an infeasible job to its outputs; return it as data."""
    if hasattr(explanation, "to_dict"):
        write_infeasibility(files.out, explanation)
        return plain(explanation.to_dict())
    return str(explanation)


def worker_main(conn: Connection, data: str) -> None:
    """Entry point of a worker process."""
    Worker(conn, Path(data)).serve()
