"""Tests that the pay tables round-trip through every bundle format and bad cells are located."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

import staffing
from staffing.errors import InputError
from staffing.io.workbook import write_template
from staffing.pay.synth import with_pay_tables
from tests.pay.builders import build, person

PAY = ("pay_funds", "pay_grades", "pay_seniority", "pay_staff")


@pytest.fixture(scope="module")
def with_pay() -> staffing.Instance:
    tiny = staffing.load(Path(__file__).resolve().parents[1] / "fixtures" / "tiny")
    return with_pay_tables(tiny, 5)


@pytest.mark.parametrize("target", ["bundle", "bundle.xlsx", "bundle.json"])
def test_round_trip(with_pay: staffing.Instance, tmp_path: Path, target: str) -> None:
    """Tests that the pay tables read back unchanged from a folder, a workbook and JSON."""
    staffing.save(with_pay, tmp_path / target)
    back = staffing.load(tmp_path / target)
    for name in PAY:
        assert back.extras.get(name, []) == with_pay.extras.get(name, []), name


def test_bad_cells_are_located(tmp_path: Path) -> None:
    """Tests that bad amounts, an unknown fund and inconsistent separate pay are each located."""
    inst, _ = build([person("A", "T-J", 10)])
    staffing.save(inst, tmp_path / "b")
    (tmp_path / "b" / "pay_funds.csv").write_text(
        "fund,amount,description\nperformance,12.345,\nlottery,5,\nsurplus,-3,\n",
        encoding="utf-8")
    (tmp_path / "b" / "pay_staff.csv").write_text(
        "person,separate,separate_amount\nA,none,100\nA,talent,\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        staffing.load(tmp_path / "b")
    where = {(p.source, p.row, p.column) for p in error.value.errors}
    assert ("pay_funds.csv", 2, "amount") in where
    assert ("pay_funds.csv", 3, "fund") in where
    assert ("pay_funds.csv", 4, "amount") in where
    assert ("pay_staff.csv", 2, "separate_amount") in where
    assert ("pay_staff.csv", 3, "separate_amount") in where


def test_cross_row_problems_are_located(tmp_path: Path) -> None:
    """Tests that unknown and duplicate people and unknown posts in pay_staff are located."""
    inst, _ = build([person("A", "T-J", 10)])
    staffing.save(inst, tmp_path / "b")
    (tmp_path / "b" / "pay_staff.csv").write_text(
        "person,home_post\nA,NOPE\nGHOST,\nA,\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        staffing.load(tmp_path / "b")
    where = {(p.source, p.row, p.column, p.kind) for p in error.value.errors}
    assert ("pay_staff.csv", 2, "home_post", "unknown_reference") in where
    assert ("pay_staff.csv", 3, "person", "unknown_reference") in where
    assert ("pay_staff.csv", 4, "person", "duplicate") in where


def test_template_has_the_pay_sheets(tmp_path: Path) -> None:
    """Tests that the template workbook has a sheet for every pay table."""
    write_template(tmp_path / "t.xlsx")
    names = load_workbook(tmp_path / "t.xlsx").sheetnames
    for name in PAY:
        assert any(n.endswith(name) for n in names), name
