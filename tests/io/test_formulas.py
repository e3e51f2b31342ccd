"""Tests that text a spreadsheet would run as a formula is written as text in every CSV and
xlsx output, and read back as written."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import staffing
from staffing.io.formulas import csv_cell, read_csv_cell, runs_as_formula
from staffing.planning.outputs import table_text
from staffing.scenarios.table import write_comparison
from tests.builders import invoke

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "fixtures" / "tiny"
NAMES = {"P1": '=HYPERLINK("http://example.com","x")', "P2": "+1+cmd|' /C calc'!A0",
         "P3": "-2+3", "P4": "@SUM(A1:A9)"}


@pytest.mark.parametrize(("text", "formula"), [
    ("=1+1", True), ("+1+1", True), ("-2+3", True), ("@SUM(A1)", True), ("\t=1", True),
    ("-3", False), ("+5", False), ("-1.5e3", False), ("Wang", False), ("", False),
    ("a=b", False)])
def test_formula_like_text_is_marked_and_read_back(text: str, formula: bool) -> None:
    """Tests that exactly the formula-like texts (not plain numbers) get the text mark, and that
    reading the cell back gives the text as it was."""
    assert runs_as_formula(text) is formula
    written = csv_cell(text)
    assert written == ("'" + text if formula else text)
    assert read_csv_cell(written) == text


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> staffing.Instance:
    instance = staffing.load(TINY)
    staff = [p.model_copy(update={"name": NAMES.get(p.id, p.name)}) for p in instance.staff]
    return instance.model_copy(update={"staff": staff})


def _sheet_cells(path: Path) -> list[openpyxl.cell.Cell]:
    book = openpyxl.load_workbook(path)
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def _assert_text_cells(path: Path) -> None:
    cells = [c for c in _sheet_cells(path) if c.value in NAMES.values()]
    assert {c.value for c in cells} == set(NAMES.values()), path.name
    assert all(c.data_type == "s" and c.quotePrefix for c in cells), path.name


def test_bundles_write_formula_text_as_text_and_read_it_back(
        hostile: staffing.Instance, tmp_path: Path) -> None:
    """Tests that a folder of CSV marks the formula-like names, a workbook stores them as text
    cells, and both load back to the same instance."""
    folder, book = tmp_path / "folder", tmp_path / "bundle.xlsx"
    staffing.save(hostile, folder)
    staffing.save(hostile, book)
    with (folder / "staff.csv").open(encoding="utf-8-sig", newline="") as handle:
        names = {r["id"]: r["name"] for r in csv.DictReader(handle)}
    assert {k: names[k] for k in NAMES} == {k: "'" + v for k, v in NAMES.items()}
    _assert_text_cells(book)
    for path in (folder, book):
        assert staffing.load(path).staff == hostile.staff


def test_solve_outputs_write_formula_text_as_text(hostile: staffing.Instance,
                                                  tmp_path: Path) -> None:
    """Tests that roster.csv marks the formula-like names and roster.xlsx stores them as text,
    through the real command."""
    bundle, out = tmp_path / "bundle", tmp_path / "out"
    staffing.save(hostile, bundle)
    result = invoke("solve", bundle, "--policy", ROOT / "models" / "guangdong-2019.yaml",
                    "--out", out, "--deterministic", "--time-limit", "10",
                    "--no-report", "--quiet")
    assert result.exit_code == 0, result.output
    with (out / "roster.csv").open(encoding="utf-8-sig", newline="") as handle:
        names = {r["person"]: r["name"] for r in csv.DictReader(handle)}
    assert {k: names[k] for k in NAMES} == {k: "'" + v for k, v in NAMES.items()}
    _assert_text_cells(out / "roster.xlsx")
    assert staffing.read_roster(out / "roster.csv", hostile).assignments


def test_scenario_comparison_writes_formula_text_as_text(tmp_path: Path) -> None:
    """Tests that comparison.csv (with BOM) marks a formula-like scenario name and
    comparison.xlsx stores it as a text cell."""
    frame = pd.DataFrame({"scenario": list(NAMES.values()), "blocking_pairs": [0, 1, 2, 3]})
    write_comparison(frame, tmp_path)
    raw = (tmp_path / "comparison.csv").read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    with (tmp_path / "comparison.csv").open(encoding="utf-8-sig", newline="") as handle:
        names = [r["scenario"] for r in csv.DictReader(handle)]
    assert names == ["'" + v for v in NAMES.values()]
    _assert_text_cells(tmp_path / "comparison.xlsx")


def test_plan_tables_write_formula_text_as_text() -> None:
    """Tests that the plan's CSV tables mark formula-like names and leave numbers alone."""
    text = table_text([{"name": NAMES["P1"], "year": 2026, "amount": "-3"}])
    row = next(csv.DictReader(io.StringIO(text)))
    assert row == {"name": "'" + NAMES["P1"], "year": "2026", "amount": "-3"}
