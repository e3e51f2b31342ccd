"""Tests that CSV bytes are read as UTF-8 or GBK and that other encodings are refused by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from staffing.io.encoding import read_text

HEADER = "id,name\n"


@pytest.mark.parametrize(("names", "encoding"), [
    (["王伟", "李娜", "张强"], "gbk"),
    (["张喆"], "gbk"),  # one character outside GB2312 in a short file
    (["王玥", "李堃", "陈静", "刘洋"], "gbk"),
    (["王伟"], "gb18030"),
])
def test_gbk_is_read_with_a_warning(names: list[str], encoding: str, tmp_path: Path) -> None:
    """Tests that simplified Chinese in GBK decodes exactly, with one warning naming the file."""
    text = HEADER + "".join(f"P{k},{n}\n" for k, n in enumerate(names))
    path = tmp_path / "staff.csv"
    path.write_bytes(text.encode(encoding))
    decoded, problems = read_text(path)
    assert decoded == text
    assert [(p.source, p.severity, p.kind) for p in problems] == [
        ("staff.csv", "warning", "encoding_gbk")]


@pytest.mark.parametrize(("names", "encoding", "found"), [
    (["王偉", "陳靜", "劉洋", "張強", "黃磊"], "big5", "big5"),
    (["山田太郎", "佐藤花子", "鈴木一郎"], "shift_jis", "shift_jis"),
    (["Müller", "Bjørn", "Ângela"], "latin-1", "latin-1"),
])
def test_other_encodings_are_refused_by_name(names: list[str], encoding: str, found: str,
                                             tmp_path: Path) -> None:
    """Tests that Big5, Shift-JIS and Latin-1 files are refused, naming the encoding found."""
    path = tmp_path / "staff.csv"
    path.write_bytes((HEADER + "".join(f"P{k},{n}\n" for k, n in enumerate(names)))
                     .encode(encoding))
    decoded, problems = read_text(path)
    assert decoded is None
    [problem] = problems
    assert (problem.source, problem.severity, problem.value) == ("staff.csv", "error", found)
    assert f"encoding found: {found}" in problem.message


def test_utf8_with_bom_and_crlf_is_read_silently(tmp_path: Path) -> None:
    """Tests that Excel's 'CSV UTF-8' (BOM, CRLF) decodes without a note."""
    path = tmp_path / "staff.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "id,name\r\nP1,王伟\r\n".encode())
    assert read_text(path) == ("id,name\r\nP1,王伟\r\n", [])


def test_bom_with_invalid_utf8_is_refused(tmp_path: Path) -> None:
    """Tests that a UTF-8 BOM followed by invalid bytes is refused, not a crash."""
    path = tmp_path / "staff.csv"
    path.write_bytes(b"\xef\xbb\xbfid,name\nP1,\xff\xfe\n")
    decoded, [problem] = read_text(path)
    assert decoded is None and "utf-8 (with BOM) but with invalid bytes" in problem.message


def test_utf16_with_bom_is_read(tmp_path: Path) -> None:
    """Tests that a UTF-16 file with its BOM decodes."""
    path = tmp_path / "staff.csv"
    path.write_bytes("id,name\nP1,王伟\n".encode("utf-16"))
    assert read_text(path) == ("id,name\nP1,王伟\n", [])
