"""Tests that ``staffing template`` writes a workbook an HR office can fill in and load."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import column_index_from_string, get_column_letter

import staffing
from staffing.domain.enums import (
    Discipline,
    Education,
    Licence,
    Pool,
    TeamRole,
    Tier,
    Title,
)
from staffing.io.tables import META, TABLES, all_tables, coded_type
from tests.builders import invoke

CODED = {t.__name__: t for t in (Tier, Title, Licence, Discipline, Education, Pool, TeamRole)}


@pytest.fixture
def template(tmp_path: Path) -> Path:
    path = tmp_path / "template.xlsx"
    result = invoke("template", path)
    assert result.exit_code == 0, result.output
    return path


def list_values(book: openpyxl.Workbook, formula: str) -> list[str]:
    """The cells a list validation's range formula points at."""
    sheet_name, cells = formula.split("!")
    sheet = book[sheet_name.strip("'")]
    first, last = cells.replace("$", "").split(":")
    return [c.value for row in sheet[first:last] for c in row if c.value is not None]


def validations_by_column(sheet: openpyxl.worksheet.worksheet.Worksheet) -> dict[int, str]:
    """Column index -> list formula, for list validations that start on row 2."""
    found = {}
    for dv in sheet.data_validations.dataValidation:
        assert dv.type == "list"
        for cell_range in dv.sqref.ranges:
            assert cell_range.min_row == 2 and cell_range.max_row >= 1000
            found[cell_range.min_col] = dv.formula1
    return found


def test_template_has_instructions_and_bilingual_headers(template: Path) -> None:
    """Tests that the template has an instructions sheet first and bilingual headers per table."""
    book = openpyxl.load_workbook(template)
    assert book.sheetnames[0] == "说明／instructions"
    guide = "\n".join(str(v) for row in book.worksheets[0].iter_rows(values_only=True)
                      for v in row if v is not None)
    assert "How to fill in" in guide and "如何填写" in guide
    for spec in [META, *all_tables().values()]:
        assert spec.sheet_name in book.sheetnames
        assert spec.sheet_name in guide
        headers = [c.value for c in book[spec.sheet_name][1]]
        assert headers == [spec.bilingual_header(col) for col in spec.columns]
        for col in spec.columns:
            assert f"{spec.zh_header(col)} / {col}" in headers
    assert book["代码／codes"].sheet_state == "hidden"
    assert "工号 / id" in [c.value for c in book["人员／staff"][1]]


def test_template_has_drop_downs_for_coded_columns(template: Path) -> None:
    """Tests that every coded column offers its Chinese labels and codes, and flags yes/no,
    in the core tables and in the tables other modules register."""
    book = openpyxl.load_workbook(template)
    checked = 0
    for spec in [META, *all_tables().values()]:
        core = spec.name in TABLES or spec is META
        sheet = book[spec.sheet_name]
        by_column = validations_by_column(sheet)
        for index, col in enumerate(spec.columns, start=1):
            annotation = spec.model.model_fields[col].annotation
            coded = coded_type(annotation)
            if col == "accepts":
                assert index not in by_column  # a list of disciplines: free text
            elif coded is not None:
                values = list_values(book, by_column[index])
                assert set(values) == {m.zh for m in coded} | {m.value for m in coded}, col
                checked += core
            elif annotation is bool:
                assert set(list_values(book, by_column[index])) >= {"是", "否"}, col
                checked += core
            else:
                assert index not in by_column, col
    # core tables: tier (1); discipline, grade, licence, min_title, team_role (5); discipline,
    # title, licence, education, pool (5) and four yes/no flags (4)
    assert checked == 15
    staff = validations_by_column(book["人员／staff"])
    title_column = column_index_from_string("D")
    assert "中级" in list_values(book, staff[title_column])


def _fill(sheet: openpyxl.worksheet.worksheet.Worksheet, rows: list[dict[str, object]]) -> None:
    """Write rows under the bilingual headers, matching each key to its header's code part."""
    headers = [c.value for c in sheet[1]]
    index = {h.split(" / ")[1]: k for k, h in enumerate(headers, start=1)}
    for r, row in enumerate(rows, start=2):
        for key, value in row.items():
            sheet.cell(row=r, column=index[key], value=value)


def test_filled_template_with_chinese_labels_loads(template: Path) -> None:
    """Tests that a template filled in with Chinese labels validates and loads as codes.

    Labels such as 乡镇, 执业医师 and 是 read as the township tier, the physician licence and
    true; ``validate`` counts 3 institutions and 3 posts.
    """
    book = openpyxl.load_workbook(template)
    _fill(book["基本信息／meta"], [{"name": "某县医共体", "year": 2025}])
    _fill(book["机构／institutions"], [
        {"id": "H", "name": "县人民医院", "tier": "县级", "headcount_county": 3},
        {"id": "T", "name": "城关镇卫生院", "tier": "乡镇", "parent": "H", "population": 8000,
         "headcount_grassroots": 10, "fd_teams": 1},
        {"id": "V", "name": "东村卫生室", "tier": "村级", "parent": "T", "population": 650,
         "distance_km": 3.5},
    ])
    _fill(book["岗位／posts"], [
        {"id": "T-GP", "institution": "T", "name": "全科医生", "discipline": "全科",
         "grade": "中级", "places": 2, "licence": "执业助理医师", "team_role": "全科医生",
         "accepts": "内科；中医"},
        {"id": "H-IM", "institution": "H", "discipline": "内科", "grade": "副高级",
         "licence": "执业医师", "min_title": "中级"},
        {"id": "V-DOC", "institution": "V", "discipline": "全科", "licence": "乡村医生"},
    ])
    _fill(book["人员／staff"], [
        {"id": "A1", "name": "王伟", "discipline": "内科", "title": "中级", "licence": "执业医师",
         "education": "本科", "residency_certificate": "是", "pool": "县级编制",
         "current_post": "H-IM", "grassroots_months": 6, "promotion_candidate": "否"},
        {"id": "A2", "name": "李娜", "discipline": "全科", "title": "初级",
         "licence": "执业助理医师", "education": "大专", "pool": "基层编制",
         "current_post": "T-GP"},
        {"id": "A3", "name": "赵敏", "discipline": "全科", "title": "无", "licence": "乡村医生",
         "education": "中专", "pool": "编外", "current_post": "V-DOC"},
        {"id": "A4", "name": "黄磊", "discipline": "全科", "title": "初级", "licence": "执业医师",
         "education": "硕士", "new_recruit": "是"},
    ])
    _fill(book["志愿／choices"], [{"person": "A1", "rank": 1, "post": "T-GP"},
                                 {"person": "A4", "rank": 1, "post": "T-GP"}])
    filled = template.with_name("filled.xlsx")
    book.save(filled)

    result = invoke("validate", filled)
    assert result.exit_code == 0, result.output
    assert "3 institutions, 3 posts" in result.output
    inst = staffing.load(filled)
    assert inst.meta.name == "某县医共体"
    assert [i.tier for i in inst.institutions] == [Tier.COUNTY, Tier.TOWNSHIP, Tier.VILLAGE]
    t_gp = inst.post_by_id["T-GP"]
    assert (t_gp.discipline, t_gp.grade, t_gp.licence, t_gp.team_role) == (
        Discipline.GENERAL_PRACTICE, Title.INTERMEDIATE, Licence.ASSISTANT_PHYSICIAN, TeamRole.GP)
    assert t_gp.accepts == [Discipline.INTERNAL_MEDICINE, Discipline.TCM]
    a1 = inst.person_by_id["A1"]
    assert (a1.licence, a1.education, a1.pool, a1.residency_certificate) == (
        Licence.PHYSICIAN, Education.BACHELOR, Pool.COUNTY, True)
    a4 = inst.person_by_id["A4"]
    assert a4.new_recruit and a4.pool is None
    assert inst.institution_by_id["V"].distance_km == 3.5


def test_template_loads_as_an_empty_bundle_with_located_errors(template: Path) -> None:
    """Tests that the unfilled template is refused, naming each empty required sheet."""
    result = invoke("validate", template)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for sheet in ("机构／institutions", "岗位／posts", "人员／staff"):
        assert sheet in result.output


def test_unused_header_letters_have_no_drop_down(template: Path) -> None:
    """Tests that drop-downs stop at the last header: the first free column has none."""
    book = openpyxl.load_workbook(template)
    sheet = book["人员／staff"]
    free = column_index_from_string(get_column_letter(sheet.max_column + 1))
    assert free not in validations_by_column(sheet)
