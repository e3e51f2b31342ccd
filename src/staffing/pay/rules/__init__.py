"""The pay catalogue: one module per pay line or pay rule.

Adding one: its module here (a `PayRule` subclass), one line in
``PAY_CATALOGUE``, its test module ``tests/pay/rules/test_<name>.py`` and its
row in the table below (a test keeps the four in step). The pay section of a
policy takes its keys from the catalogue (`staffing.pay.policy`).

| rule | kind | meaning |
|---|---|---|
| base_pay | line | post wage by grade + seniority wage (pay tables), outside the funds |
| performance | line | basic per head + points x coefficients x point value, per pay class |
| rotation_allowance | line | yearly allowance for people rotated from a county post to grassroots |
| family_doctor_subsidy | line | subsidy per signed resident a year [Luohu: 120 yuan] |
| graduate_subsidy | line | total by degree paid over years [Luohu: 250k/300k/350k over 5] |
| surplus_award | line | insurance surplus earmarked for grassroots rewards [Nanxun] |
| separate_pay | line | annual salaries and separately set talent pay outside the pool |
| budget | rule | each fund pays at most its size; earmarks respected |
| reward_share | rule | reward >= a share of performance pay [Guangdong] |
| tier_ratio | rule | grassroots / lead pay >= target for like posts [Nanxun, Chongqing] |
| income_gap | rule | highest pay <= a multiple of the lowest or the mean [Chongqing] |
| monotone_points | rule | within a pay class, more points never mean less pay |
| rotation_no_loss | rule | a rotated person earns at least the home post's pay (top-up line) |
| living_floor | rule | base + basic performance >= a basic-living floor [Nanxun] |
"""

from __future__ import annotations

from staffing.pay.rules.base import PayParams, PayRule, Reach
from staffing.pay.rules.base_pay import BasePay
from staffing.pay.rules.budget import Budget
from staffing.pay.rules.family_doctor_subsidy import FamilyDoctorSubsidy
from staffing.pay.rules.graduate_subsidy import GraduateSubsidy
from staffing.pay.rules.income_gap import IncomeGap
from staffing.pay.rules.living_floor import LivingFloor
from staffing.pay.rules.monotone_points import MonotonePoints
from staffing.pay.rules.performance import Performance
from staffing.pay.rules.reward_share import RewardShare
from staffing.pay.rules.rotation_allowance import RotationAllowance
from staffing.pay.rules.rotation_no_loss import RotationNoLoss
from staffing.pay.rules.separate_pay import SeparatePay
from staffing.pay.rules.surplus_award import SurplusAward
from staffing.pay.rules.tier_ratio import TierRatio

PAY_CATALOGUE: dict[str, type[PayRule]] = {
    rule.name: rule
    for rule in (
        BasePay,
        Performance,
        RotationAllowance,
        FamilyDoctorSubsidy,
        GraduateSubsidy,
        SurplusAward,
        SeparatePay,
        Budget,
        RewardShare,
        TierRatio,
        IncomeGap,
        MonotonePoints,
        RotationNoLoss,
        LivingFloor,
    )
}
LINE_RULES = {name: rule for name, rule in PAY_CATALOGUE.items() if rule.kind == "line"}
CONSTRAINT_RULES = {name: rule for name, rule in PAY_CATALOGUE.items()
                    if rule.kind == "constraint"}

__all__ = ["CONSTRAINT_RULES", "LINE_RULES", "PAY_CATALOGUE", "PayParams", "PayRule", "Reach"]
