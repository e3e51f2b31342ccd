"""The clock of one run: one time limit from loading to the last file written, and a stop token.

A `RunClock` is started before anything is loaded. Every step of the run (load, fit,
pairs, prune, model, solve, check, reasons, report, write) is timed on it, in the order
run, and draws from the same limit: `remaining` is what is left of the whole run, and
`solver_remaining` what is left once a ``reserve`` is kept for the steps after the solver.
A step that had to give up part of its work because time was short is recorded as cut
short (`cut`), with what it gave up, so the manifest can say so.

A `StopToken` asks a running job to stop: the engine registers each running solver's
stop (CP-SAT's ``StopSearch``) on it, so `StopToken.stop` ends a solve at once; the run
checks it between steps and raises `staffing.errors.Cancelled`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from staffing.errors import Cancelled, TimeLimitError

Clock = Callable[[], float]

# The steps a run may stop before, in Chinese (`RunClock.raise_if_used_up`).
BEFORE_ZH = {"solving": "求解", "fitting the policy to the instance": "检查实例与政策是否相符",
             "building the candidate pairs": "生成候选配对", "building the model": "建立模型",
             "a first roster was found": "找到第一个方案",
             "checking the planning tables": "检查轮转计划表",
             "solving the pay plan": "求解薪酬方案", "solving the pay model": "求解薪酬模型"}


class StopToken:
    """Asks a running job to stop: at once for a running solve, else between steps."""

    def __init__(self) -> None:
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._running: list[Callable[[], None]] = []

    @property
    def stopped(self) -> bool:
        return self._stopped.is_set()

    def stop(self) -> None:
        """Ask the run to stop: every solve running now is stopped, later ones do not start."""
        self._stopped.set()
        with self._lock:
            running = list(self._running)
        for stop_search in running:
            stop_search()

    def raise_if_stopped(self) -> None:
        """Raise `Cancelled` once `stop` was called."""
        if self.stopped:
            raise Cancelled("the run was stopped on request")

    @contextmanager
    def running(self, stop_search: Callable[[], None]) -> Iterator[None]:
        """While inside, `stop` calls ``stop_search`` (a running solver's stop).

        Raises `Cancelled` on entry when the token is already stopped, and on exit when it
        was stopped meanwhile (the solve's answer is then not used).
        """
        with self._lock:
            self._running.append(stop_search)
        try:
            self.raise_if_stopped()
            yield
        finally:
            with self._lock:
                self._running.remove(stop_search)
        self.raise_if_stopped()


class RunClock:
    """One run's time limit (seconds of wall time, None: none), its steps and what was cut.

    Parameters
    ----------
    limit
        seconds for the whole run, or None for no limit.
    stop
        a token that stops the run on request (checked by `step` and by every solve).
    clock
        the time source (``time.perf_counter``; tests pass a fake).
    """

    def __init__(self, limit: float | None, *, stop: StopToken | None = None,
                 clock: Clock = time.perf_counter):
        self.limit = limit
        self.stop = stop
        self.clock = clock
        self.started = clock()
        self.reserve = 0.0  # seconds kept for the steps after the solver
        self.least_reserve = 0.0  # what they need at the very least (the final writes)
        self.pace = 1.0  # how much slower than the reference machine steps run now (>= 1)
        self.steps: dict[str, float] = {}
        self.cut_short: dict[str, str] = {}  # step -> what it gave up
        self.wall_capped: list[str] = []  # deterministic solves stopped by the wall clock
        self._open: tuple[str, float] | None = None  # the step running now, since when

    @property
    def end(self) -> float:
        """The clock value at which the run must be over (infinity without a limit)."""
        return float("inf") if self.limit is None else self.started + self.limit

    @property
    def solver_end(self) -> float:
        """The clock value at which the solver must stop: the end less the reserve."""
        return self.end - self.reserve

    def elapsed(self) -> float:
        return self.clock() - self.started

    def remaining(self) -> float:
        """Seconds left of the whole run (never below 0; infinity without a limit)."""
        return max(0.0, self.end - self.clock())

    def solver_remaining(self) -> float:
        """Seconds left for the solver: what is left less the reserve (never below 0)."""
        return max(0.0, self.solver_end - self.clock())

    def keep(self, seconds: float, least: float = 0.0) -> None:
        """Keep ``seconds`` of the limit for the steps after the solver (at most half of what
        is left, so the solver always gets a share); ``least``: what they need at the very
        least, cut to the minimum (see `release`)."""
        self.reserve = max(0.0, min(seconds, 0.5 * self.remaining()))
        self.least_reserve = min(self.reserve, least)

    def set_aside(self, seconds: float) -> None:
        """Keep ``seconds`` for the steps still to come, not capped at half of what is left: an
        optional step before them (an explanation) gets what is left beyond them, maybe
        nothing, and gives up what it cannot do in it."""
        self.reserve = self.least_reserve = max(0.0, seconds)

    def release(self) -> None:
        """Give the solver what the steps after it can do without: the reserve falls to the
        least they need (they then degrade: outcome-only reasons, no report)."""
        self.reserve = self.least_reserve

    def add(self, step: str, seconds: float) -> None:
        """Count ``seconds`` towards ``step`` (steps keep the order they first ran in)."""
        self.steps[step] = self.steps.get(step, 0.0) + seconds

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time the block as step ``name``; a stop request is honoured before and after it."""
        self.check_stop()
        started = self.clock()
        outer, self._open = self._open, (name, started)
        try:
            yield
        finally:
            self._open = outer
            self.add(name, self.clock() - started)
        self.check_stop()

    def used_up(self, needs: float = 0.0) -> bool:
        """Whether the solver's share (the limit less the reserve) is spent, or would be by a
        step of ``needs`` seconds that cannot be interrupted."""
        return self.limit is not None and self.solver_remaining() <= needs

    def raise_if_used_up(self, before: str = "solving", needs: float = 0.0) -> None:
        """Raise `TimeLimitError` when the solver's share is spent, or too short for the next
        step (``before``, estimated to take ``needs`` seconds), naming what each step took; a
        stop request is honoured first."""
        self.check_stop()
        if self.used_up(needs):
            raise self._limit_error(f"was used up before {before}",
                                    f"在{BEFORE_ZH.get(before, before)}之前已用完", before)

    def ran_out(self, during: str) -> TimeLimitError:
        """The error of a step the time limit stopped before it was done (``during``: what it
        was doing), naming what each step took."""
        return self._limit_error(f"ran out while {during}",
                                 f"在{BEFORE_ZH.get(during, during)}时已用完", during)

    def _limit_error(self, what: str, what_zh: str, step: str) -> TimeLimitError:
        """`TimeLimitError` saying what happened to the limit and what each step took; its
        ``step`` is the one running now, else ``step``."""
        spent = self._spent()
        return TimeLimitError(f"the time limit ({self.limit:g} s) {what} ({spent}); "
                              "allow more time", step=self._open[0] if self._open else step,
                              message_zh=f"时间限制（{self.limit:g} 秒）{what_zh}（{spent}）；"
                              "请放宽时间限制")

    def _spent(self) -> str:
        return ", ".join(f"{step} {seconds:.1f} s" for step, seconds in self.timings().items())

    def check_stop(self) -> None:
        if self.stop is not None:
            self.stop.raise_if_stopped()

    def cut(self, step: str, what: str) -> None:
        """Record that ``step`` gave up ``what`` because the time was short."""
        self.cut_short[step] = what

    def timings(self) -> dict[str, float]:
        """Seconds of each step in the order run (the one running now: so far), and ``total``
        (the run so far), rounded."""
        now = self.clock()
        steps = dict(self.steps)
        if self._open is not None:
            name, started = self._open
            steps[name] = steps.get(name, 0.0) + now - started
        out = {name: round(seconds, 4) for name, seconds in steps.items()}
        out["total"] = round(now - self.started, 4)
        return out

    def record(self, deterministic: bool) -> dict[str, Any]:
        """What the manifest says of the run's time: limit, cut-short steps, reproducibility.

        No wall-clock figure is in it (they are in `timings`), so deterministic runs that
        the wall clock did not cut give identical records. ``reproducible``: a deterministic
        run whose every stage stopped at its deterministic limit (or its optimum) and whose
        every step ran whole.
        """
        return {
            "time_limit": self.limit,
            "cut_short": dict(self.cut_short),
            "stopped_by_wall_clock": list(self.wall_capped),
            "reproducible": deterministic and not self.wall_capped and not self.cut_short,
        }
