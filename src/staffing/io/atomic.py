"""Atomic writes: an output is either complete or absent, never half-written."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; move it into place on success."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


# CSV files are written as Excel reads them on a double-click in a Chinese locale: UTF-8 with
# a byte-order mark (without it Excel takes the system code page and shows mojibake).
CSV_ENCODING = "utf-8-sig"


def write_text(target: Path, text: str, *, encoding: str = "utf-8") -> None:
    """Write text to ``target`` atomically, line ends as given."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding=encoding, newline="")


def write_csv(target: Path, text: str) -> None:
    """Write CSV text to ``target`` atomically, UTF-8 with BOM (`CSV_ENCODING`)."""
    write_text(target, text, encoding=CSV_ENCODING)


@contextmanager
def atomic_dir(target: Path) -> Iterator[Path]:
    """Yield a temporary folder; on success its files replace those in ``target``.

    Files are moved one by one with ``os.replace`` only after everything was
    written, so a failure leaves ``target`` as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        yield staging
        target.mkdir(parents=True, exist_ok=True)
        for item in sorted(staging.rglob("*")):
            if item.is_file():
                dest = target / item.relative_to(staging)
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(item, dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
