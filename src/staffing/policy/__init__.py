"""The policy: which rules hold, with which parameters, and the objective order.

`Policy` (`staffing.policy.policy`) composes the rule catalogue and the pay
catalogue; `load_policy` reads one from YAML with every problem located
(`staffing.policy.load`); `policy_problems` says whether an instance fits it
(`staffing.policy.fit`).
"""

from __future__ import annotations

from staffing.domain.ranking import PanelScoring
from staffing.policy.fit import policy_problems, validate
from staffing.policy.load import load_policy, parse_policy, policy_text
from staffing.policy.policy import Policy

__all__ = ["PanelScoring", "Policy", "load_policy", "parse_policy", "policy_problems",
           "policy_text", "validate"]
