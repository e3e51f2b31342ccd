"""Tests that ``staffing solve`` writes complete, checkable and reproducible outputs."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

import staffing
from staffing.allocation.outputs import blocking_rows
from staffing.allocation.reasons import Reason
from staffing.check import CheckReport
from staffing.cli import app
from staffing.domain.violation import Violation
from tests.allocation.builders import community

ROOT = Path(__file__).resolve().parents[2]
DEMO = str(ROOT / "instances" / "demo-county")
RUNNER = CliRunner()
FILES = {"roster.csv", "vacancies.csv", "audit.csv", "violations.csv", "reasons.csv",
         "reasons.xlsx", "roster.xlsx", "blocking_pairs.csv", "manifest.json", "report.json",
         "report.html"}


def _model(name: str) -> str:
    return str(ROOT / "models" / f"{name}.yaml")


def _solve(out: Path, *extra: str, model: str = "guangdong-2019", instance: str = DEMO):
    return RUNNER.invoke(app, ["solve", instance, "--policy", _model(model), "--out", str(out),
                               *extra])


def test_outputs_are_complete_and_pass_check(tmp_path: Path) -> None:
    """Tests that a solve writes every output and that its roster passes ``staffing check``."""
    result = _solve(tmp_path / "out", "--deterministic")
    assert result.exit_code == 0, result.output
    assert "proven optimal" in result.output
    assert {p.name for p in (tmp_path / "out").iterdir()} == FILES | {"timings.json"}
    checked = RUNNER.invoke(app, ["check", DEMO, str(tmp_path / "out" / "roster.csv"),
                                  "--policy", _model("guangdong-2019")])
    assert checked.exit_code == 0, checked.output
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["solver"]["status"] == "optimal"
    assert len(manifest["instance"]["hash"]) == 64 and len(manifest["policy"]["hash"]) == 64
    assert {"ortools", "staffing", "python"} <= set(manifest["versions"])
    assert [s["stage"] for s in manifest["stages"]][:3] == ["continuity", "soft_floors",
                                                            "blocking_pairs"]
    with open(tmp_path / "out" / "reasons.csv", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    people = {r["person"] for r in rows if r["kind"] == "outcome"}
    assert len(people) == 600
    assert all(r["text"] and r["text_zh"] for r in rows)
    book = load_workbook(tmp_path / "out" / "reasons.xlsx", read_only=True)
    assert sum(1 for _ in book.active.iter_rows()) == len(rows) + 1  # write-only: no max_row
    _assert_excel_readable(tmp_path / "out")


def _assert_excel_readable(out: Path) -> None:
    """Every CSV starts with a BOM; roster and vacancies carry names; roster.xlsx holds four
    sheets with bilingual headers and the same rows as the CSV files."""
    demo = staffing.load(DEMO)
    for path in out.glob("*.csv"):
        assert path.read_bytes().startswith(b"\xef\xbb\xbf"), path.name
    with open(out / "roster.csv", encoding="utf-8-sig") as handle:
        roster = list(csv.DictReader(handle))
    names = {p.id: p.name for p in demo.staff}
    post_names = {p.id: p.name for p in demo.posts}
    assert all(r["name"] == names[r["person"]] for r in roster)
    assert all(r["post_name"] == (post_names[r["post"]] if r["post"] else "") for r in roster)
    assert any(r["post_name"] for r in roster)
    with open(out / "vacancies.csv", encoding="utf-8-sig") as handle:
        vacancies = list(csv.DictReader(handle))
    assert vacancies and all(r["post_name"] == post_names[r["post"]] for r in vacancies)
    book = load_workbook(out / "roster.xlsx", read_only=True)
    assert book.sheetnames == ["名单／roster", "空岗／vacancies", "规则审核／audit",
                               "违规明细／violations"]
    for sheet, file in zip(book.worksheets, ["roster", "vacancies", "audit", "violations"]):
        rows = list(sheet.iter_rows(values_only=True))
        with open(out / f"{file}.csv", encoding="utf-8-sig") as handle:
            csv_rows = list(csv.reader(handle))
        assert [h.split(" / ")[1] for h in rows[0]] == csv_rows[0]
        assert all(" / " in h and not h.split(" / ")[0].isascii() for h in rows[0])
        assert len(rows) == len(csv_rows)


def test_each_blocking_pair_is_reported_with_what_forces_it(tmp_path: Path) -> None:
    """Tests that blocking_pairs.csv lists exactly the checker's blocking pairs, each with the
    hard rule or earlier stage that forces it."""
    assert _solve(tmp_path / "out", "--deterministic", "--time-limit", "600",
                  "--deterministic-limit", "60", model="chongqing-2024").exit_code == 0
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    with open(tmp_path / "out" / "blocking_pairs.csv", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    with open(tmp_path / "out" / "violations.csv", encoding="utf-8-sig") as handle:
        pairs = {(v["people"], v["posts"]) for v in csv.DictReader(handle)
                 if v["rule"] == "stability"}
    assert len(rows) == manifest["check"]["stages"]["blocking_pairs"] == len(pairs) > 0
    assert {(r["person"], r["post"]) for r in rows} == pairs
    assert all(r["forced_by"] for r in rows)


def test_deterministic_outputs_are_byte_identical(tmp_path: Path) -> None:
    """Tests that two deterministic solves of the same inputs write byte-identical files."""
    for name in ("first", "second"):
        assert _solve(tmp_path / name, "--deterministic", "--quiet").exit_code == 0
    for file in sorted(FILES):
        assert (tmp_path / "first" / file).read_bytes() == (tmp_path / "second" / file).read_bytes(
        ), file


def test_time_limit_returns_a_flagged_roster(tmp_path: Path) -> None:
    """Tests that at the time limit the best roster found is written, flagged as not proven."""
    result = _solve(tmp_path / "out", "--deterministic", "--deterministic-limit", "0.3",
                    model="chongqing-2024")
    assert result.exit_code == 0, result.output
    assert "NOT proven optimal" in result.output
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["solver"]["status"] == "feasible"
    assert any(s["status"] != "optimal" for s in manifest["stages"])
    checked = RUNNER.invoke(app, ["check", DEMO, str(tmp_path / "out" / "roster.csv"),
                                  "--policy", _model("chongqing-2024")])
    assert checked.exit_code == 0, checked.output


def test_infeasible_policy_writes_its_explanation_only(tmp_path: Path) -> None:
    """Tests that an infeasible policy exits 1 and writes the explanation and no roster."""
    policy = tmp_path / "strict.yaml"
    text = Path(_model("guangdong-2019")).read_text(encoding="utf-8")
    policy.write_text(text.replace("composition: {gp: 1, nurse: 1, public_health: 1}",
                                   "composition: {gp: 9, nurse: 1, public_health: 1}")
                      .replace("    hard: false\n    source: \"Guangdong/Luohu",
                               "    hard: true\n    source: \"Guangdong/Luohu"),
                      encoding="utf-8")
    result = RUNNER.invoke(app, ["solve", DEMO, "--policy", str(policy), "--out",
                                 str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    assert {p.name for p in (tmp_path / "out").iterdir()} == {"infeasibility.json",
                                                               "infeasibility.txt"}
    explanation = json.loads((tmp_path / "out" / "infeasibility.json").read_text())
    assert explanation["rules"] == ["family_doctor_teams"]


def test_bad_input_writes_nothing(tmp_path: Path) -> None:
    """Tests that a solve on a malformed bundle exits 2 with a located message and no output."""
    bad = tmp_path / "bad"
    bad.mkdir()
    for source in Path(DEMO).iterdir():
        (bad / source.name).write_bytes(source.read_bytes())
    staff = (bad / "staff.csv").read_text(encoding="utf-8").splitlines()
    staff[3] = staff[3].replace("physician", "astronaut", 1)
    (bad / "staff.csv").write_text("\n".join(staff) + "\n", encoding="utf-8")
    result = _solve(tmp_path / "out", instance=str(bad))
    assert result.exit_code == 2
    assert "staff.csv" in result.output and "row 4" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_blocking_pairs_are_listed_even_when_reasons_were_cut() -> None:
    """Tests that a blocking pair the checker counts is listed in blocking_pairs.csv when its
    person was given the outcome line alone (the time limit came first), marked so."""
    inst = community([{"id": "A", "institution": "H"}, {"id": "B", "institution": "H"}],
                     [{"id": "p"}], choices={"p": ["B", "A"]})
    brief = Reason(person="p", kind="outcome", code="choice", post="B", detailed=False)
    pair = Violation(rule="stability", message="p and A block", hard=False, people=("p",),
                     posts=("A",))
    report = CheckReport(violations=[pair], stages={}, indicators=[],
                         blocking_rules=frozenset({"stability"}))
    assert blocking_rows([brief]) == []
    assert blocking_rows([brief], inst, report) == [
        ["p", "A", 2, "not_explained", "", "not explained: the time limit came first"]]
    assert blocking_rows([brief], inst, CheckReport(violations=[pair], stages={},
                                                    indicators=[])) == []
