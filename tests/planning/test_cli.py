"""Tests that ``rotation-plan`` and ``check-plan`` run end to end; year 1 reaches the selection."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

import staffing
from staffing import SolveParams
from staffing.io.bundle import save
from staffing.planning.rules import PLAN_CATALOGUE
from staffing.planning.tables import PlanNeed
from staffing.runs import solve_run
from tests.builders import MODELS, ROOT, invoke
from tests.planning.builders import case, doctors, needs, targets

DEMO = ROOT / "instances" / "demo-county"
GUANGDONG = ROOT / "models" / "guangdong-2019.yaml"
FILES = {"rotations.csv", "by_year.csv", "candidates.csv", "departments.csv", "coverage.csv",
         "directed_placements.csv", "audit.csv", "violations.csv", "plan.xlsx", "manifest.json"}


SERVED = {"on_time", "done", "continuing", "later"}
REPORTED = {"late", "not_sent", "not_possible"}
REASON_CODES = set(PLAN_CATALOGUE) | {"too_soon", "not_in_pool"}


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def demo_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's 3-year plan under Guangdong 2019, deterministic."""
    out = tmp_path_factory.mktemp("plan") / "plan"
    result = invoke("rotation-plan", DEMO, "--policy", GUANGDONG, "--years", "3", "--out", out,
                    "--deterministic")
    assert result.exit_code == 0, result.output
    assert "proven optimal" in result.output
    return out


def test_demo_plan_writes_every_file_and_passes_check(demo_plan: Path) -> None:
    """Tests that the demo plan has every output, passes check-plan, and reasons every candidate."""
    assert {p.name for p in demo_plan.iterdir()} == FILES
    assert all((demo_plan / name).read_bytes().startswith(b"\xef\xbb\xbf")
               for name in FILES if name.endswith(".csv"))
    checked = invoke("check-plan", DEMO, demo_plan, "--policy", GUANGDONG)
    assert checked.exit_code == 0, checked.output
    assert "all hard plan rules hold" in checked.output
    candidates = rows(demo_plan / "candidates.csv")
    assert candidates and all(r["code"] and r["text"] and r["text_zh"] for r in candidates)
    statuses = {r["status"] for r in candidates}
    assert {"on_time", "late"} <= statuses <= SERVED | REPORTED
    for r in candidates:
        if r["status"] in REPORTED:  # the reason names what blocks every on-time rotation
            assert set(r["code"].split(";")) <= REASON_CODES, r
    years = {r["year"] for r in rows(demo_plan / "by_year.csv")}
    assert years == {"2025", "2026", "2027"}
    book = load_workbook(demo_plan / "plan.xlsx", read_only=True)
    assert book.sheetnames[:3] == ["2025年／2025", "2026年／2026", "2027年／2027"]
    header = next(book["2025年／2025"].iter_rows(values_only=True))
    assert header[:2] == ("年度 / year", "工号 / person")


def test_demo_plan_is_byte_identical_when_deterministic(demo_plan: Path, tmp_path: Path) -> None:
    """Tests that a second deterministic run writes exactly the same bytes."""
    again = tmp_path / "again"
    result = invoke("rotation-plan", DEMO, "--policy", GUANGDONG, "--out", again,
                    "--deterministic")
    assert result.exit_code == 0, result.output
    for name in FILES:
        assert (again / name).read_bytes() == (demo_plan / name).read_bytes(), name


def test_year_one_feeds_the_selection(tmp_path: Path) -> None:
    """Tests that solve --rotation-plan places year 1 as directed, and check verifies it."""
    inst = case(doctors("D1", "D2"), plan_needs=needs("T1-GP", 2025),
                plan_staff=targets(D1=2026))
    bundle, plan_dir = tmp_path / "bundle", tmp_path / "plan"
    save(inst, bundle)
    assert invoke("rotation-plan", bundle, "--policy", GUANGDONG, "--out", plan_dir,
                  "--deterministic").exit_code == 0
    assert rows(plan_dir / "directed_placements.csv")[0]["post"] == "T1-GP"
    solved = tmp_path / "solved"
    result = invoke("solve", bundle, "--policy", GUANGDONG, "--out", solved, "--deterministic",
                    "--rotation-plan", plan_dir, "--time-limit", "30")
    assert result.exit_code == 0, result.output
    placed = {r["person"]: r["post"] for r in rows(solved / "roster.csv")}
    assert placed["D1"] == "T1-GP" and placed["D2"] == "H-GP"
    audit = {r["rule"]: r["status"] for r in rows(solved / "audit.csv")}
    assert audit["directed_placements"] == "ok"
    stayed = tmp_path / "stayed.csv"
    assert invoke("current-roster", bundle, stayed).exit_code == 0
    broken = invoke("check", bundle, stayed, "--policy", GUANGDONG, "--rotation-plan",
                    plan_dir / "rotations.csv")
    assert broken.exit_code == 1
    assert "D1 is directed to T1-GP this round (rotation plan 2025-2027), not H-GP" in \
        broken.output


def test_bad_planning_table_is_located_and_nothing_written(tmp_path: Path) -> None:
    """Tests that an unknown post and a bad year in plan_needs exit 2, located, writing nothing."""
    bundle = tmp_path / "demo"
    shutil.copytree(DEMO, bundle)
    with (bundle / "plan_needs.csv").open("a", encoding="utf-8") as handle:
        handle.write("NO-SUCH-POST,2026,1,,\nT01-NUR-I,next year,1,,\n")
    out = tmp_path / "out"
    result = invoke("rotation-plan", bundle, "--policy", GUANGDONG, "--out", out)
    assert result.exit_code == 2, result.output
    assert "plan_needs.csv, row 24, column 'year'" in result.output
    assert not out.exists()
    del_year = (bundle / "plan_needs.csv").read_text(encoding="utf-8").replace(
        "T01-NUR-I,next year,1,,\n", "")
    (bundle / "plan_needs.csv").write_text(del_year, encoding="utf-8")
    result = invoke("rotation-plan", bundle, "--policy", GUANGDONG, "--out", out)
    assert result.exit_code == 2
    assert "plan_needs.csv, row 23, column 'post'" in result.output
    assert "unknown post id" in result.output and not out.exists()


def test_bad_planning_inputs_are_located_in_chinese(demo_plan: Path, tmp_path: Path) -> None:
    """Tests that under ``--lang zh`` a planning table's unknown post, a plan file's unknown
    place and a policy without planning are each located and worded in Chinese, exit 2, with
    no English wording and nothing written."""
    bundle = tmp_path / "demo"
    shutil.copytree(DEMO, bundle)
    with (bundle / "plan_needs.csv").open("a", encoding="utf-8") as handle:
        handle.write("NO-SUCH-POST,2026,1,,\n")
    out = tmp_path / "out"
    result = invoke("rotation-plan", bundle, "--policy", GUANGDONG, "--out", out, "--lang", "zh")
    assert result.exit_code == 2, result.output
    for fragment in ("plan_needs.csv，第 23 行，列「post」", "未知的岗位编号",
                     "岗位表中已有的岗位编号", "1 个错误"):
        assert fragment in result.output, result.output
    assert "unknown post id" not in result.output and not out.exists()
    text = (demo_plan / "rotations.csv").read_text(encoding="utf-8").splitlines()
    first = text[1].split(",")
    first[3] = "NOWHERE"
    edited = tmp_path / "rotations.csv"
    edited.write_text("\n".join([text[0], ",".join(first)]) + "\n", encoding="utf-8")
    result = invoke("check-plan", DEMO, edited, "--policy", GUANGDONG, "--years", "3",
                    "--lang", "zh")
    assert result.exit_code == 2, result.output
    assert "rotations.csv，第 2 行，列「site」" in result.output
    assert "未知的去向" in result.output and "unknown place" not in result.output
    other = next(m for m in MODELS if m.stem == "nanxun-2024")
    result = invoke("rotation-plan", DEMO, "--policy", other, "--out", out, "--lang", "zh")
    assert result.exit_code == 2 and "没有轮转规划部分" in result.output


def test_policy_without_planning_is_exit_2(tmp_path: Path) -> None:
    """Tests that a policy with no planning section is refused with a located message."""
    other = next(m for m in MODELS if m.stem == "nanxun-2024")
    result = invoke("rotation-plan", DEMO, "--policy", other, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "has no planning section" in result.output


def test_check_plan_catches_an_edited_plan(demo_plan: Path, tmp_path: Path) -> None:
    """Tests that a rotation moved to a closed year breaks site capacity (exit 1), and an unknown
    place in the file is a located input error (exit 2)."""
    text = (demo_plan / "rotations.csv").read_text(encoding="utf-8").splitlines()
    first = text[1].split(",")
    edited = tmp_path / "rotations.csv"
    first[1] = first[2] = "2027" if first[1] == "2025" else "2025"
    edited.write_text("\n".join([text[0], ",".join(first), *text[2:]]) + "\n", encoding="utf-8")
    result = invoke("check-plan", DEMO, edited, "--policy", GUANGDONG, "--years", "3")
    assert result.exit_code == 1, result.output
    first[3] = "NOWHERE"
    edited.write_text("\n".join([text[0], ",".join(first)]) + "\n", encoding="utf-8")
    result = invoke("check-plan", DEMO, edited, "--policy", GUANGDONG, "--years", "3")
    assert result.exit_code == 2
    assert "rotations.csv, row 2, column 'site'" in result.output


def test_demo_needs_fit_the_plan() -> None:
    """Tests that the demo's planning tables load, with every need within the 3-year plan."""
    inst = staffing.load(DEMO)
    assert all(isinstance(r, PlanNeed) and 2025 <= r.year <= 2027
               for r in inst.extras["plan_needs"])


def test_demo_year_one_gives_a_selection_that_passes_the_checker(demo_plan: Path,
                                                                   tmp_path: Path) -> None:
    """Tests that the demo's two-way selection with its plan's year 1 is feasible, places every
    directed person at their post and passes the checker."""
    run = solve_run(DEMO, GUANGDONG, tmp_path / "selection",
                    SolveParams(time_limit=120, deterministic=True), rotation_plan=demo_plan)
    directed = rows(demo_plan / "directed_placements.csv")
    assert directed and run.result.report.ok
    for row in directed:
        held = run.result.roster.post_of(row["person"])
        if row["post"]:
            assert held == row["post"], row
        else:
            assert held and run.instance.post_by_id[held].institution == row["institution"], row
