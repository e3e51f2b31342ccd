"""Tests that the commands' shared error handling speaks the language asked for."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from staffing.cli import common
from staffing.errors import StaffingError


def _app(error: StaffingError) -> typer.Typer:
    app = typer.Typer()

    @app.command()
    @common.guarded
    def fail() -> None:
        raise error

    return app


def test_an_engine_error_is_printed_in_the_language_asked_for() -> None:
    """Tests that an engine error with a Chinese message prints it under ``--lang zh`` and the
    English under ``--lang en``, exit 2; one without Chinese prints its English under zh."""
    common.err_console.width = 200
    error = StaffingError("no plan found within the time limit",
                          message_zh="在时间限制内未能找到轮转计划")
    for lang, shown, hidden in (("zh", "在时间限制内未能找到轮转计划", "no plan found"),
                                ("en", "no plan found within the time limit", "轮转计划")):
        result = CliRunner().invoke(_app(error), ["--lang", lang])
        assert result.exit_code == 2 and shown in result.output, result.output
        assert hidden not in result.output
    result = CliRunner().invoke(_app(StaffingError("plain English")), ["--lang", "zh"])
    assert result.exit_code == 2 and "plain English" in result.output
