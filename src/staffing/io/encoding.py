"""Reading text files as Chinese offices save them: UTF-8 (with or without BOM) or GBK."""

from __future__ import annotations

import codecs
from pathlib import Path

from staffing.errors import Problem

_GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "hz_gb_2312", "cp936"}


def read_text(path: Path) -> tuple[str | None, list[Problem]]:
    """Decode a CSV file; return its text, or None with a problem naming the encoding."""
    data = Path(path).read_bytes()
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict"), []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), []
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    found = _detect(data)
    if found in _GB_FAMILY:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            text = None
        if text is not None:
            note = Problem(
                path.name,
                "file is GBK-encoded; read as GB18030 (save as 'CSV UTF-8' to avoid this note)",
                kind="encoding_gbk",
                value=found,
                severity="warning",
            )
            return text, [note]
    return None, [
        Problem(
            path.name,
            f"cannot read the file: it is not UTF-8 or GBK (encoding found: {found or 'unknown'})",
            kind="encoding",
            value=found,
            expected="a CSV saved as UTF-8 ('CSV UTF-8' in Excel) or GBK",
        )
    ]


def _detect(data: bytes) -> str | None:
    import charset_normalizer

    best = charset_normalizer.from_bytes(data).best()
    return best.encoding.lower() if best is not None else None
