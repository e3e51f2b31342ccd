"""What every entry of a catalogue knows: name, labels, parameters and how it reports a breach.

The catalogues share this base: the allocation rules (`staffing.rules`), the
pay lines and pay rules (`staffing.pay.rules`), the plan rules of multi-year
rotation planning (`staffing.planning.rules`) and, beside them, the objective
stages (`staffing.stages`). An entry is one module with one subclass; the
catalogue lists it once, and everything else loops over the catalogue.
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from staffing.domain.violation import Violation


class EntryParams(BaseModel):
    """Parameters every catalogue entry has; each entry extends this with its own."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = ""


P = TypeVar("P", bound=EntryParams)


class CatalogueEntry(Generic[P]):
    """Base of every rule, pay rule and plan rule. Subclasses set the class attributes.

    ``P`` is the entry's parameter model (its ``Params``), so ``self.params`` is typed.
    """

    name: ClassVar[str]
    label_zh: ClassVar[str]
    label_en: ClassVar[str]
    description: ClassVar[str]
    Params: ClassVar[type[EntryParams]] = EntryParams
    always_on: ClassVar[bool] = False  # on in every policy, with default parameters if not given

    def __init__(self, params: P):
        self.params: P = params

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.params!r})"

    @property
    def hard(self) -> bool:
        """Whether a breach is a hard violation."""
        return True

    @property
    def label(self) -> str:
        return f"{self.label_en} ({self.label_zh})"

    def violation(self, message: str, **fields: Any) -> Violation:
        """One breach of this entry, in the user's terms."""
        return Violation(rule=self.name, message=message, hard=self.hard, **fields)

    def with_param(self, **changes: Any) -> P:
        """These parameters with some changed (validated)."""
        return type(self.params).model_validate({**self.params.model_dump(), **changes})
