"""Tests that every person's pay is explained line by line, in both languages, and re-checked."""

from __future__ import annotations

import math
import re
from decimal import Decimal, localcontext

import pytest

from staffing import distribute_pay
from staffing.pay.codes import LINES
from staffing.pay.explained import evaluate
from staffing.pay.money import Yuan
from staffing.pay.reasons import explain_plan, verify_explanations
from tests.pay.builders import build, pay_policy, person, solve
from tests.pay.test_engine import MODEL_NAMES

CHINESE = re.compile(r"[\u4e00-\u9fff]")
OPERATORS = {"zh": {"product": " × ", "difference": " − ", "sum": " + "},
             "en": {"product": " x ", "difference": " - ", "sum": " + "}}
NOTES = {"zh": ("；", "（分以下舍去）", " ≤ 0：无需补差"),
         "en": ("; ", " (rounded down to the fen)", " <= 0: nothing to top up")}


def _number(term: str) -> Decimal:
    """The number a term of a formula text ends with ("点值 1,445.25195" -> 1445.25195)."""
    return Decimal(term.rsplit(" ", 1)[-1].replace(",", ""))


def text_fen(formula: str, kind: str, lang: str) -> tuple[int, int | None]:
    """What a formula text computes, read from the text alone, and the result it states (fen).

    The numbers are the last word of each term between the language's operators; the
    arithmetic is the row's kind, rounded down to the fen; a given amount states itself.
    """
    note, rounded, nothing = NOTES[lang]
    text = formula.split(note, 1)[0].replace(rounded, "")
    if kind == "given":
        value = math.floor(_number(text) * 100)
        return value, value
    if nothing in text:
        lhs, stated = text.replace(nothing, ""), 0
    else:
        lhs, result = text.rsplit(" = ", 1)
        stated = math.floor(_number(result) * 100)
    values = [_number(term) for term in lhs.split(OPERATORS[lang][kind])]
    with localcontext() as exactly:
        exactly.prec = 200  # every product of a formula's numbers is exact
        if kind == "product":
            exact = math.prod(values, start=Decimal(1))
        elif kind == "difference":
            exact = max(Decimal(0), values[0] - values[1])
        else:
            exact = sum(values, Decimal(0))
        return math.floor(exact * 100), stated


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_every_demo_person_is_explained(demo, demo_roster, models, name) -> None:
    """Tests that each paid person of the demo has every line explained, adding up to the pay.

    Each row's numbers give its amount, the amounts are the plan's lines and add up to the
    total, each formula is written in Chinese and in English and, read from its text alone in
    either language, computes the amount it states, and the verifier finds nothing.
    """
    policy = models[name]
    plan = distribute_pay(demo, demo_roster, policy).plan
    rows = explain_plan(demo, policy, demo_roster, plan)
    assert verify_explanations(demo, policy, demo_roster, plan, rows) == []
    by_person: dict[str, list] = {}
    for row in rows:
        by_person.setdefault(row.person, []).append(row)
        assert evaluate(row) == Yuan(row.amount).fen
        assert CHINESE.search(row.formula_zh) and not CHINESE.search(row.formula_en)
        for lang, text in (("zh", row.formula_zh), ("en", row.formula_en)):
            assert text_fen(text, row.kind, lang) == (Yuan(row.amount).fen,) * 2, (lang, text)
    assert set(by_person) == {pl.person for pl in plan.lines}
    for pl in plan.lines:
        lines = {r.line: Yuan(r.amount).fen for r in by_person[pl.person] if r.line != "total"}
        assert sum(lines.values()) == Yuan(pl.total).fen
        assert all(lines.get(line.value, 0) == pl.fen(line) for line in LINES)


def test_a_reward_line_reads_as_the_formula() -> None:
    """Tests that a reward line shows points x coefficients x point value = the line, and its fund.

    Township junior with 40 points, tier 1.2, hardship class 1 (1.05): the product of the
    numbers shown, rounded down to the fen, is the reward line.
    """
    inst, roster = build([person("A", "T-J", 40), person("B", "T-J", 61.5)])
    policy = pay_policy(lines={"performance": {"tier_coefficients": {"township": 1.2},
                                               "hardship_coefficients": [1, 1.05, 1.1, 1.2]}})
    plan = solve(inst, roster, policy)
    rows = {(r.person, r.line): r for r in explain_plan(inst, policy, roster, plan)}
    reward = rows[("B", "reward")]
    value = plan.by_person["B"].point_value
    assert reward.numbers == (f"points=61.5;post_coefficient=1;tier_coefficient=1.2;"
                              f"hardship_coefficient=1.05;point_value={value.normalize()}")
    assert reward.formula_zh.startswith("绩效积分 61.5 × 岗位系数 1 × 乡镇系数 1.2 × "
                                        "艰苦边远系数（1类） 1.05 × 点值 ")
    assert reward.formula_en.endswith(f"= {plan.by_person['B'].reward:,}") or \
        "rounded down to the fen" in reward.formula_en
    assert reward.fund is not None and reward.fund.value == "performance"
    assert rows[("B", "base_post")].fund is None  # base pay: the salary budget


def test_a_wrong_explanation_is_found(demo, demo_roster, models) -> None:
    """Tests that the verifier reports a row whose numbers no longer give its amount, a row
    whose amount is not the plan's, and a missing line."""
    policy = models["nanxun-2024"]
    plan = distribute_pay(demo, demo_roster, policy).plan
    rows = explain_plan(demo, policy, demo_roster, plan)
    k = next(i for i, r in enumerate(rows) if r.line == "reward" and r.amount > 0)
    changed = rows[k]._replace(numbers=rows[k].numbers.replace("points=", "points=1"))
    off = rows[k + 1]._replace(amount=Yuan(rows[k + 1].amount + 1))
    tampered = [*rows[:k], changed, off, *rows[k + 3:]]
    problems = " | ".join(verify_explanations(demo, policy, demo_roster, plan, tampered))
    assert "the numbers give" in problems and "the plan pays" in problems
    assert "is paid but not explained" in problems
