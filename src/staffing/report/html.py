"""HTML building blocks of every report: bilingual text, cards, tables, figures, the page.

Text shown to readers is a `Text` (``{"zh": ..., "en": ...}``) or a plain string that
reads the same in both languages. Every element carries both languages; the page shows
one at a time (``html[lang]`` and the switch button). The page inlines its style and
script: it opens from a file, offline, with no request to anywhere.
"""

from __future__ import annotations

import base64
import gzip
import json
from html import escape
from importlib.resources import files
from typing import Any

Text = dict[str, str]
Cell = Any  # str | int | float | Text | None

LANGS = ("zh", "en")
COMPRESS_ABOVE = 256_000  # characters of table data shown as they are; above, gzip + base64


def t(zh: str, en: str) -> Text:
    """A text in both languages."""
    return {"zh": zh, "en": en}


def tr(text: Text | str | int | float | None) -> str:
    """HTML for a text: one span per language, or the escaped string when it reads the same."""
    if text is None:
        return ""
    if isinstance(text, dict):
        if text.get("zh") == text.get("en"):
            return escape(str(text.get("zh", "")))
        return "".join(f'<span class="{lang}">{escape(str(text.get(lang, "")))}</span>'
                       for lang in LANGS)
    return escape(str(text))


def section(anchor: str, title: Text, body: str, note: Text | None = None) -> str:
    """A titled section of the page, reachable at ``#anchor`` from the navigation bar."""
    lead = f'<p class="note">{tr(note)}</p>' if note else ""
    return f'<section id="{escape(anchor)}"><h2>{tr(title)}</h2>{lead}{body}</section>'


def heading(title: Text) -> str:
    return f"<h3>{tr(title)}</h3>"


def paragraph(text: Text, css: str = "") -> str:
    return f'<p class="{css}">{tr(text)}</p>' if css else f"<p>{tr(text)}</p>"


def cards(items: list[dict[str, Any]]) -> str:
    """Figure cards: each item has ``label`` (Text), ``value`` (Text or str), optional ``tone``
    (good, warn, bad) and ``key`` (``data-key`` attribute, read by tests and scripts)."""
    out = []
    for item in items:
        tone = f" {item['tone']}" if item.get("tone") else ""
        key = f' data-key="{escape(item["key"])}"' if item.get("key") else ""
        out.append(f'<div class="card{tone}"{key}><div class="label">{tr(item["label"])}</div>'
                   f'<div class="value">{tr(item["value"])}</div></div>')
    return f'<div class="cards">{"".join(out)}</div>'


def table(headers: list[Text | str], rows: list[list[Cell]], *,
          kinds: list[str] | None = None, css: str = "") -> str:
    """A static table; ``kinds`` gives each column's cell class (``num``, ``code``, ``pre``)."""
    kinds = kinds or [""] * len(headers)
    head = "".join(f'<th class="{k}">{tr(h)}</th>' if k else f"<th>{tr(h)}</th>"
                   for h, k in zip(headers, kinds))
    body = "".join(
        "<tr>" + "".join(f'<td class="{k}">{tr(c)}</td>' if k else f"<td>{tr(c)}</td>"
                         for c, k in zip(row, kinds)) + "</tr>"
        for row in rows)
    attr = f' class="{css}"' if css else ""
    return f"<table{attr}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def data_table(anchor: str, columns: list[dict[str, Any]], rows: list[list[Cell]],
               page: int = 300) -> str:
    """A client-side searchable, sortable table of many rows (no server).

    ``columns``: ``{"label": Text, "type": "" | "num" | "code" | "pre"}`` each; ``rows`` hold
    strings, numbers or `Text` cells. The rows travel once as JSON; the script draws
    ``page`` rows at a time and filters on every word typed, in both languages.
    """
    source = f"{anchor}-data"
    payload = {"columns": columns, "rows": rows, "page": page}
    text = json_for_script(payload)
    kind = "application/json"
    if len(text) > COMPRESS_ABOVE:  # large tables travel gzip-compressed, unpacked in the page
        text = base64.b64encode(gzip.compress(text.encode("utf-8"), mtime=0)).decode("ascii")
        kind = "application/gzip+base64"
    return (f'<div class="datatable" id="{escape(anchor)}" data-source="{source}"></div>'
            f'<script type="{kind}" id="{source}">{text}</script>')


def json_for_script(data: Any) -> str:
    """JSON that is safe inside a ``<script>`` element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def figure(svg: dict[str, str] | str, caption: Text | None = None) -> str:
    """A chart: one inline SVG per language (or one for both), with a caption."""
    if isinstance(svg, str):
        inner = svg
    else:
        inner = "".join(f'<div class="{lang}">{svg[lang]}</div>' for lang in LANGS)
    cap = f"<figcaption>{tr(caption)}</figcaption>" if caption else ""
    return f"<figure>{inner}{cap}</figure>"


def grid(figures: list[str]) -> str:
    """Charts (or tables) side by side, wrapping on narrow screens."""
    return f'<div class="charts">{"".join(figures)}</div>'


def details(summary: Text | str, body: str, open_: bool = False) -> str:
    state = " open" if open_ else ""
    return f"<details{state}><summary>{tr(summary)}</summary>{body}</details>"


def _asset(name: str) -> str:
    return files("staffing.report").joinpath("assets", name).read_text(encoding="utf-8")


def page(title: Text, sections: list[tuple[str, Text, str]], *, lang: str = "zh",
         footer: Text | str = "") -> str:
    """The whole self-contained page: navigation bar, sections, inline style and script.

    ``sections`` are ``(anchor, nav label, section html)``; ``lang`` is the language shown
    first (``#en`` or ``#zh`` at the end of the address overrides it).
    """
    if lang not in LANGS:
        raise ValueError(f"unknown report language '{lang}'; use one of {', '.join(LANGS)}")
    nav = "".join(f'<a href="#{escape(anchor)}">{tr(label)}</a>' for anchor, label, _ in sections)
    body = "".join(html for _, _, html in sections)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}" data-title-zh="{escape(title["zh"])}" '
        f'data-title-en="{escape(title["en"])}">'
        '<head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        f"<title>{escape(title[lang])}</title><style>{_asset('report.css')}</style></head>"
        f'<body><header class="top"><h1>{tr(title)}</h1><nav>{nav}</nav>'
        '<button id="lang-switch" type="button">English</button></header>'
        f"<main>{body}<footer>{tr(footer)}</footer></main>"
        f"<script>{_asset('report.js')}</script></body></html>\n"
    )
