"""Year 1 of a rotation plan as directed placements of the annual two-way selection.

Every rotation to a grassroots post under way in the plan's first year (the
selection year) becomes one row of the ``directed_placements`` table,
directing the person to that post. Resident-team members are stationed at the
team's centre while they keep their own post, so a team rotation directs
nobody, except a member the selection itself must send to grassroots this
round (a promotion candidate of the staff table without the months), who is
directed to the team's centre (any post there they may hold). The allocation
rule ``directed_placements`` then places them there, and the selection's
checker verifies it.
"""

from __future__ import annotations

from pathlib import Path

from staffing.domain.instance import Instance
from staffing.errors import InputError, Problem
from staffing.io.directed import DIRECTED_TABLE, DirectedPlacement, directed_rows
from staffing.planning.check import plan_facts
from staffing.planning.facts import PlanFacts
from staffing.planning.io import plan_file, plan_years, read_rotations
from staffing.planning.tables import PlanRole, Rotation
from staffing.policy import Policy


def year_one_placements(facts: PlanFacts, rotations: list[Rotation]) -> list[DirectedPlacement]:
    """The directed placements of the plan's first year, in plan order."""
    year = facts.horizon.start
    source = f"rotation plan {facts.horizon.label()}"
    a = facts.instance.arrays
    bound = a.promotion & (a.months < facts.horizon.required_months)
    out = []
    for r in rotations:
        if not r.covers(year):
            continue
        site = facts.sites[facts.site_index[r.site]]
        if r.role is PlanRole.POST:
            out.append(DirectedPlacement(person=r.person, post=r.site, source=source))
        elif bound[a.person_index[r.person]]:
            out.append(DirectedPlacement(person=r.person, institution=site.institution,
                                         source=f"{source}: team {r.site} {r.role.value}"))
    return out


def with_directed(instance: Instance, placements: list[DirectedPlacement],
                  source: str) -> Instance:
    """The instance with these placements added to its ``directed_placements`` table.

    Raises
    ------
    InputError
        when a person of the plan is already directed elsewhere by the bundle's own table.
    """
    given = {r.person: r for r in directed_rows(instance)}
    problems = [
        Problem(source, f"{p.person} is directed to {p.target} by the plan but to "
                f"{given[p.person].target} by the bundle's {DIRECTED_TABLE.name} table",
                "conflict", column="person", value=p.person,
                expected="one direction per person (remove one of them)",
                message_zh=f"{p.person} 在轮转计划中被定向到 {p.target}，而数据包的 "
                f"{DIRECTED_TABLE.name} 表定向到 {given[p.person].target}",
                expected_zh="每人只有一个定向去向（删除其中一个）")
        for p in placements if p.person in given and given[p.person] != p]
    if problems:
        raise InputError(problems)
    merged = list(given.values()) + [p for p in placements if p.person not in given]
    return instance.model_copy(update={"extras": {**instance.extras,
                                                  DIRECTED_TABLE.name: merged}})


def directed_from_plan(instance: Instance, policy: Policy, path: str | Path) -> Instance:
    """The instance with year 1 of the plan at ``path`` as directed placements.

    The plan's years come from its manifest (else the policy's horizon); its first year
    must be the instance's selection year.

    Raises
    ------
    InputError
        listing every problem of the plan file, located.
    PolicyError
        when the policy has no planning section.
    """
    facts = plan_facts(instance, policy, plan_years(path))
    rotations = read_rotations(path, facts)
    return with_directed(instance, year_one_placements(facts, rotations), plan_file(path).name)
