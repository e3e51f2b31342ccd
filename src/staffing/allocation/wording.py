"""Reasons in plain words, Chinese and English, from their claims and numbers.

An HR officer reads these aloud to the person who appeals: rules and objective stages by
their labels (never their codes), people by name and id, posts by id with institution and
post name, ranks as "ranked 7th", and every number with what it counts. The codes stay in
their own columns (`staffing.allocation.reasons.Reason`).
"""

from __future__ import annotations

import re
from typing import Any

from staffing.domain.enums import Coded
from staffing.domain.instance import Instance
from staffing.domain.objective import Stage
from staffing.domain.ranking import TENURE, UNRANKED
from staffing.policy import Policy

# label of each objective stage: (Chinese, English), and what "more" of it means
STAGES: dict[str, tuple[str, str]] = {
    Stage.CONTINUITY: ("未报名却被调动的人数",
                       "the number of people moved although they did not apply"),
    Stage.SOFT_FLOORS: ("软性规则缺口", "the shortfall on the soft rules"),
    Stage.BLOCKING_PAIRS: ("不稳定配对数（彼此更愿意选择对方的人员与岗位）",
                           ("the number of blocking pairs (a person and a post that prefer "
                            "each other to what they got)")),
    Stage.RANK_PROFILE: ("各志愿录取人数", "the number of people given their choices"),
    Stage.UNPLACED: ("未安排岗位的在岗人员数", "the number of incumbents left without a post"),
    Stage.UNPLACED_ALL: ("未安排岗位的人数（含新招录人员）",
                         "the number of people left without a post, new recruits included"),
    Stage.PANEL_QUALITY: ("获志愿人员的评审名次之和（越小越好）",
                          ("the sum of the panel ranks of people placed at a choice (lower is "
                           "better)")),
    Stage.MOVES: ("离开原岗位的在岗人员数", "the number of incumbents moved from their post"),
}
SHORT: dict[str, tuple[str, str]] = {
    Stage.CONTINUITY: ("未报名人员原岗留任", "people who did not apply stay"),
    Stage.SOFT_FLOORS: ("软性规则缺口", "soft-rule shortfall"),
    Stage.BLOCKING_PAIRS: ("不稳定配对", "blocking pairs"),
    Stage.RANK_PROFILE: ("志愿录取", "choices given"),
    Stage.UNPLACED: ("在岗人员均有岗位", "incumbents placed"),
    Stage.UNPLACED_ALL: ("人人有岗位", "everyone placed"),
    Stage.PANEL_QUALITY: ("评审名次", "panel ranks"),
    Stage.MOVES: ("岗位变动最少", "fewest moves"),
}


def stage_label(stage: str, lang: str, short: bool = False) -> str:
    pair = (SHORT if short else STAGES).get(stage, (stage, stage))
    return pair[0] if lang == "zh" else pair[1]


def rule_label(policy: Policy, name: str, lang: str) -> str:
    rule = policy.rule(name)
    if rule is None:
        return name
    return rule.label_zh if lang == "zh" else rule.label_en


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


class Words:
    """Wording of one instance and policy: people, posts, ranks, rules, stages, in one language."""

    def __init__(self, instance: Instance, policy: Policy, lang: str):
        self.instance = instance
        self.policy = policy
        self.lang = lang
        self.zh = lang == "zh"

    def person(self, person: str) -> str:
        name = self.instance.person_by_id[person].name
        if not name:
            return person
        return f"{name}（{person}）" if self.zh else f"{name} ({person})"

    def post(self, post: str | None) -> str:
        if post is None:
            return "无岗位" if self.zh else "no post"
        row = self.instance.post_by_id[post]
        inst = self.instance.institution_by_id[row.institution]
        what = " ".join(x for x in (inst.name, row.name) if x)
        if not what:
            return post
        return f"{post}（{what}）" if self.zh else f"{post} ({what})"

    def rank(self, rank: int) -> str:
        if rank == TENURE:
            return "原岗位留任（未报名调动）" if self.zh else "staying at their own post"
        if rank >= UNRANKED:
            return "未报名该岗位" if self.zh else "not an applicant"
        return f"第{rank}名" if self.zh else f"ranked {ordinal(rank)}"

    def rules(self, names: tuple[str, ...] | list[str]) -> str:
        labels = [rule_label(self.policy, n, self.lang) for n in names]
        return "、".join(f"“{x}”" for x in labels) if self.zh else \
            " and ".join(f"'{x}'" for x in labels)

    def choice_head(self, rank: int, post: str) -> str:
        return f"第{rank}志愿 {self.post(post)}：" if self.zh else \
            f"Choice {rank}, {self.post(post)}: "

    def plain(self, message: str) -> str:
        """A rule's own English message with codes turned into words."""
        return plain_codes(message, self.policy)


_CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


def _code_words(policy: Policy) -> dict[str, str]:
    words: dict[str, str] = {}
    for coded in Coded.__subclasses__():
        for member in coded:
            words[member.value] = member.value.replace("_", " ")
    for rule in policy.rule_objects():
        words[rule.name] = f"'{rule.label_en}'"
    for stage in Stage:
        words[stage.value] = stage_label(stage, "en", short=True)
    return words


def plain_codes(text: str, policy: Policy) -> str:
    """Replace snake_case codes (coded values, rules, stages) in a text by their words."""
    words = _code_words(policy)
    return _CODE.sub(lambda m: words.get(m.group(0), m.group(0).replace("_", " ")), text)


def change(stage: str, before: Any, after: Any, lang: str) -> str:
    """How a stage's value would change, with what it counts."""
    zh = lang == "zh"
    if isinstance(before, list):
        k = next((i for i, (b, a) in enumerate(zip(before, after)) if b != a), 0)
        b, a = before[k], after[k]
        return (f"获第{k + 1}志愿的人数将由{b}人变为{a}人" if zh else
                f"the number of people given their choice {k + 1} would go from {b} to {a}")
    label = stage_label(stage, lang)
    return f"{label}将由{before}变为{after}" if zh else \
        f"{label} would go from {before} to {after}"
