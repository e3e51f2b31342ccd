"""``staffing report``, ``template``, ``convert``, ``current-roster`` and ``generate``: run
folders and bundles in and out."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from staffing.cli.args import InstanceArg, LangOpt
from staffing.cli.common import console, page_language
from staffing.domain.roster import Roster
from staffing.io.bundle import load, save
from staffing.io.roster_io import write_roster


def report(
    run_dir: Annotated[Path, typer.Argument(help="folder written by 'staffing solve' or 'pay'")],
    lang: LangOpt = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="file to write (default RUN_DIR/report.html)")] = None,
) -> None:
    """Draw report.html again from a run folder's report.json (offline, one file)."""
    from staffing.report import write_report  # lazy: the report only for this command

    written = write_report(run_dir, page_language(lang), out)
    console.print(f"wrote {escape(str(written))}")


def template(
    out: Annotated[Path, typer.Argument(help="workbook to write, e.g. template.xlsx")],
) -> None:
    """Write an empty instance workbook to fill in: headers, drop-downs, instructions."""
    from staffing.io.workbook import write_template  # lazy: openpyxl only for this command

    write_template(out)
    console.print(f"wrote {escape(str(out))}")


def convert(
    source: Annotated[Path, typer.Argument(help="instance bundle to read")],
    target: Annotated[Path, typer.Argument(help="folder, .xlsx or .json to write")],
) -> None:
    """Convert an instance bundle between CSV folder, xlsx and JSON."""
    save(load(source), target)
    console.print(f"wrote {escape(str(target))}")


def current_roster(instance: InstanceArg,
                   out: Annotated[Path, typer.Argument(help="roster.csv to write")]) -> None:
    """Write the roster as it stands before the round (everyone at their current post)."""
    bundle = load(instance)
    write_roster(Roster.current(bundle), out, bundle)
    console.print(f"wrote {escape(str(out))}")


def generate(
    out: Annotated[Path, typer.Argument(help="folder, .xlsx or .json to write")],
    staff: Annotated[int, typer.Option("--staff", "-n", min=5, help="number of people")] = 600,
    seed: Annotated[int, typer.Option("--seed", "-s", help="random seed")] = 1,
    name: Annotated[str | None, typer.Option(help="instance name (default: OUT's name)")] = None,
) -> None:
    """Generate a county instance calibrated to the public figures (deterministic by seed)."""
    from staffing.synth import generate as make  # lazy: the generator only for this command

    instance = make(staff=staff, seed=seed, name=name or out.stem)
    save(instance, out)
    console.print(f"wrote {escape(str(out))}: {len(instance.staff)} people, "
                  f"{len(instance.posts)} posts, {len(instance.institutions)} institutions")
