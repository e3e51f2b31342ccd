"""Reading and writing rosters (``roster.csv``: person, name, post, post_name, pool,
tour_villages).

The names are for the reader: written from the instance, ignored when read back."""

from __future__ import annotations

from pathlib import Path

from staffing.domain.enums import Tier
from staffing.domain.instance import Instance, column
from staffing.domain.roster import Assignment, Roster
from staffing.errors import InputError, Problem, raise_if_errors
from staffing.io.atomic import write_csv
from staffing.io.bundle import csv_text, parse_csv_text
from staffing.io.encoding import read_text
from staffing.io.tables import TableSpec, parse_table


class RosterRow(Assignment):
    """A row of ``roster.csv``: an assignment with the person's and the post's names."""

    name: str = column("姓名", "the person's name (as in the staff table; not read back)", "")
    post_name: str = column("岗位名称", "the post's name (as in the posts table; not read back)",
                            "")

    def assignment(self) -> Assignment:
        return Assignment(person=self.person, post=self.post, pool=self.pool,
                          tour_villages=self.tour_villages)


ROSTER_TABLE = TableSpec("roster", RosterRow, "名单",
                         "one row per person: post held and pool charged")
ROSTER_COLUMNS = ["person", "name", "post", "post_name", "pool", "tour_villages"]


def read_roster(path: str | Path, instance: Instance) -> Roster:
    """Read a roster CSV and check every reference against the instance."""
    path = Path(path)
    if not path.is_file():
        raise InputError([Problem(str(path), "no such roster file", "not_found",
                                  expected="a roster.csv written by 'staffing solve' or by hand",
                                  message_zh="名单文件不存在",
                                  expected_zh="由 staffing solve 写出或手工填写的 roster.csv")])
    text, problems = read_text(path)
    raise_if_errors(problems)
    assert text is not None
    rows, numbers, found = parse_table(ROSTER_TABLE, parse_csv_text(text, path.name, ROSTER_TABLE))
    problems.extend(found)
    raise_if_errors(problems)
    problems.extend(roster_problems(instance, rows, numbers, path.name))
    raise_if_errors(problems)
    return complete(instance, rows)


def roster_problems(instance: Instance, rows: list[Assignment], numbers: list[int] | None = None,
                    source: str = "roster") -> list[Problem]:
    """Unknown people, posts and villages, and people listed twice."""
    if _references_known(instance, rows):
        return []
    numbers = numbers or [i + 2 for i in range(len(rows))]
    seen: dict[str, int] = {}
    problems = []
    villages = {i.id for i in instance.institutions if i.tier is Tier.VILLAGE}
    for row, a in zip(numbers, rows):
        problems.extend(reference_problems(instance, source, row, a.person, a.post, seen))
        for village in a.tour_villages:
            if village not in villages:
                problems.append(Problem(source, "unknown village id", "unknown_reference", row,
                                        "tour_villages", village, "a village institution id",
                                        message_zh="未知的村卫生室编号",
                                        expected_zh="村级机构的编号"))
    return problems


def _references_known(instance: Instance, rows: list[Assignment]) -> bool:
    """Whether every person and post is known, nobody is listed twice and nobody tours (the
    rows then have no problem: a set comparison instead of a look-up per row)."""
    people = [a.person for a in rows]
    posts = {a.post for a in rows}
    posts.discard(None)
    distinct = set(people)
    return (len(distinct) == len(people) and distinct <= instance.person_by_id.keys()
            and posts <= instance.post_by_id.keys() and not any(a.tour_villages for a in rows))


def reference_problems(instance: Instance, source: str, row: int, person: str,
                       post: str | None, seen: dict[str, int]) -> list[Problem]:
    """Problems of one row placing a person at a post: unknown ids, a person listed twice.

    ``seen`` maps every person met so far to their row; the row's person is added to it.
    """
    problems = []
    if person not in instance.person_by_id:
        problems.append(Problem(source, "unknown person id", "unknown_reference", row, "person",
                                person, "an id listed in the staff table",
                                message_zh="未知的人员工号", expected_zh="人员表中已有的工号"))
    elif person in seen:
        problems.append(Problem(source, f"person listed twice (also row {seen[person]})",
                                "duplicate_id", row, "person", person, "one row per person",
                                message_zh=f"人员重复出现（另见第 {seen[person]} 行）",
                                expected_zh="每人一行"))
    else:
        seen[person] = row
    if post is not None and post not in instance.post_by_id:
        problems.append(Problem(source, "unknown post id", "unknown_reference", row, "post",
                                post, "an id listed in the posts table",
                                message_zh="未知的岗位编号", expected_zh="岗位表中已有的岗位编号"))
    return problems


def complete(instance: Instance, rows: list[Assignment], **fields: object) -> Roster:
    """A roster with a row for every person of the instance, in staff order."""
    by_person = {a.person: a.assignment() if isinstance(a, RosterRow) else a for a in rows}
    assignments = [by_person.get(p.id) or Assignment(person=p.id) for p in instance.staff]
    return Roster(assignments=assignments, **fields)


def roster_rows(roster: Roster, instance: Instance | None = None) -> list[RosterRow]:
    """The rows of ``roster.csv``: each assignment with the names the instance gives."""
    people = instance.person_by_id if instance is not None else {}
    posts = instance.post_by_id if instance is not None else {}
    rows = []
    for a in roster.assignments:
        person, post = people.get(a.person), posts.get(a.post) if a.post else None
        rows.append(RosterRow(person=a.person, post=a.post, pool=a.pool,
                              tour_villages=a.tour_villages,
                              name=person.name if person else "",
                              post_name=post.name if post else ""))
    return rows


def roster_csv(roster: Roster, instance: Instance | None = None) -> str:
    """A roster as the text of ``roster.csv`` (names filled from ``instance`` when given)."""
    return csv_text(ROSTER_TABLE, roster_rows(roster, instance), ROSTER_COLUMNS)


def write_roster(roster: Roster, path: str | Path, instance: Instance | None = None) -> None:
    """Write a roster as ``roster.csv`` (atomically; UTF-8 with BOM, names from ``instance``)."""
    write_csv(Path(path), roster_csv(roster, instance))
