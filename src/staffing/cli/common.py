"""What every command shares: the consoles, located problems, exit codes, loading inputs.

Exit codes: 0 success; 1 a hard rule is violated (check) or no roster or pay
plan exists (solve, pay); 2 bad input, with every problem located; 3 an
internal error.
"""

from __future__ import annotations

import inspect
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from functools import wraps
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from staffing.cli.args import LangOpt
from staffing.domain.clock import RunClock
from staffing.domain.violation import Violation
from staffing.errors import LANGS, InfeasibleError, InputError, Lang, Problem, StaffingError

console = Console()
err_console = Console(stderr=True)


def locale_lang(environ: Mapping[str, str] = os.environ) -> Lang:
    """The language of the user's locale: zh for a Chinese locale, else en."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


class Messages:
    """The language messages are printed in for the running command."""

    lang: Lang = "en"


def message_language(lang: str | None) -> Lang:
    """A --lang value checked (zh or en); None gives the locale's language."""
    if lang is None:
        return locale_lang()
    if lang not in LANGS:
        raise InputError([Problem("--lang", "unknown language", "option", value=lang,
                                  expected="zh or en", message_zh="未知的语言",
                                  expected_zh="zh 或 en")])
    return lang  # type: ignore[return-value]


def page_language(lang: str | None) -> Lang:
    """The language a report page opens in: the --lang given, else Chinese."""
    return message_language(lang) if lang is not None else "zh"


_HEADINGS = {"en": ("where", "problem", "got", "expected", "error", "warning"),
             "zh": ("位置", "问题", "实际值", "应为", "错误", "警告")}


def print_problems(problems: list[Problem], lang: Lang | None = None) -> None:
    """Print problems as a table: where, what, got, expected (in ``lang``, default the run's)."""
    lang = lang or Messages.lang
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    title = (f"{errors} 个错误，{warnings} 个警告" if lang == "zh"
             else f"{errors} error(s), {warnings} warning(s)")
    where, what, got, expected, error, warning = _HEADINGS[lang]
    table = Table(title=title)
    for col in ("", where, what, got, expected):
        table.add_column(col, overflow="fold")
    for p in problems:
        mark = f"[red]{error}[/]" if p.severity == "error" else f"[yellow]{warning}[/]"
        table.add_row(mark, escape(p.location(lang)), escape(p.text(lang)),
                      "" if p.value is None else escape(str(p.value)),
                      escape(p.expected_text(lang) or ""))
    err_console.print(table)


def guarded(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn engine errors into located messages and exit codes, never tracebacks.

    Every guarded command takes ``--lang`` (zh or en) for its messages: a command that
    declares a ``lang`` parameter receives it, others get it added.
    """
    signature = inspect.signature(command, eval_str=True)  # typer reads the evaluated types
    declared = "lang" in signature.parameters

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            Messages.lang = message_language(
                kwargs.get("lang") if declared else kwargs.pop("lang", None))
            return command(*args, **kwargs)
        except InputError as error:
            print_problems(error.problems)
            raise typer.Exit(2) from None
        except InfeasibleError as error:
            err_console.print(f"[red]infeasible[/]: {escape(str(error.explanation))}")
            raise typer.Exit(1) from None
        except StaffingError as error:
            err_console.print(f"[red]error[/]: {escape(error.text(Messages.lang))}")
            raise typer.Exit(2) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as error:  # a bug: say so plainly, no traceback
            err_console.print(f"[red]internal error[/]: {type(error).__name__}: "
                              f"{escape(str(error))}. "
                              "Please report it with the command and inputs used.")
            if "--debug" in sys.argv or kwargs.get("debug"):
                raise
            raise typer.Exit(3) from None

    if not declared:
        lang = inspect.Parameter("lang", inspect.Parameter.KEYWORD_ONLY, default=None,
                                 annotation=LangOpt)
        wrapper.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[*signature.parameters.values(), lang])
    return wrapper


_ENTRY: dict[str, float] = {}  # when the process started, on the clock (set by `main`)


def note_process_start() -> None:
    """Remember when this process started (Linux: /proc; else now), for `run_clock`.

    Called by the ``staffing`` command's entry point, so a run's time limit counts the
    interpreter's start and the imports too; in-process callers (tests) start at the call.
    """
    ago = 0.0
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        started = int(fields[19]) / ticks  # field 22: start time, in ticks since boot
        ago = max(0.0, time.clock_gettime(time.CLOCK_BOOTTIME) - started)
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    _ENTRY["started"] = time.perf_counter() - ago


def run_clock(limit: float | None) -> RunClock:
    """The clock of a command's run: started when the process started (see
    `note_process_start`), or now; the time before the command is its ``start`` step."""
    clock = RunClock(limit)
    started = _ENTRY.pop("started", None)
    if started is not None and started < clock.started:
        clock.add("start", clock.started - started)
        clock.started = started
    return clock


def examples(violations: Sequence[Violation], show: int) -> str:
    """The first ``show`` violations' messages, one a line, and how many more there are."""
    more = len(violations) - show
    return "\n".join(escape(v.message) for v in violations[:show]) + (
        f"\n... {more} more" if more > 0 else "")


def stages_table(title: str, stages: Mapping[str, Any]) -> Table:
    """A table of objective stages and their recomputed values."""
    table = Table(title=title)
    table.add_column("stage")
    table.add_column("value")
    for key, value in stages.items():
        table.add_row(key, escape(str(value)))
    return table
