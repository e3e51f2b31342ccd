"""Tests that the pay checker works from the inputs and the lines alone, exactly to the fen."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from staffing import check, distribute_pay
from staffing.pay.check import check_plan
from staffing.pay.codes import LINES, Line
from staffing.pay.data import PayData
from staffing.pay.io import read_pay_plan, write_pay
from staffing.pay.money import Yuan
from staffing.pay.plan import PayLine, PayPlan
from tests.pay.builders import build, checked, of_rule, pay_policy, person, solve
from tests.pay.test_engine import MODEL_NAMES


def case():
    people = [person("A", "T-J", 40), person("B", "T-J", 60), person("C", "H-J", 80)]
    inst, roster = build(people)
    policy = pay_policy(rules={"tier_ratio": {"target": 0.8}})
    return inst, roster, policy, solve(inst, roster, policy)


def test_plan_from_lines_only_checks_the_same() -> None:
    """Tests that a plan stripped of schedule, figures and manifest passes on its lines alone."""
    inst, roster, policy, plan = case()
    bare = plan.model_copy(update={"schedule": [], "figures": {}, "manifest": {}})
    assert checked(inst, policy, roster, bare) == []


def test_structure_problems() -> None:
    """Tests that pay_lines reports a placed person without a line and a wrong total."""
    inst, roster, policy, plan = case()
    a = plan.by_person["A"]
    wrong_total = a.model_copy(update={"total": Yuan(a.total + 1)})
    tampered = plan.model_copy(update={"lines": [wrong_total, plan.by_person["C"]]})
    found = of_rule(checked(inst, policy, roster, tampered), "pay_lines")
    messages = " ".join(v.message for v in found)
    assert "B holds post T-J but has no pay line" in messages
    assert "not the sum of the lines" in messages


def test_staffing_check_includes_pay() -> None:
    """Tests that the checker recomputes the pay rules with the roster's rules."""
    inst, roster, policy, plan = case()
    report = check(inst, policy, roster, plan)
    assert report.pay_violations == [] and report.pay_figures["tier_ratio"] >= 0.8
    assert report.ok


# ------------------------------------------------------------------------------ mutations


def _shift(line: PayLine, changes: dict[Line, int]) -> PayLine:
    """A pay line with some lines moved by whole fen and its total kept the sum of its lines."""
    update: dict[str, Any] = {ln.value: Yuan.of_fen(line.fen(ln) + fen)
                              for ln, fen in changes.items()}
    update["total"] = Yuan.of_fen(Yuan(line.total).fen + sum(changes.values()))
    return line.model_copy(update=update)


def _with_lines(plan: PayPlan, changed: dict[str, PayLine]) -> PayPlan:
    return plan.model_copy(update={"lines": [changed.get(pl.person, pl) for pl in plan.lines]})


def _with_fund(plan: PayPlan, fund: str, **fen: int) -> PayPlan:
    rows = [f.model_copy(update={k: Yuan.of_fen(Yuan(getattr(f, k)).fen + v)
                                 for k, v in fen.items()}) if f.fund.value == fund else f
            for f in plan.funds]
    return plan.model_copy(update={"funds": rows})


def mutations(plan: PayPlan, seed: int) -> list[tuple[str, PayPlan]]:
    """One fen moved between two lines, two people and two funds; each fund's budget changed.

    Every line type the plan pays gives a fen to another line of a random person who has
    it, and every line type receives one; every paid line type moves a fen between two
    random people, and between two people of the same pay class; every fund gives a fen of
    its paid total to another fund; every fund's budget (with its left-over) grows by a fen.
    """
    rng = np.random.default_rng(seed)

    def pick(items: list[Any]) -> Any:
        return items[int(rng.integers(len(items)))]

    out = []
    paid = {line: [pl for pl in plan.lines if pl.fen(line) > 0] for line in LINES}
    used = [line for line in LINES if paid[line]]
    sources = [used[k % len(used)] for k in rng.permutation(max(len(used), len(LINES)))]
    targets = [LINES[k % len(LINES)] for k in rng.permutation(len(sources))]
    for src, target in zip(sources, targets):
        # a line to itself moves nothing: to the next line instead
        dst = target if target is not src else LINES[(LINES.index(target) + 1) % len(LINES)]
        pl = pick(paid[src])
        out.append((f"{pl.person}: {src.value} -> {dst.value}",
                    _with_lines(plan, {pl.person: _shift(pl, {src: -1, dst: 1})})))
    for line in used:
        a = pick(paid[line])
        b = pick([pl for pl in plan.lines if pl.person != a.person])
        out.append((f"{line.value}: {a.person} -> {b.person}",
                    _with_lines(plan, {a.person: _shift(a, {line: -1}),
                                       b.person: _shift(b, {line: 1})})))
        mates = [pl for pl in paid[line] if pl.pay_class == a.pay_class and pl is not a]
        if a.pay_class and mates:  # the same pay class: no point value fits both
            c = pick(mates)
            out.append((f"{line.value} within {a.pay_class}: {a.person} -> {c.person}",
                        _with_lines(plan, {a.person: _shift(a, {line: -1}),
                                           c.person: _shift(c, {line: 1})})))
    funds = [f.fund.value for f in plan.funds]
    for k, give in enumerate(funds):
        take = funds[(k + 1) % len(funds)]
        moved = _with_fund(_with_fund(plan, give, paid=-1, left_over=1), take, paid=1,
                           left_over=-1)
        out.append((f"funds: {give} -> {take}", moved))
        out.append((f"budget of {give} + 1 fen", _with_fund(plan, give, budget=1, left_over=1)))
    return out


@pytest.fixture(scope="module")
def written(demo, demo_roster, models, tmp_path_factory) -> dict[str, Path]:
    """The demo's plan under each policy model, written to a folder of its own."""
    out = {}
    for name in MODEL_NAMES:
        folder = out[name] = tmp_path_factory.mktemp(name)
        policy = models[name]
        write_pay(folder, distribute_pay(demo, demo_roster, policy).plan, demo, demo_roster, policy)
    return out


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_every_fen_moved_is_caught(demo, demo_roster, models, name, written) -> None:
    """Tests that a plan read back from its folder passes, and every mutation of it is caught.

    Mutations: a fen between two lines of a person, between two people, between two funds,
    and a fund's budget changed (see `mutations`); over the demo under each policy model.
    """
    policy = models[name]
    plan = read_pay_plan(written[name], demo)
    data = PayData.build(demo, demo_roster, policy)
    assert check_plan(data, policy, plan)[0] == []
    missed = [what for what, mutated in mutations(plan, seed=len(name))
              if not [v for v in check_plan(data, policy, mutated)[0] if v.hard]]
    assert missed == []


def test_changed_funds_csv_is_caught(demo, demo_roster, models, written, tmp_path) -> None:
    """Tests that raising a fund's budget and left-over by 1,000 yuan in funds.csv is caught."""
    policy = models["chongqing-2024"]
    shutil.copytree(written["chongqing-2024"], tmp_path, dirs_exist_ok=True)
    assert checked(demo, policy, demo_roster, read_pay_plan(tmp_path / "pay.csv", demo)) == []
    funds = tmp_path / "funds.csv"
    rows = funds.read_text(encoding="utf-8").splitlines()
    fund, budget, paid, left = rows[1].split(",")
    raised = [fund, str(Yuan(budget) + 1000), paid, str(Yuan(left) + 1000)]
    funds.write_text("\n".join([rows[0], ",".join(raised), *rows[2:]]) + "\n", encoding="utf-8")
    found = of_rule(checked(demo, policy, demo_roster, read_pay_plan(tmp_path / "pay.csv", demo)),
                    "budget")
    assert found and "the plan reports budget" in found[0].message


def test_judged_as_made(demo, demo_roster, models, tmp_path) -> None:
    """Tests that a plan made with a budget override and a ratio target is checked with both.

    Read back from its folder, it passes against the instance as it is (the manifest carries
    the override and the target); a manifest target the plan does not meet fails it.
    """
    policy = models["nanxun-2024"]
    size = Yuan(demo.extras["pay_funds"][0].amount)
    plan = distribute_pay(demo, demo_roster, policy, budget=size + 500_000, ratio_target=1.05).plan
    assert plan.manifest["parameters"]["ratio_target"] == 1.05
    write_pay(tmp_path, plan, demo, demo_roster, policy)
    back = read_pay_plan(tmp_path, demo)
    assert checked(demo, policy, demo_roster, back) == []
    assert of_rule(checked(demo, policy, demo_roster, back, ratio_target=1.3), "tier_ratio")
    bare = back.model_copy(update={"manifest": {}, "budget_override": {}})
    assert of_rule(checked(demo, policy, demo_roster, bare), "budget")
