"""Tests that a run paces the cyclic garbage collector for county-sized data and restores the
process's own pacing afterwards, nested, concurrent, after an error, and when collection is
switched off."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from staffing.domain.memory import (
    YOUNG_THRESHOLD,
    fewer_collections,
    return_freed_memory,
    with_fewer_collections,
)


@pytest.fixture()
def own_thresholds() -> Iterator[tuple[int, ...]]:
    """The process's thresholds before the test, put back after it."""
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield gc.get_threshold()
    gc.set_threshold(*saved)


def test_the_block_collects_less_often_and_restores_the_thresholds(
        own_thresholds: tuple[int, ...]) -> None:
    """Tests that inside the block the young generation waits for YOUNG_THRESHOLD new
    containers, the older generations keep their own pacing, and leaving restores all."""
    with fewer_collections():
        assert gc.get_threshold() == (YOUNG_THRESHOLD, 10, 10)
    assert gc.get_threshold() == own_thresholds


def test_nested_blocks_and_an_error_restore_once_the_outermost_ends(
        own_thresholds: tuple[int, ...]) -> None:
    """Tests that an inner block leaves the pacing to the outer one, and that an error
    raised inside still restores the process's thresholds."""
    with pytest.raises(ValueError, match="inside"):
        with fewer_collections():
            with fewer_collections():
                pass
            assert gc.get_threshold()[0] == YOUNG_THRESHOLD
            raise ValueError("inside")
    assert gc.get_threshold() == own_thresholds


def test_a_process_that_collects_less_often_already_keeps_its_pacing() -> None:
    """Tests that a higher young threshold of the process, or collection switched off
    (threshold 0), is left as it is."""
    saved = gc.get_threshold()
    try:
        for own in ((10 * YOUNG_THRESHOLD, 10, 10), (0, 10, 10)):
            gc.set_threshold(*own)
            with fewer_collections():
                assert gc.get_threshold() == own
            assert gc.get_threshold() == own
    finally:
        gc.set_threshold(*saved)


def test_overlapping_blocks_in_threads_restore_after_the_last(
        own_thresholds: tuple[int, ...]) -> None:
    """Tests that when one thread's block ends while another's runs, the pacing holds until
    the last block ends (a server running jobs on threads)."""
    inside, leave = threading.Event(), threading.Event()
    seen: list[int] = []

    def job() -> None:
        with fewer_collections():
            inside.set()
            leave.wait(5)
            seen.append(gc.get_threshold()[0])

    with fewer_collections():
        worker = threading.Thread(target=job)
        worker.start()
        assert inside.wait(5)
    assert gc.get_threshold()[0] == YOUNG_THRESHOLD  # the thread's block still runs
    leave.set()
    worker.join(5)
    assert seen == [YOUNG_THRESHOLD]
    assert gc.get_threshold() == own_thresholds


def test_the_decorator_runs_the_function_inside_the_block(
        own_thresholds: tuple[int, ...]) -> None:
    """Tests that a decorated function sees the paced collector, returns its value, keeps
    its name, and that the thresholds are restored after it."""

    @with_fewer_collections
    def young_threshold(offset: int) -> int:
        return gc.get_threshold()[0] + offset

    assert young_threshold(1) == YOUNG_THRESHOLD + 1
    assert young_threshold.__name__ == "young_threshold"
    assert gc.get_threshold() == own_thresholds


def test_freed_memory_can_be_given_back_at_any_time() -> None:
    """Tests that giving freed memory back is safe to call repeatedly, with or without
    glibc."""
    return_freed_memory()
    return_freed_memory()
