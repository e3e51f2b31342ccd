"""Planning tables for any instance, calibrated to the public policy figures.

`plan_tables(instance, seed, years)` draws, for an instance as it stands
(everyone at their current post):

- **promotion candidates**: county staff of intermediate title with a
  professional licence and no grassroots year; each aims at associate senior
  with probability 8% per plan year (local assumption: about a fifth of
  intermediate staff reach the years in title within five years, and not all
  apply at once), at a target year (70%) or from an eligible year (30%) within
  the plan or the year after; 15% of them already have their months. The staff
  table's own promotion candidates without a grassroots year must go this year;
- **grassroots needs**: for most candidates, a township post of their
  discipline they may hold, with free places, in a year that is on time for
  them (the places kept for this year's candidates first); about one
  candidate in ten finds no such need (competition, so some are reported
  late with the reason); plus village-coverage needs at a tenth of the
  township physician posts each year, covered by other county staff;
- **resident teams** [Guangdong]: one team of 1 leader + 4 members per 600
  staff each year, at a township centre, required;
- **department limits**: half the lead hospital's departments of 10 or more
  have a limit of a tenth of their staff (at least 1); the others fall under
  the policy's share;
- **exclusions** for 4% of the pool (maternity or study for a year, illness,
  family, key posts for every year), **wishes** for 30% of the candidates (the
  year and place planned for them, or a year), and a **previous rotation**
  ended in the last 3 years for 8% of the other county staff.

Everything is drawn from ``numpy.random.default_rng(seed)``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from staffing.domain.arrays import LICENCES, TIERS, requirement_matrix
from staffing.domain.enums import Licence, Tier, Title
from staffing.domain.instance import Instance
from staffing.planning.tables import (
    ExclusionReason,
    PlanDepartment,
    PlanExclusion,
    PlanNeed,
    PlanPerson,
    PlanPreference,
    PlanTeam,
)

CANDIDATE_RATE = 0.08   # share of intermediate county professionals aiming at promotion, per year
DONE_SHARE = 0.15       # candidates who already have their grassroots year
UNMATCHED_SHARE = 0.10  # candidates for whom no grassroots need is drawn
VILLAGE_NEED_SHARE = 0.10
STAFF_PER_TEAM = 600
EXCLUDED_SHARE = 0.04
WISH_SHARE = 0.30
RETURNED_SHARE = 0.08
REASONS = [ExclusionReason.MATERNITY, ExclusionReason.STUDY, ExclusionReason.ILLNESS,
           ExclusionReason.FAMILY, ExclusionReason.KEY_POST]
REASON_P = [0.35, 0.25, 0.15, 0.10, 0.15]


def plan_tables(instance: Instance, seed: int, years: int = 3) -> dict[str, list[Any]]:
    """The planning tables of ``instance`` for a plan of ``years`` years from its year on."""
    rng = np.random.default_rng(seed)
    a = instance.arrays
    start = instance.meta.year
    tier = np.where(a.current_post >= 0, a.post_tier[np.maximum(a.current_post, 0)], -1)
    county = tier == TIERS.index(Tier.COUNTY)
    pool = county & (a.licence != LICENCES.index(Licence.NONE)) & a.incumbent
    eligible = requirement_matrix(a)  # discipline, licence and title a post requires
    township_posts = np.flatnonzero(a.post_tier == TIERS.index(Tier.TOWNSHIP))
    free = a.places - np.bincount(a.current_post[a.current_post >= 0], minlength=len(a.places))
    need: dict[tuple[int, int], int] = defaultdict(int)
    staff_rows: list[PlanPerson] = []
    wishes: list[PlanPreference] = []

    bound = np.flatnonzero(a.promotion & (a.months < 12) & county)
    for i in bound:  # this year's candidates: the places kept for them
        options = township_posts[eligible[i, township_posts] & (free[township_posts] > 0)]
        if len(options):
            need[(int(rng.choice(options)), 0)] += 1

    intermediate = pool & (a.title == Title.INTERMEDIATE.level) & (a.months < 12) & ~a.promotion
    drawn = np.flatnonzero(intermediate & (rng.random(len(a.person_ids))
                                           < min(0.6, CANDIDATE_RATE * years)))
    for i in drawn:
        deadline = start + 1 + int(rng.integers(0, years + 1))
        done = rng.random() < DONE_SHARE
        months = int(rng.integers(12, 37)) if done else None
        by_target = rng.random() < 0.7
        staff_rows.append(PlanPerson(
            person=a.person_ids[i], target_year=deadline if by_target else None,
            eligible_from=None if by_target else deadline, months_served=months))
        if done or rng.random() < UNMATCHED_SHARE or deadline - 1 > start + years - 1:
            continue
        options = township_posts[eligible[i, township_posts]]
        if not len(options):
            continue
        t = int(rng.integers(0, min(deadline - start, years)))
        if t == 0:
            options = options[free[options] > 0]
            if not len(options):
                continue
        j = int(rng.choice(options))
        need[(j, t)] += 1
        if rng.random() < WISH_SHARE:
            wishes.append(PlanPreference(person=a.person_ids[i], rank=1, year=start + t,
                                         site=a.post_ids[j]))
            wishes.append(PlanPreference(person=a.person_ids[i], rank=2, year=start + t))

    physician_posts = township_posts[np.isin(a.post_licence[township_posts], [
        LICENCES.index(Licence.PHYSICIAN), LICENCES.index(Licence.ASSISTANT_PHYSICIAN)])]
    for t in range(years):
        for j in physician_posts[rng.random(len(physician_posts)) < VILLAGE_NEED_SHARE]:
            need[(int(j), t)] += 1

    listed = {r.person for r in staff_rows}
    others = np.flatnonzero(pool & ~np.isin(a.person_ids, list(listed)))
    for i in others[rng.random(len(others)) < RETURNED_SHARE]:
        staff_rows.append(PlanPerson(person=a.person_ids[i],
                                     returned_year=start - 1 - int(rng.integers(0, 3))))
    return {
        "plan_staff": sorted(staff_rows, key=lambda r: a.person_index[r.person]),
        "plan_departments": _departments(instance, county, rng),
        "plan_needs": _needs(instance, need, free, start),
        "plan_teams": _teams(instance, rng, start, years),
        "plan_exclusions": _exclusions(instance, np.flatnonzero(pool), rng, start, years),
        "plan_preferences": wishes,
    }


def with_plan_tables(instance: Instance, seed: int, years: int = 3) -> Instance:
    """A copy of ``instance`` carrying `plan_tables` instead of any it had (others unchanged)."""
    tables = plan_tables(instance, seed, years)
    kept = {k: v for k, v in instance.extras.items() if k not in tables}
    return instance.model_copy(update={"extras": {**kept, **{k: v for k, v in tables.items()
                                                             if v}}})


def _needs(instance: Instance, need: dict[tuple[int, int], int], free: np.ndarray,
           start: int) -> list[PlanNeed]:
    """Needs by post and year, within the post's places (this year: its free places)."""
    out = []
    for (j, t), count in sorted(need.items(), key=lambda item: (item[0][1], item[0][0])):
        post = instance.posts[j]
        cap = int(free[j]) if t == 0 else post.places
        if min(count, cap) > 0:
            out.append(PlanNeed(post=post.id, year=start + t, need=min(count, cap)))
    return out


def _teams(instance: Instance, rng: np.random.Generator, start: int,
           years: int) -> list[PlanTeam]:
    towns = [i.id for i in instance.institutions if i.tier is Tier.TOWNSHIP]
    count = max(1, round(len(instance.staff) / STAFF_PER_TEAM)) if towns else 0
    out = []
    for t in range(years):
        for k, town in enumerate(rng.choice(towns, size=min(count, len(towns)), replace=False)
                                 if count else []):
            out.append(PlanTeam(team=f"RT{start + t}-{k + 1:02d}", institution=str(town),
                                year=start + t, required=True))
    return out


def _departments(instance: Instance, county: np.ndarray,
                 rng: np.random.Generator) -> list[PlanDepartment]:
    a = instance.arrays
    lead = next((i.id for i in instance.institutions if i.tier is Tier.COUNTY), None)
    sizes: dict[Any, int] = defaultdict(int)
    for i in np.flatnonzero(county):
        post = instance.posts[a.current_post[i]]
        if post.institution == lead:
            sizes[post.discipline] += 1
    out = []
    for discipline, size in sorted(sizes.items(), key=lambda item: item[0].value):
        if size >= 10 and rng.random() < 0.5:
            out.append(PlanDepartment(institution=str(lead), discipline=discipline,
                                      max_absent=max(1, size // 10)))
    return out


def _exclusions(instance: Instance, pool: np.ndarray, rng: np.random.Generator, start: int,
                years: int) -> list[PlanExclusion]:
    out = []
    for i in pool[rng.random(len(pool)) < EXCLUDED_SHARE]:
        reason = REASONS[int(rng.choice(len(REASONS), p=REASON_P))]
        every_year = reason in (ExclusionReason.KEY_POST, ExclusionReason.FAMILY)
        year = None if every_year else start + int(rng.integers(0, years))
        out.append(PlanExclusion(person=instance.arrays.person_ids[i], year=year, reason=reason))
    return out
