"""The instance: institutions, posts, people, their choices and the panels' rankings.

Row models are pydantic v2 models; each field's ``zh`` extra is the Chinese
column header used in workbooks. `Instance` holds the tables and the lookups
every other module needs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from functools import cached_property
from typing import Annotated, Any, Self

import numpy as np
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from staffing.domain.arrays import InstanceArrays
from staffing.domain.enums import (
    Coded,
    Discipline,
    Education,
    Licence,
    Pool,
    TeamRole,
    Tier,
    Title,
)
from staffing.errors import Invalid


def _coded(enum_type: type[Coded]) -> BeforeValidator:
    """A validator reading a coded value from its code or its Chinese label."""
    return BeforeValidator(enum_type.parse)


_TRUE = {"true", "yes", "y", "1", "是", "t", "x", "✓"}
_FALSE = {"false", "no", "n", "0", "否", "f", ""}


def _parse_bool(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return bool(raw)
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise Invalid("not a yes/no value (yes, no, true, false, 1, 0, 是, 否)",
                  "不是“是/否”值（是、否、yes、no、true、false、1、0）",
                  expected="yes or no (是 / 否)", expected_zh="是或否（yes / no）")


def _parse_list(raw: object) -> list[str]:
    if isinstance(raw, (list, tuple)):
        return [str(item).strip() for item in raw if str(item).strip()]
    return [part.strip() for part in str(raw).replace("；", ";").split(";") if part.strip()]


def _parse_disciplines(raw: object) -> list[Discipline]:
    return [Discipline.parse(item) for item in _parse_list(raw)]


def _parse_int(raw: object) -> object:
    """Accept integral floats and strings such as '12.0' that spreadsheets write."""
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str):
        text = raw.strip()
        try:
            value = float(text)
        except ValueError:
            return raw
        if value.is_integer() and "." in text:
            return int(value)
    return raw


# Plausibility bounds: a value beyond them is a typing slip (1e15 places), refused with its cell.
MAX_PLACES = 100_000          # places of one (aggregated) post
MAX_PEOPLE = 1_000_000        # headcounts, contract places and staffing floors
MAX_POPULATION = 10_000_000   # resident population served by one institution
MAX_DISTANCE_KM = 1_000.0     # road distance to the township centre
MAX_MONTHS = 720              # sixty years
MAX_POINTS = 1_000_000.0      # performance points of one person
MAX_TEAMS = 10_000            # family-doctor teams of one centre
MAX_CHOICE_RANK = 1_000
MAX_PANEL_RANK = 1_000_000

Identifier = Annotated[
    str, BeforeValidator(lambda raw: str(raw).strip()), Field(min_length=1, max_length=64)
]
Flag = Annotated[bool, BeforeValidator(_parse_bool)]
Count = Annotated[int, BeforeValidator(_parse_int), Field(ge=0)]
TierField = Annotated[Tier, _coded(Tier)]
TitleField = Annotated[Title, _coded(Title)]
LicenceField = Annotated[Licence, _coded(Licence)]
DisciplineField = Annotated[Discipline, _coded(Discipline)]
EducationField = Annotated[Education, _coded(Education)]
PoolField = Annotated[Pool, _coded(Pool)]
TeamRoleField = Annotated[TeamRole, _coded(TeamRole)]
DisciplineList = Annotated[list[Discipline], BeforeValidator(_parse_disciplines)]
IdList = Annotated[list[str], BeforeValidator(_parse_list)]


def cell_error(column: str, message: str, message_zh: str) -> PydanticCustomError:
    """An error of a whole-row check that belongs to one cell: ``column`` locates it."""
    return PydanticCustomError("row_rule", message, {"column": column, "zh": message_zh})


def cell_at(instance: Instance, table: str, index: int, column: str) -> dict[str, Any]:
    """Where a cell of an instance table was read from, as `staffing.errors.Problem` fields."""
    source, row = instance.locate(table, index)
    return {"source": source, "row": row, "column": column}


def column(zh: str, description: str, default: Any = ..., **constraints: Any) -> Any:
    """A field with its Chinese header and a description for templates."""
    return Field(default, description=description, json_schema_extra={"zh": zh}, **constraints)


class Row(BaseModel):
    """Base of every table row: unknown columns are refused, values are frozen."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, use_enum_values=False, allow_inf_nan=False
    )


class Institution(Row):
    id: Identifier = column("编号", "unique institution id")
    name: str = column("名称", "institution name", "")
    tier: TierField = column("层级", "county, township or village")
    parent: Identifier | None = column(
        "上级机构", "township centre of a village; lead hospital of a township (optional)", None
    )
    population: Count = column(
        "常住人口", "resident population served (required for townships and villages)", None,
        validate_default=True, le=MAX_POPULATION,
    )
    distance_km: float = column(
        "到乡镇距离(公里)", "road distance to the township centre", 0.0, ge=0, le=MAX_DISTANCE_KM
    )
    hardship: int = column(
        "艰苦边远类别", "hardship class 0 (none) to 3 (most remote)", 0, ge=0, le=3
    )
    headcount_county: Count = column("县级编制数", "approved county-pool headcount", 0,
                                     le=MAX_PEOPLE)
    headcount_grassroots: Count = column("基层编制数", "approved grassroots-pool headcount", 0,
                                         le=MAX_PEOPLE)
    contract_places: Count = column("编外用工数", "approved off-establishment contract places", 0,
                                    le=MAX_PEOPLE)
    floor: Count = column("最低配员", "minimum number of staff placed here", 0, le=MAX_PEOPLE)
    fd_teams: Count = column("家庭医生团队数", "family-doctor teams this centre must form", 0,
                             le=MAX_TEAMS)

    @field_validator("population", mode="before")
    @classmethod
    def _population_given(cls, raw: object, info: ValidationInfo) -> object:
        """A blank population is 0 for a county hospital but an error for the grassroots.

        A township's population sets its headcount norm and a village's decides
        whether tours may replace a resident doctor; neither may default silently.
        """
        if raw is not None:
            return raw
        tier = info.data.get("tier")
        if tier is Tier.TOWNSHIP or tier is Tier.VILLAGE:
            raise Invalid(f"the resident population of a {tier.value} is required",
                          f"{tier.zh}机构必须填写常住人口", expected="a whole number",
                          expected_zh="整数")
        return 0


class Post(Row):
    id: Identifier = column("岗位编号", "unique post id")
    institution: Identifier = column("所属机构", "institution id")
    name: str = column("岗位名称", "post name", "")
    discipline: DisciplineField = column("专业", "discipline of the post")
    grade: TitleField = column(
        "岗位等级", "post grade: none (non-professional) to senior", Title.NONE
    )
    places: int = column("岗位数", "number of places", 1, ge=1, le=MAX_PLACES)
    floor: Count = column("最低配员", "places that must be filled", 0)
    licence: LicenceField = column("执业资格要求", "licence required", Licence.NONE)
    min_title: TitleField = column("最低职称", "minimum professional title", Title.NONE)
    team_role: TeamRoleField = column("家庭医生团队角色", "family-doctor team role", TeamRole.NONE)
    accepts: DisciplineList = column("可兼容专业", "other disciplines accepted (; separated)", [])

    @field_validator("floor")
    @classmethod
    def _floor_within_places(cls, floor: int, info: ValidationInfo) -> int:
        places = info.data.get("places")
        if places is not None and floor > places:
            raise Invalid(f"floor {floor} exceeds places {places}",
                          f"最低配员 {floor} 超过岗位数 {places}",
                          expected=f"at most {places}", expected_zh=f"不超过 {places}")
        return floor

    @property
    def is_professional(self) -> bool:
        return self.grade is not Title.NONE


class Staff(Row):
    id: Identifier = column("工号", "unique person id")
    name: str = column("姓名", "name", "")
    discipline: DisciplineField = column("专业", "discipline")
    title: TitleField = column("职称", "professional title", Title.NONE)
    licence: LicenceField = column("执业资格", "licence held", Licence.NONE)
    education: EducationField = column("学历", "highest degree", Education.COLLEGE)
    residency_certificate: Flag = column(
        "住培合格证", "holds a residency-training certificate", False
    )
    pool: PoolField | None = column(
        "编制类别", "headcount pool held (blank: new recruit, decided by the engine)", None
    )
    current_post: Identifier | None = column("现岗位", "current post id (blank if none)", None)
    grassroots_months: Count = column("基层连续工作月数", "continuous months at grassroots", 0,
                                      le=MAX_MONTHS)
    promotion_candidate: Flag = column(
        "拟晋升副高", "candidate for associate senior this cycle", False
    )
    new_recruit: Flag = column("新招录", "recruited this year", False)
    city_dispatched: Flag = column("市级下派", "sent by a city hospital", False)
    dispatch_months: Count = column("下派月数", "length of the city dispatch in months", 0,
                                    le=MAX_MONTHS)
    points: float = column("绩效积分", "performance points", 0.0, ge=0, le=MAX_POINTS)
    hire_year: int | None = column("入职年份", "year hired", None, ge=1950, le=2100)

    @model_validator(mode="after")
    def _pool_rules(self) -> Staff:
        if self.pool is None and not (self.new_recruit or self.city_dispatched):
            raise cell_error(
                "pool", "pool is required for incumbents (blank only for new recruits)",
                "在岗人员必须填写编制类别（仅新招录人员可留空）")
        if self.new_recruit and self.current_post is not None:
            raise cell_error("current_post", "a new recruit has no current post",
                             "新招录人员不应有现岗位")
        return self

    @property
    def is_incumbent(self) -> bool:
        return not self.new_recruit and not self.city_dispatched


class Choice(Row):
    person: Identifier = column("工号", "person id")
    rank: int = column("志愿序号", "1 = first choice", ge=1, le=MAX_CHOICE_RANK)
    post: Identifier = column("岗位编号", "post id")


class PanelRank(Row):
    post: Identifier = column("岗位编号", "post id")
    person: Identifier = column("工号", "applicant id")
    rank: int = column("排名", "1 = best; equal ranks are ties", ge=1, le=MAX_PANEL_RANK)


class Meta(Row):
    name: str = column("名称", "instance name", "")
    year: int = column("年度", "selection year", 2025, ge=1990, le=2100)
    description: str = column("说明", "free text", "")


class Instance(BaseModel):
    """A whole medical community for one selection round."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    meta: Meta = Meta()
    institutions: list[Institution]
    posts: list[Post]
    staff: list[Staff]
    choices: list[Choice] = []
    rankings: list[PanelRank] = []
    extras: dict[str, list[Any]] = Field(
        default_factory=dict, description="optional tables owned by other modules (pay)"
    )
    _locations: dict[str, tuple[str, list[int]]] = PrivateAttr(default_factory=dict)
    _warnings: list[Any] = PrivateAttr(default_factory=list)
    _cache: dict[Any, Any] = PrivateAttr(default_factory=dict)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy with its own, empty caches of derived data (``update`` as in pydantic).

        pydantic's copy would share the derived-data cache with the original and keep its
        cached properties, so a copy with changed tables would answer from the old ones.
        """
        copied = super().model_copy(update=update, deep=deep)
        private = copied.__pydantic_private__
        assert private is not None
        private["_cache"] = {}
        for name in _CACHED_PROPERTIES:
            copied.__dict__.pop(name, None)
        return copied

    def cached(self, key: Any, factory: Any) -> Any:
        """Compute ``factory()`` once per instance and key (derived data only)."""
        private = self.__pydantic_private__  # one dict look-up, not pydantic's __getattr__
        assert private is not None
        cache = private["_cache"]
        if key not in cache:
            cache[key] = factory()
        return cache[key]

    def release_large(self, min_bytes: int) -> int:
        """Drop every cached array of at least ``min_bytes`` (at county scale the dense
        person x post masks), to be rebuilt on demand; return the bytes released. A solver
        holds its own copy of what it was given, so releasing them lowers its peak."""
        private = self.__pydantic_private__
        assert private is not None
        cache = private["_cache"]
        large = [key for key, value in cache.items()
                 if isinstance(value, np.ndarray) and value.nbytes >= min_bytes]
        return sum(cache.pop(key).nbytes for key in large)

    @property
    def warnings(self) -> list[Any]:
        """Non-fatal problems noted while loading (`staffing.errors.Problem`)."""
        return self._warnings

    def locate(self, table: str, index: int) -> tuple[str, int]:
        """Source (file or sheet) and spreadsheet row of the ``index``-th row of ``table``."""
        source, rows = self._locations.get(table, (f"{table}.csv", []))
        return source, rows[index] if index < len(rows) else index + 2

    def with_locations(self, locations: dict[str, tuple[str, list[int]]]) -> Instance:
        self._locations = dict(locations)
        return self

    @cached_property
    def institution_by_id(self) -> dict[str, Institution]:
        return {inst.id: inst for inst in self.institutions}

    @cached_property
    def post_by_id(self) -> dict[str, Post]:
        return {post.id: post for post in self.posts}

    @cached_property
    def person_by_id(self) -> dict[str, Staff]:
        return {person.id: person for person in self.staff}

    @cached_property
    def choices_of(self) -> dict[str, list[str]]:
        """Each person's chosen post ids, best first."""
        ranked: dict[str, list[Choice]] = defaultdict(list)
        for choice in self.choices:
            ranked[choice.person].append(choice)
        return {
            person: [c.post for c in sorted(items, key=lambda c: c.rank)]
            for person, items in ranked.items()
        }

    @cached_property
    def panel_rank(self) -> dict[tuple[str, str], int]:
        """(post, person) -> panel rank, for explicitly ranked applicants."""
        return {(r.post, r.person): r.rank for r in self.rankings}

    @cached_property
    def ranked_posts(self) -> frozenset[str]:
        return frozenset(r.post for r in self.rankings)

    def tier_of_post(self, post_id: str) -> Tier:
        return self.institution_by_id[self.post_by_id[post_id].institution].tier

    def institution_of_post(self, post_id: str) -> Institution:
        return self.institution_by_id[self.post_by_id[post_id].institution]

    @cached_property
    def posts_of_institution(self) -> dict[str, list[Post]]:
        grouped: dict[str, list[Post]] = defaultdict(list)
        for post in self.posts:
            grouped[post.institution].append(post)
        return dict(grouped)

    @cached_property
    def villages_of(self) -> dict[str, list[Institution]]:
        """Township id -> its villages."""
        grouped: dict[str, list[Institution]] = defaultdict(list)
        for inst in self.institutions:
            if inst.tier is Tier.VILLAGE and inst.parent:
                grouped[inst.parent].append(inst)
        return dict(grouped)

    def township_of(self, institution_id: str) -> str | None:
        """The township centre an institution belongs to (itself for a township)."""
        inst = self.institution_by_id[institution_id]
        if inst.tier is Tier.TOWNSHIP:
            return inst.id
        if inst.tier is Tier.VILLAGE:
            return inst.parent
        return None

    @cached_property
    def population(self) -> int:
        """Resident population of the community: the sum over township centres."""
        return sum(i.population for i in self.institutions if i.tier is Tier.TOWNSHIP)

    @cached_property
    def applicants_of(self) -> dict[str, list[str]]:
        """Post id -> people who chose it, in input order."""
        grouped: dict[str, list[str]] = defaultdict(list)
        for choice in self.choices:
            grouped[choice.post].append(choice.person)
        return dict(grouped)

    def applied(self, person_id: str) -> bool:
        return person_id in self.choices_of

    @cached_property
    def arrays(self) -> InstanceArrays:
        """Integer-coded columns, for vectorised rules and model building."""
        return InstanceArrays.of(self)


_CACHED_PROPERTIES = tuple(name for name, value in vars(Instance).items()
                           if isinstance(value, cached_property))
