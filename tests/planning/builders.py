"""Small builders of the planning tests: a county with departments and grassroots places.

`case` builds an instance with a lead hospital ``H`` (general-practice and
nursing departments), township centres ``T1`` and ``T2`` with a GP and a
nursing post each, and the planning tables given; `plan` turns
``person -> (year, place[, role])`` into rotations; `report` checks a plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from staffing.domain.instance import Instance, Meta
from staffing.domain.params import SolveParams
from staffing.domain.violation import Violation
from staffing.errors import raise_if_errors
from staffing.planning.check import PlanReport, check_plan
from staffing.planning.engine import PlanResult, plan_rotations
from staffing.planning.policy import PlanningPolicy
from staffing.planning.tables import (
    PlanDepartment,
    PlanExclusion,
    PlanNeed,
    PlanPerson,
    PlanPreference,
    PlanTeam,
    Rotation,
)
from staffing.policy import Policy
from staffing.validation import structural_problems
from tests.builders import county, person, post, township

YEAR = 2025
TABLES = {"plan_staff": PlanPerson, "plan_departments": PlanDepartment, "plan_needs": PlanNeed,
          "plan_teams": PlanTeam, "plan_exclusions": PlanExclusion,
          "plan_preferences": PlanPreference}


def doctors(*ids: str, title: str = "intermediate", post_id: str = "H-GP",
            **fields: Any) -> list[Any]:
    """County GPs (physicians) at the lead hospital's general-practice department."""
    return [person(i, pool="county", current_post=post_id, title=title, **fields) for i in ids]


def nurses(*ids: str, **fields: Any) -> list[Any]:
    """County nurses at the lead hospital's nursing department."""
    return [person(i, discipline="nursing", licence="nurse", pool="county",
                   current_post="H-NUR", **fields) for i in ids]


def case(staff: Iterable[Any], **tables: Iterable[Any]) -> Instance:
    """An instance of the planning county with these people and planning tables."""
    extras = {name: list(rows) for name, rows in tables.items() if rows}
    for name, rows in extras.items():
        assert all(isinstance(r, TABLES[name]) for r in rows), name
    inst = Instance(
        meta=Meta(year=YEAR),
        institutions=[county("H", headcount_county=60), township("T1", population=8000),
                      township("T2", population=6000)],
        posts=[post("H-GP", "H", places=20, grade="intermediate"),
               post("H-NUR", "H", discipline="nursing", licence="nurse", places=20),
               post("T1-GP", "T1", places=4), post("T2-GP", "T2", places=4),
               post("T1-NUR", "T1", discipline="nursing", licence="nurse", places=4)],
        staff=list(staff), extras=extras)
    raise_if_errors(structural_problems(inst))
    return inst


def needs(post_id: str, *years: int, need: int = 1, most: int | None = None) -> list[PlanNeed]:
    """A post's need of rotating people in each of ``years``."""
    return [PlanNeed(post=post_id, year=y, need=need, max=most) for y in years]


def targets(**by_person: int) -> list[PlanPerson]:
    """Target promotion years (person=year)."""
    return [PlanPerson(person=p, target_year=y) for p, y in by_person.items()]


def planning_policy(**planning: Any) -> Policy:
    """A policy with eligibility only and a planning section (rules: name -> params)."""
    return Policy(name="planning test", rules={"eligibility": {}},
                  planning=PlanningPolicy.model_validate(planning))


def plan(**by_person: tuple[Any, ...]) -> list[Rotation]:
    """Rotations from person=(start year, place[, role[, end year]])."""
    out = []
    for p, spec in by_person.items():
        start, site = spec[0], spec[1]
        role = spec[2] if len(spec) > 2 else "post"
        end = spec[3] if len(spec) > 3 else start
        out.append(Rotation(person=p, start_year=start, end_year=end, site=site, role=role))
    return out


def report(inst: Instance, pol: Policy, rotations: list[Rotation], years: int = 3) -> PlanReport:
    return check_plan(inst, pol, rotations, years)


def of_rule(rep: PlanReport, rule: str) -> list[Violation]:
    """The violations of one plan rule."""
    return [v for v in rep.violations if v.rule == rule]


def solve(inst: Instance, pol: Policy, years: int = 3, **options: Any) -> PlanResult:
    """A deterministic plan; it has passed the checker inside the engine, checked again here."""
    result = plan_rotations(inst, pol, years, SolveParams(time_limit=20, deterministic=True),
                            **options)
    again = check_plan(inst, pol, result.rotations, years)
    assert again.ok, [v.message for v in again.hard_violations]
    assert again.stages == {o.stage: o.value for o in result.stages}
    return result


def placed(result: PlanResult) -> Mapping[str, tuple[int, str]]:
    """person -> (start year, place) of a plan."""
    return {r.person: (r.start_year, r.site) for r in result.rotations}
