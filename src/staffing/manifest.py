"""Run manifests: what went in, which versions ran, with which parameters, and what came out."""

from __future__ import annotations

import functools
import hashlib
import platform
from importlib import metadata
from typing import Any

from staffing.domain.instance import Instance
from staffing.policy import Policy

_PACKAGES = ("staffing", "ortools", "pulp", "pandas", "numpy", "pydantic", "openpyxl")


@functools.cache
def _versions() -> tuple[tuple[str, str], ...]:
    found = [("python", platform.python_version())]
    for name in _PACKAGES:
        try:
            found.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            found.append((name, "not installed"))
    return tuple(found)


def versions() -> dict[str, str]:
    """Python and the versions of the packages a result depends on (read once a process)."""
    return dict(_versions())


def instance_hash(instance: Instance) -> str:
    """SHA-256 of the instance's content (the same for any bundle format it was read from)."""
    # the serializer's bytes: those of model_dump_json().encode(), without the str between
    return instance.cached("hash", lambda: hashlib.sha256(
        instance.__pydantic_serializer__.to_json(instance)).hexdigest())


def roster_hash(roster: Any) -> str:
    """SHA-256 of who holds which post, in the roster's order."""
    text = "\n".join(f"{a.person},{a.post or ''}" for a in roster.assignments)
    return hashlib.sha256(text.encode()).hexdigest()


def base_manifest(instance: Instance, policy: Policy, parameters: dict[str, Any]) -> dict[str, Any]:
    """What every manifest records: instance, policy, versions, platform and parameters."""
    return {
        "instance": {"name": instance.meta.name, "hash": instance_hash(instance),
                     "people": len(instance.staff), "posts": len(instance.posts),
                     "institutions": len(instance.institutions)},
        "policy": {"name": policy.name, "hash": policy.hash()},
        "versions": versions(),
        "platform": {"system": platform.system(), "machine": platform.machine()},
        "parameters": parameters,
    }


def allocation_manifest(instance: Instance, policy: Policy, settings: Any, run: Any,
                        stages: list[dict[str, Any]], status: str, model: Any) -> dict[str, Any]:
    """Manifest of an allocation; wall-clock times are left out in deterministic mode."""
    clock = settings.clock
    manifest = base_manifest(instance, policy, {
        "time_limit": clock.limit,
        "deterministic_limit": settings.time_limit if settings.deterministic else None,
        "deterministic": settings.deterministic,
        "workers": 1 if settings.deterministic else settings.workers,
        "seed": settings.seed,
    })
    manifest["solver"] = {
        "name": "CP-SAT" if model is not None else "deferred acceptance",
        "status": status,
        "pairs": run.pairs_total,
        "pairs_pruned": run.pairs_pruned,
        "pruning": run.pruning,
        "variables": len(model.model.proto.variables) if model is not None else 0,
        "constraints": len(model.model.proto.constraints) if model is not None else 0,
    }
    manifest["stages"] = stages
    manifest["run"] = clock.record(settings.deterministic)
    if not settings.deterministic:
        manifest["timings"] = clock.timings()
    return manifest
