"""Reading a plan back: ``rotations.csv`` (or its folder), every problem located.

A plan is one row per rotation (person, start and end year, place, role), as
``staffing rotation-plan`` writes it; ``check-plan`` and ``solve
--rotation-plan`` read it with `read_rotations`, which checks every reference
against the planning facts (people, places and roles, the plan's years).
"""

from __future__ import annotations

import json
from pathlib import Path

from staffing.errors import InputError, Problem, raise_if_errors
from staffing.io.bundle import parse_csv_text
from staffing.io.encoding import read_text
from staffing.io.tables import parse_table
from staffing.planning.facts import PlanFacts
from staffing.planning.tables import ROTATIONS_TABLE, Rotation

PLAN_FILE = "rotations.csv"

# ------------------------------------------------------------------------------ reading


def plan_file(path: str | Path) -> Path:
    """The rotations.csv of a plan given as the file or as its folder."""
    path = Path(path)
    return path / PLAN_FILE if path.is_dir() else path


def plan_years(path: str | Path) -> int | None:
    """The number of years of a plan written by ``rotation-plan`` (from its manifest)."""
    manifest = plan_file(path).parent / "manifest.json"
    try:
        return int(json.loads(manifest.read_text(encoding="utf-8"))["parameters"]["years"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def read_rotations(path: str | Path, facts: PlanFacts) -> list[Rotation]:
    """Read a plan (``rotations.csv`` or its folder) and check every reference.

    Raises
    ------
    InputError
        listing every problem, each located by file, row and column: unreadable cells,
        unknown people or places, a role the place does not have, years outside the plan.
    """
    file = plan_file(path)
    if not file.is_file():
        raise InputError([Problem(str(file), "no such plan file", "not_found",
                                  expected=f"a {PLAN_FILE} written by 'staffing rotation-plan' "
                                  "(or its folder)", message_zh="轮转计划文件不存在",
                                  expected_zh=f"由 staffing rotation-plan 写出的 {PLAN_FILE}"
                                  "（或其所在文件夹）")])
    text, problems = read_text(file)
    raise_if_errors(problems)
    assert text is not None
    rows, numbers, found = parse_table(ROTATIONS_TABLE, parse_csv_text(text, file.name))
    problems.extend(found)
    raise_if_errors(problems)
    for row, rotation in zip(numbers, rows):
        problems.extend(rotation_problems(facts, file.name, row, rotation))
    raise_if_errors(problems)
    return rows


def rotation_problems(facts: PlanFacts, source: str, row: int,
                      rotation: Rotation) -> list[Problem]:
    """Problems of one rotation row: unknown ids, a role the place lacks, years off the plan."""
    out = []
    if rotation.person not in facts.instance.person_by_id:
        out.append(Problem(source, "unknown person id", "unknown_reference", row, "person",
                           rotation.person, "an id listed in the staff table",
                           message_zh="未知的人员工号", expected_zh="人员表中已有的工号"))
    k = facts.site_index.get(rotation.site)
    if k is None:
        out.append(Problem(source, "unknown place: not a post of plan_needs nor a team of "
                           "plan_teams", "unknown_reference", row, "site", rotation.site,
                           "a post id of plan_needs or a team id of plan_teams",
                           message_zh="未知的去向：既不是 plan_needs 中的岗位，也不是 plan_teams "
                           "中的团队",
                           expected_zh="plan_needs 中的岗位编号或 plan_teams 中的团队编号"))
    elif rotation.role not in facts.sites[k].roles():
        valid = ", ".join(r.value for r in facts.sites[k].roles())
        out.append(Problem(source, f"{rotation.site} has no role {rotation.role.value}",
                           "role", row, "role", rotation.role.value, valid,
                           message_zh=f"{rotation.site} 没有“{rotation.role.value}”角色",
                           expected_zh="以下之一：" + valid))
    horizon = facts.horizon
    if not horizon.start <= rotation.start_year <= horizon.last:
        out.append(Problem(source, f"starts outside the plan's years {horizon.label()}",
                           "year", row, "start_year", rotation.start_year,
                           f"a year from {horizon.start} to {horizon.last}",
                           message_zh=f"开始年度在规划期（{horizon.label()}）之外",
                           expected_zh=f"{horizon.start} 至 {horizon.last} 之间的年度"))
    return out
