"""Where scenarios run: this process, local worker processes (the default), or a Ray cluster.

Every backend takes the same work, streams each finished `ScenarioOutcome`
back through ``on_done`` as it arrives, and returns them in scenario order.
Nothing is dropped: a scenario whose worker died is run again (``retries``
times) and, if it still fails, comes back as an outcome with status
``error`` saying so, with the number of attempts.

- `SerialBackend`: one scenario after another in this process (one core).
- `LocalBackend`: a pool of worker processes, one per core by default; each
  worker receives the loaded base instance, policy and rosters once, when it
  starts, and every scenario it runs reuses them (and the instance's derived
  data) unless the scenario changes them.
- `RayBackend`: scenarios as Ray tasks on a cluster (``address``) or a local
  Ray instance; the base is put in the object store once and shared by every
  task. Needs the ``ray`` extra (``pip install 'staffing[ray]'``).
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from staffing.domain.instance import Instance
from staffing.domain.roster import Roster
from staffing.errors import InputError, Problem
from staffing.policy import Policy
from staffing.scenarios.execute import RunSettings, ScenarioOutcome, run_scenario
from staffing.scenarios.spec import Scenario

OnDone = Callable[[ScenarioOutcome], None]
DEFAULT_RETRIES = 1


@dataclass(frozen=True)
class Work:
    """What every scenario of a run shares: the base, the settings and the warm start."""

    instance: Instance
    policy: Policy
    settings: RunSettings
    hint: Roster | None = None
    base: Roster | None = None


def cores() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _failed(scenario: Scenario, attempts: int, reason: str) -> ScenarioOutcome:
    outcome = ScenarioOutcome(scenario.name, scenario.description, dict(scenario.values),
                              [o.text() for o in scenario.overrides])
    outcome.status = "error"
    outcome.message = f"failed after {attempts} attempt(s): {reason}"
    outcome.attempts = attempts
    return outcome


class SerialBackend:
    """Every scenario in this process, one after another."""

    name = "serial"

    def run(self, work: Work, scenarios: Sequence[Scenario],
            on_done: OnDone | None = None) -> list[ScenarioOutcome]:
        out = []
        for scenario in scenarios:
            outcome = run_scenario(work.instance, work.policy, scenario, work.settings,
                                   work.hint, work.base)
            out.append(outcome)
            if on_done is not None:
                on_done(outcome)
        return out


_SHARED: dict[str, Work] = {}  # in a worker process: the base it received when it started


def _start_worker(work: Work) -> None:
    _SHARED["work"] = work


def _run_shared(scenario: Scenario) -> ScenarioOutcome:
    work = _SHARED["work"]
    return run_scenario(work.instance, work.policy, scenario, work.settings, work.hint,
                        work.base)


def _context() -> multiprocessing.context.BaseContext:
    """Workers forked from a clean server process that has imported the engine once (never
    from this process, which may be running solvers); spawned where there is no such server."""
    try:
        context = multiprocessing.get_context("forkserver")
    except ValueError:  # not on this platform
        return multiprocessing.get_context("spawn")
    context.set_forkserver_preload(["staffing.scenarios.execute"])
    return context


class LocalBackend:
    """A pool of worker processes on this machine (one per core by default)."""

    name = "local"

    def __init__(self, processes: int | None = None, retries: int = DEFAULT_RETRIES):
        self.processes = max(1, processes or cores())
        self.retries = retries

    def run(self, work: Work, scenarios: Sequence[Scenario],
            on_done: OnDone | None = None) -> list[ScenarioOutcome]:
        results: dict[int, ScenarioOutcome] = {}
        attempts = dict.fromkeys(range(len(scenarios)), 0)
        todo = list(range(len(scenarios)))
        while todo:
            todo = self._round(work, scenarios, todo, attempts, results, on_done)
        return [results[k] for k in range(len(scenarios))]

    def _round(self, work: Work, scenarios: Sequence[Scenario], todo: list[int],
               attempts: dict[int, int], results: dict[int, ScenarioOutcome],
               on_done: OnDone | None) -> list[int]:
        """Run ``todo`` on a fresh pool; return what must run again after a worker died."""
        context = _context()
        again: list[int] = []
        with ProcessPoolExecutor(max_workers=min(self.processes, len(todo)), mp_context=context,
                                 initializer=_start_worker, initargs=(work,)) as pool:
            futures: dict[Future[ScenarioOutcome], int] = {}
            for k in todo:
                attempts[k] += 1
                futures[pool.submit(_run_shared, scenarios[k])] = k
            pending = set(futures)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    k = futures[future]
                    try:
                        outcome = future.result()
                    except (BrokenProcessPool, OSError, EOFError) as error:
                        if attempts[k] <= self.retries:
                            again.append(k)
                            continue
                        outcome = _failed(scenarios[k], attempts[k],
                                          f"worker process died ({type(error).__name__})")
                    outcome.attempts = attempts[k]
                    results[k] = outcome
                    if on_done is not None:
                        on_done(outcome)
        return again


def _ray_task(work: Work, scenario: Scenario) -> ScenarioOutcome:
    """One scenario as a Ray task (the base arrives from the object store)."""
    return run_scenario(work.instance, work.policy, scenario, work.settings, work.hint,
                        work.base)


class RayBackend:
    """Scenarios as Ray tasks; results stream back as each finishes.

    Parameters
    ----------
    address
        a running cluster (``ray://host:10001`` or ``host:6379``); None starts a local
        Ray instance for this run (``num_cpus`` of them) and stops it afterwards.
    retries
        times a task whose worker died or whose task failed is run again; after that
        the scenario is reported with status ``error``, never dropped.
    task
        the function each task runs (``_ray_task``); tests pass one that fails once.
    """

    name = "ray"

    def __init__(self, address: str | None = None, *, num_cpus: int | None = None,
                 retries: int = DEFAULT_RETRIES, task: Callable[..., ScenarioOutcome] | None = None,
                 cpus_per_task: float = 1.0):
        self.address = address
        self.num_cpus = num_cpus
        self.retries = retries
        self.task = task or _ray_task
        self.cpus_per_task = cpus_per_task

    @staticmethod
    def available() -> bool:
        """Whether the ``ray`` extra is installed."""
        try:
            import ray  # noqa: F401  # lazy: the optional ray extra
        except ImportError:
            return False
        return True

    def _ray(self) -> Any:
        try:
            import ray  # lazy: the optional ray extra
        except ImportError:
            raise _backend_error("backend", "the Ray backend needs the ray extra",
                                 "Ray 后端需要安装 ray 扩展包", value="ray",
                                 expected="pip install 'staffing[ray]'",
                                 expected_zh="pip install 'staffing[ray]'") from None
        return ray

    def run(self, work: Work, scenarios: Sequence[Scenario],
            on_done: OnDone | None = None) -> list[ScenarioOutcome]:
        ray = self._ray()
        started_here = not ray.is_initialized()
        if started_here:
            try:
                ray.init(address=self.address, num_cpus=self.num_cpus if not self.address else None,
                         include_dashboard=False, log_to_driver=False, logging_level="ERROR")
            except (ConnectionError, RuntimeError, ValueError) as error:
                raise _backend_error("address", f"cannot reach the Ray cluster: {error}",
                                     f"无法连接 Ray 集群：{error}", value=self.address,
                                     expected="the address of a running Ray cluster, or none "
                                     "for a local instance",
                                     expected_zh="正在运行的 Ray 集群地址，或不填（在本机启动）"
                                     ) from None
        try:
            return self._stream(ray, work, scenarios, on_done)
        finally:
            if started_here:
                ray.shutdown()

    def _stream(self, ray: Any, work: Work, scenarios: Sequence[Scenario],
                on_done: OnDone | None) -> list[ScenarioOutcome]:
        shared = ray.put(work)
        remote = ray.remote(num_cpus=self.cpus_per_task, max_retries=0)(self.task)
        attempts = dict.fromkeys(range(len(scenarios)), 0)
        notes: dict[int, list[str]] = {k: [] for k in attempts}
        pending: dict[Any, int] = {}

        def submit(k: int) -> None:
            attempts[k] += 1
            pending[remote.remote(shared, scenarios[k])] = k

        for k in range(len(scenarios)):
            submit(k)
        results: dict[int, ScenarioOutcome] = {}
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            for ref in done:
                k = pending.pop(ref)
                try:
                    outcome = ray.get(ref)
                except Exception as error:  # a task or its worker failed  # noqa: BLE001
                    reason = _reason(error)
                    notes[k].append(f"attempt {attempts[k]} failed ({reason})")
                    if attempts[k] <= self.retries:
                        submit(k)
                        continue
                    outcome = _failed(scenarios[k], attempts[k], reason)
                outcome.attempts = attempts[k]
                if notes[k]:
                    outcome.message = "; ".join(filter(None, [outcome.message, *notes[k]]))
                results[k] = outcome
                if on_done is not None:
                    on_done(outcome)
        return [results[k] for k in range(len(scenarios))]


def _reason(error: BaseException) -> str:
    """A failed task in one line: the task's own exception when Ray wraps one."""
    cause = getattr(error, "cause", None)
    shown = cause if isinstance(cause, BaseException) else error
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(shown)).strip().splitlines()
    return f"{type(shown).__name__}: {text[0][:200] if text else ''}"


def backend_named(name: str, *, processes: int | None = None, address: str | None = None,
                  retries: int = DEFAULT_RETRIES) -> SerialBackend | LocalBackend | RayBackend:
    """``local`` (default), ``serial`` or ``ray``."""
    if name == "ray":
        return RayBackend(address, num_cpus=processes, retries=retries)
    if name == "serial" or (name == "local" and processes == 1):
        return SerialBackend()
    if name == "local":
        return LocalBackend(processes, retries)
    raise _backend_error("backend", f"unknown backend '{name}'", f"未知的运行后端“{name}”",
                         value=name, expected="local, serial or ray",
                         expected_zh="local、serial 或 ray")


def _backend_error(option: str, message: str, message_zh: str, *, value: Any,
                   expected: str, expected_zh: str) -> InputError:
    """A backend that cannot be used as named, in both languages."""
    return InputError([Problem("scenario backend", message, "backend", column=option,
                               value=value, expected=expected, message_zh=message_zh,
                               expected_zh=expected_zh)])
