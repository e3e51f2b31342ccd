"""Tests that folder -> xlsx -> JSON -> folder is lossless, for tiny and 2,000-person bundles."""

from __future__ import annotations

from pathlib import Path

import pytest

import staffing
from staffing.io.bundle import table_rows
from tests.builders import TINY, invoke


def tables(instance: staffing.Instance) -> dict[str, list[dict]]:
    """Every table of an instance as plain dicts (meta, the five tables, extras)."""
    return {name: [row.model_dump() for row in rows]
            for name, (_spec, rows) in table_rows(instance).items()}


def csv_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


def round_trip(source: Path, work: Path) -> tuple[staffing.Instance, Path, Path]:
    """Load ``source``, write it as a folder, then folder -> xlsx -> JSON -> folder.

    Returns the first instance, the folder written first and the folder written last.
    """
    first = staffing.load(source)
    before = work / "before"
    staffing.save(first, before)
    staffing.save(staffing.load(before), work / "bundle.xlsx")
    staffing.save(staffing.load(work / "bundle.xlsx"), work / "bundle.json")
    after = work / "after"
    staffing.save(staffing.load(work / "bundle.json"), after)
    return first, before, after


def assert_lossless(first: staffing.Instance, before: Path, after: Path, work: Path) -> None:
    for path in (before, work / "bundle.xlsx", work / "bundle.json", after):
        assert tables(staffing.load(path)) == tables(first), path
    assert csv_bytes(after) == csv_bytes(before)
    assert set(csv_bytes(before)) >= {"institutions.csv", "posts.csv", "staff.csv"}


def test_tiny_round_trip_is_lossless(tmp_path: Path) -> None:
    """Tests that the tiny bundle survives folder -> xlsx -> JSON -> folder unchanged."""
    first, before, after = round_trip(TINY, tmp_path)
    assert_lossless(first, before, after, tmp_path)
    assert tables(first) == tables(staffing.load(TINY))


def test_tiny_round_trip_through_the_cli(tmp_path: Path) -> None:
    """Tests that ``staffing convert`` chained folder -> xlsx -> JSON -> folder keeps every byte."""
    steps = [(TINY, tmp_path / "a.xlsx"), (tmp_path / "a.xlsx", tmp_path / "b.json"),
             (tmp_path / "b.json", tmp_path / "c"), (tmp_path / "c", tmp_path / "d.xlsx")]
    for source, target in steps:
        result = invoke("convert", source, target)
        assert result.exit_code == 0, result.output
    staffing.save(staffing.load(TINY), tmp_path / "direct")
    assert csv_bytes(tmp_path / "c") == csv_bytes(tmp_path / "direct")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "d.xlsx").read_bytes()


def test_awkward_values_round_trip(tmp_path: Path, tiny: staffing.Instance) -> None:
    """Tests that '007', Chinese text, commas, quotes and 17-digit floats survive every format."""
    staff = list(tiny.staff)
    staff[0] = staff[0].model_copy(update={"name": '王伟, "Wang" 1号', "points": 80.125})
    staff[1] = staff[1].model_copy(update={"name": "007", "points": 0.1 + 0.2})
    institutions = list(tiny.institutions)
    institutions[3] = institutions[3].model_copy(update={"distance_km": 7.35, "name": "西村\n二组"})
    inst = tiny.model_copy(update={"staff": staff, "institutions": institutions})
    staffing.save(inst, tmp_path / "src")
    first, before, after = round_trip(tmp_path / "src", tmp_path)
    assert_lossless(first, before, after, tmp_path)
    loaded = first.person_by_id
    assert loaded["P1"].name == '王伟, "Wang" 1号' and loaded["P1"].points == 80.125
    assert loaded["P2"].name == "007" and loaded["P2"].points == 0.1 + 0.2


def test_generated_2000_person_round_trip_is_lossless(tmp_path: Path) -> None:
    """Tests that a generated 2,000-person county survives folder -> xlsx -> JSON -> folder."""
    synth = pytest.importorskip(
        "staffing.synth", reason="staffing.synth (the instance generator) is not importable"
    )
    generated = synth.generate(staff=2000, seed=11)
    assert len(generated.staff) == 2000
    staffing.save(generated, tmp_path / "src")
    first, before, after = round_trip(tmp_path / "src", tmp_path)
    assert tables(first) == tables(generated)
    assert_lossless(first, before, after, tmp_path)
