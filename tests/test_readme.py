"""Tests that the README's quick start and command list stay true to the project."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from staffing.cli import app
from staffing.domain.params import SolveParams
from staffing.runs import pay_run, solve_run

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


def _readme_columns() -> dict[str, list[str]]:
    """The README's output-column table: file -> the column names it lists, in order."""
    section = README.split("### Output columns, file by file", 1)[1].split("\n#", 1)[0]
    found = {}
    for line in section.splitlines():
        match = re.match(r"\| `([a-z_]+\.csv)` \| (.*) \|$", line)
        if match:
            cells = re.sub(r"\([^()]*(\([^()]*\)[^()]*)*\)", "", match.group(2))
            found[match.group(1)] = re.findall(r"`([a-z_]+)`", cells)
    return found


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle))


def test_readme_output_columns_are_the_written_headers(tmp_path: Path) -> None:
    """Tests that the README's column table lists, for every CSV a solve and a pay run write,
    exactly the header the file has (totals.csv: its first, fixed column)."""
    tiny, model = ROOT / "tests" / "fixtures" / "tiny", ROOT / "models" / "guangdong-2019.yaml"
    solved = solve_run(tiny, model, tmp_path / "solve", SolveParams(time_limit=10,
                                                                     deterministic=True))
    pay_run(tiny, solved.result.roster, model, tmp_path / "pay")
    written = {p.name: _header(p) for folder in ("solve", "pay")
               for p in sorted((tmp_path / folder).glob("*.csv"))}
    documented = _readme_columns()
    assert set(documented) == set(written)
    for name, columns in documented.items():
        expected = written[name][:1] if name == "totals.csv" else written[name]
        assert columns[:len(expected)] == expected, name
        assert len(columns) == len(expected), name
