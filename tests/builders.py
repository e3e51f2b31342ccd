"""Small builders shared by the tests: instances from pydantic rows, rosters, policies, the CLI.

Rows take keyword arguments with the defaults most tests need, so a test
states only what matters to the rule it is about.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from staffing.check import CheckReport, check
from staffing.domain.instance import Choice, Instance, Institution, PanelRank, Post, Staff
from staffing.domain.roster import Assignment, Roster
from staffing.errors import raise_if_errors
from staffing.io.bundle import save
from staffing.io.roster_io import write_roster
from staffing.policy import Policy
from staffing.rules.base import Violation
from staffing.validation import structural_problems

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "fixtures" / "tiny"
MODELS = sorted((ROOT / "models").glob("*.yaml"))
WIDE = 400  # console width for CLI output, so no message is wrapped


# ----------------------------------------------------------------------------- rows


def county(id: str = "H", **fields: Any) -> Institution:
    """A county hospital."""
    return Institution(id=id, tier="county", **fields)


def township(id: str = "T", parent: str | None = "H", population: int = 5000,
             **fields: Any) -> Institution:
    """A township centre under the county hospital ``H``."""
    return Institution(id=id, tier="township", parent=parent, population=population, **fields)


def village(id: str, parent: str = "T", population: int = 600, distance_km: float = 2.0,
            **fields: Any) -> Institution:
    """A village clinic of township ``T``, 2 km from it."""
    return Institution(id=id, tier="village", parent=parent, population=population,
                       distance_km=distance_km, **fields)


def post(id: str, institution: str, discipline: str = "general_practice", **fields: Any) -> Post:
    """A post (one general-practice place unless stated)."""
    return Post(id=id, institution=institution, discipline=discipline, **fields)


_OWN = "grassroots"


def person(id: str, discipline: str = "general_practice", licence: str = "physician",
           title: str = "junior", pool: str | None = _OWN, **fields: Any) -> Staff:
    """A person; incumbents default to the grassroots pool, recruits and dispatched to none."""
    if pool is _OWN and (fields.get("new_recruit") or fields.get("city_dispatched")):
        pool = None
    return Staff(id=id, discipline=discipline, licence=licence, title=title, pool=pool, **fields)


def choices(person_id: str, *posts: str) -> list[Choice]:
    """A person's choices of ``posts``, first choice first."""
    return [Choice(person=person_id, rank=k, post=p) for k, p in enumerate(posts, start=1)]


def ranks(post_id: str, **by_person: int) -> list[PanelRank]:
    """A panel's ranks of the applicants of a post (person=rank)."""
    return [PanelRank(post=post_id, person=p, rank=r) for p, r in by_person.items()]


def instance(institutions: Iterable[Institution], posts: Iterable[Post], staff: Iterable[Staff],
             choices: Iterable[Choice] = (), rankings: Iterable[PanelRank] = ()) -> Instance:
    """An instance that passes the structural validation (a test error otherwise)."""
    built = Instance(institutions=list(institutions), posts=list(posts), staff=list(staff),
                     choices=list(choices), rankings=list(rankings))
    raise_if_errors(structural_problems(built))
    return built


# ----------------------------------------------------------------------------- rosters


def roster(inst: Instance, placed: Mapping[str, str | tuple[str | None, str | None] | None],
           tours: Mapping[str, Sequence[str]] | None = None) -> Roster:
    """A roster from person -> post (pool: the person's own) or -> (post, pool).

    People not named hold no post and are charged to their own pool.
    """
    tours = tours or {}
    assignments = []
    for p in inst.staff:
        target = placed.get(p.id)
        if isinstance(target, tuple):
            post_id, pool = target
        else:
            post_id, pool = target, p.pool
        assignments.append(Assignment(person=p.id, post=post_id, pool=pool,
                                      tour_villages=list(tours.get(p.id, []))))
    return Roster(assignments=assignments)


# ----------------------------------------------------------------------------- policies


def policy(rule: str, **params: Any) -> Policy:
    """A policy with one rule (and the always-on rules) and the given parameters."""
    return Policy(name=f"only {rule}", rules={rule: params})


def policy_yaml(rule: str, path: Path, **params: Any) -> Path:
    """The same one-rule policy written as a policy model YAML file."""
    data = {"name": f"only {rule}", "rules": {rule: params}}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def run_check(inst: Instance, pol: Policy, ros: Roster) -> CheckReport:
    """The checker's report on a roster."""
    return check(inst, pol, ros)


def only_violation(inst: Instance, pol: Policy, ros: Roster, rule: str) -> Violation:
    """The single violation of a roster, which must be of ``rule``."""
    report = check(inst, pol, ros)
    assert [v.rule for v in report.violations] == [rule], [v.message for v in report.violations]
    return report.violations[0]


def assert_compliant(inst: Instance, pol: Policy, ros: Roster) -> CheckReport:
    """A roster that breaks no rule of the policy at all."""
    report = check(inst, pol, ros)
    assert report.violations == [], [v.message for v in report.violations]
    assert report.ok
    return report


# ----------------------------------------------------------------------------- CLI


def invoke(*args: str | Path) -> Any:
    """Run the ``staffing`` command in-process; return the click result."""
    from staffing import cli

    cli.console.width = cli.err_console.width = WIDE
    return CliRunner().invoke(cli.app, [str(a) for a in args])


def run_module(*args: str | Path, script: bool = False) -> subprocess.CompletedProcess[str]:
    """Run the command in a fresh interpreter (``python -m staffing.cli`` or the script)."""
    if script:
        exe = shutil.which("staffing", path=str(Path(sys.executable).parent)) or "staffing"
        command = [exe, *map(str, args)]
    else:
        command = [sys.executable, "-m", "staffing.cli", *map(str, args)]
    env = {**os.environ, "COLUMNS": str(WIDE), "NO_COLOR": "1"}
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120,
                          check=False)


def write_case(inst: Instance, ros: Roster, folder: Path) -> tuple[Path, Path]:
    """Save an instance as a CSV folder and a roster as roster.csv beside it."""
    bundle, roster_csv = folder / "bundle", folder / "roster.csv"
    save(inst, bundle)
    write_roster(ros, roster_csv)
    return bundle, roster_csv


def check_cli(folder: Path, inst: Instance, ros: Roster, rule: str, **params: Any) -> Any:
    """Run ``staffing check`` on an instance, roster and one-rule policy, all written to disk."""
    bundle, roster_csv = write_case(inst, ros, folder)
    policy_path = policy_yaml(rule, folder / "policy.yaml", **params)
    return invoke("check", bundle, roster_csv, "--policy", policy_path)


def all_violations(inst: Instance, pol: Policy, ros: Roster) -> list[Violation]:
    """Every violation of a roster, of any rule."""
    return check(inst, pol, ros).violations
