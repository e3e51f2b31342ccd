"""What a scenario is, how scenario files are read, and how sweeps are specified.

A scenario file (YAML) derives from a base policy model and an instance:

```yaml
name: senior-cap-10
description: Senior posts at most 10% of a township centre's professional posts
policy: ../models/chongqing-2024.yaml     # relative to this file
instance: ../instances/demo-county
overrides:
  rules.post_structure.senior_max_share: 0.10
  institutions.T01.headcount_grassroots: +5
  budget.performance: ×1.1
```

A sweep varies paths over values: ``PATH=FROM:TO:STEP`` (exact decimal steps, TO
always included), ``PATH=A,B,C`` (a list), or for a frontier ``PATH=FROM:TO``. Several axes
form a grid (every combination) or, zipped, a list (the i-th values together).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from staffing.errors import InputError, Problem
from staffing.io.yaml_shape import yaml_shape_problem, yaml_syntax_problem
from staffing.scenarios.overrides import Override, Value, Where

MAX_SCENARIOS = 10_000
SCENARIO_KEYS = ("name", "description", "policy", "instance", "overrides")


@dataclass(frozen=True)
class Scenario:
    """A named set of overrides of a base policy and instance.

    ``values`` holds the swept values (path -> text) for the comparison table;
    ``policy_path`` and ``instance_path`` are the base a scenario file names.
    """

    name: str
    overrides: tuple[Override, ...] = ()
    description: str = ""
    values: Mapping[str, str] = field(default_factory=dict)
    policy_path: Path | None = None
    instance_path: Path | None = None

    def override_text(self) -> str:
        return "; ".join(o.text() for o in self.overrides)


BASE = "base"


def base_scenario() -> Scenario:
    """The base itself: no override."""
    return Scenario(BASE, description="the base policy and instance, unchanged")


# ------------------------------------------------------------------------------- files


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _mapping_items(node: yaml.Node | None) -> list[tuple[yaml.Node, yaml.Node]]:
    return list(node.value) if isinstance(node, yaml.MappingNode) else []


def _override_value(node: yaml.Node, data: Any) -> Any:
    """The text of a scalar (so ``+5`` and ``×1.1`` stay relative), else the parsed value."""
    if isinstance(node, yaml.ScalarNode):
        return node.value if node.style is None else data
    return data


def parse_scenario(text: str, source: str, folder: Path | None = None) -> Scenario:
    """A scenario from YAML text; raise InputError listing every problem, located by line."""
    try:
        misshapen = yaml_shape_problem(text, source)
        if misshapen is not None:
            raise InputError([misshapen])
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise InputError([yaml_syntax_problem(error, source)]) from None
    keys = ", ".join(SCENARIO_KEYS)
    if not isinstance(data, dict):
        raise InputError([Problem(source, "a scenario must be a mapping of keys", "scenario",
                                  expected="keys " + keys, message_zh="情景文件必须是键值映射",
                                  expected_zh="键 " + keys)])
    problems: list[Problem] = []
    lines = {key.value: _line(key) for key, _ in _mapping_items(root)}
    for key in data:
        if key not in SCENARIO_KEYS:
            problems.append(Problem(source, f"unknown key '{key}'", "unknown_key",
                                    row=lines.get(str(key)), column=str(key), value=key,
                                    expected="one of " + keys, message_zh=f"未知的键“{key}”",
                                    expected_zh="以下之一：" + keys))
    name = data.get("name")
    if not isinstance(name, str) or not name.strip() or "/" in name:
        problems.append(Problem(source, "a scenario needs a name (no '/')", "scenario",
                                row=lines.get("name"), column="name", value=name,
                                expected="a short name such as senior-cap-10",
                                message_zh="情景须有名称（不含“/”）",
                                expected_zh="简短的名称，例如 senior-cap-10"))
    overrides: list[Override] = []
    raw = data.get("overrides") or {}
    node = next((v for k, v in _mapping_items(root) if k.value == "overrides"), None)
    if not isinstance(raw, dict):
        problems.append(Problem(source, "overrides must be a mapping of path to value",
                                "scenario", row=lines.get("overrides"), column="overrides",
                                expected="lines such as rules.post_structure.senior_max_share: "
                                "0.10", message_zh="overrides 必须是“路径: 值”的映射",
                                expected_zh="形如 rules.post_structure.senior_max_share: 0.10 "
                                "的行"))
    else:
        for key_node, value_node in _mapping_items(node):
            path = key_node.value
            overrides.append(Override.parse(path, _override_value(value_node, raw.get(path)),
                                            Where(source, _line(key_node))))
    paths = {}
    for key in ("policy", "instance"):
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            problems.append(Problem(source, f"{key} must be a path", "scenario",
                                    row=lines.get(key), column=key, value=value,
                                    message_zh=f"{key} 必须是路径"))
            continue
        path = (folder / value) if folder is not None and not Path(value).is_absolute() \
            else Path(value)
        if not path.exists():
            what_zh = "政策模型" if key == "policy" else "数据包"
            problems.append(Problem(source, f"no such {key} '{value}'", "not_found",
                                    row=lines.get(key), column=key, value=value,
                                    expected="a path relative to the scenario file",
                                    message_zh=f"{what_zh}“{value}”不存在",
                                    expected_zh="相对于情景文件的路径"))
        paths[key] = path
    if problems or not isinstance(name, str):
        raise InputError(problems)
    return Scenario(name.strip(), tuple(overrides), str(data.get("description") or ""),
                    policy_path=paths.get("policy"), instance_path=paths.get("instance"))


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario file (see the module docstring for its keys).

    Raises
    ------
    InputError
        listing every problem, each with the file, line and key.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError([Problem(str(path), "no such scenario file", "not_found",
                                  expected="a .yaml file", message_zh="情景文件不存在",
                                  expected_zh="一个 .yaml 文件")])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError([Problem(path.name, "scenario file is not UTF-8 text", "encoding",
                                  expected="UTF-8 text", message_zh="情景文件不是 UTF-8 文本",
                                  expected_zh="UTF-8 文本")]) from None
    return parse_scenario(text, path.name, path.parent)


# ------------------------------------------------------------------------------- sweeps


@dataclass(frozen=True)
class Axis:
    """One varied path and its values, in order."""

    path: str
    values: tuple[Value, ...]
    where: Where = field(default_factory=Where)

    @property
    def label(self) -> str:
        """The path's last two parts, as scenario names and chart labels use it."""
        return self.path.split(".")[-1]


def _decimal(text: str) -> tuple[Decimal, str] | None:
    """A number, with the relative operator it carries ('=', '+' or '×')."""
    value = Value.parse(text)
    number = value.value
    if isinstance(number, bool) or not isinstance(number, (int, float, Decimal)):
        return None
    try:
        return Decimal(str(number)), value.op
    except InvalidOperation:
        return None


def steps(start: Decimal, stop: Decimal, step: Decimal) -> list[Decimal]:
    """start, start + step, ... below stop, then stop itself (always the last), exact."""
    count = int((stop - start) / step)
    values = [start + k * step for k in range(count + 1)]
    if values[-1] != stop:
        values.append(stop)
    return values


def parse_axis(text: str, where: Where | None = None, *, need_step: bool = True) -> Axis:
    """``PATH=FROM:TO:STEP``, ``PATH=A,B,C`` (or ``PATH=FROM:TO`` when ``need_step`` is false)."""
    where = where or Where()
    path, sep, spec = text.partition("=")
    path = path.strip()
    form = "PATH=FROM:TO:STEP or PATH=A,B,C" if need_step else "PATH=FROM:TO"
    form_zh = "路径=起:止:步长 或 路径=A,B,C" if need_step else "路径=起:止"
    if not sep or not path or not spec.strip():
        example = "rules.post_structure.senior_max_share=0.10:0.15:0.01"
        raise InputError([where.problem(text, f"a varied parameter is written {form}",
                                        f"变化参数的写法是 {form_zh}", value=text,
                                        expected="for example " + example,
                                        expected_zh="例如 " + example)])
    if ":" not in spec:
        if not need_step:
            raise InputError([where.problem(path, f"a frontier range is written {form}",
                                            f"临界点搜索范围的写法是 {form_zh}", value=spec,
                                            expected="for example 1.2:1.7",
                                            expected_zh="例如 1.2:1.7")])
        values = tuple(Value.parse(part.strip()) for part in spec.split(",") if part.strip())
        return Axis(path, values, where)
    parts = spec.split(":")
    numbers = [_decimal(p.strip()) for p in parts]
    wanted = 3 if need_step else 2
    problem: tuple[str, str] | None = None
    if len(parts) != wanted or any(n is None for n in numbers):
        problem = (f"the range must be {wanted} numbers separated by ':'",
                   f"范围须是用“:”分隔的 {wanted} 个数")
    else:
        (start, op), (stop, op_stop) = numbers[0], numbers[1]  # type: ignore[misc]
        if op != op_stop:
            problem = ("FROM and TO must be both absolute or both relative of the same kind",
                       "起值和止值须同为绝对值，或同为同一种相对修改")
        elif stop < start:
            problem = ("TO must not be below FROM", "止值不能小于起值")
        elif need_step:
            step = numbers[2][0]  # type: ignore[index]
            if step <= 0:
                problem = ("STEP must be above 0", "步长须大于 0")
            elif (stop - start) / step + 1 > MAX_SCENARIOS:
                problem = (f"the range has more than {MAX_SCENARIOS} values",
                           f"范围内的取值超过 {MAX_SCENARIOS} 个")
    if problem is not None:
        raise InputError([where.problem(path, *problem, value=spec,
                                        expected=f"{form}, for example 1.2:1.7:0.1",
                                        expected_zh=f"{form_zh}，例如 1.2:1.7:0.1")])
    if not need_step:
        return Axis(path, (Value(start, op), Value(stop, op)), where)
    return Axis(path, tuple(Value(v, op) for v in steps(start, stop, step)), where)


def scenarios_of(axes: Sequence[Axis], *, zipped: bool = False,
                 fixed: Sequence[Override] = ()) -> list[Scenario]:
    """One scenario per grid point (or per position when ``zipped``), named by its values."""
    if not axes:
        return []
    if zipped:
        lengths = {len(a.values) for a in axes}
        if len(lengths) > 1:
            raise InputError([axes[0].where.problem(
                ", ".join(a.path for a in axes), "zipped parameters need as many values each",
                "成对变化（--zip）的各参数须有相同个数的取值",
                value=", ".join(str(len(a.values)) for a in axes), expected="equal counts",
                expected_zh="取值个数相同")])
        points: list[tuple[Value, ...]] = list(zip(*(a.values for a in axes)))
    else:
        points = list(itertools.product(*(a.values for a in axes)))
    if len(points) > MAX_SCENARIOS:
        raise InputError([axes[0].where.problem(
            ", ".join(a.path for a in axes), f"the sweep has {len(points)} scenarios",
            f"参数扫描共有 {len(points)} 个情景", value=len(points),
            expected=f"at most {MAX_SCENARIOS}", expected_zh=f"不超过 {MAX_SCENARIOS} 个")])
    out = []
    for point in points:
        values = {a.path: v.text() for a, v in zip(axes, point)}
        name = ",".join(f"{a.label}={v.text()}" for a, v in zip(axes, point))
        overrides = (*fixed, *(Override(a.path, v, a.where) for a, v in zip(axes, point)))
        out.append(Scenario(name, tuple(overrides), values=values))
    return out


def grid_scenarios(grid: Mapping[str, Sequence[Any]] | Sequence[Mapping[str, Any]],
                   fixed: Mapping[str, Any] | None = None) -> list[Scenario]:
    """Scenarios from Python: ``{path: [values]}`` (every combination) or a list of
    ``{path: value}`` (one scenario each). Values may be relative text (``"+5"``, ``"×1.1"``)."""
    where = Where("sweep grid")
    constant = tuple(Override.parse(p, v, where) for p, v in (fixed or {}).items())
    if isinstance(grid, Mapping):
        axes = [Axis(path, tuple(Value.parse(v) if isinstance(v, str) else Value(v)
                                 for v in values), where)
                for path, values in grid.items()]
        return scenarios_of(axes, fixed=constant)
    out = []
    for point in grid:
        overrides = tuple(Override.parse(p, v, where) for p, v in point.items())
        values = {o.path: o.value.text() for o in overrides}
        name = ",".join(f"{p.split('.')[-1]}={t}" for p, t in values.items())
        out.append(Scenario(name, (*constant, *overrides), values=values))
    return out
