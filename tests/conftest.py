"""Fixtures shared by every test: a private copy of the tiny bundle and the loaded tiny instance."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import staffing
from tests.builders import TINY


@pytest.fixture
def tiny_dir(tmp_path: Path) -> Path:
    """A writable copy of the tiny CSV bundle."""
    target = tmp_path / "tiny"
    shutil.copytree(TINY, target)
    return target


@pytest.fixture(scope="session")
def tiny() -> staffing.Instance:
    """The tiny bundle, loaded once."""
    return staffing.load(TINY)
