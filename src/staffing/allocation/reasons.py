"""A reason for every person's outcome, in plain words, each made of claims that are re-checked.

For each choice a person ranked above what they got, one of:

- ``rule_forbids``: a hard rule forbids the person at that post outright.
- ``filled_by_higher_ranked``: every place of the post is held by someone the panel ranked
  ahead of or level with the person (how many places, the lowest rank admitted, theirs).
- ``rule_required``: the post had room for the person (a free place, or a holder ranked
  below them, who would leave), but the move breaks a named hard rule.
- ``worse_objective``: the move breaks no hard rule but makes a stage the policy puts first
  worse (named, from what to what).
- ``not_proven``: the move would improve the roster (one not proven optimal).
- ``equally_good``: the move is exactly as good on every stage.

and one outcome line: a choice given, the current post kept, a post the organisation
directed the person to (and what keeping them put would cost), or no post (and, for an
incumbent, why not their current post: it is full of people ranked ahead, a rule forbids
it, or putting them back breaks a rule or worsens a stage, with the numbers).

Each reason carries its `staffing.allocation.claims.Claim` list; `verify_all` tests every
claim against the roster and the inputs with the independent checker. Words come from
`staffing.allocation.wording`, in Chinese and English. With a ``deadline``,
`explain_roster` gives full reasons while time allows and the outcome line alone (marked,
``detailed`` false) for the rest.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from staffing.allocation.claims import (
    Baseline,
    Claim,
    ClaimCheck,
    reason_failures,
    worse,
)
from staffing.allocation.deltas import Move, MoveDelta, MoveDeltas
from staffing.allocation.wording import Words, change, stage_label
from staffing.domain.instance import Instance
from staffing.domain.memory import with_fewer_collections
from staffing.domain.objective import Stage
from staffing.domain.ranking import TENURE, UNRANKED
from staffing.domain.roster import Roster
from staffing.domain.without_post import GROUPS, group_of
from staffing.policy import Policy
from staffing.rules.base import Rule
from staffing.stages import STAGES

BLOCKING_CODES = ("rule_required", "worse_objective", "equally_good", "not_proven")
MOVE_CODE = {"move_breaks": "rule_required", "move_worsens": "worse_objective",
             "move_improves": "not_proven", "move_ties": "equally_good"}
MOVES = {"give": ("如把该岗位给您", "giving it to you"),
         "back": ("如让您回到原岗位", "putting you back there"),
         "keep": ("如让您留任原岗位", "keeping you there"),
         "none": ("如不给您安排岗位", "leaving you without a post")}
PREFERENCE = {"move_improves": 0, "move_ties": 1, "move_worsens": 2, "move_breaks": 3}
FIRST_BATCH, BATCH = 250, 4000  # people whose moves are evaluated in one batch when a
# deadline is set: a small first batch measures the time per person, later ones grow


@dataclass(frozen=True)
class Reason:
    """One line of one person's explanation: codes, claims, and the words in both languages."""

    person: str
    kind: str             # outcome | not_given
    code: str
    post: str | None      # the post concerned
    choice_rank: int | None = None
    rules: tuple[str, ...] = ()
    numbers: dict[str, Any] = field(default_factory=dict)
    claims: tuple[Claim, ...] = ()
    text: str = ""        # English
    text_zh: str = ""
    detailed: bool = True  # False: the outcome line alone, given when time ran out

    @property
    def blocking(self) -> bool:
        """A choice not given although its post had room for the person: a blocking pair."""
        return self.kind == "not_given" and self.code in BLOCKING_CODES

    @property
    def stage(self) -> str | None:
        """The objective stage that forces the outcome (None when a rule does, or nothing)."""
        stage = self.numbers.get("stage")
        return str(stage) if stage else None

    def to_dict(self) -> dict[str, Any]:
        return {"person": self.person, "kind": self.kind, "code": self.code,
                "post": self.post or "", "choice_rank": self.choice_rank or "",
                "rules": ";".join(self.rules), "stage": self.stage or "",
                "detailed": self.detailed, "text": self.text, "text_zh": self.text_zh}


@dataclass(frozen=True)
class Effect:
    """What one move does: which claim holds, with the facts the words need."""

    claim: Claim
    messages: tuple[str, ...] = ()     # the new violations' own words
    soft_rules: tuple[str, ...] = ()   # soft rules whose shortfall grows (soft_floors)
    improved: str | None = None        # a later stage the move would improve

    @property
    def code(self) -> str:
        return MOVE_CODE[self.claim.kind]

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(self.claim.get("rules", ())) or self.soft_rules

    @property
    def numbers(self) -> dict[str, Any]:
        c = self.claim
        out: dict[str, Any] = {"displaced": c["displaced"] or ""}
        if "stage" in c.facts:
            out.update(stage=c["stage"], before=c["before"], after=c["after"])
        return out


class Explainer(Baseline):
    """Reasons for one roster under one policy (caches what all reasons share)."""

    def __init__(self, instance: Instance, policy: Policy, roster: Roster,
                 whole_roster_moves: bool = False):
        super().__init__(instance, policy, roster)
        self.whole_roster_moves = whole_roster_moves  # check each move on the whole roster
        self.words = {lang: Words(instance, policy, lang) for lang in ("zh", "en")}
        self._effects: dict[Move, Effect] = {}
        self.rules = policy.rule_objects()
        self._static: dict[tuple[str, str], Cause | None] = {}
        self._holder_ranks: dict[str, Holders] = {}

    @cached_property
    def deltas(self) -> MoveDeltas:
        """Moves evaluated where they touch the roster."""
        return MoveDeltas(self, whole=self.whole_roster_moves)

    @property
    def amounts(self) -> dict[str, int]:
        """Each rule's soft breaches on the roster (what the soft stages count)."""
        return self.deltas.amounts

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

    def all_reasons(self, deadline: float | None = None) -> list[Reason]:
        """Every person's reasons; with ``deadline`` (a `time.perf_counter` value), detailed
        reasons while there is time left to give every remaining person at least the outcome
        line, then the outcome line alone for each person left (the deadline can be passed by
        at most the first batch of people's detailed reasons, which include checking the
        roster). The moves the reasons rest on are evaluated in batches of people
        (`prepare`), each as large as the time left allows at the time per person measured."""
        staff = [p.id for p in self.instance.staff]
        if deadline is None:
            self.prepare(staff)
            return [r for person in staff for r in self.reasons(person)]
        started = time.perf_counter()
        sample = [self.brief_outcome(person) for person in staff[:20]]
        per_brief = 1.5 * (time.perf_counter() - started) / max(len(sample), 1)
        out: list[Reason] = []
        per_prepared = 0.0  # the most one person's moves took in a batch so far
        per_person = 0.0  # the longest one person's detailed reasons took so far
        prepared = 0  # people whose moves are evaluated (or found no time for)
        for k, person in enumerate(staff):
            now = time.perf_counter()
            if k == prepared:
                room = deadline - now - (len(staff) - k) * per_brief
                size = min(BATCH, max(FIRST_BATCH, 4 * k), len(staff) - k)
                if per_prepared:
                    size = min(size, int(room / per_prepared))
                prepared = k + 1
                if size > 0 and room > 0:
                    self.prepare(staff[k:k + size])
                    per_prepared = max(per_prepared, (time.perf_counter() - now) / size)
                    prepared = k + size
                    now = time.perf_counter()
            if now + per_person + (len(staff) - k) * per_brief < deadline:
                out.extend(self.reasons(person))
                per_person = max(per_person, time.perf_counter() - now)
            else:
                out.append(sample[k] if k < len(sample) else self.brief_outcome(person))
        return out

    def prepare(self, people: list[str]) -> None:
        """Evaluate in one batch every move the reasons of ``people`` rest on (each is otherwise
        evaluated when its reason is first worded)."""
        wanted: dict[Move, None] = {}
        for person in people:
            for post in self._move_targets(person):
                displaced = self._displaced(person, post)
                for pool in self._pool_options(person, post):
                    move = (person, post, pool, displaced)
                    if move not in self._effects:
                        wanted[move] = None
        self._settle(list(wanted))

    def _move_targets(self, person: str) -> list[str | None]:
        """The posts (None: no post) whose reason for ``person`` is a move: the choices above
        the outcome that no rule forbids and that have room, and the current post (or no post)
        of an outcome line with a cause (see `outcome`)."""
        got = self.roster.post_of(person)
        current = self.instance.person_by_id[person].current_post
        choices = self.instance.choices_of.get(person, [])
        targets: list[str | None] = []
        if got is None and current is not None:
            targets.append(current)
        elif got is not None and got not in choices and got != current:
            targets.append(current)
        for post in choices:
            if post == got:
                break
            targets.append(post)
        return [post for post in targets
                if post is None or self._static_cause(person, post) is None]

    # -- outcome lines ------------------------------------------------------------------------

    def _reason(self, person: str, kind: str, code: str, post: str | None,
                texts: dict[str, str], claims: list[Claim], rank: int | None = None,
                rules: tuple[str, ...] = (), numbers: dict[str, Any] | None = None,
                detailed: bool = True) -> Reason:
        return Reason(person, kind, code, post, rank, rules, numbers or {}, tuple(claims),
                      texts["en"], texts["zh"], detailed)

    def brief_outcome(self, person: str) -> Reason:
        """The outcome line alone, marked: what the roster says, no cause worked out."""
        full = self.outcome(person, causes=False)
        note = {"zh": "（时限内未逐条分析原因）", "en": " (detailed reasons not worked out "
                "within the time limit)"}
        return Reason(full.person, full.kind, full.code, full.post, full.choice_rank,
                      (), {}, full.claims, full.text + note["en"], full.text_zh + note["zh"],
                      detailed=False)

    def outcome(self, person: str, causes: bool = True) -> Reason:
        instance, roster = self.instance, self.roster
        got = roster.post_of(person)
        current = instance.person_by_id[person].current_post
        choices = instance.choices_of.get(person, [])
        holds = Claim("holds", {"person": person, "post": got})
        w = self.words
        if got is not None and got in choices:
            rank = choices.index(got) + 1
            texts = {"zh": f"获得第{rank}志愿：{w['zh'].post(got)}。",
                     "en": f"Given choice {rank}: {w['en'].post(got)}."}
            return self._reason(person, "outcome", "choice", got, texts,
                                [holds, Claim("choice", {"person": person, "rank": rank,
                                                         "post": got})], rank)
        if got is not None and got == current:
            if not choices:
                texts = {"zh": f"未报名，留任原岗位 {w['zh'].post(got)}。",
                         "en": f"Did not apply; keeps the current post {w['en'].post(got)}."}
                return self._reason(person, "outcome", "kept", got, texts,
                                    [holds, Claim("did_not_apply", {"person": person})])
            texts = {"zh": f"所报志愿均未获得（原因见下），留任原岗位 {w['zh'].post(got)}。",
                     "en": "None of the choices could be given (see below); keeps the "
                           f"current post {w['en'].post(got)}."}
            return self._reason(person, "outcome", "kept", got, texts, [holds])
        if got is not None:
            return self._directed(person, got, holds, causes)
        return self._no_post(person, current, choices, holds, causes)

    def _directed(self, person: str, got: str, holds: Claim, causes: bool) -> Reason:
        """Why the organisation placed someone at a post they did not choose."""
        current = self.instance.person_by_id[person].current_post
        alternative = current if current is not None and current != got else None
        w = self.words
        head = {"zh": f"由组织调配至 {w['zh'].post(got)}（非本人志愿）",
                "en": f"Placed by the organisation at {w['en'].post(got)}, not a choice"}
        if not causes:
            return self._reason(person, "outcome", "directed", got,
                                {k: v + "。" if k == "zh" else v + "." for k, v in head.items()},
                                [holds])
        cause = self._cause_at(person, alternative, "keep" if alternative else "none")
        where = {"zh": f"原岗位 {w['zh'].post(alternative)}，" if alternative else "",
                 "en": f"the current post is {w['en'].post(alternative)}; " if alternative
                 else ""}
        texts = {"zh": f"{head['zh']}：{where['zh']}{cause.texts['zh']}",
                 "en": f"{head['en']}: {where['en']}{cause.texts['en']}"}
        return self._reason(person, "outcome", "directed", got, texts, [holds, *cause.claims],
                            rules=cause.rules,
                            numbers={**cause.numbers, "alternative": alternative or ""})

    def _no_post(self, person: str, current: str | None, choices: list[str], holds: Claim,
                 causes: bool) -> Reason:
        w = self.words
        group = group_of(self.instance.person_by_id[person])
        en, zh = GROUPS[group]
        head = {"zh": f"本轮未获得岗位（计入“{zh}”）", "en": f"No post after the round (counted in "
                f"'{en}')"}
        if current is None or not causes:
            why = ({"zh": "所报志愿均未获得（原因见下）", "en": "none of the choices could be "
                    "given (see below)"} if choices else
                   {"zh": "未报名，也无原岗位", "en": "did not apply and holds no post now"})
            texts = {"zh": f"{head['zh']}：{why['zh']}。", "en": f"{head['en']}: {why['en']}."}
            return self._reason(person, "outcome", "no_post", None, texts, [holds])
        cause = self._cause_at(person, current, "back")
        texts = {"zh": f"{head['zh']}。原岗位 {w['zh'].post(current)}：{cause.texts['zh']}",
                 "en": f"{head['en']}. The current post {w['en'].post(current)}: "
                       f"{cause.texts['en']}"}
        return self._reason(person, "outcome", "no_post", None, texts, [holds, *cause.claims],
                            rules=cause.rules, numbers={**cause.numbers, "current": current})

    # -- choices not given --------------------------------------------------------------------

    def not_given(self, person: str, post: str, rank: int) -> Reason:
        choice = Claim("choice", {"person": person, "rank": rank, "post": post})
        cause = self._cause_at(person, post, "give")
        texts = {lang: self.words[lang].choice_head(rank, post) + cause.texts[lang]
                 for lang in ("zh", "en")}
        return self._reason(person, "not_given", cause.code, post, texts,
                            [choice, *cause.claims], rank, cause.rules, cause.numbers)

    def _cause_at(self, person: str, post: str | None, context: str) -> Cause:
        """Why ``person`` is not at ``post`` (None: why they are not left without a post);
        ``context`` words the move: give (a choice), back (to the current post), keep (at the
        current post), none (no post)."""
        if post is not None:
            static = self._static_cause(person, post)
            if static is not None:
                return static
        effect = self.effect_of_move(person, post)
        return self._effect_cause(effect, context)

    def _static_cause(self, person: str, post: str) -> Cause | None:
        """Why ``person`` is not at ``post`` without a move: a rule forbids it, or its places
        are held by people ranked ahead (None: neither)."""
        key = (person, post)
        if key not in self._static:
            self._static[key] = self._forbidden(person, post) or self._filled(person, post)
        return self._static[key]

    def _holders(self, post: str, person: str) -> Holders:
        """The holders of ``post`` other than ``person``, with their panel ranks."""
        if post not in self._holder_ranks:
            self._holder_ranks[post] = Holders({q: self.ranks.rank(post, q)
                                                for q in self.roster.holders.get(post, [])})
        holders = self._holder_ranks[post]
        return holders.without(person) if person in holders.ranks else holders

    @cached_property
    def _forbidding(self) -> list[Rule]:
        """The hard rules that may forbid a pair outright."""
        return [rule for rule in self.rules if rule.hard and (
            rule.forbidden_pairs(self.instance) is not None
            or type(rule).forbid_reason is not Rule.forbid_reason)]

    def _forbidden(self, person: str, post: str) -> Cause | None:
        found = [(rule.name, message) for rule in self._forbidding
                 if (message := rule.forbid_reason(self.instance, person, post)) is not None]
        if not found:
            return None
        rules = tuple(name for name, _ in found)
        texts = {"zh": f"受{self.words['zh'].rules(rules)}规则限制，本轮不能担任该岗位。",
                 "en": f"the rule {self.words['en'].rules(rules)} does not allow this post "
                       "this round: " + "; ".join(
                           self.words["en"].plain(message) for _, message in found) + "."}
        claims = [Claim("forbids", {"rule": r, "person": person, "post": post}) for r in rules]
        return Cause("rule_forbids", texts, claims, rules)

    def _filled(self, person: str, post: str) -> Cause | None:
        mine = self.ranks.rank(post, person)
        at = self._holders(post, person)
        places = self.instance.post_by_id[post].places
        worst = at.worst
        if len(at.ranks) < places or worst is None or worst > mine:
            return None
        ties = at.level_with(mine)
        holders = at.ids
        lowest = "tenure" if worst == TENURE else worst
        zh, en = self.words["zh"], self.words["en"]
        its = {"zh": f"该岗位共{places}个，" if places > 1 else "该岗位仅1个，",
               "en": f"its {places} places" if places > 1 else "its one place"}
        if worst == TENURE:
            who = {"zh": "、".join(zh.person(q) for q in holders),
                   "en": ", ".join(en.person(q) for q in holders)}
            texts = {"zh": f"{its['zh']}由未报名调动、留任原岗位的{who['zh']}担任，"
                           "留任人员排在报名人员之前。",
                     "en": f"{its['en']} {'are' if places > 1 else 'is'} held by {who['en']}, "
                           "staying at their own post without applying to move, and people who "
                           "stay come before applicants."}
        else:
            tie = ({"zh": f"，其中{ties}人与您名次相同（同名次时由其他目标决定）",
                    "en": f"; {ties} of them are level with you (level ranks are settled by the "
                          "other objectives)"} if ties else {"zh": "", "en": ""})
            you = ({"zh": "您未报名该岗位，报名人员优先", "en": "you did not apply for it, and "
                    "applicants come first"} if mine >= UNRANKED else
                   {"zh": f"您为{zh.rank(mine)}", "en": f"you {en.rank(mine)}"})
            texts = {"zh": f"{its['zh']}均已由评审排名在您之前或与您相同的人员获得，"
                           f"其中排名最低者为{zh.rank(worst)}，{you['zh']}{tie['zh']}。",
                     "en": f"{its['en']} went to people the panel ranked ahead of or level with "
                           f"you: the lowest of them {en.rank(worst)}, {you['en']}{tie['en']}."}
        claims = [Claim("full", {"post": post, "places": places}),
                  Claim("ranked_ahead", {"post": post, "person": person, "your_rank": mine,
                                         "holders": at.items})]
        numbers = {"places": places, "holders": len(holders), "lowest_rank_admitted": lowest,
                   "your_rank": mine, "ties": ties}
        return Cause("filled_by_higher_ranked", texts, claims, (), numbers)

    # -- moves ---------------------------------------------------------------------------

    def effect_of_move(self, person: str, post: str | None) -> Effect:
        """The most favourable effect of moving ``person`` to ``post`` (None: no post) over the
        pools a new recruit may be charged to; a full post's lowest-ranked holder leaves."""
        displaced = self._displaced(person, post)
        effects = [self._effect(person, post, pool, displaced)
                   for pool in self._pool_options(person, post)]
        return min(effects, key=lambda e: (PREFERENCE[e.claim.kind], len(e.rules),
                                           str(e.numbers)))

    def _displaced(self, person: str, post: str | None) -> str | None:
        if post is None:
            return None
        at = self._holders(post, person)
        if len(at.ranks) < self.instance.post_by_id[post].places:
            return None
        return at.lowest

    def _pool_options(self, person: str, post: str | None) -> list[Any]:
        row = self.instance.person_by_id[person]
        if not row.new_recruit:
            return [self.roster.pool_of(person)]
        if post is None:
            return [None]
        if row.pool is not None:
            return [row.pool]
        pools = self.policy.recruit_pools()
        return list(pools) if pools is not None else [self.roster.pool_of(person)]

    def _effect(self, person: str, post: str | None, pool: Any,
                displaced: str | None) -> Effect:
        key = (person, post, pool, displaced)
        if key not in self._effects:
            self._settle([key])
        return self._effects[key]

    def _settle(self, moves: list[Move]) -> None:
        """Evaluate moves (in one batch) and keep their effects."""
        for key, delta in zip(moves, self.deltas.evaluate_many(moves)):
            self._effects[key] = self._evaluate(key, delta)
            delta.release()

    def _evaluate(self, key: Move, delta: MoveDelta) -> Effect:
        """The move's effect, from what the move changes where it touches the roster."""
        person, post, pool, displaced = key
        move = {"person": person, "post": post, "pool": pool, "displaced": displaced}
        if delta.new_hard:
            rules = tuple(sorted({v.rule for v in delta.new_hard}))
            return Effect(Claim("move_breaks", {**move, "rules": rules}),
                          tuple(v.message for v in delta.new_hard[:3]))
        return self._stage_effect(move, delta)

    def _stage_effect(self, move: dict[str, Any], delta: MoveDelta) -> Effect:
        order = [s.value for s in self.policy.objective]
        after, amounts = delta.stages, delta.amounts
        for k, name in enumerate(order):
            before_value, after_value = self.stages[name], after[name]
            if before_value == after_value:
                continue
            kind = "move_worsens" if worse(name, before_value, after_value) else "move_improves"
            grown = tuple(sorted(rule.name for rule in self.rules
                                 if rule.stage.value == name
                                 and amounts[rule.name] > self.amounts[rule.name]))
            messages: tuple[str, ...] = ()
            if STAGES[Stage(name)].quotes_breaches:
                grown_rules = [rule for rule in self.rules if rule.name in grown]
                messages = tuple(v.message for v in
                                 delta.new_soft(grown_rules, self.soft_keys))[:2]
            improved = next((later for later in order[k + 1:]
                             if worse(later, after[later], self.stages[later])), None)
            return Effect(Claim(kind, {**move, "stage": name, "before": before_value,
                                       "after": after_value}), messages, grown, improved)
        return Effect(Claim("move_ties", move))

    def _effect_cause(self, effect: Effect, context: str) -> Cause:
        c = effect.claim
        zh, en = self.words["zh"], self.words["en"]
        moving = dict(zip(("zh", "en"), MOVES[context]))
        if c["displaced"]:
            d = c["displaced"]
            rank = self.ranks.rank(c["post"], d)
            moving = {"zh": f"{moving['zh']}（{zh.person(d)}，{zh.rank(rank)}，需让出该岗位）",
                      "en": f"{moving['en']} (with {en.person(d)}, {en.rank(rank)}, leaving "
                            "the post)"}
        if c.kind == "move_breaks":
            rules = c["rules"]
            detail = "; ".join(en.plain(m) for m in effect.messages)
            texts = {"zh": f"{moving['zh']}，将违反{zh.rules(rules)}规则。",
                     "en": f"{moving['en']} would break the rule {en.rules(rules)}"
                           + (f": {detail}." if detail else ".")}
        elif c.kind in ("move_worsens", "move_improves"):
            stage = c["stage"]
            soft = ({"zh": f"（{zh.rules(effect.soft_rules)}缺口增加）",
                     "en": f" (shortfall on {en.rules(effect.soft_rules)}"
                           + (f": {en.plain(effect.messages[0])})" if effect.messages else ")")}
                    if effect.soft_rules else {"zh": "", "en": ""})
            if c.kind == "move_worsens":
                later = ({"zh": f"；虽可改善“{stage_label(effect.improved, 'zh', True)}”，"
                                "但本政策把前者排在更前",
                          "en": f"; it would help '{stage_label(effect.improved, 'en', True)}', "
                                "which this policy ranks below it"}
                         if effect.improved else {"zh": "", "en": ""})
                texts = {"zh": f"{moving['zh']}，{change(stage, c['before'], c['after'], 'zh')}"
                               f"{soft['zh']}，方案变差{later['zh']}。",
                         "en": f"{moving['en']} would make the result worse: "
                               f"{change(stage, c['before'], c['after'], 'en')}{soft['en']}"
                               f"{later['en']}."}
            else:
                texts = {"zh": f"{moving['zh']}，{change(stage, c['before'], c['after'], 'zh')}，"
                               "方案会更好：本方案因时限未被证明最优。",
                         "en": f"{moving['en']} would make the result better: "
                               f"{change(stage, c['before'], c['after'], 'en')}; this roster "
                               "is not proven optimal (time limit)."}
        else:
            texts = {"zh": f"{moving['zh']}，各项目标均同样好，由求解器在同样好的方案中选定。",
                     "en": f"{moving['en']} would be exactly as good on every objective; the "
                           "solver chose between equally good rosters."}
        return Cause(effect.code, texts, [c], effect.rules, effect.numbers)


class Holders:
    """The holders of one post with their panel ranks (what the reasons ask of them, worked
    out once per post)."""

    def __init__(self, ranks: dict[str, int]):
        self.ranks = ranks

    def without(self, person: str) -> Holders:
        return Holders({q: r for q, r in self.ranks.items() if q != person})

    @cached_property
    def ids(self) -> list[str]:
        """The holders' ids, sorted."""
        return sorted(self.ranks)

    @cached_property
    def items(self) -> tuple[tuple[str, int], ...]:
        """(holder, rank), by holder id."""
        return tuple((q, self.ranks[q]) for q in self.ids)

    @cached_property
    def lowest(self) -> str | None:
        """The lowest-ranked holder (the last id among equals)."""
        return max(self.ranks, key=lambda q: (self.ranks[q], q)) if self.ranks else None

    @property
    def worst(self) -> int | None:
        """The lowest holder's rank."""
        return self.ranks[self.lowest] if self.lowest is not None else None

    @cached_property
    def _counts(self) -> Counter[int]:
        return Counter(self.ranks.values())

    def level_with(self, rank: int) -> int:
        """How many holders rank ``rank``."""
        return self._counts[rank]


@dataclass(frozen=True)
class Cause:
    """Why a person is not at a post: code, words, the claims that prove it, rules, numbers."""

    code: str
    texts: dict[str, str]
    claims: list[Claim]
    rules: tuple[str, ...] = ()
    numbers: dict[str, Any] = field(default_factory=dict)


@with_fewer_collections
def explain_roster(instance: Instance, policy: Policy, roster: Roster,
                   deadline: float | None = None) -> list[Reason]:
    """Every reason for every person of a roster (outcome lines alone past ``deadline``, a
    `time.perf_counter` value)."""
    return Explainer(instance, policy, roster).all_reasons(deadline)


def verify(instance: Instance, policy: Policy, roster: Roster, reason: Reason) -> bool:
    """Test every claim of one reason against the inputs and the roster; True if all hold."""
    return not reason_failures(ClaimCheck(instance, policy, roster), reason)


def verify_all(instance: Instance, policy: Policy, roster: Roster,
               reasons: list[Reason]) -> list[Reason]:
    """The reasons with a claim that does not hold (empty when every claim checks out)."""
    check = ClaimCheck(instance, policy, roster)
    return [r for r in reasons if reason_failures(check, r)]


def failures(instance: Instance, policy: Policy, roster: Roster,
             reasons: list[Reason]) -> list[tuple[Reason, list[str]]]:
    """Each false reason with what is false in it."""
    check = ClaimCheck(instance, policy, roster)
    return [(r, found) for r in reasons if (found := reason_failures(check, r))]


def text_zh(reason: Reason, policy: Policy | None = None) -> str:
    """The reason in Chinese, for the people it concerns and the HR office."""
    return reason.text_zh
