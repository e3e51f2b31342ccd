"""family_doctor_teams: each grassroots centre can form its required number of family-doctor teams.

A team is a GP at the core with a community nurse and public-health staff
(Luohu adds a health manager) [Luohu, Guangdong]. A township centre that must
form ``fd_teams`` teams needs, for each role, ``fd_teams x composition[role]``
people placed at posts with that team role, at the centre or (with
``include_villages``) at its village clinics.
"""

from __future__ import annotations

from pydantic import Field, field_validator

from staffing.domain.arrays import ROLES
from staffing.domain.enums import TeamRole, Tier
from staffing.domain.instance import Instance, Institution
from staffing.errors import Invalid
from staffing.rules.base import Around, Placement, Rule, RuleModel, RuleParams, Violation


class FamilyDoctorTeamsParams(RuleParams):
    composition: dict[TeamRole, int] = Field(
        default_factory=lambda: {TeamRole.GP: 1, TeamRole.NURSE: 1, TeamRole.PUBLIC_HEALTH: 1}
    )
    include_villages: bool = True

    @field_validator("composition")
    @classmethod
    def _roles(cls, value: dict[TeamRole, int]) -> dict[TeamRole, int]:
        if TeamRole.NONE in value:
            raise Invalid("'none' is not a team role", "“none”不是团队角色",
                          expected="gp, nurse, public_health or health_manager",
                          expected_zh="gp、nurse、public_health 或 health_manager")
        if any(n < 0 for n in value.values()):
            raise Invalid("team composition counts must be >= 0", "团队组成人数不能为负数",
                          expected="a number >= 0", expected_zh="不小于 0 的数")
        return value


class FamilyDoctorTeams(Rule[FamilyDoctorTeamsParams]):
    name = "family_doctor_teams"
    label_zh = "家庭医生团队"
    label_en = "family-doctor teams"
    description = "each grassroots centre can form its required number of family-doctor teams"
    Params = FamilyDoctorTeamsParams
    soft_capable = True

    def area(self, instance: Instance, centre: Institution) -> list[str]:
        """Institutions whose staff can join the centre's teams."""
        villages = instance.villages_of.get(centre.id, []) if self.params.include_villages else []
        return [centre.id, *(v.id for v in villages)]

    @staticmethod
    def centres(instance: Instance) -> list[Institution]:
        return [i for i in instance.institutions if i.tier is Tier.TOWNSHIP and i.fd_teams > 0]

    def check(self, placement: Placement) -> list[Violation]:
        return self._check(placement, self.centres(placement.instance))

    def check_around(self, placement: Placement, around: Around) -> list[Violation]:
        """The centres whose area holds an institution the move changes."""
        instance = placement.instance
        touched = set(around.institutions)
        near = touched | {i.parent for i in around.institution_rows(instance) if i.parent}
        return self._check(placement, [c for c in self.centres(instance) if c.id in near
                                       and touched.intersection(self.area(instance, c))])

    def _check(self, placement: Placement, centres: list[Institution]) -> list[Violation]:
        instance = placement.instance
        violations = []
        for centre in centres:
            area = self.area(instance, centre)
            for role, per_team in self.params.composition.items():
                needed = centre.fd_teams * per_team
                have = sum(
                    len(placement.holders(post.id))
                    for inst in area
                    for post in instance.posts_of_institution.get(inst, [])
                    if post.team_role is role
                )
                if have < needed:
                    violations.append(
                        self.violation(
                            f"{centre.id} must form {centre.fd_teams} family-doctor teams and has "
                            f"{have} {role.value} staff of {needed} needed",
                            amount=needed - have, institutions=(centre.id,),
                            numbers={"teams": centre.fd_teams, "role": role.value, "have": have,
                                     "needed": needed},
                        )
                    )
        return violations

    def emit(self, model: RuleModel) -> None:
        a = model.arrays
        for centre in self.centres(model.instance):
            area = self.area(model.instance, centre)
            for role, per_team in self.params.composition.items():
                if per_team == 0:
                    continue
                role_posts = a.post_role == ROLES.index(role)
                pairs = model.pairs_at_institutions(area, post_mask=role_posts)
                model.at_least(
                    self, (centre.id, role.value), model.total(pairs), centre.fd_teams * per_team,
                    unit="team members", institutions=(centre.id,),
                    detail=f"{centre.id} forms {centre.fd_teams} teams: "
                    f"{centre.fd_teams * per_team} {role.value} staff",
                )
