"""A reason for every person's outcome, each checkable against the roster and the inputs.

For each choice a person ranked above what they got, one of:

- ``rule_forbids``: a hard rule forbids the person at that post outright
  (rotation before promotion, the tiers open to city-dispatched staff, ...).
- ``filled_by_higher_ranked``: the post is full and its panel ranked every
  holder at least as high as the person (how many, the lowest rank admitted).
- ``rule_required``: the post had room for the person (a free place, or a
  holder ranked lower), but giving it to them, displacing that holder, breaks
  a named hard rule (the rule's own message says how).
- ``worse_objective``: the move breaks no hard rule but makes an earlier
  objective stage worse (named, with both values).
- ``equally_good``: the move is exactly as good on every stage; the solver's
  choice between equal rosters decided.

and one outcome line: a choice won, the current post kept, a post the
organisation directed the person to (with the rule or stage that needed it),
or no post. `verify` recomputes any reason from scratch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from staffing.check import check_roster
from staffing.domain.instance import Instance
from staffing.domain.policy import Policy
from staffing.domain.ranking import TENURE, PanelRanks
from staffing.domain.roster import Assignment, Roster
from staffing.objectives import stage_values
from staffing.rules import forbid_reasons
from staffing.rules.base import Placement

BLOCKING_CODES = ("rule_required", "worse_objective", "equally_good", "not_proven")


@dataclass(frozen=True)
class Reason:
    """One line of one person's explanation."""

    person: str
    kind: str             # outcome | not_given
    code: str
    post: str | None      # the post concerned
    choice_rank: int | None = None
    rules: tuple[str, ...] = ()
    numbers: dict[str, Any] = field(default_factory=dict)
    text: str = ""

    @property
    def blocking(self) -> bool:
        """A choice not given although its post had room for the person: a blocking pair."""
        return self.kind == "not_given" and self.code in BLOCKING_CODES

    def to_dict(self) -> dict[str, Any]:
        return {"person": self.person, "kind": self.kind, "code": self.code,
                "post": self.post or "", "choice_rank": self.choice_rank or "",
                "rules": ";".join(self.rules), "text": self.text}


class Explainer:
    """Reasons for one roster under one policy (caches what all reasons share)."""

    def __init__(self, instance: Instance, policy: Policy, roster: Roster):
        self.instance = instance
        self.policy = policy
        self.roster = roster
        self.ranks = PanelRanks.of(instance, policy)
        before = check_roster(instance, policy, roster)
        self.hard_before = _hard_keys(before)
        self.soft_before = _soft_keys(before)
        self._stages: dict[str, Any] | None = None

    @property
    def stages(self) -> dict[str, Any]:
        if self._stages is None:
            self._stages = _stages(self.instance, self.policy, self.roster)
        return self._stages

    # -- per person ------------------------------------------------------------------------

    def reasons(self, person: str) -> list[Reason]:
        out = [self.outcome(person)]
        choices = self.instance.choices_of.get(person, [])
        got = self.roster.post_of(person)
        for rank, post in enumerate(choices, start=1):
            if post == got:
                break
            out.append(self.not_given(person, post, rank))
        return out

    def all_reasons(self) -> list[Reason]:
        return [r for p in self.instance.staff for r in self.reasons(p.id)]

    def outcome(self, person: str) -> Reason:
        instance, roster = self.instance, self.roster
        got = roster.post_of(person)
        current = instance.person_by_id[person].current_post
        choices = instance.choices_of.get(person, [])
        if got is not None and got in choices:
            rank = choices.index(got) + 1
            return Reason(person, "outcome", "choice", got, rank,
                          text=f"given choice {rank}: {got}")
        if got is not None and got == current:
            text = ("did not apply; keeps current post " if not choices
                    else "no choice could be given; keeps current post ") + got
            return Reason(person, "outcome", "kept", got, text=text)
        if got is not None:
            return self._directed(person, got)
        return Reason(person, "outcome", "no_post", None,
                      text="holds no post after the round"
                      + (" (current post " + current + " went to others)" if current else ""))

    def _directed(self, person: str, got: str) -> Reason:
        """Why the organisation placed someone at a post they did not choose."""
        current = self.instance.person_by_id[person].current_post
        alternative = current if current is not None and current != got else None
        _code, rules, numbers, what = self._effect_of_move(person, alternative)
        where = f"keeping {alternative}" if alternative else "leaving them without a post"
        return Reason(person, "outcome", "directed", got, rules=rules,
                      numbers={**numbers, "alternative": alternative or ""},
                      text=f"directed to {got}: {where} {what}")

    def not_given(self, person: str, post: str, rank: int) -> Reason:
        forbids = forbid_reasons(self.instance, self.policy, person, post)
        if forbids:
            rules = tuple(sorted({f.split(":", 1)[0] for f in forbids}))
            return Reason(person, "not_given", "rule_forbids", post, rank, rules,
                          text=f"choice {rank} ({post}): " + "; ".join(forbids))
        mine = self.ranks.rank(post, person)
        holders = self.roster.holders.get(post, [])
        places = self.instance.post_by_id[post].places
        worst = max((self.ranks.rank(post, q) for q in holders), default=None)
        if len(holders) >= places and worst is not None and worst <= mine:
            ties = sum(1 for q in holders if self.ranks.rank(post, q) == mine)
            lowest = "tenure" if worst == TENURE else worst
            text = (f"choice {rank} ({post}): its {places} place(s) went to applicants its panel "
                    f"ranked at least as high (lowest rank admitted {lowest}, yours {mine})")
            if ties:
                text += f"; {ties} of them tied with you"
            return Reason(person, "not_given", "filled_by_higher_ranked", post, rank,
                          numbers={"places": places, "holders": len(holders),
                                   "lowest_rank_admitted": lowest, "your_rank": mine,
                                   "ties": ties},
                          text=text)
        code, rules, numbers, what = self._effect_of_move(person, post)
        return Reason(person, "not_given", code, post, rank, rules, numbers,
                      text=f"choice {rank} ({post}): giving it to you {what}")

    # -- moves -----------------------------------------------------------------------------

    def _effect_of_move(self, person: str, post: str | None) -> tuple[str, tuple[str, ...],
                                                                      dict[str, Any], str]:
        """(code, rules, numbers, words) for moving a person to ``post`` (None: no post).

        A new recruit without a pool is tried on each pool they may be charged to;
        the most favourable outcome is the one reported.
        """
        effects = [self._effect(moved, displaced)
                   for moved, displaced in moves(self.instance, self.policy, self.roster,
                                                 self.ranks, person, post)]
        order = {"not_proven": 0, "equally_good": 1, "worse_objective": 2, "rule_required": 3}
        return min(effects, key=lambda e: (order[e[0]], len(e[1]), str(e[2])))

    def _effect(self, moved: Roster, displaced: str | None) -> tuple[str, tuple[str, ...],
                                                                    dict[str, Any], str]:
        placement = Placement(self.instance, self.policy, moved)
        violations = check_roster(self.instance, self.policy, moved, placement,
                                  references_checked=True)
        new = [v for v in violations if v.hard and _key(v) not in self.hard_before]
        suffix = f" (displacing {displaced})" if displaced else ""
        if new:
            rules = tuple(sorted({v.rule for v in new}))
            return ("rule_required", rules, {"displaced": displaced or ""},
                    f"would break {', '.join(rules)}{suffix}: "
                    + "; ".join(v.message for v in new[:3]))
        after = stage_values(self.instance, self.policy, moved, violations, placement)
        for stage in self.policy.objective:
            name = stage.value
            before_value, after_value = self.stages[name], after[name]
            if before_value == after_value:
                continue
            worse = _worse(name, before_value, after_value)
            code = "worse_objective" if worse else "not_proven"
            verb = "would worsen" if worse else "would improve"
            new_soft = [v for v in violations if not v.hard and _key(v) not in self.soft_before
                        and self._stage_of(v.rule) == name]
            rules = tuple(sorted({v.rule for v in new_soft}))
            because = f": {new_soft[0].message}" if new_soft else ""
            return (code, rules, {"stage": name, "before": before_value, "after": after_value,
                                  "displaced": displaced or ""},
                    f"{verb} {name} from {before_value} to {after_value}{suffix}{because}")
        return ("equally_good", (), {"displaced": displaced or ""},
                (f"would give an equally good roster{suffix}; the solver's choice between equals "
                "decided"))


    def _stage_of(self, rule_name: str) -> str | None:
        rule = self.policy.rule(rule_name)
        return rule.stage.value if rule is not None else None


def moves(instance: Instance, policy: Policy, roster: Roster, ranks: PanelRanks, person: str,
          post: str | None) -> list[tuple[Roster, str | None]]:
    """The roster with ``person`` moved to ``post`` (None: no post), one per pool they may use.

    A full post's lowest-ranked holder is displaced and left without a post.
    """
    displaced = None
    if post is not None:
        holders = [q for q in roster.holders.get(post, []) if q != person]
        if len(holders) >= instance.post_by_id[post].places:
            displaced = max(holders, key=lambda q: (ranks.rank(post, q), q))
    return [(Roster(assignments=[_moved(instance, a, person, post, pool, displaced)
                                 for a in roster.assignments]), displaced)
            for pool in _pool_options(instance, policy, roster, person, post)]


def _pool_options(instance: Instance, policy: Policy, roster: Roster, person: str,
                  post: str | None) -> list[Any]:
    row = instance.person_by_id[person]
    if not row.new_recruit:
        return [roster.pool_of(person)]
    if post is None:
        return [None]
    if row.pool is not None:
        return [row.pool]
    rule = policy.rule("headcount_pools")
    return list(rule.params.recruit_pools) if rule is not None else [roster.pool_of(person)]


def _moved(instance: Instance, a: Assignment, person: str, post: str | None, pool: Any,
           displaced: str | None) -> Assignment:
    if a.person == person:
        return Assignment(person=person, post=post, pool=pool)
    if a.person == displaced:
        recruit = instance.person_by_id[displaced].new_recruit
        return Assignment(person=displaced, post=None, pool=None if recruit else a.pool)
    return a


def _key(violation: Any) -> tuple:
    return (violation.rule, violation.message)


def _hard_keys(violations: list[Any]) -> set[tuple]:
    return {_key(v) for v in violations if v.hard}


def _soft_keys(violations: list[Any]) -> set[tuple]:
    return {_key(v) for v in violations if not v.hard}


def _stages(instance: Instance, policy: Policy, roster: Roster,
            violations: list[Any] | None = None) -> dict[str, Any]:
    if violations is None:
        violations = check_roster(instance, policy, roster)
    return stage_values(instance, policy, roster, violations)


def _worse(stage: str, before: Any, after: Any) -> bool:
    """Whether ``after`` is lexicographically worse than ``before`` for a stage."""
    if stage == "rank_profile":
        return list(after) < list(before)  # more people at better ranks is better
    return after > before


def explain_roster(instance: Instance, policy: Policy, roster: Roster) -> list[Reason]:
    """Every reason for every person of a roster."""
    return Explainer(instance, policy, roster).all_reasons()


def verify(instance: Instance, policy: Policy, roster: Roster, reason: Reason) -> bool:
    """Recompute one reason from the inputs and the roster; True if it holds."""
    fresh = Explainer(instance, policy, roster)
    return _same(fresh, reason)


def verify_all(instance: Instance, policy: Policy, roster: Roster,
               reasons: list[Reason]) -> list[Reason]:
    """The reasons that do not hold (empty when every reason checks out)."""
    fresh = Explainer(instance, policy, roster)
    return [r for r in reasons if not _same(fresh, r)]


def _same(fresh: Explainer, reason: Reason) -> bool:
    if reason.kind == "outcome":
        again = fresh.outcome(reason.person)
    else:
        assert reason.choice_rank is not None and reason.post is not None
        choices = fresh.instance.choices_of.get(reason.person, [])
        if reason.choice_rank > len(choices) or choices[reason.choice_rank - 1] != reason.post:
            return False
        got = fresh.roster.post_of(reason.person)
        if got in choices and choices.index(got) < reason.choice_rank:
            return False
        again = fresh.not_given(reason.person, reason.post, reason.choice_rank)
    return (again.code, again.rules, again.numbers) == (reason.code, reason.rules, reason.numbers)



STAGE_ZH = {
    "continuity": "未报名人员被调动人数",
    "soft_floors": "软性下限缺口",
    "blocking_pairs": "不稳定配对数",
    "rank_profile": "各志愿录取人数",
    "unplaced": "未安排岗位的在岗人员数",
    "panel_quality": "评审排名合计",
    "moves": "岗位变动人数",
}


def text_zh(reason: Reason, policy: Policy) -> str:
    """The reason in Chinese, for the people it concerns and the HR office."""
    n = reason.numbers
    rules = "、".join(_rule_zh(policy, r) for r in reason.rules)
    if reason.kind == "outcome":
        return _outcome_zh(reason, n, rules)
    head = f"第{reason.choice_rank}志愿（{reason.post}）："
    displaced = f"（需替换 {n['displaced']}）" if n.get("displaced") else ""
    if reason.code == "rule_forbids":
        return head + f"受“{rules}”规则限制，本轮不能任该岗位"
    if reason.code == "filled_by_higher_ranked":
        lowest = "原岗位留任人员" if n["lowest_rank_admitted"] == "tenure" else (
            f"第{n['lowest_rank_admitted']}名")
        ties = f"，其中{n['ties']}人与您名次相同" if n.get("ties") else ""
        return head + (f"{n['places']}个岗位已由评审排名不低于您的人员获得（录取至{lowest}，"
                       f"您为第{n['your_rank']}名{ties}）")
    if reason.code == "rule_required":
        return head + f"如安排给您{displaced}，将违反“{rules}”规则"
    if reason.code in ("worse_objective", "not_proven"):
        verb = "变差" if reason.code == "worse_objective" else "改善"
        which = f"（{rules}）" if rules else ""
        return head + (f"如安排给您{displaced}，{STAGE_ZH.get(n['stage'], n['stage'])}{which}将由"
                       f"{n['before']}变为{n['after']}，方案整体{verb}")
    return head + f"如安排给您{displaced}，方案同样最优，由求解结果在等优方案中确定"


def _outcome_zh(reason: Reason, n: dict[str, Any], rules: str) -> str:
    if reason.code == "choice":
        return f"获得第{reason.choice_rank}志愿：{reason.post}"
    if reason.code == "kept":
        return ("未报名，留任原岗位 " if reason.text.startswith("did not apply") else
                "所报志愿均未获得，留任原岗位 ") + str(reason.post)
    if reason.code == "directed":
        keep = f"保留原岗位 {n['alternative']}" if n.get("alternative") else "不安排岗位"
        if rules:
            return f"由组织调配至 {reason.post}：若{keep}，将违反“{rules}”规则"
        stage = STAGE_ZH.get(str(n.get("stage")), str(n.get("stage", "")))
        change = f"{stage}将由{n.get('before')}变为{n.get('after')}"
        return f"由组织调配至 {reason.post}：若{keep}，{change}"
    return "本轮未获得岗位" + ("（原岗位已由他人获得）" if "went to others" in reason.text else "")


def _rule_zh(policy: Policy, name: str) -> str:
    rule = policy.rule(name)
    return rule.label_zh if rule is not None else name
