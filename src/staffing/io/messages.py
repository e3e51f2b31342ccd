"""Validation errors in the user's terms, in English and Chinese, never the library's wording.

Pydantic reports a bad cell as ``{"type": "int_parsing", "msg": "Input should be a
valid integer, ..."}``. `describe` turns each error type into a short message and what
would be valid, in both languages; errors raised by the project's own validators
(`staffing.errors.Invalid`, `cell_error`) carry both texts themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from staffing.domain.enums import Coded
from staffing.errors import ArgumentError, Invalid, Problem


@dataclass(frozen=True)
class Wording:
    """A message and what would be valid, in English and Chinese."""

    message: str
    message_zh: str
    expected: str | None = None
    expected_zh: str | None = None


_BOUND_WORDS = {"ge": (">=", "不小于"), "gt": (">", "大于"), "le": ("<=", "不大于"),
                "lt": ("<", "小于")}

# error type -> (message, message_zh, expected, expected_zh); None: no expectation to add
_PLAIN: dict[str, tuple[str, str, str | None, str | None]] = {
    "int_parsing": ("not a whole number", "不是整数", "a whole number", "整数"),
    "int_type": ("not a whole number", "不是整数", "a whole number", "整数"),
    "int_from_float": ("not a whole number", "不是整数", "a whole number", "整数"),
    "float_parsing": ("not a number", "不是数字", "a number", "数字"),
    "float_type": ("not a number", "不是数字", "a number", "数字"),
    "decimal_parsing": ("not a number", "不是数字", "a number", "数字"),
    "finite_number": ("not a finite number", "不是有限的数", "a number", "数字"),
    "bool_parsing": ("not a yes/no value", "不是“是/否”值", "yes or no (是 / 否)",
                     "是或否（yes / no）"),
    "bool_type": ("not a yes/no value", "不是“是/否”值", "yes or no (是 / 否)",
                  "是或否（yes / no）"),
    "string_type": ("not text", "不是文本", "text", "文本"),
    "list_type": ("not a list", "不是列表", "a list", "列表"),
    "dict_type": ("not a mapping of keys", "不是键值映射", "a mapping of keys", "键值映射"),
    "model_type": ("not a mapping of keys", "不是键值映射", "a mapping of keys", "键值映射"),
    "model_attributes_type": ("not a mapping of keys", "不是键值映射", "a mapping of keys",
                              "键值映射"),
    "string_too_long": ("too long", "太长", "an id of 1 to 64 characters",
                        "1 到 64 个字符的编号"),
    "too_long": ("too long", "太长", "an id of 1 to 64 characters", "1 到 64 个字符的编号"),
    "string_too_short": ("too short", "太短", "an id of 1 to 64 characters",
                         "1 到 64 个字符的编号"),
    "too_short": ("too short", "太短", "at least one value", "至少一个值"),
    "enum": ("not one of the allowed values", "不是允许的取值", None, None),
    "literal_error": ("not one of the allowed values", "不是允许的取值", None, None),
    "extra_forbidden": ("unknown field", "未知字段", None, None),
    "none_required": ("must be left blank", "必须留空", "a blank cell", "空白"),
}


def bound_wording(ctx: dict[str, Any]) -> tuple[str, str] | None:
    """The bound a number broke, in words (``ge`` 0 -> 'a number >= 0', '不小于 0 的数')."""
    found = [(f"{words[0]} {_number(ctx[key])}", f"{words[1]} {_number(ctx[key])}")
             for key, words in _BOUND_WORDS.items() if key in ctx]
    if not found:
        return None
    return ("a number " + " and ".join(en for en, _ in found),
            "，".join(zh for _, zh in found) + " 的数")


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) and abs(value) >= 10_000 else str(value)


def coded_choices(coded: type[Coded]) -> tuple[str, str]:
    """The valid values of a coded column: 'one of a, b', '以下之一：a（甲）、b（乙）'."""
    return "one of " + coded.choices(), coded.choices_zh()


def describe(item: ErrorDetails, *, field: str | None = None,
             coded: type[Coded] | None = None, is_flag: bool = False) -> Wording:
    """One pydantic error as a message and an expectation in both languages.

    ``field`` names the column or parameter (for 'is required'); ``coded`` and ``is_flag``
    say what the column accepts, when it is a coded value or a yes/no flag.
    """
    kind = item["type"]
    ctx = item.get("ctx") or {}
    error = ctx.get("error")
    if isinstance(error, Invalid):
        return Wording(error.message, error.message_zh, error.expected or _expected(coded),
                       error.expected_zh or _expected_zh(coded))
    if kind == "row_rule":
        return Wording(item["msg"], str(ctx.get("zh") or item["msg"]))
    if kind == "missing":
        name = field or "this value"
        return Wording(f"'{name}' is required", f"必须填写「{name}」", "a value", "一个值")
    bound = bound_wording(ctx)
    if bound is not None and kind.endswith(("_than", "_than_equal")):
        small = kind.startswith("greater")
        return Wording("too small" if small else "too large", "数值太小" if small else "数值太大",
                       *bound)
    if kind in _PLAIN:
        message, message_zh, expected, expected_zh = _PLAIN[kind]
        if is_flag and expected is None:
            expected, expected_zh = _PLAIN["bool_parsing"][2:]
        if kind in ("enum", "literal_error") and ctx.get("expected"):
            expected = expected_zh = f"{ctx['expected']}"
        return Wording(message, message_zh, expected or _expected(coded),
                       expected_zh or _expected_zh(coded))
    if isinstance(error, ValueError):
        return Wording(str(error), f"取值无效：{error}", _expected(coded), _expected_zh(coded))
    return Wording("invalid value", "取值无效", _expected(coded), _expected_zh(coded))


def _expected(coded: type[Coded] | None) -> str | None:
    return coded_choices(coded)[0] if coded is not None else None


def _expected_zh(coded: type[Coded] | None) -> str | None:
    return coded_choices(coded)[1] if coded is not None else None


def argument_error(function: str, error: ValidationError) -> ArgumentError:
    """A refused options object (such as `SolveParams`) as an `ArgumentError`, each bad field
    named with what it takes, in both languages."""
    problems = []
    for item in error.errors():
        name = ".".join(str(part) for part in item["loc"]) or "options"
        wording = describe(item, field=name)
        problems.append(Problem(function, f"argument '{name}': {wording.message}", "argument",
                                column=name, value=repr(item.get("input"))[:80],
                                expected=wording.expected,
                                message_zh=f"参数 {name}：{wording.message_zh}",
                                expected_zh=wording.expected_zh))
    return ArgumentError(problems)
