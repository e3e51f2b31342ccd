"""Section 6: time against people, 300 to 20,000, as a table and a chart (``scaling.png``).

The table: one policy model (``Settings.scaling_policy``) end to end at every
size of ``Settings.scaling_sizes``; sizes the policies section already ran
with the same time limit are taken from ``policies.csv``, the others are run
here the same way (one process per run). The chart adds every other series
of this run, each against people: the other policy models (hollow markers:
stopped by the time limit, not proven), the plain market (engine and
``matching``), the floors market (engine and ``matchingproblems``) and the
min-cost flows of the lower bound.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks import policies
from benchmarks.common import MODELS, Settings, log, md_table, num, read_csv

COLUMNS = ["source", *policies.COLUMNS]


def run(settings: Settings) -> list[dict[str, Any]]:
    done = {(int(r["people"]), r["policy"]): r
            for r in read_csv(settings.out / "policies.csv") if r.get("people")}
    path = next(m for m in MODELS if m.stem == settings.scaling_policy)
    rows: list[dict[str, Any]] = []
    for people in settings.scaling_sizes:
        limit = settings.policy_limit(people, path.stem)
        known = done.get((people, path.stem))
        if known is not None and float(known["time_limit"]) == limit:
            rows.append({**known, "source": "policies section"})
            continue
        for row in policies.run_size(settings, people, [path]):
            rows.append({**row, "source": "scaling run"})
    return rows


def tables(rows: list[dict[str, str]]) -> str:
    if not rows:
        return "_not run_"
    return md_table(
        ["people", "posts", "applicants", "policy", "result", "load s", "build s", "solve s",
         "check s", "explain s", "write s", "total s", "peak MiB", "variables", "constraints"],
        [[num(r["people"], 0), num(r["posts"], 0), num(r["applicants"], 0), r["policy"],
          r["status"], num(r["load_s"]), num(policies._sum(r, "pairs_s", "build_s")),
          num(policies._solve(r)), num(r["check_s"]), num(r["explain_s"]), num(r["write_s"]),
          num(r["total_s"]), num(r["peak_rss_mib"], 0), num(r["variables"], 0),
          num(r["constraints"], 0)] for r in rows],
        "rrrllrrrrrrrrrr")


def chart(out: Path) -> Path | None:
    """Draw ``scaling.png`` from the CSV files in ``out``; None if matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log("  matplotlib is not installed (pip install '.[bench]'): no chart")
        return None
    figure, axes = plt.subplots(figsize=(9, 6), dpi=110)
    scaling = read_csv(out / "scaling.csv")
    if scaling:
        ends = sorted((int(r["people"]), float(r["total_s"] or r["engine_s"] or 0))
                      for r in scaling if r.get("people"))
        axes.plot([p for p, _ in ends], [t for _, t in ends], "-o", color="black", lw=2,
                  label=f"{scaling[0]['policy']}, end to end (load to write)")
    styles = iter(["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple"])
    by_policy: dict[str, list[tuple[int, float, bool]]] = {}
    for r in read_csv(out / "policies.csv"):
        if r.get("engine_s"):
            by_policy.setdefault(r["policy"], []).append(
                (int(r["people"]), float(r["engine_s"]), r["status"] == "optimal"))
    for name, pts in sorted(by_policy.items()):
        pts.sort()
        color = next(styles, "grey")
        axes.plot([p for p, _, _ in pts], [t for _, t, _ in pts], "--", color=color, lw=1,
                  label=f"{name}, engine (hollow: time limit)")
        for p, t, proven in pts:
            axes.plot(p, t, "o", color=color, mfc=color if proven else "white", ms=7)
    plain = read_csv(out / "plain_da.csv")
    if plain:
        xs = [int(r["people"]) for r in plain]
        axes.plot(xs, [float(r["engine_s"]) for r in plain], "-s", color="tab:cyan",
                  label="plain market, engine")
        if any(r.get("matching_s") for r in plain):
            axes.plot([int(r["people"]) for r in plain if r.get("matching_s")],
                      [float(r["matching_s"]) for r in plain if r.get("matching_s")], ":s",
                      color="tab:cyan", label="plain market, matching (deferred acceptance)")
    floors = [r for r in read_csv(out / "floors_ip.csv") if r.get("engine_s")]
    if floors:
        xs = [int(r["people"]) for r in floors]
        axes.plot(xs, [float(r["engine_s"]) for r in floors], "-^", color="tab:brown",
                  label="floors market, engine")
        axes.plot(xs, [float(r["ip_s"]) for r in floors], ":^", color="tab:brown",
                  label="floors market, matchingproblems (CBC)")
    flows: dict[int, float] = {}
    for r in read_csv(out / "lower_bound.csv"):
        if r.get("flow_s"):
            people = int(r["people"])
            flows[people] = max(flows.get(people, 0.0), float(r["flow_s"]))
    if flows:
        xs = sorted(flows)
        axes.plot(xs, [flows[x] for x in xs], "-.", color="grey",
                  label="lower bound: min-cost flows (no side rules)")
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("people")
    axes.set_ylabel("seconds")
    axes.set_title("Time against people (2-core run; log-log)")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=7, loc="upper left")
    figure.tight_layout()
    target = out / "scaling.png"
    figure.savefig(target)
    plt.close(figure)
    return target
