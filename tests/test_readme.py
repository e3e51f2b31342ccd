"""Tests that the README's quick start and command list stay true to the project."""

from __future__ import annotations

import re
from pathlib import Path

from staffing.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", section, flags=re.S)]


def test_quick_start_has_exactly_two_commands() -> None:
    """Tests that the quick start is two one-line commands: install and run, then test."""
    commands = _quick_start_commands()
    assert len(commands) == 2
    assert all("\n" not in command for command in commands)
    assert "staffing solve instances/demo-county" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_quick_start_verbatim() -> None:
    """Tests that .ci/run runs both quick-start commands exactly as the README writes them."""
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    for command in _quick_start_commands():
        assert command in script


def test_every_command_is_in_the_readme() -> None:
    """Tests that each command of the ``staffing`` CLI appears in the README's command table."""
    names = {info.name or info.callback.__name__.replace("_", "-")
             for info in app.registered_commands}
    for name in names:
        assert f"`staffing {name}" in README, name
