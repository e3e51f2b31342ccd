"""Overrides by path into a policy model and an instance, with relative forms.

A scenario changes a base policy and instance by paths:

| path | changes |
|---|---|
| ``rules.post_structure.senior_max_share`` | a rule parameter (the rule is added if it is off) |
| ``pay.rules.tier_ratio.target``, ``pay.lines.performance.basic_share`` | a pay rule or line |
| ``max_choices``, ``objective`` | a top-level policy field |
| ``institutions.T01.headcount_grassroots`` | an institution's field (``*``, ``tier=township``) |
| ``posts.T01-GP.places`` | a post's field (``*`` all, ``institution=T01``) |
| ``budget.performance`` | a pay fund's amount (``budget`` alone: the performance-pay total) |

A value is absolute (``0.10``, ``true``, ``[county]``) or relative to the base:
``+5`` / ``-3`` adds, ``×1.1`` (also ``*1.1`` or ``x1.1``) multiplies. A relative
result on a whole-number field is rounded half up; on an amount, to the fen.
Every path and value is checked; problems carry where the override was written
and what would have been valid.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from staffing.domain.instance import Instance, Institution, Post
from staffing.errors import InputError, Invalid, PolicyError, Problem
from staffing.io.messages import Wording, describe
from staffing.pay.codes import Fund
from staffing.pay.policy import PayPolicy
from staffing.policy import Policy
from staffing.rules import CATALOGUE

POLICY_ROOTS = ("rules", "pay", "max_choices", "objective", "panel_scoring", "name",
                "jurisdiction", "year", "source")
INSTANCE_ROOTS = ("institutions", "posts", "budget")
INSTITUTION_FIELDS = ("population", "distance_km", "hardship", "headcount_county",
                      "headcount_grassroots", "contract_places", "floor", "fd_teams")
POST_FIELDS = ("places", "floor")
_RELATIVE = re.compile(r"^\s*(?P<op>[+\-×*xX])\s*(?P<number>\d+(?:\.\d*)?|\.\d+)\s*$")


@dataclass(frozen=True)
class Where:
    """Where an override was written: a file (or the command line) and a line."""

    source: str = "command line"
    row: int | None = None

    def problem(self, path: str, message: str, message_zh: str, *, kind: str = "override",
                value: Any = None, expected: str | None = None,
                expected_zh: str | None = None) -> Problem:
        """A problem of the override of ``path`` written here, in English and Chinese."""
        return Problem(self.source, message, kind, row=self.row, column=path, value=value,
                       expected=expected, message_zh=message_zh, expected_zh=expected_zh)


class NotRelative(TypeError):
    """A relative change (``+n``, ``×f``) of a value that is not a number, in both languages."""

    def __init__(self, base: Any):
        super().__init__(f"a relative change needs a number, and the base value is {base!r}")
        self.message_zh = f"相对修改（+n、×f）只能用于数值，而基准值是 {base!r}"


@dataclass(frozen=True)
class Value:
    """An override's value: absolute, or ``+n`` / ``×f`` relative to the base."""

    value: Any
    op: str = "="  # "=", "+" or "×"

    @classmethod
    def parse(cls, text: Any) -> Value:
        """A value from YAML or command-line text (``+5``, ``-3``, ``×1.1``, ``*1.1``, ``0.1``)."""
        if not isinstance(text, str):
            return cls(text)
        match = _RELATIVE.match(text)
        if match:
            number = Decimal(match["number"])
            op = match["op"]
            if op in "+-":
                return cls(number if op == "+" else -number, "+")
            return cls(number, "×")
        try:
            return cls(yaml.safe_load(text) if text.strip() else text)
        except yaml.YAMLError:
            return cls(text)

    @property
    def relative(self) -> bool:
        return self.op != "="

    def text(self) -> str:
        """The value as written in tables and manifests."""
        if self.op == "+":
            return f"{'+' if self.value >= 0 else ''}{_plain(self.value)}"
        if self.op == "×":
            return f"×{_plain(self.value)}"
        return _plain(self.value)

    def apply(self, base: Any) -> Any:
        """The new value given the base value (rounded like the base for relative forms)."""
        if not self.relative:
            return self.value
        if isinstance(base, bool) or not isinstance(base, (int, float, Decimal)):
            raise NotRelative(base)
        exact = Decimal(str(base)) + self.value if self.op == "+" else \
            Decimal(str(base)) * self.value
        if isinstance(base, int):
            return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        if isinstance(base, Decimal):
            return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return float(exact)


def _plain(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_plain(v) for v in value) + "]"
    return str(value)


@dataclass(frozen=True)
class Override:
    """One change by path, and where it was written."""

    path: str
    value: Value
    where: Where = field(default_factory=Where)

    @classmethod
    def parse(cls, path: str, text: Any, where: Where | None = None) -> Override:
        return cls(path.strip(), Value.parse(text), where or Where())

    @property
    def target(self) -> str:
        """``policy`` or ``instance``, from the path's first part ('' when neither)."""
        root = self.path.split(".", 1)[0]
        if root in POLICY_ROOTS:
            return "policy"
        if root in INSTANCE_ROOTS:
            return "instance"
        return ""

    def text(self) -> str:
        return f"{self.path}={self.value.text()}"


def parse_assignment(text: str, where: Where | None = None) -> Override:
    """``PATH=VALUE`` from the command line."""
    path, sep, value = text.partition("=")
    if not sep or not path.strip():
        raise InputError([(where or Where()).problem(
            text, "an override is written PATH=VALUE", "修改项的写法是 路径=值", value=text,
            expected="for example rules.post_structure.senior_max_share=0.10",
            expected_zh="例如 rules.post_structure.senior_max_share=0.10")])
    return Override.parse(path, value, where)


def path_problems(overrides: Iterable[Override]) -> list[Problem]:
    """Overrides whose path starts with neither a policy nor an instance part."""
    roots = ", ".join(POLICY_ROOTS[:5] + INSTANCE_ROOTS)
    return [
        o.where.problem(o.path, f"unknown override path '{o.path}'", f"未知的修改路径“{o.path}”",
                        kind="unknown_path", value=o.path,
                        expected="a path starting with one of " + roots,
                        expected_zh="以下列之一开头的路径：" + roots)
        for o in overrides if not o.target
    ]


# --------------------------------------------------------------------------------- policy


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model a field holds (``X | None`` -> ``X``), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _model_of(arg)
            if found is not None:
                return found
    return None


def _choices(names: Iterable[str]) -> tuple[str, str]:
    """'one of a, b' and its Chinese."""
    listed = ", ".join(names)
    return "one of " + listed, "以下之一：" + listed


def _set_policy_path(data: dict[str, Any], override: Override,
                     model: type[BaseModel]) -> Problem | None:
    """Set one path in the policy's data, checking each part against the schema."""
    parts = override.path.split(".")
    node: dict[str, Any] = data
    where = override.where
    for depth, part in enumerate(parts):
        done = ".".join(parts[:depth])
        last = depth == len(parts) - 1
        if model is Policy and part == "rules" and not last:
            node = node.setdefault("rules", {})
            rule = parts[depth + 1]
            if rule not in CATALOGUE:
                rules, rules_zh = _choices(CATALOGUE)
                return where.problem(override.path, f"unknown rule '{rule}'", f"未知规则“{rule}”",
                                     kind="unknown_rule", value=rule, expected=rules,
                                     expected_zh=rules_zh)
            if len(parts) == depth + 2:
                params, params_zh = _choices(CATALOGUE[rule].Params.model_fields)
                return where.problem(override.path, "a rule is changed parameter by parameter",
                                     "规则须逐个参数修改", value=override.path,
                                     expected=f"rules.{rule}.{params}",
                                     expected_zh=f"rules.{rule}.参数，参数为{params_zh}")
            if node.get(rule) is None:
                node[rule] = {}
            return _set_field(node[rule], parts[depth + 2:], override, CATALOGUE[rule].Params,
                              ".".join(parts[: depth + 2]))
        fields = model.model_fields
        if part not in fields:
            where_text = f"under '{done}'" if done else "at the top of a policy"
            where_zh = f"“{done}”下" if done else "政策模型顶层"
            keys, keys_zh = _choices(fields)
            return where.problem(override.path, f"unknown key '{part}' {where_text}",
                                 f"{where_zh}没有键“{part}”", kind="unknown_path", value=part,
                                 expected=keys, expected_zh=keys_zh)
        if last:
            return _assign(node, part, override)
        inner = _model_of(fields[part].annotation)
        if inner is None:
            whole = f"{done + '.' if done else ''}{part}"
            return _no_parts(override, whole, whole)
        if node.get(part) is None:
            node[part] = {}
        node = node[part]
        model = inner
    return None


def _set_field(node: dict[str, Any], parts: list[str], override: Override,
               model: type[BaseModel], done: str) -> Problem | None:
    """Set a parameter of a rule's parameter model (one level; nested models allowed)."""
    for depth, part in enumerate(parts):
        fields = model.model_fields
        if part not in fields:
            names, names_zh = _choices(fields)
            return override.where.problem(
                override.path, f"unknown parameter '{part}' of {done}",
                f"{done} 没有参数“{part}”", kind="unknown_path", value=part, expected=names,
                expected_zh=names_zh)
        if depth == len(parts) - 1:
            if part not in node:
                node[part] = fields[part].get_default(call_default_factory=True)
            return _assign(node, part, override)
        inner = _model_of(fields[part].annotation)
        if inner is None:
            return _no_parts(override, part, f"{done}.{part}")
        if node.get(part) is None:
            node[part] = {}
        node = node[part]
        model = inner
        done = f"{done}.{part}"
    return None


def _no_parts(override: Override, name: str, path: str) -> Problem:
    """A path that goes on past a plain value."""
    return override.where.problem(override.path, f"'{name}' has no parts to go into",
                                  f"“{name}”下没有可再细分的部分", kind="unknown_path",
                                  value=override.path, expected=path,
                                  expected_zh=f"路径 {path}")


def _assign(node: dict[str, Any], key: str, override: Override) -> Problem | None:
    try:
        node[key] = _jsonable(override.value.apply(node.get(key)))
    except NotRelative as error:
        return override.where.problem(override.path, str(error), error.message_zh,
                                      kind="relative", value=override.value.text(),
                                      expected="an absolute value", expected_zh="绝对值")
    return None


def _jsonable(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def apply_to_policy(policy: Policy, overrides: Sequence[Override]) -> Policy:
    """The policy with the overrides applied, validated by each rule's own model.

    Raises
    ------
    PolicyError
        listing every bad path or value, each where it was written, with what is valid.
    """
    mine = [o for o in overrides if o.target == "policy"]
    if not mine:
        return policy
    data = policy.model_dump(mode="json")
    problems: list[Problem] = []
    placed: list[Override] = []
    for override in mine:
        problem = _set_policy_path(data, override, Policy)
        if problem is None:
            placed.append(override)
        else:
            problems.append(problem)
    problems.extend(_part_problems(data, placed))
    if problems:
        raise PolicyError(problems)
    try:
        return Policy.model_validate(data)
    except (ValidationError, ValueError) as error:
        raise PolicyError(_value_problems(error, "", placed or mine)) from None


def _part_problems(data: dict[str, Any], overrides: Sequence[Override]) -> list[Problem]:
    """Validate each changed rule and the pay section alone, so each error finds its override."""
    problems: list[Problem] = []
    rules = {o.path.split(".")[1] for o in overrides if o.path.startswith("rules.")}
    for rule in sorted(rules):
        mine = [o for o in overrides if o.path.startswith(f"rules.{rule}.")]
        try:
            params = CATALOGUE[rule].Params.model_validate(data["rules"][rule])
        except ValidationError as error:
            problems.extend(_value_problems(error, f"rules.{rule}", mine))
            continue
        if not params.hard and not CATALOGUE[rule].soft_capable:
            problems.extend(o.where.problem(o.path, f"rule '{rule}' can only be hard",
                                            f"规则“{rule}”只能是刚性规则", kind="hard_only",
                                            value=o.value.text(), expected="true",
                                            expected_zh="true") for o in mine)
    pay = [o for o in overrides if o.path.startswith("pay.")]
    if pay:
        try:
            PayPolicy.model_validate(data["pay"])
        except ValidationError as error:
            problems.extend(_value_problems(error, "pay", pay))
    return problems


def _culprit(loc: str, prefix: str, message: str, overrides: Sequence[Override]) -> Override:
    """The override an error is about: the one at its location, else the last one whose
    parameter the message names (a rule's own cross-field check), else the last one."""
    if loc != prefix:
        for override in overrides:
            if override.path == loc or override.path.startswith(loc + ".") \
                    or loc.startswith(override.path + "."):
                return override
    named = [o for o in overrides if o.path.rsplit(".", 1)[-1] in message]
    return (named or list(overrides))[-1]


def _value_problems(error: Exception, prefix: str,
                    overrides: Sequence[Override]) -> list[Problem]:
    """Each validation error of a changed part, put at the override that caused it."""
    if not isinstance(error, ValidationError):
        wording = (Wording(error.message, error.message_zh, error.expected, error.expected_zh)
                   if isinstance(error, Invalid) else
                   Wording(str(error), f"取值无效：{error}"))
        return [o.where.problem(o.path, wording.message, wording.message_zh,
                                value=o.value.text(), expected=wording.expected,
                                expected_zh=wording.expected_zh) for o in overrides[:1]]
    problems = []
    for item in error.errors():
        loc = ".".join([prefix] * bool(prefix) + [str(p) for p in item.get("loc") or ()
                                                   if not str(p).startswith("function-")])
        culprit = _culprit(loc, prefix, str(item.get("msg", "")), overrides)
        wording = describe(item, field=loc.rsplit(".", 1)[-1] or None)
        problems.append(culprit.where.problem(
            culprit.path, wording.message, wording.message_zh, kind=item["type"],
            value=culprit.value.text(), expected=wording.expected,
            expected_zh=wording.expected_zh))
    return problems


# ------------------------------------------------------------------------------- instance


_KIND_ZH = {"institution": "机构", "post": "岗位"}


def _selected(rows: Sequence[Any], selector: str, kind: str) -> list[int] | tuple[str, str]:
    """Indices of the rows a selector names (id, ``*``, ``field=value``), or why none (in
    English and Chinese)."""
    if selector == "*":
        return list(range(len(rows)))
    kind_zh = _KIND_ZH[kind]
    if "=" in selector:
        key, _, wanted = selector.partition("=")
        if key not in type(rows[0]).model_fields if rows else True:
            return f"no {kind} field '{key}'", f"{kind_zh}没有字段“{key}”"
        found = [k for k, row in enumerate(rows)
                 if str(getattr(getattr(row, key), "value", getattr(row, key))) == wanted]
        return found or (f"no {kind} has {key} = {wanted}", f"没有 {key} = {wanted} 的{kind_zh}")
    found = [k for k, row in enumerate(rows) if row.id == selector]
    return found or (f"unknown {kind} '{selector}'", f"未知的{kind_zh}“{selector}”")


def _id_choices(rows: Sequence[Any]) -> tuple[str, str]:
    ids = [row.id for row in rows]
    shown = ", ".join(ids[:8]) + (f", ... ({len(ids)} in all)" if len(ids) > 8 else "")
    shown_zh = "、".join(ids[:8]) + (f" 等（共 {len(ids)} 个）" if len(ids) > 8 else "")
    return (f"an id ({shown}), * or a field=value selector such as tier=township",
            f"编号（{shown_zh}）、* 或“字段=值”形式的筛选，例如 tier=township")


def _change_rows(rows: list[Any], override: Override, fields: Sequence[str],
                 kind: str) -> list[Problem]:
    parts = override.path.split(".")
    where = override.where
    kind_zh = _KIND_ZH[kind]
    if len(parts) != 3:
        return [where.problem(override.path, f"an {parts[0]} override is written "
                              f"{parts[0]}.SELECTOR.FIELD",
                              f"{kind_zh}的修改项写作 {parts[0]}.筛选.字段", value=override.path,
                              expected=f"for example {parts[0]}.*.{fields[0]}",
                              expected_zh=f"例如 {parts[0]}.*.{fields[0]}")]
    _, selector, name = parts
    if name not in fields:
        names, names_zh = _choices(fields)
        return [where.problem(override.path, f"'{name}' cannot be changed on {parts[0]}",
                              f"{kind_zh}的“{name}”不能修改", kind="unknown_path", value=name,
                              expected=names, expected_zh=names_zh)]
    chosen = _selected(rows, selector, kind)
    if isinstance(chosen, tuple):
        ids, ids_zh = _id_choices(rows)
        return [where.problem(override.path, chosen[0], chosen[1], kind="unknown_id",
                              value=selector, expected=ids, expected_zh=ids_zh)]
    failed: dict[tuple[str, str], list[str]] = {}  # message (en, zh) -> ids of the rows
    for k in chosen:
        row = rows[k]
        try:
            value = override.value.apply(getattr(row, name))
            rows[k] = type(row).model_validate({**row.model_dump(), name: value})
        except NotRelative as error:
            failed.setdefault((str(error), error.message_zh), []).append(row.id)
        except ValidationError as error:
            words = [describe(e, field=name) for e in error.errors()]
            message = ("; ".join(w.message for w in words),
                       "；".join(w.message_zh for w in words))
            failed.setdefault(message, []).append(row.id)
    expected, expected_zh = _field_expectation(type(rows[0]), name)
    return [where.problem(override.path, f"{message} for {_ids_text(ids)}",
                          f"{_ids_text_zh(ids)}：{message_zh}", kind="invalid_value",
                          value=override.value.text(), expected=expected,
                          expected_zh=expected_zh)
            for (message, message_zh), ids in failed.items()]


def _ids_text(ids: list[str]) -> str:
    return ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")


def _ids_text_zh(ids: list[str]) -> str:
    return "、".join(ids[:5]) + (f" 等 {len(ids)} 个" if len(ids) > 5 else "")


_SIGNS = (("ge", ">=", "不小于"), ("gt", ">", "大于"), ("le", "<=", "不大于"), ("lt", "<", "小于"))


def _field_expectation(model: type[BaseModel], name: str) -> tuple[str, str]:
    """What a numeric field takes ('a whole number >= 0'), in English and Chinese."""
    info = model.model_fields[name]
    limits = [(f"{sign} {getattr(m, key)}", f"{sign_zh} {getattr(m, key)}")
              for m in info.metadata for key, sign, sign_zh in _SIGNS
              if getattr(m, key, None) is not None]
    whole = info.annotation is int or "Count" in str(info.annotation)
    kind, kind_zh = ("a whole number", "整数") if whole else ("a number", "数")
    return (kind + (" " + " and ".join(en for en, _ in limits) if limits else ""),
            ("，".join(zh for _, zh in limits) + " 的" if limits else "") + kind_zh)


def _change_budget(instance: Instance, override: Override,
                   funds: list[Any]) -> list[Problem]:
    parts = override.path.split(".")
    name = parts[1] if len(parts) > 1 else Fund.PERFORMANCE.value
    valid = [f.value for f in Fund]
    if len(parts) > 2 or name not in valid:
        paths = "budget or budget." + " / budget.".join(valid)
        return [override.where.problem(override.path, f"unknown fund '{name}'",
                                       f"未知的经费“{name}”", kind="unknown_path", value=name,
                                       expected=paths,
                                       expected_zh=paths.replace(" or ", " 或 "))]
    found = [k for k, row in enumerate(funds) if row.fund.value == name]
    if not found:
        have = _choices(row.fund.value for row in funds) if funds else (
            "an instance with pay tables", "含薪酬表的数据包")
        return [override.where.problem(
            override.path, f"the instance has no '{name}' fund in pay_funds",
            f"数据包的 pay_funds 表中没有“{name}”经费", kind="unknown_id", value=name,
            expected=have[0], expected_zh=have[1])]
    problems = []
    for k in found:
        row = funds[k]
        try:
            value = override.value.apply(Decimal(str(row.amount)))
            funds[k] = type(row).model_validate({**row.model_dump(), "amount": str(value)})
        except (NotRelative, ValidationError, InvalidOperation) as error:
            wording = _amount_wording(error)
            problems.append(override.where.problem(
                override.path, wording.message, wording.message_zh, kind="invalid_value",
                value=override.value.text(), expected="an amount in yuan, 2 decimals at most",
                expected_zh="以元为单位的金额，最多两位小数"))
    return problems


def _amount_wording(error: Exception) -> Wording:
    """Why a changed fund amount is refused, in both languages."""
    if isinstance(error, NotRelative):
        return Wording(str(error), error.message_zh)
    if isinstance(error, ValidationError):
        return describe(error.errors()[0], field="amount")
    return Wording("not a number", "不是数字")


def apply_to_instance(instance: Instance, overrides: Sequence[Override]) -> Instance:
    """A new instance with the overrides applied (the base is unchanged and keeps its caches).

    Raises
    ------
    InputError
        listing every bad path, id or value, each where it was written.
    """
    mine = [o for o in overrides if o.target == "instance"]
    if not mine:
        return instance
    institutions: list[Institution] = list(instance.institutions)
    posts: list[Post] = list(instance.posts)
    funds = list(instance.extras.get("pay_funds", []))
    problems: list[Problem] = []
    for override in mine:
        root = override.path.split(".", 1)[0]
        if root == "institutions":
            problems += _change_rows(institutions, override, INSTITUTION_FIELDS, "institution")
        elif root == "posts":
            problems += _change_rows(posts, override, POST_FIELDS, "post")
        else:
            problems += _change_budget(instance, override, funds)
    if problems:
        raise InputError(problems)
    extras = dict(instance.extras)
    if funds:
        extras["pay_funds"] = funds
    changed = type(instance)(meta=instance.meta, institutions=institutions, posts=posts,
                             staff=instance.staff, choices=instance.choices,
                             rankings=instance.rankings, extras=extras)
    return changed.with_locations(instance._locations)


def check_overrides(policy: Policy, instance: Instance | None,
                    overrides: Sequence[Override]) -> list[Problem]:
    """Every problem of a list of overrides against a policy (and instance), without raising."""
    problems = path_problems(overrides)
    known = [o for o in overrides if o.target]
    try:
        apply_to_policy(policy, known)
    except InputError as error:
        problems.extend(error.problems)
    if instance is not None:
        try:
            apply_to_instance(instance, known)
        except InputError as error:
            problems.extend(error.problems)
    return problems
