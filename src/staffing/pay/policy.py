"""The pay section of a policy model: which pay lines are paid and which pay rules hold.

```yaml
pay:
  source: "..."
  post_class: grade            # like posts: same grade (or grade_discipline)
  lines:
    performance: {basic_share: 0.3, tier_coefficients: {...}, hardship_coefficients: [...]}
    family_doctor_subsidy: {per_resident: 120}
    ...
  rules:
    reward_share: {min_share: 0.6}
    tier_ratio: {target: 0.9}
    ...
```

Every line and rule has its parameters (validated by the rule's own model in
`staffing.pay.rules`) and a ``source``; the keys of ``lines`` and ``rules`` are
the pay catalogue's entries of each kind. ``base_pay``, ``performance`` and
``budget`` are always on (``always_on``), ``monotone_points`` unless switched
off with ``null`` (``default_on``); the rest are on when present.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from staffing.errors import InputError, Problem
from staffing.io.messages import describe
from staffing.pay.rules import PAY_CATALOGUE
from staffing.pay.rules.base import PayRule

if TYPE_CHECKING:
    from staffing.policy import Policy

_FROZEN = ConfigDict(extra="forbid", frozen=True)


def _section(kind: str, title: str, doc: str) -> type[BaseModel]:
    """A model with one field per catalogue entry of ``kind``, typed by the entry's ``Params``.

    An always-on entry must be given parameters (its defaults otherwise); a default-on entry
    may be switched off with ``null``; any other entry is off unless given.
    """
    fields: dict[str, Any] = {}
    for name, rule_type in PAY_CATALOGUE.items():
        if rule_type.kind != kind:
            continue
        if rule_type.always_on:
            fields[name] = (rule_type.Params, rule_type.Params())
        else:
            fields[name] = (rule_type.Params | None,
                            rule_type.Params() if rule_type.default_on else None)
    return create_model(title, __config__=_FROZEN, __doc__=doc, **fields)


PayLines = _section("line", "PayLines", "The pay lines paid, each with its parameters (None: not "
                    "paid).")
PayRules = _section("constraint", "PayRules", "The pay rules that hold, each with its parameters "
                    "(None: off).")


class PayPolicy(BaseModel):
    """The pay section of a policy model."""

    model_config = _FROZEN

    source: str = ""
    post_class: Literal["grade", "grade_discipline"] = "grade"
    lines: PayLines = PayLines()  # type: ignore[valid-type]
    rules: PayRules = PayRules()  # type: ignore[valid-type]

    def rule_objects(self) -> list[PayRule]:
        """The lines and rules that are on, in catalogue order."""
        out = []
        for name, rule_type in PAY_CATALOGUE.items():
            params = self.params_of(name)
            if params is not None:
                out.append(rule_type(params))
        return out

    def params_of(self, name: str) -> Any:
        """The parameters of one line or rule (None when it is off)."""
        return getattr(getattr(self, _section_of(name)), name)

    def with_rule(self, name: str, params: Any = None, **changes: Any) -> PayPolicy:
        """A copy with one line or rule set (to ``params``, or its current ones changed)."""
        section = _section_of(name)
        if params is None:
            current = self.params_of(name)
            base = current.model_dump() if current is not None else {}
            params = PAY_CATALOGUE[name].Params.model_validate({**base, **changes})
        updated = getattr(self, section).model_copy(update={name: params})
        return self.model_copy(update={section: updated})

    def without_rule(self, name: str) -> PayPolicy:
        """A copy with one line or rule off."""
        section = _section_of(name)
        updated = getattr(self, section).model_copy(update={name: None})
        return self.model_copy(update={section: updated})


def _section_of(name: str) -> str:
    """The section of the pay policy holding a catalogue entry: ``lines`` or ``rules``."""
    if name not in PAY_CATALOGUE:
        raise KeyError(f"unknown pay rule '{name}'")
    return "lines" if PAY_CATALOGUE[name].kind == "line" else "rules"


def with_ratio_target(policy: Policy, target: Any) -> Policy:
    """The policy with its grassroots / lead pay ratio target set to ``target`` (None: as is).

    The rule is switched on with its defaults when the policy does not hold it.

    Raises
    ------
    InputError
        for a target that is not a ratio above 0 and at most 5, located at ``ratio_target``.
    """
    if target is None or policy.pay is None:
        return policy
    try:
        return policy.replace(pay=policy.pay.with_rule("tier_ratio", target=target))
    except ValidationError as error:
        raise InputError([Problem("ratio_target", describe(e).message, e["type"], value=target,
                                  expected="a ratio > 0 and <= 5",
                                  message_zh=describe(e).message_zh,
                                  expected_zh="大于 0 且不大于 5 的比值")
                          for e in error.errors()]) from None
