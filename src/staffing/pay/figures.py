"""Figures of a pay plan: totals per institution and tier, Gini coefficient, deviation.

All computed from integer fen; shown as yuan text or rounded ratios.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from staffing.pay.codes import LINES, Line
from staffing.pay.money import fen_text
from staffing.pay.rules import PAY_CATALOGUE
from staffing.pay.view import PayView


def gini(values: np.ndarray) -> float | None:
    """Gini coefficient of non-negative amounts (0: all equal; 1: one person has all)."""
    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    if n == 0 or x.sum() <= 0:
        return None
    ranks = np.arange(1, n + 1)
    return float((2 * np.sum(ranks * x)) / (n * x.sum()) - (n + 1) / n)


def totals(view: PayView, by: str) -> list[dict[str, Any]]:
    """Rows of totals per institution (``by='institution'``) or per tier, every line in yuan."""
    data = view.data
    insts = data.instance.institution_by_id
    keys: list[str] = []
    for inst in data.institution:
        if by == "institution":
            keys.append(inst or "")
        else:
            keys.append(insts[inst].tier.value if inst else "")
    order = ([i.id for i in data.instance.institutions] if by == "institution"
             else ["county", "township", "village"]) + [""]
    comparable = view.comparable()
    total = view.total()
    out = []
    for key in order:
        members = np.array([k == key for k in keys], dtype=bool).reshape(data.n)
        if not members.any():
            continue
        row: dict[str, Any] = {by: key or "(no post)"}
        if by == "institution":
            row["name"] = insts[key].name if key in insts else ""
            row["tier"] = insts[key].tier.value if key in insts else ""
        row["people"] = int(members.sum())
        for line in LINES:
            row[line.value] = fen_text(int(view.amount(line)[members].sum()))
        row["total"] = fen_text(int(total[members].sum()))
        pool = members & data.pool
        row["pool_people"] = int(pool.sum())
        row["average_comparable_pay"] = (
            fen_text(round(comparable[pool].mean())) if pool.any() else "")
        out.append(row)
    return out


def general(view: PayView) -> dict[str, Any]:
    """Every figure of a plan (what figures.json holds): people, totals, Gini, the deviation
    from the plain points formula and each rule's figures."""
    data = view.data
    comparable = view.comparable()
    out: dict[str, Any] = {
        "people_paid": data.n,
        "people_in_pool": int(data.pool.sum()),
        "people_unpaid": len(data.unplaced),
        "pay_classes": len(data.classes),
        "total_pay": fen_text(int(view.total().sum())),
    }
    g = gini(comparable[data.pool])
    out["gini"] = None if g is None else round(g, 4)
    g_all = gini(view.total())
    out["gini_total_pay"] = None if g_all is None else round(g_all, 4)
    if data.pool.any():
        formula = np.round(data.formula_performance() * 100)
        perf = sum(view.amount(line) for line in (Line.BASIC, Line.REWARD, Line.SURPLUS))
        deviation = np.abs(perf - formula)[data.pool]
        out["deviation_from_formula"] = fen_text(int(deviation.sum()))
        out["largest_personal_deviation"] = fen_text(int(deviation.max()))
        pay = comparable[data.pool]
        out["comparable_pay_mean"] = fen_text(round(pay.mean()))
        out["comparable_pay_min"] = fen_text(int(pay.min()))
        out["comparable_pay_max"] = fen_text(int(pay.max()))
    # each rule's figures; the ratio, share and gap figures also when the policy has no such rule
    held = {type(rule): rule for rule in data.rules()}
    for rule_type in PAY_CATALOGUE.values():
        rule = held.get(rule_type)
        out.update(rule.figures(view) if rule is not None else rule_type.figures_when_off(view))
    return out

