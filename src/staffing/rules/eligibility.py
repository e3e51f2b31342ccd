"""eligibility: a person may hold a post only with the licence, discipline and title it requires."""

from __future__ import annotations

import numpy as np
from pydantic import Field

from staffing.domain.arrays import requirement_matrix
from staffing.domain.enums import Discipline
from staffing.domain.instance import Instance
from staffing.errors import Problem
from staffing.rules.base import PairRule, RuleParams


class EligibilityParams(RuleParams):
    discipline_equivalents: dict[Discipline, list[Discipline]] = Field(
        default_factory=dict,
        description="post discipline -> person disciplines it also accepts",
    )


class Eligibility(PairRule[EligibilityParams]):
    name = "eligibility"
    label_zh = "任职资格"
    label_en = "eligibility"
    description = "a person may hold a post only with the licence, discipline and title it requires"
    Params = EligibilityParams
    always_on = True
    absolute = True

    def eligible_matrix(self, instance: Instance) -> np.ndarray:
        """people x posts: True where the person meets the post's requirements."""
        return self.cached(instance, "eligible", lambda: self._eligible(instance))

    def forbidden_pairs(self, instance: Instance) -> np.ndarray:
        return self.cached(instance, "forbidden", lambda: ~self.eligible_matrix(instance))

    def _eligible(self, instance: Instance) -> np.ndarray:
        return requirement_matrix(instance.arrays, self.params.discipline_equivalents)

    def describe_forbidden(self, instance: Instance, person_id: str, post_id: str) -> str:
        return f"{person_id} is not eligible for post {post_id}: " + "; ".join(
            self.shortfalls(instance, person_id, post_id)
        )

    def shortfalls(self, instance: Instance, person_id: str, post_id: str,
                   lang: str = "en") -> list[str]:
        """Each requirement of the post the person does not meet, in words (``lang`` zh or en)."""
        zh = lang == "zh"
        person = instance.person_by_id[person_id]
        post = instance.post_by_id[post_id]
        accepted = {post.discipline, *post.accepts,
                    *self.params.discipline_equivalents.get(post.discipline, [])}
        missing = []
        if person.discipline not in accepted:
            missing.append(
                f"专业{person.discipline.zh}不符（接受："
                f"{'、'.join(sorted(d.zh for d in accepted))}）" if zh else
                f"discipline {person.discipline.value} not accepted "
                f"(accepts {', '.join(sorted(d.value for d in accepted))})"
            )
        if not person.licence.satisfies(post.licence):
            missing.append(f"要求执业资格{post.licence.zh}，本人为{person.licence.zh}" if zh else
                           f"requires licence {post.licence.value}, holds {person.licence.value}")
        if person.title.level < post.min_title.level:
            missing.append(f"要求职称{post.min_title.zh}，本人为{person.title.zh}" if zh else
                           f"requires title {post.min_title.value}, holds {person.title.value}")
        return missing

    def validate_instance(self, instance: Instance) -> list[Problem]:
        """A choice of a post the person is not eligible for is an input error."""
        if not instance.choices:
            return []
        a = instance.arrays
        eligible = self.eligible_matrix(instance)
        problems = []
        for index, choice in enumerate(instance.choices):
            i, j = a.person_index.get(choice.person), a.post_index.get(choice.post)
            if i is None or j is None or eligible[i, j]:
                continue
            source, row = instance.locate("choices", index)
            reasons = "; ".join(self.shortfalls(instance, choice.person, choice.post))
            problems.append(
                Problem(source,
                        f"{choice.person} is not eligible for post {choice.post}: {reasons}",
                        kind="ineligible_choice", row=row, column="post", value=choice.post,
                        expected="a post whose discipline, licence and title the person meets",
                        message_zh=f"{choice.person} 不符合岗位 {choice.post} 的要求：" + "；".join(
                            self.shortfalls(instance, choice.person, choice.post, "zh")),
                        expected_zh="本人专业、执业资格和职称均符合要求的岗位")
            )
        return problems

