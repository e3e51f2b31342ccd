"""Tests that the job store keeps states, owners and restarts straight."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from staffing.service.store import MAX_ATTEMPTS, JobRecord, JobStore


def _job(store: JobStore, owner: str = "a") -> JobRecord:
    job = JobRecord(id=store.new_id(), owner=owner, kind="allocation", state="queued",
                    created=time.time(), options={"time_limit": 5})
    store.add(job)
    return job


def test_jobs_belong_to_their_owner(tmp_path: Path) -> None:
    """Tests that a job is found only with its owner's key, and listed only for it."""
    store = JobStore(tmp_path)
    job = _job(store, "a")
    assert store.get(job.id, "a") is not None
    assert store.get(job.id, "b") is None
    assert [j.id for j in store.jobs("a")] == [job.id]
    assert store.jobs("b") == []


def test_state_changes_only_forward(tmp_path: Path) -> None:
    """Tests that a job starts once, ends once, and a queued-only cancel spares running jobs."""
    store = JobStore(tmp_path)
    job = _job(store)
    assert store.start(job.id, 123)
    assert not store.start(job.id, 456)
    assert not store.finish(job.id, "cancelled", unless=("running",))
    assert store.finish(job.id, "done", summary={"status": "optimal"})
    assert not store.finish(job.id, "failed", error="late")
    stored = store.get(job.id)
    assert stored is not None and stored.state == "done" and stored.summary["status"] == "optimal"


def test_recover_requeues_once_then_fails(tmp_path: Path) -> None:
    """Tests that a restart queues a running job again, and fails it after MAX_ATTEMPTS runs."""
    store = JobStore(tmp_path)
    job = _job(store)
    finished = _job(store)
    store.start(finished.id, 1)
    store.finish(finished.id, "done")
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert store.start(job.id, 1)
        requeued, failed = JobStore(tmp_path).recover()  # a new server on the same folder
        if attempt < MAX_ATTEMPTS:
            assert (requeued, failed) == ([job.id], [])
            assert store.get(job.id).state == "queued"  # type: ignore[union-attr]
        else:
            assert (requeued, failed) == ([], [job.id])
            stored = store.get(job.id)
            assert stored is not None and stored.state == "failed" and "restarted" in str(
                stored.error)
    assert store.get(finished.id).state == "done"  # type: ignore[union-attr]


@pytest.mark.parametrize("bad", ["../etc", "ABC", "0" * 31, "0" * 32 + "/x", ""])
def test_job_folders_come_only_from_job_ids(tmp_path: Path, bad: str) -> None:
    """Tests that a folder is never built from text that is not a job id."""
    store = JobStore(tmp_path)
    with pytest.raises(ValueError):
        store.job_dir(bad)
    assert store.get(bad) is None
