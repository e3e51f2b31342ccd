"""The ``staffing`` command.

One module per group of commands (`allocation`: validate, check, solve;
`bundles`: report, template, convert, current-roster, generate; `pay`;
`planning`: rotation-plan, check-plan;
`scenarios`: scenario run, sweep, compare, frontier; `staffing.service.command`: serve),
the argument
types they share in `args`, consoles, exit codes and input loading in
`common`.

Exit codes: 0 success; 1 a hard rule is violated (check) or no roster exists
(solve); 2 bad input, with every problem located; 3 an internal error.
"""

from __future__ import annotations

import os
import sys
from importlib import metadata
from typing import Annotated

import typer

from staffing.cli.allocation import check, solve, validate
from staffing.cli.bundles import convert, current_roster, generate, report, template
from staffing.cli.common import console, err_console, guarded, note_process_start
from staffing.cli.pay import pay
from staffing.cli.planning import check_plan, rotation_plan
from staffing.cli.scenarios import register as register_scenarios
from staffing.service.command import serve

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Staff post allocation and performance pay for county medical communities.",
)


def _print_version(value: bool) -> None:
    if value:
        console.print(f"staffing {metadata.version('staffing')}")
        raise typer.Exit()


@app.callback()
def _options(version: Annotated[bool, typer.Option(
        "--version", callback=_print_version, is_eager=True,
        help="print the version and exit")] = False) -> None:
    """Staff post allocation and performance pay for county medical communities."""


for name, command in (("validate", validate), ("check", check), ("solve", solve),
                      ("report", report), ("template", template), ("convert", convert),
                      ("current-roster", current_roster), ("generate", generate),
                      ("pay", pay), ("rotation-plan", rotation_plan), ("check-plan", check_plan),
                      ("serve", serve)):
    app.command(name)(guarded(command))
register_scenarios(app)  # ``scenario run``, ``sweep``, ``compare``, ``frontier``


def main() -> None:
    """Entry point of the ``staffing`` command.

    The process ends as soon as the command has (every file is written and closed by
    then): the interpreter's clean-up of a county's objects would take up to a second
    more of the run's time limit.
    """
    note_process_start()
    try:
        app()
        code = 0
    except SystemExit as done:
        code = exit_code(done)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def exit_code(done: SystemExit) -> int:
    """The process's exit code for a `SystemExit` (a message is printed, as Python does)."""
    if done.code is None or isinstance(done.code, int):
        return done.code or 0
    print(done.code, file=sys.stderr)
    return 1


__all__ = ["app", "console", "err_console", "main"]
