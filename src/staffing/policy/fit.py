"""Whether an instance fits a policy: choice lists, each rule's own checks, the pay inputs."""

from __future__ import annotations

from collections import defaultdict

from staffing.domain.instance import Instance, cell_at
from staffing.errors import Problem
from staffing.pay.data import policy_input_problems
from staffing.policy.policy import Policy
from staffing.validation import structural_problems


def policy_problems(instance: Instance, policy: Policy) -> list[Problem]:
    """Problems of an instance under a policy: choice-list length, every rule's own checks and
    the pay inputs its pay section needs."""
    problems = []
    order: dict[str, list[int]] = defaultdict(list)
    for index, choice in enumerate(instance.choices):
        order[choice.person].append(index)
    for person, indices in order.items():
        if len(indices) <= policy.max_choices:
            continue
        by_rank = sorted(indices, key=lambda i: instance.choices[i].rank)
        for index in by_rank[policy.max_choices:]:
            problems.append(
                Problem(message=f"{person} lists {len(indices)} choices; the policy allows "
                        f"{policy.max_choices}", kind="too_many_choices",
                        value=instance.choices[index].rank,
                        expected=f"at most {policy.max_choices} choices per person",
                        message_zh=f"{person} 填写了 {len(indices)} 个志愿，政策最多允许 "
                        f"{policy.max_choices} 个",
                        expected_zh=f"每人最多 {policy.max_choices} 个志愿",
                        **cell_at(instance, "choices", index, "rank"))
            )
    for rule in policy.rule_objects():
        problems.extend(rule.validate_instance(instance))
    problems.extend(policy_input_problems(instance, policy))
    return problems


def validate(instance: Instance, policy: Policy | None = None) -> list[Problem]:
    """All problems of an already loaded instance (structural, then policy)."""
    problems = structural_problems(instance)
    if not any(p.severity == "error" for p in problems):
        problems.extend(policy_problems(instance, policy or Policy.default()))
    return problems
