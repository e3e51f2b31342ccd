"""budget: each fund pays at most its size, and earmarked lines only from their fund.

The performance-pay total pays basic and reward performance (and, by default,
the grassroots allowance); the insurance surplus pays only the grassroots
surplus award; each subsidy fund pays only its subsidy [Guangdong: the total
is approved; Nanxun: the surplus is earmarked]. Paid + left over == the fund's
size, to the fen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from staffing.pay.codes import Fund, Line
from staffing.pay.money import fen_display
from staffing.pay.rules.base import PayParams, PayRule

if TYPE_CHECKING:
    from staffing.domain.violation import Violation
    from staffing.pay.model import PayModel
    from staffing.pay.view import PayView


class BudgetParams(PayParams):
    pass


def _paid(view: PayView, fund: Fund) -> int:
    """What the plan's lines charged to ``fund`` add up to, in fen."""
    return sum(int(view.amount(line).sum()) for line in view.data.lines_of(fund))


class Budget(PayRule[BudgetParams]):
    name = "budget"
    label_zh = "资金总额与专款专用"
    label_en = "budget and earmarks"
    description = "each fund pays at most its size; earmarked funds pay only their own lines"
    Params = BudgetParams
    is_budget = True
    always_on = True

    def emit(self, model: PayModel) -> None:
        data = model.data
        basic, reward = model.performance_terms()
        variable = {Line.BASIC: basic, Line.REWARD: reward, Line.SURPLUS: model.surplus_terms(),
                    Line.TOP_UP: model.top_up_terms()}
        for fund in data.funds_in_use():
            terms: dict[Any, float] = {}
            fixed = 0
            for line in data.lines_of(fund):
                if line in data.fixed:
                    fixed += int(data.fixed[line].sum())
                elif line in variable and (line is not Line.SURPLUS or data.surplus_on):
                    terms.update(variable[line])
            size = data.funds.get(fund, 0)
            model.add(self, fund.value, (fixed / 100, terms), "<=", size / 100, fund=fund,
                      detail=f"fund {fund.value} ({fund.zh}) pays at most its "
                      f"{fen_display(size)} yuan (fixed lines take {fen_display(fixed)})")

    def check(self, view: PayView) -> list[Violation]:
        data = view.data
        out = []
        for fund in data.funds_in_use():
            size = data.funds.get(fund, 0)
            paid = _paid(view, fund)
            if paid > size:
                out.append(self.violation(
                    f"fund {fund.value} ({fund.zh}) pays {fen_display(paid)} yuan, above its "
                    f"{fen_display(size)}", amount=paid - size,
                    numbers={"fund": fund.value, "paid_fen": paid, "size_fen": size}))
            recorded = view.plan_funds.get(fund)
            if recorded is None and view.plan_funds:
                out.append(self.violation(
                    f"fund {fund.value} ({fund.zh}) holds {fen_display(size)} and pays "
                    f"{fen_display(paid)} but the plan's fund use has no row for it",
                    numbers={"fund": fund.value}))
            if recorded is not None:
                r_size, r_paid, r_left = recorded
                if (r_paid, r_left) != (paid, size - paid) or r_size != size:
                    out.append(self.violation(
                        f"fund {fund.value}: the plan reports budget {fen_display(r_size)}, paid "
                        f"{fen_display(r_paid)}, left {fen_display(r_left)}; its lines add up "
                        f"to {fen_display(paid)} of {fen_display(size)}",
                        numbers={"fund": fund.value}))
        for fund in sorted(set(view.plan_funds) - set(data.funds_in_use())):
            out.append(self.violation(
                f"the plan's fund use lists fund {fund.value} ({fund.zh}), which neither has a "
                "size nor pays a line", numbers={"fund": fund.value}))
        # base pay is paid from the salary budget, outside every fund
        unfunded = [line for line in view.lines_paid() if line not in data.line_fund
                    and line not in (Line.BASE_POST, Line.BASE_SENIORITY)]
        for line in unfunded:
            total = int(view.amount(line).sum())
            out.append(self.violation(
                f"line {line.value} ({line.zh}) pays {fen_display(total)} yuan but the policy "
                "does not pay it from any fund", amount=total))
        return out

    def figures(self, view: PayView) -> dict[str, Any]:
        data = view.data
        rows = {}
        for fund in data.funds_in_use():
            size = data.funds.get(fund, 0)
            paid = _paid(view, fund)
            rows[fund.value] = {"budget": fen_display(size), "paid": fen_display(paid),
                                "left_over": fen_display(size - paid)}
        return {"funds": rows}
