"""Stage values of the benchmark's counties, solved in deterministic mode: the reference answers.

``python -m benchmarks.reference_stages OUT.json [--sizes 300 3000] [--policies ...]
[--limit 600]`` solves each generated county (``staffing.synth.generate(staff=N,
seed=1)``, read back from its CSV bundle as the policies section does) under each
policy model with one worker and a deterministic time limit, and writes every stage's
value, status and bound, with the source commit. Run on an older commit (for
example with ``PYTHONPATH=<checkout>/src``), it records the answers a change must keep.
Written to ``results/reference_stages.json``, it gives the early section the optimum of a
blocking-pairs stage that no policies run proved (a stage it does not hold is compared
with the best bound); the targets compare stage values with
``results/stages_before.csv``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from benchmarks.common import MODELS, county_bundle, log, source_version


def solve_case(people: int, policy_path: Path, limit: float, seed: int = 1) -> dict[str, Any]:
    """One deterministic solve: every stage's value, status, bound and deterministic time."""
    import staffing
    from staffing.errors import StaffingError

    instance = staffing.load(county_bundle(people, seed))
    policy = staffing.load_policy(policy_path)
    started = time.perf_counter()
    case: dict[str, Any] = {"people": people, "seed": seed, "policy": policy_path.stem,
                            "deterministic_limit": limit}
    try:
        result = staffing.allocate(instance, policy, time_limit=limit, deterministic=True)
    except StaffingError as error:
        case.update(status="no roster", error=str(error)[:300])
        return case
    roster = getattr(result, "roster", result)
    stages = getattr(result, "stages", None) or roster.stages
    records = [record if isinstance(record, dict) else record.to_dict() for record in stages]
    report = staffing.check(instance, policy, roster)
    case.update(status=getattr(result, "status", None) or roster.status,
                wall_s=round(time.perf_counter() - started, 2), check_ok=report.ok,
                values={name: report.stages[name] for name in report.stages},
                stages=[{k: r.get(k) for k in ("stage", "value", "objective", "bound", "status",
                                                 "deterministic_time")} for r in records])
    return case


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 3000])
    parser.add_argument("--policies", nargs="+", default=[m.stem for m in MODELS])
    parser.add_argument("--limit", type=float, default=600.0)
    args = parser.parse_args(argv)
    found = json.loads(args.out.read_text()) if args.out.exists() else {"cases": []}
    found["source"] = source_version()
    for people in args.sizes:
        for path in MODELS:
            if path.stem not in args.policies:
                continue
            log(f"{people} people, {path.stem} (deterministic limit {args.limit:g})")
            case = solve_case(people, path, args.limit)
            log(f"  {case['status']} in {case.get('wall_s')} s")
            found["cases"] = [c for c in found["cases"]
                              if (c["people"], c["policy"]) != (people, path.stem)] + [case]
            args.out.write_text(json.dumps(found, indent=1, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
