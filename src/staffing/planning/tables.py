"""The optional instance tables of multi-year rotation planning, and the plan's own table.

| table | sheet | one row per |
|---|---|---|
| ``plan_staff`` | 轮转人员 | person with planning facts: target promotion year, months served |
| ``plan_departments`` | 科室外派上限 | county department: the most people it may lose at once |
| ``plan_needs`` | 基层轮转需求 | grassroots post and year: rotating people needed and accepted |
| ``plan_teams`` | 驻点团队 | resident team and year it is stationed at a grassroots centre |
| ``plan_exclusions`` | 不可轮转 | rotation a person cannot take (year, place), with a reason |
| ``plan_preferences`` | 轮转意愿 | a person's ranked wish for a year and/or a place |

A plan itself is one row per rotation (`Rotation`, ``rotations.csv``): who,
from which year to which, where (a post, or a team as leader or member).
`staffing.io.tables` lists the instance tables with the optional ones of every
bundle format (CSV folder, workbook, JSON), so they load with the same located
validation as the core tables and appear in ``instance.extras[name]``;
`staffing.validation` runs their cross-table checks (`table_problems`: unknown
ids, duplicates, places beyond a post's) with the others.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, model_validator

from staffing.domain.enums import Coded, Tier, add_labels
from staffing.domain.instance import (
    Count,
    DisciplineField,
    Flag,
    Identifier,
    Row,
    cell_error,
    column,
)
from staffing.errors import Problem
from staffing.io.spec import TableSpec

Year = Annotated[int, Field(ge=1990, le=2100)]


class ExclusionReason(Coded):
    """Why a person cannot take a rotation."""

    MATERNITY = "maternity"
    ILLNESS = "illness"
    STUDY = "study"
    FAMILY = "family"
    KEY_POST = "key_post"
    OTHER = "other"


class PlanRole(Coded):
    """What a rotating person does at the place they go to."""

    POST = "post"      # holds a grassroots post
    LEADER = "leader"  # leads a resident team
    MEMBER = "member"  # is a member of a resident team


add_labels(ExclusionReason, {"maternity": "孕产期", "illness": "病休", "study": "进修学习",
                             "family": "家庭困难", "key_post": "关键岗位不能离岗",
                             "other": "其他"})
add_labels(PlanRole, {"post": "岗位轮转", "leader": "驻点队长", "member": "驻点队员"})

ExclusionReasonField = Annotated[ExclusionReason, BeforeValidator(ExclusionReason.parse)]
PlanRoleField = Annotated[PlanRole, BeforeValidator(PlanRole.parse)]


class PlanPerson(Row):
    """Planning facts of one person (people not listed take part with their staff facts)."""

    person: Identifier = column("工号", "person id")
    target_year: Year | None = column(
        "拟晋升年度", "year of the promotion window the person aims at", None)
    eligible_from: Year | None = column(
        "可申报晋升年度", "first year the person may apply for promotion (if no target year)", None)
    months_served: Count | None = column(
        "已连续基层服务月数", "continuous grassroots months already served (blank: staff table)",
        None)
    returned_year: Year | None = column(
        "上次轮转结束年度", "last year of the person's previous rotation, if any", None)
    note: str = column("备注", "free text", "")

    @property
    def deadline(self) -> int | None:
        """The year by which the grassroots year must be complete (exclusive)."""
        return self.target_year if self.target_year is not None else self.eligible_from


class PlanDepartment(Row):
    """The most people a county department may have away on rotation in any one year."""

    institution: Identifier = column("机构", "county institution id")
    discipline: DisciplineField = column("科室专业", "discipline of the department's posts")
    max_absent: Count = column("最多同时外派人数", "most people away on rotation in one year")
    note: str = column("备注", "free text", "")


class PlanNeed(Row):
    """Rotating people a grassroots post needs (and accepts) in one year."""

    post: Identifier = column("岗位编号", "grassroots post id")
    year: Year = column("年度", "year of the need")
    need: Count = column("需轮转人数", "rotating people the post needs that year", 1)
    max: Count | None = column("最多接收人数", "most rotating people it takes (blank: need)", None)
    note: str = column("备注", "free text", "")

    @model_validator(mode="after")
    def _max_covers_need(self) -> PlanNeed:
        if self.max is not None and self.max < self.need:
            raise cell_error("max", f"takes at most {self.max} but needs {self.need}",
                             f"最多接收 {self.max} 人，却需要 {self.need} 人")
        return self

    @property
    def places(self) -> int:
        """Most rotating people the post takes that year."""
        return self.need if self.max is None else self.max


class PlanTeam(Row):
    """A resident team stationed at a grassroots centre in one year."""

    team: Identifier = column("团队编号", "team id (distinct from every post id)")
    institution: Identifier = column("驻点机构", "grassroots institution the team is stationed at")
    year: Year = column("年度", "year the team is stationed")
    required: Flag = column("必须派驻", "the team must be formed that year", True)
    note: str = column("备注", "free text", "")


class PlanExclusion(Row):
    """A rotation a person cannot take: a year, a place, or both."""

    person: Identifier = column("工号", "person id")
    year: Year | None = column("年度", "year excluded (blank: every year)", None)
    site: Identifier | None = column(
        "去向", "post or team id excluded (blank: every place)", None)
    reason: ExclusionReasonField = column(
        "原因", "maternity, illness, study, family, key_post or other")
    note: str = column("备注", "free text", "")


class PlanPreference(Row):
    """One ranked wish of a person: a year, a place, or both."""

    person: Identifier = column("工号", "person id")
    rank: int = column("意愿序号", "1 = most wanted", ge=1)
    year: Year | None = column("年度", "year wished (blank: any year)", None)
    site: Identifier | None = column("去向", "post or team id wished (blank: any place)", None)

    @model_validator(mode="after")
    def _says_something(self) -> PlanPreference:
        if self.year is None and self.site is None:
            raise cell_error("site", "a wish names a year, a place or both",
                             "意愿须填写年度、去向或二者")
        return self


class Rotation(Row):
    """One rotation of a plan: who goes where, from which year to which."""

    person: Identifier = column("工号", "person id")
    start_year: Year = column("开始年度", "first year of the rotation")
    end_year: Year = column("结束年度", "last year of the rotation")
    site: Identifier = column("去向", "grassroots post id, or team id")
    role: PlanRoleField = column("角色", "post, leader or member", PlanRole.POST)

    @model_validator(mode="after")
    def _ordered(self) -> Rotation:
        if self.end_year < self.start_year:
            raise cell_error("end_year", f"ends ({self.end_year}) before it starts "
                             f"({self.start_year})",
                             f"结束年度（{self.end_year}）早于开始年度（{self.start_year}）")
        return self

    def covers(self, year: int) -> bool:
        """Whether the person is away on this rotation during ``year``."""
        return self.start_year <= year <= self.end_year


STAFF_TABLE = TableSpec("plan_staff", PlanPerson, "轮转人员",
                        "planning facts per person: target promotion year, months served",
                        required=False)
DEPARTMENTS_TABLE = TableSpec("plan_departments", PlanDepartment, "科室外派上限",
                              "most people each county department may lose at once",
                              required=False)
NEEDS_TABLE = TableSpec("plan_needs", PlanNeed, "基层轮转需求",
                        "rotating people each grassroots post needs, by year", required=False)
TEAMS_TABLE = TableSpec("plan_teams", PlanTeam, "驻点团队",
                        "resident teams and the years they are stationed", required=False)
EXCLUSIONS_TABLE = TableSpec("plan_exclusions", PlanExclusion, "不可轮转",
                             "rotations people cannot take, with a reason", required=False)
PREFERENCES_TABLE = TableSpec("plan_preferences", PlanPreference, "轮转意愿",
                              "people's ranked wishes of years and places", required=False)
ROTATIONS_TABLE = TableSpec("rotations", Rotation, "轮转计划",
                            "one row per rotation: person, years, place, role")

PLAN_TABLES = [STAFF_TABLE, DEPARTMENTS_TABLE, NEEDS_TABLE, TEAMS_TABLE, EXCLUSIONS_TABLE,
               PREFERENCES_TABLE]


def rows(instance: Any, spec: TableSpec) -> list[Any]:
    """The rows of one planning table of an instance (empty if absent)."""
    return list(instance.extras.get(spec.name, []))


def has_plan_tables(instance: Any) -> bool:
    """Whether the instance carries any planning table."""
    return any(instance.extras.get(spec.name) for spec in PLAN_TABLES)


# ----------------------------------------------------------------------------- validation


def _problem(instance: Any, spec: TableSpec, index: int, column: str,
             message: tuple[str, str], value: Any, expected: tuple[str, str],
             kind: str = "invalid") -> Problem:
    """A located error of a planning table; ``message`` and ``expected`` in English and
    Chinese."""
    source, row = instance.locate(spec.name, index)
    return Problem(source, message[0], kind, row, column, value, expected[0],
                   message_zh=message[1], expected_zh=expected[1])


_WHAT_ZH = {"staff": ("人员工号", "人员表中已有的工号"),
            "posts": ("岗位编号", "岗位表中已有的岗位编号"),
            "institutions": ("机构编号", "机构表中已有的机构编号")}


def _unknown(instance: Any, spec: TableSpec, index: int, column: str, value: str,
             table: str) -> Problem:
    what = {"staff": "person", "posts": "post", "institutions": "institution"}[table]
    what_zh, listed_zh = _WHAT_ZH[table]
    return _problem(instance, spec, index, column, (f"unknown {what} id", f"未知的{what_zh}"),
                    value, (f"an id listed in the {table} table", listed_zh),
                    "unknown_reference")


def _duplicates(instance: Any, spec: TableSpec, key: Callable[[Any], Any], column: str,
                what: tuple[str, str]) -> list[Problem]:
    seen: dict[Any, int] = {}
    out = []
    for index, row in enumerate(rows(instance, spec)):
        value = key(row)
        if value in seen:
            first = instance.locate(spec.name, seen[value])[1]
            out.append(_problem(instance, spec, index, column,
                                (f"{what[0]} given twice (first on row {first})",
                                 f"{what[1]}重复（第 {first} 行已填写）"),
                                getattr(row, column),
                                (f"one row per {what[0]}", f"每个{what[1]}一行"), "duplicate"))
        else:
            seen[value] = index
    return out


def _before_selection(instance: Any, spec: TableSpec, index: int, value: int) -> Problem:
    year = instance.meta.year
    return _problem(instance, spec, index, "year",
                    (f"a year before the selection year {year}",
                     f"早于双向选择年度 {year}"), value,
                    (f"{year} or later", f"{year} 年或以后"))


def _distinct_ids(instance: Any, spec: TableSpec, index: int, column: str, value: str,
                  other: tuple[str, str]) -> Problem:
    return _problem(instance, spec, index, column,
                    (f"this id is also a {other[0]}'s", f"该编号同时是某个{other[1]}的编号"),
                    value, ("distinct post and team ids", "岗位与团队编号互不相同"))


def table_problems(instance: Any) -> list[Problem]:
    """Cross-table problems of the planning tables, each located by file or sheet, row, column."""
    problems: list[Problem] = []
    people, posts = instance.person_by_id, instance.post_by_id
    year = instance.meta.year
    teams = {r.team: r for r in rows(instance, TEAMS_TABLE)}
    for spec in (STAFF_TABLE, EXCLUSIONS_TABLE, PREFERENCES_TABLE):
        for index, row in enumerate(rows(instance, spec)):
            if row.person not in people:
                problems.append(_unknown(instance, spec, index, "person", row.person, "staff"))
            site = getattr(row, "site", None)
            if site is not None and site not in posts and site not in teams:
                problems.append(_problem(instance, spec, index, "site",
                                         ("unknown place", "未知的去向"), site,
                                         ("a post id or a team id of plan_teams",
                                          "岗位编号或 plan_teams 中的团队编号"),
                                         "unknown_reference"))
    for index, row in enumerate(rows(instance, STAFF_TABLE)):
        if row.returned_year is not None and row.returned_year > year:
            problems.append(_problem(instance, STAFF_TABLE, index, "returned_year",
                                     (f"a rotation ending after the selection year {year}",
                                      f"轮转结束年度晚于双向选择年度 {year}"),
                                     row.returned_year,
                                     (f"a year up to {year}", f"不晚于 {year} 的年度")))
    problems += _duplicates(instance, STAFF_TABLE, lambda r: r.person, "person",
                            ("person", "人员"))
    problems += _duplicates(instance, PREFERENCES_TABLE, lambda r: (r.person, r.rank), "rank",
                            ("rank of a person", "同一人员的意愿序号"))
    problems += _department_problems(instance)
    problems += _need_problems(instance, teams)
    problems += _team_problems(instance, teams)
    return problems


def _department_problems(instance: Any) -> list[Problem]:
    out = []
    for index, row in enumerate(rows(instance, DEPARTMENTS_TABLE)):
        inst = instance.institution_by_id.get(row.institution)
        if inst is None:
            out.append(_unknown(instance, DEPARTMENTS_TABLE, index, "institution",
                                row.institution, "institutions"))
        elif inst.tier is not Tier.COUNTY:
            out.append(_problem(instance, DEPARTMENTS_TABLE, index, "institution",
                                (f"a {inst.tier.value} institution has no county department",
                                 f"{inst.tier.zh}机构没有县级医院科室"),
                                row.institution, ("a county hospital id", "县级医院的机构编号")))
    out += _duplicates(instance, DEPARTMENTS_TABLE, lambda r: (r.institution, r.discipline),
                       "discipline", ("department", "科室"))
    return out


def _need_problems(instance: Any, teams: dict[str, PlanTeam]) -> list[Problem]:
    out = []
    year = instance.meta.year
    for index, row in enumerate(rows(instance, NEEDS_TABLE)):
        post = instance.post_by_id.get(row.post)
        if post is None:
            out.append(_unknown(instance, NEEDS_TABLE, index, "post", row.post, "posts"))
            continue
        tier = instance.tier_of_post(row.post)
        if not tier.is_grassroots:
            out.append(_problem(instance, NEEDS_TABLE, index, "post",
                                ("a county post takes no rotation to grassroots",
                                 "县级岗位不接收下沉基层的轮转人员"), row.post,
                                ("a township or village post", "乡镇或村级岗位")))
        if row.places > post.places:
            column = "max" if row.max is not None else "need"
            out.append(_problem(instance, NEEDS_TABLE, index, column,
                                (f"more rotating people than the post's {post.places} places",
                                 f"轮转人数超过该岗位的 {post.places} 个岗位数"),
                                row.places, (f"at most {post.places}", f"不超过 {post.places}")))
        if row.year < year:
            out.append(_before_selection(instance, NEEDS_TABLE, index, row.year))
        if row.post in teams:
            out.append(_distinct_ids(instance, NEEDS_TABLE, index, "post", row.post,
                                     ("team", "团队")))
    out += _duplicates(instance, NEEDS_TABLE, lambda r: (r.post, r.year), "year",
                       ("year of a post", "同一岗位的年度"))
    return out


def _team_problems(instance: Any, teams: dict[str, PlanTeam]) -> list[Problem]:
    out = []
    stationed: dict[str, str] = {}
    for index, row in enumerate(rows(instance, TEAMS_TABLE)):
        inst = instance.institution_by_id.get(row.institution)
        if inst is None:
            out.append(_unknown(instance, TEAMS_TABLE, index, "institution", row.institution,
                                "institutions"))
        elif not inst.tier.is_grassroots:
            out.append(_problem(instance, TEAMS_TABLE, index, "institution",
                                ("a resident team is stationed at grassroots",
                                 "驻点团队只能驻在基层机构"), row.institution,
                                ("a township centre or village clinic id",
                                 "乡镇卫生院或村卫生室的机构编号")))
        earlier = stationed.setdefault(row.team, row.institution)
        if earlier != row.institution:
            out.append(_problem(instance, TEAMS_TABLE, index, "institution",
                                (f"team {row.team} is stationed at {earlier} on an earlier row",
                                 f"团队 {row.team} 在前面的行中驻在 {earlier}"),
                                row.institution,
                                ("one institution per team", "每个团队只驻一个机构")))
        if row.team in instance.post_by_id:
            out.append(_distinct_ids(instance, TEAMS_TABLE, index, "team", row.team,
                                     ("post", "岗位")))
        if row.year < instance.meta.year:
            out.append(_before_selection(instance, TEAMS_TABLE, index, row.year))
    out += _duplicates(instance, TEAMS_TABLE, lambda r: (r.team, r.year), "year",
                       ("year of a team", "同一团队的年度"))
    return out
