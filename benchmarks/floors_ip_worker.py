"""Solve two-way selection instances with floors by the `matchingproblems` integer program.

Runs inside the separate virtual environment that holds ``matchingproblems``
(it pins numpy 1.26.4 and PuLP 2.9.0, which break OR-Tools next to it), so
it imports nothing but the standard library and ``matchingproblems``::

    VENV/bin/python benchmarks/floors_ip_worker.py IN.json OUT.json

IN.json: ``{"time_limit": s, "threads": n, "instances": [{"name": ..., "students":
[[post, ...], ...], "posts": [{"lq": l, "uq": u, "ranks": [[student, rank], ...]}]}]}``
with students and posts numbered from 1 and each student's list in order of
preference; equal panel ranks tie. The model: hospitals/residents with
lower quotas and ties (``-na 2 -twopl``), stability constraints (``-stab``,
weak stability) and the greedy profile (``-gre 1``: most first choices, then
most second choices, ...), solved by CBC through PuLP.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path


def instance_text(data: dict) -> str:
    """The instance in matchingproblems' text format (ties in parentheses)."""
    lines = [f"{len(data['students'])} {len(data['posts'])}"]
    for i, prefs in enumerate(data["students"], start=1):
        lines.append(f"{i}: " + " ".join(str(j) for j in prefs))
    for j, post in enumerate(data["posts"], start=1):
        groups: dict[int, list[int]] = {}
        for student, rank in post["ranks"]:
            groups.setdefault(rank, []).append(student)
        tokens = []
        for rank in sorted(groups):
            members = groups[rank]
            if len(members) == 1:  # "(3)" would open a tie the parser never closes
                tokens.append(str(members[0]))
            else:
                tokens.append("(" + " ".join(str(s) for s in members) + ")")
        lines.append(f"{j}: {post['lq']} {post['uq']} " + " ".join(tokens))
    return "\n".join(lines) + "\n"


def solve(data: dict, time_limit: float | None, threads: int | None, folder: Path) -> dict:
    from matchingproblems.solver.solver import Solver

    path = folder / f"{data['name']}.txt"
    path.write_text(instance_text(data), encoding="utf-8")
    began = time.perf_counter()
    solver = Solver(["-f", str(path), "-na", "2", "-twopl", "-stab", "-gre", "1"])
    read = time.perf_counter()
    solver.solve(msg=False, timeLimit=time_limit, threads=threads)
    done = time.perf_counter()
    model = solver.model
    out = {"name": data["name"], "status": model.pulp_status, "read_s": read - began,
           "solve_s": done - read, "total_s": done - began,
           "variables": len(solver.solver.prob.variables()),
           "constraints": len(solver.solver.prob.constraints)}
    if model.pulp_status == model.OPTIMAL_PULP_STATUS:
        assigned = model._get_pair_assignments_with_none()
        out["assignment"] = [None if pair is None else pair.projectID for pair in assigned]
        out["stable"] = model.check_stability(assigned)
        out["profile"] = model._get_profile(model._get_pair_assignments())
    return out


def main(argv: list[str]) -> int:
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    results = []
    with tempfile.TemporaryDirectory(prefix="matchingproblems-") as tmp:
        for data in spec["instances"]:
            results.append(solve(data, spec.get("time_limit"), spec.get("threads"), Path(tmp)))
    from importlib import metadata

    versions = {name: metadata.version(name) for name in ("matchingproblems", "pulp", "numpy")}
    Path(argv[1]).write_text(json.dumps({"results": results, "versions": versions}),
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
