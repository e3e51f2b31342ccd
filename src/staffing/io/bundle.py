"""Instance bundles in three formats that load into the same model and round-trip.

- a folder of CSV files, one per table (``institutions.csv``, ``posts.csv``, ...);
- one ``.xlsx`` workbook with a sheet per table and bilingual headers;
- one ``.json`` file: ``{"meta": {...}, "institutions": [{...}, ...], ...}``.

`load` reads any of them, validates every row and every reference, and raises
one `InputError` listing every problem.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
from pathlib import Path
from typing import Any

from staffing.domain.instance import Instance, Meta
from staffing.domain.memory import with_fewer_collections
from staffing.errors import InputError, Problem, raise_if_errors
from staffing.io.atomic import CSV_ENCODING, atomic_dir, write_text
from staffing.io.encoding import read_text
from staffing.io.formulas import csv_row, read_csv_cell
from staffing.io.tables import (
    CORE,
    META,
    TITLE_ROWS_SEARCHED,
    RawTable,
    TableSpec,
    all_tables,
    cell_text,
    find_header,
    known_columns,
    parse_table,
    table_rows,
    title_note,
)
from staffing.validation import structural_problems

# ----------------------------------------------------------------------------- reading


def read_raw(path: Path) -> tuple[dict[str, RawTable], list[Problem]]:
    """Read the raw tables of a bundle in any supported format."""
    path = Path(path)
    if not path.exists():
        return {}, [Problem(str(path), "no such file or folder", kind="not_found",
                            message_zh="文件或文件夹不存在",
                            expected="a folder of CSV files, an .xlsx workbook or a .json file",
                            expected_zh="CSV 文件夹、.xlsx 工作簿或 .json 文件")]
    if path.is_dir():
        return _read_csv_folder(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from staffing.io.workbook import read_workbook  # lazy: openpyxl only for xlsx

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
            message_zh="不支持的数据格式",
            expected_zh="CSV 文件夹、.xlsx 工作簿或 .json 文件",
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
                raw[spec.name] = parse_csv_text(text, spec.file_name, spec)
            except InputError as error:
                problems.extend(error.problems)
    return raw, problems


def parse_csv_text(text: str, source: str, spec: TableSpec | None = None) -> RawTable:
    """Split CSV text (any line ends) into a raw table with spreadsheet row numbers.

    With ``spec``, a title row above the header is recognised (`find_header`) and
    skipped with a warning in the table's ``notes``.

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
                     expected="comma-separated cells, one row per line",
                     message_zh=f"无法读取的 CSV 文件：{error}",
                     expected_zh="逗号分隔的单元格，每行一条记录")]
        ) from None
    if not rows:
        return RawTable(source, [])
    start = find_header(spec, rows[:TITLE_ROWS_SEARCHED]) if spec is not None else 0
    table = RawTable(source, [h.strip() for h in rows[start]], header_row=start + 1)
    if start:
        table.notes.append(title_note(source, start, rows[:start]))
    for number, cells in enumerate(rows[start + 1:], start=start + 2):
        if any(c.strip() for c in cells):
            table.append(number, [read_csv_cell(c) for c in cells])
    return table


def _read_json(path: Path) -> tuple[dict[str, RawTable], list[Problem]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        return {}, [Problem(path.name, "not UTF-8 text", kind="encoding", expected="UTF-8 JSON",
                            message_zh="不是 UTF-8 文本", expected_zh="UTF-8 编码的 JSON")]
    except json.JSONDecodeError as error:
        return {}, [
            Problem(path.name, f"not valid JSON: {error.msg} (line {error.lineno}, "
                    f"character {error.colno})", "json", row=error.lineno,
                    expected='an object of tables: {"institutions": [...], "posts": [...], ...}',
                    message_zh=f"不是有效的 JSON：{error.msg}（第 {error.lineno} 行，第 "
                    f"{error.colno} 个字符）",
                    expected_zh='由表组成的对象：{"institutions": [...], "posts": [...], ...}')
        ]
    if not isinstance(data, dict):
        return {}, [Problem(path.name, "top level must be an object of tables", "json",
                            value=type(data).__name__,
                            expected='{"institutions": [...], "posts": [...], ...}',
                            message_zh="最外层必须是由表组成的对象",
                            expected_zh='{"institutions": [...], "posts": [...], ...}')]
    raw: dict[str, RawTable] = {}
    problems: list[Problem] = []
    known = {META.name, *all_tables()}
    for name, table in data.items():
        if name not in known:
            problems.append(
                Problem(path.name, f"unknown table '{name}', ignored", "unknown_table",
                        expected="one of " + ", ".join(sorted(known)), severity="warning",
                        message_zh=f"未知的表“{name}”，已忽略",
                        expected_zh="以下之一：" + ", ".join(sorted(known)))
            )
            continue
        rows = [table] if name == META.name and isinstance(table, dict) else table
        if not isinstance(rows, list):
            problems.append(Problem(f"{path.name}:{name}", "must be a list of objects", "json",
                                    value=type(rows).__name__, expected="a list of objects",
                                    message_zh="必须是对象列表", expected_zh="对象列表"))
            continue
        bad = next((i for i, r in enumerate(rows) if not isinstance(r, dict)), None)
        if bad is not None:
            problems.append(Problem(f"{path.name}:{name}", "must be a list of objects", "json",
                                    row=bad + 1, value=rows[bad], expected="an object",
                                    message_zh="必须是对象列表", expected_zh="一个对象"))
            continue
        headers = list(dict.fromkeys(k for r in rows for k in r))
        raw[name] = RawTable(
            f"{path.name}:{name}",
            headers,
            [(i + 1, dict(r)) for i, r in enumerate(rows)],
        )
    return raw, problems


@with_fewer_collections
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
    problems.extend(locate_missing_tables(Path(path), found))
    raise_if_errors(problems)
    assert instance is not None
    problems.extend(structural_problems(instance))
    raise_if_errors(problems)
    instance.warnings.extend(p for p in problems if p.severity == "warning")
    return instance


def locate_missing_tables(path: Path, problems: list[Problem]) -> list[Problem]:
    """Each missing-table problem said in the bundle's own terms: the file or sheet it
    should be, what the bundle holds instead, and the closest of those."""
    specs = {f"{spec.file_name} / sheet '{spec.sheet_name}'": spec
             for spec in [META, *all_tables().values()]}
    out = []
    for problem in problems:
        spec = specs.get(problem.source) if problem.kind == "missing_table" else None
        out.append(problem if spec is None else missing_table(path, spec))
    return out


def missing_table(path: Path, spec: TableSpec) -> Problem:
    """A required table is missing: name where it was looked for, what was found, the closest."""
    if path.is_dir():
        found = _csv_summaries(path)
        source, kind, kind_zh = spec.file_name, "CSV files", "CSV 文件"
        where = f"no file {spec.file_name} in folder '{path.name}'"
        where_zh = f"文件夹“{path.name}”中没有 {spec.file_name}"
        fix, fix_zh = f"a file {spec.file_name}", f"文件 {spec.file_name}"
    elif path.suffix.lower() == ".json":
        found = []
        source, kind, kind_zh = path.name, "tables", "表"
        where, where_zh = f"no key '{spec.name}'", f"没有键“{spec.name}”"
        fix, fix_zh = f'a key "{spec.name}": [...]', f'键 "{spec.name}": [...]'
    else:
        from staffing.io.workbook import sheet_summaries  # lazy: openpyxl only for xlsx

        found = [(title, rows) for title, rows in sheet_summaries(path)]
        source, kind, kind_zh = path.name, "sheets", "工作表"
        where = f"no sheet '{spec.sheet_name}'"
        where_zh = f"没有工作表“{spec.sheet_name}”"
        fix, fix_zh = f"a sheet '{spec.sheet_name}'", f"工作表“{spec.sheet_name}”"
    names = ", ".join(name for name, _rows in found) or "none"
    message = f"the '{spec.name}' table is missing: {where} ({kind} found: {names})"
    message_zh = f"缺少“{spec.zh}”表（{spec.name}）：{where_zh}（找到的{kind_zh}：{names}）"
    closest = _closest(spec, found)
    if closest is not None:
        name, matched = closest
        if matched:
            message += (f"; closest: '{name}', whose header names {matched} of the "
                        f"{len(spec.columns)} {spec.name} columns")
            message_zh += f"；最接近的是“{name}”，其表头含 {matched}/{len(spec.columns)} 个列名"
        else:
            message += f"; closest by name: '{name}'"
            message_zh += f"；名称最接近的是“{name}”"
        fix += f" (rename '{name}')"
        fix_zh += f"（把“{name}”改名）"
    return Problem(source, message, kind="missing_table", expected=fix,
                   message_zh=message_zh, expected_zh=fix_zh)


def _csv_summaries(folder: Path) -> list[tuple[str, list[list[str]]]]:
    """CSV files of a folder that are no known table, with their first rows."""
    known = {spec.file_name for spec in [META, *all_tables().values()]}
    found = []
    for path in sorted(folder.glob("*.csv")):
        if path.name in known:
            continue
        text, _problems = read_text(path)
        rows = list(csv.reader(io.StringIO(text or "")))[:TITLE_ROWS_SEARCHED]
        found.append((path.name, rows))
    return found


def _closest(spec: TableSpec, found: list[tuple[str, list[Any]]]) -> tuple[str, int] | None:
    """The candidate whose header names most of the table's columns, else the nearest name."""
    if not found:
        return None
    scored = [(known_columns(spec, rows[find_header(spec, rows)]) if rows else 0, name)
              for name, rows in found]
    best, name = max(scored, key=lambda item: item[0])
    if best > 0:
        return name, best
    near = difflib.get_close_matches(spec.name, [n for _s, n in scored], n=1, cutoff=0.3) or \
        difflib.get_close_matches(spec.zh, [n for _s, n in scored], n=1, cutoff=0.3)
    return (near[0], 0) if near else None


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
                        message_zh=f"缺少“{spec.zh}”表（{spec.name}）",
                        expected=f"a file {spec.file_name} or a sheet '{spec.sheet_name}'",
                        expected_zh=f"文件 {spec.file_name} 或工作表“{spec.sheet_name}”",
                    )
                )
            parsed[spec.name] = []
            continue
        rows, numbers, found = parse_table(spec, table)
        problems.extend(found)
        parsed[spec.name] = rows
        locations[spec.name] = (table.source, numbers)
    if len(parsed[META.name]) > 1:
        problems.append(Problem(locations[META.name][0], "meta must have exactly one row", "meta",
                                message_zh="基本信息表只能有一行", expected="one row",
                                expected_zh="一行"))
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


def csv_text(spec: TableSpec, rows: list[Any], columns: list[str] | None = None) -> str:
    """Rows of a table as CSV text: a header of column codes, then one line per row."""
    columns = columns or spec.columns
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(csv_row([cell_text(getattr(row, col)) for col in columns]))
    return buffer.getvalue()


def write_csv_folder(instance: Instance, folder: Path) -> None:
    """Write the bundle as a folder of CSV files, UTF-8 with BOM (atomically)."""
    with atomic_dir(Path(folder)) as staging:
        for spec, rows in table_rows(instance).values():
            (staging / spec.file_name).write_text(csv_text(spec, rows), encoding=CSV_ENCODING)


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
        from staffing.io.workbook import write_workbook  # lazy: openpyxl only for xlsx

        write_workbook(instance, path)
    elif suffix == "":
        write_csv_folder(instance, path)
    else:
        raise InputError(
            [Problem(str(path), "unsupported output format", "format", value=suffix,
                     expected="a folder, .xlsx or .json", message_zh="不支持的输出格式",
                     expected_zh="文件夹、.xlsx 或 .json")]
        )
