"""A broken rule instance, in the user's terms (shared by allocation, pay and plan rules)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Violation:
    """One broken rule instance, in the user's terms.

    ``amount`` is the size of the breach in the rule's unit (people, places,
    villages); for soft rules it is the shortfall counted by the soft-floor stage.
    """

    rule: str
    message: str
    hard: bool = True
    amount: int = 1
    people: tuple[str, ...] = ()
    posts: tuple[str, ...] = ()
    institutions: tuple[str, ...] = ()
    numbers: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "hard": self.hard,
            "amount": self.amount,
            "message": self.message,
            "people": ";".join(self.people),
            "posts": ";".join(self.posts),
            "institutions": ";".join(self.institutions),
        }
