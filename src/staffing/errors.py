"""Every error the engine raises, with messages that say what, where and how to fix.

Input problems are collected, never raised one at a time: `InputError` carries
every `Problem` found, each located by source (file or sheet), row, column and
value, with what would have been valid.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal


@dataclass(frozen=True)
class Problem:
    """One located problem in an input.

    ``row`` counts as a spreadsheet does: the header is row 1, the first data
    row is row 2. ``kind`` is a stable machine-readable code.
    """

    source: str
    message: str
    kind: str = "invalid"
    row: int | None = None
    column: str | None = None
    value: Any = None
    expected: str | None = None
    severity: Literal["error", "warning"] = "error"

    def location(self) -> str:
        """Where the problem is, in words: source, row and column."""
        parts = [self.source]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        text = f"{self.location()}: {self.message}"
        if self.value not in (None, ""):
            text += f" (got {self.value!r})"
        if self.expected:
            text += f"; expected {self.expected}"
        return text

    def to_dict(self) -> dict[str, Any]:
        """The problem's fields, for JSON outputs."""
        return asdict(self)


class StaffingError(Exception):
    """Base of every error the engine raises on purpose."""


class InputError(StaffingError):
    """Bad input: carries every problem found, errors first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: p.severity != "error")
        errors = [p for p in self.problems if p.severity == "error"]
        head = f"{len(errors)} problem(s) in the input"
        lines = [str(p) for p in errors[:20]]
        if len(errors) > 20:
            lines.append(f"... and {len(errors) - 20} more")
        super().__init__("\n".join([head, *lines]))

    @property
    def errors(self) -> list[Problem]:
        """The problems that are errors."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """The problems that are warnings."""
        return [p for p in self.problems if p.severity == "warning"]


class PolicyError(InputError):
    """A policy model that cannot be used as written."""


class InfeasibleError(StaffingError):
    """No roster or pay plan satisfies the hard rules; ``explanation`` says why."""

    def __init__(self, explanation: Any):
        self.explanation = explanation
        super().__init__(str(explanation))


def raise_if_errors(problems: list[Problem], error_type: type[InputError] = InputError) -> None:
    """Raise ``error_type`` when any problem is an error (warnings pass)."""
    if any(p.severity == "error" for p in problems):
        raise error_type(problems)
