"""Tests that the library's front door refuses bad arguments with a typed, located error
(`staffing.errors.ArgumentError`, in both languages), and that ``staffing --version`` and
``python -m staffing`` work."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

import staffing
from staffing.errors import ArgumentError
from tests.builders import invoke

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "fixtures" / "tiny"
MODEL = ROOT / "models" / "chongqing-2024.yaml"


@pytest.fixture(scope="module")
def inputs() -> tuple[staffing.Instance, staffing.Policy]:
    return staffing.load(TINY), staffing.load_policy(MODEL)


def _refused(call: Any, column: str) -> ArgumentError:
    with pytest.raises(ArgumentError) as caught:
        call()
    error = caught.value
    assert isinstance(error, TypeError) and isinstance(error, ValueError)
    assert [p.column for p in error.problems] == [column]
    problem = error.problems[0]
    assert problem.message_zh and problem.expected and problem.expected_zh
    return error


@pytest.mark.parametrize(("keywords", "column"), [
    ({"time_limit": -1}, "time_limit"), ({"time_limit": 0}, "time_limit"),
    ({"time_limit": "fast"}, "time_limit"), ({"workers": 0}, "workers"),
    ({"seed": -3}, "seed")])
def test_allocate_refuses_bad_options(inputs: tuple[staffing.Instance, staffing.Policy],
                                      keywords: dict[str, Any], column: str) -> None:
    """Tests that a time limit, worker count or seed out of range is an ArgumentError naming
    the option, before any solving."""
    instance, policy = inputs
    _refused(lambda: staffing.allocate(instance, policy, **keywords), column)


def test_allocate_refuses_arguments_of_the_wrong_type(
        inputs: tuple[staffing.Instance, staffing.Policy]) -> None:
    """Tests that a path where an Instance or Policy belongs, or options that are not
    SolveParams, is an ArgumentError naming the argument."""
    instance, policy = inputs
    _refused(lambda: staffing.allocate(str(TINY), policy), "instance")
    _refused(lambda: staffing.allocate(instance, str(MODEL)), "policy")
    _refused(lambda: staffing.allocate(instance, policy, {"time_limit": 5}), "params")
    _refused(lambda: staffing.allocate(instance, policy, progress=5), "progress")


def test_distribute_pay_refuses_bad_arguments(
        inputs: tuple[staffing.Instance, staffing.Policy]) -> None:
    """Tests that distribute_pay refuses a missing roster and a time limit that is not a
    positive number of seconds, with an ArgumentError naming each."""
    instance, policy = inputs
    roster = staffing.Roster.current(instance)
    _refused(lambda: staffing.distribute_pay(instance, None, policy), "roster")  # type: ignore[arg-type]
    for limit in (-1, 0, float("nan"), "5"):
        _refused(lambda limit=limit: staffing.distribute_pay(instance, roster, policy,
                                                             time_limit=limit), "time_limit")


def test_version_option_and_module_entry_point() -> None:
    """Tests that ``staffing --version`` prints the installed version and that
    ``python -m staffing`` runs the same command."""
    version = metadata.version("staffing")
    result = invoke("--version")
    assert result.exit_code == 0 and result.output.strip() == f"staffing {version}"
    ran = subprocess.run([sys.executable, "-m", "staffing", "--version"], capture_output=True,
                         text=True, timeout=120, check=False)
    assert ran.returncode == 0 and ran.stdout.strip() == f"staffing {version}", ran.stderr
