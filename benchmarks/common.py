"""What every benchmark section shares: settings, generated counties, machine, CSV, tables."""

from __future__ import annotations

import atexit
import csv
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MODELS = sorted((ROOT / "models").glob("*.yaml"))
RESULTS = ROOT / "benchmarks" / "results"
if str(ROOT) not in sys.path:  # the plain-market generator lives in tests/allocation
    sys.path.insert(0, str(ROOT))


@dataclass
class Settings:
    """Sizes, seeds and time limits of one run of the benchmark (full or smoke)."""

    smoke: bool
    out: Path
    seed: int = 1
    # generated counties (staffing.synth.generate): lower bound, policies, scaling
    county_sizes: list[int] = field(default_factory=lambda: [300, 3000, 20000])
    policy_limits: dict[int, float] = field(default_factory=lambda: {300: 60, 3000: 30,
                                                                      20000: 120})
    # per policy and size, where it differs from policy_limits
    policy_limit_for: dict[tuple[int, str], float] = field(default_factory=dict)
    # policies run at each size (absent: every model)
    policies_at: dict[int, list[str] | None] = field(default_factory=dict)
    # the answer early in a run: these sizes again under a short time limit
    early_sizes: list[int] = field(default_factory=lambda: [3000])
    early_limit: float = 10
    # the largest weakly stable roster with long ties (benchmarks/sfas.py)
    sfas_sizes: list[int] = field(default_factory=lambda: [1000])
    sfas_grades: int = 3
    sfas_limit: float = 60
    # plain two-way selection: people (posts = people / 20), engine time limit
    plain_sizes: list[int] = field(default_factory=lambda: [300, 1000, 2000, 5000])
    plain_posts_per: int = 20
    plain_limit: float = 120
    plain_repeats: int = 3  # engine and deferred acceptance: best of, each on a fresh instance
    # two-way selection with floors, against the integer program of matchingproblems
    floors_sizes: list[int] = field(default_factory=lambda: [100, 300, 1000, 2000])
    floors_posts_per: int = 10
    floors_limit: float = 120
    floors_create_venv: bool = True
    # pay plans (benchmarks/bench_pay.py)
    pay_sizes: list[int] = field(default_factory=lambda: [3000, 20000])
    pay_repeats: int = 3
    # scaling curve: one policy at every size
    scaling_sizes: list[int] = field(default_factory=lambda: [300, 1000, 3000, 10000, 20000])
    scaling_policy: str = "nanxun-2024"
    scaling_limits: dict[int, float] = field(default_factory=lambda: {1000: 60, 10000: 300})
    # scenario sweep (benchmarks/scenarios.py): county size, scenarios, limit per scenario
    scenario_people: int = 3000
    scenario_count: int = 50
    scenario_policy: str = "nanxun-2024"
    scenario_limit: float = 60
    scenario_processes: int | None = None  # None: one per core
    # time limits (benchmarks/time_limits.py): `staffing solve` processes, wall / limit
    limit_people: int = 3000
    limit_seconds: list[float] = field(default_factory=lambda: [5.0, 10.0, 30.0])
    limit_modes: list[bool] = field(default_factory=lambda: [False, True])  # deterministic?
    limit_policies: list[str] | None = None  # None: every model
    # multi-year rotation plans: people, plan years, time limit (deterministic units)
    planning_sizes: list[int] = field(default_factory=lambda: [3000])
    planning_years: list[int] = field(default_factory=lambda: [3, 5])
    planning_limit: float = 120

    @classmethod
    def full(cls, out: Path) -> Settings:
        return cls(smoke=False, out=out)

    @classmethod
    def small(cls, out: Path) -> Settings:
        """Tiny sizes: every section runs end to end in seconds (the test suite's smoke run)."""
        return cls(
            smoke=True, out=out, county_sizes=[60], policy_limits={60: 20},
            policies_at={60: ["nanxun-2024", "guangdong-2019"]}, early_sizes=[60],
            early_limit=5, sfas_sizes=[40], sfas_limit=20,
            plain_sizes=[40, 80], plain_posts_per=10, plain_limit=20, plain_repeats=1,
            floors_sizes=[30], floors_limit=20, floors_create_venv=False,
            pay_sizes=[120], pay_repeats=1,
            scaling_sizes=[60, 90], scaling_limits={90: 20},
            scenario_people=60, scenario_count=4, scenario_limit=20, scenario_processes=1,
            planning_sizes=[120], planning_years=[2], planning_limit=20,
            limit_people=60, limit_seconds=[5.0], limit_modes=[False],
            limit_policies=["nanxun-2024"],
        )

    def policy_limit(self, people: int, policy: str | None = None) -> float:
        return (self.policy_limit_for.get((people, policy or ""))
                or self.policy_limits.get(people) or self.scaling_limits.get(people) or 120.0)

    def policies(self, people: int) -> list[Path]:
        wanted = self.policies_at.get(people)
        return [m for m in MODELS if wanted is None or m.stem in wanted]


# -- the generated counties -------------------------------------------------------------------

_COUNTIES: dict[tuple[int, int], Any] = {}
_BUNDLES: dict[tuple[int, int], Path] = {}
_TMP = tempfile.TemporaryDirectory(prefix="staffing-bench-")
atexit.register(_TMP.cleanup)


def county(people: int, seed: int) -> Any:
    """The generated county of that size and seed (cached for the whole run)."""
    key = (people, seed)
    if key not in _COUNTIES:
        from staffing.synth import generate

        _COUNTIES[key] = generate(staff=people, seed=seed)
    return _COUNTIES[key]


def county_bundle(people: int, seed: int) -> Path:
    """That county written once as a CSV bundle folder (what the end-to-end runs load)."""
    key = (people, seed)
    if key not in _BUNDLES:
        import staffing

        path = Path(_TMP.name) / f"county-{people}-{seed}"
        staffing.save(county(people, seed), path)
        _BUNDLES[key] = path
    return _BUNDLES[key]


# -- machine ----------------------------------------------------------------------------------

PACKAGES = ("ortools", "numpy", "pandas", "pydantic", "pulp", "matching", "matplotlib")


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return int(line.split()[1]) / 1024**2
    except OSError:
        pass
    return None


def machine() -> dict[str, Any]:
    """CPU, cores, memory, OS, Python and the versions of the packages measured."""
    found: dict[str, Any] = {"cpu": cpu_name(), "cores": os.cpu_count(),
                             "memory_gib": round(memory_gib() or 0, 1),
                             "os": f"{platform.system()} {platform.release()}",
                             "python": platform.python_version()}
    for name in ("staffing", *PACKAGES):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    found["source"] = source_version()
    return found


def source_version() -> str:
    """The commit of the engine's source, and whether its files differ from it (read-only)."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                                capture_output=True, check=True).stdout.strip()
        changed = subprocess.run(["git", "status", "--porcelain", "--", "src", "models"],
                                 cwd=ROOT, text=True, capture_output=True,
                                 check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + (" with local changes to src/ or models/" if changed else "")


def machine_line(info: dict[str, Any]) -> str:
    return (f"{info['cpu']}, {info['cores']} cores, {info['memory_gib']} GiB, {info['os']}, "
            f"Python {info['python']}")


def short_machine() -> str:
    info = machine()
    return f"{info['cpu']}, {info['cores']} cores"


# -- results ----------------------------------------------------------------------------------

def write_csv(path: Path, columns: list[str], rows: Iterable[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(row.get(k)) for k in columns})


def _cell(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, (list, tuple)):
        return "/".join(str(v) for v in value)
    if value is None:
        return ""
    return value


def read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def md_table(header: list[str], rows: list[list[Any]], align: str | None = None) -> str:
    """A Markdown table; ``align`` is one letter per column (l or r)."""
    align = align or "l" * len(header)
    marks = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(marks) + " |"]
    for row in rows:
        lines.append("| " + " | ".join("" if v is None else str(v) for v in row) + " |")
    return "\n".join(lines)


def num(value: Any, digits: int = 2) -> str:
    """A number for a table: thousands separated, fixed decimals; blank stays blank."""
    if value in (None, ""):
        return "–"
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if x.is_integer() and digits == 0:
        return f"{int(x):,}"
    return f"{x:,.{digits}f}"


def pct(value: Any, digits: int = 1) -> str:
    if value in (None, ""):
        return "–"
    return f"{float(value) * 100:.{digits}f}%"


def today() -> str:
    return date.today().isoformat()


def timed(function: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


def log(message: str) -> None:
    print(message, flush=True)


# -- subprocesses -----------------------------------------------------------------------------

def run_json(command: list[str], payload: dict[str, Any], timeout: float,
             cwd: Path = ROOT) -> dict[str, Any]:
    """Run ``command IN.json OUT.json`` and return what it wrote to OUT.json.

    Raises RuntimeError with the tail of stderr when the process fails or times out.
    """
    with tempfile.TemporaryDirectory(prefix="staffing-bench-job-") as tmp:
        source, target = Path(tmp) / "in.json", Path(tmp) / "out.json"
        source.write_text(json.dumps(payload), encoding="utf-8")
        try:
            done = subprocess.run([*command, str(source), str(target)], cwd=cwd,
                                  capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as error:
            raise RuntimeError(f"timed out after {timeout:.0f} s") from error
        if done.returncode != 0 or not target.exists():
            tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
            raise RuntimeError(f"exit {done.returncode}: " + " | ".join(tail))
        return json.loads(target.read_text(encoding="utf-8"))
