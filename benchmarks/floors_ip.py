"""Section 3: two-way selection with floors, the engine against matchingproblems' integer program.

Instances: `plain_market` with panel ties (``ties=True``: applicants ranked in
tied pairs), posts = people / 4 (1-3 places), up to 5 choices, plus floors
(lower quotas) that a weakly stable roster is known to meet: break the panel
ties at random, run the reference person-proposing deferred acceptance, and
give every post a floor equal to the number of people that roster placed
there. With ties, weakly stable rosters differ in who is
placed where and how many, so the floors bind and the best profile among
stable rosters that meet them needs a search.

Both solve the same problem: every hard floor met, no blocking pair (weak
stability with ties), then the greedy rank profile (most first choices,
then most second choices, ...). The engine: `staffing.allocate` with
``stability`` and ``min_staffing`` hard, objective ``rank_profile``.
``matchingproblems`` 1.2 (``-na 2 -twopl -stab -gre 1``: one CBC solve per
rank) runs in its own virtual environment (``benchmarks/.venv-matchingproblems``,
created on first use) through `benchmarks/floors_ip_worker.py`, because it
pins numpy 1.26.4 and PuLP 2.9.0, which break OR-Tools in the same
environment. Its rosters are checked here with `staffing.check` too.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import ROOT, Settings, log, md_table, num, run_json, short_machine, today

VENV = ROOT / "benchmarks" / ".venv-matchingproblems"
WORKER = ROOT / "benchmarks" / "floors_ip_worker.py"
PACKAGE = "matchingproblems==1.2"
COLUMNS = ["date", "machine", "people", "posts", "places", "floors", "floor_places",
           "engine_status", "engine_s", "engine_profile", "free_profile", "floors_bind",
           "ip_status", "ip_s", "ip_read_s",
           "ip_solve_s", "ip_variables", "ip_constraints", "ip_profile", "ratio",
           "same_profile", "same_roster", "engine_check_ok", "ip_check_ok",
           "ip_blocking_pairs", "ip_stable_own_check", "note"]


def venv_python() -> Path:
    return VENV / "bin" / "python"


def ensure_venv(create: bool) -> str | None:
    """The venv's state: None when ready, else why it cannot be used."""
    if venv_python().exists():
        probe = subprocess.run([str(venv_python()), "-c", "import matchingproblems"],
                               capture_output=True, text=True, check=False)
        if probe.returncode == 0:
            return None
        if not create:
            return f"{VENV} exists but cannot import matchingproblems"
    elif not create:
        return (f"no {VENV.relative_to(ROOT)} (the full run creates it: python -m venv + "
                f"pip install {PACKAGE})")
    log(f"  creating {VENV.relative_to(ROOT)} with {PACKAGE} ...")
    for command in ([sys.executable, "-m", "venv", "--clear", str(VENV)],
                    [str(venv_python()), "-m", "pip", "install", "--quiet", PACKAGE]):
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:]
            return f"could not create the venv: {' '.join(command[:3])}: {tail}"
    return None


def floors_policy() -> Any:
    from staffing.policy import Policy

    return Policy(name="floors", max_choices=5,
                  rules={"stability": {"hard": True}, "min_staffing": {"hard": True}},
                  objective=["rank_profile"])


def free_policy() -> Any:
    """The same without floors: shows whether the floors change the best profile."""
    from staffing.policy import Policy

    return Policy(name="no floors", max_choices=5, rules={"stability": {"hard": True}},
                  objective=["rank_profile"])


def floors_market(people: int, posts: int, seed: int) -> Any:
    """A tied plain market with floors met by one weakly stable roster (see the module doc)."""
    from staffing.domain.instance import Instance, PanelRank
    from tests.allocation.random_instances import deferred_acceptance, plain_market

    market = plain_market(people, posts, seed, ties=True)
    rng = np.random.default_rng(seed + 1000)
    broken = [PanelRank(post=r.post, person=r.person, rank=2 * r.rank + int(rng.integers(0, 2)))
              for r in market.rankings]
    strict = Instance(meta=market.meta, institutions=market.institutions, posts=market.posts,
                      staff=market.staff, choices=market.choices,
                      rankings=_strict(broken))
    roster = deferred_acceptance(strict)
    held: dict[str, int] = {}
    for post in roster.values():
        held[post] = held.get(post, 0) + 1
    new_posts = [p.model_copy(update={"floor": held.get(p.id, 0)}) for p in market.posts]
    # a new Instance, not model_copy: an instance caches derived arrays (floors among them)
    return Instance(meta=market.meta, institutions=market.institutions, posts=new_posts,
                    staff=market.staff, choices=market.choices, rankings=market.rankings)


def _strict(rankings: list[Any]) -> list[Any]:
    """Renumber each post's ranks 1, 2, ... in order (ties already broken)."""
    from staffing.domain.instance import PanelRank

    by_post: dict[str, list[Any]] = {}
    for r in rankings:
        by_post.setdefault(r.post, []).append(r)
    out = []
    for post, rows in by_post.items():
        for k, r in enumerate(sorted(rows, key=lambda r: (r.rank, r.person)), start=1):
            out.append(PanelRank(post=post, person=r.person, rank=k))
    return out


def ip_input(instance: Any, name: str) -> dict[str, Any]:
    """The instance for the worker: students and posts numbered from 1."""
    people = [p.id for p in instance.staff]
    student = {p: k for k, p in enumerate(people, start=1)}
    post_no = {p.id: k for k, p in enumerate(instance.posts, start=1)}
    rank = instance.panel_rank
    return {
        "name": name,
        "students": [[post_no[j] for j in instance.choices_of.get(p, [])] for p in people],
        "posts": [{"lq": p.floor, "uq": p.places,
                   "ranks": [[student[q], rank[(p.id, q)]]
                             for q in instance.applicants_of.get(p.id, [])]}
                  for p in instance.posts],
    }


def run(settings: Settings) -> list[dict[str, Any]]:
    import staffing
    from staffing.domain.roster import Assignment, Roster
    from staffing.errors import InfeasibleError
    from staffing.objectives import rank_profile

    why = ensure_venv(settings.floors_create_venv)
    if why is not None:
        log(f"  skipped: {why}")
        return [{"date": today(), "machine": short_machine(), "note": f"skipped: {why}"}]
    policy = floors_policy()
    rows: list[dict[str, Any]] = []
    markets, inputs = [], []
    for people in settings.floors_sizes:
        posts = max(2, people // 4)
        inst = floors_market(people, posts, settings.seed)
        markets.append(inst)
        inputs.append(ip_input(inst, f"floors-{people}"))
    payload = {"time_limit": settings.floors_limit, "threads": 2, "instances": inputs}
    began = time.perf_counter()
    found = run_json([str(venv_python()), str(WORKER)], payload,
                     timeout=len(markets) * 6 * settings.floors_limit + 120)
    log(f"  matchingproblems {found['versions']}: {time.perf_counter() - began:.1f} s in all")
    for inst, ip in zip(markets, found["results"]):
        people = len(inst.staff)
        row: dict[str, Any] = {
            "date": today(), "machine": short_machine(), "people": people,
            "posts": len(inst.posts), "places": sum(p.places for p in inst.posts),
            "floors": sum(1 for p in inst.posts if p.floor), "floor_places":
            sum(p.floor for p in inst.posts), "ip_status": ip["status"], "ip_s": ip["total_s"],
            "ip_read_s": ip["read_s"], "ip_solve_s": ip["solve_s"],
            "ip_variables": ip["variables"], "ip_constraints": ip["constraints"]}
        started = time.perf_counter()
        try:
            result = staffing.allocate(inst, policy, time_limit=settings.floors_limit,
                                       explain=False)
            roster = result.roster
            row["engine_status"] = result.status
        except InfeasibleError:
            roster = None
            row["engine_status"] = "infeasible"
        row["engine_s"] = time.perf_counter() - started
        row["ratio"] = row["engine_s"] / ip["total_s"] if ip["total_s"] else None
        if roster is not None:
            row["engine_profile"] = rank_profile(inst, policy, roster)
            row["engine_check_ok"] = staffing.check(inst, policy, roster).ok
            free = staffing.allocate(inst, free_policy(),
                                     time_limit=settings.floors_limit).roster
            row["free_profile"] = rank_profile(inst, policy, free)
            row["floors_bind"] = row["free_profile"] != row["engine_profile"]
        if ip.get("assignment") is not None:
            people_ids = [p.id for p in inst.staff]
            post_ids = [p.id for p in inst.posts]
            theirs = Roster(assignments=[
                Assignment(person=p, post=None if j is None else post_ids[j - 1])
                for p, j in zip(people_ids, ip["assignment"])])
            report = staffing.check(inst, policy, theirs)
            row.update(ip_profile=rank_profile(inst, policy, theirs), ip_check_ok=report.ok,
                       ip_blocking_pairs=report.blocking_pairs,
                       ip_stable_own_check=ip.get("stable"))
            if roster is not None:
                row["same_profile"] = row["engine_profile"] == row["ip_profile"]
                row["same_roster"] = {a.person: a.post for a in roster.assignments} == {
                    a.person: a.post for a in theirs.assignments}
        rows.append(row)
        log(f"  {people} people, {row['floors']} floors: engine {row['engine_s']:.2f} s "
            f"({row['engine_status']}) {row.get('engine_profile')}, matchingproblems "
            f"{ip['total_s']:.2f} s ({ip['status']}) {row.get('ip_profile')}")
    return rows


def tables(rows: list[dict[str, str]]) -> str:
    if not rows:
        return "_not run_"
    if len(rows) == 1 and rows[0].get("note", "").startswith("skipped"):
        return f"_{rows[0]['note']}_"
    return md_table(
        ["people", "posts", "places", "floors (places)", "engine s", "engine result",
         "matchingproblems s (read + solve)", "IP result", "engine / IP", "profile: engine",
         "profile: IP", "same profile", "without floors", "check: engine / IP"],
        [[num(r["people"], 0), num(r["posts"], 0), num(r["places"], 0),
          f"{r['floors']} ({r['floor_places']})", num(r["engine_s"]), r["engine_status"],
          f"{num(r['ip_s'])} ({num(r['ip_read_s'])} + {num(r['ip_solve_s'])})",
          r["ip_status"], f"{float(r['ratio']):.2f}x" if r.get("ratio") else "–",
          r.get("engine_profile") or "–", r.get("ip_profile") or "–",
          {"True": "yes", "False": "NO"}.get(r.get("same_profile", ""), "–"),
          r.get("free_profile") or "–",
          f"{_ok(r.get('engine_check_ok'))} / {_ok(r.get('ip_check_ok'))}"] for r in rows],
        "rrrrrlrlrlllll")


def _ok(value: str | None) -> str:
    return {"True": "ok", "False": "FAIL"}.get(str(value), "–")


if __name__ == "__main__":  # create the venv only: python -m benchmarks.floors_ip
    problem = ensure_venv(True)
    print(problem or f"ready: {venv_python()}")
    sys.exit(1 if problem else 0)
