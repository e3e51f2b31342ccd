"""The argument and option types the commands share (one definition each)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

InstanceArg = Annotated[Path, typer.Argument(help="instance bundle: folder of CSV, .xlsx or .json")]
PolicyOpt = Annotated[
    Path, typer.Option("--policy", "-p", help="policy model YAML (models/*.yaml)")]
RosterArg = Annotated[Path, typer.Argument(help="roster.csv (person, post, pool, tour_villages)")]
OutOpt = Annotated[Path, typer.Option("--out", "-o", help="folder for the outputs")]
RotationPlanOpt = Annotated[Path | None, typer.Option(
    "--rotation-plan", help="rotations.csv of a rotation plan (or its folder): its year 1 "
    "becomes directed placements")]
LangOpt = Annotated[str | None, typer.Option(
    "--lang", help="language of the messages (and of report.html): zh or en; default: the "
    "locale's (LANG), else English")]
