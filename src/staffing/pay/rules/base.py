"""What every pay rule knows: name, labels, parameters, input checks, emission, check, words.

A pay rule is one module with one `PayRule` subclass. Two kinds:

- **line** rules define a pay line a person is entitled to from the inputs
  alone (base pay, allowances, subsidies, separately set pay) or, for
  ``performance``, the schedule the solver fills in; they charge their fund;
- **constraint** rules bound the plan (budget, reward share, tier ratio,
  income gap, monotone points, no loss on rotation, living floor).

The engine, the checker and the explainer loop over the catalogue in
`staffing.pay.rules`; none of them knows a rule by name. This module imports
nothing heavy: `staffing.domain.policy` imports the parameter models.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

from staffing.pay.codes import Fund

if TYPE_CHECKING:
    import numpy as np

    from staffing.errors import Problem
    from staffing.pay.check import PayView
    from staffing.pay.codes import Line
    from staffing.pay.data import PayData
    from staffing.pay.model import PayModel
    from staffing.rules.base import Violation


PAY_MARGIN = 0.04  # yuan: comparable pay has 4 rounded lines (basic, reward, surplus, top-up)
LINE_MARGIN = 0.01  # yuan: one rounded line


class PayParams(BaseModel):
    """Parameters every pay rule has; each rule extends this with its own."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = ""


class FundParams(PayParams):
    """Parameters of a line paid from one fund (each line sets its own default)."""

    fund: Fund


ParamsT = TypeVar("ParamsT", bound=PayParams)
FundParamsT = TypeVar("FundParamsT", bound=FundParams)


@dataclass(frozen=True)
class Reach:
    """A rule parameter the explainer may move to find the value a budget can reach.

    ``direction`` says which way makes the rule harder (``max``: higher is
    harder, so the explainer reports the highest reachable value);
    ``neutral`` is a value at which the rule cannot bind.
    """

    param: str
    direction: Literal["max", "min"]
    neutral: float
    label: str


class PayRule(Generic[ParamsT]):
    """Base of every pay rule. Subclasses set the class attributes and override what applies."""

    name: ClassVar[str]
    label_zh: ClassVar[str]
    label_en: ClassVar[str]
    description: ClassVar[str]
    Params: ClassVar[type[PayParams]] = PayParams
    kind: ClassVar[Literal["line", "constraint"]] = "constraint"
    always_on: ClassVar[bool] = False
    reach: ClassVar[Reach | None] = None

    def __init__(self, params: ParamsT):
        self.params = params

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.params!r})"

    @property
    def label(self) -> str:
        return f"{self.label_en} ({self.label_zh})"

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

    # -- model ---------------------------------------------------------------------------

    def emit(self, model: PayModel) -> None:
        """Add this rule's constraints to the pay model."""

    # -- check ---------------------------------------------------------------------------

    def check(self, view: PayView) -> list[Violation]:
        """Every violation of this rule by a pay plan, recomputed from the inputs and lines."""
        return []

    def figures(self, view: PayView) -> dict[str, Any]:
        """Figures this rule reports on a plan (ratios, shares), for reports and the checker."""
        return {}

    def violation(self, message: str, **fields: Any) -> Violation:
        from staffing.rules.base import Violation

        return Violation(rule=self.name, message=message, hard=True, **fields)

    def with_param(self, **changes: Any) -> ParamsT:
        """These parameters with some changed (validated)."""
        return type(self.params).model_validate({**self.params.model_dump(), **changes})


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
        from staffing.pay.data import fund_problem

        return fund_problem(data, self.params.fund, self.paid_as)

    def entitlements(self, data: PayData) -> list[tuple[Line, Fund | None, np.ndarray]]:
        return [(self.line, self.params.fund, self.amounts(data))]

    def check(self, view: PayView) -> list[Violation]:
        return view.fixed_mismatches(self, (self.line,))
