"""Reasons in plain words, Chinese and English, from their claims and numbers.

An HR officer reads these aloud to the person who appeals: rules and objective stages by
their labels (never their codes), people by name and id, posts by id with institution and
post name, ranks as "ranked 7th", and every number with what it counts. The codes stay in
their own columns (`staffing.allocation.reasons.Reason`).
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any

from staffing.domain.enums import Coded
from staffing.domain.instance import Instance
from staffing.domain.objective import Stage
from staffing.domain.ranking import TENURE, UNRANKED
from staffing.policy import Policy
from staffing.stages import STAGES, stage_named


def stage_label(stage: str, lang: str, short: bool = False) -> str:
    """A stage by its label (what it counts, or, ``short``, its name in a phrase)."""
    entry = stage_named(stage)
    return entry.label(lang, short) if entry is not None else stage


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
        self._posts: dict[str, str] = {}

    def person(self, person: str) -> str:
        name = self.instance.person_by_id[person].name
        if not name:
            return person
        return f"{name}（{person}）" if self.zh else f"{name} ({person})"

    def post(self, post: str | None) -> str:
        if post is None:
            return "无岗位" if self.zh else "no post"
        if post not in self._posts:
            self._posts[post] = self._post(post)
        return self._posts[post]

    def _post(self, post: str) -> str:
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
        return _substitute(message, self._words)

    @cached_property
    def _words(self) -> dict[str, str]:
        return _code_words(self.policy)


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
    return _substitute(text, _code_words(policy))


def _substitute(text: str, words: dict[str, str]) -> str:
    return _CODE.sub(lambda m: words.get(m.group(0), m.group(0).replace("_", " ")), text)


def change(stage: str, before: Any, after: Any, lang: str) -> str:
    """How a stage's value would change, with what it counts."""
    return STAGES[Stage(stage)].change(before, after, lang)
