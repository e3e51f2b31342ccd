"""Tests that scenario files and sweep specifications are read exactly, and refused with
located messages."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from staffing.errors import InputError
from staffing.scenarios.spec import (
    grid_scenarios,
    load_scenario,
    parse_axis,
    parse_scenario,
    scenarios_of,
    steps,
)
from tests.builders import ROOT, TINY
from tests.io.test_yaml_shape import LAUGHS

SCENARIO = """\
name: cap-10
description: senior posts at most 10%
policy: {policy}
instance: {instance}
overrides:
  rules.post_structure.senior_max_share: 0.10
  institutions.T.headcount_grassroots: +5
  budget.performance: ×1.1
  rules.post_structure.tiers: [township, county]
"""


def test_scenario_file_keeps_relative_forms_and_lines(tmp_path: Path) -> None:
    """Tests that a scenario file gives its overrides in order, ``+5`` and ``×1.1`` relative,
    each located at its line, and its base paths relative to the file."""
    path = tmp_path / "cap.yaml"
    path.write_text(SCENARIO.format(policy=ROOT / "models" / "chongqing-2024.yaml",
                                    instance=TINY), encoding="utf-8")
    scenario = load_scenario(path)
    assert scenario.name == "cap-10" and scenario.description.startswith("senior")
    assert [o.path for o in scenario.overrides] == [
        "rules.post_structure.senior_max_share", "institutions.T.headcount_grassroots",
        "budget.performance", "rules.post_structure.tiers"]
    assert [o.value.text() for o in scenario.overrides] == ["0.1", "+5", "×1.1",
                                                            "[township, county]"]
    assert [o.where.row for o in scenario.overrides] == [6, 7, 8, 9]
    assert scenario.policy_path is not None and scenario.policy_path.exists()


def test_scenario_file_problems_are_listed_at_once(tmp_path: Path) -> None:
    """Tests that an unknown key, a missing name and a missing base are all reported."""
    with pytest.raises(InputError) as caught:
        parse_scenario("descripton: x\npolicy: nowhere.yaml\noverrides: [1]\n", "bad.yaml",
                       tmp_path)
    kinds = sorted(p.kind for p in caught.value.problems)
    assert kinds == ["not_found", "scenario", "scenario", "unknown_key"]
    assert {p.row for p in caught.value.problems} >= {1, 2, 3}


def test_scenario_file_of_nested_aliases_is_refused(tmp_path: Path) -> None:
    """Tests that a scenario file whose aliases expand to millions of values is refused at its
    line before anything is built."""
    with pytest.raises(InputError) as caught:
        parse_scenario("name: laughs\n" + LAUGHS, "laughs.yaml", tmp_path)
    [problem] = caught.value.problems
    assert problem.kind == "yaml" and problem.row == 7


def test_ranges_are_exact_decimals() -> None:
    """Tests that 1.2:1.7:0.1 gives six exact values, and list and relative forms."""
    axis = parse_axis("rules.township_headcount_norm.min_per_mille=1.2:1.7:0.1")
    assert [v.text() for v in axis.values] == ["1.2", "1.3", "1.4", "1.5", "1.6", "1.7"]
    assert [v.text() for v in parse_axis("max_choices=3,5,7").values] == ["3", "5", "7"]
    relative = parse_axis("budget=×1:×1.2:0.1")
    assert [v.text() for v in relative.values] == ["×1", "×1.1", "×1.2"]
    assert parse_axis("x.y=1:2", need_step=False).values[1].value == Decimal(2)


@settings(max_examples=50, deadline=None)
@given(start=st.integers(-1000, 1000), span=st.integers(0, 2000), step=st.integers(1, 300))
def test_steps_cover_the_range_inclusively(start: int, span: int, step: int) -> None:
    """Tests against a plain integer loop: every value start, start+step, ... <= stop."""
    scale = Decimal("0.01")
    got = steps(start * scale, (start + span) * scale, step * scale)
    reference = [Decimal(v) * scale for v in range(start, start + span + 1, step)]
    if reference[-1] != (start + span) * scale:
        reference.append((start + span) * scale)
    assert got == reference


@pytest.mark.parametrize("text", ["x=1:2", "x=2:1:0.1", "x=1:2:0", "x=a:b:c", "=1:2:1",
                                  "x=×1:2:1", "x"])
def test_bad_ranges_are_refused(text: str) -> None:
    """Tests that a malformed range is an InputError naming the form expected."""
    with pytest.raises(InputError) as caught:
        parse_axis(text)
    assert caught.value.problems[0].expected


def test_grid_product_zip_and_python_forms() -> None:
    """Tests that two axes give every combination, zipped the pairs, and the Python forms."""
    a = parse_axis("rules.post_structure.senior_max_share=0.1,0.15")
    b = parse_axis("rules.rotation_before_senior.min_months=12:18:6")
    grid = scenarios_of([a, b])
    assert [s.name for s in grid] == [
        "senior_max_share=0.1,min_months=12", "senior_max_share=0.1,min_months=18",
        "senior_max_share=0.15,min_months=12", "senior_max_share=0.15,min_months=18"]
    assert len(scenarios_of([a, b], zipped=True)) == 2
    listed = grid_scenarios([{"max_choices": 3}, {"max_choices": "+1"}])
    assert [s.overrides[0].value.text() for s in listed] == ["3", "+1"]
    assert len(grid_scenarios({"max_choices": [3, 4, 5]})) == 3
    with pytest.raises(InputError):
        scenarios_of([a, parse_axis("max_choices=1,2,3")], zipped=True)
