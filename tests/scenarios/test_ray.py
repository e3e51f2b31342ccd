"""Tests the Ray backend on a real local Ray instance: a 4-scenario sweep streamed back, a task
whose worker dies is run again and reported, and a task that always fails is reported, not
dropped. Skipped only when the ``ray`` extra is not installed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import staffing
from staffing.check import check
from staffing.scenarios.backends import RayBackend, Work, _ray_task
from staffing.scenarios.batch import run_scenarios
from staffing.scenarios.execute import RunSettings, ScenarioOutcome, scenario_inputs
from staffing.scenarios.spec import Scenario, grid_scenarios
from tests.builders import MODELS

ray = pytest.importorskip("ray")

CHONGQING = next(m for m in MODELS if m.stem == "chongqing-2024")


def dies_once_then_runs(work: Work, scenario: Scenario) -> ScenarioOutcome:
    """The real task, except that the worker running the second scenario dies the first time
    and the fourth scenario's task always raises."""
    marker = Path(os.environ["STAFFING_RAY_TEST_DIR"]) / "died"
    if scenario.name.endswith("=18") and not marker.exists():
        marker.write_text("1")
        os._exit(1)
    if scenario.name.endswith("=30"):
        raise RuntimeError("this task always fails")
    return _ray_task(work, scenario)


@pytest.fixture(scope="module")
def local_ray(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("ray")
    os.environ["STAFFING_RAY_TEST_DIR"] = str(folder)
    ray.cloudpickle.register_pickle_by_value(__import__(__name__, fromlist=["_"]))
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR",
             runtime_env={"env_vars": {"STAFFING_RAY_TEST_DIR": str(folder)}})
    yield
    ray.shutdown()


def test_four_scenario_sweep_on_local_ray(local_ray: None, tiny: staffing.Instance) -> None:
    """Tests that every scenario comes back in order, streamed, each roster checked."""
    policy = staffing.load_policy(CHONGQING)
    scenarios = grid_scenarios({"rules.rotation_before_senior.min_months": [6, 18, 24, 30]})
    streamed: list[str] = []
    result = run_scenarios(tiny, policy, scenarios,
                           settings=RunSettings(time_limit=10, pay=False, reasons=False),
                           backend=RayBackend(retries=1, task=dies_once_then_runs),
                           on_done=lambda o: streamed.append(o.name))
    assert result.backend == "ray"
    assert [o.name for o in result.outcomes] == [s.name for s in scenarios]
    assert sorted(streamed) == sorted(["base", *(s.name for s in scenarios)])
    died, failing = result.outcomes[1], result.outcomes[3]
    assert died.attempts == 2 and died.status in ("optimal", "feasible", "infeasible")
    assert "attempt 1 failed" in died.message
    assert failing.status == "error" and failing.attempts == 2
    assert "always fails" in failing.message
    for scenario, outcome in zip(scenarios, result.outcomes):
        if outcome.roster is not None:
            inst, pol = scenario_inputs(tiny, policy, scenario)
            assert check(inst, pol, outcome.roster).ok
    assert result.outcomes[0].status == "optimal"
