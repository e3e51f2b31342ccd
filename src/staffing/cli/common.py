"""What every command shares: the consoles, located problems, exit codes, loading inputs.

Exit codes: 0 success; 1 a hard rule is violated (check) or no roster or pay
plan exists (solve, pay); 2 bad input, with every problem located; 3 an
internal error.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from functools import wraps
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from staffing.domain.violation import Violation
from staffing.errors import InfeasibleError, InputError, Problem, StaffingError

console = Console()
err_console = Console(stderr=True)


def print_problems(problems: list[Problem]) -> None:
    """Print problems as a table: where, what, got, expected."""
    table = Table(title=f"{sum(p.severity == 'error' for p in problems)} error(s), "
                  f"{sum(p.severity == 'warning' for p in problems)} warning(s)")
    for col in ("", "where", "problem", "got", "expected"):
        table.add_column(col, overflow="fold")
    for p in problems:
        mark = "[red]error[/]" if p.severity == "error" else "[yellow]warning[/]"
        table.add_row(mark, escape(p.location()), escape(p.message),
                      "" if p.value is None else escape(str(p.value)), escape(p.expected or ""))
    err_console.print(table)


def guarded(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn engine errors into located messages and exit codes, never tracebacks."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except InputError as error:
            print_problems(error.problems)
            raise typer.Exit(2) from None
        except InfeasibleError as error:
            err_console.print(f"[red]infeasible[/]: {escape(str(error.explanation))}")
            raise typer.Exit(1) from None
        except StaffingError as error:
            err_console.print(f"[red]error[/]: {escape(str(error))}")
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

    return wrapper


def report_language(lang: str) -> str:
    """The language a report opens in, checked: ``zh`` or ``en``."""
    if lang not in ("zh", "en"):
        raise InputError([Problem("--lang", "unknown report language", "option", value=lang,
                                  expected="zh or en")])
    return lang


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
