"""Charts of the reports, drawn server-side as SVG with matplotlib.

Why matplotlib: it is the best-kept plotting library of the Python world, draws
static SVG that needs no script and no network to show (the report opens offline
from one file), prints well, and is already what the benchmarks draw with, so
frontier and scenario charts share one look. Text stays text in the SVG
(``svg.fonttype: none``) so Chinese labels are set by the reader's own fonts and
the file stays small; ids are salted with a constant and no date is written, so
the same figures give the same bytes. matplotlib is imported when the first chart is
drawn, not with this module (it is a third of the command line's start-up time, and a run
whose report is left out never needs it).

Every chart function takes the language and returns one SVG string; `both`
draws a chart once per language.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from functools import cache
from typing import TYPE_CHECKING, Any

from staffing.report.html import LANGS, Text

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FONTS = ["Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "Microsoft YaHei",
         "PingFang SC", "SimHei", "DejaVu Sans"]
PALETTE = ["#1f6fb2", "#9cc3e6", "#e08b2b", "#5b9e4d", "#b74a4a", "#7a68a6", "#8c8c8c"]
STYLE: Any = {  # and the palette as the colour cycle (`_style`)
    "svg.fonttype": "none",
    "svg.hashsalt": "staffing-report",
    "font.family": "sans-serif",
    "font.sans-serif": FONTS,
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


@cache
def _matplotlib() -> Any:
    import matplotlib  # lazy: about 1 s to import, needed only when a chart is drawn

    return matplotlib


def _style() -> AbstractContextManager[Any]:
    """The charts' style, as a matplotlib rc context."""
    from cycler import cycler  # lazy: comes with matplotlib

    return _matplotlib().rc_context({**STYLE, "axes.prop_cycle": cycler(color=PALETTE)})


def both(draw: Callable[[str], str]) -> dict[str, str]:
    """One SVG per language from a chart function of the language."""
    return {lang: draw(lang) for lang in LANGS}


def _svg(fig: Figure) -> str:
    buffer = io.StringIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # glyphs missing from the layout font: the reader's shows
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None},
                    bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg"):]  # drop the XML prolog and doctype


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure  # lazy: see `_matplotlib`

    return Figure(figsize=(width, height), layout="constrained")


def _clean(svg: str) -> str:
    """Drop the RDF metadata block and indentation: smaller, and nothing that names a host."""
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    return re.sub(r"\n\s*", "\n", svg)


def bars(lang: str, categories: Sequence[Text], series: Sequence[tuple[Text, Sequence[float]]],
         *, title: Text, unit: Text | None = None, horizontal: bool = False,
         stacked: bool = False, percent: bool = False, height: float | None = None) -> str:
    """Grouped (or stacked) bars: one group per category, one bar per series."""
    with _style():
        n = len(categories)
        if height is None:
            height = max(2.4, 0.28 * n + 1.2) if horizontal else 3.0
        fig = _figure(6.0, height)
        ax = fig.add_subplot()
        labels = [c[lang] for c in categories]
        positions = list(range(n))
        width = 0.8 if stacked else 0.8 / max(len(series), 1)
        base = [0.0] * n
        for k, (name, values) in enumerate(series):
            offset = 0.0 if stacked else (k - (len(series) - 1) / 2) * width
            where = [p + offset for p in positions]
            vals = [float(v) * (100 if percent else 1) for v in values]
            if horizontal:
                ax.barh(where, vals, height=width, left=base if stacked else None,
                        label=name[lang])
            else:
                ax.bar(where, vals, width=width, bottom=base if stacked else None,
                       label=name[lang])
            if stacked:
                base = [b + v for b, v in zip(base, vals)]
        if horizontal:
            ax.set_yticks(positions, labels)
            ax.invert_yaxis()
            if unit:
                ax.set_xlabel(unit[lang])
        else:
            crowded = n > 6 or sum(len(label) for label in labels) > 64
            ax.set_xticks(positions, labels, rotation=30 if crowded else 0,
                          ha="right" if crowded else "center")
            if unit:
                ax.set_ylabel(unit[lang])
        if horizontal:
            ax.margins(x=0.08)
        else:
            ax.margins(y=0.08)
        ax.set_title(title[lang], loc="left", fontsize=10)
        if len(series) > 1:
            ax.legend(frameon=False, fontsize=8)
        return _clean(_svg(fig))


def boxes(lang: str, groups: Sequence[Text], values: Sequence[Sequence[float]], *,
          title: Text, unit: Text | None = None) -> str:
    """One box (quartiles, whiskers at 1.5 IQR) per group of values."""
    with _style():
        fig = _figure(6.0, 3.0)
        ax = fig.add_subplot()
        kept = [(g, list(v)) for g, v in zip(groups, values) if len(v)]
        if kept:
            ax.boxplot([v for _, v in kept], tick_labels=[g[lang] for g, _ in kept],
                       showfliers=False, patch_artist=True,
                       boxprops={"facecolor": PALETTE[1], "edgecolor": PALETTE[0]},
                       medianprops={"color": PALETTE[0]})
            if len(kept) > 6:
                ax.tick_params(axis="x", labelrotation=30)
        if unit:
            ax.set_ylabel(unit[lang])
        ax.set_title(title[lang], loc="left", fontsize=10)
        return _clean(_svg(fig))


def points(lang: str, series: Sequence[tuple[Text, Sequence[float], Sequence[float]]], *,
           title: Text, x: Text, y: Text, labels: Sequence[str] | None = None,
           line: bool = True) -> str:
    """Points (joined by a line when ``line``) of one or more series: trade-off curves."""
    with _style():
        fig = _figure(6.0, 3.4)
        ax = fig.add_subplot()
        for name, xs, ys in series:
            ax.plot(list(xs), list(ys), marker="o", linestyle="-" if line else "none",
                    label=name[lang])
        if labels and series:
            for label, xv, yv in zip(labels, series[0][1], series[0][2]):
                ax.annotate(label, (xv, yv), textcoords="offset points", xytext=(4, 4),
                            fontsize=7)
        ax.set_xlabel(x[lang])
        ax.set_ylabel(y[lang])
        ax.set_title(title[lang], loc="left", fontsize=10)
        if len(series) > 1:
            ax.legend(frameon=False, fontsize=8)
        return _clean(_svg(fig))
