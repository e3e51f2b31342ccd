"""What a request submits (a bundle, a policy, a roster, job options), read and checked.

Requests come as JSON or as multipart uploads; both become one `Submission`.
Nothing a request names reaches the file system as given: a policy is chosen by
name from the server's list of policy models, uploaded files are written under
fixed names into a folder the server made, and policy YAML is scanned (size,
nesting, no anchors, aliases or tags) before the YAML parser sees it.
"""

from __future__ import annotations

import dataclasses
import io
import json
import math
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from staffing.errors import Problem
from staffing.io.yaml_shape import yaml_syntax_problem
from staffing.service.config import Limits

KINDS = ("allocation", "pay", "both")
MAX_YAML_DEPTH = 40
_MODEL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")


class RequestProblems(Exception):
    """A request that cannot be used as sent; carries every located problem."""

    def __init__(self, problems: list[Problem], status: int = 422):
        self.problems = problems
        self.status = status
        super().__init__("; ".join(str(p) for p in problems))


@dataclass
class Submission:
    """A request's inputs, as bytes and text, not yet written anywhere."""

    bundle: bytes | None = None
    bundle_format: str = "json"
    policy_text: str | None = None
    policy_source: str = "policy"
    roster: bytes | None = None
    pay_plan: bytes | None = None
    options: dict[str, Any] = field(default_factory=dict)

    def write(self, folder: Path) -> None:
        """Write the inputs into ``folder`` under fixed names (bundle.json / bundle.xlsx, ...)."""
        folder.mkdir(parents=True, exist_ok=True)
        if self.bundle is not None:
            (folder / f"bundle.{self.bundle_format}").write_bytes(self.bundle)
        if self.policy_text is not None:
            (folder / "policy.yaml").write_text(self.policy_text, encoding="utf-8")
        if self.roster is not None:
            (folder / "roster.csv").write_bytes(self.roster)
        if self.pay_plan is not None:
            (folder / "pay.csv").write_bytes(self.pay_plan)


class Reader:
    """Reads submissions under a server's limits and policy models."""

    def __init__(self, limits: Limits, models: Path | None):
        self.limits = limits
        self.models = model_files(models)

    # ------------------------------------------------------------------ JSON requests

    def from_json(self, body: bytes, *, job: bool = False, roster: bool = False) -> Submission:
        """A submission from a JSON request body.

        Fields: ``bundle`` (an object of tables), ``policy`` (a model name) or
        ``policy_yaml`` (text), ``roster_csv`` and ``pay_csv`` (text), and for jobs
        ``kind``, ``time_limit``, ``deterministic``, ``budget``.
        """
        data = parse_json(body)
        if not isinstance(data, dict):
            raise RequestProblems([Problem("request", "the body must be a JSON object", "json",
                                           value=type(data).__name__,
                                           expected='{"bundle": {...}, "policy": "..."}',
                                           message_zh="请求体必须是 JSON 对象",
                                           expected_zh='{"bundle": {...}, "policy": "..."}')])
        problems: list[Problem] = []
        sub = Submission()
        bundle = data.get("bundle")
        if not isinstance(bundle, dict):
            tables = '{"institutions": [...], "posts": [...], ...}'
            problems.append(_missing("bundle", bundle, ("an object of tables: " + tables,
                                                        "由表组成的对象：" + tables)))
        else:
            sub.bundle = json.dumps(bundle, ensure_ascii=False).encode()
        self._policy(sub, data.get("policy"), data.get("policy_yaml"), problems)
        for name, attr in (("roster_csv", "roster"), ("pay_csv", "pay_plan")):
            value = data.get(name)
            if value is not None and not isinstance(value, str):
                problems.append(_missing(name, value, ("the text of a CSV file",
                                                       "CSV 文件的文本")))
            elif value is not None:
                setattr(sub, attr, value.encode())
        self._finish(sub, data, problems, job=job, roster=roster)
        return sub

    # ------------------------------------------------------------------ multipart uploads

    def from_form(self, fields: dict[str, Any], *, job: bool = False,
                  roster: bool = False) -> Submission:
        """A submission from a multipart form (already read: text or (filename, bytes)).

        Files: ``bundle`` (.xlsx or .json), ``policy_yaml``, ``roster``, ``pay``; text
        fields: ``policy``, ``kind``, ``time_limit``, ``deterministic``, ``budget``.
        """
        problems: list[Problem] = []
        sub = Submission()
        bundle = fields.get("bundle")
        if not isinstance(bundle, tuple):
            problems.append(_missing("bundle", None, ("an uploaded .xlsx or .json file",
                                                      "上传的 .xlsx 或 .json 文件")))
        else:
            filename, content = bundle
            sub.bundle_format = bundle_format(filename, content)
            problems.extend(self._bundle_problems(sub.bundle_format, content))
            sub.bundle = content
        policy_yaml = fields.get("policy_yaml")
        if isinstance(policy_yaml, tuple):
            policy_yaml = _text(policy_yaml[1], "policy_yaml", problems)
        self._policy(sub, fields.get("policy"), policy_yaml, problems)
        for name, attr in (("roster", "roster"), ("pay", "pay_plan")):
            value = fields.get(name)
            if isinstance(value, tuple):
                setattr(sub, attr, value[1])
            elif isinstance(value, str):
                setattr(sub, attr, value.encode())
        options = {k: fields[k] for k in ("kind", "time_limit", "deterministic", "budget")
                   if isinstance(fields.get(k), str)}
        if "budget" in options:
            options["budget"] = _form_budget(options["budget"])
        self._finish(sub, options, problems, job=job, roster=roster)
        return sub

    # ------------------------------------------------------------------ shared

    def _finish(self, sub: Submission, data: dict[str, Any], problems: list[Problem], *,
                job: bool, roster: bool) -> None:
        if job:
            sub.options = self.job_options(data, problems)
            roster = sub.options.get("kind") == "pay"
        if (job or roster) and sub.policy_text is None and not any(
                p.column in ("policy", "policy_yaml") for p in problems):
            problems.append(Problem("request", "a policy is needed", "missing", column="policy",
                                    expected="'policy' (a model name) or 'policy_yaml'",
                                    message_zh="需要政策模型",
                                    expected_zh="policy（政策模型名称）或 policy_yaml"))
        if roster and sub.roster is None:
            name = "roster" if job else "roster_csv"
            problems.append(_missing(name, None, (
                "a roster.csv (person, post, pool, tour_villages), as text or an uploaded file",
                "roster.csv（person、post、pool、tour_villages 列），文本或上传的文件")))
        if problems:
            raise RequestProblems(problems)

    def _policy(self, sub: Submission, name: Any, text: Any, problems: list[Problem]) -> None:
        if name is not None and text is not None:
            problems.append(Problem("request", "give either 'policy' or 'policy_yaml', not both",
                                    "policy", column="policy",
                                    message_zh="policy 与 policy_yaml 只能给出其一",
                                    expected="one of them", expected_zh="二者之一"))
            return
        if name is not None:
            path = self.models.get(name.removesuffix(".yaml")) if isinstance(name, str) \
                else None
            if path is None:
                offered = ", ".join(sorted(self.models))
                problems.append(Problem(
                    "request", "unknown policy model", "unknown_policy", column="policy",
                    value=name if isinstance(name, str | int | float) else None,
                    expected="one of " + (offered or "(no models on this server: send "
                                          "policy_yaml)"),
                    message_zh="未知的政策模型",
                    expected_zh="以下之一：" + offered if offered else
                    "（本服务器没有政策模型：请发送 policy_yaml）"))
                return
            sub.policy_text = path.read_text(encoding="utf-8-sig")
            sub.policy_source = path.name
        elif text is not None:
            if not isinstance(text, str):
                problems.append(_missing("policy_yaml", text, ("the text of a policy YAML file",
                                                               "政策模型 YAML 文件的文本")))
                return
            found = yaml_problems(text, self.limits.max_policy_bytes)
            problems.extend(found)
            if not found:
                sub.policy_text = text
                sub.policy_source = "policy_yaml"

    def _bundle_problems(self, fmt: str, content: bytes) -> list[Problem]:
        if fmt == "xlsx":
            return workbook_problems(content, self.limits.max_unpacked_bytes)
        try:
            parse_json(content)
        except RequestProblems as error:
            return [dataclasses.replace(p, source="bundle.json") for p in error.problems]
        return []

    def job_options(self, data: dict[str, Any], problems: list[Problem]) -> dict[str, Any]:
        """Kind, time limit, deterministic and budget of a job, within the server's limits."""
        limits = self.limits
        kind = data.get("kind", "allocation")
        if kind not in KINDS:
            problems.append(Problem("request", "unknown job kind", "kind", column="kind",
                                    value=_shown(kind), expected="one of " + ", ".join(KINDS),
                                    message_zh="未知的任务类型",
                                    expected_zh="以下之一：" + ", ".join(KINDS)))
        time_limit = data.get("time_limit", limits.default_time_limit)
        limit = _number(time_limit)
        if limit is None or not 0 < limit <= limits.max_time_limit:
            problems.append(Problem(
                "request", "time limit out of range", "time_limit", column="time_limit",
                value=_shown(time_limit),
                expected=f"seconds > 0 and <= {limits.max_time_limit:g} (this server's maximum)",
                message_zh="时间限制超出范围",
                expected_zh=f"大于 0 且不超过 {limits.max_time_limit:g} 的秒数（本服务器的上限）"))
        deterministic = data.get("deterministic", False)
        if isinstance(deterministic, str):
            deterministic = {"true": True, "1": True, "false": False, "0": False}.get(
                deterministic.strip().lower(), deterministic)
        if not isinstance(deterministic, bool):
            problems.append(Problem("request", "deterministic must be true or false", "bool",
                                    column="deterministic", value=_shown(deterministic),
                                    expected="true or false",
                                    message_zh="deterministic 必须是 true 或 false",
                                    expected_zh="true 或 false"))
        budget = data.get("budget")
        if budget is not None and not _budget_ok(budget):
            problems.append(Problem("request", "budget must be an amount or fund amounts",
                                    "budget", column="budget", value=_shown(budget),
                                    expected='51000000 or {"performance": 51000000}',
                                    message_zh="budget 必须是金额，或各项经费的金额",
                                    expected_zh='51000000 或 {"performance": 51000000}'))
        return {"kind": kind, "time_limit": limit, "deterministic": deterministic,
                "budget": budget}


def model_files(models: Path | None) -> dict[str, Path]:
    """The policy models a server offers: name (file stem) -> file."""
    if models is None or not models.is_dir():
        return {}
    return {path.stem: path for path in sorted(models.glob("*.yaml"))
            if _MODEL_NAME.fullmatch(path.stem)}


def parse_json(body: bytes) -> Any:
    """JSON from a request body; raise `RequestProblems` (400) saying where it broke."""
    try:
        return json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise RequestProblems([Problem("request", "the body is not UTF-8 text", "encoding",
                                       expected="UTF-8 JSON", message_zh="请求体不是 UTF-8 文本",
                                       expected_zh="UTF-8 编码的 JSON")], 400) from None
    except json.JSONDecodeError as error:
        raise RequestProblems([Problem(
            "request", f"not valid JSON: {error.msg} (line {error.lineno}, character "
            f"{error.colno})", "json", row=error.lineno, expected="a JSON object",
            message_zh=f"不是有效的 JSON（第 {error.lineno} 行，第 {error.colno} 个字符附近）",
            expected_zh="一个 JSON 对象")], 400) from None
    except RecursionError:
        raise RequestProblems([Problem("request", "JSON nested too deeply", "json",
                                       expected="a bundle: an object of tables of rows",
                                       message_zh="JSON 嵌套过深",
                                       expected_zh="数据包：由表（行的列表）组成的对象")],
                              400) from None


def bundle_format(filename: str | None, content: bytes) -> str:
    """``xlsx`` or ``json``, from the file name, else from the content."""
    suffix = Path(filename or "").suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix == ".json":
        return "json"
    return "xlsx" if content[:4] == b"PK\x03\x04" else "json"


_WORKBOOK = ("an .xlsx file saved by Excel or WPS", "由 Excel 或 WPS 保存的 .xlsx 文件")


def workbook_problems(content: bytes, max_unpacked: int) -> list[Problem]:
    """Problems of an uploaded workbook before openpyxl reads it: not a zip, or a zip bomb."""
    source = "bundle.xlsx"
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        return [Problem(source, f"not an .xlsx workbook: {error}", "xlsx",
                        expected=_WORKBOOK[0], message_zh="不是 .xlsx 工作簿（无法解压）",
                        expected_zh=_WORKBOOK[1])]
    unpacked = sum(m.file_size for m in members)
    if len(members) > 10_000 or unpacked > max_unpacked:
        return [Problem(source, "the workbook unpacks to too much data", "too_large",
                        value=f"{unpacked} bytes in {len(members)} parts",
                        expected=f"at most {max_unpacked} bytes unpacked",
                        message_zh="工作簿解压后数据量过大",
                        expected_zh=f"解压后不超过 {max_unpacked} 字节")]
    if not any(m.filename == "[Content_Types].xml" for m in members):
        return [Problem(source, "not an .xlsx workbook (a zip file without workbook parts)",
                        "xlsx", expected=_WORKBOOK[0],
                        message_zh="不是 .xlsx 工作簿（压缩包中没有工作簿的组成部分）",
                        expected_zh=_WORKBOOK[1])]
    return []


_PLAIN = ("plain keys and values", "直接写出的键和值")


def yaml_problems(text: str, max_bytes: int) -> list[Problem]:
    """Why a policy YAML text is refused before parsing: size, nesting, anchors, tags."""
    source = "policy_yaml"
    if len(text.encode()) > max_bytes:
        return [Problem(source, "policy YAML too large", "too_large",
                        value=f"{len(text.encode())} bytes", expected=f"at most {max_bytes}",
                        message_zh="政策模型 YAML 过大",
                        expected_zh=f"不超过 {max_bytes} 字节")]
    depth = 0
    opening = (yaml.BlockMappingStartToken, yaml.BlockSequenceStartToken,
               yaml.FlowMappingStartToken, yaml.FlowSequenceStartToken)
    closing = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            line = token.start_mark.line + 1
            if isinstance(token, yaml.AnchorToken | yaml.AliasToken):
                return [Problem(source, "YAML anchors and aliases are not accepted", "yaml",
                                row=line, expected=_PLAIN[0],
                                message_zh="不接受 YAML 锚点和别名（&名称、*名称）",
                                expected_zh=_PLAIN[1])]
            if isinstance(token, yaml.TagToken):
                return [Problem(source, "YAML tags are not accepted", "yaml", row=line,
                                expected=_PLAIN[0], message_zh="不接受 YAML 标签（!标签）",
                                expected_zh=_PLAIN[1])]
            depth += isinstance(token, opening) - isinstance(token, closing)
            if depth > MAX_YAML_DEPTH:
                return [Problem(source, "YAML nested too deeply", "yaml", row=line,
                                expected=f"at most {MAX_YAML_DEPTH} levels",
                                message_zh="YAML 嵌套过深",
                                expected_zh=f"不超过 {MAX_YAML_DEPTH} 层")]
    except yaml.YAMLError as error:
        return [yaml_syntax_problem(error, source)]
    return []


def _missing(name: str, value: Any, expected: tuple[str, str]) -> Problem:
    """A request field that is absent or of the wrong type; ``expected`` in both languages."""
    missing = value is None
    return Problem("request", f"'{name}' is missing" if missing else f"'{name}' has the wrong type",
                   "missing" if missing else "type", column=name,
                   value=None if missing else type(value).__name__, expected=expected[0],
                   message_zh=f"缺少 {name}" if missing else f"{name} 的类型不对",
                   expected_zh=expected[1])


def _text(content: bytes, name: str, problems: list[Problem]) -> str | None:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(Problem("request", "not UTF-8 text", "encoding", column=name,
                                expected="a UTF-8 YAML file", message_zh="不是 UTF-8 文本",
                                expected_zh="UTF-8 编码的 YAML 文件"))
        return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _budget_ok(budget: Any) -> bool:
    if isinstance(budget, dict):
        return bool(budget) and all(isinstance(k, str) and _number(v) is not None
                                    for k, v in budget.items())
    return _number(budget) is not None


def _form_budget(text: str) -> Any:
    """A form's budget: an amount, or JSON fund amounts."""
    text = text.strip()
    if text.startswith("{"):
        try:
            return json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            return text
    return text


def _shown(value: Any) -> Any:
    """A request value as a problem shows it (short, JSON-ready)."""
    if value is None or isinstance(value, bool | int | float):
        return value
    text = value if isinstance(value, str) else json.dumps(value, default=str)[:200]
    return text[:200]
