"""Reading policy models from YAML, with every problem located by line and key path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from staffing.errors import PolicyError, Problem
from staffing.io.messages import Wording, describe
from staffing.io.yaml_shape import yaml_shape_problem, yaml_syntax_problem
from staffing.policy.policy import Policy
from staffing.rules import CATALOGUE


def _node_at(root: yaml.Node | None, path: tuple[Any, ...]) -> yaml.Node | None:
    """The deepest YAML node along ``path`` (keys and list indices)."""
    node = root
    for key in path:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == str(key)), None)
            if match is None:
                key_node = next((k for k, _ in node.value if k.value == str(key)), None)
                return key_node or node
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            return node
    return node


def _key_line(root: yaml.Node | None, path: tuple[Any, ...]) -> int | None:
    """Line of the key that ends ``path`` (or of its value), 1-based."""
    if root is None:
        return None
    parent = _node_at(root, path[:-1]) if path else root
    if path and isinstance(parent, yaml.MappingNode):
        for key_node, _ in parent.value:
            if key_node.value == str(path[-1]):
                return key_node.start_mark.line + 1
    node = _node_at(root, path)
    return node.start_mark.line + 1 if node is not None else None


def _problems(error: ValidationError, prefix: tuple[Any, ...], root: yaml.Node | None,
              source: str) -> list[Problem]:
    """Located problems of a pydantic error on the part of the policy at ``prefix``."""
    problems = []
    for item in error.errors():
        loc = prefix + tuple(item.get("loc") or ())
        loc = tuple(
            part for part in loc
            if not (isinstance(part, str) and (part.startswith("function-") or part == "[key]"))
        )
        wording = describe(item, field=str(loc[-1]) if loc else None)
        if item["type"] == "extra_forbidden":
            wording = Wording(f"unknown parameter '{loc[-1]}'", f"未知参数“{loc[-1]}”",
                              "a parameter the rule defines", "该规则定义的参数")
        problems.append(
            Problem(
                source,
                wording.message,
                kind=item["type"],
                row=_key_line(root, loc),
                column=".".join(str(p) for p in loc) or None,
                value=item.get("input") if not isinstance(item.get("input"), dict) else None,
                expected=wording.expected,
                message_zh=wording.message_zh,
                expected_zh=wording.expected_zh,
            )
        )
    return problems


def _duplicate_keys(
    node: yaml.Node | None, source: str, path: tuple[Any, ...] = ()
) -> list[Problem]:
    """Keys given twice in one mapping: YAML would silently keep the last."""
    problems: list[Problem] = []
    if isinstance(node, yaml.MappingNode):
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in first_line:
                problems.append(
                    Problem(source, f"key '{key}' appears twice (first on line {first_line[key]})",
                            "duplicate_key", row=line, column=".".join(map(str, (*path, key))),
                            value=key, expected="each key once per mapping",
                            message_zh=f"键“{key}”出现两次（第一次在第 {first_line[key]} 行）",
                            expected_zh="同一层级中每个键只出现一次")
                )
            else:
                first_line[key] = line
            problems.extend(_duplicate_keys(value_node, source, (*path, key)))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            problems.extend(_duplicate_keys(item, source, (*path, index)))
    return problems


def parse_policy(text: str, source: str = "policy") -> Policy:
    """Parse a policy from YAML text; raise PolicyError listing every problem."""
    try:
        misshapen = yaml_shape_problem(text, source)
        if misshapen is not None:
            raise PolicyError([misshapen])
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise PolicyError([yaml_syntax_problem(error, source)]) from None
    if not isinstance(data, dict):
        raise PolicyError([Problem(source, "a policy must be a mapping of keys", "policy",
                                   expected="keys such as name, rules, objective",
                                   message_zh="政策模型必须是键值映射",
                                   expected_zh="name、rules、objective 等键")])
    problems: list[Problem] = _duplicate_keys(root, source)
    rules_raw = data.get("rules") or {}
    parsed_rules: dict[str, Any] = {}
    if not isinstance(rules_raw, dict):
        problems.append(Problem(source, "rules must be a mapping of rule name to parameters",
                                "policy", row=_key_line(root, ("rules",)), column="rules",
                                message_zh="rules 必须是“规则名: 参数”的映射",
                                expected="rule_name: {parameters}",
                                expected_zh="规则名: {参数}"))
        rules_raw = {}
    for name, params in rules_raw.items():
        if name not in CATALOGUE:
            problems.append(
                Problem(source, f"unknown rule '{name}'", "unknown_rule",
                        row=_key_line(root, ("rules", name)), column=f"rules.{name}", value=name,
                        expected="one of " + ", ".join(CATALOGUE),
                        message_zh=f"未知规则“{name}”",
                        expected_zh="以下之一：" + ", ".join(CATALOGUE))
            )
            continue
        rule_type = CATALOGUE[name]
        try:
            parsed = rule_type.Params.model_validate(params or {})
        except ValidationError as error:
            problems.extend(_problems(error, ("rules", name), root, source))
            continue
        if not parsed.hard and not rule_type.soft_capable:
            problems.append(
                Problem(source, f"rule '{name}' can only be hard", "hard_only",
                        row=_key_line(root, ("rules", name, "hard")), column=f"rules.{name}.hard",
                        value=False, expected="true (or leave out)",
                        message_zh=f"规则“{name}”只能是刚性规则", expected_zh="true（或不填）")
            )
            continue
        parsed_rules[name] = parsed
    if problems:
        raise PolicyError(problems)
    try:
        return Policy.model_validate({**data, "rules": parsed_rules})
    except ValidationError as error:
        raise PolicyError(_problems(error, (), root, source)) from None


def load_policy(path: str | Path) -> Policy:
    """Load a policy model from a YAML file.

    Raises
    ------
    PolicyError
        listing every problem, each with the file, line and key path.
    """
    path = Path(path)
    if not path.is_file():
        raise PolicyError([Problem(str(path), "no such policy file", "not_found",
                                   expected="a .yaml file such as models/chongqing-2024.yaml",
                                   message_zh="政策模型文件不存在",
                                   expected_zh="一个 .yaml 文件，例如 models/chongqing-2024.yaml")])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise PolicyError(
            [Problem(path.name, "policy file is not UTF-8 text", "encoding",
                     message_zh="政策模型文件不是 UTF-8 文本", expected="UTF-8 text",
                     expected_zh="UTF-8 文本")]
        ) from None
    return parse_policy(text, path.name)


def policy_text(policy: Policy) -> str:
    """A policy as YAML (for scenario outputs and manifests)."""
    return yaml.safe_dump(policy.model_dump(mode="json"), allow_unicode=True, sort_keys=False)
