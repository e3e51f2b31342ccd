"""The tables of an instance bundle and how raw rows become domain rows.

All three formats (CSV folder, xlsx workbook, JSON) first produce `RawTable`
objects: rows of cell values keyed by header, with their sheet-style row
numbers. `parse_table` turns them into validated row models and collects a
located `Problem` for every bad cell, every missing column and every unknown
one, so one pass reports everything.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from staffing.domain.enums import Coded
from staffing.domain.instance import Choice, Instance, Institution, Meta, PanelRank, Post, Staff
from staffing.errors import Problem
from staffing.io.directed import DIRECTED_TABLE
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
    (1-based column index, value); `parse_table` reports them.
    """

    source: str
    headers: list[str]
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    stray: dict[int, list[tuple[int, Any]]] = field(default_factory=dict)

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


def map_headers(spec: TableSpec, raw: RawTable) -> tuple[dict[str, str], list[Problem]]:
    """Map each raw header to a column; report unknown, duplicate and missing columns."""
    lookup: dict[str, str] = {}
    for col in spec.columns:
        lookup[col] = col
        lookup[spec.zh_header(col)] = col
    mapping: dict[str, str] = {}
    problems: list[Problem] = []
    for header in raw.headers:
        if header is None or str(header).strip() == "":
            continue
        found = next((lookup[n] for n in _normalise_header(header) if n in lookup), None)
        if found is None:
            problems.append(
                Problem(
                    raw.source,
                    "unknown column, ignored",
                    kind="unknown_column",
                    row=1,
                    column=str(header),
                    expected="one of " + ", ".join(spec.columns),
                    severity="warning",
                )
            )
        elif found in mapping.values():
            problems.append(
                Problem(raw.source, "column appears twice", "duplicate_column", 1, str(header))
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
                    row=1,
                    column=col,
                    expected=f"a header '{spec.bilingual_header(col)}'",
                )
            )
    return mapping, problems


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def _expected_for(error: ErrorDetails, spec: TableSpec, column: str | None) -> str | None:
    """What would have been valid, in words, for one pydantic error."""
    ctx = error.get("ctx") or {}
    kind = error["type"]
    if kind.startswith("int_"):
        return "a whole number"
    if kind.startswith("float_"):
        return "a number"
    if kind == "greater_than_equal":
        return f"a number >= {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"a number <= {ctx.get('le')}"
    if kind == "missing":
        return "a value"
    if kind in ("string_too_short", "string_too_long", "too_short", "too_long"):
        return "an id of 1 to 64 characters"
    if column is not None and column in spec.model.model_fields:
        if spec.model.model_fields[column].annotation is bool:
            return "yes or no (是 / 否)"
        coded = coded_type(spec.model.model_fields[column].annotation)
        if coded is not None:
            return "one of " + coded.choices()
    return None


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
    """Turn a pydantic ValidationError on one row into located problems."""
    problems = []
    for item in error.errors():
        loc = item.get("loc") or ()
        column = str(loc[0]) if loc else (item.get("ctx") or {}).get("column")
        message = item["msg"].removeprefix("Value error, ")
        value = cells.get(column) if column else None
        if item["type"] == "missing":
            message = f"'{column}' is required"
        elif item["type"] in ("too_long", "string_too_long"):
            message = "too long"
        elif item["type"] in ("too_short", "string_too_short"):
            message = "too short"
        problems.append(
            Problem(
                source,
                message,
                kind=item["type"],
                row=row,
                column=column,
                value=value,
                expected=_expected_for(item, spec, column),
            )
        )
    return problems


def _stray_cells(raw: RawTable) -> list[Problem]:
    return [
        Problem(raw.source, "cell outside the table: its column has no header",
                kind="extra_cells", row=number, column=column_letter(index), value=value,
                expected="cells only under a header of row 1 (delete it, or add the column)")
        for number, cells in sorted(raw.stray.items())
        for index, value in cells
    ]


def parse_table(spec: TableSpec, raw: RawTable) -> tuple[list[Any], list[int], list[Problem]]:
    """Validate every row of ``raw``; return rows, their row numbers and all problems."""
    if not any(str(h).strip() for h in raw.headers if h is not None):
        if not spec.required:
            return [], [], []  # an empty optional table
        return [], [], [
            Problem(raw.source, "the table is empty (no header, no rows)", kind="empty",
                    row=1, expected="a header row with at least " + ", ".join(
                        spec.bilingual_header(c) for c in spec.required_columns()))
        ]
    mapping, problems = map_headers(spec, raw)
    header_broken = any(p.severity == "error" for p in problems)
    problems.extend(_stray_cells(raw))
    if header_broken:
        return [], [], problems
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
                                row=2, expected=f"at least one row of {spec.description}"))
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
