"""Tests that request inputs are read safely: YAML, workbooks, options, tokens and Accept."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from staffing.service.config import (
    ConfigError,
    Limits,
    ServiceConfig,
    is_loopback,
    read_tokens,
)
from staffing.service.inputs import Reader, workbook_problems, yaml_problems
from staffing.service.results import CSV, JSON, XLSX, choose_type, csv_workbook, output_files

MODELS = Path(__file__).resolve().parents[2] / "models"


@pytest.mark.parametrize(("text", "message"), [
    ("a: &anchor 1\nb: *anchor\n", "anchors"),
    ("a: !!python/object/apply:os.system ['ls']\n", "tags"),
    ("x: " + "[" * 50 + "]" * 50 + "\n", "nested"),
    ("a: \"unclosed\n", "not valid YAML"),
    ("a: " + "x" * 300_000 + "\n", "too large"),
])
def test_unsafe_yaml_is_refused_before_parsing(text: str, message: str) -> None:
    """Tests that anchors, tags, deep nesting, bad syntax and size are each refused, located."""
    problems = yaml_problems(text, Limits().max_policy_bytes)
    assert len(problems) == 1 and message in problems[0].message


def test_policy_models_yaml_passes_the_scan() -> None:
    """Tests that every shipped policy model passes the YAML scan."""
    for path in MODELS.glob("*.yaml"):
        assert yaml_problems(path.read_text(encoding="utf-8"), 2**20) == [], path.name


def test_zip_bombs_and_non_workbooks_are_refused() -> None:
    """Tests that a workbook unpacking past the limit, or a zip without workbook parts, is named."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"0" * 2_000_000)
    assert "too much" in workbook_problems(buffer.getvalue(), 1_000_000)[0].message
    assert workbook_problems(buffer.getvalue(), 10_000_000) == []
    assert "not an .xlsx" in workbook_problems(b"plain text", 10)[0].message


def test_policy_names_come_from_the_server_list() -> None:
    """Tests that a policy is found by name only among the server's models, never by path."""
    reader = Reader(Limits(), MODELS)
    sub = reader.from_json(b'{"bundle": {}, "policy": "nanxun-2024"}')
    assert sub.policy_source == "nanxun-2024.yaml"
    for name in ("../models/nanxun-2024", "/etc/passwd", "nanxun-2024/../../x", "NANXUN-2024"):
        with pytest.raises(Exception, match="unknown policy model"):
            reader.from_json(f'{{"bundle": {{}}, "policy": "{name}"}}'.encode())


@pytest.mark.parametrize(("options", "column"), [
    ({"time_limit": 0}, "time_limit"), ({"time_limit": "nan"}, "time_limit"),
    ({"time_limit": 601}, "time_limit"), ({"time_limit": True}, "time_limit"),
    ({"deterministic": "maybe"}, "deterministic"), ({"kind": "solve"}, "kind"),
    ({"budget": {"performance": "lots"}}, "budget"), ({"budget": []}, "budget"),
])
def test_job_options_are_checked_against_the_server_limits(options: dict[str, object],
                                                           column: str) -> None:
    """Tests that each out-of-range job option is one problem naming its field."""
    problems: list = []
    Reader(Limits(), None).job_options(options, problems)
    assert [p.column for p in problems] == [column]


def test_accept_header_chooses_the_type() -> None:
    """Tests content negotiation: explicit types, wildcards, quality values and refusals."""
    offered = (JSON, CSV, XLSX)
    assert choose_type(None, offered) == JSON
    assert choose_type("*/*", offered) == JSON
    assert choose_type("text/csv", offered) == CSV
    assert choose_type("text/*", offered) == CSV
    assert choose_type(f"{JSON};q=0.5, {XLSX}", offered) == XLSX
    assert choose_type("text/html", offered) is None
    assert choose_type(f"{CSV};q=0", offered) is None


def test_workbook_cells_are_never_formulas(tmp_path: Path) -> None:
    """Tests that a CSV value starting with '=' (raw, or with the text mark our CSVs write) is
    text in the xlsx, shown without the mark, and numbers are numbers."""
    from openpyxl import load_workbook

    content = csv_workbook("name,places\n=HYPERLINK(\"x\"),3\n'=HYPERLINK(\"x\"),-2\n", "t")
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    for row in (2, 3):
        cell = sheet.cell(row, 1)
        assert cell.value == '=HYPERLINK("x")' and cell.data_type == "s" and cell.quotePrefix
    assert sheet.cell(2, 2).value == 3 and sheet.cell(3, 2).value == -2


def test_output_files_skip_links_and_odd_names(tmp_path: Path) -> None:
    """Tests that only plain files with safe names are listed as a job's outputs."""
    (tmp_path / "roster.csv").write_text("x")
    (tmp_path / "pay").mkdir()
    (tmp_path / "pay" / "pay.csv").write_text("x")
    (tmp_path / "link.csv").symlink_to("/etc/hostname")
    (tmp_path / "we ird.csv").write_text("x")
    assert output_files(tmp_path) == ["pay/pay.csv", "roster.csv"]


def test_tokens_and_addresses(tmp_path: Path) -> None:
    """Tests token files and environment, and the refusal to listen openly without tokens."""
    tokens = tmp_path / "tokens"
    tokens.write_text("# planners\nplanner-token-000000001\n\nplanner-token-000000002 # b\n")
    found = read_tokens(tokens, {"STAFFING_TOKENS": "env-token-0000000003,"})
    assert found == {"planner-token-000000001", "planner-token-000000002",
                     "env-token-0000000003"}
    with pytest.raises(ConfigError, match="shorter"):
        read_tokens(None, {"STAFFING_TOKENS": "short"})
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("example.org")
    with pytest.raises(ConfigError, match="refusing"):
        ServiceConfig(data=tmp_path, host="0.0.0.0").check()
    ServiceConfig(data=tmp_path, host="0.0.0.0", tokens=found).check()
