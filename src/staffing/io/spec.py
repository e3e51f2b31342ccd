"""What one table of an instance bundle is: its name, row model, sheet and file name."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

SHEET_SEP = "／"  # between the Chinese and the code part of a sheet name; Excel refuses "/"


@dataclass(frozen=True)
class TableSpec:
    """One table of the bundle: its name, row model and Chinese sheet name."""

    name: str
    model: type[BaseModel]
    zh: str
    description: str
    required: bool = True

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"

    @property
    def sheet_name(self) -> str:
        """The sheet of a workbook holding this table, e.g. ``人员／staff``."""
        return f"{self.zh}{SHEET_SEP}{self.name}"

    @property
    def columns(self) -> list[str]:
        return list(self.model.model_fields)

    def zh_header(self, column: str) -> str:
        extra = self.model.model_fields[column].json_schema_extra or {}
        return str(extra.get("zh", column)) if isinstance(extra, dict) else column

    def bilingual_header(self, column: str) -> str:
        return f"{self.zh_header(column)} / {column}"

    def required_columns(self) -> list[str]:
        return [name for name, f in self.model.model_fields.items() if f.is_required()]
