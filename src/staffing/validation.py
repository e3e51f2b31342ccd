"""Cross-table validation of an instance, and of an instance against a policy.

Row-level typing happens in `staffing.io.tables`; this module checks what
only the whole bundle can tell: duplicate ids, references to unknown rows, the
institution tree, choices and rankings. Policy checks come from each rule's
own ``validate_instance`` (`staffing.policy.fit`).
"""

from __future__ import annotations

from collections import Counter, defaultdict

from staffing.domain.enums import Tier
from staffing.domain.instance import Instance, cell_at
from staffing.errors import Problem
from staffing.io.directed import directed_problems
from staffing.pay.tables import table_problems
from staffing.planning import tables as plan_tables


def _duplicate_ids(instance: Instance, table: str, key: str = "id") -> list[Problem]:
    rows = getattr(instance, table)
    seen: dict[str, int] = {}
    problems = []
    for index, row in enumerate(rows):
        value = getattr(row, key)
        if value in seen:
            first = instance.locate(table, seen[value])[1]
            problems.append(
                Problem(
                    message=f"duplicate id (first used on row {first})",
                    kind="duplicate_id",
                    value=value,
                    expected="ids unique within the table",
                    message_zh=f"编号重复（第 {first} 行已使用）",
                    expected_zh="表内编号唯一",
                    **cell_at(instance, table, index, key),
                )
            )
        else:
            seen[value] = index
    return problems


_TARGET_ZH = {"institution": "机构", "post": "岗位", "staff": "人员"}
_WHAT_ZH = {"rank": "志愿序号", "post": "岗位"}


def _unknown(instance: Instance, table: str, index: int, column: str, value: str,
             target: str) -> Problem:
    return Problem(
        message=f"unknown {target} id",
        kind="unknown_reference",
        value=value,
        expected=f"an id listed in the {target} table",
        message_zh=f"未知的{_TARGET_ZH[target]}编号",
        expected_zh=f"{_TARGET_ZH[target]}表中已有的编号",
        **cell_at(instance, table, index, column),
    )


def _institution_tree(instance: Instance) -> list[Problem]:
    problems = []
    by_id = instance.institution_by_id
    allowed_parent: dict[Tier, set[Tier]] = {
        Tier.VILLAGE: {Tier.TOWNSHIP}, Tier.TOWNSHIP: {Tier.COUNTY}, Tier.COUNTY: set()
    }
    for index, inst in enumerate(instance.institutions):
        if inst.parent is None:
            if inst.tier is Tier.VILLAGE:
                problems.append(
                    Problem(message=f"village {inst.id} needs its township centre as parent",
                            kind="village_without_parent",
                            expected="the id of a township institution",
                            message_zh=f"村卫生室 {inst.id} 必须以所属乡镇卫生院为上级机构",
                            expected_zh="乡镇机构的编号",
                            **cell_at(instance, "institutions", index, "parent"))
                )
            continue
        parent = by_id.get(inst.parent)
        if parent is None:
            problems.append(_unknown(instance, "institutions", index, "parent", inst.parent,
                                     "institution"))
        elif parent.tier not in allowed_parent[inst.tier] and parent.id != inst.id:
            valid = " or ".join(t.value for t in allowed_parent[inst.tier]) or "no parent"
            valid_zh = "或".join(t.zh for t in allowed_parent[inst.tier]) or "无上级机构"
            problems.append(
                Problem(message=f"a {inst.tier.value} cannot have a {parent.tier.value} parent",
                        kind="bad_parent_tier", value=inst.parent, expected=valid,
                        message_zh=f"{inst.tier.zh}机构的上级不能是{parent.tier.zh}机构",
                        expected_zh=valid_zh,
                        **cell_at(instance, "institutions", index, "parent"))
            )
    problems.extend(_cycles(instance))
    return problems


def _cycles(instance: Instance) -> list[Problem]:
    by_id = instance.institution_by_id
    index_of = {inst.id: i for i, inst in enumerate(instance.institutions)}
    reported: set[str] = set()
    problems = []
    for inst in instance.institutions:
        path: list[str] = []
        current: str | None = inst.id
        while current is not None and current in by_id and current not in path:
            path.append(current)
            current = by_id[current].parent
        if current is not None and current in path:
            cycle = path[path.index(current):]
            key = min(cycle)
            if key not in reported:
                reported.add(key)
                problems.append(
                    Problem(message="cycle in the institution tree: "
                            + " -> ".join([*cycle, current]),
                            kind="cycle", value=by_id[current].parent,
                            expected="each institution's parent chain to end at a county hospital",
                            message_zh="机构隶属关系形成循环："
                            + " -> ".join([*cycle, current]),
                            expected_zh="每个机构的上级链最终止于县级医院",
                            **cell_at(instance, "institutions", index_of[current], "parent"))
                )
    return problems


def _posts_and_staff(instance: Instance) -> list[Problem]:
    problems = []
    for index, post in enumerate(instance.posts):
        if post.institution not in instance.institution_by_id:
            problems.append(_unknown(instance, "posts", index, "institution", post.institution,
                                     "institution"))
    for index, person in enumerate(instance.staff):
        if person.current_post is not None and person.current_post not in instance.post_by_id:
            problems.append(_unknown(instance, "staff", index, "current_post",
                                     person.current_post, "post"))
    return problems


def _choices(instance: Instance) -> list[Problem]:
    problems = []
    ranks_seen: dict[tuple[str, object], int] = {}  # (person, rank) -> index of the choice
    posts_seen: dict[tuple[str, object], int] = {}  # (person, post) -> index of the choice
    for index, choice in enumerate(instance.choices):
        if choice.person not in instance.person_by_id:
            problems.append(_unknown(instance, "choices", index, "person", choice.person, "staff"))
        if choice.post not in instance.post_by_id:
            problems.append(_unknown(instance, "choices", index, "post", choice.post, "post"))
        for key, seen, column, what in (
            ((choice.person, choice.rank), ranks_seen, "rank", "rank"),
            ((choice.person, choice.post), posts_seen, "post", "post"),
        ):
            if key in seen:
                problems.append(
                    Problem(message=f"person {choice.person} gives this {what} twice "
                            f"(also row {instance.locate('choices', seen[key])[1]})",
                            kind="duplicate_choice", value=key[1],
                            expected=f"each {what} at most once per person",
                            message_zh=f"{choice.person} 重复填写了同一{_WHAT_ZH[what]}（另见第 "
                            f"{instance.locate('choices', seen[key])[1]} 行）",
                            expected_zh=f"每人每个{_WHAT_ZH[what]}最多一次",
                            **cell_at(instance, "choices", index, column))
                )
            else:
                seen[key] = index
    return problems


def _rankings(instance: Instance) -> list[Problem]:
    problems = []
    applicants = {(c.post, c.person) for c in instance.choices}
    seen: dict[tuple[str, str], int] = {}
    ranked_by_post: dict[str, set[str]] = defaultdict(set)
    for index, entry in enumerate(instance.rankings):
        key = (entry.post, entry.person)
        if entry.post not in instance.post_by_id:
            problems.append(_unknown(instance, "rankings", index, "post", entry.post, "post"))
            continue
        if entry.person not in instance.person_by_id:
            problems.append(_unknown(instance, "rankings", index, "person", entry.person, "staff"))
            continue
        if key in seen:
            problems.append(
                Problem(message="this applicant is ranked twice for the post",
                        kind="duplicate_rank", value=entry.person,
                        expected="one rank per post and applicant",
                        message_zh="同一报名者在该岗位被排名两次",
                        expected_zh="每个岗位对每位报名者只排名一次",
                        **cell_at(instance, "rankings", index, "person"))
            )
            continue
        seen[key] = index
        ranked_by_post[entry.post].add(entry.person)
        if key not in applicants:
            problems.append(
                Problem(message=f"{entry.person} is ranked for post {entry.post} but did not apply "
                        "to it", kind="ranked_non_applicant", value=entry.person,
                        expected="only people who chose the post",
                        message_zh=f"{entry.person} 未报名岗位 {entry.post}，却有评审排名",
                        expected_zh="只为报名该岗位的人员排名",
                        **cell_at(instance, "rankings", index, "person"))
            )
    for index, choice in enumerate(instance.choices):
        ranked = ranked_by_post.get(choice.post)
        if ranked is not None and choice.person not in ranked:
            problems.append(
                Problem(message=f"post {choice.post} has a panel ranking that leaves out applicant "
                        f"{choice.person}", kind="unranked_applicant", value=choice.person,
                        expected="rank every applicant of the post, or none (the policy's "
                        "scoring rule then ranks them)",
                        message_zh=f"岗位 {choice.post} 的评审排名遗漏了报名者 {choice.person}",
                        expected_zh="为该岗位全部报名者排名，或都不排名（由政策的评分规则排名）",
                        **cell_at(instance, "choices", index, "post"))
            )
    return problems


def _populations(instance: Instance) -> list[Problem]:
    problems = []
    totals: Counter[str] = Counter()
    for inst in instance.institutions:
        if inst.tier is Tier.VILLAGE and inst.parent:
            totals[inst.parent] += inst.population
    for index, inst in enumerate(instance.institutions):
        if inst.tier is Tier.TOWNSHIP and totals[inst.id] > inst.population:
            problems.append(
                Problem(message=f"its villages' population ({totals[inst.id]}) exceeds the "
                        "township's own figure", kind="population", value=inst.population,
                        expected=f"at least {totals[inst.id]}", severity="warning",
                        message_zh=f"所辖村的人口合计（{totals[inst.id]}）超过乡镇本身的人口数",
                        expected_zh=f"不少于 {totals[inst.id]}",
                        **cell_at(instance, "institutions", index, "population"))
            )
    return problems


def structural_problems(instance: Instance) -> list[Problem]:
    """Every cross-table problem of an instance, policy aside."""
    problems: list[Problem] = table_problems(instance)
    for table in ("institutions", "posts", "staff"):
        problems.extend(_duplicate_ids(instance, table))
    problems.extend(_institution_tree(instance))
    problems.extend(_posts_and_staff(instance))
    problems.extend(_choices(instance))
    problems.extend(_rankings(instance))
    problems.extend(_populations(instance))
    problems.extend(directed_problems(instance))
    problems.extend(plan_tables.table_problems(instance))
    return problems
