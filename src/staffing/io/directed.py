"""The optional ``directed_placements`` table: people the organisation places this round.

One row per person directed to a post, or to an institution (any post there
the person may hold), with where the direction comes from. A rotation plan's
year 1 is written in this form; the allocation rule ``directed_placements``
obeys it and the checker verifies it.
"""

from __future__ import annotations

from pydantic import model_validator

from staffing.domain.instance import Identifier, Instance, Row, cell_error, column
from staffing.errors import Problem
from staffing.io.spec import TableSpec


class DirectedPlacement(Row):
    """One person directed to a post or an institution this round."""

    person: Identifier = column("工号", "person id")
    post: Identifier | None = column("指定岗位", "post the person is placed at", None)
    institution: Identifier | None = column(
        "指定机构", "institution: any post there the person may hold", None)
    source: str = column("来源", "where the direction comes from (e.g. a rotation plan)", "")

    @model_validator(mode="after")
    def _one_target(self) -> DirectedPlacement:
        if (self.post is None) == (self.institution is None):
            raise cell_error("post", "give a post or an institution (one of them)",
                             "请填写指定岗位或指定机构（二者之一）")
        return self

    @property
    def target(self) -> str:
        return self.post if self.post is not None else f"a post of {self.institution}"


DIRECTED_TABLE = TableSpec("directed_placements", DirectedPlacement, "指定岗位",
                           "people placed by the organisation this round (a rotation plan's "
                           "year 1)", required=False)


_ZH = {"person": "人员", "post": "岗位", "institution": "机构", "staff": "人员",
       "posts": "岗位", "institutions": "机构"}


def directed_rows(instance: Instance) -> list[DirectedPlacement]:
    return list(instance.extras.get(DIRECTED_TABLE.name, []))


def directed_problems(instance: Instance) -> list[Problem]:
    """Unknown people, posts and institutions of the table, and people directed twice."""
    problems = []
    seen: dict[str, int] = {}
    for index, row in enumerate(directed_rows(instance)):
        source, line = instance.locate(DIRECTED_TABLE.name, index)
        for value, known, col, what in (
                (row.person, instance.person_by_id, "person", "staff"),
                (row.post, instance.post_by_id, "post", "posts"),
                (row.institution, instance.institution_by_id, "institution", "institutions")):
            if value is not None and value not in known:
                problems.append(Problem(source, f"unknown {col} id", "unknown_reference", line,
                                        col, value, f"an id listed in the {what} table",
                                        message_zh=f"未知的{_ZH[col]}编号",
                                        expected_zh=f"{_ZH[what]}表中已有的编号"))
        if row.person in seen:
            problems.append(Problem(source, f"person directed twice (also row {seen[row.person]})",
                                    "duplicate_id", line, "person", row.person,
                                    "one row per person",
                                    message_zh=f"同一人员被指定两次（另见第 {seen[row.person]} "
                                    "行）",
                                    expected_zh="每人一行"))
        seen.setdefault(row.person, line)
    return problems
