"""The article text as HTML with every row's evidence span highlighted in its table's colour.

Every piece of article text goes through `html.escape`; tags, classes and styles come only from this
module's own constants, so nothing in an article can open an element or an attribute.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from analysis.report.palette import HIGHLIGHT_ORDER, TABLE_COLOURS, TABLE_EDGES, TABLE_TITLES
from analysis.tables.schema import ID_COLUMN, TABLES, Tables


@dataclass(frozen=True)
class Span:
    """Where one row's evidence stands in the text."""

    start: int
    end: int
    table: str
    row: str


def evidence_spans(tables: Tables, text_length: int) -> list[Span]:
    """Each row's char_start..char_end, clamped to the text, in text order."""
    spans = []
    for table in TABLES:
        frame = getattr(tables, table)
        for row_id, start, end in zip(frame[ID_COLUMN[table]], frame["char_start"], frame["char_end"]):
            if pd.isna(start) or pd.isna(end):
                continue
            lo, hi = max(0, min(int(start), text_length)), max(0, min(int(end), text_length))
            if hi > lo:
                spans.append(Span(lo, hi, table, str(row_id)))
    return sorted(spans, key=lambda s: (s.start, HIGHLIGHT_ORDER.index(s.table), s.end))


def stylesheet() -> str:
    """The CSS of the highlighted article (one class per table, from the fixed palette)."""
    rules = [".wn-article{white-space:pre-wrap;line-height:1.7;font-family:Georgia,serif;font-size:15px;"
             "max-width:60em;padding:0.5em 1em;border-left:3px solid #ddd}",
             ".wn-article mark{padding:1px 0;color:inherit}",
             ".wn-tag{font:bold 10px/1 sans-serif;padding:1px 3px;margin-right:2px;border-radius:3px;"
             "vertical-align:super;color:#fff}",
             ".wn-legend span{display:inline-block;margin-right:1em;padding:2px 6px;border-radius:3px}"]
    for table in TABLES:
        rules.append(f"mark.wn-{table}{{background:{TABLE_COLOURS[table]}}}")
        rules.append(f"mark.wn-also-{table}{{box-shadow:inset 0 -3px 0 {TABLE_EDGES[table]}}}")
        rules.append(f".wn-tag.wn-{table}{{background:{TABLE_EDGES[table]}}}")
        rules.append(f".wn-legend .wn-{table}{{background:{TABLE_COLOURS[table]}}}")
    return "<style>" + "".join(rules) + "</style>"


def legend_html(tables: Tables) -> str:
    """A line naming each table's colour and how many rows it has."""
    items = "".join(f'<span class="wn-{t}">{html.escape(TABLE_TITLES[t])}: {len(getattr(tables, t))} rows</span>'
                    for t in TABLES)
    return f'<p class="wn-legend">{items}</p>'


def article_html(text: str, tables: Tables) -> str:
    """The whole article, escaped, with each evidence span marked and tagged with its row id."""
    spans = evidence_spans(tables, len(text))
    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    starts: dict[int, list[Span]] = {}
    for span in spans:
        starts.setdefault(span.start, []).append(span)
    pieces = [stylesheet(), legend_html(tables), '<div class="wn-article">']
    for lo, hi in zip(cuts, cuts[1:]):
        for span in starts.get(lo, []):
            pieces.append(f'<span class="wn-tag wn-{span.table}" title="{html.escape(TABLE_TITLES[span.table])}">'
                          f"{html.escape(span.row)}</span>")
        covering = [s for s in spans if s.start <= lo and hi <= s.end]
        chunk = html.escape(text[lo:hi])
        if not covering:
            pieces.append(chunk)
            continue
        present = [t for t in HIGHLIGHT_ORDER if any(s.table == t for s in covering)]
        classes = " ".join([f"wn-{present[0]}", *(f"wn-also-{t}" for t in present[1:])])
        rows = ", ".join(f"{TABLE_TITLES[s.table]} {s.row}" for s in covering)
        pieces.append(f'<mark class="{classes}" title="{html.escape(rows)}">{chunk}</mark>')
    pieces.append("</div>")
    return "".join(pieces)
