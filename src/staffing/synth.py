"""Synthetic county medical communities calibrated to published figures.

`generate` builds a whole selection round: institutions (a lead hospital,
usually a TCM hospital and for large counties a maternal-child hospital,
township centres and their village clinics), posts that aggregate identical
places, incumbents at their current posts, new recruits, city-dispatched
staff, promotion candidates, each applicant's ranked choices and the panels'
rankings. Figures follow the brief: grassroots staff about 3 per 1,000
residents, county hospitals about 55% of staff, township headcount within
1.2-1.7 per mille of population, doctor : nurse about 1 : 1.15, grassroots
physicians about 30% intermediate title or above and 10% senior.

The current roster (everyone at the current post) obeys every hard rule of
the policy models except ``rotation_before_senior``: promotion candidates
without a grassroots year sit at county posts, and a free grassroots place
they are eligible for is kept for each of them. Everything is drawn from one
``numpy.random.default_rng(seed)``, so a seed always gives the same instance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from staffing.domain.arrays import requirement_matrix
from staffing.domain.enums import (
    Discipline,
    Education,
    Licence,
    Pool,
    TeamRole,
    Tier,
    Title,
)
from staffing.domain.instance import Choice, Instance, Institution, Meta, PanelRank, Post, Staff
from staffing.pay.synth import with_pay_tables as add_pay_tables
from staffing.planning.synth import with_plan_tables as add_plan_tables

__all__ = ["generate"]

DISCIPLINES = list(Discipline)
LICENCES = list(Licence)
TITLES = list(Title)
EDUCATIONS = list(Education)
POOLS = list(Pool)
NO_POOL = -1
COUNTY, GRASSROOTS, OFF_ESTABLISHMENT = range(3)
GRADE_SUFFIX = {0: "N", 1: "J", 2: "I", 3: "A", 4: "S"}
MIN_STAFF = 5

# ----------------------------------------------------------------------------- catalogues


@dataclass(frozen=True)
class PostKind:
    """A family of posts: one discipline, one requirement pattern."""

    code: str
    discipline: Discipline
    group: str  # clinical, nursing, allied, public_health, management, village
    label: str
    licence: Licence = Licence.NONE  # required licence (clinical posts vary by tier and grade)


KINDS = [
    PostKind("GP", Discipline.GENERAL_PRACTICE, "clinical", "全科"),
    PostKind("IM", Discipline.INTERNAL_MEDICINE, "clinical", "内科"),
    PostKind("SUR", Discipline.SURGERY, "clinical", "外科"),
    PostKind("PAED", Discipline.PAEDIATRICS, "clinical", "儿科"),
    PostKind("OBS", Discipline.OBSTETRICS, "clinical", "妇产科"),
    PostKind("TCM", Discipline.TCM, "clinical", "中医"),
    PostKind("NUR", Discipline.NURSING, "nursing", "护理", Licence.NURSE),
    PostKind("PH", Discipline.PUBLIC_HEALTH, "public_health", "公共卫生"),
    PostKind("HM", Discipline.PUBLIC_HEALTH, "public_health", "健康管理"),
    PostKind("PHA", Discipline.PHARMACY, "allied", "药学", Licence.PHARMACIST),
    PostKind("MT", Discipline.MEDICAL_TECHNOLOGY, "allied", "医技", Licence.TECHNICIAN),
    PostKind("REH", Discipline.REHABILITATION, "allied", "康复", Licence.TECHNICIAN),
    PostKind("MGT", Discipline.MANAGEMENT, "management", "管理"),
    PostKind("VD", Discipline.GENERAL_PRACTICE, "village", "乡村医生", Licence.VILLAGE_DOCTOR),
]
KIND = {k.code: i for i, k in enumerate(KINDS)}
CLINICAL = np.array([k.group == "clinical" for k in KINDS])
UNGRADED = np.array([k.group in ("management", "village") for k in KINDS])

# Institution types: lead hospital, TCM hospital, maternal-child hospital, township, village.
LEAD, TCM_HOSPITAL, MCH, TOWNSHIP, VILLAGE = range(5)
TYPE_TIER = [Tier.COUNTY, Tier.COUNTY, Tier.COUNTY, Tier.TOWNSHIP, Tier.VILLAGE]
TYPE_APPEAL = [4.5, 3.2, 3.2, 1.6, 0.4]
HOSPITAL_SHARE = {LEAD: .68, TCM_HOSPITAL: .22, MCH: .10}

# Staff mix by post kind at each institution type (shares of incumbents).
MIX = {
    LEAD: {"GP": .01, "IM": .13, "SUR": .095, "PAED": .035, "OBS": .035, "TCM": .02, "NUR": .44,
           "PH": .015, "PHA": .035, "MT": .075, "REH": .02, "MGT": .045},
    TCM_HOSPITAL: {"IM": .07, "SUR": .04, "PAED": .02, "TCM": .20, "NUR": .38, "PH": .03,
                   "PHA": .06, "MT": .07, "REH": .06, "MGT": .05},
    MCH: {"OBS": .15, "PAED": .13, "IM": .03, "NUR": .45, "PH": .06, "PHA": .04, "MT": .08,
          "MGT": .06},
    TOWNSHIP: {"GP": .04, "IM": .14, "SUR": .04, "TCM": .06, "NUR": .32, "PH": .10, "HM": .02,
               "PHA": .05, "MT": .08, "REH": .03, "MGT": .10},
}
CORE = {LEAD: ["IM", "NUR", "SUR", "MT"], TCM_HOSPITAL: ["TCM", "NUR"], MCH: ["OBS", "NUR", "PAED"],
        TOWNSHIP: ["GP", "NUR", "PH"]}
# Posts every institution of a type offers even when nobody holds them (kind, grade).
CORE_POSTS = {TOWNSHIP: [("GP", 1), ("NUR", 1), ("PH", 1)]}

# Title distributions (none, junior, intermediate, associate senior, senior) by tier and group.
TITLE_P = {
    ("county", "clinical"): [.02, .33, .35, .20, .10],
    ("county", "nursing"): [.03, .55, .32, .09, .01],
    ("county", "other"): [.03, .50, .35, .10, .02],
    ("township", "clinical"): [.03, .63, .21, .10, .03],
    ("township", "nursing"): [.03, .67, .27, .03, .00],
    ("township", "other"): [.05, .62, .28, .05, .00],
    ("any", "management"): [.60, .25, .15, .00, .00],
}
# Education distributions (secondary, college, bachelor, master, doctorate).
EDUCATION_P = {
    ("county", "clinical"): [.00, .08, .62, .27, .03],
    ("county", "nursing"): [.05, .55, .40, .00, .00],
    ("county", "other"): [.05, .40, .50, .05, .00],
    ("township", "clinical"): [.22, .42, .34, .02, .00],
    ("township", "nursing"): [.15, .65, .20, .00, .00],
    ("township", "other"): [.20, .50, .30, .00, .00],
    ("village", "licensed"): [.45, .45, .10, .00, .00],
    ("village", "unlicensed"): [.85, .15, .00, .00, .00],
}
YEARS_IN_TITLE = {0: (1, 4), 1: (1, 11), 2: (6, 21), 3: (12, 29), 4: (18, 36)}

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑"
                 "梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"
              "华玉兰萍红建文辉力斌宇浩凯鹏晨欣怡婷雪琳倩颖思")
PLACE = list("东西南北新安和平兴隆青山石河桥塘湾坪溪岭岗林园庄坝口沟田泉源阳丰乐福宁永康吉祥云龙凤")


def _kind_group(kind: int) -> str:
    group = KINDS[kind].group
    if group == "management":
        return "management"
    if group in ("clinical", "nursing"):
        return group
    return "other"


# ----------------------------------------------------------------------------- shape


@dataclass
class Shape:
    """Head counts of the community before any detail is drawn."""

    staff: int
    recruits: int
    dispatched: int
    county_seats: int
    grassroots_seats: int
    density: float  # grassroots staff per 1,000 residents
    townships: int
    hospitals: list[int]
    vacancy: float  # share of places left free once recruits are placed


def plan_shape(staff: int, rng: np.random.Generator, recruit_share: float) -> Shape:
    """Split the people into recruits, dispatched and seats by tier; choose the institutions."""
    recruits = max(1, round(staff * recruit_share * rng.uniform(0.9, 1.2)))
    dispatched = round(5 * math.sqrt(staff / 600)) if staff >= 60 else int(staff >= 30)
    seats = staff - recruits
    county = min(seats - 2, max(1, round(seats * rng.uniform(0.52, 0.58))))
    townships = max(1, round(6 * (staff / 600) ** 0.6))
    hospitals = [LEAD]
    if county >= 25 and (staff >= 300 or rng.random() < 0.8):
        hospitals.append(TCM_HOSPITAL)
    if county >= 600:
        hospitals.append(MCH)
    return Shape(staff, recruits, dispatched, county, seats - county, rng.uniform(2.85, 3.15),
                 townships, hospitals, rng.uniform(0.06, 0.09))


# ----------------------------------------------------------------------------- geography


@dataclass
class Geography:
    """Institutions as parallel arrays; quotas are filled in later."""

    type: np.ndarray
    parent: np.ndarray  # institution index, -1 for none
    area: np.ndarray  # township index (institution index) of a township or village, -1 county
    population: np.ndarray
    distance: np.ndarray
    hardship: np.ndarray
    ids: list[str]
    names: list[str]
    fd_teams: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    floor: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    headcount_county: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    headcount_grassroots: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    contract_places: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.type)

    def of_type(self, kind: int) -> np.ndarray:
        """Indices of the institutions of one type (LEAD, TOWNSHIP, VILLAGE, ...)."""
        return np.flatnonzero(self.type == kind)

    @property
    def tier(self) -> np.ndarray:
        """Tier of each institution: 0 county, 1 township, 2 village."""
        return np.where(self.type <= MCH, 0, np.where(self.type == TOWNSHIP, 1, 2))


def _place_names(rng: np.random.Generator, count: int) -> list[str]:
    combos = len(PLACE) * len(PLACE)
    picks = rng.choice(combos, size=count, replace=count > combos)
    return [PLACE[p // len(PLACE)] + PLACE[p % len(PLACE)] for p in picks]


def _split(total: int, weights: np.ndarray, minimum: int = 0,
           rng: np.random.Generator | None = None) -> np.ndarray:
    """Integer shares of ``total`` proportional to ``weights``, each >= minimum.

    Largest remainder; with ``rng`` the remainders are jittered so that small totals do not
    always round the same way.
    """
    weights = np.asarray(weights, dtype=float)
    base = np.full(len(weights), minimum, dtype=np.int64)
    rest = total - base.sum()
    if rest <= 0:
        return base
    exact = weights / weights.sum() * rest
    counts = np.floor(exact).astype(np.int64)
    remainder = exact - counts
    if rng is not None:
        remainder = remainder + rng.uniform(0, 0.5, len(weights)) * (remainder > 0)
    order = np.argsort(-remainder, kind="stable")
    counts[order[: rest - counts.sum()]] += 1
    return base + counts


def build_geography(shape: Shape, rng: np.random.Generator) -> tuple[Geography, np.ndarray]:
    """Hospitals, townships and villages with populations, and the incumbents of each village."""
    population = shape.grassroots_seats / shape.density * 1000
    n_town = shape.townships
    town_pop = rng.lognormal(0, 0.35, n_town)
    town_pop = town_pop / town_pop.sum() * population
    town_hardship = rng.choice(4, size=n_town, p=[.45, .30, .17, .08])
    town_hardship[0] = 0
    village_share = rng.uniform(0.65, 0.78, n_town)
    mean_village = float(np.clip(1000 * (shape.staff / 600) ** 0.15, 700, 2500))
    per_town = np.maximum(1, np.round(town_pop * village_share / mean_village)).astype(np.int64)
    per_town = _fit_villages(per_town, shape.grassroots_seats)
    village_town = np.repeat(np.arange(n_town), per_town)
    n_vil = len(village_town)
    raw = rng.lognormal(0, 0.5, n_vil)
    share = raw / np.bincount(village_town, weights=raw, minlength=n_town)[village_town]
    village_pop = np.maximum(80, np.round(share * (town_pop * village_share)[village_town]))
    distance = rng.lognormal(np.log(4.0), 0.65, n_vil) * (1 + 0.3 * town_hardship[village_town])
    distance = np.round(np.clip(distance, 0.3, 40.0), 1)
    village_hardship = np.minimum(
        3, town_hardship[village_town] + (distance > 10) + (distance > 20))
    town_total = np.maximum(np.round(town_pop),
                            np.bincount(village_town, weights=village_pop, minlength=n_town))

    n_hosp = len(shape.hospitals)
    types = np.concatenate([shape.hospitals, np.full(n_town, TOWNSHIP), np.full(n_vil, VILLAGE)])
    town_index = n_hosp + np.arange(n_town)
    parent = np.concatenate([np.full(n_hosp, -1), np.zeros(n_town, dtype=np.int64),
                             town_index[village_town]])
    area = np.concatenate([np.full(n_hosp, -1), town_index, town_index[village_town]])
    width = max(2, len(str(n_town)))
    vwidth = max(2, len(str(int(per_town.max()))))
    town_ids = [f"T{t + 1:0{width}d}" for t in range(n_town)]
    first_village = np.concatenate([[0], np.cumsum(per_town)[:-1]])
    village_number = np.arange(n_vil) - first_village[village_town]
    village_ids = [f"{town_ids[t]}V{v + 1:0{vwidth}d}"
                   for t, v in zip(village_town.tolist(), village_number.tolist())]
    names = _place_names(rng, n_town + n_vil)
    hospital_names = {LEAD: "县人民医院", TCM_HOSPITAL: "县中医院", MCH: "县妇幼保健院"}
    geo = Geography(
        type=types.astype(np.int64),
        parent=parent.astype(np.int64),
        area=area.astype(np.int64),
        population=np.concatenate([np.zeros(n_hosp), town_total, village_pop]).astype(np.int64),
        distance=np.concatenate([np.zeros(n_hosp + n_town), distance]),
        hardship=np.concatenate([np.zeros(n_hosp), town_hardship, village_hardship]).astype(
            np.int64),
        ids=[f"H{h + 1:02d}" for h in range(n_hosp)] + town_ids + village_ids,
        names=[hospital_names[h] for h in shape.hospitals]
        + [f"{n}镇卫生院" for n in names[:n_town]] + [f"{n}村卫生室" for n in names[n_town:]],
    )
    filled = _village_incumbents(geo, rng, shape.grassroots_seats - n_town)
    return geo, filled


def _fit_villages(per_town: np.ndarray, grassroots_seats: int) -> np.ndarray:
    """Keep at most about 40% of grassroots seats in villages, and one village per township."""
    limit = max(len(per_town), int(grassroots_seats * 0.4))
    while per_town.sum() > limit and per_town.max() > 1:
        per_town[int(np.argmax(per_town))] -= 1
    return per_town


def village_places(geo: Geography) -> np.ndarray:
    """Places of each village's clinic post: two in a village of 1,500 people or more."""
    villages = geo.of_type(VILLAGE)
    return 1 + (geo.population[villages] >= 1500).astype(np.int64)


def _village_incumbents(geo: Geography, rng: np.random.Generator, limit: int) -> np.ndarray:
    """One resident doctor per village; the second place of a large village is often filled.

    At most ``limit`` village incumbents in all, so that every township keeps a seat.
    """
    villages = geo.of_type(VILLAGE)
    places = village_places(geo)
    second = (places == 2) & (rng.random(len(villages)) < 0.8 - 0.15 * geo.hardship[villages])
    spare = max(0, limit - len(villages))
    second[np.flatnonzero(second)[spare:]] = False
    return 1 + second.astype(np.int64)


# ----------------------------------------------------------------------------- people


@dataclass
class People:
    """Columns of the people, aligned by index."""

    inst: np.ndarray
    kind: np.ndarray
    discipline: np.ndarray
    title: np.ndarray
    licence: np.ndarray
    education: np.ndarray
    residency: np.ndarray
    grade: np.ndarray  # grade of the post held (title level scale), for incumbents
    pool: np.ndarray
    months: np.ndarray
    promotion: np.ndarray
    recruit: np.ndarray
    dispatched: np.ndarray
    dispatch_months: np.ndarray
    points: np.ndarray
    hire_year: np.ndarray
    post: np.ndarray

    def __len__(self) -> int:
        return len(self.inst)

    def append(self, other: People) -> People:
        """These people followed by ``other``."""
        return People(**{name: np.concatenate([getattr(self, name), getattr(other, name)])
                         for name in self.__dataclass_fields__})


def _draw_kinds(geo: Geography, seats: np.ndarray,
                rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Institution and post kind of every incumbent, core kinds first at each institution."""
    insts, kinds = [], []
    for inst in np.flatnonzero(seats):
        count, itype = int(seats[inst]), int(geo.type[inst])
        if itype == VILLAGE:
            chosen = np.full(count, KIND["VD"])
        else:
            core = [KIND[c] for c in CORE[itype]][:count]
            mix = MIX[itype]
            codes = np.array([KIND[c] for c in mix])
            weights = np.array(list(mix.values()))
            rest = np.repeat(codes, _split(count - len(core), weights, rng=rng))
            chosen = np.concatenate([np.array(core, dtype=np.int64), rng.permutation(rest)])
        insts.append(np.full(count, inst))
        kinds.append(chosen)
    return np.concatenate(insts).astype(np.int64), np.concatenate(kinds).astype(np.int64)


def _draw_by_table(rng: np.random.Generator, keys: list[tuple[str, str]],
                   table: dict[tuple[str, str], list[float]]) -> np.ndarray:
    """One category per person from the distribution named by each person's key.

    Stratified: each key's people get the categories in the table's proportions (rounded),
    in random order, so that small instances keep the calibrated shares.
    """
    out = np.zeros(len(keys), dtype=np.int64)
    key_array = np.array([f"{a}|{b}" for a, b in keys]) if keys else np.zeros(0, dtype=str)
    for key, probs in table.items():
        rows = np.flatnonzero(key_array == f"{key[0]}|{key[1]}")
        if len(rows):
            counts = _split(len(rows), np.array(probs), rng=rng)
            out[rng.permutation(rows)] = np.repeat(np.arange(len(probs)), counts)
    return out


def draw_incumbents(geo: Geography, shape: Shape, village_filled: np.ndarray,
                    rng: np.random.Generator, year: int) -> People:
    """Every incumbent with discipline, title, licence, education, tenure and points."""
    seats = np.zeros(len(geo), dtype=np.int64)
    hospitals = np.flatnonzero(geo.tier == 0)
    hospital_weight = np.array([HOSPITAL_SHARE[t] for t in geo.type[hospitals].tolist()])
    seats[hospitals] = _split(shape.county_seats, hospital_weight, minimum=1)
    villages, towns = geo.of_type(VILLAGE), geo.of_type(TOWNSHIP)
    seats[villages] = village_filled
    town_seats = shape.grassroots_seats - int(village_filled.sum())
    seats[towns] = _split(town_seats, geo.population[towns].astype(float), minimum=1)
    inst, kind = _draw_kinds(geo, seats, rng)
    n = len(inst)
    tier = geo.tier[inst]
    tier_name = np.array(["county", "township", "village"])[tier]
    groups = [_kind_group(k) for k in kind.tolist()]
    title_keys = [("any", g) if g == "management" else (t if t != "village" else "township", g)
                  for t, g in zip(tier_name.tolist(), groups)]
    title = _draw_by_table(rng, title_keys, TITLE_P)
    discipline = np.array([DISCIPLINES.index(KINDS[k].discipline) for k in range(len(KINDS))])[kind]
    licence = _incumbent_licences(kind, tier, title, rng)
    vd = kind == KIND["VD"]
    title[vd] = _village_titles(licence[vd], rng)
    discipline[vd & (rng.random(n) < 0.25)] = DISCIPLINES.index(Discipline.TCM)
    at_gp_post = (tier == 1) & (kind == KIND["IM"]) & (rng.random(n) < 0.5)
    kind[at_gp_post] = KIND["GP"]  # internal medicine physicians in GP posts (GP posts accept them)
    health_manager_nurse = (kind == KIND["HM"]) & (rng.random(n) < 0.3)
    discipline[health_manager_nurse] = DISCIPLINES.index(Discipline.NURSING)
    licence[health_manager_nurse] = LICENCES.index(Licence.NURSE)
    education = _incumbent_education(tier_name, groups, licence, rng)
    hire_year = _hire_years(title, vd, rng, year)
    months = _grassroots_months(tier, hire_year, rng, year)
    residency = CLINICAL[kind] & (education >= Education.BACHELOR.level) & (rng.random(n) < 0.45)
    people = People(
        inst=inst, kind=kind, discipline=discipline, title=title, licence=licence,
        education=education, residency=residency, grade=np.zeros(n, dtype=np.int64),
        pool=np.full(n, NO_POOL), months=months, promotion=np.zeros(n, dtype=bool),
        recruit=np.zeros(n, dtype=bool), dispatched=np.zeros(n, dtype=bool),
        dispatch_months=np.zeros(n, dtype=np.int64), points=_points(title, rng),
        hire_year=hire_year, post=np.full(n, -1),
    )
    people.grade = _post_grades(people, geo)
    return people


def _incumbent_licences(kind: np.ndarray, tier: np.ndarray, title: np.ndarray,
                        rng: np.random.Generator) -> np.ndarray:
    n = len(kind)
    licence = np.array([LICENCES.index(k.licence) for k in KINDS])[kind]
    clinical = CLINICAL[kind]
    physician = clinical & ((tier == 0) | (title >= 2) | (rng.random(n) < 0.6))
    licence[clinical] = LICENCES.index(Licence.ASSISTANT_PHYSICIAN)
    licence[physician] = LICENCES.index(Licence.PHYSICIAN)
    vd = kind == KIND["VD"]
    village_licences = [LICENCES.index(x) for x in
                        (Licence.VILLAGE_DOCTOR, Licence.ASSISTANT_PHYSICIAN, Licence.PHYSICIAN)]
    counts = _split(int(vd.sum()), np.array([.84, .13, .03]), rng=rng)
    licence[rng.permutation(np.flatnonzero(vd))] = np.repeat(village_licences, counts)
    return licence


def _village_titles(licence: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    roll = rng.random(len(licence))
    title = np.zeros(len(licence), dtype=np.int64)
    title[(licence == LICENCES.index(Licence.ASSISTANT_PHYSICIAN)) & (roll < 0.6)] = 1
    physician = licence == LICENCES.index(Licence.PHYSICIAN)
    title[physician] = np.where(roll[physician] < 0.7, 1, 2)
    return title


def _incumbent_education(tier_name: np.ndarray, groups: list[str], licence: np.ndarray,
                         rng: np.random.Generator) -> np.ndarray:
    keys = []
    for t, g, lic in zip(tier_name.tolist(), groups, licence.tolist()):
        if t == "village":
            licensed = LICENCES[lic].is_physician
            keys.append(("village", "licensed" if licensed else "unlicensed"))
        else:
            keys.append((t, g if g in ("clinical", "nursing") else "other"))
    return _draw_by_table(rng, keys, EDUCATION_P)


def _hire_years(title: np.ndarray, village: np.ndarray, rng: np.random.Generator,
                year: int) -> np.ndarray:
    low = np.array([YEARS_IN_TITLE[t][0] for t in range(5)])[title]
    high = np.array([YEARS_IN_TITLE[t][1] for t in range(5)])[title]
    low = np.where(village, 2, low)
    high = np.where(village, 36, high)
    return year - rng.integers(low, high)


def _grassroots_months(tier: np.ndarray, hire_year: np.ndarray, rng: np.random.Generator,
                       year: int) -> np.ndarray:
    n = len(tier)
    tenure = 12 * (year - hire_year) * rng.uniform(0.4, 1.0, n)
    grassroots = np.clip(np.round(tenure), 1, 480).astype(np.int64)
    past_rotation = rng.integers(1, 37, n) * (rng.random(n) < 0.3)
    return np.where(tier == 0, past_rotation, grassroots)


def _points(title: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    raw = rng.normal(60 + 6 * title, 12)
    return np.round(np.clip(raw, 10, 120) * 2) / 2


def _post_grades(people: People, geo: Geography) -> np.ndarray:
    """Grade of the post each incumbent holds; township senior posts stay within 12%."""
    tier = geo.tier[people.inst]
    grade = np.maximum(1, people.title)
    township = tier == 1
    grade[township] = np.minimum(grade[township], 2)
    grade[UNGRADED[people.kind]] = 0
    senior_ok = township & np.isin(people.kind, [KIND["GP"], KIND["IM"]]) & (people.title >= 3)
    for town in geo.of_type(TOWNSHIP):
        here = people.inst == town
        professional = int((here & (grade > 0)).sum())
        cap = int(0.12 * professional)
        candidates = np.flatnonzero(here & senior_ok)[:cap]
        grade[candidates] = 3
    return grade


# ----------------------------------------------------------------------------- special people


def mark_dispatched(people: People, geo: Geography, count: int, rng: np.random.Generator) -> None:
    """Turn ``count`` senior-enough clinical or nursing incumbents into city-dispatched staff."""
    tier = geo.tier[people.inst]
    eligible = ((tier == 0) | ((tier == 1) & (people.grade == 2))) & (people.title >= 2) & (
        CLINICAL[people.kind] | (people.kind == KIND["NUR"]))
    pool = np.flatnonzero(eligible)
    if count == 0 or len(pool) == 0:
        return
    weight = np.where(tier[pool] == 0, 2.5, 1.0) * np.where(CLINICAL[people.kind[pool]], 3.0, 1.0)
    chosen = rng.choice(pool, size=min(count, len(pool)), replace=False, p=weight / weight.sum())
    people.dispatched[chosen] = True
    people.dispatch_months[chosen] = rng.choice([12, 18, 24], size=len(chosen), p=[.6, .2, .2])
    people.education[chosen] = np.maximum(people.education[chosen], Education.BACHELOR.level)
    people.months[chosen] = 0


def mark_promotion_candidates(people: People, geo: Geography, rng: np.random.Generator,
                              year: int) -> np.ndarray:
    """Flag candidates for associate senior; return the county ones bound to rotate."""
    tier = geo.tier[people.inst]
    professional = ~UNGRADED[people.kind] & ~people.dispatched
    eligible = professional & (people.title == 2) & (people.hire_year <= year - 5)
    rate = np.where(tier == 0, 0.09, 0.06)
    candidate = eligible & (rng.random(len(people)) < rate)
    people.promotion |= candidate
    bound = candidate & (tier == 0) & (rng.random(len(people)) < 0.6)
    people.months[bound] = rng.integers(0, 12, int(bound.sum()))
    settled = candidate & ~bound
    people.months[settled] = np.maximum(people.months[settled],
                                        rng.integers(12, 40, int(settled.sum())))
    return np.flatnonzero(bound)


# ----------------------------------------------------------------------------- posts


@dataclass
class Posts:
    """Posts as parallel arrays: one per (institution, kind, grade)."""

    inst: np.ndarray
    kind: np.ndarray
    grade: np.ndarray
    held: np.ndarray
    places: np.ndarray
    floor: np.ndarray

    def __len__(self) -> int:
        return len(self.inst)


def post_licence(kind: int, tier: int, grade: int) -> Licence:
    """The licence a post requires."""
    if KINDS[kind].group == "clinical":
        return Licence.ASSISTANT_PHYSICIAN if tier == 1 and grade <= 1 else Licence.PHYSICIAN
    return KINDS[kind].licence


def post_accepts(kind: int, tier: int) -> list[Discipline]:
    """Other disciplines a post accepts."""
    code = KINDS[kind].code
    if code == "GP" and tier == 1:
        return [Discipline.INTERNAL_MEDICINE]
    if code == "IM" and tier == 0:
        return [Discipline.GENERAL_PRACTICE]
    if code == "VD":
        return [Discipline.TCM]
    if code == "HM":
        return [Discipline.NURSING]
    return []


def build_posts(people: People, geo: Geography) -> Posts:
    """One post per (institution, kind, grade) held by someone or core to its institution."""
    key = (people.inst * len(KINDS) + people.kind) * 5 + people.grade
    core = [(inst, KIND[code], grade) for t, cells in CORE_POSTS.items()
            for inst in geo.of_type(t) for code, grade in cells]
    core_key = np.array([(i * len(KINDS) + k) * 5 + g for i, k, g in core], dtype=np.int64)
    keys, held = np.unique(np.concatenate([key, core_key]), return_counts=True)
    held -= np.isin(keys, core_key)
    people.post = np.searchsorted(keys, key)
    return Posts(inst=keys // 5 // len(KINDS), kind=keys // 5 % len(KINDS), grade=keys % 5,
                 held=held, places=held.copy(), floor=np.zeros(len(keys), dtype=np.int64))


def reserve_rotation_places(people: People, posts: Posts, geo: Geography, bound: np.ndarray,
                            rng: np.random.Generator) -> None:
    """Add a free township place for each rotation-bound candidate; unbind those without one."""
    tier = geo.tier[posts.inst]
    for person in bound:
        kinds = [people.kind[person]]
        if people.discipline[person] == DISCIPLINES.index(Discipline.INTERNAL_MEDICINE):
            kinds.append(KIND["GP"])
        fits = np.flatnonzero((tier == 1) & np.isin(posts.kind, kinds) & (posts.grade >= 1)
                              & (posts.grade <= min(2, people.title[person])))
        if len(fits) == 0:
            people.months[person] = 12 + int(rng.integers(0, 24))
            continue
        weight = np.where(posts.grade[fits] == 2, 3.0, 1.0)
        posts.places[rng.choice(fits, p=weight / weight.sum())] += 1


def add_free_places(posts: Posts, geo: Geography, people: People, shape: Shape,
                    rng: np.random.Generator) -> None:
    """Open free places so that, once every recruit is placed, the target share stays vacant."""
    tier = geo.tier[posts.inst]
    villages = posts.kind == KIND["VD"]
    posts.places[villages] = village_places(geo)[_village_rank(geo, posts.inst[villages])]
    empty = (posts.places == 0) & ~villages
    posts.places[empty] = 1
    seats = len(people)
    target = math.ceil((seats + shape.recruits) / (1 - shape.vacancy))
    rest = max(0, target - int(posts.places.sum()))
    open_post = ~villages
    appeal = np.array([0.6, 0.8, 0.8, 1.0, 0.0])[geo.type[posts.inst]]
    appeal = appeal + 0.35 * geo.hardship[posts.inst] * (tier == 1)
    by_grade = np.array([0.5, 2.0, 1.0, 0.5, 0.3])[posts.grade]
    weight = (posts.held + 0.5) * appeal * by_grade * open_post
    if rest and weight.sum() > 0:
        posts.places += rng.multinomial(rest, weight / weight.sum())


def _village_rank(geo: Geography, insts: np.ndarray) -> np.ndarray:
    villages = geo.of_type(VILLAGE)
    return np.searchsorted(villages, insts)


def set_floors(posts: Posts, geo: Geography) -> None:
    """Floors on village posts, core township posts, lead-hospital nursing; some institutions."""
    tier = geo.tier[posts.inst]
    villages = posts.kind == KIND["VD"]
    posts.floor[villages] = 1
    core_kinds = [KIND[c] for c in ("GP", "NUR", "PH")]
    core_town = (tier == 1) & (posts.grade == 1) & np.isin(posts.kind, core_kinds)
    posts.floor[core_town] = 1
    lead_nursing = (geo.type[posts.inst] == LEAD) & (posts.kind == KIND["NUR"]) & (posts.grade == 1)
    posts.floor[lead_nursing] = np.floor(0.8 * posts.held[lead_nursing]).astype(np.int64)
    posts.floor = np.minimum(posts.floor, posts.places)
    held = np.bincount(posts.inst, weights=posts.held, minlength=len(geo)).astype(np.int64)
    remote = (geo.type == TOWNSHIP) & (geo.hardship >= 2)
    geo.floor = np.where(remote, np.floor(0.8 * held), 0).astype(np.int64)


# ----------------------------------------------------------------------------- pools and quotas


def assign_pools(people: People, geo: Geography, rng: np.random.Generator, year: int) -> None:
    """Headcount pool of every incumbent; township quotas sit in the 1.2-1.7 per mille band."""
    tier = geo.tier[people.inst]
    active = ~people.dispatched
    county = active & (tier == 0)
    contract = county & (rng.random(len(people)) < np.where(people.kind == KIND["NUR"], 0.25, 0.12))
    people.pool[county] = COUNTY
    people.pool[contract] = OFF_ESTABLISHMENT
    people.pool[active & (tier == 2)] = OFF_ESTABLISHMENT
    n = len(geo)
    geo.headcount_grassroots = np.zeros(n, dtype=np.int64)
    for town in geo.of_type(TOWNSHIP):
        geo.headcount_grassroots[town] = _township_pools(people, geo, int(town), rng, year)
    _village_grassroots(people, geo)


def norm_band(population: int) -> tuple[int, int]:
    """The township headcount band of a population: 1.2 to 1.7 per mille, in whole people."""
    return math.ceil(1.2 * population / 1000 - 1e-9), math.floor(1.7 * population / 1000 + 1e-9)


def _township_pools(people: People, geo: Geography, town: int, rng: np.random.Generator,
                    year: int) -> int:
    """Pools of one township's staff; returns its approved grassroots headcount."""
    here = np.flatnonzero((people.inst == town) & ~people.dispatched)
    low, high = norm_band(int(geo.population[town]))
    target = round(rng.uniform(1.32, 1.58) * geo.population[town] / 1000)
    established = min(len(here), max(low, min(high, target)) if low <= high else low)
    priority = (people.title[here] + CLINICAL[people.kind[here]] + 0.5 * (
        people.kind[here] == KIND["NUR"]) - (people.kind[here] == KIND["MGT"])
        + 2 * rng.random(len(here)))
    ranked = here[np.argsort(-priority, kind="stable")]
    chosen, rest = ranked[:established], ranked[established:]
    people.pool[rest] = OFF_ESTABLISHMENT
    people.pool[chosen] = GRASSROOTS
    recent = chosen[CLINICAL[people.kind[chosen]] & (people.hire_year[chosen] >= year - 6)]
    county_hired = recent[: max(0, round(0.2 * established))]
    people.pool[county_hired] = COUNTY
    grassroots = established - len(county_hired)
    room = max(1, round(0.12 * grassroots))
    return max(grassroots, min(high, max(low, grassroots + room)))


def _village_grassroots(people: People, geo: Geography) -> None:
    """Licensed village doctors take spare township headcount (township-hired, village-used)."""
    licensed = np.isin(people.licence, [LICENCES.index(Licence.ASSISTANT_PHYSICIAN),
                                        LICENCES.index(Licence.PHYSICIAN)])
    at_village = (geo.tier[people.inst] == 2) & licensed & ~people.dispatched
    for town in geo.of_type(TOWNSHIP):
        held = int(((people.pool == GRASSROOTS) & (geo.area[people.inst] == town)).sum())
        spare = int(geo.headcount_grassroots[town]) - held - 1
        doctors = np.flatnonzero(at_village & (geo.area[people.inst] == town))[: max(0, spare)]
        people.pool[doctors] = GRASSROOTS


def set_quotas(people: People, geo: Geography, recruits: int) -> None:
    """County headcount with room for every recruit; contract places with some slack."""
    hospitals = np.flatnonzero(geo.tier == 0)
    county_held = int((people.pool == COUNTY).sum())
    quota = county_held + recruits + max(1, round(0.02 * county_held))
    held_at = np.array([((people.pool == COUNTY) & (people.inst == h)).sum() for h in hospitals])
    geo.headcount_county = np.zeros(len(geo), dtype=np.int64)
    geo.headcount_county[hospitals] = _split(quota, held_at + 1.0)
    owner = np.where(geo.tier[people.inst] == 0, people.inst, geo.area[people.inst])
    off = np.bincount(owner[people.pool == OFF_ESTABLISHMENT], minlength=len(geo))
    geo.contract_places = np.where(geo.tier < 2, off + np.maximum(1, np.round(0.1 * off)), 0)
    geo.contract_places = geo.contract_places.astype(np.int64)


def set_teams(posts: Posts, geo: Geography) -> None:
    """Family-doctor teams: about one per 4,500 residents, as many as the GP posts' holders."""
    geo.fd_teams = np.zeros(len(geo), dtype=np.int64)
    for town in geo.of_type(TOWNSHIP):
        gps = int(posts.held[(posts.inst == town) & (posts.kind == KIND["GP"])].sum())
        geo.fd_teams[town] = max(1, min(round(geo.population[town] / 4500), gps))


# ----------------------------------------------------------------------------- recruits


def draw_recruits(posts: Posts, geo: Geography, count: int, rng: np.random.Generator,
                  year: int) -> People:
    """New recruits, each drawn for an entry-grade post whose requirements they meet."""
    entry = np.flatnonzero((posts.grade == 1) & ~UNGRADED[posts.kind])
    appeal = np.array(TYPE_APPEAL)[geo.type[posts.inst[entry]]]
    clinical_boost = np.where(CLINICAL[posts.kind[entry]], 2.0, 1.0)
    weight = (posts.places[entry] + 1.0) * appeal * clinical_boost
    target = rng.choice(entry, size=count, p=weight / weight.sum())
    kind = posts.kind[target]
    tier = geo.tier[posts.inst[target]]
    discipline = np.array([DISCIPLINES.index(k.discipline) for k in KINDS])[kind]
    im_at_gp = (kind == KIND["GP"]) & (tier == 1) & (rng.random(count) < 0.3)
    discipline[im_at_gp] = DISCIPLINES.index(Discipline.INTERNAL_MEDICINE)
    clinical = CLINICAL[kind]
    education = np.where(clinical, rng.choice([1, 2, 3], size=count, p=[.15, .6, .25]),
                         rng.choice([1, 2, 3], size=count, p=[.5, .45, .05]))
    licence = np.array([LICENCES.index(k.licence) for k in KINDS])[kind]
    needs_physician = clinical & ((tier == 0) | (education >= 2) | (rng.random(count) < 0.5))
    licence[clinical] = LICENCES.index(Licence.ASSISTANT_PHYSICIAN)
    licence[needs_physician] = LICENCES.index(Licence.PHYSICIAN)
    gp = discipline == DISCIPLINES.index(Discipline.GENERAL_PRACTICE)
    residency = clinical & (education >= 2) & (rng.random(count) < np.where(gp, 0.85, 0.5))
    return People(
        inst=np.full(count, -1), kind=kind, discipline=discipline,
        title=(rng.random(count) < 0.35).astype(np.int64), licence=licence, education=education,
        residency=residency, grade=np.zeros(count, dtype=np.int64), pool=np.full(count, NO_POOL),
        months=np.zeros(count, dtype=np.int64), promotion=np.zeros(count, dtype=bool),
        recruit=np.ones(count, dtype=bool), dispatched=np.zeros(count, dtype=bool),
        dispatch_months=np.zeros(count, dtype=np.int64), points=np.zeros(count),
        hire_year=np.full(count, year), post=np.full(count, -1),
    )


# ----------------------------------------------------------------------------- choices


@dataclass
class ChoiceDraw:
    """Drawn (person, post, rank) triples as parallel arrays of people and post indices."""

    person: np.ndarray
    post: np.ndarray
    rank: np.ndarray


def post_appeal(posts: Posts, geo: Geography) -> np.ndarray:
    """How much people want each post, before personal taste."""
    inst = posts.inst
    remote_township = geo.hardship[inst] * (geo.tier[inst] == 1)
    appeal = np.array(TYPE_APPEAL)[geo.type[inst]] - 0.5 * remote_township
    village = geo.tier[inst] == 2
    population = np.maximum(geo.population[inst], 50)
    village_appeal = (0.6 * np.log(population / 1000) - 0.08 * geo.distance[inst]
                      - 0.5 * geo.hardship[inst])
    return appeal + np.where(village, village_appeal, 0.0)


def choose_applicants(people: People, geo: Geography, bound: np.ndarray, apply_share: float,
                      rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Who applies, and which post tiers each bound candidate restricts themselves to.

    Returns the applicant mask and a per-person scope: 0 any post, 1 county posts only,
    2 grassroots posts only.
    """
    n = len(people)
    tier = np.where(people.inst >= 0, geo.tier[np.maximum(people.inst, 0)], -1)
    rate = apply_share * np.select([tier == 0, tier == 1, tier == 2], [0.9, 1.3, 0.55], 1.0)
    applies = rng.random(n) < np.clip(rate, 0, 1)
    applies |= people.recruit
    applies[people.dispatched] = rng.random(int(people.dispatched.sum())) < 0.3
    scope = np.zeros(n, dtype=np.int64)
    if len(bound):
        roll = rng.random(len(bound))
        roll[0] = 0.0  # at least one bound candidate holds out for county posts
        scope[bound] = np.where(roll < 0.5, 1, 2)
        applies[bound] = roll < 0.8
    return applies, scope


def draw_choices(people: People, posts: Posts, geo: Geography, eligible: np.ndarray,
                 applies: np.ndarray, scope: np.ndarray, max_choices: int,
                 rng: np.random.Generator) -> ChoiceDraw:
    """Each applicant's ranked eligible posts: appeal, fit to title and locality, plus taste."""
    appeal = post_appeal(posts, geo).astype(np.float32)
    post_tier = geo.tier[posts.inst]
    post_area = geo.area[posts.inst]
    post_grade = posts.grade
    person_area = np.where(people.inst >= 0, geo.area[np.maximum(people.inst, 0)], -1)
    village_post = post_tier == 2
    township_gp = (post_tier == 1) & (posts.kind == KIND["GP"])
    applicants = np.flatnonzero(applies)
    out_person, out_post, out_rank = [], [], []
    for start in range(0, len(applicants), 1024):
        rows = applicants[start:start + 1024]
        title = np.maximum(people.title[rows], 1)[:, None]
        fit = np.where(post_grade[None, :] > 0, -0.7 * np.abs(post_grade[None, :] - title), 0.0)
        local = _locality(person_area[rows], post_area, village_post)
        programme = np.where(people.recruit[rows, None] & township_gp[None, :], 0.6, 0.0)
        taste = rng.gumbel(0.0, 0.8, size=(len(rows), len(appeal)))
        utility = (appeal[None, :] + fit + local + programme + taste).astype(np.float32)
        allowed = eligible[rows].copy()
        current = people.post[rows]
        has_post = current >= 0
        allowed[np.flatnonzero(has_post), current[has_post]] = False
        allowed[scope[rows] == 1] &= (post_tier == 0)[None, :]
        allowed[scope[rows] == 2] &= (post_tier > 0)[None, :]
        utility[~allowed] = -np.inf
        wanted = _list_lengths(people, rows, max_choices, rng)
        top = np.argsort(-utility, axis=1, kind="stable")[:, :max_choices]
        top_utility = np.take_along_axis(utility, top, axis=1)
        position = np.arange(top.shape[1])[None, :]
        keep = np.isfinite(top_utility) & (position < wanted[:, None])
        r, c = np.nonzero(keep)
        out_person.append(rows[r])
        out_post.append(top[r, c])
        out_rank.append(c + 1)
    if not out_person:
        empty = np.zeros(0, dtype=np.int64)
        return ChoiceDraw(empty, empty, empty)
    return ChoiceDraw(np.concatenate(out_person), np.concatenate(out_post),
                      np.concatenate(out_rank))


def _locality(person_area: np.ndarray, post_area: np.ndarray,
              village_post: np.ndarray) -> np.ndarray:
    """Taste for staying near home: own township area up, other grassroots areas down."""
    grassroots_person = person_area[:, None] >= 0
    grassroots_post = post_area[None, :] >= 0
    same = grassroots_person & (person_area[:, None] == post_area[None, :])
    elsewhere = grassroots_person & grassroots_post & ~same
    away = np.where(village_post[None, :], 1.5, 1.0)
    return np.where(same, 0.8, 0.0) - np.where(elsewhere, away, 0.0) - np.where(
        ~grassroots_person & village_post[None, :], 1.0, 0.0)


def _list_lengths(people: People, rows: np.ndarray, max_choices: int,
                  rng: np.random.Generator) -> np.ndarray:
    """How many choices each applicant lists: recruits list more."""
    sizes = np.arange(1, max_choices + 1)
    recruit_p = sizes / sizes.sum()
    anyone_p = np.ones(max_choices) / max_choices
    recruit = rng.choice(sizes, size=len(rows), p=recruit_p)
    other = rng.choice(sizes, size=len(rows), p=anyone_p)
    return np.where(people.recruit[rows], recruit, other)


def draw_rankings(people: People, choices: ChoiceDraw, n_posts: int, ranked_share: float,
                  rng: np.random.Generator) -> ChoiceDraw:
    """Panel ranks of every applicant at the posts whose panel ranks (equal scores tie)."""
    ranked_post = rng.random(n_posts) < ranked_share
    keep = ranked_post[choices.post]
    person, post = choices.person[keep], choices.post[keep]
    score = (10 * people.title[person] + people.points[person] + 0.1 * people.months[person]
             + 2 * people.education[person] + rng.normal(0, 6, len(person)))
    bucket = np.floor(score / 4).astype(np.int64)
    order = np.lexsort((person, -bucket, post))
    person, post, bucket = person[order], post[order], bucket[order]
    if len(post) == 0:
        return ChoiceDraw(person, post, np.zeros(0, dtype=np.int64))
    index = np.arange(len(post))
    new_post = np.concatenate([[True], post[1:] != post[:-1]])
    new_bucket = new_post | np.concatenate([[True], bucket[1:] != bucket[:-1]])
    post_start = np.maximum.accumulate(np.where(new_post, index, 0))
    tie_start = np.maximum.accumulate(np.where(new_bucket, index, 0))
    return ChoiceDraw(person, post, tie_start - post_start + 1)


# ----------------------------------------------------------------------------- rows


def institution_rows(geo: Geography) -> list[Institution]:
    """The institutions table of a geography."""
    parent = [geo.ids[p] if p >= 0 else None for p in geo.parent.tolist()]
    tiers = [TYPE_TIER[t] for t in geo.type.tolist()]
    return [
        Institution(id=geo.ids[i], name=geo.names[i], tier=tiers[i], parent=parent[i],
                    population=int(geo.population[i]), distance_km=float(geo.distance[i]),
                    hardship=int(geo.hardship[i]), headcount_county=int(geo.headcount_county[i]),
                    headcount_grassroots=int(geo.headcount_grassroots[i]),
                    contract_places=int(geo.contract_places[i]), floor=int(geo.floor[i]),
                    fd_teams=int(geo.fd_teams[i]))
        for i in range(len(geo))
    ]


def post_ids(posts: Posts, geo: Geography) -> list[str]:
    """Post ids such as ``T01-GP-J``: institution, kind and (for graded kinds) grade."""
    return [f"{geo.ids[i]}-{KINDS[k].code}-{GRADE_SUFFIX[g]}" if not UNGRADED[k]
            else f"{geo.ids[i]}-{KINDS[k].code}"
            for i, k, g in zip(posts.inst.tolist(), posts.kind.tolist(), posts.grade.tolist())]


def post_rows(posts: Posts, geo: Geography, ids: list[str]) -> list[Post]:
    """The posts table: names, requirements, team roles and accepted disciplines."""
    roles = {"GP": TeamRole.GP, "NUR": TeamRole.NURSE, "PH": TeamRole.PUBLIC_HEALTH,
             "HM": TeamRole.HEALTH_MANAGER}
    rows = []
    tiers = geo.tier[posts.inst].tolist()
    for j, (k, g, tier) in enumerate(zip(posts.kind.tolist(), posts.grade.tolist(), tiers)):
        kind = KINDS[k]
        grade = TITLES[g]
        role = roles.get(kind.code, TeamRole.NONE) if tier == 1 else TeamRole.NONE
        label = f"{kind.label}岗" if UNGRADED[k] else f"{kind.label}{grade.zh}岗"
        rows.append(Post(
            id=ids[j], institution=geo.ids[posts.inst[j]], name=label, discipline=kind.discipline,
            grade=grade, places=int(posts.places[j]), floor=int(posts.floor[j]),
            licence=post_licence(k, tier, g), min_title=Title.NONE if g <= 1 else grade,
            team_role=role, accepts=post_accepts(k, tier),
        ))
    return rows


def person_names(count: int, rng: np.random.Generator) -> list[str]:
    """Chinese names of two or three characters."""
    surname = rng.integers(0, len(SURNAMES), count)
    first = rng.integers(0, len(GIVEN), count)
    second = rng.integers(-len(GIVEN) // 2, len(GIVEN), count)
    return [SURNAMES[s] + GIVEN[a] + (GIVEN[b] if b >= 0 else "")
            for s, a, b in zip(surname.tolist(), first.tolist(), second.tolist())]


def person_ids(people: People) -> list[str]:
    """Person ids: ``P`` for incumbents, ``C`` for city-dispatched staff, ``R`` for recruits."""
    width = max(4, len(str(len(people))))
    prefix = np.where(people.recruit, "R", np.where(people.dispatched, "C", "P"))
    return [f"{p}{i + 1:0{width}d}" for i, p in enumerate(prefix.tolist())]


def staff_rows(people: People, ids: list[str], names: list[str],
               posts_ids: list[str]) -> list[Staff]:
    """The staff table of the drawn people."""
    rows = []
    columns = zip(
        ids, names, people.discipline.tolist(), people.title.tolist(), people.licence.tolist(),
        people.education.tolist(), people.residency.tolist(), people.pool.tolist(),
        people.post.tolist(), people.months.tolist(), people.promotion.tolist(),
        people.recruit.tolist(), people.dispatched.tolist(), people.dispatch_months.tolist(),
        people.points.tolist(), people.hire_year.tolist(),
    )
    for (pid, name, disc, title, lic, edu, res, pool, post, months, promo, recruit, sent,
         sent_months, points, hired) in columns:
        rows.append(Staff(
            id=pid, name=name, discipline=DISCIPLINES[disc], title=TITLES[title],
            licence=LICENCES[lic], education=EDUCATIONS[edu], residency_certificate=res,
            pool=POOLS[pool] if pool >= 0 else None,
            current_post=posts_ids[post] if post >= 0 else None, grassroots_months=months,
            promotion_candidate=promo, new_recruit=recruit, city_dispatched=sent,
            dispatch_months=sent_months, points=points, hire_year=hired,
        ))
    return rows


# ----------------------------------------------------------------------------- entry point


def generate(
    staff: int,
    seed: int,
    *,
    max_choices: int = 3,
    apply_share: float = 0.45,
    ranked_share: float = 0.75,
    recruit_share: float = 0.05,
    name: str | None = None,
    year: int = 2025,
    pay: bool = True,
    plan_years: int = 3,
) -> Instance:
    """Generate a county medical community calibrated to the public figures.

    Parameters
    ----------
    staff
        Number of people taking part (incumbents, new recruits and city-dispatched), at least 5.
    seed
        Random seed; the same seed and parameters always give the same instance.
    max_choices
        Longest choice list any person gives (at most 3 fits every policy model).
    apply_share
        Rough share of incumbents who apply for a post (township staff apply more, village
        doctors less); new recruits all apply.
    ranked_share
        Share of posts whose panel ranks its applicants explicitly; the rest are ranked by
        the policy's scoring rule.
    recruit_share
        New recruits as a share of ``staff``.
    name
        Instance name (default ``synthetic-<staff>-<seed>``).
    year
        Selection year.
    pay
        Also draw the pay tables (funds, grade and seniority tables, signed residents).
    plan_years
        Also draw the planning tables for a rotation plan of this many years (promotion
        candidates, grassroots needs, resident teams, limits, exclusions, wishes); 0: none.

    Returns
    -------
    Instance
        Institutions, posts, staff, choices and panel rankings (and pay tables), valid under
        every policy model.
    """
    if staff < MIN_STAFF:
        raise ValueError(f"staff must be at least {MIN_STAFF}, got {staff}")
    if max_choices < 1:
        raise ValueError(f"max_choices must be at least 1, got {max_choices}")
    rng = np.random.default_rng(seed)
    shape = plan_shape(staff, rng, recruit_share)
    geo, village_filled = build_geography(shape, rng)
    people = draw_incumbents(geo, shape, village_filled, rng, year)
    mark_dispatched(people, geo, shape.dispatched, rng)
    bound = mark_promotion_candidates(people, geo, rng, year)
    posts = build_posts(people, geo)
    reserve_rotation_places(people, posts, geo, bound, rng)
    bound = bound[people.months[bound] < 12]
    add_free_places(posts, geo, people, shape, rng)
    set_floors(posts, geo)
    assign_pools(people, geo, rng, year)
    set_quotas(people, geo, shape.recruits)
    set_teams(posts, geo)
    people = people.append(draw_recruits(posts, geo, shape.recruits, rng, year))
    ids = post_ids(posts, geo)
    meta = Meta(name=name or f"synthetic-{staff}-{seed}", year=year,
                description=f"synthetic county medical community: {staff} people, seed {seed}")
    draft = Instance(
        meta=meta, institutions=institution_rows(geo), posts=post_rows(posts, geo, ids),
        staff=staff_rows(people, person_ids(people), person_names(len(people), rng), ids),
    )
    eligible = _eligible(draft)
    applies, scope = choose_applicants(people, geo, bound, apply_share, rng)
    choices = draw_choices(people, posts, geo, eligible, applies, scope, max_choices, rng)
    ranks = draw_rankings(people, choices, len(posts), ranked_share, rng)
    instance = Instance(
        meta=meta, institutions=draft.institutions, posts=draft.posts, staff=draft.staff,
        choices=_choice_rows(draft, choices), rankings=_rank_rows(draft, ranks),
    )
    if pay:
        instance = with_pay_tables(instance, seed)
    return with_plan_tables(instance, seed, plan_years) if plan_years > 0 else instance


def with_pay_tables(instance: Instance, seed: int) -> Instance:
    """The instance with generated pay tables (funds, pay grades, signed residents)."""
    return add_pay_tables(instance, seed)


def with_plan_tables(instance: Instance, seed: int, years: int) -> Instance:
    """The instance with generated planning tables (see `staffing.planning.synth`)."""
    return add_plan_tables(instance, seed, years)


def _eligible(instance: Instance) -> np.ndarray:
    return requirement_matrix(instance.arrays)


def _choice_rows(instance: Instance, draw: ChoiceDraw) -> list[Choice]:
    people, posts = instance.staff, instance.posts
    order = np.lexsort((draw.rank, draw.person))
    return [Choice(person=people[i].id, rank=r, post=posts[j].id)
            for i, j, r in zip(draw.person[order].tolist(), draw.post[order].tolist(),
                               draw.rank[order].tolist())]


def _rank_rows(instance: Instance, draw: ChoiceDraw) -> list[PanelRank]:
    people, posts = instance.staff, instance.posts
    return [PanelRank(post=posts[j].id, person=people[i].id, rank=r)
            for i, j, r in zip(draw.person.tolist(), draw.post.tolist(), draw.rank.tolist())]
