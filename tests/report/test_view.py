"""Tests that the report's view-model and page are complete, self-contained and reproducible."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from staffing.errors import InputError
from staffing.report import REPORT_JSON, load_view, render, save_view
from tests.builders import invoke
from tests.report.conftest import MODEL


def test_view_has_every_person_once_with_codes_apart(run_dir: Path) -> None:
    """Tests that report.json lists every person of the roster once, outcome codes in their own
    field and the reasons as text in both languages."""
    view = load_view(run_dir)
    with (run_dir / "roster.csv").open(encoding="utf-8-sig") as f:
        roster = {r["person"]: r["post"] for r in csv.DictReader(f)}
    people = view["people"]
    assert sorted(p["person"] for p in people) == sorted(roster)
    for p in people:
        assert p["post"] == roster[p["person"]]
        assert p["outcome"] in ("choice", "kept", "directed", "no_post")
        assert p["reasons"]["zh"] and p["reasons"]["en"]
    assert view["summary"]["unplaced"] + view["summary"]["recruits_unplaced"] == sum(
        1 for post in roster.values() if not post)


def test_page_is_self_contained(run_dir: Path) -> None:
    """Tests that the page loads nothing from anywhere: no external script, style, font or
    image, and no address but the SVG namespaces."""
    html = (run_dir / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+stylesheet", html)
    assert "@import" not in html
    assert set(re.findall(r"url\(([^)]*)\)", html)) <= {
        u for u in re.findall(r"url\((#[^)]*)\)", html)}  # only the SVGs' own clip paths
    for match in re.finditer(r"(?:src|href)=\"([^\"]*)\"", html):
        assert match.group(1).startswith(("#", "data:")), match.group(0)
    addresses = set(re.findall(r"https?://[^\s\"'<>]+", html))
    assert addresses <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def test_rendering_is_reproducible(run_dir: Path) -> None:
    """Tests that the view-model in report.json draws the very bytes the solve wrote (charts
    included), so the page can be drawn again from the folder alone."""
    written = (run_dir / "report.html").read_text(encoding="utf-8")
    assert render(load_view(run_dir), "zh") == written


def test_missing_or_foreign_report_data_is_a_located_error(tmp_path: Path) -> None:
    """Tests that a folder without report.json, or with another version of it, is refused with
    the file named, and that the command exits 2."""
    with pytest.raises(InputError) as missing:
        load_view(tmp_path)
    assert REPORT_JSON in missing.value.problems[0].location()
    save_view(tmp_path, {"kind": "run", "version": 0})
    with pytest.raises(InputError) as old:
        load_view(tmp_path)
    assert "version" in old.value.problems[0].message
    (tmp_path / REPORT_JSON).write_text("{not json", encoding="utf-8")
    result = invoke("report", tmp_path)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_unknown_language_is_refused_before_solving(county: Path, tmp_path: Path) -> None:
    """Tests that ``--lang fr`` is a located option error, exit 2, with nothing written."""
    out = tmp_path / "out"
    result = invoke("solve", county, "--policy", MODEL, "--out",
                    out, "--lang", "fr")
    assert result.exit_code == 2, result.output
    assert not out.exists()


def test_no_report_skips_the_page(county: Path, tmp_path: Path) -> None:
    """Tests that ``--no-report`` writes the other outputs and no report files."""
    out = tmp_path / "out"
    result = invoke("solve", county, "--policy", MODEL, "--out",
                    out, "--time-limit", 10, "--quiet", "--no-report")
    assert result.exit_code == 0, result.output
    assert (out / "manifest.json").exists()
    assert not (out / "report.html").exists() and not (out / REPORT_JSON).exists()
    json.loads((out / "manifest.json").read_text(encoding="utf-8"))
