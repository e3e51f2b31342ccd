"""Tests that a stop request on the run's token ends the engine's running solve at once."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

import staffing
from staffing.domain.clock import RunClock, StopToken
from staffing.errors import Cancelled
from staffing.synth import generate

ROOT = Path(__file__).resolve().parents[2]


def test_a_stop_request_ends_allocate_within_a_second() -> None:
    """Tests that `StopToken.stop`, called from another thread while `allocate` searches (a
    minute allowed), makes it raise `Cancelled` within 1 s, and that no later stage starts."""
    instance = generate(staff=300, seed=1)
    policy = staffing.load_policy(ROOT / "models" / "chongqing-2024.yaml")
    stop = StopToken()
    searching = threading.Event()
    events: list[str] = []

    def progress(event: dict[str, Any]) -> None:
        events.append(event["event"])
        if event["event"] == "solution":
            searching.set()

    outcome: list[BaseException] = []
    ended: list[float] = []

    def solve() -> None:
        try:
            staffing.allocate(instance, policy, time_limit=60, workers=2, progress=progress,
                              clock=RunClock(60, stop=stop))
        except BaseException as error:  # noqa: BLE001 - handed to the test's thread
            outcome.append(error)
        ended.append(time.perf_counter())

    thread = threading.Thread(target=solve)
    thread.start()
    assert searching.wait(timeout=120), "no solution reported"
    asked = time.perf_counter()
    stop.stop()
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], Cancelled), outcome
    assert ended[0] - asked < 1.0
    with pytest.raises(Cancelled):
        stop.raise_if_stopped()
