"""Tests that a YAML text's nesting and alias expansion are measured exactly before it is built."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from staffing.io.yaml_shape import MAX_VALUES, yaml_shape_problem

MODELS = sorted((Path(__file__).resolve().parents[2] / "models").glob("*.yaml"))
LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi"))


def expanded(value: Any) -> int:
    """The exact reference: every key, scalar and collection once, shared parts once per use."""
    if isinstance(value, dict):
        return 1 + sum(expanded(k) + expanded(v) for k, v in value.items())
    if isinstance(value, list):
        return 1 + sum(expanded(item) for item in value)
    return 1


def shared_structure() -> st.SearchStrategy[Any]:
    """Nested lists and mappings whose parts repeat by reference (dumped as anchors/aliases)."""
    leaves = st.one_of(st.integers(-5, 5), st.sampled_from(["x", "y", "县", ""]))
    def extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        lists = st.lists(children, max_size=4)
        return st.one_of(
            lists.map(lambda items: items + items),  # the same objects twice: aliases
            st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), children, max_size=3))
    return st.recursive(leaves, extend, max_leaves=25)


@settings(max_examples=60, deadline=None)
@given(shared_structure())
def test_the_count_equals_the_expanded_structure(value: Any) -> None:
    """Tests that the event count equals the size of the loaded structure, aliases expanded:
    accepted at exactly that size, refused one below."""
    text = yaml.safe_dump({"root": value})
    size = expanded(yaml.safe_load(text))
    assert yaml_shape_problem(text, "t.yaml", max_values=size) is None
    assert yaml_shape_problem(text, "t.yaml", max_values=size - 1) is not None


def test_nested_aliases_are_refused_at_the_line_that_overflows() -> None:
    """Tests that nine levels of nine-fold aliases (about 430 million values) are refused on the
    alias line that passes the limit, in both languages, without expanding them (line 6: its
    nine aliases of line 5 stand for about 600,000 values)."""
    problem = yaml_shape_problem(LAUGHS, "laughs.yaml")
    assert problem is not None and problem.row == 6
    assert f"{MAX_VALUES:,}" in problem.message and "别名" in (problem.message_zh or "")


def test_deep_nesting_is_refused_and_the_models_pass() -> None:
    """Tests that nesting past 40 levels is refused on its line and the shipped models pass."""
    problem = yaml_shape_problem("a:\n  b: " + "[" * 41 + "]" * 41 + "\n", "deep.yaml")
    assert problem is not None and problem.row == 2 and "40 levels" in problem.message
    for path in MODELS:
        assert yaml_shape_problem(path.read_text(encoding="utf-8"), path.name) is None
