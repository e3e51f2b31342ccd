"""What a rotation plan works on, derived from the instance and the plan settings alone.

`PlanFacts.build` reads the planning tables (`staffing.planning.tables`) and the
staff table and fixes, once, everything the plan rules, the model and the
checker share:

- the **years** of the plan: the selection year and the ones after it;
- the **rotation pool**: county-tier staff with a professional licence (or only
  the people listed in ``plan_staff``), each in a **department** (the
  institution and discipline of their current post);
- each **promotion candidate**'s deadline: the target promotion year (or the
  first year they may apply); a grassroots year must be complete before it.
  A promotion candidate of the staff table without a planning row must go this
  year. Candidates who already have their months are *done*, those already at
  grassroots are *continuing*;
- the **places**: grassroots posts with their needs by year and resident teams
  with the years they are stationed, each with its roles;
- each **option**: a start year and a place-and-role one group of
  interchangeable people could take (`options`).

A rotation starting in year y occupies ``span`` consecutive plan years (the
rotation length rounded up to whole years: rotations start at the annual
selection) and completes at the end of its last year, so it is on time for a
deadline T when its last year is before T.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from staffing.domain.arrays import LICENCES, TIERS
from staffing.domain.enums import Discipline, Licence, Tier, Title
from staffing.domain.instance import Instance
from staffing.planning.tables import (
    DEPARTMENTS_TABLE,
    EXCLUSIONS_TABLE,
    NEEDS_TABLE,
    PREFERENCES_TABLE,
    STAFF_TABLE,
    TEAMS_TABLE,
    PlanExclusion,
    PlanPreference,
    PlanRole,
    rows,
)

ROLES = list(PlanRole)
NONE = -1
PROFESSIONAL: list[Licence] = [lic for lic in Licence if lic is not Licence.NONE]


class TeamShape(BaseModel):
    """What a resident team is: its leader and members and who may take each role."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    leaders: int = Field(1, ge=0, le=10)
    members: int = Field(4, ge=0, le=50)
    leader_min_title: Title = Title.INTERMEDIATE
    leader_licences: list[Licence] = Field(
        default_factory=lambda: [Licence.PHYSICIAN], min_length=1)
    member_licences: list[Licence] = Field(
        default_factory=lambda: list(PROFESSIONAL), min_length=1)

    @property
    def size(self) -> int:
        return self.leaders + self.members

    def needed(self, role: PlanRole) -> int:
        """People of one role a formed team has."""
        return self.leaders if role is PlanRole.LEADER else self.members


@dataclass(frozen=True)
class Horizon:
    """The years of a plan and the length of one rotation."""

    start: int               # first year of the plan: the selection year
    years: int               # how many years the plan covers
    rotation_months: int = 12
    required_months: int = 12  # continuous grassroots months a promotion needs

    @property
    def span(self) -> int:
        """Plan years one rotation occupies (rotations start at the annual selection)."""
        return max(1, math.ceil(self.rotation_months / 12))

    @property
    def year_list(self) -> list[int]:
        return list(range(self.start, self.start + self.years))

    @property
    def last(self) -> int:
        return self.start + self.years - 1

    def label(self) -> str:
        return f"{self.start}-{self.last}" if self.years > 1 else str(self.start)


@dataclass(frozen=True)
class Department:
    """A county department: the institution and discipline of its posts."""

    institution: str
    discipline: Discipline
    size: int                 # people whose current post is in it
    limit: int | None         # most people away in one year (None: no limit)
    row: int | None = None    # index of its plan_departments row, if any

    @property
    def id(self) -> str:
        return f"{self.institution}-{self.discipline.value}"


@dataclass(frozen=True)
class Site:
    """A place people rotate to: a grassroots post or a resident team."""

    id: str
    kind: Literal["post", "team"]
    institution: str
    need: tuple[int, ...]      # per plan year: rotating people needed (teams: size if required)
    places: tuple[int, ...]    # per plan year: most rotating people taken (teams: size if open)
    required: tuple[bool, ...] = ()  # teams: must be formed that year

    def roles(self) -> list[PlanRole]:
        return [PlanRole.POST] if self.kind == "post" else [PlanRole.LEADER, PlanRole.MEMBER]

    def is_open(self, t: int) -> bool:
        return self.places[t] > 0


@dataclass(frozen=True)
class Options:
    """Every (group, place-and-role, start year) a rotation could take, as parallel arrays.

    ``slot`` indexes `PlanFacts.slots` (a site with one of its roles); ``start``
    and ``end`` are plan-year offsets (``end`` may lie beyond the plan).
    """

    group: np.ndarray
    slot: np.ndarray
    start: np.ndarray
    end: np.ndarray

    def __len__(self) -> int:
        return len(self.group)

    def subset(self, keep: np.ndarray) -> Options:
        return Options(self.group[keep], self.slot[keep], self.start[keep], self.end[keep])

    def covers(self, t: int) -> np.ndarray:
        """Options whose person is away during plan year offset ``t``."""
        return (self.start <= t) & (t <= self.end)


@dataclass(frozen=True)
class PlanSpace:
    """The pool in groups of interchangeable people, and every option of every group.

    ``groups[g]`` lists the group's members in staff order; ``first[g]`` is its first
    member, whom the rules look at for the whole group.
    """

    groups: list[list[int]]
    options: Options

    @cached_property
    def first(self) -> np.ndarray:
        return np.array([g[0] for g in self.groups], dtype=np.int64)

    @cached_property
    def size(self) -> np.ndarray:
        return np.array([len(g) for g in self.groups], dtype=np.int64)

    @cached_property
    def person(self) -> np.ndarray:
        """The first member of each option's group."""
        return self.first[self.options.group] if len(self.options) else np.zeros(0, np.int64)

    def subset(self, keep: np.ndarray) -> PlanSpace:
        return PlanSpace(self.groups, self.options.subset(keep))


@dataclass
class PlanFacts:
    """Everything about one instance and horizon that plan rules, model and checker share."""

    instance: Instance
    horizon: Horizon
    team: TeamShape
    pool_mode: str
    department_share: float | None
    admissible: np.ndarray  # people x posts the allocation policy's hard pair rules allow
    # per person of instance.staff
    in_pool: np.ndarray
    department: np.ndarray
    deadline: np.ndarray
    months: np.ndarray
    returned: np.ndarray
    at_grassroots: np.ndarray
    departments: list[Department]
    sites: list[Site]
    slots: list[tuple[int, PlanRole]]  # (site index, role)
    exclusions: dict[str, list[tuple[int, PlanExclusion]]] = field(default_factory=dict)
    preferences: dict[str, list[PlanPreference]] = field(default_factory=dict)

    # -- building ------------------------------------------------------------------------------

    @classmethod
    def build(cls, instance: Instance, horizon: Horizon, admissible: np.ndarray, *,
              team: TeamShape | None = None, pool: str = "county_professionals",
              department_share: float | None = None) -> PlanFacts:
        """The facts of ``instance`` over ``horizon`` (the planning tables validated already).

        ``admissible`` is people x posts: the pairs the allocation policy's hard rules allow
        outright (a rotation to a post is a placement there).
        """
        a = instance.arrays
        n = len(a.person_ids)
        listed = {r.person: r for r in rows(instance, STAFF_TABLE)}
        tier = np.where(a.current_post >= 0, a.post_tier[np.maximum(a.current_post, 0)], NONE)
        county = tier == TIERS.index(Tier.COUNTY)
        grassroots = (tier >= 0) & ~county
        deadline = np.full(n, NONE, dtype=np.int64)
        months = a.months.copy()
        returned = np.full(n, NONE, dtype=np.int64)
        flagged = a.promotion & (a.months < horizon.required_months)
        deadline[flagged] = horizon.start + horizon.span
        is_listed = np.zeros(n, dtype=bool)
        for person_id, row in listed.items():
            i = a.person_index.get(person_id)
            if i is None:
                continue
            is_listed[i] = True
            if row.deadline is not None:
                deadline[i] = row.deadline
            if row.months_served is not None:
                months[i] = row.months_served
            if row.returned_year is not None:
                returned[i] = row.returned_year
        professional = a.licence != LICENCES.index(Licence.NONE)
        if pool == "listed":
            in_pool = is_listed & ~grassroots & a.incumbent
        else:
            in_pool = (county & professional & a.incumbent) | (is_listed & ~grassroots
                                                                & a.incumbent)
        departments, department = _departments(instance, county, department_share)
        sites = _sites(instance, horizon, team or TeamShape())
        slots = [(k, role) for k, site in enumerate(sites) for role in site.roles()]
        exclusions: dict[str, list[tuple[int, PlanExclusion]]] = defaultdict(list)
        for index, row in enumerate(rows(instance, EXCLUSIONS_TABLE)):
            exclusions[row.person].append((index, row))
        preferences: dict[str, list[PlanPreference]] = defaultdict(list)
        for row in rows(instance, PREFERENCES_TABLE):
            preferences[row.person].append(row)
        return cls(instance, horizon, team or TeamShape(), pool, department_share,
                   admissible, in_pool,
                   department, deadline, months, returned, grassroots, departments, sites,
                   slots, dict(exclusions), dict(preferences))

    # -- people --------------------------------------------------------------------------------

    @cached_property
    def needs_year(self) -> np.ndarray:
        """People with a deadline who lack the required months (whether or not they can rotate)."""
        return (self.deadline != NONE) & (self.months < self.horizon.required_months)

    @cached_property
    def candidate(self) -> np.ndarray:
        """Promotion candidates the plan must send: in the pool and lacking the months."""
        return self.needs_year & self.in_pool

    @cached_property
    def done(self) -> np.ndarray:
        """People with a deadline who already have the required months."""
        return (self.deadline != NONE) & ~self.needs_year

    @cached_property
    def continuing(self) -> np.ndarray:
        """Candidates already at grassroots: they complete their months where they are."""
        return self.needs_year & self.at_grassroots

    @cached_property
    def latest_start(self) -> np.ndarray:
        """Latest plan-year offset a candidate's rotation may start in and be on time."""
        return self.deadline - self.horizon.span - self.horizon.start

    @cached_property
    def due(self) -> np.ndarray:
        """Candidates whose last on-time start lies within the plan (or already passed)."""
        return self.candidate & (self.latest_start <= self.horizon.years - 1)

    def late_years(self, person: int, end: int) -> int:
        """Years after the deadline a rotation ending at plan offset ``end`` completes."""
        return max(0, int(self.horizon.start + end + 1 - self.deadline[person]))

    def unserved_late_years(self, person: int) -> int:
        """Lateness of a due candidate the plan does not send: as if sent the year after it."""
        return self.late_years(person, self.horizon.years - 1 + self.horizon.span)

    def continuing_end(self, person: int) -> int:
        """Last year a continuing candidate needs at grassroots to complete the months."""
        left = max(0, self.horizon.required_months - int(self.months[person]))
        return self.horizon.start + max(1, math.ceil(left / 12)) - 1

    @cached_property
    def person_ids(self) -> list[str]:
        return self.instance.arrays.person_ids

    @cached_property
    def site_index(self) -> dict[str, int]:
        return {site.id: k for k, site in enumerate(self.sites)}

    @cached_property
    def slot_index(self) -> dict[tuple[int, PlanRole], int]:
        return {slot: s for s, slot in enumerate(self.slots)}

    def year_offset(self, year: int) -> int:
        return year - self.horizon.start

    # -- qualification -------------------------------------------------------------------------

    @cached_property
    def slot_qualified(self) -> np.ndarray:
        """people x slots: who may take each place-and-role, given the posts they may hold.

        A post place needs the post itself to be admissible; a team role needs an
        admissible post at the team's institution, and the role's licence (and, to lead,
        the title).
        """
        a = self.instance.arrays
        admissible = self.admissible
        out = np.zeros((len(a.person_ids), len(self.slots)), dtype=bool)
        at_institution: dict[str, np.ndarray] = {}
        for s, (k, role) in enumerate(self.slots):
            site = self.sites[k]
            if role is PlanRole.POST:
                out[:, s] = admissible[:, a.post_index[site.id]]
                continue
            if site.institution not in at_institution:
                posts = [a.post_index[p.id]
                         for p in self.instance.posts_of_institution.get(site.institution, [])]
                at_institution[site.institution] = np.asarray(
                    admissible[:, posts].any(axis=1) if posts
                    else np.zeros(len(a.person_ids), dtype=bool))
            licences = self.team.leader_licences if role is PlanRole.LEADER \
                else self.team.member_licences
            ok = at_institution[site.institution] & np.isin(
                a.licence, [LICENCES.index(x) for x in licences])
            if role is PlanRole.LEADER:
                ok &= a.title >= self.team.leader_min_title.level
            out[:, s] = ok
        return out

    # -- groups of interchangeable people ------------------------------------------------------

    def space(self, qualified: np.ndarray, *, grouped: bool = True) -> PlanSpace:
        """The pool's groups and every start year and qualified slot of each group.

        People with a planning fact of their own (a deadline, a planning row, an exclusion,
        a wish) are a group of one; the others are grouped by department and the places
        they qualify for, which is all any plan rule or stage knows of them. Without
        ``grouped`` everyone is a group of one. A rotation started at offset ``start`` ends
        at ``start + span - 1``, in the plan or after it.
        """
        a = self.instance.arrays
        own = {r.person for r in rows(self.instance, STAFF_TABLE)} | set(self.exclusions) | set(
            self.preferences)
        by_key: dict[Any, list[int]] = {}
        groups: list[list[int]] = []
        for i in np.flatnonzero(self.in_pool):
            if not grouped or self.deadline[i] != NONE or a.person_ids[i] in own:
                groups.append([int(i)])
                continue
            key = (int(self.department[i]), qualified[i].tobytes())
            if key not in by_key:
                by_key[key] = []
                groups.append(by_key[key])
            by_key[key].append(int(i))
        first = np.array([g[0] for g in groups], dtype=np.int64)
        g_idx, s_idx = np.nonzero(qualified[first]) if len(first) else (
            np.zeros(0, np.int64), np.zeros(0, np.int64))
        years, span = self.horizon.years, self.horizon.span
        start = np.tile(np.arange(years, dtype=np.int64), len(g_idx))
        options = Options(np.repeat(g_idx, years).astype(np.int64),
                          np.repeat(s_idx, years).astype(np.int64), start, start + span - 1)
        return PlanSpace(groups, options)

    @cached_property
    def slot_site(self) -> np.ndarray:
        return np.array([k for k, _role in self.slots], dtype=np.int64)

    @cached_property
    def slot_role(self) -> np.ndarray:
        return np.array([ROLES.index(role) for _k, role in self.slots], dtype=np.int64)

    def site_label(self, k: int) -> str:
        site = self.sites[k]
        return f"{site.id} ({site.institution})" if site.kind == "post" else \
            f"team {site.id} at {site.institution}"


def _departments(instance: Instance, county: np.ndarray,
                 share: float | None) -> tuple[list[Department], np.ndarray]:
    """County departments (institution x discipline of current posts) and each person's one."""
    a = instance.arrays
    limits = {(r.institution, r.discipline): (index, r.max_absent)
              for index, r in enumerate(rows(instance, DEPARTMENTS_TABLE))}
    keys: dict[tuple[str, Discipline], int] = {}
    members: list[int] = []
    department = np.full(len(a.person_ids), NONE, dtype=np.int64)
    for i in np.flatnonzero(county):
        post = instance.posts[a.current_post[i]]
        key = (post.institution, post.discipline)
        if key not in keys:
            keys[key] = len(keys)
            members.append(0)
        department[i] = keys[key]
        members[keys[key]] += 1
    departments = []
    for (institution, discipline), d in keys.items():
        row, limit = limits.get((institution, discipline), (None, None))
        if limit is None and share is not None:
            limit = math.ceil(share * members[d])
        departments.append(Department(institution, discipline, members[d], limit, row))
    return departments, department


def _sites(instance: Instance, horizon: Horizon, team: TeamShape) -> list[Site]:
    """Grassroots posts with needs (in table order) and resident teams, over the plan years."""
    years = horizon.years
    posts: dict[str, tuple[list[int], list[int]]] = {}
    for row in rows(instance, NEEDS_TABLE):
        t = row.year - horizon.start
        need, places = posts.setdefault(row.post, ([0] * years, [0] * years))
        if 0 <= t < years:
            need[t] += row.need
            places[t] += row.places
    sites = [Site(post, "post", instance.post_by_id[post].institution, tuple(need), tuple(places))
             for post, (need, places) in posts.items()]
    teams: dict[str, tuple[str, list[bool], list[bool]]] = {}
    for row in rows(instance, TEAMS_TABLE):
        t = row.year - horizon.start
        _inst, open_, required = teams.setdefault(row.team, (row.institution, [False] * years,
                                                             [False] * years))
        if 0 <= t < years:
            open_[t] = True
            required[t] = row.required
    for team_id, (institution, open_, required) in teams.items():
        sites.append(Site(team_id, "team", institution,
                          tuple(team.size if r else 0 for r in required),
                          tuple(team.size if o else 0 for o in open_), tuple(required)))
    return sites
