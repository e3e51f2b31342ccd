"""Every error the engine raises, with messages that say what, where and how to fix.

Input problems are collected, never raised one at a time: `InputError` carries
every `Problem` found, each located by source (file or sheet), row, column and
value, with what would have been valid.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")


@dataclass(frozen=True)
class Problem:
    """One located problem in an input, in English and Chinese.

    ``row`` counts as a spreadsheet does: the header is row 1, the first data
    row is row 2. ``kind`` is a stable machine-readable code. ``message_zh`` and
    ``expected_zh`` are the Chinese of ``message`` and ``expected``.
    """

    source: str
    message: str
    kind: str = "invalid"
    row: int | None = None
    column: str | None = None
    value: Any = None
    expected: str | None = None
    severity: Literal["error", "warning"] = "error"
    message_zh: str = ""
    expected_zh: str | None = None

    def location(self, lang: Lang = "en") -> str:
        """Where the problem is, in words: source, row and column."""
        if lang == "zh":
            parts = [self.source]
            if self.row is not None:
                parts.append(f"第 {self.row} 行")
            if self.column:
                parts.append(f"列「{self.column}」")
            return "，".join(parts)
        parts = [self.source]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts)

    def text(self, lang: Lang = "en") -> str:
        """What the problem is, in one language: ``message`` or ``message_zh``."""
        return self.message_zh or self.message if lang == "zh" else self.message

    def expected_text(self, lang: Lang = "en") -> str | None:
        """What would be valid, in one language."""
        return self.expected_zh or self.expected if lang == "zh" else self.expected

    def line(self, lang: Lang = "en") -> str:
        """The whole problem as one line: where, what, the value found and what is valid."""
        got, want, sep = ("实际值", "应为", "：") if lang == "zh" else ("got", "expected", ": ")
        text = f"{self.location(lang)}{sep}{self.text(lang)}"
        if self.value not in (None, ""):
            text += f" ({got} {self.value!r})"
        expected = self.expected_text(lang)
        if expected:
            text += f"; {want} {expected}"
        return text

    def __str__(self) -> str:
        return self.line("en")

    def to_dict(self) -> dict[str, Any]:
        """The problem's fields, for JSON outputs."""
        return asdict(self)


class Invalid(ValueError):
    """A value refused by a row or parameter validator, in English and Chinese.

    Raised inside pydantic validators; `staffing.io.tables` turns it into a
    located `Problem` carrying both texts.
    """

    def __init__(self, message: str, message_zh: str, *, expected: str | None = None,
                 expected_zh: str | None = None):
        super().__init__(message)
        self.message = message
        self.message_zh = message_zh
        self.expected = expected
        self.expected_zh = expected_zh


class StaffingError(Exception):
    """Base of every error the engine raises on purpose; ``message_zh``, when given, says the
    same in Chinese."""

    def __init__(self, *args: object, message_zh: str = ""):
        super().__init__(*args)
        self.message_zh = message_zh

    def text(self, lang: Lang = "en") -> str:
        """The message in one language (English when no Chinese was given)."""
        return self.message_zh if lang == "zh" and self.message_zh else str(self)


class InputError(StaffingError):
    """Bad input: carries every problem found, errors first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: p.severity != "error")
        errors = [p for p in self.problems if p.severity == "error"]
        head = f"{len(errors)} problem(s) in the input"
        lines = [p.line() for p in errors[:20]]
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


class ArgumentError(InputError, TypeError, ValueError):
    """A library function was called with an argument it cannot use (its type or its value).

    Each problem names the function as its source and the argument as its column; a
    `TypeError` and a `ValueError` too, for callers that catch those.
    """


def argument_problem(function: str, name: str, value: Any, expected: str,
                     expected_zh: str) -> Problem:
    """A bad argument ``name`` of ``function``: what it got and what it takes."""
    shown = repr(value)
    shown = shown if len(shown) <= 80 else shown[:77] + "..."
    return Problem(function, f"argument '{name}' cannot be {shown}", "argument", column=name,
                   value=shown, expected=expected, message_zh=f"参数 {name} 不能是 {shown}",
                   expected_zh=expected_zh)


def check_types(function: str, checks: list[tuple[str, Any, Any, str, str]]) -> None:
    """Raise `ArgumentError` for every ``(name, value, types, expected, expected_zh)`` whose
    value is not an instance of ``types``."""
    problems = [argument_problem(function, name, value, expected, expected_zh)
                for name, value, types, expected, expected_zh in checks
                if not isinstance(value, types)]
    if problems:
        raise ArgumentError(problems)


class PolicyError(InputError):
    """A policy model that cannot be used as written."""


class InfeasibleError(StaffingError):
    """No roster or pay plan satisfies the hard rules; ``explanation`` says why."""

    def __init__(self, explanation: Any):
        self.explanation = explanation
        super().__init__(str(explanation))


class TimeLimitError(StaffingError):
    """The time limit ran out before any roster was found (``step``: where the run stopped).

    A run that stops so still writes its manifest (what ran, how long each step took)."""

    def __init__(self, message: str, step: str = "solve", *, message_zh: str = ""):
        self.step = step
        super().__init__(message, message_zh=message_zh)


class Cancelled(Exception):
    """The run was stopped on request (`staffing.domain.clock.StopToken`); nothing it wrote is
    kept. Not a `StaffingError`: no handler of the engine's own errors may swallow it."""


def raise_if_errors(problems: list[Problem], error_type: type[InputError] = InputError) -> None:
    """Raise ``error_type`` when any problem is an error (warnings pass)."""
    if any(p.severity == "error" for p in problems):
        raise error_type(problems)
