"""Excel workbooks: instance bundles, the fill-in template and report sheets.

Sheets are named ``<中文>／<code>`` (for example ``人员／staff``: Excel forbids
the ASCII slash in sheet names, so the full-width one is used) and headers
``<中文> / <code>``; on reading, a sheet or header given by either half, or
both, is recognised.
"""

from __future__ import annotations

import re
import zipfile
from itertools import chain, islice
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.datavalidation import DataValidation

from staffing.domain.enums import Coded
from staffing.domain.instance import Instance
from staffing.errors import Problem
from staffing.io.atomic import atomic_path
from staffing.io.formulas import guard_workbook
from staffing.io.spec import SHEET_SEP, TableSpec
from staffing.io.tables import (
    META,
    TITLE_ROWS_SEARCHED,
    RawTable,
    all_tables,
    coded_type,
    find_header,
    row_cells,
    table_rows,
    title_note,
)

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_FIXED_TIME = "2000-01-01T00:00:00Z"
GUIDE_SHEET = f"说明{SHEET_SEP}instructions"
CODES_SHEET = f"代码{SHEET_SEP}codes"


def _sheet_key(title: str) -> list[str]:
    parts = [title.strip()]
    for sep in ("/", "／"):
        if sep in title:
            parts.extend(p.strip() for p in title.split(sep))
    return [p.lower() for p in parts]


def _table_of(title: str) -> TableSpec | None:
    """The table a sheet holds, by its title (either half of '人员／staff', or both)."""
    lookup: dict[str, TableSpec] = {}
    for spec in [META, *all_tables().values()]:
        lookup[spec.name] = spec
        lookup[spec.zh] = spec
    return next((lookup[k] for k in _sheet_key(title) if k in lookup), None)


def open_workbook(path: Path) -> tuple[Any, list[Problem]]:
    """The workbook (read-only, values only), or None with the problem that stops it."""
    try:
        return load_workbook(path, read_only=True, data_only=True), []
    except Exception as error:  # noqa: BLE001  (openpyxl raises many types for a corrupt file)
        return None, [
            Problem(path.name, f"cannot open the workbook: {error}", "xlsx",
                    expected="an .xlsx file saved by Excel or WPS",
                    message_zh=f"无法打开工作簿：{error}",
                    expected_zh="由 Excel 或 WPS 保存的 .xlsx 文件")
        ]


def read_workbook(path: Path) -> tuple[dict[str, RawTable], list[Problem]]:
    """Read every known sheet of a workbook into raw tables."""
    book, problems = open_workbook(path)
    if book is None:
        return {}, problems
    raw: dict[str, RawTable] = {}
    for sheet in book.worksheets:
        found = _table_of(sheet.title)
        if found is None:
            continue  # instructions and code lists
        try:
            raw[found.name] = read_sheet(path, sheet, found)
        except Exception as error:  # noqa: BLE001  (a damaged sheet fails in many ways)
            problems.append(unreadable_sheet(path, sheet.title, error))
    book.close()
    return raw, problems


def unreadable_sheet(path: Path, title: str, error: Exception) -> Problem:
    """A sheet whose contents cannot be read (damaged XML or compressed data)."""
    detail = f"{type(error).__name__}: {error}"[:200]
    return Problem(f"{path.name} sheet '{title}'", f"the sheet cannot be read ({detail})",
                   "xlsx", expected="a sheet saved by Excel or WPS (open the file and save it "
                   "again, or copy the table into a new workbook)",
                   message_zh=f"无法读取该工作表（{detail}）",
                   expected_zh="由 Excel 或 WPS 保存的工作表（用 Excel 打开后重新保存，"
                   "或把表格复制到新工作簿）")


def read_sheet(path: Path, sheet: Any, spec: TableSpec) -> RawTable:
    """One sheet as a raw table: the header found below any title row, merged headers noted."""
    source = f"{path.name} sheet '{sheet.title}'"
    rows = sheet.iter_rows(values_only=True)
    first = list(islice(rows, TITLE_ROWS_SEARCHED))
    if not first:
        return RawTable(source, [])
    start = find_header(spec, first)
    headers = [str(h).strip() if h is not None else "" for h in first[start]]
    table = RawTable(source, headers, header_row=start + 1)
    merges = sheet_merges(path, sheet)
    if start:
        spans = [m for m in merges if m[1] <= start]  # merged cells within the title rows
        text = ", ".join(f"{get_column_letter(c0)}{r0}:{get_column_letter(c1)}{r1}"
                         for c0, r0, c1, r1 in spans) or None
        table.notes.append(title_note(source, start, first[:start], text))
    table.merged_header = [(c0, c1) for c0, r0, c1, r1 in merges
                           if r0 <= start + 1 <= r1 and c1 > c0]
    for number, cells in enumerate(chain(first[start + 1:], rows), start=start + 2):
        if cells is None or all(c is None or str(c).strip() == "" for c in cells):
            continue
        table.append(number, cells)
    return table


_MERGE = re.compile(rb'<mergeCell ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def sheet_merges(path: Path, sheet: Any) -> list[tuple[int, int, int, int]]:
    """Merged ranges of a sheet as (first column, first row, last column, last row), 1-based.

    Read from the sheet's XML: a read-only worksheet does not load them.
    """
    member = getattr(sheet, "_worksheet_path", None)
    if not member:
        return []
    try:
        with zipfile.ZipFile(path) as archive:
            data = archive.read(member.lstrip("/"))
    except (KeyError, OSError, zipfile.BadZipFile):
        return []
    return [range_boundaries(ref.decode()) for ref in _MERGE.findall(data)]


def sheet_summaries(path: Path) -> list[tuple[str, list[Any]]]:
    """Every sheet's title and first rows (for naming the sheet a missing table may be in)."""
    book, _problems = open_workbook(path)
    if book is None:
        return []
    found = []
    for sheet in book.worksheets:
        try:
            first = [list(r) for r in islice(sheet.iter_rows(values_only=True),
                                             TITLE_ROWS_SEARCHED)]
        except Exception:  # noqa: BLE001  (a damaged sheet: named, its rows unknown)
            first = []
        found.append((sheet.title, first))
    book.close()
    return found


def write_header(sheet: Any, headers: list[str]) -> None:
    """Write a bold, shaded header row, size the columns to it and freeze it."""
    sheet.append(headers)
    for index, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(header) + 4)
    sheet.freeze_panes = "A2"


def write_only_header(sheet: Any, headers: list[str]) -> None:
    """`write_header` for a write-only sheet (before any other row: the column widths and the
    frozen row are set first)."""
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(header) + 4)
    sheet.freeze_panes = "A2"
    cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cells.append(cell)
    sheet.append(cells)


def _write_header(sheet: Any, spec: TableSpec) -> None:
    write_header(sheet, [spec.bilingual_header(col) for col in spec.columns])


def write_workbook(instance: Instance, path: Path, *, deterministic: bool = True) -> None:
    """Write an instance as one workbook, a sheet per table (atomically)."""
    book = Workbook()
    book.remove(book.active)
    for spec, rows in table_rows(instance).values():
        sheet = book.create_sheet(spec.sheet_name)
        _write_header(sheet, spec)
        for row in rows:
            sheet.append([_exact(value) for value in row_cells(row, spec.columns)])
    save_book(book, path, deterministic=deterministic)


def _exact(value: Any) -> Any:
    """A cell value that reads back exactly.

    openpyxl writes numbers with 16 significant digits; the rare float that
    needs 17 (such as 0.1 + 0.2) is written as its exact text instead.
    """
    if isinstance(value, float) and float(f"{value:.16g}") != value:
        return repr(value)
    return value


def save_book(book: Workbook, path: Path, *, deterministic: bool = True) -> None:
    """Save a workbook atomically; with ``deterministic`` the bytes depend on content only."""
    guard_workbook(book)
    with atomic_path(Path(path)) as tmp:
        book.save(tmp)
        if deterministic:
            normalise_xlsx(tmp)


def normalise_xlsx(path: Path) -> None:
    """Fix the zip timestamps and document dates so equal content gives equal bytes."""
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in entries:
            content = data
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                    lambda m: m.group(1) + _FIXED_TIME.encode() + m.group(2),
                    data,
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, content)


_INSTRUCTIONS = [
    ("如何填写 / How to fill in", ""),
    ("1", "每个工作表对应一张表；第一行是表头（中文 / 英文），不要修改表头。"),
    ("", "Each sheet is one table; row 1 holds the headers (Chinese / English) - keep them."),
    ("2", "带下拉列表的列只接受列表中的代码或中文名称。"),
    ("", "Columns with a drop-down accept the listed codes or their Chinese labels."),
    ("3", "编号在各自表内必须唯一；引用（上级机构、现岗位、志愿岗位）必须指向已有编号。"),
    ("", "Ids are unique per table; references (parent, current post, chosen post) must exist."),
    ("4", "志愿表每行一个志愿：工号、志愿序号（1 为第一志愿）、岗位编号。"),
    ("", "Choices: one row per choice - person, rank (1 = first), post."),
    ("5", "评审排名表：每个岗位对每位报名者的排名，名次相同表示并列。"),
    ("", "Rankings: per post, the panel's rank of each applicant; equal ranks are ties."),
    ("6", "填好后运行 staffing validate 文件.xlsx --policy models/<政策>.yaml 检查。"),
    ("", "Then run: staffing validate FILE.xlsx --policy models/<policy>.yaml"),
]


def write_template(path: Path) -> None:
    """Write an empty workbook an HR office can fill in."""
    book = Workbook()
    guide = book.active
    guide.title = GUIDE_SHEET
    for line in _INSTRUCTIONS:
        guide.append(list(line))
    guide.column_dimensions["B"].width = 100
    lists = book.create_sheet(CODES_SHEET)
    list_ranges = _write_code_lists(lists)
    specs = [META, *all_tables().values()]
    for spec in specs:
        sheet = book.create_sheet(spec.sheet_name)
        _write_header(sheet, spec)
        _describe_columns(guide, spec)
        for index, col in enumerate(spec.columns, start=1):
            annotation = spec.model.model_fields[col].annotation
            coded = coded_type(annotation)
            if col == "accepts":
                continue
            if coded is not None:
                formula = list_ranges[coded.__name__]
            elif annotation is bool:
                formula = list_ranges["Flag"]
            else:
                continue
            validation = DataValidation(
                type="list", formula1=formula, allow_blank=True,
                showErrorMessage=True, errorTitle="无效值 / invalid value",
                error="请从下拉列表选择 / choose from the list",
            )
            letter = get_column_letter(index)
            validation.add(f"{letter}2:{letter}5000")
            sheet.add_data_validation(validation)
    lists.sheet_state = "hidden"
    save_book(book, path)


_FLAG_VALUES = ["是", "否", "yes", "no"]


def coded_types() -> list[type[Coded]]:
    """Every coded type used by a column of a registered table, in table order."""
    found: dict[str, type[Coded]] = {}
    for spec in [META, *all_tables().values()]:
        for field in spec.model.model_fields.values():
            coded = coded_type(field.annotation)
            if coded is not None:
                found.setdefault(coded.__name__, coded)
    return list(found.values())


def _write_code_lists(sheet: Any) -> dict[str, str]:
    """One column per coded type (Chinese labels, then codes) and one of yes/no values.

    Returns the range formula of each list, keyed by type name (``Flag`` for yes/no).
    """
    lists: dict[str, list[str]] = {}
    for coded in coded_types():
        members: list[Coded] = list(coded)
        lists[coded.__name__] = [m.zh for m in members] + [m.value for m in members]
    lists["Flag"] = _FLAG_VALUES
    ranges: dict[str, str] = {}
    for index, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index, value=name)
        for row, value in enumerate(values, start=2):
            sheet.cell(row=row, column=index, value=value)
        ranges[name] = f"'{CODES_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
    return ranges


def _describe_columns(guide: Any, spec: TableSpec) -> None:
    guide.append([])
    guide.append([spec.sheet_name, spec.description])
    for col in spec.columns:
        field = spec.model.model_fields[col]
        need = "必填 required" if field.is_required() else "可选 optional"
        guide.append(["", f"{spec.bilingual_header(col)}: {field.description} ({need})"])
