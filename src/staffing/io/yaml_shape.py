"""The shape of a YAML text checked before it is built: nesting depth and alias expansion.

PyYAML's composer and loader recurse once per nesting level (a deep text overflows the
interpreter's stack), and an alias refers to a whole anchored collection, so a few lines of
nested aliases expand to billions of values that every later walk would visit. Both are
read here event by event, without building anything.
"""

from __future__ import annotations

import yaml

from staffing.errors import Problem

MAX_DEPTH = 40  # nesting of mappings and lists; a policy model needs fewer than 10 levels
MAX_VALUES = 200_000  # keys, values and collections after aliases expand; a model needs < 5,000


def yaml_shape_problem(text: str, source: str, max_values: int = MAX_VALUES) -> Problem | None:
    """The first place ``text`` nests deeper than `MAX_DEPTH` or its aliases expand it past
    ``max_values`` values (None when neither); YAML syntax errors propagate as ``YAMLError``.

    Every key, scalar value and collection counts one, an alias the size of what it names."""
    open_sizes: list[list[int]] = []  # per open collection: [values so far]
    open_anchors: list[str | None] = []
    anchored: dict[str, int] = {}
    total = 0
    for event in yaml.parse(text):
        if isinstance(event, yaml.CollectionStartEvent):
            total += _count(open_sizes, 1)
            open_sizes.append([1])
            open_anchors.append(event.anchor)
            if len(open_sizes) > MAX_DEPTH:
                return _too_deep(source, event, len(open_sizes))
        elif isinstance(event, yaml.CollectionEndEvent):
            size, anchor = open_sizes.pop()[0], open_anchors.pop()
            if anchor is not None:
                anchored[anchor] = size
        elif isinstance(event, yaml.ScalarEvent):
            total += _count(open_sizes, 1)
            if event.anchor is not None:
                anchored[event.anchor] = 1
        elif isinstance(event, yaml.AliasEvent):
            total += _count(open_sizes, anchored.get(event.anchor or "", 1))
        if total > max_values:
            return _too_large(source, event, max_values)
    return None


def _count(open_sizes: list[list[int]], values: int) -> int:
    """Add ``values`` to every open collection; return it."""
    for size in open_sizes:
        size[0] += values
    return values


def _line(event: yaml.Event) -> int | None:
    return event.start_mark.line + 1 if event.start_mark else None


def _too_deep(source: str, event: yaml.Event, depth: int) -> Problem:
    return Problem(source, f"nested more than {MAX_DEPTH} levels deep", "yaml",
                   row=_line(event), value=depth,
                   expected=f"at most {MAX_DEPTH} levels of nested keys and lists",
                   message_zh=f"嵌套超过 {MAX_DEPTH} 层",
                   expected_zh=f"键和列表的嵌套不超过 {MAX_DEPTH} 层")


def _too_large(source: str, event: yaml.Event, max_values: int) -> Problem:
    return Problem(source, f"more than {max_values:,} keys and values once its aliases (*name) "
                   "are expanded", "yaml", row=_line(event),
                   expected="a text written out plainly, or aliases that repeat small parts",
                   message_zh=f"展开别名（*名称）后键和值超过 {max_values:,} 个",
                   expected_zh="直接写出各项，或只用别名重复较小的部分")


def yaml_syntax_problem(error: yaml.YAMLError, source: str) -> Problem:
    """A YAML syntax error as a located problem, in English and Chinese."""
    mark = getattr(error, "problem_mark", None)
    return Problem(source, f"not valid YAML: {getattr(error, 'problem', error)}", "yaml",
                   row=mark.line + 1 if mark else None,
                   message_zh="不是有效的 YAML：此处附近格式有误（括号、引号、冒号或缩进）",
                   expected="YAML: 'key: value' lines, nested by indentation",
                   expected_zh="YAML 格式：“键: 值”，以缩进表示层级")
