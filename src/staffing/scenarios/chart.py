"""The trade-off chart: one indicator against the varied parameter, with the frontier marked.

Drawn with matplotlib, headless (Agg), as PNG and SVG.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from staffing.io.atomic import atomic_path
from staffing.scenarios.execute import ScenarioOutcome

STAGE_PREFIX = "stage:"


def indicator_value(outcome: ScenarioOutcome, key: str) -> float | None:
    """An indicator (``first_choice_share``), a stage (``stage:blocking_pairs``) or a figure
    of the outcome (``blocking_pairs``, ``unplaced``, ``moves_vs_base``); None without one."""
    if key.startswith(STAGE_PREFIX):
        value: Any = outcome.stage_values.get(key[len(STAGE_PREFIX):])
        value = value[0] if isinstance(value, list) else value
    elif key in outcome.indicators:
        value = outcome.indicators[key]
    elif key in outcome.pay_figures:
        value = outcome.pay_figures[key]
    else:
        value = getattr(outcome, key, None)
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) \
        else None


def label_of(outcomes: Sequence[ScenarioOutcome], key: str) -> str:
    for outcome in outcomes:
        if key in outcome.indicator_labels:
            en, _zh = outcome.indicator_labels[key]
            return f"{en} ({key})"
    return key.removeprefix(STAGE_PREFIX).replace("_", " ")


def tradeoff_chart(points: Sequence[tuple[float, ScenarioOutcome]], key: str, parameter: str,
                   out: Path, *, boundary: tuple[float, float] | None = None,
                   range_end: float | None = None, title: str = "") -> list[str]:
    """Draw ``key`` against the parameter; shade the infeasible side beyond ``boundary``
    (last feasible, first infeasible) up to ``range_end``. Writes ``out.png`` and ``out.svg``;
    returns their names."""
    import matplotlib  # lazy: select the Agg backend before pyplot loads

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # lazy: after the Agg backend is selected

    feasible = sorted((x, v) for x, o in points
                      if o.roster is not None and (v := indicator_value(o, key)) is not None)
    fig, ax = plt.subplots(figsize=(7.5, 4.2), dpi=120)
    if feasible:
        ax.plot([x for x, _ in feasible], [v for _, v in feasible], marker="o", color="#1f5f8b",
                label=label_of([o for _, o in points], key))
    xs = [x for x, _ in points]
    if boundary is not None:
        good, bad = boundary
        edge = (good + bad) / 2
        ax.axvline(edge, color="#b03a2e", linestyle="--",
                   label=f"frontier: feasible at {good:g}, infeasible at {bad:g}")
        ends = [*xs, bad] + ([range_end] if range_end is not None else [])
        limit = max(ends) if bad > good else min(ends)
        ax.axvspan(edge, limit, color="#b03a2e", alpha=0.12, label="infeasible")
    ax.set_xlabel(parameter)
    ax.set_ylabel(label_of([o for _, o in points], key))
    ax.set_title(title or f"{label_of([o for _, o in points], key)} against {parameter}",
                 fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    names = []
    for suffix in ("png", "svg"):
        target = out.with_suffix(f".{suffix}")
        with atomic_path(target) as tmp:
            fig.savefig(tmp, format=suffix)
        names.append(target.name)
    plt.close(fig)
    return names
