"""Instance bundles in three formats that load into the same model and round-trip.

- a folder of CSV files, one per table (``institutions.csv``, ``posts.csv``, ...);
- one ``.xlsx`` workbook with a sheet per table and bilingual headers;
- one ``.json`` file: ``{"meta": {...}, "institutions": [{...}, ...], ...}``.

`load` reads any of them, validates every row and every reference, and raises
one `InputError` listing every problem.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from staffing.domain.instance import Instance, Meta
from staffing.errors import InputError, Problem, raise_if_errors
from staffing.io.atomic import atomic_dir, write_text
from staffing.io.encoding import read_text
from staffing.io.tables import (
    CORE,
    META,
    RawTable,
    TableSpec,
    all_tables,
    cell_text,
    parse_table,
    table_rows,
)
from staffing.io.workbook import read_workbook, write_workbook
from staffing.validation import structural_problems

# ----------------------------------------------------------------------------- reading


def read_raw(path: Path) -> tuple[dict[str, RawTable], list[Problem]]:
    """Read the raw tables of a bundle in any supported format."""
    path = Path(path)
    if not path.exists():
        return {}, [Problem(str(path), "no such file or folder", kind="not_found")]
    if path.is_dir():
        return _read_csv_folder(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_workbook(path)
    if suffix == ".json":
        return _read_json(path)
    return {}, [
        Problem(
            path.name,
            "unsupported instance format",
            kind="format",
            value=suffix,
            expected="a folder of CSV files, an .xlsx workbook or a .json file",
        )
    ]


def _read_csv_folder(folder: Path) -> tuple[dict[str, RawTable], list[Problem]]:
    raw: dict[str, RawTable] = {}
    problems: list[Problem] = []
    for spec in [META, *all_tables().values()]:
        path = folder / spec.file_name
        if not path.exists():
            continue
        text, found = read_text(path)
        problems.extend(found)
        if text is not None:
            try:
                raw[spec.name] = parse_csv_text(text, spec.file_name)
            except InputError as error:
                problems.extend(error.problems)
    return raw, problems


def parse_csv_text(text: str, source: str) -> RawTable:
    """Split CSV text (any line ends) into a raw table with spreadsheet row numbers.

    Raises
    ------
    InputError
        when the text cannot be split into rows (for example a cell longer than
        the CSV reader's limit).
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = list(reader)
    except csv.Error as error:
        raise InputError(
            [Problem(source, f"not a readable CSV file: {error}", "csv", row=reader.line_num,
                     expected="comma-separated cells, one row per line")]
        ) from None
    if not rows:
        return RawTable(source, [])
    table = RawTable(source, [h.strip() for h in rows[0]])
    for number, cells in enumerate(rows[1:], start=2):
        if any(c.strip() for c in cells):
            table.append(number, cells)
    return table


def _read_json(path: Path) -> tuple[dict[str, RawTable], list[Problem]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        return {}, [Problem(path.name, "not UTF-8 text", kind="encoding", expected="UTF-8 JSON")]
    except json.JSONDecodeError as error:
        return {}, [
            Problem(path.name, f"not valid JSON: {error.msg} (line {error.lineno}, "
                    f"character {error.colno})", "json", row=error.lineno,
                    expected='an object of tables: {"institutions": [...], "posts": [...], ...}')
        ]
    if not isinstance(data, dict):
        return {}, [Problem(path.name, "top level must be an object of tables", "json",
                            value=type(data).__name__,
                            expected='{"institutions": [...], "posts": [...], ...}')]
    raw: dict[str, RawTable] = {}
    problems: list[Problem] = []
    known = {META.name, *all_tables()}
    for name, table in data.items():
        if name not in known:
            problems.append(
                Problem(path.name, f"unknown table '{name}', ignored", "unknown_table",
                        expected="one of " + ", ".join(sorted(known)), severity="warning")
            )
            continue
        rows = [table] if name == META.name and isinstance(table, dict) else table
        if not isinstance(rows, list):
            problems.append(Problem(f"{path.name}:{name}", "must be a list of objects", "json",
                                    value=type(rows).__name__, expected="a list of objects"))
            continue
        bad = next((i for i, r in enumerate(rows) if not isinstance(r, dict)), None)
        if bad is not None:
            problems.append(Problem(f"{path.name}:{name}", "must be a list of objects", "json",
                                    row=bad + 1, value=rows[bad], expected="an object"))
            continue
        headers = list(dict.fromkeys(k for r in rows for k in r))
        raw[name] = RawTable(
            f"{path.name}:{name}",
            headers,
            [(i + 1, dict(r)) for i, r in enumerate(rows)],
        )
    return raw, problems


def load(path: str | Path) -> Instance:
    """Load and validate an instance bundle (folder, .xlsx or .json).

    Raises
    ------
    InputError
        listing every problem found, each located by file or sheet, row and column.
    """
    raw, problems = read_raw(Path(path))
    raise_if_errors(problems)
    instance, found = build_instance(raw)
    problems.extend(found)
    raise_if_errors(problems)
    assert instance is not None
    problems.extend(structural_problems(instance))
    raise_if_errors(problems)
    instance.warnings.extend(p for p in problems if p.severity == "warning")
    return instance


def build_instance(raw: dict[str, RawTable]) -> tuple[Instance | None, list[Problem]]:
    """Type every table; return the instance (None if any table failed) and problems."""
    problems: list[Problem] = []
    parsed: dict[str, list[Any]] = {}
    locations: dict[str, tuple[str, list[int]]] = {}
    for spec in [META, *all_tables().values()]:
        table = raw.get(spec.name)
        if table is None:
            if spec.required:
                problems.append(
                    Problem(
                        f"{spec.file_name} / sheet '{spec.sheet_name}'",
                        f"the '{spec.name}' table is missing",
                        kind="missing_table",
                    )
                )
            parsed[spec.name] = []
            continue
        rows, numbers, found = parse_table(spec, table)
        problems.extend(found)
        parsed[spec.name] = rows
        locations[spec.name] = (table.source, numbers)
    if len(parsed[META.name]) > 1:
        problems.append(Problem(locations[META.name][0], "meta must have exactly one row", "meta"))
    if any(p.severity == "error" for p in problems):
        return None, problems
    extras = {name: parsed[name] for name in all_tables() if name not in CORE}
    instance = Instance(
        meta=parsed[META.name][0] if parsed[META.name] else Meta(),
        institutions=parsed["institutions"],
        posts=parsed["posts"],
        staff=parsed["staff"],
        choices=parsed["choices"],
        rankings=parsed["rankings"],
        extras={k: v for k, v in extras.items() if v},
    )
    return instance.with_locations(locations), problems


# ----------------------------------------------------------------------------- writing


def csv_text(spec: TableSpec, rows: list[Any]) -> str:
    """Rows of a table as CSV text: a header of column codes, then one line per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(spec.columns)
    for row in rows:
        writer.writerow([cell_text(getattr(row, col)) for col in spec.columns])
    return buffer.getvalue()


def write_csv_folder(instance: Instance, folder: Path) -> None:
    """Write the bundle as a folder of UTF-8 CSV files (atomically)."""
    with atomic_dir(Path(folder)) as staging:
        for spec, rows in table_rows(instance).values():
            (staging / spec.file_name).write_text(csv_text(spec, rows), encoding="utf-8")


def instance_json(instance: Instance) -> str:
    """An instance as the JSON text of a ``.json`` bundle."""
    data: dict[str, Any] = {}
    for name, (spec, rows) in table_rows(instance).items():
        dumped = [_json_row(row, spec) for row in rows]
        data[name] = dumped[0] if name == META.name else dumped
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _json_row(row: Any, spec: TableSpec) -> dict[str, Any]:
    out = {}
    for col in spec.columns:
        value = getattr(row, col)
        if hasattr(value, "value"):
            value = value.value
        elif isinstance(value, list):
            value = [v.value if hasattr(v, "value") else v for v in value]
        out[col] = value
    return out


def save(instance: Instance, path: str | Path) -> None:
    """Write an instance as a folder, ``.xlsx`` or ``.json`` (chosen by the path)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        write_text(path, instance_json(instance))
    elif suffix in (".xlsx", ".xlsm"):
        write_workbook(instance, path)
    elif suffix == "":
        write_csv_folder(instance, path)
    else:
        raise InputError(
            [Problem(str(path), "unsupported output format", "format", value=suffix,
                     expected="a folder, .xlsx or .json")]
        )
