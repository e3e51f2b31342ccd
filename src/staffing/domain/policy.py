"""A policy model: which rules hold, with which parameters, and the objective order.

Policies live as YAML in ``models/`` (one file per jurisdiction) and are read
by `staffing.io.policy_yaml.load_policy`. Rule parameters are validated by each
rule's own ``Params`` model from the catalogue in `staffing.rules`.
"""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from staffing.pay.policy import PayPolicy

if TYPE_CHECKING:
    from staffing.rules.base import Rule


class Stage(StrEnum):
    """Objective stages, solved lexicographically in the order a policy gives."""

    CONTINUITY = "continuity"          # moves of people who did not apply (forced by hard rules)
    SOFT_FLOORS = "soft_floors"        # shortfall summed over soft rules
    BLOCKING_PAIRS = "blocking_pairs"  # pairs that block the two-way selection
    RANK_PROFILE = "rank_profile"      # most first choices, then most second choices, ...
    UNPLACED = "unplaced"              # incumbents left without a post
    PANEL_QUALITY = "panel_quality"    # sum of panel ranks of people placed at a choice
    MOVES = "moves"                    # incumbents not at their current post


DEFAULT_OBJECTIVE = [
    Stage.CONTINUITY,
    Stage.SOFT_FLOORS,
    Stage.BLOCKING_PAIRS,
    Stage.RANK_PROFILE,
    Stage.UNPLACED,
    Stage.PANEL_QUALITY,
    Stage.MOVES,
]


class PanelScoring(BaseModel):
    """Score that ranks the applicants of a post whose panel gave no explicit ranking.

    score = title level x title + points x points + months x grassroots months
    + education level x education; higher is better, equal scores tie.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: float = Field(10.0, ge=0)
    points: float = Field(1.0, ge=0)
    grassroots_months: float = Field(0.1, ge=0)
    education: float = Field(2.0, ge=0)


class Policy(BaseModel):
    """One jurisdiction's rule set, as data."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    name: str
    jurisdiction: str = ""
    year: int = Field(2024, ge=1990, le=2100)
    source: str = ""
    max_choices: int = Field(5, ge=1, le=30, description="longest choice list a person may give")
    panel_scoring: PanelScoring = PanelScoring()
    rules: dict[str, Any] = Field(default_factory=dict)
    objective: list[Stage] = Field(default_factory=lambda: list(DEFAULT_OBJECTIVE))
    pay: PayPolicy | None = None
    _rules_by_name: dict[str, Rule] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any) -> None:
        from staffing.rules import CATALOGUE

        self._rules_by_name = {name: CATALOGUE[name](params) for name, params in self.rules.items()}

    @field_validator("rules", mode="before")
    @classmethod
    def _parse_rules(cls, raw: Any) -> dict[str, Any]:
        from staffing.rules import CATALOGUE

        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise ValueError(  # noqa: TRY004  (pydantic wants ValueError)
                "rules must be a mapping of rule name to parameters")
        parsed: dict[str, Any] = {}
        for name, params in raw.items():
            if name not in CATALOGUE:
                raise ValueError(f"unknown rule '{name}'; known rules: {', '.join(CATALOGUE)}")
            rule_type = CATALOGUE[name]
            parsed[name] = (
                params
                if isinstance(params, rule_type.Params)
                else rule_type.Params.model_validate(params or {})
            )
        for name, rule_type in CATALOGUE.items():
            if rule_type.always_on and name not in parsed:
                parsed[name] = rule_type.Params()
        return {name: parsed[name] for name in CATALOGUE if name in parsed}

    @field_validator("objective")
    @classmethod
    def _objective_unique(cls, stages: list[Stage]) -> list[Stage]:
        if len(set(stages)) != len(stages):
            raise ValueError("each objective stage may appear once")
        return stages

    def rule_objects(self) -> list[Rule]:
        """The enabled rules, in catalogue order."""
        return list(self._rules_by_name.values())

    def rule(self, name: str) -> Rule | None:
        return self._rules_by_name.get(name)

    def has(self, name: str) -> bool:
        return name in self.rules

    def hash(self) -> str:
        """A stable hash of the policy's content."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()

    def replace(self, **fields: Any) -> Policy:
        """A validated copy with some top-level fields replaced."""
        data = {name: getattr(self, name) for name in type(self).model_fields}
        data.update(fields)
        return type(self).model_validate(data)

    def with_rule(self, name: str, **changes: Any) -> Policy:
        """A copy with one rule's parameters changed (or the rule added)."""
        from staffing.rules import CATALOGUE

        current = self.rules.get(name) or CATALOGUE[name].Params()
        params = CATALOGUE[name].Params.model_validate({**current.model_dump(), **changes})
        return self.replace(rules={**self.rules, name: params})

    def without_rule(self, name: str) -> Policy:
        return self.replace(rules={k: v for k, v in self.rules.items() if k != name})

    @classmethod
    def default(cls) -> Policy:
        """Every rule of the catalogue with its default parameters."""
        from staffing.rules import CATALOGUE

        return cls(name="default", rules={name: {} for name in CATALOGUE})
