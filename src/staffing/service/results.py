"""A finished job's outputs, served as JSON, CSV or xlsx as the ``Accept`` header asks."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from staffing.io.formulas import guarded_cells, read_csv_cell

JSON = "application/json"
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HTML = "text/html"
_NUMBER = re.compile(r"-?(0|[1-9][0-9]{0,14})(\.[0-9]+)?")
_FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}")


class Result(StrEnum):
    """The outputs a job offers by name."""

    ROSTER = "roster"
    VACANCIES = "vacancies"
    REASONS = "reasons"
    AUDIT = "audit"
    PAY = "pay"
    MANIFEST = "manifest"
    REPORT = "report"


@dataclass(frozen=True)
class Output:
    """Where a result lives in a job's ``out`` folder and which types it is served as."""

    file: str                 # the file read for JSON and CSV
    types: tuple[str, ...]    # the types offered, the default first
    workbook: str | None = None  # a ready-made xlsx beside it, if any


OUTPUTS: dict[Result, Output] = {
    Result.ROSTER: Output("roster.csv", (JSON, CSV, XLSX)),
    Result.VACANCIES: Output("vacancies.csv", (JSON, CSV, XLSX)),
    Result.REASONS: Output("reasons.csv", (JSON, CSV, XLSX), "reasons.xlsx"),
    Result.AUDIT: Output("audit.csv", (JSON, CSV, XLSX)),
    Result.PAY: Output("pay/pay.csv", (JSON, CSV, XLSX), "pay/pay.xlsx"),
    Result.MANIFEST: Output("manifest.json", (JSON,)),
    Result.REPORT: Output("report.html", (HTML,)),
}


def choose_type(accept: str | None, offered: tuple[str, ...]) -> str | None:
    """The offered type the ``Accept`` header prefers (the first offered for ``*/*``).

    None when the header accepts none of them.
    """
    if not accept or not accept.strip():
        return offered[0]
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept.split(",")):
        media, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranked.append((-quality, position, media.lower()))
    for _quality, _position, media in sorted(ranked):
        if media in ("*/*", ""):
            return offered[0]
        if media.endswith("/*"):
            match = next((t for t in offered if t.startswith(media[:-1])), None)
        else:
            match = media if media in offered else None
        if match is not None:
            return match
    return None


def csv_records(text: str) -> list[dict[str, Any]]:
    """Rows of a CSV text as objects (empty cells as null)."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    return [{k: (read_csv_cell(v) if v != "" else None) for k, v in row.items()}
            for row in reader]


def csv_workbook(text: str, title: str) -> bytes:
    """A CSV text as an xlsx workbook of one sheet; numbers as numbers, text never a formula
    (the CSV's text mark taken off: the cell is stored as text with a quote prefix instead)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    for row in csv.reader(io.StringIO(text, newline="")):
        sheet.append(guarded_cells(sheet, [_cell_value(read_csv_cell(value)) for value in row]))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell_value(text: str) -> Any:
    if _NUMBER.fullmatch(text):
        return float(text) if "." in text else int(text)
    return text


def output_files(out: Path) -> list[str]:
    """Every file a job wrote, as paths relative to its ``out`` folder (``pay/pay.csv``)."""
    if not out.is_dir():
        return []
    found = []
    for path in sorted(out.rglob("*")):
        relative = path.relative_to(out)
        if path.is_file() and not path.is_symlink() and all(
                _FILE_NAME.fullmatch(part) for part in relative.parts):
            found.append(relative.as_posix())
    return found


_SUFFIX_TYPES = {".csv": CSV, ".json": JSON, ".xlsx": XLSX, ".html": HTML,
                 ".txt": "text/plain", ".png": "image/png", ".svg": "image/svg+xml"}
OCTETS = "application/octet-stream"
FILE_TYPES = (*_SUFFIX_TYPES.values(), OCTETS)  # what an output file may be served as


def media_type(name: str) -> str:
    """The media type of an output file, by its suffix (text in UTF-8)."""
    found = _SUFFIX_TYPES.get(Path(name).suffix.lower(), OCTETS)
    return found + "; charset=utf-8" if found.startswith("text/") else found
