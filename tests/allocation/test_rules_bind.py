"""Tests that each rule of the catalogue, emitted into the model, changes the roster where it binds.

Each test solves a small hand-made community with the rule and, where the rule
can be left out, without it, and checks both rosters against the checker.
"""

from __future__ import annotations

import staffing
from staffing.allocation.reasons import Explainer
from staffing.errors import InfeasibleError
from tests.allocation.builders import community, policy, posts_of, solve


def test_capacity_keeps_the_best_ranked_applicant() -> None:
    """Tests that a one-place post goes to the applicant its panel ranked first."""
    inst = community([{"id": "A", "institution": "H"}],
                     [{"id": "a"}, {"id": "b"}], {"a": ["A"], "b": ["A"]}, {"A": ["b", "a"]})
    roster = solve(inst, policy(stability={}))
    assert posts_of(roster) == {"a": None, "b": "A"}
    reason = Explainer(inst, policy(stability={}), roster).not_given("a", "A", 1)
    assert reason.code == "filled_by_higher_ranked"
    assert reason.numbers["lowest_rank_admitted"] == 1


def _village_setup(tours: int) -> tuple[staffing.Instance, staffing.Policy]:
    inst = community(
        [{"id": "H-IM", "institution": "H"}, {"id": "T-IM", "institution": "T", "places": 2},
         {"id": "T-NUR", "institution": "T", "discipline": "nursing", "licence": "nurse"},
         {"id": "V-DOC", "institution": "V", "discipline": "general_practice",
          "licence": "village_doctor", "accepts": "internal_medicine"},
         {"id": "W-DOC", "institution": "W", "discipline": "general_practice",
          "licence": "village_doctor"}],
        [{"id": "d", "current_post": "T-IM"}, {"id": "t", "current_post": "T-IM"},
         {"id": "n", "discipline": "nursing", "licence": "nurse", "current_post": "T-NUR"},
         {"id": "w", "discipline": "general_practice", "licence": "village_doctor",
          "pool": "off_establishment", "current_post": "W-DOC"}],
        {"d": ["H-IM"]},
    )
    rules = policy(village_coverage={"tour_max_villages": tours}, continuity={}, stability={})
    return inst, rules


def test_village_coverage_directs_an_eligible_doctor() -> None:
    """Tests that an uncovered village gets an eligible doctor from its township (never the
    ineligible nurse), even against that doctor's choice, and the reason names the rule."""
    inst, rules = _village_setup(tours=0)
    roster = solve(inst, rules)
    placed = posts_of(roster)
    assert placed["n"] == "T-NUR"
    assert "V-DOC" in (placed["d"], placed["t"])
    without = solve(inst, rules.without_rule("village_coverage"))
    assert posts_of(without)["d"] == "H-IM"
    assert "V-DOC" not in posts_of(without).values()


def test_village_coverage_accepts_a_named_tour_doctor() -> None:
    """Tests that a small near village may be toured by a doctor placed at its township."""
    inst, rules = _village_setup(tours=1)
    roster = solve(inst, rules)
    assert posts_of(roster)["d"] == "H-IM"
    assert roster.tours == {"V": "t"}


def test_min_staffing_pulls_an_applicant_to_a_floor() -> None:
    """Tests that a soft floor is met with a second choice, at the cost of a blocking pair."""
    inst = community([{"id": "X", "institution": "H"}, {"id": "Y", "institution": "T", "floor": 1}],
                     [{"id": "p"}], {"p": ["X", "Y"]})
    with_rule = solve(inst, policy(min_staffing={"hard": False}, stability={}))
    assert posts_of(with_rule)["p"] == "Y"
    assert staffing.check(inst, policy(min_staffing={"hard": False}, stability={}),
                          with_rule).blocking_pairs == 1
    assert posts_of(solve(inst, policy(stability={})))["p"] == "X"


def _pool_institutions(county: int, grassroots: int) -> list[dict]:
    return [{"id": "H", "tier": "county", "headcount_county": county},
            {"id": "T", "tier": "township", "parent": "H", "population": 20_000,
             "headcount_grassroots": grassroots}]


def test_headcount_pools_limit_recruits() -> None:
    """Tests that recruits are placed only while their pool has room, on the pool with room."""
    inst = community([{"id": "A", "institution": "H", "places": 3}],
                     [{"id": r, "new_recruit": True, "pool": None} for r in ("r1", "r2", "r3")],
                     {r: ["A"] for r in ("r1", "r2", "r3")}, {"A": ["r1", "r2", "r3"]},
                     institutions=_pool_institutions(county=1, grassroots=1))
    roster = solve(inst, policy(headcount_pools={}, stability={}))
    placed = {a.person: a.pool.value for a in roster.assignments if a.post}
    assert placed == {"r1": "county", "r2": "grassroots"} or placed == {
        "r1": "grassroots", "r2": "county"}
    assert len([a for a in solve(inst, policy(stability={})).assignments if a.post]) == 3


def test_township_headcount_norm_caps_established_staff() -> None:
    """Tests that a hard norm stops a township taking more established staff than b per mille."""
    institutions = [{"id": "H", "tier": "county", "headcount_county": 9},
                    {"id": "T", "tier": "township", "parent": "H", "population": 2000,
                     "headcount_grassroots": 9}]
    inst = community([{"id": "T-IM", "institution": "T", "places": 3}],
                     [{"id": x} for x in "abc"], {x: ["T-IM"] for x in "abc"},
                     {"T-IM": ["a", "b", "c"]}, institutions=institutions)
    rules = policy(township_headcount_norm={"hard": True, "min_per_mille": 0, "max_per_mille": 1.0},
                   stability={})
    assert sorted(p for p in posts_of(solve(inst, rules)).values() if p) == ["T-IM", "T-IM"]
    assert len([p for p in posts_of(solve(inst, policy(stability={}))).values() if p]) == 3


def _structure_setup(second: dict) -> staffing.Instance:
    juniors = [{"id": f"j{k}", "current_post": "T-IM"} for k in range(6)]
    seniors = [{"id": "s1", "title": "associate_senior"},
               {"id": "s2", "title": "associate_senior", **second}]
    return community([{"id": "T-IM", "institution": "T", "places": 6},
                      {"id": "T-SEN", "institution": "T", "grade": "associate_senior", "places": 2,
                       "accepts": "general_practice"}],
                     juniors + seniors, {"s1": ["T-SEN"], "s2": ["T-SEN"]},
                     {"T-SEN": ["s1", "s2"]})


def test_post_structure_caps_senior_posts() -> None:
    """Tests that the senior cap admits one senior of eight professionals, and that a GP is
    exempt where the policy says so."""
    rules = {"post_structure": {"senior_max_share": 0.15, "intermediate_min_share": None},
             "continuity": {}, "stability": {}}
    capped = solve(_structure_setup({}), policy(**rules))
    assert list(posts_of(capped).values()).count("T-SEN") == 1
    exempt_rules = {**rules, "post_structure": {**rules["post_structure"], "gp_exempt": True}}
    gp = _structure_setup({"discipline": "general_practice"})
    assert list(posts_of(solve(gp, policy(**exempt_rules))).values()).count("T-SEN") == 2
    assert list(posts_of(solve(gp, policy(**rules))).values()).count("T-SEN") == 1


def test_rotation_sends_a_candidate_to_grassroots() -> None:
    """Tests that a promotion candidate without a grassroots year who chose only a county post
    is placed at the township, and that the reason names the rule."""
    inst = community([{"id": "A", "institution": "H"}, {"id": "H-IM", "institution": "H"},
                      {"id": "T-IM", "institution": "T"}],
                     [{"id": "c", "promotion_candidate": True, "grassroots_months": 4,
                       "pool": "county", "current_post": "H-IM"}], {"c": ["A"]})
    rules = policy(rotation_before_senior={}, continuity={}, stability={})
    roster = solve(inst, rules)
    assert posts_of(roster)["c"] == "T-IM"
    reason = Explainer(inst, rules, roster).not_given("c", "A", 1)
    assert reason.code == "rule_forbids" and reason.rules == ("rotation_before_senior",)
    assert posts_of(solve(inst, policy(continuity={}, stability={})))["c"] == "A"


def test_county_hired_township_used_share() -> None:
    """Tests that new physician recruits go to the township on county headcount when the share
    requires it."""
    inst = community([{"id": "A", "institution": "H", "places": 2},
                      {"id": "B", "institution": "T", "places": 2}],
                     [{"id": r, "new_recruit": True, "pool": None} for r in ("r1", "r2")],
                     {"r1": ["A", "B"], "r2": ["A", "B"]})
    rules = policy(county_hired_township_used={"hard": True, "min_share": 1.0},
                   headcount_pools={}, stability={})
    roster = solve(inst, rules)
    assert {(a.post, a.pool.value) for a in roster.assignments} == {("B", "county")}
    assert {a.post for a in solve(inst, policy(stability={})).assignments} == {"A"}


def test_city_dispatch_places_dispatched_staff_in_allowed_tiers() -> None:
    """Tests that a city-dispatched specialist is placed, and never at a village."""
    inst = community([{"id": "T-IM", "institution": "T"},
                      {"id": "V-DOC", "institution": "V", "licence": "village_doctor"}],
                     [{"id": "x", "city_dispatched": True, "dispatch_months": 12, "pool": None,
                       "title": "intermediate"}], {"x": ["V-DOC"]})
    roster = solve(inst, policy(city_dispatch={}, stability={}))
    assert posts_of(roster)["x"] == "T-IM"
    assert posts_of(solve(inst, policy(stability={})))["x"] == "V-DOC"


def test_family_doctor_teams_need_their_roles() -> None:
    """Tests that a township that must form a team gets its nurse."""
    institutions = [{"id": "H", "tier": "county", "headcount_county": 5},
                    {"id": "T", "tier": "township", "parent": "H", "population": 5000,
                     "headcount_grassroots": 5, "fd_teams": 1}]
    inst = community([{"id": "H-NUR", "institution": "H", "discipline": "nursing",
                       "licence": "nurse"},
                      {"id": "T-NUR", "institution": "T", "discipline": "nursing",
                       "licence": "nurse", "team_role": "nurse"}],
                     [{"id": "n", "discipline": "nursing", "licence": "nurse"}],
                     {"n": ["H-NUR", "T-NUR"]}, institutions=institutions)
    rules = policy(family_doctor_teams={"composition": {"nurse": 1}, "hard": True}, stability={})
    assert posts_of(solve(inst, rules))["n"] == "T-NUR"
    assert posts_of(solve(inst, policy(stability={})))["n"] == "H-NUR"


def test_continuity_gives_tenure_to_non_applicants() -> None:
    """Tests that a non-applicant keeps the post an applicant wanted, and loses it without the
    continuity rule."""
    inst = community([{"id": "P", "institution": "H"}],
                     [{"id": "h", "current_post": "P"}, {"id": "a"}], {"a": ["P"]}, {"P": ["a"]})
    with_rule = solve(inst, policy(continuity={}, stability={}))
    assert posts_of(with_rule) == {"h": "P", "a": None}
    reason = Explainer(inst, policy(continuity={}, stability={}), with_rule).not_given("a", "P", 1)
    assert reason.numbers["lowest_rank_admitted"] == "tenure"
    assert posts_of(solve(inst, policy(stability={}))) == {"h": None, "a": "P"}


def test_stability_soft_counts_and_hard_refuses_blocking_pairs() -> None:
    """Tests that a hard floor against a free first choice leaves one blocking pair when
    stability is soft, and is explained by both rules when stability is hard."""
    inst = community([{"id": "X", "institution": "H"}, {"id": "Y", "institution": "T", "floor": 1}],
                     [{"id": "p"}], {"p": ["X", "Y"]})
    soft = policy(min_staffing={"hard": True}, stability={})
    roster = solve(inst, soft)
    assert staffing.check(inst, soft, roster).blocking_pairs == 1
    hard = policy(min_staffing={"hard": True}, stability={"hard": True})
    try:
        staffing.allocate(inst, hard, time_limit=10)
    except InfeasibleError as error:
        assert error.explanation.rules == ["min_staffing", "stability"]
        assert error.explanation.minimal
    else:
        raise AssertionError("expected an infeasible policy")
