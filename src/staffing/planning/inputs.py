"""Problems of an instance's planning inputs under a policy and a horizon, located.

The cross-table checks of the planning tables run whenever a bundle loads
(`staffing.planning.tables.table_problems`); these depend on the plan's years
and on the policy, so they run when a plan is made or checked.
"""

from __future__ import annotations

from staffing.domain.instance import Instance
from staffing.errors import Problem
from staffing.planning.check import planning_of
from staffing.planning.tables import NEEDS_TABLE, TEAMS_TABLE, has_plan_tables, rows
from staffing.policy import Policy


def plan_input_problems(instance: Instance, policy: Policy,
                        years: int | None = None) -> list[Problem]:
    """The policy's planning section, needs beyond the plan, year-1 places already held."""
    planning = planning_of(policy)
    years = years or planning.horizon
    start, last = instance.meta.year, instance.meta.year + years - 1
    problems: list[Problem] = []
    if not has_plan_tables(instance):
        problems.append(Problem(
            "instance", "no planning tables: nobody has a target year and no place needs a "
            "rotating person", "no_plan_tables", severity="warning",
            expected="plan_staff, plan_needs, plan_teams (see 'staffing template')",
            message_zh="没有轮转规划表：无人有目标晋升年度，也没有岗位需要轮转人员",
            expected_zh="plan_staff、plan_needs、plan_teams 表（见 staffing template）"))
    for spec in (NEEDS_TABLE, TEAMS_TABLE):
        for index, row in enumerate(rows(instance, spec)):
            if row.year > last:
                source, line = instance.locate(spec.name, index)
                problems.append(Problem(source, f"beyond the {years}-year plan {start}-{last}, "
                                        "ignored", "beyond_plan", line, "year", row.year,
                                        f"a year up to {last}, or a longer plan (--years)",
                                        "warning",
                                        message_zh=f"超出 {years} 年规划期（{start}–{last}），"
                                        "已忽略",
                                        expected_zh=f"不晚于 {last} 的年度，或更长的规划期"
                                        "（--years）"))
    held: dict[str, int] = {}
    for person in instance.staff:
        if person.current_post is not None:
            held[person.current_post] = held.get(person.current_post, 0) + 1
    for index, row in enumerate(rows(instance, NEEDS_TABLE)):
        post = instance.post_by_id.get(row.post)
        if post is None or row.year != start:
            continue
        free = post.places - held.get(row.post, 0)
        if row.places > free:
            source, line = instance.locate(NEEDS_TABLE.name, index)
            problems.append(Problem(
                source, f"{row.post} has {free} free place(s) this year: the two-way selection "
                "must move incumbents to place more rotating people", "places_held", line,
                "max" if row.max is not None else "need", row.places, f"at most {free}",
                "warning",
                message_zh=f"{row.post} 今年只有 {free} 个空余岗位：要安排更多轮转人员，"
                "须在双向选择中调动在岗人员",
                expected_zh=f"不超过 {free}"))
    return problems
