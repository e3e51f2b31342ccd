"""separate_pay: annual salaries of heads and separately set talent pay, outside the pool.

[Guangdong, Chongqing]: heads of the community and its members may be paid an
annual salary; high-level or scarce talent may get a separately set amount
(单列). Both come from ``pay_staff`` (``separate``, ``separate_amount``) and are
paid from the ``separate`` fund, not the performance-pay total. An annual
salary is the person's whole pay; talent also gets base pay and any subsidy.
Neither takes part in the pool's ratio, gap or points rules. Under a policy
without this line, people listed in ``pay_staff`` with a separate kind are
paid from the pool like everyone else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from staffing.pay.codes import Fund, Line, SeparateKind
from staffing.pay.explained import Kind, Term, amount_term
from staffing.pay.money import Yuan
from staffing.pay.rules.base import FixedLine, FundParams

if TYPE_CHECKING:
    from staffing.pay.data import PayData


class SeparatePayParams(FundParams):
    fund: Fund = Fund.SEPARATE


class SeparatePay(FixedLine[SeparatePayParams]):
    name = "separate_pay"
    label_zh = "年薪制与人才单列"
    label_en = "annual salaries and separately set talent pay"
    description = "annual salaries and talent pay set per person, paid outside the pool"
    Params = SeparatePayParams
    pays_separately = True
    line = Line.SEPARATE
    paid_as = "annual salaries and talent pay"

    def amounts(self, data: PayData) -> np.ndarray:
        out = np.zeros(data.n, dtype=np.int64)
        for i, pid in enumerate(data.people):
            row = data.person_rows.get(pid)
            if row is not None and row.separate is not SeparateKind.NONE:
                out[i] = Yuan(row.separate_amount).fen
        return out

    def terms(self, data: PayData, i: int, fen: int) -> tuple[Kind, list[Term], str, str]:
        kind = data.kind[i]
        return "given", [amount_term("separate", f"{kind.zh}（单列，不占绩效总量）",
                                     f"{kind.value.replace('_', ' ')} (set apart from the pool)",
                                     fen)], "", ""
