"""Text that a spreadsheet would run as a formula is written as text (formula injection).

A cell of user data such as ``=HYPERLINK(...)`` or ``+1+cmd|...`` becomes a live formula
when Excel or WPS opens a CSV or an xlsx that stores it as one. Written CSV cells that start
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (and are not plain numbers) get a
leading apostrophe, the spreadsheet's own mark for "this is text", which the bundle reader
takes off again; written workbooks store such cells as text with the quote-prefix style.
"""

from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"


def runs_as_formula(value: Any) -> bool:
    """Whether a spreadsheet would read this text as a formula (a number such as -3 is not)."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return False
    try:
        float(value)
    except ValueError:
        return True
    return False


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell: formula-like text marked as text, anything else unchanged."""
    return TEXT_MARK + value if runs_as_formula(value) else value


def csv_row(values: list[Any]) -> list[Any]:
    """Every cell of a CSV row through `csv_cell`."""
    return [csv_cell(v) for v in values]


def guard_frame(frame: Any) -> Any:
    """A pandas frame with every formula-like text cell marked as text (for ``to_csv``)."""
    return frame.map(csv_cell)


def read_csv_cell(text: str) -> str:
    """A CSV cell as written before `csv_cell` marked it (the apostrophe taken off)."""
    if text.startswith(TEXT_MARK) and runs_as_formula(text[1:]):
        return text[1:]
    return text


def guard_workbook(book: Any) -> None:
    """Store every formula-like text cell of a workbook as text, shown with a quote prefix."""
    for sheet in book.worksheets:
        if not hasattr(sheet, "iter_rows"):  # write-only: its rows are guarded as appended
            continue
        for row in sheet.iter_rows():
            for cell in row:
                if runs_as_formula(cell.value):
                    cell.data_type = "s"
                    cell.quotePrefix = True


def guarded_cells(sheet: Any, values: list[Any]) -> list[Any]:
    """A row for a write-only sheet, formula-like texts stored as text with a quote prefix."""
    from openpyxl.cell import WriteOnlyCell  # lazy: openpyxl only where a workbook is written

    out: list[Any] = []
    for value in values:
        if not runs_as_formula(value):
            out.append(value)
            continue
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        cell.quotePrefix = True
        out.append(cell)
    return out
