"""People left without a post after the round, in three groups every output names alike.

The ``unplaced`` objective stage counts the first group only (incumbents: neither new
recruits nor city-dispatched); new recruits and city-dispatched staff not placed are counted
beside it, so that console, manifest, audit, report and reasons agree on every figure.
"""

from __future__ import annotations

import numpy as np

from staffing.domain.instance import Instance, Staff
from staffing.domain.roster import Roster

# group -> (English, Chinese) label; every person without a post is in exactly one group
GROUPS: dict[str, tuple[str, str]] = {
    "incumbents": ("incumbents without a post", "未安排岗位的在岗人员"),
    "new_recruits": ("new recruits not placed", "未安排的新招录人员"),
    "city_dispatched": ("city-dispatched staff not placed", "未安排的市级下派人员"),
}


def group_of(person: Staff) -> str:
    """The group a person without a post is counted in."""
    if person.is_incumbent:
        return "incumbents"
    return "new_recruits" if person.new_recruit else "city_dispatched"


def without_post(instance: Instance, roster: Roster,
                 post_index: np.ndarray | None = None) -> dict[str, int]:
    """How many people of each group hold no post, and their ``total`` (``post_index``: each
    person's post index on the roster, -1 none, when the caller has it)."""
    a = instance.arrays
    if post_index is None:
        post_index = np.asarray([-1 if roster.post_of(person) is None else 0
                                 for person in a.person_ids], dtype=np.int64)
    free = post_index < 0
    counts = {"incumbents": int((free & a.incumbent).sum()),
              "new_recruits": int((free & a.recruit).sum()),
              "city_dispatched": int((free & ~a.recruit & a.dispatched).sum())}
    counts["total"] = sum(counts.values())
    return counts


def labelled(counts: dict[str, int], lang: str = "en") -> str:
    """The counts in words: ``51 incumbents without a post, 24 new recruits not placed``
    (groups of none left out; ``nobody without a post`` when all are placed)."""
    if lang == "zh":
        parts = [f"{zh} {counts[key]} 人" for key, (_en, zh) in GROUPS.items() if counts.get(key)]
        return "，".join(parts) or "人人都有岗位"
    parts = [f"{counts[key]} {en}" for key, (en, _zh) in GROUPS.items() if counts.get(key)]
    return ", ".join(parts) or "nobody without a post"
