"""Two runs side by side, from their output folders: who moves where and why, indicators,
rules whose status changed, and each person's pay change.

A run folder is what ``staffing solve`` or a scenario writes: ``roster.csv``,
``manifest.json``, ``audit.csv``, ``reasons.csv``, and for pay either
``pay_totals.csv`` (scenarios) or ``pay.csv`` (``staffing pay`` into the same folder).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pandas as pd

from staffing.errors import InputError, Problem
from staffing.io.atomic import CSV_ENCODING, atomic_path
from staffing.io.formulas import guard_frame

NEEDED = ("roster.csv", "manifest.json", "audit.csv")


@dataclass
class Run:
    """What a run folder holds, read back."""

    folder: Path
    posts: dict[str, str]              # person -> post ('' when none)
    reasons: dict[str, str]            # person -> why they got their outcome
    indicators: dict[str, Any]
    stages: dict[str, Any]
    rules: dict[str, tuple[str, int]]  # rule -> (status, violations)
    pay: dict[str, Decimal]            # person -> total pay

    @property
    def name(self) -> str:
        return self.folder.name


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _pay(folder: Path) -> dict[str, Decimal]:
    for name, column in (("pay_totals.csv", "total_pay"), ("pay.csv", "total")):
        if (folder / name).is_file():
            out = {}
            for row in _rows(folder / name):
                try:
                    out[row["person"]] = Decimal(row.get(column) or "0")
                except (KeyError, InvalidOperation):
                    continue
            return out
    return {}


def read_run(folder: str | Path) -> Run:
    """Read a run folder; InputError naming each missing file."""
    folder = Path(folder)
    missing = [n for n in NEEDED if not (folder / n).is_file()]
    if missing:
        raise InputError([Problem(str(folder), f"not a run folder: {name} is missing",
                                  "not_found", expected="a folder written by staffing solve, "
                                  "staffing scenario run or staffing sweep",
                                  message_zh=f"不是求解结果文件夹：缺少 {name}",
                                  expected_zh="由 staffing solve、staffing scenario run 或 "
                                  "staffing sweep 写出的文件夹") for name in missing])
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    checked = manifest.get("check", {})
    reasons: dict[str, str] = {}
    if (folder / "reasons.csv").is_file():
        for row in _rows(folder / "reasons.csv"):
            if row.get("kind") == "outcome":
                reasons[row["person"]] = row.get("text", "")
    return Run(
        folder=folder,
        posts={r["person"]: r.get("post") or "" for r in _rows(folder / "roster.csv")},
        reasons=reasons,
        indicators=checked.get("indicators", {}),
        stages=checked.get("stages", {}),
        rules={_audit_key(r): (r.get("status", ""), int(r.get("violations") or 0))
               for r in _rows(folder / "audit.csv")},
        pay=_pay(folder),
    )


def _audit_key(row: dict[str, str]) -> str:
    """An audit line's name: the rule, with its part when the rule's parts are split."""
    part = row.get("part_en") or ""
    return f"{row['rule']} ({part})" if part else row["rule"]


@dataclass
class Comparison:
    """The differences between run A and run B."""

    a: Run
    b: Run
    moves: pd.DataFrame
    indicators: pd.DataFrame
    rules: pd.DataFrame
    pay: pd.DataFrame

    def summary(self) -> str:
        changed = self.rules[self.rules["changed"]] if len(self.rules) else self.rules
        pay_text = ""
        if len(self.pay):
            up = int((self.pay["change"] > 0).sum())
            down = int((self.pay["change"] < 0).sum())
            pay_text = f"; pay: {up} people gain, {down} lose"
        return (f"{self.a.name} -> {self.b.name}: {len(self.moves)} people placed differently; "
                f"{len(changed)} rules changed status{pay_text}")

    def write(self, out: Path) -> list[str]:
        """``moves.csv``, ``indicators.csv``, ``rules.csv``, ``pay_changes.csv`` (UTF-8, BOM)."""
        names = []
        for name, frame in (("moves.csv", self.moves), ("indicators.csv", self.indicators),
                            ("rules.csv", self.rules), ("pay_changes.csv", self.pay)):
            with atomic_path(out / name) as tmp:
                guard_frame(frame).to_csv(tmp, index=False, encoding=CSV_ENCODING)
            names.append(name)
        return names


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) \
        else None


def compare_runs(a: str | Path, b: str | Path) -> Comparison:
    """Compare two run folders of the same instance."""
    run_a, run_b = read_run(a), read_run(b)
    people = list(dict.fromkeys([*run_a.posts, *run_b.posts]))
    moves = pd.DataFrame(
        [{"person": p, "post_a": run_a.posts.get(p, ""), "post_b": run_b.posts.get(p, ""),
          "why_a": run_a.reasons.get(p, ""), "why_b": run_b.reasons.get(p, "")}
         for p in people if run_a.posts.get(p, "") != run_b.posts.get(p, "")],
        columns=["person", "post_a", "post_b", "why_a", "why_b"])
    keys = list(dict.fromkeys([*run_a.indicators, *run_b.indicators]))
    stage_keys = list(dict.fromkeys([*run_a.stages, *run_b.stages]))
    rows = []
    for kind, source_a, source_b, names in (("indicator", run_a.indicators, run_b.indicators,
                                             keys),
                                            ("stage", run_a.stages, run_b.stages, stage_keys)):
        for key in names:
            va, vb = source_a.get(key), source_b.get(key)
            na, nb = _number(va), _number(vb)
            rows.append({"kind": kind, "key": key, "a": va, "b": vb,
                         "change": None if na is None or nb is None else round(nb - na, 6)})
    indicators = pd.DataFrame(rows, columns=["kind", "key", "a", "b", "change"])
    rule_names = list(dict.fromkeys([*run_a.rules, *run_b.rules]))
    rules = pd.DataFrame(
        [{"rule": r, "status_a": run_a.rules.get(r, ("absent", 0))[0],
          "violations_a": run_a.rules.get(r, ("absent", 0))[1],
          "status_b": run_b.rules.get(r, ("absent", 0))[0],
          "violations_b": run_b.rules.get(r, ("absent", 0))[1]} for r in rule_names],
        columns=["rule", "status_a", "violations_a", "status_b", "violations_b"])
    rules["changed"] = (rules["status_a"] != rules["status_b"]) | (
        rules["violations_a"] != rules["violations_b"])
    paid = list(dict.fromkeys([*run_a.pay, *run_b.pay]))
    pay = pd.DataFrame(
        [{"person": p, "pay_a": run_a.pay.get(p, Decimal(0)), "pay_b": run_b.pay.get(p, Decimal(0)),
          "change": run_b.pay.get(p, Decimal(0)) - run_a.pay.get(p, Decimal(0))} for p in paid],
        columns=["person", "pay_a", "pay_b", "change"])
    return Comparison(run_a, run_b, moves, indicators, rules, pay)
