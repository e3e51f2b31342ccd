"""Reading and writing rosters (``roster.csv``: person, post, pool, tour_villages)."""

from __future__ import annotations

from pathlib import Path

from staffing.domain.enums import Tier
from staffing.domain.instance import Instance
from staffing.domain.roster import Assignment, Roster
from staffing.errors import InputError, Problem, raise_if_errors
from staffing.io.atomic import write_text
from staffing.io.bundle import csv_text, parse_csv_text
from staffing.io.encoding import read_text
from staffing.io.tables import TableSpec, parse_table

ROSTER_TABLE = TableSpec("roster", Assignment, "名单",
                         "one row per person: post held and pool charged")


def read_roster(path: str | Path, instance: Instance) -> Roster:
    """Read a roster CSV and check every reference against the instance."""
    path = Path(path)
    if not path.is_file():
        raise InputError([Problem(str(path), "no such roster file", "not_found",
                                  expected="a roster.csv written by 'staffing solve' or by hand")])
    text, problems = read_text(path)
    raise_if_errors(problems)
    assert text is not None
    rows, numbers, found = parse_table(ROSTER_TABLE, parse_csv_text(text, path.name))
    problems.extend(found)
    raise_if_errors(problems)
    problems.extend(roster_problems(instance, rows, numbers, path.name))
    raise_if_errors(problems)
    return complete(instance, rows)


def roster_problems(instance: Instance, rows: list[Assignment], numbers: list[int] | None = None,
                    source: str = "roster") -> list[Problem]:
    """Unknown people, posts and villages, and people listed twice."""
    numbers = numbers or [i + 2 for i in range(len(rows))]
    seen: dict[str, int] = {}
    problems = []
    villages = {i.id for i in instance.institutions if i.tier is Tier.VILLAGE}
    for row, a in zip(numbers, rows):
        problems.extend(reference_problems(instance, source, row, a.person, a.post, seen))
        for village in a.tour_villages:
            if village not in villages:
                problems.append(Problem(source, "unknown village id", "unknown_reference", row,
                                        "tour_villages", village, "a village institution id"))
    return problems


def reference_problems(instance: Instance, source: str, row: int, person: str,
                       post: str | None, seen: dict[str, int]) -> list[Problem]:
    """Problems of one row placing a person at a post: unknown ids, a person listed twice.

    ``seen`` maps every person met so far to their row; the row's person is added to it.
    """
    problems = []
    if person not in instance.person_by_id:
        problems.append(Problem(source, "unknown person id", "unknown_reference", row, "person",
                                person, "an id listed in the staff table"))
    elif person in seen:
        problems.append(Problem(source, f"person listed twice (also row {seen[person]})",
                                "duplicate_id", row, "person", person, "one row per person"))
    else:
        seen[person] = row
    if post is not None and post not in instance.post_by_id:
        problems.append(Problem(source, "unknown post id", "unknown_reference", row, "post",
                                post, "an id listed in the posts table"))
    return problems


def complete(instance: Instance, rows: list[Assignment], **fields: object) -> Roster:
    """A roster with a row for every person of the instance, in staff order."""
    by_person = {a.person: a for a in rows}
    assignments = [by_person.get(p.id) or Assignment(person=p.id) for p in instance.staff]
    return Roster(assignments=assignments, **fields)


def roster_csv(roster: Roster) -> str:
    """A roster as the text of ``roster.csv``."""
    return csv_text(ROSTER_TABLE, roster.assignments)


def write_roster(roster: Roster, path: str | Path) -> None:
    """Write a roster as ``roster.csv`` (atomically)."""
    write_text(Path(path), roster_csv(roster))
