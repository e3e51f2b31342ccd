"""The embedded job store: one SQLite file for the jobs, one folder of files per job.

Layout under the data folder::

    jobs.sqlite3              every job: owner, state, options, progress, outcome
    jobs/<id>/input/          the bundle, policy and roster the job was submitted with
    jobs/<id>/out/            what the run wrote (roster.csv, ..., pay/pay.csv, ...)

Only the web server's process writes the database (workers write files and
report by message), through one connection guarded by a lock.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

State = Literal["queued", "running", "done", "failed", "cancelled"]
FINAL_STATES = ("done", "failed", "cancelled")
MAX_ATTEMPTS = 2  # a job interrupted by a restart runs again once; a second time it fails

_ID = re.compile(r"[0-9a-f]{32}")
_RESTARTED_TWICE = (f"the server restarted while this job ran, {MAX_ATTEMPTS} times; it is not "
                    "run again (submit it anew to retry)")

_SCHEMA = """
create table if not exists jobs (
    seq integer primary key autoincrement,
    id text unique not null,
    owner text not null,
    kind text not null,
    state text not null,
    created real not null,
    started real,
    finished real,
    options text not null,
    progress text not null default '{}',
    summary text not null default '{}',
    error text,
    attempts integer not null default 0,
    worker_pid integer
);
create index if not exists jobs_state on jobs (state, seq);
create index if not exists jobs_owner on jobs (owner, seq);
"""


def is_job_id(text: str) -> bool:
    """Whether ``text`` has the form of a job id (32 hexadecimal digits)."""
    return _ID.fullmatch(text) is not None


@dataclass
class JobRecord:
    """One job as stored."""

    id: str
    owner: str
    kind: str
    state: State
    created: float
    options: dict[str, Any]
    started: float | None = None
    finished: float | None = None
    progress: dict[str, Any] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    attempts: int = 0
    worker_pid: int | None = None

    @property
    def final(self) -> bool:
        """Whether the job has ended (done, failed or cancelled)."""
        return self.state in FINAL_STATES

    def elapsed(self, now: float | None = None) -> float | None:
        """Seconds since the job started running (to its end once it ended)."""
        if self.started is None:
            return None
        end = self.finished if self.finished is not None else (now or time.time())
        return max(0.0, end - self.started)


class JobStore:
    """Jobs in SQLite, their files in folders; safe to use from several threads."""

    def __init__(self, data: Path):
        self.data = Path(data)
        self.data.mkdir(parents=True, exist_ok=True)
        (self.data / "jobs").mkdir(exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.data / "jobs.sqlite3", check_same_thread=False,
                                   isolation_level=None)
        self._db.row_factory = sqlite3.Row
        with self._lock:
            self._db.execute("pragma journal_mode=wal")
            self._db.execute("pragma synchronous=full")
            self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    # ------------------------------------------------------------------ files

    def job_dir(self, job_id: str) -> Path:
        """The folder of a job; only ever built from a well-formed id."""
        if not is_job_id(job_id):
            raise ValueError(f"not a job id: {job_id!r}")
        return self.data / "jobs" / job_id

    def new_id(self) -> str:
        """A fresh job id."""
        return uuid.uuid4().hex

    # ------------------------------------------------------------------ rows

    def add(self, job: JobRecord) -> None:
        """Record a new job (its input files are already in place)."""
        with self._lock:
            self._db.execute(
                "insert into jobs (id, owner, kind, state, created, options) "
                "values (?, ?, ?, ?, ?, ?)",
                (job.id, job.owner, job.kind, job.state, job.created, json.dumps(job.options)))

    def get(self, job_id: str, owner: str | None = None) -> JobRecord | None:
        """A job by id; with ``owner``, only if that owner created it."""
        if not is_job_id(job_id):
            return None
        query, args = "select * from jobs where id = ?", [job_id]
        if owner is not None:
            query += " and owner = ?"
            args.append(owner)
        with self._lock:
            row = self._db.execute(query, args).fetchone()
        return _record(row) if row is not None else None

    def jobs(self, owner: str, limit: int = 100, state: str | None = None) -> list[JobRecord]:
        """An owner's jobs, newest first."""
        query, args = "select * from jobs where owner = ?", [owner]
        if state is not None:
            query += " and state = ?"
            args.append(state)
        query += f" order by seq desc limit {int(limit)}"
        with self._lock:
            rows = self._db.execute(query, args).fetchall()
        return [_record(row) for row in rows]

    def count(self, state: State) -> int:
        """How many jobs are in ``state``."""
        with self._lock:
            return int(self._db.execute("select count(*) from jobs where state = ?",
                                        (state,)).fetchone()[0])

    def next_queued(self) -> JobRecord | None:
        """The oldest queued job."""
        with self._lock:
            row = self._db.execute(
                "select * from jobs where state = 'queued' order by seq limit 1").fetchone()
        return _record(row) if row is not None else None

    def start(self, job_id: str, worker_pid: int) -> bool:
        """Mark a queued job running on a worker; False when it is no longer queued."""
        with self._lock:
            cursor = self._db.execute(
                "update jobs set state = 'running', started = ?, worker_pid = ?, "
                "attempts = attempts + 1 where id = ? and state = 'queued'",
                (time.time(), worker_pid, job_id))
        return cursor.rowcount == 1

    def finish(self, job_id: str, state: State, *, error: str | None = None,
               summary: dict[str, Any] | None = None,
               unless: tuple[State, ...] = ()) -> bool:
        """End a job that has not ended yet (and is not in a state of ``unless``).

        Returns False when it had ended already (or was in such a state).
        """
        open_states = [s for s in ("queued", "running") if s not in unless]
        marks = ", ".join("?" * len(open_states))
        with self._lock:
            cursor = self._db.execute(
                "update jobs set state = ?, finished = ?, error = ?, summary = ? "
                f"where id = ? and state in ({marks})",
                (state, time.time(), error, json.dumps(summary or {}), job_id, *open_states))
        return cursor.rowcount == 1

    def set_progress(self, job_id: str, progress: dict[str, Any], *, final: bool = False) -> None:
        """Record the latest progress of a running job (``final``: of one that just ended)."""
        state = "state != 'queued'" if final else "state = 'running'"
        with self._lock:
            self._db.execute(f"update jobs set progress = ? where id = ? and {state}",
                             (json.dumps(progress), job_id))

    def recover(self) -> tuple[list[str], list[str]]:
        """After a restart: re-queue the jobs that were running, or fail those tried twice.

        Returns the ids re-queued and the ids failed.
        """
        with self._lock:
            rows = self._db.execute(
                "select id, attempts from jobs where state = 'running'").fetchall()
            requeued = [r["id"] for r in rows if r["attempts"] < MAX_ATTEMPTS]
            failed = [r["id"] for r in rows if r["attempts"] >= MAX_ATTEMPTS]
            for job_id in requeued:
                self._db.execute(
                    "update jobs set state = 'queued', started = null, worker_pid = null, "
                    "progress = ? where id = ?",
                    (json.dumps({"note": "re-queued: the server restarted while it ran"}),
                     job_id))
            for job_id in failed:
                self._db.execute(
                    "update jobs set state = 'failed', finished = ?, error = ? where id = ?",
                    (time.time(), _RESTARTED_TWICE, job_id))
        return requeued, failed


def _record(row: sqlite3.Row) -> JobRecord:
    return JobRecord(
        id=row["id"], owner=row["owner"], kind=row["kind"], state=row["state"],
        created=row["created"], started=row["started"], finished=row["finished"],
        options=json.loads(row["options"]), progress=json.loads(row["progress"]),
        summary=json.loads(row["summary"]), error=row["error"], attempts=row["attempts"],
        worker_pid=row["worker_pid"])
