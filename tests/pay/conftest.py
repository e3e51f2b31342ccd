"""Fixtures of the pay tests: the demo county with pay tables, a rotated roster, the models."""

from __future__ import annotations

from pathlib import Path

import pytest

import staffing
from staffing.domain.enums import Tier
from staffing.domain.roster import Assignment, Roster
from staffing.pay.synth import with_pay_tables

ROOT = Path(__file__).resolve().parents[2]
MODELS = sorted((ROOT / "models").glob("*.yaml"))


@pytest.fixture(scope="session")
def demo() -> staffing.Instance:
    """The demo county with synthetic pay tables."""
    return with_pay_tables(staffing.load(ROOT / "instances" / "demo-county"), 2025)


@pytest.fixture(scope="session")
def demo_roster(demo: staffing.Instance) -> Roster:
    """Everyone at their current post, except six county staff rotated to township posts."""
    township_posts = [p.id for p in demo.posts if demo.tier_of_post(p.id) is Tier.TOWNSHIP]
    county = [p for p in demo.staff if p.current_post
              and demo.tier_of_post(p.current_post) is Tier.COUNTY]
    moved = {p.id: township_posts[k * 7 % len(township_posts)] for k, p in enumerate(county[:6])}
    return Roster(assignments=[
        Assignment(person=p.id, post=moved.get(p.id, p.current_post), pool=p.pool)
        for p in demo.staff])


@pytest.fixture(scope="session")
def models() -> dict[str, staffing.Policy]:
    """Every policy model of ``models/``, by file stem."""
    return {path.stem: staffing.load_policy(path) for path in MODELS}
