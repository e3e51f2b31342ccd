"""Tests that pay outputs are complete, exact, read back with located errors, and atomic."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

import staffing.pay.io as pay_io
from staffing.errors import InputError
from staffing.pay.explained import ExplainedLine
from staffing.pay.io import EXPLAINED_TABLE, read_pay_explained, read_pay_plan, write_pay
from staffing.pay.reasons import verify_explanations
from tests.pay.builders import build, checked, pay_policy, person, solve

FILES = {"pay.csv", "pay.xlsx", "pay_explained.csv", "pay_explained.xlsx", "funds.csv",
         "schedule.csv", "totals.csv", "figures.json", "manifest.json"}


@pytest.fixture(scope="module")
def written(demo, demo_roster, models, tmp_path_factory):
    policy = models["chongqing-2024"]
    plan = solve(demo, demo_roster, policy)
    out = tmp_path_factory.mktemp("pay") / "out"
    write_pay(out, plan, demo, demo_roster, policy)
    return out, plan, policy


def test_every_file_is_written(written) -> None:
    """Tests that exactly the documented files are written, with figures and a full manifest."""
    out, _, _ = written
    assert {p.name for p in out.iterdir()} == FILES
    figures = json.loads((out / "figures.json").read_text(encoding="utf-8"))["figures"]
    assert {"gini", "tier_ratio", "max_to_mean", "funds"} <= set(figures)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {"instance", "policy", "roster", "versions", "solver"} <= set(manifest)
    assert "pulp" in manifest["versions"]


def test_read_back_equals_and_checks(written, demo, demo_roster) -> None:
    """Tests that pay.csv or its folder reads back to the same lines, which pass the checker.

    The folder also gives back the same fund use.
    """
    out, plan, policy = written
    for path in (out, out / "pay.csv"):
        back = read_pay_plan(path, demo)
        assert back.lines == plan.lines
        assert checked(demo, policy, demo_roster, back) == []
    assert read_pay_plan(out, demo).funds == plan.funds


def test_money_cells_are_exact(written) -> None:
    """Tests that CSV amounts have two decimals and the workbook holds exact totals.

    The pay sheet has bilingual headers; its first total equals the plan's to the fen.
    """
    out, plan, _ = written
    text = (out / "pay.csv").read_text(encoding="utf-8-sig").splitlines()
    header = text[0].split(",")
    for row in text[1:6]:
        cells = dict(zip(header, row.split(",")))
        for name in ("basic", "reward", "total", "base_post"):
            assert len(cells[name].split(".")[1]) == 2, cells[name]
    sheet = load_workbook(out / "pay.xlsx", read_only=True)["工资明细／pay"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "工号 / person"
    total_column = [h.split(" / ")[1] for h in rows[0]].index("total")
    first = plan.lines[0]
    assert Decimal(str(rows[1][total_column])).quantize(Decimal("0.01")) == first.total


def test_totals_add_up(written) -> None:
    """Tests that the tier rows of totals.csv add up to the plan's total."""
    out, plan, _ = written
    lines = (out / "totals.csv").read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    tiers = [dict(zip(header, row.split(","))) for row in lines[1:] if row.startswith("tier")]
    assert sum(Decimal(r["total"]) for r in tiers) == sum(pl.total for pl in plan.lines)


def test_bad_pay_csv_is_located(tmp_path: Path) -> None:
    """Tests that an unknown person and a three-decimal amount in pay.csv are located by row."""
    inst, roster = build([person("A", "T-J", 40), person("B", "T-J", 50)])
    plan = solve(inst, roster, pay_policy())
    write_pay(tmp_path / "p", plan, inst, roster, pay_policy())
    csv = tmp_path / "p" / "pay.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("A,A", "GHOST,A", 1)
    lines[2] = lines[2].replace(".", ".123", 1) if ".00" not in lines[2] else \
        lines[2].replace(".00", ".001", 1)
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_pay_plan(csv, inst)
    assert all(p.source == "pay.csv" and p.row for p in error.value.errors)


def test_no_partial_output_on_failure(tmp_path: Path, monkeypatch) -> None:
    """Tests that a failure while writing the workbook leaves no output file behind."""
    inst, roster = build([person("A", "T-J", 40)])
    plan = solve(inst, roster, pay_policy())

    def broken(book, *args, **kwargs):
        for sheet in book.worksheets:  # write-only sheets keep their rows in temporary
            sheet.close()              # files until saved: close them, nothing is saved
        raise RuntimeError("disk full")

    monkeypatch.setattr(pay_io, "save_book", broken)
    with pytest.raises(RuntimeError):
        write_pay(tmp_path / "out", plan, inst, roster, pay_policy())
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_explanations_read_back_and_verify(written, demo, demo_roster) -> None:
    """Tests that pay_explained.csv reads back to rows the verifier accepts, the workbook has
    the same rows under bilingual headers, and both follow the row model's columns."""
    out, plan, policy = written
    rows = read_pay_explained(out)
    assert verify_explanations(demo, policy, demo_roster, plan, rows) == []
    assert list(ExplainedLine._fields) == EXPLAINED_TABLE.columns
    sheet = load_workbook(out / "pay_explained.xlsx", read_only=True)["工资说明／pay_explained"]
    cells = list(sheet.iter_rows(values_only=True))
    assert cells[0][0] == "工号 / person" and len(cells) == len(rows) + 1


def test_workbooks_store_formula_like_names_as_text(tmp_path: Path) -> None:
    """Tests that a name a spreadsheet would run as a formula is stored as text, shown with a
    quote prefix, in every sheet of pay.xlsx and pay_explained.xlsx that names people."""
    hostile = {"A": '=HYPERLINK("http://example.com","x")', "B": "+1+cmd|' /C calc'!A0"}
    inst, roster = build([person("A", "T-J", 40), person("B", "H-J", 60)])
    staff = [p.model_copy(update={"name": hostile[p.id]}) for p in inst.staff]
    inst = inst.model_copy(update={"staff": staff})
    plan = solve(inst, roster, pay_policy())
    write_pay(tmp_path / "out", plan, inst, roster, pay_policy())
    for name, sheet in (("pay.xlsx", "工资明细／pay"), ("pay_explained.xlsx", None)):
        book = load_workbook(tmp_path / "out" / name)
        cells = [c for row in (book[sheet] if sheet else book.active).iter_rows() for c in row
                 if c.value in hostile.values()]
        assert {c.value for c in cells} == set(hostile.values()), name
        assert all(c.data_type == "s" and c.quotePrefix for c in cells), name
