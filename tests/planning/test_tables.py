"""Tests that the planning tables load in every bundle format and every bad cell is located."""

from __future__ import annotations

from pathlib import Path

import pytest

import staffing
from staffing.domain.instance import Instance
from staffing.errors import InputError
from staffing.planning.tables import PLAN_TABLES, PlanExclusion, PlanNeed, PlanPerson, PlanTeam
from staffing.validation import structural_problems
from tests.builders import ROOT
from tests.planning.builders import case, doctors, needs

DEMO = ROOT / "instances" / "demo-county"


@pytest.mark.parametrize("suffix", ["", ".xlsx", ".json"])
def test_planning_tables_round_trip(tmp_path: Path, suffix: str) -> None:
    """Tests that the demo's planning tables survive a CSV folder, workbook or JSON unchanged."""
    inst = staffing.load(DEMO)
    target = tmp_path / f"demo{suffix}"
    staffing.save(inst, target)
    again = staffing.load(target)
    for spec in PLAN_TABLES:
        assert again.extras.get(spec.name) == inst.extras.get(spec.name), spec.name


def test_bad_cells_are_located(tmp_path: Path) -> None:
    """Tests that a bad reason code and a wish naming nothing are reported with row and column."""
    inst = staffing.load(DEMO)
    folder = tmp_path / "demo"
    staffing.save(inst, folder)
    with (folder / "plan_exclusions.csv").open("a", encoding="utf-8") as handle:
        handle.write("P0001,2026,,holiday,\n")
    with (folder / "plan_preferences.csv").open("a", encoding="utf-8") as handle:
        handle.write("P0001,1,,\n")
    with pytest.raises(InputError) as error:
        staffing.load(folder)
    where = {(p.source, p.column) for p in error.value.errors}
    assert ("plan_exclusions.csv", "reason") in where
    assert ("plan_preferences.csv", "site") in where
    reason = next(p for p in error.value.errors if p.column == "reason")
    assert "maternity" in (reason.expected or "")


def test_cross_table_problems_are_located() -> None:
    """Tests that a county post need, too many places, a team on a post id and an unknown
    person are each one located problem."""
    base = case(doctors("D1"), plan_needs=needs("T1-GP", 2025))
    broken = Instance(meta=base.meta, institutions=base.institutions, posts=base.posts,
                      staff=base.staff, extras={
                          "plan_needs": [PlanNeed(post="H-GP", year=2025),
                                         PlanNeed(post="T1-GP", year=2025, need=5)],
                          "plan_teams": [PlanTeam(team="T2-GP", institution="T2", year=2025)],
                          "plan_staff": [PlanPerson(person="ZZ", target_year=2026)],
                          "plan_exclusions": [PlanExclusion(person="D1", site="NOWHERE",
                                                            reason="other")]})
    found = [(p.source, p.row, p.column, p.kind) for p in structural_problems(broken)]
    assert ("plan_staff.csv", 2, "person", "unknown_reference") in found
    assert ("plan_exclusions.csv", 2, "site", "unknown_reference") in found
    assert ("plan_needs.csv", 2, "post", "invalid") in found       # a county post
    assert ("plan_needs.csv", 3, "need", "invalid") in found       # 5 of 4 places
    assert ("plan_teams.csv", 2, "team", "invalid") in found       # a post's id
    assert len(found) == 5
