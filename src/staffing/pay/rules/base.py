"""What every pay rule knows: name, labels, parameters, input checks, emission, check, words.

A pay rule is one module with one `PayRule` subclass. Two kinds:

- **line** rules define a pay line a person is entitled to from the inputs
  alone (base pay, allowances, subsidies, separately set pay) or, for
  ``performance``, the schedule the solver fills in; they charge their fund;
- **constraint** rules bound the plan (budget, reward share, tier ratio,
  income gap, monotone points, no loss on rotation, living floor).

The engine, the checker and the explainer loop over the catalogue in
`staffing.pay.rules`; none of them knows a rule by name: what the pay facts,
the model and the explainer need of a particular rule they ask every rule
through the hooks below (default: nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeVar

import numpy as np

from staffing.catalogue import CatalogueEntry, EntryParams
from staffing.domain.enums import Tier
from staffing.domain.violation import Violation
from staffing.errors import Problem
from staffing.pay.codes import Fund, Line
from staffing.pay.data import PayData, fund_problem
from staffing.pay.explained import Kind, Term, amount_term, explained, person_name

if TYPE_CHECKING:
    from staffing.pay.explained import ExplainedLine
    from staffing.pay.model import PayModel
    from staffing.pay.view import PayView


PAY_MARGIN = 0.04  # yuan: comparable pay has 4 rounded lines (basic, reward, surplus, top-up)
LINE_MARGIN = 0.01  # yuan: one rounded line


class PayParams(EntryParams):
    """Parameters every pay rule has; each rule extends this with its own."""


class FundParams(PayParams):
    """Parameters of a line paid from one fund (each line sets its own default)."""

    fund: Fund


@dataclass(frozen=True)
class Factor:
    """One coefficient a pay class's post coefficient is multiplied by, named in both languages."""

    name: str
    zh: str
    en: str
    value: float


ParamsT = TypeVar("ParamsT", bound=PayParams)
FundParamsT = TypeVar("FundParamsT", bound=FundParams)


@dataclass(frozen=True)
class Reach:
    """A rule parameter the explainer may move to find the value a budget can reach.

    ``direction`` says which way makes the rule harder (``max``: higher is
    harder, so the explainer reports the highest reachable value);
    ``neutral`` is a value at which the rule cannot bind; ``step`` is one unit
    of the target (what `staffing.pay.sensitivity` prices); ``figure`` the
    plan figure the target is held against.
    """

    param: str
    direction: Literal["max", "min"]
    neutral: float
    label: str
    step: float = 0.01
    figure: str = ""


class PayRule(CatalogueEntry[ParamsT]):
    """Base of every pay rule. Subclasses set the class attributes and override what applies."""

    Params: ClassVar[type[PayParams]] = PayParams
    kind: ClassVar[Literal["line", "constraint"]] = "constraint"
    default_on: ClassVar[bool] = False  # on unless the policy switches it off with ``null``
    reach: ClassVar[Reach | None] = None
    is_budget: ClassVar[bool] = False  # the fund limits: always kept, relaxed by extra budget
    pays_separately: ClassVar[bool] = False  # some people are paid outside the pool
    nonnegative_point_values: ClassVar[bool] = False  # point values are >= 0 under this rule

    # -- inputs --------------------------------------------------------------------------

    def validate(self, data: PayData) -> list[Problem]:
        """Problems of the pay inputs under this rule (missing funds, tables, rows)."""
        return []

    def entitlements(self, data: PayData) -> list[tuple[Line, Fund | None, np.ndarray]]:
        """A line rule's fixed lines: line, the fund paying it, each person's amount in fen."""
        return []

    def reachable(self) -> Reach | None:
        """The parameter the explainer may move when this rule is in a conflict."""
        return self.reach

    def variable_lines(self) -> dict[Line, Fund]:
        """The lines the solver sets for this rule, each with the fund paying it."""
        return {}

    def class_factors(self, tier: Tier, hardship: int) -> list[Factor]:
        """What this rule multiplies a pay class's post coefficient by (tier, hardship)."""
        return []

    def basic_share(self) -> float | None:
        """The share of the performance pool paid as basic performance pay, if this rule says."""
        return None

    def surplus_class(self, tier: Tier) -> bool:
        """Whether the pay classes of ``tier`` share the surplus award under this rule."""
        return False

    # -- model ---------------------------------------------------------------------------

    def emit(self, model: PayModel) -> None:
        """Add this rule's constraints to the pay model."""

    def settle(self, data: PayData, amounts: dict[Line, np.ndarray]) -> dict[Line, np.ndarray]:
        """Lines this rule computes from the plan's other finished lines (fen); default none."""
        return {}

    # -- check ---------------------------------------------------------------------------

    def check(self, view: PayView) -> list[Violation]:
        """Every violation of this rule by a pay plan, recomputed from the inputs and lines."""
        return []

    def figures(self, view: PayView) -> dict[str, Any]:
        """Figures this rule reports on a plan (ratios, shares), for reports and the checker."""
        return {}

    @classmethod
    def figures_when_off(cls, view: PayView) -> dict[str, Any]:
        """Figures shown for a plan whose policy does not hold this rule (default: none)."""
        return {}

    def explain(self, view: PayView) -> list[ExplainedLine]:
        """The lines this rule sets, each explained with its numbers (`staffing.pay.explained`)."""
        return []


class FixedLine(PayRule[FundParamsT]):
    """A line each person is entitled to from the inputs alone, paid from ``params.fund``.

    Subclasses set ``line`` and ``paid_as`` (the line in words, for a missing
    fund) and define `amounts`.
    """

    kind = "line"
    line: ClassVar[Line]
    paid_as: ClassVar[str]

    def amounts(self, data: PayData) -> np.ndarray:
        """Each paid person's amount of the line, in fen."""
        raise NotImplementedError

    def validate(self, data: PayData) -> list[Problem]:
        if not self.amounts(data).any():
            return []
        return fund_problem(data, self.params.fund, self.paid_as)

    def entitlements(self, data: PayData) -> list[tuple[Line, Fund | None, np.ndarray]]:
        return [(self.line, self.params.fund, self.amounts(data))]

    def check(self, view: PayView) -> list[Violation]:
        return view.fixed_mismatches(self, (self.line,))

    def terms(self, data: PayData, i: int, fen: int) -> tuple[Kind, list[Term], str, str]:
        """How person ``i``'s line of ``fen`` is made: kind, terms and a note (zh, en)."""
        return "given", [amount_term(self.line.value, self.line.zh, self.paid_as, fen)], "", ""

    def explain(self, view: PayView) -> list[ExplainedLine]:
        data = view.data
        amounts = view.amount(self.line)
        out = []
        for i in np.flatnonzero(amounts != 0):
            kind, terms, zh, en = self.terms(data, int(i), int(amounts[i]))
            out.append(explained(*person_name(data, int(i)), self.line, kind, terms,
                                 amount_fen=int(amounts[i]), fund=self.params.fund,
                                 rule=self.name, note_zh=zh, note_en=en))
        return out
