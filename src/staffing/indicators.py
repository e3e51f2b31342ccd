"""The planners' indicators of a roster, with the public targets beside them.

Targets are Guangdong's 2022 goals and Chongqing's 2021 share of the domain
brief; population is the sum of the township centres' resident populations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from staffing.domain.enums import Discipline, Education, Pool, Tier, Title
from staffing.domain.instance import Instance
from staffing.domain.ranking import choice_order
from staffing.domain.roster import Roster


@dataclass(frozen=True)
class Indicator:
    """One indicator of a roster: its labels, value, public target and unit."""

    key: str
    label_en: str
    label_zh: str
    value: float | None
    target: str = ""
    unit: str = ""

    def text(self) -> str:
        """The value as shown in reports (a percentage, a ratio or a number; n/a if none)."""
        if self.value is None:
            return "n/a"
        if self.unit == "%":
            return f"{self.value:.1%}"
        if self.unit == "ratio":
            return f"1 : {self.value:.2f}"
        return f"{self.value:.2f}" if isinstance(self.value, float) else str(self.value)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def indicators(instance: Instance, roster: Roster,
               post_index: np.ndarray | None = None) -> list[Indicator]:
    """Fill rates, village coverage, GP and staff density, doctor:nurse, title and degree shares
    (``post_index``: each person's post index on the roster, -1 none, when the caller has it)."""
    people = instance.person_by_id
    placed = {a.person: a.post for a in roster.assignments if a.post is not None}
    tier = {p: instance.tier_of_post(post) for p, post in placed.items()}
    out: list[Indicator] = []
    for t in Tier:
        places = sum(p.places for p in instance.posts if instance.tier_of_post(p.id) is t)
        filled = sum(1 for x in tier.values() if x is t)
        out.append(Indicator(f"fill_{t.value}", f"fill rate, {t.value} tier", f"{t.zh}岗位填充率",
                             _share(filled, places), unit="%"))
    out.extend(_villages(instance, roster, placed))
    population = instance.population
    gps = sum(1 for p in placed if people[p].discipline is Discipline.GENERAL_PRACTICE
              and people[p].licence.is_physician)
    grassroots = [p for p in placed if tier[p].is_grassroots]
    out.append(Indicator("gp_per_10k", "GPs per 10,000 population", "每万人口全科医生数",
                         gps / population * 10_000 if population else None, "2.1 -> 3"))
    out.append(Indicator("grassroots_per_1k", "grassroots health staff per 1,000 population",
                         "每千人口基层卫生人员数",
                         len(grassroots) / population * 1000 if population else None,
                         "2.62 -> 3.5"))
    doctors = sum(1 for p in placed if people[p].licence.is_physician)
    nurses = sum(1 for p in placed if people[p].licence.value == "nurse")
    out.append(Indicator("doctor_nurse", "doctor : nurse", "医护比",
                         nurses / doctors if doctors else None, "1 : 1.14 -> 1 : 1.25", "ratio"))
    physicians = [p for p in grassroots if people[p].licence.is_physician]
    for key, en, zh, test, target in (
        ("college_share", "grassroots physicians with college degree or above",
         "基层医师大专及以上占比", lambda s: s.education.level >= Education.COLLEGE.level, "80%"),
        ("bachelor_share", "grassroots physicians with bachelor or above", "基层医师本科及以上占比",
         lambda s: s.education.level >= Education.BACHELOR.level, "40%"),
        ("intermediate_share", "grassroots physicians with intermediate title or above",
         "基层医师中级及以上职称占比", lambda s: s.title.level >= Title.INTERMEDIATE.level, "35%"),
        ("senior_share", "grassroots physicians with senior title", "基层医师高级职称占比",
         lambda s: s.title.is_senior, "15%"),
    ):
        out.append(Indicator(key, en, zh,
                             _share(sum(1 for p in physicians if test(people[p])), len(physicians)),
                             target, "%"))
    recruits = [p for p in placed if people[p].new_recruit and people[p].licence.is_physician]
    county_township = sum(
        1 for p in recruits if roster.pool_of(p) is Pool.COUNTY and tier[p] is Tier.TOWNSHIP
    )
    out.append(Indicator("county_hired_township_used", "new physician recruits county-hired, "
                         "township-used", "新招录医师县聘乡用占比",
                         _share(county_township, len(recruits)), ">= 80%", "%"))
    out.extend(_choices(instance, roster, post_index))
    return out


def _villages(instance: Instance, roster: Roster, placed: dict[str, str]) -> list[Indicator]:
    villages = [i.id for i in instance.institutions if i.tier is Tier.VILLAGE]
    resident = {
        instance.post_by_id[post].institution
        for p, post in placed.items()
        if instance.person_by_id[p].licence.covers_village
    }
    by_staff = sum(1 for v in villages if v in resident)
    by_tour = sum(1 for v in villages if v not in resident and v in roster.tours)
    return [
        Indicator("villages", "village clinics", "村卫生室数", len(villages)),
        Indicator("villages_staffed", "villages with a resident licensed doctor", "有执业医生的村",
                  by_staff),
        Indicator("villages_toured", "villages covered by a township tour doctor", "巡诊覆盖的村",
                  by_tour),
        Indicator("villages_uncovered", "villages not covered", "未覆盖的村",
                  len(villages) - by_staff - by_tour, "0"),
    ]


def _choices(instance: Instance, roster: Roster,
             post_index: np.ndarray | None) -> list[Indicator]:
    person, post, position = choice_order(instance)
    if post_index is None:
        post_index = _post_index(instance, roster)
    got = post_index[person] == post
    applicants = len(np.unique(person))
    first = int((got & (position == 1)).sum())
    any_choice = len(np.unique(person[got]))
    return [
        Indicator("first_choice_share", "applicants given their first choice", "获第一志愿比例",
                  _share(first, applicants), unit="%"),
        Indicator("any_choice_share", "applicants given one of their choices", "获任一志愿比例",
                  _share(any_choice, applicants), unit="%"),
    ]


def _post_index(instance: Instance, roster: Roster) -> np.ndarray:
    """Each person's post index on the roster (-1 none)."""
    a = instance.arrays
    return np.asarray([a.post_index.get(roster.post_of(p) or "", -1) for p in a.person_ids],
                      dtype=np.int64)
