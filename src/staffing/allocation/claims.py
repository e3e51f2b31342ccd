"""What a reason claims, and the re-check that tests each claim against the roster and inputs.

A reason is only as good as its claims. Each `Claim` is one statement of fact
that can be tested from the instance, the policy and the roster alone:

| claim | holds when |
|---|---|
| ``holds`` | the person holds that post (or none) on the roster |
| ``choice`` | that post is the person's choice of that rank |
| ``did_not_apply`` | the person made no choice |
| ``forbids`` | the named hard rule forbids the person at the post outright |
| ``full`` | the post's places are all held |
| ``ranked_ahead`` | every holder ranks ahead of or level with the person, at the ranks given |
| ``move_breaks`` | the roster after the move breaks the named hard rules, which it did not before |
| ``move_worsens`` | no new hard rule breaks, every earlier stage is unchanged, and the named |
| | stage goes from ``before`` to ``after``, which is worse |
| ``move_improves`` | as ``move_worsens``, but better (a roster not proven optimal) |
| ``move_ties`` | after the move no new hard rule breaks and every stage is unchanged |

A move claim names the move: the person, the post (None: no post), the pool charged, and the
holder who would leave the post (None: a free place is used). The re-check tests the move
itself: the post has a free place, or the named holder holds it and ranks below the person
(the lowest-ranked holder). `verify_claims` applies the move and recomputes every rule and
stage with the independent checker; it never re-derives the explainer's wording.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from staffing.check import check_roster
from staffing.domain.instance import Instance
from staffing.domain.objective import Stage
from staffing.domain.ranking import PanelRanks
from staffing.domain.roster import Assignment, Roster
from staffing.objectives import stage_values
from staffing.policy import Policy
from staffing.rules.base import Placement, Violation
from staffing.stages import STAGES

MOVE_CLAIMS = ("move_breaks", "move_worsens", "move_improves", "move_ties")


@dataclass(frozen=True, eq=True)
class Claim:
    """One testable statement of a reason: a kind and its facts (ids, numbers)."""

    kind: str
    facts: dict[str, Any] = field(default_factory=dict, hash=False)

    def __getitem__(self, key: str) -> Any:
        return self.facts[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.facts.get(key, default)


def moved_roster(instance: Instance, roster: Roster, person: str, post: str | None,
                 pool: Any, displaced: str | None) -> Roster:
    """The roster with ``person`` at ``post`` charged to ``pool``, ``displaced`` left without a
    post (a recruit also loses the pool); tours of the people moved are dropped."""
    out = []
    for a in roster.assignments:
        if a.person == person:
            out.append(Assignment(person=person, post=post, pool=pool))
        elif a.person == displaced:
            recruit = instance.person_by_id[displaced].new_recruit
            out.append(Assignment(person=displaced, post=None, pool=None if recruit else a.pool))
        else:
            out.append(a)
    return Roster(assignments=out)


def violation_key(v: Violation) -> tuple[str, str]:
    return (v.rule, v.message)


def worse(stage: str, before: Any, after: Any) -> bool:
    """Whether ``after`` is worse than ``before`` on a stage, as the stage judges it."""
    return STAGES[Stage(stage)].worse(before, after)


class Baseline:
    """One roster under one policy as the checker sees it: violations, stage values, ranks
    (each computed when first needed)."""

    def __init__(self, instance: Instance, policy: Policy, roster: Roster):
        self.instance = instance
        self.policy = policy
        self.roster = roster
        self.ranks = PanelRanks.of(instance, policy)

    @cached_property
    def placement(self) -> Placement:
        return Placement(self.instance, self.policy, self.roster)

    @cached_property
    def violations(self) -> list[Violation]:
        return check_roster(self.instance, self.policy, self.roster, self.placement)

    @cached_property
    def hard_keys(self) -> set[tuple[str, str]]:
        return {violation_key(v) for v in self.violations if v.hard}

    @cached_property
    def soft_keys(self) -> set[tuple[str, str]]:
        return {violation_key(v) for v in self.violations if not v.hard}

    @cached_property
    def stages(self) -> dict[str, Any]:
        return stage_values(self.instance, self.policy, self.roster, self.violations,
                            self.placement)


class ClaimCheck(Baseline):
    """Tests claims against one roster under one policy (what all claims share, computed once)."""

    def failure(self, claim: Claim) -> str | None:
        """Why a claim is false, or None when it holds."""
        test = getattr(self, f"_{claim.kind}", None)
        if test is None:
            return f"unknown claim '{claim.kind}'"
        result: str | None = test(claim)
        return result

    # -- facts of the roster -----------------------------------------------------------------

    def _holds(self, c: Claim) -> str | None:
        got = self.roster.post_of(c["person"])
        return None if got == c["post"] else f"{c['person']} holds {got}, not {c['post']}"

    def _choice(self, c: Claim) -> str | None:
        choices = self.instance.choices_of.get(c["person"], [])
        rank = c["rank"]
        if 1 <= rank <= len(choices) and choices[rank - 1] == c["post"]:
            return None
        return f"{c['post']} is not choice {rank} of {c['person']}"

    def _did_not_apply(self, c: Claim) -> str | None:
        return None if not self.instance.choices_of.get(c["person"]) else \
            f"{c['person']} applied"

    def _forbids(self, c: Claim) -> str | None:
        rule = self.policy.rule(c["rule"])
        if rule is None or not rule.hard:
            return f"{c['rule']} is not a hard rule of the policy"
        if rule.forbid_reason(self.instance, c["person"], c["post"]) is None:
            return f"{c['rule']} does not forbid {c['person']} at {c['post']}"
        return None

    def _full(self, c: Claim) -> str | None:
        places = self.instance.post_by_id[c["post"]].places
        held = len(self.roster.holders.get(c["post"], []))
        if places != c["places"]:
            return f"{c['post']} has {places} places, not {c['places']}"
        return None if held >= places else f"{c['post']} holds {held} of {places}: not full"

    def _ranked_ahead(self, c: Claim) -> str | None:
        post, person = c["post"], c["person"]
        mine = self.ranks.rank(post, person)
        if mine != c["your_rank"]:
            return f"{person} ranks {mine} at {post}, not {c['your_rank']}"
        holders = sorted(q for q in self.roster.holders.get(post, []) if q != person)
        claimed = dict(c["holders"])
        if sorted(claimed) != holders:
            return f"the holders of {post} are {holders}, not {sorted(claimed)}"
        for q in holders:
            rank = self.ranks.rank(post, q)
            if rank != claimed[q]:
                return f"{q} ranks {rank} at {post}, not {claimed[q]}"
            if rank > mine:
                return f"{q} ranks below {person} at {post}"
        return None

    # -- moves ---------------------------------------------------------------------------

    def _move_failure(self, c: Claim) -> str | None:
        """Whether the move is the one described: a free place, or the lowest-ranked holder,
        ranked below the person, leaves."""
        person, post, displaced = c["person"], c["post"], c["displaced"]
        if post is None:
            return f"{displaced} cannot leave no post" if displaced else None
        holders = [q for q in self.roster.holders.get(post, []) if q != person]
        places = self.instance.post_by_id[post].places
        if displaced is None:
            return None if len(holders) < places else f"{post} has no free place"
        if displaced not in holders:
            return f"{displaced} does not hold {post}"
        if len(holders) < places:
            return f"{post} has a free place: nobody need leave it"
        lowest = max(self.ranks.rank(post, q) for q in holders)
        rank = self.ranks.rank(post, displaced)
        if rank != lowest:
            return f"{displaced} is not the lowest-ranked holder of {post}"
        if rank <= self.ranks.rank(post, person):
            return f"{displaced} ranks ahead of or level with {person} at {post}"
        return None

    def _after(self, c: Claim) -> tuple[set[tuple[str, str]], set[str], dict[str, Any]]:
        moved = moved_roster(self.instance, self.roster, c["person"], c["post"], c["pool"],
                             c["displaced"])
        placement = Placement(self.instance, self.policy, moved)
        violations = check_roster(self.instance, self.policy, moved, placement,
                                  references_checked=True)
        new_hard = {violation_key(v) for v in violations if v.hard} - self.hard_keys
        rules = {rule for rule, _ in new_hard}
        return new_hard, rules, stage_values(self.instance, self.policy, moved, violations,
                                             placement)

    def _move_breaks(self, c: Claim) -> str | None:
        found = self._move_failure(c)
        if found:
            return found
        _, rules, _ = self._after(c)
        claimed = set(c["rules"])
        if not claimed or not claimed <= rules:
            return f"the move breaks {sorted(rules)}, not {sorted(claimed)}"
        return None

    def _stage_change(self, c: Claim, want: str) -> str | None:
        found = self._move_failure(c)
        if found:
            return found
        _, rules, after = self._after(c)
        if rules:
            return f"the move breaks hard rules {sorted(rules)}"
        for stage in self.policy.objective:
            name = stage.value
            before_value, after_value = self.stages[name], after[name]
            if before_value == after_value:
                continue
            if want == "ties":
                return f"the move changes {name} from {before_value} to {after_value}"
            if name != c["stage"]:
                return f"the first stage the move changes is {name}, not {c['stage']}"
            if [before_value, after_value] != [c["before"], c["after"]]:
                return (f"{name} goes from {before_value} to {after_value}, not from "
                        f"{c['before']} to {c['after']}")
            is_worse = worse(name, before_value, after_value)
            if is_worse != (want == "worse"):
                return f"{name} gets {'worse' if is_worse else 'better'}"
            return None
        return None if want == "ties" else "the move changes no stage"

    def _move_worsens(self, c: Claim) -> str | None:
        return self._stage_change(c, "worse")

    def _move_improves(self, c: Claim) -> str | None:
        return self._stage_change(c, "better")

    def _move_ties(self, c: Claim) -> str | None:
        return self._stage_change(c, "ties")


# Which claims each reason code must carry (at least one of each group).
REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "choice": (("holds",), ("choice",)),
    "kept": (("holds",),),
    "directed": (("holds",), (*MOVE_CLAIMS, "full", "forbids")),
    "no_post": (("holds",),),
    "rule_forbids": (("choice",), ("forbids",)),
    "filled_by_higher_ranked": (("choice",), ("full",), ("ranked_ahead",)),
    "rule_required": (("choice",), ("move_breaks",)),
    "worse_objective": (("choice",), ("move_worsens",)),
    "not_proven": (("choice",), ("move_improves",)),
    "equally_good": (("choice",), ("move_ties",)),
}


def reason_failures(check: ClaimCheck, reason: Any) -> list[str]:
    """Every way one reason is false: a claim that does not hold, or a claim its code needs
    that it does not make. Reasons given without detail (``detailed`` false) are checked on
    what they do claim."""
    kinds = {c.kind for c in reason.claims}
    out = []
    if reason.detailed:
        groups = REQUIRED.get(reason.code, ())
        current = check.instance.person_by_id[reason.person].current_post
        if reason.code == "no_post" and current is not None:
            groups = (*groups, (*MOVE_CLAIMS, "full", "forbids"))
        for group in groups:
            if not kinds & set(group):
                out.append(f"a '{reason.code}' reason must claim one of {', '.join(group)}")
    for claim in reason.claims:
        found = check.failure(claim)
        if found:
            out.append(found)
    return out
