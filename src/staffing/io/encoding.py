"""Reading text files as Chinese offices save them: UTF-8 (with or without BOM) or GBK.

A file that is not UTF-8 is read as GBK (GB18030) only when the decoded text
looks like simplified Chinese: at least half of its non-ASCII characters
belong to GB2312, the common set GBK files are made of, and no other East
Asian encoding reads the bytes as more common text. Big5, Shift-JIS or
Latin-1 bytes often decode as GBK without error but give rare characters;
such a file is refused, naming the encoding it most likely is. (Bytes that are
common text in two encodings are ambiguous; GBK wins, as offices in mainland
China save GBK.)
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from pathlib import Path

from staffing.errors import Problem

# Share of non-ASCII characters that must be common simplified Chinese (GB2312)
# for a non-UTF-8 file to be read as GBK. Real GBK text is ~100% (a rare
# character in a name now and then); Shift-JIS and Latin-1 read as GBK score
# near 0, Big5 about a third.
GBK_MIN_COMMON_SHARE = 0.5

_EXPECTED = "a CSV saved as UTF-8 ('CSV UTF-8' in Excel) or GBK"


def read_text(path: Path) -> tuple[str | None, list[Problem]]:
    """Decode a CSV file; return its text, or None with a problem naming the encoding."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        return None, [Problem(path.name, f"cannot read the file: {error.strerror}", "unreadable",
                              expected="a readable file",
                              message_zh=f"无法读取文件：{error.strerror}",
                              expected_zh="可读取的文件")]
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), []
        except UnicodeDecodeError as error:
            return None, [_refused(path, "utf-8 (with BOM) but with invalid bytes "
                                   f"at byte {error.start + len(codecs.BOM_UTF8)}")]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            return None, [_refused(path, "utf-16 (with BOM) but with invalid bytes")]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    text = _as_gbk(data)
    if text is not None:
        note = Problem(
            path.name,
            "file is GBK-encoded; read as GB18030 (save as 'CSV UTF-8' to avoid this note)",
            kind="encoding_gbk",
            value="gbk",
            severity="warning",
            message_zh="文件为 GBK 编码，已按 GB18030 读取（另存为“CSV UTF-8”可免去此提示）",
        )
        return text, [note]
    return None, [_refused(path, guess_encoding(data))]


def _refused(path: Path, found: str | None) -> Problem:
    return Problem(
        path.name,
        f"cannot read the file: it is not UTF-8 or GBK (encoding found: {found or 'unknown'})",
        kind="encoding",
        value=found,
        expected=_EXPECTED,
        message_zh=f"无法读取文件：不是 UTF-8 或 GBK 编码（识别到的编码：{found or '未知'}）",
        expected_zh="另存为 UTF-8（Excel 中的“CSV UTF-8”）或 GBK 的 CSV 文件",
    )


def _non_ascii(text: str) -> list[str]:
    return [ch for ch in text if ord(ch) > 127]


def _common_share(text: str, common: Callable[[str], bool]) -> float:
    chars = _non_ascii(text)
    return sum(1 for ch in chars if common(ch)) / len(chars) if chars else 0.0


def _encodes(ch: str, encoding: str) -> bytes | None:
    try:
        return ch.encode(encoding)
    except UnicodeEncodeError:
        return None


def _gb2312(ch: str) -> bool:
    return _encodes(ch, "gb2312") is not None


def _big5_common(ch: str) -> bool:
    """Symbols and the frequently used characters of Big5 (A140-C67E)."""
    raw = _encodes(ch, "big5")
    return raw is not None and len(raw) == 2 and 0xA1 <= raw[0] <= 0xC6


def _sjis_common(ch: str) -> bool:
    """Half-width kana, symbols, kana and level-1 kanji of Shift-JIS."""
    raw = _encodes(ch, "shift_jis")
    if raw is None:
        return False
    return len(raw) == 1 or 0x81 <= raw[0] <= 0x84 or 0x88 <= raw[0] <= 0x98


def _hangul(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3"


def _latin_letter(ch: str) -> bool:
    return "\u00c0" <= ch <= "\u00ff" and ch not in "\u00d7\u00f7"


_CANDIDATES: list[tuple[str, Callable[[str], bool]]] = [
    ("big5", _big5_common),
    ("shift_jis", _sjis_common),
    ("euc_kr", _hangul),
    ("latin-1", _latin_letter),
]
_EAST_ASIAN = ("big5", "shift_jis", "euc_kr")


def _shares(data: bytes) -> dict[str, float]:
    """Common-text share of each candidate encoding that decodes the bytes strictly."""
    shares = {}
    for codec, common in _CANDIDATES:
        try:
            shares[codec] = _common_share(data.decode(codec), common)
        except UnicodeDecodeError:
            continue
    return shares


def _as_gbk(data: bytes) -> str | None:
    """The text of GBK bytes, or None if they do not decode as plausible Chinese."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    share = _common_share(text, _gb2312)
    if share < GBK_MIN_COMMON_SHARE:
        return None
    rivals = _shares(data)
    if any(rivals.get(codec, 0.0) > share for codec in _EAST_ASIAN):
        return None
    return text


def guess_encoding(data: bytes) -> str | None:
    """The most plausible name of a non-UTF-8, non-GBK encoding, for messages."""
    shares = _shares(data)
    if shares:
        codec, share = max(shares.items(), key=lambda item: item[1])
        if share >= 0.6:
            return codec
    import charset_normalizer  # lazy: 0.3 s to import, needed only to name an odd encoding

    found = charset_normalizer.from_bytes(data).best()
    return found.encoding.lower() if found is not None else None
