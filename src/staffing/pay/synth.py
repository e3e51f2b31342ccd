"""Pay tables for any instance: grade and seniority tables, per-person pay facts, fund sizes.

`pay_tables(instance, seed)` gives the four pay tables of `staffing.pay.tables`
for an instance as it stands (everyone at their current post), calibrated to
the public policy figures in the policy models and to public pay scales:

- post wages by grade and seniority bands of the national public-institution
  scale (yearly figures, rounded);
- family-doctor teams: each centre's residents signed at about 58% [Luohu],
  shared among the team posts of the centre and its villages;
- separately set pay: an annual salary for the head of the lead hospital
  and talent pay for about 4% of county senior staff, 300,000-400,000 yuan
  [Luohu lead-recruitment salaries];
- funds: a performance-pay total of about 60,000 yuan a head in the pool, an
  insurance surplus of 4% of it, and subsidy funds sized to what the current
  roster is entitled to, with 10% to spare for moves.

Everything is drawn from ``numpy.random.default_rng(seed)``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from staffing.domain.enums import Discipline, Education, TeamRole, Tier
from staffing.domain.instance import Instance
from staffing.pay.codes import Fund, SeparateKind
from staffing.pay.money import Yuan, instalments
from staffing.pay.tables import PayFund, PayPerson, PaySeniority, default_grades

PERFORMANCE_PER_HEAD = 60_000  # yuan a year
SURPLUS_SHARE = 0.04
SIGNED_SHARE = 0.58  # [Luohu] 58% of residents signed
PER_RESIDENT = 120  # [Luohu]
GRADUATE_TOTALS = {Education.BACHELOR: 250_000, Education.MASTER: 300_000,
                   Education.DOCTORATE: 350_000}  # [Luohu], over 5 years
SENIORITY_BANDS = [(0, 3_600), (3, 5_400), (6, 7_800), (10, 10_800), (15, 14_400),
                   (20, 18_000), (30, 22_800)]


def pay_tables(instance: Instance, seed: int) -> dict[str, list[Any]]:
    """The pay tables of ``instance`` (keys: pay_funds, pay_grades, pay_seniority, pay_staff)."""
    rng = np.random.default_rng(seed)
    posts = instance.post_by_id
    insts = instance.institution_by_id
    persons: dict[str, dict[str, Any]] = defaultdict(dict)

    # family-doctor teams: a centre's signed residents shared among its team posts
    area_of: dict[str, str] = {}
    for inst in instance.institutions:
        if inst.tier is Tier.TOWNSHIP:
            area_of[inst.id] = inst.id
        elif inst.tier is Tier.VILLAGE and inst.parent:
            area_of[inst.id] = inst.parent
    team: dict[str, list[str]] = defaultdict(list)
    for person in instance.staff:
        post = posts.get(person.current_post or "")
        if post is not None and post.team_role is not TeamRole.NONE \
                and post.institution in area_of:
            team[area_of[post.institution]].append(person.id)
    residents_total = 0
    for centre, members in team.items():
        signed = int(insts[centre].population * SIGNED_SHARE * rng.uniform(0.85, 1.0))
        shares = rng.dirichlet(np.ones(len(members)) * 4)
        split = np.floor(shares * signed).astype(int)
        for pid, count in zip(members, split):
            if count > 0:
                persons[pid]["signed_residents"] = int(count)
                residents_total += int(count)

    # separately set pay: the lead hospital's head, a few senior talents
    county_staff = [p for p in instance.staff if p.current_post
                    and insts[posts[p.current_post].institution].tier is Tier.COUNTY]
    heads = [p for p in county_staff if p.discipline is Discipline.MANAGEMENT]
    head = max(heads, key=lambda p: (p.title.level, p.points), default=None)
    separate_total = 0
    if head is not None:
        amount = int(rng.integers(36, 46)) * 10_000
        persons[head.id].update(separate=SeparateKind.ANNUAL_SALARY, separate_amount=amount)
        separate_total += amount
    seniors = [p for p in county_staff if p.title.is_senior and p.id not in persons]
    for p in seniors:
        if rng.random() < 0.01 * 4:
            amount = int(rng.integers(30, 41)) * 10_000
            persons[p.id].update(separate=SeparateKind.TALENT, separate_amount=amount)
            separate_total += amount

    # graduate subsidy due this year under the Luohu scale
    graduate_total = 0
    for p in instance.staff:
        post = posts.get(p.current_post or "")
        total = GRADUATE_TOTALS.get(p.education)
        if post is None or total is None or not p.residency_certificate or p.hire_year is None:
            continue
        if insts[post.institution].tier is Tier.COUNTY:
            continue
        k = instance.meta.year - int(p.hire_year)
        if 0 <= k < 5:
            graduate_total += instalments(total * 100, 5)[k] // 100

    separate = {q for q, f in persons.items() if "separate" in f}
    pool = sum(1 for p in instance.staff if p.current_post and p.id not in separate)
    performance = pool * PERFORMANCE_PER_HEAD * rng.uniform(0.95, 1.05)
    funds = [
        PayFund(fund=Fund.PERFORMANCE, amount=_yuan(performance),
                description="绩效工资总量 (approved as a class-2 institution)"),
        PayFund(fund=Fund.SURPLUS, amount=_yuan(performance * SURPLUS_SHARE),
                description="医保结余留用 (retained insurance surplus)"),
        PayFund(fund=Fund.FAMILY_DOCTOR, amount=_yuan(residents_total * PER_RESIDENT * 1.1),
                description="家庭医生签约服务补助"),
        PayFund(fund=Fund.GRADUATE, amount=_yuan(graduate_total * 1.1 + 100_000),
                description="毕业生生活补助"),
        PayFund(fund=Fund.SEPARATE, amount=_yuan(separate_total * 1.05 + 1),
                description="年薪制与人才单列"),
    ]
    return {
        "pay_funds": funds,
        "pay_grades": default_grades(),
        "pay_seniority": [PaySeniority(min_years=y, amount=Yuan(f"{a}.00"))
                          for y, a in SENIORITY_BANDS],
        "pay_staff": [PayPerson(person=pid, **fields) for pid, fields in persons.items()
                      if pid in instance.person_by_id],
    }


def with_pay_tables(instance: Instance, seed: int) -> Instance:
    """A copy of ``instance`` carrying `pay_tables` (its other tables unchanged)."""
    extras = {**instance.extras, **pay_tables(instance, seed)}
    return instance.model_copy(update={"extras": extras})


def _yuan(amount: float) -> Yuan:
    return Yuan(f"{round(amount, 2):.2f}")
