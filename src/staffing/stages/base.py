"""What every objective stage knows: its name, labels, CP-SAT objective, value and wording.

A stage is one module with one `ObjectiveStage` subclass; the catalogue
(`staffing.stages.STAGES`) lists it once. The engine asks each stage of the
policy's order for its objective on the model, the checker for its value on a
roster, the reasons for how a change of it reads. What a stage needs of the
model is written here as a ``Protocol`` (`StageModel`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

import numpy as np
from ortools.sat.python import cp_model

from staffing.domain.objective import Stage
from staffing.rules.base import Expr, Placement, RuleModel, RuleSet, is_constant

MAX_WEIGHT = 2**40  # largest weight of a weighted objective (a rank profile, merged stages)


@dataclass
class Minimise:
    """One expression a stage minimises, with what is known of it.

    ``low``/``high`` a proven range (None when unknown); ``parts`` the pairs at each rank
    (a weighted rank profile, fixed rank by rank afterwards); ``sub`` the rank when the
    profile is solved one rank at a time; ``floor_first``: the expression is nearly always
    at its floor (its least value over its variables' domains), so the engine asks for a
    roster there before it searches.
    """

    expr: Expr
    low: int | None = None
    high: int | None = None
    parts: list[np.ndarray] = field(default_factory=list)
    sub: int | None = None
    floor_first: bool = False


class StageModel(RuleModel, Protocol):
    """What a stage may use of the allocation model: the rules' model, the policy and the
    terms the rules counted in each stage."""

    @property
    def policy(self) -> RuleSet: ...

    def stage_terms(self, stage: Stage) -> list[Expr]: ...


class ObjectiveStage:
    """Base of every objective stage. Subclasses set the class attributes and the two methods.

    ``label_*`` says what the value counts (a reason reads "the number of ... would go from
    a to b"), ``short_*`` names the stage in a phrase, ``heading_*`` heads its column in a
    comparison table.
    """

    name: ClassVar[Stage]
    label_zh: ClassVar[str]
    label_en: ClassVar[str]
    short_zh: ClassVar[str]
    short_en: ClassVar[str]
    heading_zh: ClassVar[str]
    heading_en: ClassVar[str]
    quotes_breaches: ClassVar[bool] = False  # a reason quotes the new breaches it counts
    floor_first: ClassVar[bool] = False  # nearly always at its floor (see `Minimise`)

    def objectives(self, model: StageModel) -> list[Minimise]:
        """What the engine minimises for this stage: one expression, or one per sub-stage."""
        raise NotImplementedError

    def value(self, placement: Placement, soft: int) -> Any:
        """The stage's value on a roster, from the inputs alone (``soft``: the soft breaches
        of the rules counted in this stage, summed)."""
        raise NotImplementedError

    def objective_of(self, value: Any, sub: int | None = None) -> int | None:
        """The least value this stage's objective (or sub-stage ``sub``'s) takes on a roster
        whose stage value is ``value``; None when the value alone does not tell it."""
        return value if isinstance(value, int) and sub is None else None

    def worse(self, before: Any, after: Any) -> bool:
        """Whether ``after`` is worse than ``before`` (more of what it counts)."""
        return bool(after > before)

    def label(self, lang: str, short: bool = False) -> str:
        if short:
            return self.short_zh if lang == "zh" else self.short_en
        return self.label_zh if lang == "zh" else self.label_en

    def heading(self, lang: str) -> str:
        return self.heading_zh if lang == "zh" else self.heading_en

    def change(self, before: Any, after: Any, lang: str) -> str:
        """How a change of the value reads, with what it counts."""
        label = self.label(lang)
        return f"{label}将由{before}变为{after}" if lang == "zh" else \
            f"{label} would go from {before} to {after}"


def sum_terms(terms: list[Expr]) -> Expr:
    """The sum of linear terms (a plain number when none has a variable)."""
    variables = [t for t in terms if not is_constant(t)]
    constant = sum(int(t) for t in terms if is_constant(t))
    if not variables:
        return constant
    return cp_model.LinearExpr.sum(variables) + constant


def terms_high(model: StageModel, terms: list[Expr]) -> int | None:
    """Largest value of a sum of stage terms: each a 0/1 or bounded integer variable."""
    high = 0
    for term in terms:
        if is_constant(term):
            high += int(term)
        elif isinstance(term, cp_model.IntVar):
            domain = model.model.proto.variables[term.index].domain
            if domain[0] < 0:
                return None
            high += int(domain[len(domain) - 1])  # (the proto list reads no negative index)
        else:
            return None  # an expression: no cheap bound
    return high


class CountedStage(ObjectiveStage):
    """A stage that counts what the rules put in it: the breaches of the rules whose
    ``stage`` it is (and terms a rule adds of its own, as continuity's moves)."""

    def objectives(self, model: StageModel) -> list[Minimise]:
        terms = model.stage_terms(self.name)
        return [Minimise(sum_terms(terms), low=0, high=terms_high(model, terms),
                         floor_first=self.floor_first)]

    def value(self, placement: Placement, soft: int) -> Any:
        return soft
