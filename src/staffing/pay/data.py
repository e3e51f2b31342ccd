"""The pay inputs of one run as arrays: who is paid, in which pay class, with which entitlements.

Built from the instance, the roster and the policy alone (no solver), so the
engine and the independent checker see the same facts.

**Pay classes.** People on posts of the same post class (grade, or grade and
discipline) at the same tier and hardship class share one pay schedule: one
basic performance amount per head and one point value. Their points are
weighted by the same coefficient (post x tier x hardship), so within a class
more points always mean at least as much pay, equal points mean equal pay, and
every reward line reads ``points x coefficient x point value``.

**The plain points formula** splits the performance pool, net of the fixed
lines charged to it, into a basic part (``basic_share``, by post coefficient
per head) and a reward part (by weighted points at one point value ``V0``); the
surplus fund goes to grassroots staff by weighted points at ``U0``. The solver
finds the plan closest to it that meets every rule.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from staffing.domain.enums import Discipline, Tier, Title
from staffing.domain.instance import Instance
from staffing.domain.roster import Roster
from staffing.errors import InputError, PolicyError, Problem, raise_if_errors
from staffing.io.roster_io import roster_problems
from staffing.io.spec import TableSpec
from staffing.pay.codes import Fund, Line, SeparateKind
from staffing.pay.money import parse_money
from staffing.pay.rounding import exact, point_digits, weighted_fen
from staffing.pay.tables import (
    FUNDS_TABLE,
    GRADES_TABLE,
    PAY_TABLES,
    PERSONS_TABLE,
    PayPerson,
    rows,
    table_problems,
)

if TYPE_CHECKING:
    from staffing.pay.rules.base import Factor, PayRule



class PaySection(Protocol):
    """What the pay facts need of a policy's pay section (`staffing.pay.policy.PayPolicy`)."""

    @property
    def post_class(self) -> str: ...

    def rule_objects(self) -> list[PayRule]: ...


class PaySource(Protocol):
    """What the pay facts need of a policy (`staffing.policy.Policy`): its name and pay section."""

    @property
    def name(self) -> str: ...

    @property
    def pay(self) -> PaySection | None: ...


TIERS = list(Tier)
COUNTY = TIERS.index(Tier.COUNTY)
NO_CLASS = -1


def class_coefficient(post_coefficient: float, factors: tuple[Factor, ...]) -> float:
    """A post coefficient times each factor, in order (a float, for the solver)."""
    coefficient = post_coefficient
    for factor in factors:
        coefficient *= factor.value
    return coefficient


def exact_product(post_coefficient: float, factors: tuple[Factor, ...]) -> Fraction:
    """A post coefficient times each factor, as the exact decimals written in the inputs."""
    product = exact(post_coefficient)
    for factor in factors:
        product *= exact(factor.value)
    return product


@dataclass
class PayClass:
    """People sharing one pay schedule (post class x tier x hardship class)."""

    index: int
    post_class: str
    grade: Title
    tier: Tier
    hardship: int
    post_coefficient: float
    coefficient: float
    members: np.ndarray
    weight: float
    surplus: bool
    factors: tuple[Factor, ...] = ()  # what the post coefficient is multiplied by
    exact_coefficient: Fraction = Fraction(1)  # post x tier x hardship, as written
    formula_basic: float = 0.0

    @property
    def n(self) -> int:
        return len(self.members)

    @property
    def label(self) -> str:
        return f"{self.post_class}/{self.tier.value}/h{self.hardship}"

    @property
    def label_zh(self) -> str:
        """The class in Chinese: post grade (and discipline), tier, hardship class."""
        grade, _, discipline = self.post_class.partition(":")
        post = Title(grade).zh + (f"{Discipline(discipline).zh}" if discipline else "")
        return f"{post}岗位·{self.tier.zh}·艰苦边远{self.hardship}类"

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.post_class, self.tier.value, self.hardship)


@dataclass
class Plain:
    """The plain points formula: basic per post coefficient, point values V0 and U0."""

    net_pool: float  # yuan: performance fund less the fixed lines charged to it
    basic_per_coefficient: float
    point_value: float
    surplus_point_value: float


@dataclass(frozen=True)
class Schedule:
    """The exact schedule of every pay class (see `staffing.pay.rounding`).

    ``basic`` is fen per head; ``point`` and ``surplus`` are point values in
    yuan per weighted point (``surplus`` is 0 for classes without the award).
    """

    basic: list[int]
    point: list[Decimal]
    surplus: list[Decimal]


@dataclass
class PayData:
    """Every pay fact of one run, aligned with ``people`` (paid people in staff order)."""

    instance: Instance
    roster: Roster
    policy: PaySource
    pay: PaySection
    year: int
    people: list[str]
    index: dict[str, int]
    post: list[str | None]
    institution: list[str | None]
    tier: np.ndarray          # index into TIERS; -1 for no post
    grade: np.ndarray         # Title level of the post; -1 for no post
    hardship: np.ndarray
    points: np.ndarray        # float
    kind: list[SeparateKind]
    pool: np.ndarray          # bool: paid from the performance pool
    cls: np.ndarray           # pay class index; -1 outside the pool
    classes: list[PayClass]
    coefficient: np.ndarray   # weighted points per point (0 outside the pool)
    weight: np.ndarray        # weighted points (0 outside the pool)
    grassroots: np.ndarray    # bool: placed at township or village tier
    rotated: np.ndarray       # bool: home post at county tier, placed at grassroots
    home_post: list[str | None]
    person_rows: dict[str, PayPerson]
    funds: dict[Fund, int]    # fund sizes in fen (after any budget override)
    funds_given: set[Fund]
    fixed: dict[Line, np.ndarray] = field(default_factory=dict)   # fen per person
    line_fund: dict[Line, Fund | None] = field(default_factory=dict)
    plain: Plain | None = None
    reference_plain: Plain | None = None  # the formula at the instance's own fund sizes
    instance_funds: dict[Fund, int] = field(default_factory=dict)
    unplaced: list[str] = field(default_factory=list)
    budget_override: dict[Fund, int] = field(default_factory=dict)
    cache: dict[Any, Any] = field(default_factory=dict)

    # -------------------------------------------------------------------------- building

    @classmethod
    def build(cls, instance: Instance, roster: Roster, policy: PaySource,
              budget: Any = None) -> PayData:
        """Gather the pay facts; raise `InputError` listing every problem of the pay inputs."""
        pay = policy.pay
        if pay is None:
            raise PolicyError([Problem(
                policy.name or "policy", "the policy has no pay section", "no_pay_policy",
                column="pay",
                expected="a 'pay:' section with lines and rules (see models/*.yaml)",
                message_zh="政策模型没有薪酬部分（pay）",
                expected_zh="含薪酬项目和规则的 pay: 部分（见 models/*.yaml）")])
        problems = roster_problems(instance, roster.assignments)
        problems.extend(table_problems(instance))
        override, found = parse_budget(budget)
        problems.extend(found)
        raise_if_errors(problems)
        data = cls._arrays(instance, roster, policy, pay)
        data.budget_override = override
        data.funds_given = {row.fund for row in rows(instance, FUNDS_TABLE.name)}
        data.instance_funds = {row.fund: row.amount.fen
                               for row in rows(instance, FUNDS_TABLE.name)}
        data.funds = {**data.instance_funds, **override}
        data.funds_given |= set(override)
        problems = data._grade_problems()
        for rule in pay.rule_objects():
            problems.extend(rule.validate(data))
        raise_if_errors(problems)
        for rule in pay.rule_objects():
            for line, fund, amounts in rule.entitlements(data):
                data.fixed[line] = np.asarray(amounts, dtype=np.int64)
                data.line_fund[line] = fund
        for rule in pay.rule_objects():
            for line, fund in rule.variable_lines().items():
                data.line_fund[line] = fund
        data._classes()
        data._plain()
        return data

    @classmethod
    def _arrays(cls, instance: Instance, roster: Roster, policy: PaySource,
                pay: PaySection) -> PayData:
        person_rows = {r.person: r for r in rows(instance, PERSONS_TABLE.name)}
        posts = instance.post_by_id
        insts = instance.institution_by_id
        separate_on = any(rule.pays_separately for rule in pay.rule_objects())
        people: list[str] = []
        post: list[str | None] = []
        unplaced: list[str] = []
        for person in instance.staff:
            post_id = roster.post_of(person.id)
            row = person_rows.get(person.id)
            annual = (row is not None and row.separate is SeparateKind.ANNUAL_SALARY
                      and separate_on)
            if post_id is None and not annual:
                unplaced.append(person.id)
                continue
            people.append(person.id)
            post.append(post_id)
        n = len(people)
        institution = [posts[p].institution if p else None for p in post]
        tier = np.array([TIERS.index(insts[i].tier) if i else -1 for i in institution],
                        dtype=np.int64).reshape(n)
        grade = np.array([posts[p].grade.level if p else -1 for p in post],
                         dtype=np.int64).reshape(n)
        hardship = np.array([insts[i].hardship if i else 0 for i in institution],
                            dtype=np.int64).reshape(n)
        by_id = instance.person_by_id
        points = np.array([by_id[p].points for p in people], dtype=float).reshape(n)
        kind = [person_rows[p].separate if p in person_rows and separate_on else SeparateKind.NONE
                for p in people]
        pool = np.array([k is SeparateKind.NONE and t >= 0 for k, t in zip(kind, tier)],
                        dtype=bool).reshape(n)
        grassroots = tier > COUNTY
        home_post: list[str | None] = []
        rotated = np.zeros(n, dtype=bool)
        for i, pid in enumerate(people):
            row = person_rows.get(pid)
            home = row.home_post if row is not None and row.home_post else by_id[pid].current_post
            home_post.append(home)
            if (home is not None and post[i] is not None and home != post[i]
                    and instance.tier_of_post(home) is Tier.COUNTY and grassroots[i]):
                rotated[i] = True
        return cls(
            instance=instance, roster=roster, policy=policy, pay=pay, year=instance.meta.year,
            people=people, index={p: i for i, p in enumerate(people)}, post=post,
            institution=institution, tier=tier, grade=grade, hardship=hardship, points=points,
            kind=kind, pool=pool, cls=np.full(n, NO_CLASS, dtype=np.int64), classes=[],
            coefficient=np.zeros(n), weight=np.zeros(n), grassroots=grassroots, rotated=rotated,
            home_post=home_post, person_rows=person_rows, funds={}, funds_given=set(),
            unplaced=unplaced,
        )

    def _grade_problems(self) -> list[Problem]:
        grades = {row.grade.level for row in rows(self.instance, GRADES_TABLE.name)}
        needed: Counter[int] = Counter(int(g) for g in self.grade[self.base_paid()])
        for pid in self.people:
            home = self.home_post[self.index[pid]]
            if self.rotated[self.index[pid]] and home is not None:
                needed[self.instance.post_by_id[home].grade.level] += 1
        titles = list(Title)
        source = _table_source(self.instance, GRADES_TABLE)
        return [
            Problem(source, f"no pay row for post grade '{titles[g].value}', held by "
                    f"{count} paid people", "missing_grade", value=titles[g].value,
                    expected=f"a row of {GRADES_TABLE.name} with grade {titles[g].value} "
                    "(annual post wage and post coefficient)",
                    message_zh=f"岗位等级“{titles[g].zh}”没有岗位工资行，涉及 {count} 名领薪人员",
                    expected_zh=f"{GRADES_TABLE.zh}中等级为 {titles[g].value} 的一行"
                    "（岗位工资和岗位系数）")
            for g, count in sorted(needed.items()) if g not in grades
        ]

    def _classes(self) -> None:
        pay = self.pay
        grade_rows = {row.grade.level: row for row in rows(self.instance, GRADES_TABLE.name)}
        titles = list(Title)
        keys: dict[tuple[str, int, int], list[int]] = {}
        label: dict[tuple[str, int, int], tuple[str, int]] = {}
        posts = self.instance.post_by_id
        for i in np.flatnonzero(self.pool):
            post_id = self.post[i]
            assert post_id is not None  # the pool holds placed people only
            post = posts[post_id]
            pc = post.grade.value if pay.post_class == "grade" else (
                f"{post.grade.value}:{post.discipline.value}")
            key = (pc, int(self.tier[i]), int(self.hardship[i]))
            keys.setdefault(key, []).append(int(i))
            label[key] = (pc, post.grade.level)
        for index, key in enumerate(sorted(keys, key=lambda k: (label[k][1], k))):
            pc, tier_index, hard = key
            tier = TIERS[tier_index]
            grade = titles[label[key][1]]
            post_coef = grade_rows[grade.level].coefficient
            factors = self.class_factors(tier, hard)
            coef = class_coefficient(post_coef, factors)
            members = np.asarray(keys[key], dtype=np.int64)
            self.cls[members] = index
            self.coefficient[members] = coef
            self.weight[members] = coef * self.points[members]
            self.classes.append(PayClass(
                index=index, post_class=pc, grade=grade, tier=tier, hardship=hard,
                post_coefficient=post_coef, coefficient=coef, members=members,
                weight=float(self.weight[members].sum()),
                surplus=any(rule.surplus_class(tier) for rule in self.rules()),
                factors=factors,
                exact_coefficient=exact_product(post_coef, factors),
            ))

    def _plain(self) -> None:
        self.plain = self.plain_formula(self.funds)
        self.reference_plain = self.plain_formula({**self.funds, **self.instance_funds})
        for c in self.classes:
            c.formula_basic = self.plain.basic_per_coefficient * c.post_coefficient

    def plain_formula(self, funds: dict[Fund, int]) -> Plain:
        """The plain points formula for given fund sizes (fen)."""
        perf_fixed = sum(int(amounts.sum()) for line, amounts in self.fixed.items()
                         if self.line_fund.get(line) is Fund.PERFORMANCE)
        net = (funds.get(Fund.PERFORMANCE, 0) - perf_fixed) / 100
        share = next((share for rule in self.rules()
                      if (share := rule.basic_share()) is not None), 0.0)
        heads = sum(c.n * c.post_coefficient for c in self.classes)
        weight = sum(c.weight for c in self.classes)
        if weight <= 0:
            share = 1.0
        usable = max(net, 0.0)
        per_coef = share * usable / heads if heads > 0 else 0.0
        value = (1 - share) * usable / weight if weight > 0 else 0.0
        surplus_weight = sum(c.weight for c in self.classes if c.surplus)
        surplus_fund = funds.get(Fund.SURPLUS, 0) / 100 if self.surplus_on else 0.0
        u0 = surplus_fund / surplus_weight if surplus_weight > 0 else 0.0
        return Plain(net, per_coef, value, u0)

    # -------------------------------------------------------------------------- views

    @property
    def n(self) -> int:
        return len(self.people)

    def funds_in_use(self) -> list[Fund]:
        """Funds with a size or a line charged to them, in catalogue order."""
        used = set(self.funds) | {f for f in self.line_fund.values() if f is not None}
        return [f for f in Fund if f in used]

    def lines_of(self, fund: Fund) -> list[Line]:
        """The lines charged to ``fund``."""
        return [line for line, f in self.line_fund.items() if f is fund]

    @cached_property
    def exact_points(self) -> list[Fraction]:
        """Each paid person's points as the exact decimal written in the staff table."""
        return [exact(float(p)) for p in self.points.tolist()]

    @cached_property
    def point_digits(self) -> int:
        """Decimal places of the plan's point values (`staffing.pay.rounding.point_digits`)."""
        return point_digits(float(self.weight.max(initial=0.0)))

    def weighted_line(self, k: int, value: Decimal) -> np.ndarray:
        """Weighted points x ``value`` for each member of class ``k``, in fen, rounded half up."""
        c = self.classes[k]
        points = self.exact_points
        return weighted_fen((points[i] for i in c.members.tolist()),
                            c.exact_coefficient * exact(value))

    def schedule_lines(self, schedule: Schedule) -> dict[Line, np.ndarray]:
        """Basic, reward and surplus lines of every person under an exact schedule, in fen."""
        out = {line: np.zeros(self.n, dtype=np.int64)
               for line in (Line.BASIC, Line.REWARD, Line.SURPLUS)}
        for c in self.classes:
            out[Line.BASIC][c.members] = schedule.basic[c.index]
            out[Line.REWARD][c.members] = self.weighted_line(c.index, schedule.point[c.index])
            if c.surplus:
                out[Line.SURPLUS][c.members] = self.weighted_line(c.index,
                                                                  schedule.surplus[c.index])
        return out

    @property
    def surplus_on(self) -> bool:
        """Whether a rule pays the surplus award line."""
        return Line.SURPLUS in self.line_fund

    def class_factors(self, tier: Tier, hardship: int) -> tuple[Factor, ...]:
        """What each rule multiplies a post coefficient by at ``tier`` and ``hardship`` (the
        tier and hardship coefficients under the performance line), in catalogue order."""
        return tuple(f for rule in self.rules() for f in rule.class_factors(tier, hardship))

    def class_coefficient(self, post_coefficient: float, tier: Tier, hardship: int) -> float:
        """The coefficient of a pay class: the post's times every factor (post x tier x
        hardship under the performance line)."""
        return class_coefficient(post_coefficient, self.class_factors(tier, hardship))

    def base_paid(self) -> np.ndarray:
        """People paid base pay: placed at a post and not on an annual salary."""
        return (self.tier >= 0) & np.array(
            [k is not SeparateKind.ANNUAL_SALARY for k in self.kind], dtype=bool).reshape(self.n)

    def fixed_line(self, line: Line) -> np.ndarray:
        """One fixed line in fen per person (zeros if the line is not paid)."""
        found = self.fixed.get(line)
        return found if found is not None else np.zeros(self.n, dtype=np.int64)

    def comparable_fixed(self) -> np.ndarray:
        """Fixed lines that count in comparable pay, in fen per person."""
        total = np.zeros(self.n, dtype=np.int64)
        for line in (Line.BASE_POST, Line.BASE_SENIORITY, Line.ALLOWANCE, Line.FAMILY_DOCTOR):
            total += self.fixed_line(line)
        return total

    def formula_performance(self) -> np.ndarray:
        """Each pool person's performance pay under the plain formula, yuan (float)."""
        assert self.plain is not None
        out = np.zeros(self.n)
        for c in self.classes:
            out[c.members] = c.formula_basic + self.plain.point_value * self.weight[c.members]
            if c.surplus:
                out[c.members] += self.plain.surplus_point_value * self.weight[c.members]
        return out

    def lead_mask(self, compare_to: str = "lead") -> np.ndarray:
        """Pool people at the lead hospital (county institutions parent to a township).

        With ``compare_to='county'``, or when no county institution is the parent
        of a township, every county-tier institution counts.
        """
        county = (self.tier == COUNTY) & self.pool
        if compare_to == "county":
            return county
        insts = self.instance.institution_by_id
        leads = {i.parent for i in self.instance.institutions
                 if i.tier is Tier.TOWNSHIP and i.parent in insts
                 and insts[i.parent].tier is Tier.COUNTY}
        if not leads:
            return county
        return county & np.array([i in leads for i in self.institution], dtype=bool)

    def rules(self) -> list[PayRule]:
        """The pay lines and rules of the policy that are on, in catalogue order."""
        if "rules" not in self.cache:
            self.cache["rules"] = self.pay.rule_objects()
        return list(self.cache["rules"])


# ------------------------------------------------------------------------------ inputs


def parse_budget(budget: Any) -> tuple[dict[Fund, int], list[Problem]]:
    """A budget override: one amount (the performance fund) or a mapping fund -> amount."""
    if budget is None:
        return {}, []
    items = budget.items() if isinstance(budget, Mapping) else [(Fund.PERFORMANCE, budget)]
    out: dict[Fund, int] = {}
    problems = []
    for name, amount in items:
        try:
            fund = Fund.parse(name)
        except ValueError:
            problems.append(Problem("budget", "unknown fund", "unknown_fund", value=name,
                                    expected="one of " + Fund.choices(),
                                    message_zh="未知的资金类别", expected_zh=Fund.choices_zh()))
            continue
        try:
            out[fund] = parse_money(amount).fen
        except ValueError as error:
            problems.append(Problem("budget", str(error), "money", column=fund.value,
                                    value=amount, expected="yuan with at most two decimals",
                                    message_zh=getattr(error, "message_zh", "") or str(error),
                                    expected_zh="最多两位小数的金额（元）"))
    return out, problems


def _table_source(instance: Instance, spec: TableSpec) -> str:
    """Where a pay table was read from (its file and sheet names when it has no rows)."""
    if rows(instance, spec.name):
        return instance.locate(spec.name, 0)[0]
    return f"{spec.file_name} / sheet '{spec.zh}'"


def fund_problem(data: PayData, fund: Fund, needed_by: str) -> list[Problem]:
    """A problem if ``fund`` has no row in ``pay_funds`` (and no budget override)."""
    if fund in data.funds_given:
        return []
    return [Problem(_table_source(data.instance, FUNDS_TABLE),
                    f"fund '{fund.value}' ({fund.zh}) is needed by {needed_by} but has no row",
                    "missing_fund", column="fund", value=fund.value,
                    expected=f"a row of {FUNDS_TABLE.name} with fund {fund.value} and its amount",
                    message_zh=f"资金“{fund.zh}”（{fund.value}）为 {needed_by} 所需，但没有对应行",
                    expected_zh=f"{FUNDS_TABLE.zh}中资金为 {fund.value} 的一行及其金额")]


def policy_input_problems(instance: Instance, policy: PaySource) -> list[Problem]:
    """Problems of the pay inputs under a policy's pay section, for ``staffing validate``.

    Pay inputs are checked against the roster as it stands (everyone at their current post);
    a plan for another roster is checked again when it is made.
    """
    if policy.pay is None:
        return []
    if not any(rows(instance, spec.name) for spec in PAY_TABLES):
        return [Problem(
            "instance", "no pay tables: the policy's pay section needs them for 'staffing pay' "
            "(the allocation does not)", "no_pay_tables", severity="warning",
            expected=", ".join(spec.name for spec in PAY_TABLES),
            message_zh="没有薪酬表：政策的薪酬部分在 staffing pay 时需要（岗位分配不需要）",
            expected_zh="、".join(spec.zh for spec in PAY_TABLES))]
    try:
        PayData.build(instance, Roster.current(instance), policy)
    except InputError as error:
        return [p for p in error.problems if p.kind != "duplicate" or p.source != "roster"]
    return []
