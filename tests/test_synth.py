"""Tests that the instance generator makes valid, deterministic, calibrated and realistic rounds."""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from staffing.check import check
from staffing.domain.enums import Tier, Title
from staffing.domain.instance import Instance
from staffing.domain.roster import Assignment, Roster
from staffing.indicators import indicators
from staffing.io.bundle import instance_json, load, save
from staffing.io.roster_io import read_roster
from staffing.policy.fit import validate
from staffing.policy.load import load_policy
from staffing.rules.eligibility import Eligibility
from staffing.synth import generate

ROOT = Path(__file__).resolve().parents[1]
POLICIES = [load_policy(path) for path in sorted((ROOT / "models").glob("*.yaml"))]
DEMO = ROOT / "instances" / "demo-county"
ROTATION = "rotation_before_senior"


@cache
def instance(staff: int, seed: int) -> Instance:
    return generate(staff=staff, seed=seed)


def errors(inst: Instance) -> list[str]:
    """Every validation error of the instance under every policy model."""
    return [f"{policy.name}: {p}" for policy in POLICIES for p in validate(inst, policy)
            if p.severity == "error"]


def hard_violations(inst: Instance, roster: Roster) -> Counter[tuple[str, str]]:
    """(policy, rule) -> number of hard violations of the roster."""
    found: Counter[tuple[str, str]] = Counter()
    for policy in POLICIES:
        for violation in check(inst, policy, roster).hard_violations:
            found[(policy.name, violation.rule)] += 1
    return found


def rotation_bound(inst: Instance) -> list[str]:
    return [p.id for p in inst.staff if p.promotion_candidate and p.grassroots_months < 12]


def free_places(inst: Instance) -> dict[str, int]:
    held = Counter(p.current_post for p in inst.staff if p.current_post)
    return {post.id: post.places - held[post.id] for post in inst.posts}


def rotated_roster(inst: Instance) -> Roster:
    """The current roster with every rotation-bound candidate moved to a free grassroots place.

    Places are matched to candidates by augmenting paths, so the move exists whenever the
    generator kept a free eligible grassroots place for each candidate.
    """
    eligible = Eligibility(Eligibility.Params()).eligible_matrix(inst)
    index = inst.arrays
    free = {post: n for post, n in free_places(inst).items()
            if n > 0 and inst.tier_of_post(post).is_grassroots}
    options = {person: [post for post in free
                        if eligible[index.person_index[person], index.post_index[post]]]
               for person in rotation_bound(inst)}
    holder: dict[tuple[str, int], str] = {}

    def place(person: str, seen: set[tuple[str, int]]) -> bool:
        for post in options[person]:
            for slot in ((post, k) for k in range(free[post])):
                if slot not in seen:
                    seen.add(slot)
                    if slot not in holder or place(holder[slot], seen):
                        holder[slot] = person
                        return True
        return False

    for person in options:
        assert place(person, set()), f"no free grassroots place for {person}"
    moved = {person: post for (post, _), person in holder.items()}
    return Roster(assignments=[
        Assignment(person=p.id, post=moved.get(p.id, p.current_post), pool=p.pool)
        for p in inst.staff
    ])


def indicator_values(inst: Instance) -> dict[str, float]:
    """Indicators of the current roster (every one defined for a generated instance)."""
    values = {i.key: i.value for i in indicators(inst, Roster.current(inst))}
    return {key: float(value) for key, value in values.items() if value is not None}


def tier_now(inst: Instance, person_id: str) -> Tier | None:
    """Tier of a person's current post (None without one)."""
    post = inst.person_by_id[person_id].current_post
    return inst.tier_of_post(post) if post else None


# ----------------------------------------------------------------------------- determinism


def test_same_seed_gives_the_same_instance() -> None:
    """Tests that one seed always gives an identical instance and another seed a different one."""
    first = instance_json(generate(staff=300, seed=4))
    assert instance_json(generate(staff=300, seed=4)) == first
    assert instance_json(generate(staff=300, seed=5)) != first


def test_people_count_and_parameters_are_honoured() -> None:
    """Tests that the instance has exactly the people asked for, the name and the choice limit."""
    inst = generate(staff=250, seed=3, max_choices=2, name="county-x")
    assert len(inst.staff) == 250
    assert inst.meta.name == "county-x"
    assert max(c.rank for c in inst.choices) <= 2
    with pytest.raises(ValueError):
        generate(staff=4, seed=1)


# ----------------------------------------------------------------------------- validity


@pytest.mark.parametrize("staff", [5, 15, 40, 120, 600])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_instance_is_valid_under_every_policy(staff: int, seed: int) -> None:
    """Tests that instances of every size validate with no error under every policy model."""
    inst = instance(staff, seed)
    assert errors(inst) == []
    tiers = Counter(i.tier for i in inst.institutions)
    assert tiers[Tier.COUNTY] >= 1 and tiers[Tier.TOWNSHIP] >= 1 and tiers[Tier.VILLAGE] >= 1


def test_bundle_round_trip(tmp_path: Path) -> None:
    """Tests that a generated instance saved as a folder loads back identical."""
    inst = instance(120, 1)
    save(inst, tmp_path / "county")
    assert instance_json(load(tmp_path / "county")) == instance_json(inst)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(staff=st.integers(5, 60), seed=st.integers(0, 2**32 - 1))
def test_small_instances_are_valid_and_feasible(staff: int, seed: int) -> None:
    """Tests that any small instance validates and has a roster that obeys every hard rule."""
    inst = generate(staff=staff, seed=seed)
    assert errors(inst) == []
    assert hard_violations(inst, rotated_roster(inst)) == Counter()


# ----------------------------------------------------------------------------- current roster


@pytest.mark.parametrize(("staff", "seed"), [(30, 0), (200, 1), (600, 2), (1500, 3)])
def test_current_roster_breaks_only_the_rotation_rule(staff: int, seed: int) -> None:
    """Tests that the current roster breaks no hard rule but rotation_before_senior."""
    inst = instance(staff, seed)
    found = hard_violations(inst, Roster.current(inst))
    assert {rule for _, rule in found} <= {ROTATION}
    bound_at_county = sum(tier_now(inst, p) is Tier.COUNTY for p in rotation_bound(inst))
    for policy in POLICIES:
        if policy.has(ROTATION):
            assert found[(policy.name, ROTATION)] == bound_at_county


@pytest.mark.parametrize(("staff", "seed"), [(600, 2), (1500, 3)])
def test_rotating_the_bound_candidates_gives_a_feasible_roster(staff: int, seed: int) -> None:
    """Tests that each rotation-bound candidate has a free eligible grassroots place."""
    inst = instance(staff, seed)
    assert rotation_bound(inst)
    assert hard_violations(inst, rotated_roster(inst)) == Counter()


def test_special_people_are_well_formed() -> None:
    """Tests that recruits, city-dispatched staff and incumbents carry consistent fields."""
    inst = instance(600, 2)
    free = free_places(inst)
    eligible = Eligibility(Eligibility.Params()).eligible_matrix(inst)
    index = inst.arrays
    for p in inst.staff:
        if p.new_recruit:
            assert p.pool is None and p.current_post is None
        elif p.city_dispatched:
            assert p.pool is None and p.title.level >= Title.INTERMEDIATE.level
            assert p.dispatch_months >= 12
            assert tier_now(inst, p.id) in (Tier.COUNTY, Tier.TOWNSHIP)
            rooms = [post.id for post in inst.posts
                     if free[post.id] > 0 and inst.tier_of_post(post.id) is not Tier.VILLAGE
                     and eligible[index.person_index[p.id], index.post_index[post.id]]]
            assert rooms, f"{p.id} has no eligible post with room besides their own"
        else:
            assert p.pool is not None and p.current_post is not None
    assert sum(p.city_dispatched for p in inst.staff) >= 1


def test_places_leave_room_for_recruits() -> None:
    """Tests that 5-10% of places stay free once every recruit is placed."""
    for staff, seed in ((600, 2), (1500, 3)):
        inst = instance(staff, seed)
        places = sum(post.places for post in inst.posts)
        taken = sum(1 for p in inst.staff if p.current_post) + sum(
            p.new_recruit for p in inst.staff)
        assert 0.05 <= (places - taken) / places <= 0.10


# ----------------------------------------------------------------------------- calibration


@pytest.mark.parametrize(("staff", "seed"), [(600, 2), (600, 7), (1500, 3)])
def test_figures_follow_the_public_targets(staff: int, seed: int) -> None:
    """Tests that staff density, GP density, doctor:nurse and title shares are in range."""
    inst = instance(staff, seed)
    figures = indicator_values(inst)
    assert 2.6 <= figures["grassroots_per_1k"] <= 3.5
    assert 2.0 <= figures["gp_per_10k"] <= 3.5
    assert 1.08 <= figures["doctor_nurse"] <= 1.30
    assert 0.22 <= figures["intermediate_share"] <= 0.38
    assert 0.06 <= figures["senior_share"] <= 0.15
    assert 0.65 <= figures["college_share"] <= 0.82
    assert 0.25 <= figures["bachelor_share"] <= 0.42
    placed = [p.id for p in inst.staff if p.current_post]
    county = sum(tier_now(inst, p) is Tier.COUNTY for p in placed)
    assert 0.48 <= county / len(placed) <= 0.62


def test_villages_and_townships_look_like_a_county() -> None:
    """Tests that villages vary in size and distance and townships keep the headcount band.

    15-60% of villages are under 800 people, some within 5 km and some beyond 10 km, hardship
    classes 0-2 occur, and each township has 1.2-1.7 per mille of headcount and a team.
    """
    inst = instance(1500, 3)
    villages = [i for i in inst.institutions if i.tier is Tier.VILLAGE]
    assert 0.15 <= sum(v.population < 800 for v in villages) / len(villages) <= 0.6
    assert any(v.distance_km <= 5 for v in villages) and any(v.distance_km > 10 for v in villages)
    assert {i.hardship for i in inst.institutions if i.tier is not Tier.COUNTY} >= {0, 1, 2}
    for town in (i for i in inst.institutions if i.tier is Tier.TOWNSHIP):
        assert 1.2 <= town.headcount_grassroots / town.population * 1000 <= 1.7 + 1e-9
        assert town.fd_teams >= 1


# ----------------------------------------------------------------------------- choices


def test_choices_look_like_a_real_selection() -> None:
    """Tests that choices look like a real selection.

    Lead-hospital posts draw over three applicants a free place, at least half of the remote
    village posts draw none, every recruit applies and 35-65% of incumbents do.
    """
    inst = instance(1500, 3)
    applicants = inst.applicants_of
    free = free_places(inst)
    lead = inst.institutions[0].id
    lead_posts = [post.id for post in inst.posts if post.institution == lead]
    lead_applications = sum(len(applicants.get(post, [])) for post in lead_posts)
    assert lead_applications > 3 * sum(free[post] for post in lead_posts)
    remote = [post.id for post in inst.posts if inst.tier_of_post(post.id) is Tier.VILLAGE
              and (inst.institution_of_post(post.id).hardship >= 2
                   or inst.institution_of_post(post.id).distance_km > 10)]
    assert sum(post not in applicants for post in remote) >= len(remote) / 2
    assert all(inst.applied(p.id) for p in inst.staff if p.new_recruit)
    incumbents = [p for p in inst.staff if p.is_incumbent]
    assert 0.35 <= sum(inst.applied(p.id) for p in incumbents) / len(incumbents) <= 0.65


def test_some_bound_candidates_hold_out_for_county_posts() -> None:
    """Tests that some rotation-bound candidates choose only county posts."""
    inst = instance(600, 2)
    county_only = [
        person for person in rotation_bound(inst)
        if inst.applied(person)
        and all(inst.tier_of_post(post) is Tier.COUNTY for post in inst.choices_of[person])
    ]
    assert county_only


def test_panels_rank_every_applicant_of_the_posts_they_rank() -> None:
    """Tests that most posts are ranked, some are not, and ranked posts rank all applicants."""
    inst = instance(600, 2)
    applied = inst.applicants_of
    ranked = inst.ranked_posts
    assert 0.5 <= len(ranked) / len(applied) < 1.0
    by_post: dict[str, list[int]] = {}
    for entry in inst.rankings:
        by_post.setdefault(entry.post, []).append(entry.rank)
    for post, ranks in by_post.items():
        assert len(ranks) == len(applied[post]) and min(ranks) == 1
    assert any(len(set(ranks)) < len(ranks) for ranks in by_post.values())


# ----------------------------------------------------------------------------- demo bundle


def test_demo_county_bundle() -> None:
    """Tests that the bundled demo has its shape, validates and stores its current roster.

    It has 2 county hospitals, 6 townships, 55-65 villages and 570-630 people with choices
    and rankings, no validation error under any model, and current_roster.csv equal to the
    roster of current posts.
    """
    inst = load(DEMO)
    assert inst.meta.name == "demo-county"
    tiers = Counter(i.tier for i in inst.institutions)
    assert tiers[Tier.COUNTY] == 2 and tiers[Tier.TOWNSHIP] == 6
    assert 55 <= tiers[Tier.VILLAGE] <= 65
    assert 570 <= len(inst.staff) <= 630 and inst.choices and inst.rankings
    assert errors(inst) == []
    stored = read_roster(DEMO / "current_roster.csv", inst)
    assert stored.assignments == Roster.current(inst).assignments
