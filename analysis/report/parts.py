"""HTML pieces of the article report (header, static tables), every text from the article escaped."""
from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from analysis.reading.articles import Article
from analysis.reading.web import is_link as _web_address
from analysis.report.figures import headline

SECTION_TITLES = {"casualties": "Casualties", "weapons": "Drones and missiles", "statements": "Statements",
                  "deployments": "Force sizes reported"}
_HEADER_CSS = ("<style>.wn-header h1{margin:0 0 .2em;font-size:1.6em}.wn-meta{color:#555;margin:0 0 .8em}"
               ".wn-figures{display:flex;flex-wrap:wrap;gap:.8em}.wn-card{border:1px solid #ddd;border-radius:6px;"
               "padding:.5em .8em;min-width:14em;background:#fafafa}.wn-card h3{margin:0 0 .3em;font-size:1em}"
               ".wn-card table{border-collapse:collapse}.wn-card tr{background:none!important}"
               ".wn-card td{padding:1px 8px 1px 0!important;vertical-align:top;text-align:left!important;border:0!important}"
               ".wn-card td.wn-n{font-weight:bold;text-align:right!important;white-space:nowrap}"
               "table.wn-static{border-collapse:collapse;font-size:13px}table.wn-static th,table.wn-static td"
               "{border:1px solid #ddd;padding:4px 6px;text-align:left!important;vertical-align:top}"
               "table.wn-static th{background:#f3f3f3}</style>")


def _text(value: object, empty: str = "not given") -> str:
    """A value as escaped text, `empty` where missing."""
    if value is None or (not isinstance(value, str) and pd.isna(value)) or str(value).strip() == "":
        return html.escape(empty)
    return html.escape(str(value))


def header_html(article: Article, tables, title: str | None = None, source: str | None = None,
                published: str | None = None) -> str:
    """The report's header: title, source, publication date, article id, file, and the headline figures by section."""
    figures = headline(tables)
    cards = []
    for section, part in figures.groupby("section", sort=False):
        rows = "".join(f'<tr><td class="wn-n">{_text(r.text)}</td><td>{_text(r.figure)}</td></tr>'
                       for r in part.itertuples(index=False))
        cards.append(f'<div class="wn-card wn-{html.escape(str(section))}"><h3>'
                     f"{html.escape(SECTION_TITLES.get(str(section), str(section)))}</h3><table>{rows}</table></div>")
    file_name = Path(article.origin).name if article.origin not in ("", "-") else "stdin"
    meta = (f"<b>Source:</b> {_text(source or article.source)} · <b>Published:</b> "
            f"{_text(published or article.published, 'unknown')} · <b>Article id:</b> "
            f"<code>{html.escape(article.article_id)}</code> · <b>File:</b> {_text(file_name)}"
            + (f' · <b>Address:</b> <a href="{html.escape(article.url, quote=True)}" rel="noopener noreferrer '
               f'nofollow">{html.escape(article.url)}</a>' if _web_address(article.url) else ""))
    return (f'{_HEADER_CSS}<div class="wn-header"><h1>{_text(title or article.title, "Untitled article")}</h1>'
            f'<p class="wn-meta">{meta}</p><div class="wn-figures">{"".join(cards)}</div></div>')


def static_table_html(frame: pd.DataFrame, empty_message: str) -> str:
    """A small frame as a plain escaped HTML table, or a sentence when it has no rows."""
    if frame.empty:
        return f"{_HEADER_CSS}<p><i>{html.escape(empty_message)}</i></p>"
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join("<tr>" + "".join(f"<td>{_text(v, '')}</td>" for v in row) + "</tr>"
                   for row in frame.itertuples(index=False))
    return f'{_HEADER_CSS}<table class="wn-static"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def html_output(markup: str):
    """An IPython HTML display object for a notebook output."""
    from IPython.display import HTML

    return HTML(markup)
