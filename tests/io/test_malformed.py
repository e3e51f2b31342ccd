"""Tests that malformed inputs get a located message and exit code 2, never a traceback.

The corpus is generated from the tiny bundle: each case copies it, breaks one
thing (a cell, a file, an encoding, a policy line, a roster row) and runs the
``staffing`` command on it. Each case states where the message must point
(file or sheet, row, column) and the bad value it must show.
"""

from __future__ import annotations

import ast
import csv
import json
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

import staffing
from tests.builders import ROOT, TINY, invoke, run_module
from tests.io.test_yaml_shape import LAUGHS

CHONGQING = ROOT / "models" / "chongqing-2024.yaml"
GUANGDONG = ROOT / "models" / "guangdong-2019.yaml"

# Traditional-character, Japanese and Western names for the refused encodings.
BIG5_NAMES = ["王偉", "李娜", "張強", "劉洋", "陳靜", "楊勇", "趙敏", "黃磊", "周傑"]
SJIS_NAMES = ["山田太郎", "佐藤花子", "鈴木一郎", "高橋健", "田中美咲", "伊藤誠", "渡辺愛",
              "中村翔", "小林優"]
LATIN_NAMES = ["Müller", "Bjørn", "Ângela", "Sørensen", "Gonçalves", "Åsa", "Löwe", "Ibáñez",
               "Núñez"]
GBK_NAMES = ["王伟", "李娜", "张强", "刘洋", "陈静", "杨勇", "赵敏", "黄磊", "周杰"]


# ----------------------------------------------------------------------------- editing helpers


def copy_tiny(tmp: Path) -> Path:
    target = tmp / "bundle"
    shutil.copytree(TINY, target)
    return target


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def set_cell(folder: Path, table: str, row: int, column: str, value: str) -> None:
    """Set one cell; ``row`` counts as a spreadsheet does (header = 1)."""
    path = folder / f"{table}.csv"
    rows = read_rows(path)
    rows[row - 1][rows[0].index(column)] = value
    write_rows(path, rows)


def add_row(folder: Path, table: str, cells: list[str]) -> None:
    path = folder / f"{table}.csv"
    write_rows(path, [*read_rows(path), cells])


def drop_row(folder: Path, table: str, row: int) -> None:
    path = folder / f"{table}.csv"
    rows = read_rows(path)
    del rows[row - 1]
    write_rows(path, rows)


def drop_column(folder: Path, table: str, column: str) -> None:
    path = folder / f"{table}.csv"
    rows = read_rows(path)
    k = rows[0].index(column)
    write_rows(path, [r[:k] + r[k + 1 :] for r in rows])


def reencode_staff(folder: Path, names: list[str], encoding: str) -> None:
    """Give the nine people new names and save staff.csv in another encoding."""
    path = folder / "staff.csv"
    rows = read_rows(path)
    for row, name in zip(rows[1:], names, strict=True):
        row[1] = name
    text = "".join(",".join(r) + "\n" for r in rows)
    path.write_bytes(text.encode(encoding))


def workbook_of_tiny(tmp: Path) -> Path:
    path = tmp / "bundle.xlsx"
    staffing.save(staffing.load(TINY), path)
    return path


def json_of_tiny(tmp: Path) -> tuple[Path, dict]:
    path = tmp / "bundle.json"
    staffing.save(staffing.load(TINY), path)
    return path, json.loads(path.read_text(encoding="utf-8"))


def current_roster_rows() -> list[list[str]]:
    rows = [["person", "post", "pool", "tour_villages"]]
    for p in staffing.load(TINY).staff:
        rows.append([p.id, p.current_post or "", p.pool.value if p.pool else "", ""])
    return rows


# ----------------------------------------------------------------------------- the corpus


@dataclass(frozen=True)
class Case:
    """One malformed input: how to make it, and what the message must contain."""

    id: str
    make: Callable[[Path], list[str | Path]]  # tmp folder -> command arguments
    expect: tuple[str, ...]  # location ('file, row r, column 'c'') and the bad value
    load_fails: bool = False  # the bundle itself does not load (convert would fail too)


def bundle_case(id: str, edit: Callable[[Path], None], *expect: str,
                policy: Path | None = None) -> Case:
    """A broken copy of the tiny CSV bundle, run through ``staffing validate``."""

    def make(tmp: Path) -> list[str | Path]:
        folder = copy_tiny(tmp)
        edit(folder)
        return ["validate", folder, *(["--policy", policy] if policy else [])]

    return Case(id, make, expect, load_fails=policy is None and id not in _POLICY_LEVEL)


# Problems only a policy reveals: the bundle itself loads.
_POLICY_LEVEL = {"choice_ineligible"}


def file_case(id: str, write: Callable[[Path], Path], *expect: str) -> Case:
    """A whole bundle file (xlsx, JSON, other) made by ``write``, run through validate."""
    return Case(id, lambda tmp: ["validate", write(tmp)], expect, load_fails=True)


def policy_case(id: str, text: str, *expect: str) -> Case:
    """A policy model YAML that cannot be used, with the good tiny bundle."""

    def make(tmp: Path) -> list[str | Path]:
        path = tmp / "policy.yaml"
        path.write_text(text, encoding="utf-8")
        return ["validate", TINY, "--policy", path]

    return Case(id, make, expect)


def roster_case(id: str, edit: Callable[[list[list[str]]], None], *expect: str) -> Case:
    """A roster CSV for the tiny bundle with one bad row, run through ``staffing check``."""

    def make(tmp: Path) -> list[str | Path]:
        rows = current_roster_rows()
        edit(rows)
        path = tmp / "roster.csv"
        write_rows(path, rows)
        return ["check", TINY, path, "--policy", CHONGQING]

    return Case(id, make, expect)


def _set(rows: list[list[str]], row: int, column: str, value: str) -> None:
    rows[row - 1][rows[0].index(column)] = value


def _corrupt_xlsx(tmp: Path) -> Path:
    path = workbook_of_tiny(tmp)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # a download cut half-way
    return path


def _xlsx_bad_cells(tmp: Path) -> Path:
    path = workbook_of_tiny(tmp)
    book = openpyxl.load_workbook(path)
    book["人员／staff"]["D3"] = "prof"  # title of P2
    book.save(path)
    return path


def _xlsx_extra_cell(tmp: Path) -> Path:
    path = workbook_of_tiny(tmp)
    book = openpyxl.load_workbook(path)
    book["人员／staff"]["R4"] = "stray note"  # beyond the 16 headed columns
    book.save(path)
    return path


def _xlsx_missing_sheet(tmp: Path) -> Path:
    path = workbook_of_tiny(tmp)
    book = openpyxl.load_workbook(path)
    del book["岗位／posts"]
    book.save(path)
    return path


def _bad_json(tmp: Path) -> Path:
    path, _ = json_of_tiny(tmp)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"tier": "village"', '"tier": "village",,', 1), encoding="utf-8")
    return path


def _json_table_not_list(tmp: Path) -> Path:
    path, data = json_of_tiny(tmp)
    data["staff"] = {"id": "P1"}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _json_bad_cell(tmp: Path) -> Path:
    path, data = json_of_tiny(tmp)
    data["posts"][2]["places"] = "two"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _json_top_level_list(tmp: Path) -> Path:
    path = tmp / "bundle.json"
    path.write_text("[1, 2, 3]", encoding="utf-8")
    return path


def _unsupported(tmp: Path) -> Path:
    path = tmp / "bundle.txt"
    path.write_text("id,tier\n", encoding="utf-8")
    return path


def _write_empty(folder: Path) -> None:
    (folder / "posts.csv").write_bytes(b"")


def _huge_cell(folder: Path) -> None:
    path = folder / "staff.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Wang", "W" * 200_000),
                    encoding="utf-8")


CASES: list[Case] = [
    # -- unknown references
    bundle_case("post_unknown_institution", lambda f: set_cell(f, "posts", 3, "institution", "HX"),
                "posts.csv, row 3, column 'institution'", "HX", "unknown institution id"),
    bundle_case("staff_unknown_current_post",
                lambda f: set_cell(f, "staff", 4, "current_post", "H-XX"),
                "staff.csv, row 4, column 'current_post'", "H-XX", "unknown post id"),
    bundle_case("choice_unknown_post", lambda f: set_cell(f, "choices", 2, "post", "T-ZZ"),
                "choices.csv, row 2, column 'post'", "T-ZZ", "unknown post id"),
    bundle_case("choice_unknown_person", lambda f: set_cell(f, "choices", 2, "person", "P77"),
                "choices.csv, row 2, column 'person'", "P77", "unknown staff id"),
    bundle_case("ranking_unknown_post", lambda f: set_cell(f, "rankings", 2, "post", "H-QQ"),
                "rankings.csv, row 2, column 'post'", "H-QQ", "unknown post id"),
    bundle_case("ranking_unknown_person", lambda f: set_cell(f, "rankings", 3, "person", "P44"),
                "rankings.csv, row 3, column 'person'", "P44", "unknown staff id"),
    # -- duplicate ids
    bundle_case("duplicate_institution_id", lambda f: set_cell(f, "institutions", 5, "id", "V1"),
                "institutions.csv, row 5, column 'id'", "V1", "duplicate id (first used on row 4)"),
    bundle_case("duplicate_post_id", lambda f: set_cell(f, "posts", 8, "id", "V1-DOC"),
                "posts.csv, row 8, column 'id'", "V1-DOC", "duplicate id (first used on row 7)"),
    bundle_case("duplicate_staff_id", lambda f: set_cell(f, "staff", 10, "id", "P1"),
                "staff.csv, row 10, column 'id'", "P1", "duplicate id (first used on row 2)"),
    bundle_case("duplicate_choice_rank", lambda f: set_cell(f, "choices", 4, "rank", "1"),
                "choices.csv, row 4, column 'rank'", "gives this rank twice (also row 3)"),
    bundle_case("duplicate_choice_post", lambda f: set_cell(f, "choices", 8, "post", "H-IM"),
                "choices.csv, row 8, column 'post'", "H-IM", "gives this post twice (also row 7)"),
    bundle_case("duplicate_ranking", lambda f: set_cell(f, "rankings", 3, "person", "P2"),
                "rankings.csv, row 3, column 'person'", "P2", "ranked twice"),
    # -- choices and rankings
    bundle_case("choice_ineligible", lambda f: set_cell(f, "choices", 2, "post", "H-SUR"),
                "choices.csv, row 2, column 'post'", "H-SUR",
                "P1 is not eligible for post H-SUR", "discipline internal_medicine not accepted"),
    bundle_case("too_many_choices", lambda f: add_row(f, "choices", ["P8", "4", "V1-DOC"]),
                "choices.csv, row 10, column 'rank'", "P8 lists 4 choices; the policy allows 3",
                policy=GUANGDONG),
    bundle_case("ranked_non_applicant", lambda f: add_row(f, "rankings", ["H-IM", "P5", "4"]),
                "rankings.csv, row 5, column 'person'", "P5",
                "P5 is ranked for post H-IM but did not apply"),
    bundle_case("ranking_leaves_out_applicant", lambda f: drop_row(f, "rankings", 3),
                "choices.csv, row 5, column 'post'", "P4",
                "post H-IM has a panel ranking that leaves out applicant P4"),
    # -- counts
    bundle_case("negative_places", lambda f: set_cell(f, "posts", 3, "places", "-1"),
                "posts.csv, row 3, column 'places'", "-1", "a number >= 1"),
    bundle_case("negative_floor", lambda f: set_cell(f, "posts", 4, "floor", "-1"),
                "posts.csv, row 4, column 'floor'", "-1", "a number >= 0"),
    bundle_case("floor_exceeds_places", lambda f: set_cell(f, "posts", 4, "floor", "3"),
                "posts.csv, row 4, column 'floor'", "floor 3 exceeds places 2"),
    bundle_case("missing_population", lambda f: set_cell(f, "institutions", 3, "population", ""),
                "institutions.csv, row 3, column 'population'",
                "the resident population of a township is required"),
    bundle_case("negative_population",
                lambda f: set_cell(f, "institutions", 4, "population", "-600"),
                "institutions.csv, row 4, column 'population'", "-600", "a number >= 0"),
    bundle_case("non_numeric_population",
                lambda f: set_cell(f, "institutions", 3, "population", "5千"),
                "institutions.csv, row 3, column 'population'", "5千", "a whole number"),
    bundle_case("id_too_long", lambda f: set_cell(f, "staff", 10, "id", "P" + "9" * 70),
                "staff.csv, row 10, column 'id'", "P" + "9" * 70, "an id of 1 to 64 characters"),
    # -- the institution tree
    bundle_case("village_without_parent", lambda f: set_cell(f, "institutions", 4, "parent", ""),
                "institutions.csv, row 4, column 'parent'",
                "village V1 needs its township centre as parent"),
    bundle_case("bad_parent_tier", lambda f: set_cell(f, "institutions", 5, "parent", "H"),
                "institutions.csv, row 5, column 'parent'",
                "a village cannot have a county parent"),
    bundle_case("institution_cycle", lambda f: set_cell(f, "institutions", 2, "parent", "T"),
                "institutions.csv, row 2, column 'parent'",
                "cycle in the institution tree: H -> T -> H"),
    # -- coded values and flags
    bundle_case("unknown_tier", lambda f: set_cell(f, "institutions", 5, "tier", "hamlet"),
                "institutions.csv, row 5, column 'tier'", "hamlet",
                "one of county, township, village"),
    bundle_case("unknown_title", lambda f: set_cell(f, "staff", 2, "title", "professor"),
                "staff.csv, row 2, column 'title'", "professor"),
    bundle_case("unknown_licence", lambda f: set_cell(f, "staff", 6, "licence", "midwife"),
                "staff.csv, row 6, column 'licence'", "midwife"),
    bundle_case("unknown_discipline_in_list",
                lambda f: set_cell(f, "posts", 4, "accepts", "internal_medicine;dentistry"),
                "posts.csv, row 4, column 'accepts'", "dentistry"),
    bundle_case("unknown_pool", lambda f: set_cell(f, "staff", 5, "pool", "grass"),
                "staff.csv, row 5, column 'pool'", "grass"),
    bundle_case("unknown_team_role", lambda f: set_cell(f, "posts", 5, "team_role", "doctor"),
                "posts.csv, row 5, column 'team_role'", "doctor"),
    bundle_case("bad_boolean", lambda f: set_cell(f, "staff", 3, "promotion_candidate", "maybe"),
                "staff.csv, row 3, column 'promotion_candidate'", "maybe", "yes or no"),
    bundle_case("markup_like_value", lambda f: set_cell(f, "staff", 2, "title", "[/bold]"),
                "staff.csv, row 2, column 'title'", "[/bold]"),
    bundle_case("incumbent_without_pool", lambda f: set_cell(f, "staff", 6, "pool", ""),
                "staff.csv, row 6, column 'pool'", "pool is required for incumbents"),
    bundle_case("recruit_with_current_post",
                lambda f: set_cell(f, "staff", 9, "current_post", "T-GP"),
                "staff.csv, row 9, column 'current_post'", "T-GP",
                "a new recruit has no current post"),
    bundle_case("dispatch_below_title",
                lambda f: add_row(f, "staff", ["P10", "Sun", "surgery", "junior", "physician",
                                               "master", "yes", "", "", "0", "no", "no", "yes",
                                               "12", "0", "2015"]),
                "staff.csv, row 11, column 'title'", "junior",
                "city-dispatched P10 is below the required title", policy=CHONGQING),
    # -- structure of files
    bundle_case("missing_required_column", lambda f: drop_column(f, "staff", "discipline"),
                "staff.csv, row 1, column 'discipline'",
                "required column 'discipline' (专业) is missing"),
    bundle_case("missing_required_table", lambda f: (f / "posts.csv").unlink(),
                "posts.csv", "the 'posts' table is missing", "no file posts.csv in folder"),
    bundle_case("extra_cell", lambda f: add_row(f, "choices", ["P9", "1", "T-PH", "oops"]),
                "choices.csv, row 10, column 'D'", "oops", "cell outside the table"),
    bundle_case("empty_file", _write_empty, "posts.csv, row 1", "the table is empty"),
    bundle_case("header_without_rows",
                lambda f: write_rows(f / "staff.csv", read_rows(f / "staff.csv")[:1]),
                "staff.csv, row 2", "the table has a header but no rows"),
    bundle_case("unreadable_csv", _huge_cell, "staff.csv", "not a readable CSV file"),
    # -- encodings
    bundle_case("big5_csv", lambda f: reencode_staff(f, BIG5_NAMES, "big5"),
                "staff.csv", "encoding found: big5"),
    bundle_case("shift_jis_csv", lambda f: reencode_staff(f, SJIS_NAMES, "shift_jis"),
                "staff.csv", "encoding found: shift_jis"),
    bundle_case("latin1_csv", lambda f: reencode_staff(f, LATIN_NAMES, "latin-1"),
                "staff.csv", "encoding found: latin-1"),
    # -- workbooks, JSON and other files
    file_case("corrupt_xlsx", _corrupt_xlsx, "bundle.xlsx", "cannot open the workbook"),
    file_case("xlsx_bad_cell", _xlsx_bad_cells,
              "bundle.xlsx sheet '人员／staff', row 3, column 'title'", "prof"),
    file_case("xlsx_extra_cell", _xlsx_extra_cell,
              "bundle.xlsx sheet '人员／staff', row 4, column 'R'", "stray note"),
    file_case("xlsx_missing_sheet", _xlsx_missing_sheet, "sheet '岗位／posts'",
              "the 'posts' table is missing"),
    file_case("malformed_json", _bad_json, "bundle.json, row", "not valid JSON"),
    file_case("json_table_not_a_list", _json_table_not_list, "bundle.json:staff",
              "must be a list of objects", "dict"),
    file_case("json_top_level_not_object", _json_top_level_list, "bundle.json",
              "top level must be an object of tables", "list"),
    file_case("json_bad_cell", _json_bad_cell, "bundle.json:posts, row 3, column 'places'",
              "two"),
    file_case("unsupported_format", _unsupported, "bundle.txt", "unsupported instance format",
              ".txt"),
    file_case("instance_not_found", lambda tmp: tmp / "nowhere", "nowhere", "no such file"),
    # -- policy models
    policy_case("policy_unknown_rule", "name: bad\nrules:\n  eligibility: {}\n  capacty: {}\n",
                "policy.yaml, row 4, column 'rules.capacty'", "unknown rule 'capacty'"),
    policy_case("policy_bad_parameter_value",
                "name: bad\nrules:\n  county_hired_township_used:\n    min_share: 1.8\n",
                "policy.yaml, row 4, column 'rules.county_hired_township_used.min_share'", "1.8",
                "a number <= 1"),
    policy_case("policy_bad_list_value",
                "name: bad\nrules:\n  post_structure:\n    tiers: [hamlet]\n",
                "policy.yaml, row 4, column 'rules.post_structure.tiers.0'", "hamlet"),
    policy_case("policy_unknown_parameter",
                "name: bad\nrules:\n  village_coverage:\n    tour_max_popul: 800\n",
                "policy.yaml, row 4, column 'rules.village_coverage.tour_max_popul'",
                "unknown parameter 'tour_max_popul'"),
    policy_case("policy_yaml_syntax",
                "name: bad\nrules:\n  rotation_before_senior:\n    min_months: [12\n"
                "  stability: {}\n",
                "policy.yaml, row 5", "not valid YAML"),
    policy_case("policy_hard_only_rule_made_soft",
                "name: bad\nrules:\n  capacity:\n    hard: false\n",
                "policy.yaml, row 4, column 'rules.capacity.hard'",
                "rule 'capacity' can only be hard"),
    policy_case("policy_duplicate_key",
                "name: bad\nrules:\n  village_coverage: {tour_max_villages: 2}\n"
                "  village_coverage: {tour_max_villages: 3}\n",
                "policy.yaml, row 4, column 'rules.village_coverage'",
                "key 'village_coverage' appears twice (first on line 3)"),
    policy_case("policy_bad_objective", "name: bad\nobjective: [moves, happiness]\n",
                "policy.yaml, row 2, column 'objective.1'", "happiness"),
    # -- rosters
    roster_case("roster_unknown_person", lambda r: _set(r, 10, "person", "P99"),
                "roster.csv, row 10, column 'person'", "P99", "unknown person id"),
    roster_case("roster_unknown_post", lambda r: _set(r, 10, "post", "T-XX"),
                "roster.csv, row 10, column 'post'", "T-XX", "unknown post id"),
    roster_case("roster_duplicate_person", lambda r: _set(r, 10, "person", "P1"),
                "roster.csv, row 10, column 'person'", "P1", "person listed twice (also row 2)"),
    roster_case("roster_unknown_tour_village", lambda r: _set(r, 5, "tour_villages", "V1;V9"),
                "roster.csv, row 5, column 'tour_villages'", "V9", "unknown village id"),
    roster_case("roster_tour_of_a_township", lambda r: _set(r, 5, "tour_villages", "T"),
                "roster.csv, row 5, column 'tour_villages'", "unknown village id"),
    roster_case("roster_bad_pool", lambda r: _set(r, 5, "pool", "grass"),
                "roster.csv, row 5, column 'pool'", "grass"),
    roster_case("roster_missing_column", lambda r: r[0].__setitem__(0, "persn"),
                "roster.csv, row 1, column 'person'", "required column 'person'"),
]


def test_corpus_is_large_enough() -> None:
    """Tests that the corpus holds at least 30 malformed inputs with distinct names."""
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_malformed_input_is_located(case: Case, tmp_path: Path) -> None:
    """Tests that a malformed input exits 2 naming where it is wrong and the bad value."""
    result = invoke(*case.make(tmp_path))
    output = result.output
    assert result.exit_code == 2, output
    assert "Traceback" not in output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    for fragment in case.expect:
        assert fragment in output, f"{fragment!r} not in:\n{output}"


WRITING_CASES = [
    c for c in CASES
    if c.id in {"post_unknown_institution", "duplicate_staff_id", "negative_places",
                "institution_cycle", "unknown_tier", "missing_required_table", "extra_cell",
                "big5_csv", "corrupt_xlsx", "xlsx_bad_cell", "malformed_json",
                "json_table_not_a_list"}
]


@pytest.mark.parametrize("case", WRITING_CASES, ids=[c.id for c in WRITING_CASES])
@pytest.mark.parametrize("target", ["out.json", "out.xlsx", "outdir"])
def test_convert_writes_nothing_on_bad_input(case: Case, target: str, tmp_path: Path) -> None:
    """Tests that converting a malformed bundle exits 2 and leaves no output behind."""
    source = case.make(tmp_path)[1]
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    result = invoke("convert", source, out_dir / target)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert list(out_dir.iterdir()) == []


@pytest.mark.parametrize("case", WRITING_CASES[:6], ids=[c.id for c in WRITING_CASES[:6]])
def test_current_roster_writes_nothing_on_bad_input(case: Case, tmp_path: Path) -> None:
    """Tests that current-roster on a malformed bundle exits 2 and writes no roster."""
    source = case.make(tmp_path)[1]
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    result = invoke("current-roster", source, out_dir / "roster.csv")
    assert result.exit_code == 2, result.output
    assert list(out_dir.iterdir()) == []


def test_convert_to_unknown_format_writes_nothing(tmp_path: Path) -> None:
    """Tests that converting to an unsupported suffix exits 2 naming the suffix, writing nothing."""
    result = invoke("convert", TINY, tmp_path / "out.txt")
    assert result.exit_code == 2, result.output
    assert "unsupported output format" in result.output and ".txt" in result.output
    assert list(tmp_path.iterdir()) == []


SUBPROCESS_CASES = ["bad_boolean", "big5_csv", "corrupt_xlsx", "policy_yaml_syntax",
                    "roster_unknown_post"]


@pytest.mark.parametrize("name", SUBPROCESS_CASES)
def test_malformed_input_in_a_fresh_process(name: str, tmp_path: Path) -> None:
    """Tests that ``python -m staffing.cli`` exits 2 with the located message, no traceback."""
    case = next(c for c in CASES if c.id == name)
    done = run_module(*case.make(tmp_path))
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert "Traceback" not in output
    for fragment in case.expect:
        assert fragment in output, f"{fragment!r} not in:\n{output}"


def test_malformed_input_through_the_installed_script(tmp_path: Path) -> None:
    """Tests that the installed ``staffing`` script exits 2 on a bad cell, without a traceback."""
    case = next(c for c in CASES if c.id == "unknown_title")
    done = run_module(*case.make(tmp_path), script=True)
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert "Traceback" not in output
    assert "staff.csv, row 2, column 'title'" in output and "professor" in output


def test_convert_in_a_fresh_process_writes_nothing(tmp_path: Path) -> None:
    """Tests that ``staffing convert BAD out.json`` in a fresh process leaves no out.json."""
    case = next(c for c in CASES if c.id == "duplicate_staff_id")
    source = case.make(tmp_path)[1]
    done = run_module("convert", source, tmp_path / "out.json", script=True)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert not (tmp_path / "out.json").exists()


# ----------------------------------------------------------------------------- all at once


def test_every_problem_is_reported_at_once(tiny_dir: Path) -> None:
    """Tests that a file with three independent bad cells reports exactly those three."""
    set_cell(tiny_dir, "staff", 2, "title", "professor")
    set_cell(tiny_dir, "staff", 5, "grassroots_months", "forty")
    set_cell(tiny_dir, "staff", 8, "licence", "shaman")
    with pytest.raises(staffing.InputError) as caught:
        staffing.load(tiny_dir)
    located = sorted((p.source, p.row, p.column, p.value) for p in caught.value.errors)
    assert located == [
        ("staff.csv", 2, "title", "professor"),
        ("staff.csv", 5, "grassroots_months", "forty"),
        ("staff.csv", 8, "licence", "shaman"),
    ]
    result = invoke("validate", tiny_dir)
    assert result.exit_code == 2
    assert "3 error(s)" in result.output
    for where in ("staff.csv, row 2, column 'title'",
                  "staff.csv, row 5, column 'grassroots_months'",
                  "staff.csv, row 8, column 'licence'"):
        assert where in result.output


def test_problems_in_several_files_are_reported_together(tiny_dir: Path) -> None:
    """Tests that bad cells in three different tables are all reported in one run."""
    set_cell(tiny_dir, "institutions", 4, "tier", "hamlet")
    set_cell(tiny_dir, "posts", 3, "places", "many")
    set_cell(tiny_dir, "rankings", 2, "rank", "0")
    with pytest.raises(staffing.InputError) as caught:
        staffing.load(tiny_dir)
    assert sorted((p.source, p.row, p.column) for p in caught.value.errors) == [
        ("institutions.csv", 4, "tier"),
        ("posts.csv", 3, "places"),
        ("rankings.csv", 2, "rank"),
    ]


# ----------------------------------------------------------------------------- files that load


def test_gbk_csv_loads_with_a_warning(tiny_dir: Path) -> None:
    """Tests that a GBK-encoded CSV with Chinese names and labels loads, with a warning."""
    path = tiny_dir / "staff.csv"
    rows = read_rows(path)
    for row, name in zip(rows[1:], GBK_NAMES, strict=True):
        row[1] = name
    rows[2][4] = "执业医师"  # P2's licence as its Chinese label
    rows[0] = ["工号", *rows[0][1:]]  # a Chinese header
    path.write_bytes("".join(",".join(r) + "\r\n" for r in rows).encode("gbk"))
    loaded = staffing.load(tiny_dir)
    assert [p.name for p in loaded.staff] == GBK_NAMES
    assert loaded.person_by_id["P2"].licence.value == "physician"
    assert [(w.source, w.kind) for w in loaded.warnings] == [("staff.csv", "encoding_gbk")]
    result = invoke("validate", tiny_dir)
    assert result.exit_code == 0, result.output
    assert "staff.csv" in result.output and "GBK" in result.output


def test_excel_utf8_csv_with_bom_and_crlf_loads(tiny_dir: Path, tiny: staffing.Instance) -> None:
    """Tests that a CSV saved by Excel as 'CSV UTF-8' (BOM, CRLF, bilingual headers) loads."""
    path = tiny_dir / "staff.csv"
    rows = read_rows(path)
    spec_headers = {"id": "工号 / id", "name": "姓名 / name", "title": "职称 / title"}
    rows[0] = [spec_headers.get(h, h) for h in rows[0]]
    text = "".join(",".join(r) + "\r\n" for r in rows)
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    loaded = staffing.load(tiny_dir)
    assert loaded.warnings == []
    assert [p.model_dump() for p in loaded.staff] == [p.model_dump() for p in tiny.staff]
    result = invoke("validate", tiny_dir)
    assert result.exit_code == 0, result.output


def test_stray_cell_does_not_hide_bad_cells(tiny_dir: Path) -> None:
    """Tests that a cell outside the table and a bad cell in the same file are both reported."""
    add_row(tiny_dir, "choices", ["P9", "1", "T-PH", "oops"])
    set_cell(tiny_dir, "choices", 3, "rank", "first")
    with pytest.raises(staffing.InputError) as caught:
        staffing.load(tiny_dir)
    assert sorted((p.row, p.column, p.value) for p in caught.value.errors) == [
        (3, "rank", "first"), (10, "D", "oops")]


def test_policy_and_bundle_problems_are_reported_together(tiny_dir: Path, tmp_path: Path) -> None:
    """Tests that a broken policy and a broken bundle are reported in the same run."""
    set_cell(tiny_dir, "staff", 2, "title", "professor")
    bad_policy = tmp_path / "policy.yaml"
    bad_policy.write_text("name: bad\nrules:\n  capacty: {}\n", encoding="utf-8")
    for command in (["validate", tiny_dir, "--policy", bad_policy],
                    ["check", tiny_dir, tmp_path / "roster.csv", "--policy", bad_policy]):
        result = invoke(*command)
        assert result.exit_code == 2, result.output
        assert "2 error(s)" in result.output
        assert "policy.yaml, row 3, column 'rules.capacty'" in result.output
        assert "staff.csv, row 2, column 'title'" in result.output


# ----------------------------------------------------------------------------- office data
#
# Each case below is run in English and in Chinese (``--lang``): the message locates the cell
# and shows the bad value in both, exit 2, and ``convert`` writes nothing.


@dataclass(frozen=True)
class OfficeCase:
    """A malformed input as an office writes it, with what each language must say."""

    id: str
    make: Callable[[Path], Path]  # tmp folder -> the bundle to validate
    expect: tuple[str, ...]
    expect_zh: tuple[str, ...]


def _folder(edit: Callable[[Path], None]) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        folder = copy_tiny(tmp)
        edit(folder)
        return folder

    return make


def _workbook(edit: Callable[[openpyxl.Workbook], None]) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        path = workbook_of_tiny(tmp)
        book = openpyxl.load_workbook(path)
        edit(book)
        book.save(path)
        return path

    return make


def _json(edit: Callable[[dict], None]) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        path, data = json_of_tiny(tmp)
        edit(data)
        path.write_text(json.dumps(data), encoding="utf-8")
        return path

    return make


def _rename_sheet(old: str, new: str) -> Callable[[openpyxl.Workbook], None]:
    def edit(book: openpyxl.Workbook) -> None:
        book[old].title = new

    return edit


def _set_sheet(sheet: str, cell: str, value: object) -> Callable[[openpyxl.Workbook], None]:
    def edit(book: openpyxl.Workbook) -> None:
        book[sheet][cell] = value

    return edit


def _merge_header(book: openpyxl.Workbook) -> None:
    sheet = book["岗位／posts"]
    sheet.merge_cells("C1:D1")  # 'name' and 'discipline' under one header cell


def _title_above(folder: Path, table: str, title: str) -> None:
    path = folder / f"{table}.csv"
    write_rows(path, [[title] + [""] * 5, *read_rows(path)])


def _title_and_bad_cell(folder: Path) -> None:
    set_cell(folder, "staff", 3, "title", "prof")
    _title_above(folder, "staff", "2025年双向选择人员名单")


def _rename_csv(folder: Path) -> None:
    (folder / "posts.csv").rename(folder / "岗位.csv")


def _json_cell(table: str, index: int, column: str, value: object) -> Callable[[dict], None]:
    def edit(data: dict) -> None:
        data[table][index][column] = value

    return edit


OFFICE_CASES: list[OfficeCase] = [
    # -- implausible numbers: each column's bound, located
    OfficeCase("places_implausible", _folder(lambda f: set_cell(f, "posts", 3, "places",
                                                                "100000000")),
               ("posts.csv, row 3, column 'places'", "100000000", "too large",
                "a number <= 100,000"),
               ("posts.csv，第 3 行，列「places」", "100000000", "数值太大",
                "不大于 100,000 的数")),
    OfficeCase("places_1e15_in_workbook", _workbook(_set_sheet("岗位／posts", "F3", 1e15)),
               ("bundle.xlsx sheet '岗位／posts', row 3, column 'places'", "1000000000000000",
                "too large"),
               ("bundle.xlsx sheet '岗位／posts'，第 3 行，列「places」", "1000000000000000",
                "数值太大")),
    OfficeCase("population_1e20", _folder(lambda f: set_cell(f, "institutions", 3, "population",
                                                             "100000000000000000000")),
               ("institutions.csv, row 3, column 'population'", "100000000000000000000",
                "too large"),
               ("institutions.csv，第 3 行，列「population」", "数值太大")),
    OfficeCase("points_1e300_in_json", _json(_json_cell("staff", 2, "points", 1e300)),
               ("bundle.json:staff, row 3, column 'points'", "1e+300", "too large"),
               ("bundle.json:staff，第 3 行，列「points」", "数值太大")),
    OfficeCase("distance_implausible", _folder(lambda f: set_cell(f, "institutions", 4,
                                                                  "distance_km", "5000")),
               ("institutions.csv, row 4, column 'distance_km'", "5000", "a number <= 1000"),
               ("institutions.csv，第 4 行，列「distance_km」", "不大于 1000")),
    OfficeCase("negative_distance", _folder(lambda f: set_cell(f, "institutions", 4,
                                                               "distance_km", "-3")),
               ("institutions.csv, row 4, column 'distance_km'", "-3", "too small"),
               ("institutions.csv，第 4 行，列「distance_km」", "数值太小", "不小于 0 的数")),
    OfficeCase("hardship_out_of_range", _folder(lambda f: set_cell(f, "institutions", 3,
                                                                   "hardship", "7")),
               ("institutions.csv, row 3, column 'hardship'", "a number <= 3"),
               ("institutions.csv，第 3 行，列「hardship」", "不大于 3 的数")),
    OfficeCase("months_implausible", _folder(lambda f: set_cell(f, "staff", 5,
                                                                "grassroots_months", "9999")),
               ("staff.csv, row 5, column 'grassroots_months'", "9999", "a number <= 720"),
               ("staff.csv，第 5 行，列「grassroots_months」", "不大于 720 的数")),
    OfficeCase("dispatch_months_implausible",
               _folder(lambda f: set_cell(f, "staff", 2, "dispatch_months", "100000")),
               ("staff.csv, row 2, column 'dispatch_months'", "100000", "too large"),
               ("staff.csv，第 2 行，列「dispatch_months」", "数值太大")),
    OfficeCase("headcount_implausible",
               _folder(lambda f: set_cell(f, "institutions", 2, "headcount_county", "5000000")),
               ("institutions.csv, row 2, column 'headcount_county'", "a number <= 1,000,000"),
               ("institutions.csv，第 2 行，列「headcount_county」", "不大于 1,000,000 的数")),
    OfficeCase("institution_floor_implausible",
               _folder(lambda f: set_cell(f, "institutions", 3, "floor", "20000000")),
               ("institutions.csv, row 3, column 'floor'", "20000000", "too large"),
               ("institutions.csv，第 3 行，列「floor」", "数值太大")),
    OfficeCase("choice_rank_implausible", _folder(lambda f: set_cell(f, "choices", 3, "rank",
                                                                     "5000")),
               ("choices.csv, row 3, column 'rank'", "5000", "a number <= 1000"),
               ("choices.csv，第 3 行，列「rank」", "不大于 1000 的数")),
    OfficeCase("fund_amount_implausible",
               _folder(lambda f: set_cell(f, "pay_funds", 2, "amount", "1000000000000000")),
               ("pay_funds.csv, row 2, column 'amount'", "1000000000000000", "too large",
                "an amount <= 100,000,000,000.00 yuan"),
               ("pay_funds.csv，第 2 行，列「amount」", "数值太大",
                "不超过 100,000,000,000.00 元")),
    OfficeCase("grade_wage_implausible",
               _folder(lambda f: set_cell(f, "pay_grades", 3, "base", "1e12")),
               ("pay_grades.csv, row 3, column 'base'", "1e12", "too large"),
               ("pay_grades.csv，第 3 行，列「base」", "数值太大")),
    OfficeCase("signed_residents_implausible",
               _folder(lambda f: set_cell(f, "pay_staff", 2, "signed_residents", "99999999")),
               ("pay_staff.csv, row 2, column 'signed_residents'", "99999999", "too large"),
               ("pay_staff.csv，第 2 行，列「signed_residents」", "数值太大")),
    # -- full-width characters that are still wrong once read as plain ones
    OfficeCase("full_width_not_a_number", _folder(lambda f: set_cell(f, "posts", 4, "places",
                                                                     "２ａ")),
               ("posts.csv, row 4, column 'places'", "2a", "not a whole number"),
               ("posts.csv，第 4 行，列「places」", "2a", "不是整数")),
    OfficeCase("full_width_unknown_id",
               _folder(lambda f: set_cell(f, "staff", 4, "current_post", "Ｈ－ＸＸ")),
               ("staff.csv, row 4, column 'current_post'", "H-XX", "unknown post id"),
               ("staff.csv，第 4 行，列「current_post」", "H-XX", "未知的岗位编号")),
    # -- titles, merged headers, renamed sheets and files
    OfficeCase("title_row_then_bad_cell", _folder(_title_and_bad_cell),
               ("staff.csv, row 4, column 'title'", "prof", "row 1 above the header is a title"),
               ("staff.csv，第 4 行，列「title」", "prof", "表头上方的第 1 行是标题")),
    OfficeCase("merged_header_cells", _workbook(_merge_header),
               ("bundle.xlsx sheet '岗位／posts', row 1, column 'C'",
                "header cells C1:D1 are merged"),
               ("bundle.xlsx sheet '岗位／posts'，第 1 行，列「C」", "表头单元格 C1:D1 被合并")),
    OfficeCase("renamed_sheet", _workbook(_rename_sheet("岗位／posts", "Sheet1")),
               ("bundle.xlsx", "no sheet '岗位／posts'", "sheets found:", "Sheet1",
                "closest: 'Sheet1', whose header names 11 of the 11 posts columns"),
               ("bundle.xlsx", "没有工作表“岗位／posts”", "最接近的是“Sheet1”")),
    OfficeCase("renamed_csv_file", _folder(_rename_csv),
               ("posts.csv", "no file posts.csv in folder", "CSV files found: 岗位.csv",
                "closest: '岗位.csv'"),
               ("posts.csv", "缺少“岗位”表", "最接近的是“岗位.csv”")),
    OfficeCase("json_table_missing", _json(lambda d: d.pop("staff")),
               ("bundle.json", "the 'staff' table is missing: no key 'staff'"),
               ("bundle.json", "缺少“人员”表", "没有键“staff”")),
    OfficeCase("damaged_sheet_xml", lambda tmp: _damage_sheet(tmp, lambda d: d[: len(d) // 2]),
               ("bundle.xlsx sheet '人员／staff'", "the sheet cannot be read"),
               ("bundle.xlsx sheet '人员／staff'", "无法读取该工作表")),
    OfficeCase("damaged_sheet_markup",
               lambda tmp: _damage_sheet(tmp, lambda d: d.replace(b"<row ", b"<row <", 1)),
               ("bundle.xlsx sheet '人员／staff'", "the sheet cannot be read"),
               ("bundle.xlsx sheet '人员／staff'", "无法读取该工作表")),
]


def _damage_sheet(tmp: Path, damage: Callable[[bytes], bytes]) -> Path:
    """The tiny workbook with the staff sheet's XML damaged (the archive itself intact)."""
    path = workbook_of_tiny(tmp)
    with zipfile.ZipFile(path) as source:
        book = openpyxl.load_workbook(path, read_only=True)
        index = book.sheetnames.index("人员／staff") + 1
        book.close()
        items = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    target = f"xl/worksheets/sheet{index}.xml"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as damaged:
        for name, data in items:
            damaged.writestr(name, damage(data) if name == target else data)
    return path


MISSHAPEN_POLICIES = {  # file name: (text, English fragments, Chinese fragments)
    "deep.yaml": ("name: deep\nrules:\n  stability: " + "[" * 5000 + "]" * 5000 + "\n",
                  ("deep.yaml, row 3", "nested more than 40 levels deep"),
                  ("deep.yaml，第 3 行", "嵌套超过 40 层")),
    "laughs.yaml": ("name: laughs\n" + LAUGHS, ("laughs.yaml, row 7", "once its aliases"),
                    ("laughs.yaml，第 7 行", "展开别名")),
}


@pytest.mark.parametrize("name", MISSHAPEN_POLICIES)
def test_misshapen_policy_yaml_is_located_in_both_languages(name: str, tmp_path: Path) -> None:
    """Tests that a policy nested thousands of levels deep (which overflows a recursive YAML
    loader) or whose nested aliases stand for about 430 million values exits 2 at once naming
    the line, in English and Chinese, and writes nothing."""
    text, english, chinese = MISSHAPEN_POLICIES[name]
    policy = tmp_path / name
    policy.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    for lang, fragments in (("en", english), ("zh", chinese)):
        result = invoke("solve", TINY, "--policy", policy, "--out", out, "--lang", lang)
        assert result.exit_code == 2, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        for fragment in fragments:
            assert fragment in result.output, result.output
    assert not out.exists()


@pytest.mark.parametrize("case", OFFICE_CASES, ids=[c.id for c in OFFICE_CASES])
def test_office_input_is_located_in_both_languages(case: OfficeCase, tmp_path: Path) -> None:
    """Tests that an office-written malformed input exits 2 with the cell located and the value
    shown in English and in Chinese, and that converting it writes nothing."""
    source = case.make(tmp_path)
    for lang, fragments in (("en", case.expect), ("zh", case.expect_zh)):
        result = invoke("validate", source, "--lang", lang)
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        for fragment in fragments:
            assert fragment in result.output, f"{fragment!r} not in:\n{result.output}"
    out = tmp_path / "out"
    out.mkdir()
    assert invoke("convert", source, out / "converted.json").exit_code == 2
    assert list(out.iterdir()) == []


def test_office_corpus_is_large_enough() -> None:
    """Tests that the office-data corpus holds at least 20 cases with distinct names."""
    assert len(OFFICE_CASES) >= 20
    assert len({c.id for c in OFFICE_CASES} | {c.id for c in CASES}) == len(OFFICE_CASES) + len(
        CASES)


def _zh_location(fragment: str) -> str:
    """The Chinese form of an English location fragment ('f, row 3, column 'c'')."""
    text = re.sub(r", row (\d+)", r"，第 \1 行", fragment)
    return re.sub(r", column '([^']*)'", r"，列「\1」", text)


LOCATED = [c for c in CASES if any(", row " in f for f in c.expect)]


@pytest.mark.parametrize("case", LOCATED, ids=[c.id for c in LOCATED])
def test_malformed_input_is_located_in_chinese(case: Case, tmp_path: Path) -> None:
    """Tests that every located case of the corpus is located in Chinese too (``--lang zh``):
    exit 2, the sheet-style row and column in Chinese words, no English heading."""
    result = invoke(*case.make(tmp_path), "--lang", "zh")
    assert result.exit_code == 2, result.output
    for fragment in case.expect:
        if ", row " in fragment:
            assert _zh_location(fragment) in result.output, result.output
    assert "个错误" in result.output and "expected" not in result.output


def test_every_problem_the_package_builds_has_its_chinese() -> None:
    """Tests that every ``Problem(...)`` written in the package passes ``message_zh`` (and
    ``expected_zh`` whenever it passes ``expected``), so each message exists in both languages."""
    missing = []
    for path in sorted((ROOT / "src" / "staffing").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Problem":
                given = {k.arg for k in node.keywords}
                positional_expected = len(node.args) >= 7
                wants_expected = "expected" in given or positional_expected
                if "message_zh" not in given or (wants_expected and "expected_zh" not in given):
                    missing.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert missing == []


def test_full_width_cells_load_with_one_warning_per_column(tiny_dir: Path,
                                                           tiny: staffing.Instance) -> None:
    """Tests that full-width digits, letters and spaces in number and id cells (as a Chinese
    input method types them) are read as plain ones, names untouched, with one warning per
    column naming the first cell, in both languages."""
    set_cell(tiny_dir, "posts", 2, "places", "２")
    set_cell(tiny_dir, "posts", 4, "places", "\u3000２\u3000")
    set_cell(tiny_dir, "institutions", 3, "population", "５０００")
    set_cell(tiny_dir, "staff", 2, "id", "Ｐ１")
    set_cell(tiny_dir, "staff", 2, "name", "Ｗａｎｇ")  # a name is free text: kept as written
    loaded = staffing.load(tiny_dir)
    assert loaded.person_by_id["P1"].name == "Ｗａｎｇ"
    assert [p.model_dump() for p in loaded.posts] == [p.model_dump() for p in tiny.posts]
    assert loaded.institutions == tiny.institutions
    assert [(w.source, w.column, w.row, w.kind) for w in loaded.warnings] == [
        ("institutions.csv", "population", 3, "full_width"),
        ("posts.csv", "places", 2, "full_width"),
        ("staff.csv", "id", 2, "full_width")]
    assert "2 cell(s) written with full-width characters" in loaded.warnings[1].message
    for lang, words in (("en", "full-width characters read as their plain form"),
                        ("zh", "含全角字符，已按半角读取")):
        result = invoke("validate", tiny_dir, "--lang", lang)
        assert result.exit_code == 0, result.output
        assert words in result.output


def test_full_width_cells_of_a_workbook_load(tmp_path: Path, tiny: staffing.Instance) -> None:
    """Tests that full-width digits typed into a workbook's text cells load as numbers."""
    path = workbook_of_tiny(tmp_path)
    book = openpyxl.load_workbook(path)
    book["岗位／posts"]["F2"] = "２"
    book.save(path)
    loaded = staffing.load(path)
    assert loaded.posts == tiny.posts
    assert [w.kind for w in loaded.warnings] == ["full_width"]


def test_title_row_above_the_header_is_skipped_once(tiny_dir: Path,
                                                    tiny: staffing.Instance) -> None:
    """Tests that a CSV with a title row above its header loads as if the title were absent,
    saying so once and naming the row, with data rows keeping their sheet numbers."""
    _title_above(tiny_dir, "staff", "平园镇2025年双向选择人员名单")
    loaded = staffing.load(tiny_dir)
    assert loaded.staff == tiny.staff
    (note,) = loaded.warnings
    assert (note.source, note.row, note.kind) == ("staff.csv", 1, "title_row")
    assert note.value == "平园镇2025年双向选择人员名单"
    assert "header was read from row 2" in note.message and "第 2 行" in note.message_zh
    assert loaded.locate("staff", 0) == ("staff.csv", 3)


def test_merged_title_row_of_a_workbook_is_named(tmp_path: Path, tiny: staffing.Instance) -> None:
    """Tests that a workbook sheet with a merged title row above the header loads, the warning
    naming the row and the merged cells (instead of one error per row)."""
    path = workbook_of_tiny(tmp_path)
    book = openpyxl.load_workbook(path)
    sheet = book["人员／staff"]
    sheet.insert_rows(1)
    sheet["A1"] = "2025年全员双向选择人员表"
    sheet.merge_cells("A1:P1")
    book.save(path)
    loaded = staffing.load(path)
    assert loaded.staff == tiny.staff
    (note,) = loaded.warnings
    assert note.row == 1 and "merged cells A1:P1" in note.message
    assert "合并单元格 A1:P1" in note.message_zh
    result = invoke("validate", path)
    assert result.exit_code == 0 and result.output.count("is a title") == 1
