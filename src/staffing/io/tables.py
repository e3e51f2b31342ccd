"""The tables of an instance bundle and how raw rows become domain rows.

All three formats (CSV folder, xlsx workbook, JSON) first produce `RawTable`
objects: rows of cell values keyed by header, with their sheet-style row
numbers. `parse_table` turns them into validated row models and collects a
located `Problem` for every bad cell, every missing column and every unknown
one, so one pass reports everything.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from staffing.domain.enums import Coded
from staffing.domain.instance import Choice, Instance, Institution, Meta, PanelRank, Post, Staff
from staffing.errors import Problem
from staffing.io.directed import DIRECTED_TABLE
from staffing.io.messages import Wording, describe
from staffing.io.spec import TableSpec
from staffing.pay.tables import PAY_TABLES
from staffing.planning.tables import PLAN_TABLES

TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in [
        TableSpec("institutions", Institution, "机构",
                  "county hospitals, township centres, villages"),
        TableSpec("posts", Post, "岗位", "posts with places, grade and requirements"),
        TableSpec("staff", Staff, "人员", "every person taking part in the round"),
        TableSpec("choices", Choice, "志愿", "each person's ranked posts", required=False),
        TableSpec("rankings", PanelRank, "评审排名", "each panel's ranking of applicants", False),
    ]
}
META = TableSpec("meta", Meta, "基本信息", "name and year of the round", required=False)

CORE = {"institutions", "posts", "staff", "choices", "rankings"}  # the fields of `Instance`


def all_tables() -> dict[str, TableSpec]:
    """The core tables of an instance, then the optional ones (pay, directed placements,
    rotation planning)."""
    optional = [*PAY_TABLES, DIRECTED_TABLE, *PLAN_TABLES]
    return {**TABLES, **{spec.name: spec for spec in optional}}


def table_rows(instance: Instance) -> dict[str, tuple[TableSpec, list[Any]]]:
    """Every non-empty table of the instance with its spec, meta first."""
    tables: dict[str, tuple[TableSpec, list[Any]]] = {META.name: (META, [instance.meta])}
    for name, spec in all_tables().items():
        rows = getattr(instance, name) if name in CORE else instance.extras.get(name, [])
        if rows or spec.required:
            tables[name] = (spec, rows)
    return tables


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 1-based column index (1 -> A, 27 -> AA)."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass
class RawTable:
    """Cells as read from a file, before any typing.

    ``stray`` holds, per row number, the non-blank cells that stand in a column
    without a header (beyond the last header, or under a blank one) as
    (1-based column index, value); `parse_table` reports them. ``header_row`` is
    the sheet row the header was read from (below a title row it is not 1);
    ``merged_header`` the header cells merged across columns; ``notes`` what
    was said once about the table while reading it (a title row skipped).
    """

    source: str
    headers: list[str]
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    stray: dict[int, list[tuple[int, Any]]] = field(default_factory=dict)
    header_row: int = 1
    merged_header: list[tuple[int, int]] = field(default_factory=list)  # 1-based column spans
    notes: list[Problem] = field(default_factory=list)  # said once about the whole table

    def append(self, number: int, cells: Sequence[Any]) -> None:
        """Add one row of cells, in column order, read from row ``number``."""
        record: dict[str, Any] = {h: None for h in self.headers if h}
        stray = []
        for index, value in enumerate(cells):
            header = self.headers[index] if index < len(self.headers) else ""
            if header:
                record[header] = value
            elif not _is_blank(value):
                stray.append((index + 1, value))
        self.rows.append((number, record))
        if stray:
            self.stray[number] = stray


def _normalise_header(text: str) -> list[str]:
    """Every way a header cell may name a column: code, Chinese, or 'zh / code'."""
    text = str(text).strip().lstrip("\ufeff")
    names = [text]
    for sep in ("/", "／"):
        if sep in text:
            names.extend(part.strip() for part in text.split(sep))
    return [n.lower().replace(" ", "_") if n.isascii() else n for n in names]


def header_lookup(spec: TableSpec) -> dict[str, str]:
    """Every name a header cell may give a column: its code and its Chinese header."""
    lookup: dict[str, str] = {}
    for col in spec.columns:
        lookup[col] = col
        lookup[spec.zh_header(col)] = col
    return lookup


def column_of(lookup: dict[str, str], header: Any) -> str | None:
    """The column a header cell names, if any."""
    if header is None or str(header).strip() == "":
        return None
    return next((lookup[n] for n in _normalise_header(header) if n in lookup), None)


def known_columns(spec: TableSpec, cells: Sequence[Any]) -> int:
    """How many distinct columns of ``spec`` a row of cells names."""
    lookup = header_lookup(spec)
    return len({found for cell in cells if (found := column_of(lookup, cell)) is not None})


TITLE_ROWS_SEARCHED = 10  # rows looked at for the header when row 1 names no column


def find_header(spec: TableSpec, first_rows: Sequence[Sequence[Any]]) -> int:
    """Index (0-based) of the header among a table's first rows.

    Row 1, unless it names no column of the table and a later row (within the first
    ten) names at least two (or all, for a table of one column): then the rows above
    it are a title.
    """
    if not first_rows or known_columns(spec, first_rows[0]) > 0:
        return 0
    needed = min(2, len(spec.columns))
    for index, cells in enumerate(first_rows[1:TITLE_ROWS_SEARCHED], start=1):
        if known_columns(spec, cells) >= needed:
            return index
    return 0


def title_note(source: str, header_index: int, title_rows: Sequence[Sequence[Any]],
               merged: str | None = None) -> Problem:
    """The warning that the rows above the header were skipped as a title."""
    texts = [str(c).strip() for row in title_rows for c in row if not _is_blank(c)]
    header = header_index + 1
    above = "row 1" if header == 2 else f"rows 1-{header - 1}"
    above_zh = "第 1 行" if header == 2 else f"第 1-{header - 1} 行"
    cells = f" (merged cells {merged})" if merged else ""
    cells_zh = f"（合并单元格 {merged}）" if merged else ""
    return Problem(
        source, f"{above} above the header is a title{cells}, skipped; the header was read "
        f"from row {header}", kind="title_row", row=1, value=" ".join(texts)[:80] or None,
        severity="warning",
        message_zh=f"表头上方的{above_zh}是标题{cells_zh}，已跳过；表头从第 {header} 行读取")


def map_headers(spec: TableSpec, raw: RawTable) -> tuple[dict[str, str], list[Problem]]:
    """Map each raw header to a column; report unknown, duplicate and missing columns."""
    lookup = header_lookup(spec)
    mapping: dict[str, str] = {}
    problems: list[Problem] = []
    for header in raw.headers:
        if header is None or str(header).strip() == "":
            continue
        found = column_of(lookup, header)
        columns = ", ".join(spec.columns)
        if found is None:
            problems.append(
                Problem(
                    raw.source,
                    "unknown column, ignored",
                    kind="unknown_column",
                    row=raw.header_row,
                    column=str(header),
                    expected="one of " + columns,
                    severity="warning",
                    message_zh="未知列，已忽略",
                    expected_zh="以下之一：" + columns,
                )
            )
        elif found in mapping.values():
            problems.append(
                Problem(raw.source, "column appears twice", "duplicate_column", raw.header_row,
                        str(header), message_zh="列重复出现", expected="each column once",
                        expected_zh="每列只出现一次")
            )
        else:
            mapping[header] = found
    for col in spec.required_columns():
        if col not in mapping.values():
            problems.append(
                Problem(
                    raw.source,
                    f"required column '{col}' ({spec.zh_header(col)}) is missing",
                    kind="missing_column",
                    row=raw.header_row,
                    column=col,
                    expected=f"a header '{spec.bilingual_header(col)}'",
                    message_zh=f"缺少必填列「{spec.zh_header(col)}」（{col}）",
                    expected_zh=f"表头「{spec.bilingual_header(col)}」",
                )
            )
    return mapping, problems


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def coded_type(annotation: Any) -> type[Coded] | None:
    """The coded type of a column annotation (also inside ``X | None`` and lists), if any."""
    if isinstance(annotation, type) and issubclass(annotation, Coded):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = coded_type(arg)
        if found is not None:
            return found
    return None


def problems_from_validation(
    error: ValidationError, spec: TableSpec, source: str, row: int | None, cells: dict[str, Any]
) -> list[Problem]:
    """Turn a pydantic ValidationError on one row into located problems, in both languages."""
    problems = []
    for item in error.errors():
        loc = item.get("loc") or ()
        column = str(loc[0]) if loc else (item.get("ctx") or {}).get("column")
        field = spec.model.model_fields.get(column) if column else None
        annotation = field.annotation if field is not None else None
        wording = describe(item, field=column, coded=coded_type(annotation),
                           is_flag=annotation is bool)
        if item["type"] == "missing" and column is not None:
            wording = Wording(wording.message, f"必须填写「{column}」（{spec.zh_header(column)}）",
                              wording.expected, wording.expected_zh)
        problems.append(
            Problem(
                source,
                wording.message,
                kind=item["type"],
                row=row,
                column=column,
                value=cells.get(column) if column else None,
                expected=wording.expected,
                message_zh=wording.message_zh,
                expected_zh=wording.expected_zh,
            )
        )
    return problems


def _stray_cells(raw: RawTable) -> list[Problem]:
    merged = {col for first, last in raw.merged_header for col in range(first + 1, last + 1)}
    header = raw.header_row
    return [
        Problem(raw.source, "cell outside the table: its column has no header",
                kind="extra_cells", row=number, column=column_letter(index), value=value,
                expected=f"cells only under a header of row {header} (delete it, or add the "
                "column)", message_zh="表格之外的单元格：所在列没有表头",
                expected_zh=f"只在第 {header} 行有表头的列下填写（删除它，或补上该列表头）")
        for number, cells in sorted(raw.stray.items())
        for index, value in cells if index not in merged
    ]


def _merged_headers(raw: RawTable) -> list[Problem]:
    """One error per header cell merged across columns (their cells would lose their header)."""
    problems = []
    for first, last in raw.merged_header:
        span = f"{column_letter(first)}{raw.header_row}:{column_letter(last)}{raw.header_row}"
        problems.append(Problem(
            raw.source, f"header cells {span} are merged: one header over {last - first + 1} "
            "columns", kind="merged_header", row=raw.header_row, column=column_letter(first),
            value=raw.headers[first - 1] if first - 1 < len(raw.headers) else None,
            expected="one header cell per column (unmerge the cells and name each column)",
            message_zh=f"表头单元格 {span} 被合并：{last - first + 1} 列共用一个表头",
            expected_zh="每列一个表头单元格（取消合并并为每列填写表头）"))
    return problems


def free_text_columns(spec: TableSpec) -> set[str]:
    """Columns of free text (names, descriptions): read as written, never normalised."""
    return {name for name, f in spec.model.model_fields.items()
            if f.annotation is str and not f.metadata}


def _normalise_cells(spec: TableSpec, raw: RawTable, mapping: dict[str, str],
                     free: set[str]) -> list[Problem]:
    """Full-width digits, letters and spaces (NFKC) in code and number cells, in place.

    One warning per column says how many cells were read so, with the first.
    """
    changed: dict[str, list[tuple[int, str, str]]] = {}
    for number, cells in raw.rows:
        for header, value in cells.items():
            if not isinstance(value, str) or value.isascii():
                continue
            column = mapping.get(header)
            if column is None or column in free:
                continue
            plain = unicodedata.normalize("NFKC", value)
            if plain != value:
                cells[header] = plain
                changed.setdefault(column, []).append((number, value, plain))
    return [
        Problem(raw.source, f"{len(found)} cell(s) written with full-width characters read as "
                f"their plain form (first: row {found[0][0]}, {found[0][1]!r} as "
                f"{found[0][2]!r})", kind="full_width", row=found[0][0], column=column,
                value=found[0][1], severity="warning",
                message_zh=f"{len(found)} 个单元格含全角字符，已按半角读取（首个：第 "
                f"{found[0][0]} 行，“{found[0][1]}”读作“{found[0][2]}”）")
        for column, found in changed.items()
    ]


def parse_table(spec: TableSpec, raw: RawTable) -> tuple[list[Any], list[int], list[Problem]]:
    """Validate every row of ``raw``; return rows, their row numbers and all problems."""
    if not any(str(h).strip() for h in raw.headers if h is not None):
        if not spec.required:
            return [], [], []  # an empty optional table
        wanted = ", ".join(spec.bilingual_header(c) for c in spec.required_columns())
        return [], [], [
            Problem(raw.source, "the table is empty (no header, no rows)", kind="empty",
                    row=1, expected="a header row with at least " + wanted,
                    message_zh="表格为空（没有表头，也没有数据行）",
                    expected_zh="表头至少包含 " + wanted)
        ]
    mapping, problems = map_headers(spec, raw)
    problems[:0] = raw.notes
    header_broken = any(p.severity == "error" for p in problems)
    problems.extend(_merged_headers(raw))
    problems.extend(_stray_cells(raw))
    if header_broken:
        return [], [], problems
    problems.extend(_normalise_cells(spec, raw, mapping, free_text_columns(spec)))
    rows: list[Any] = []
    numbers: list[int] = []
    for number, cells in raw.rows:
        values = {
            mapping[h]: v for h, v in cells.items() if h in mapping and not _is_blank(v)
        }
        if not values:
            continue  # a blank line
        try:
            rows.append(spec.model.model_validate(values))
            numbers.append(number)
        except ValidationError as error:
            problems.extend(problems_from_validation(error, spec, raw.source, number, values))
    if spec.required and not raw.rows:
        problems.append(Problem(raw.source, "the table has a header but no rows", kind="empty",
                                row=raw.header_row + 1,
                                expected=f"at least one row of {spec.description}",
                                message_zh="表格只有表头，没有数据行",
                                expected_zh="至少一行数据"))
    return rows, numbers, problems


def cell_text(value: Any) -> str:
    """A cell value as written to CSV and JSON-free text formats."""
    if value is None:
        return ""
    if isinstance(value, Coded):
        return value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else f"{value:.1f}"
    if isinstance(value, list):
        return ";".join(cell_text(v) for v in value)
    return str(value)


def row_cells(row: BaseModel, columns: list[str]) -> list[Any]:
    """The python values of ``columns`` of one row, lists joined, enums as codes."""
    out = []
    for col in columns:
        value = getattr(row, col)
        if isinstance(value, Coded):
            value = value.value
        elif isinstance(value, list):
            value = ";".join(v.value if isinstance(v, Coded) else str(v) for v in value)
        out.append(value)
    return out
