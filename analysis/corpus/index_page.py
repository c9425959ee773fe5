"""reports/index.html: one row per article (title, date, source, headline figures, link), sortable offline."""
from __future__ import annotations

import html

import pandas as pd

from analysis.reading.web import is_link as web_address
from analysis.report.csp import with_csp

# Headline figures per article: column -> (heading, SQL over the article's rows).
HEADLINES: dict[str, tuple[str, str]] = {
    "killed": ("Killed", "SELECT article_id, sum(killed) AS v FROM casualties GROUP BY 1"),
    "injured": ("Injured", "SELECT article_id, sum(injured) AS v FROM casualties GROUP BY 1"),
    "launched": ("Drones/missiles launched", "SELECT article_id, sum(launched) AS v FROM drone_counts GROUP BY 1"),
    "destroyed": ("Destroyed", "SELECT article_id, sum(destroyed) AS v FROM drone_counts GROUP BY 1"),
    "statements": ("Statements", "SELECT article_id, count(*) AS v FROM statements GROUP BY 1"),
    "deployments": ("Force sizes", "SELECT article_id, count(*) AS v FROM deployments GROUP BY 1"),
}
COLUMNS = ["title", "published", "source", *HEADLINES, "status"]
HEADINGS = {"title": "Title", "published": "Date", "source": "Source", "status": "Report",
            **{k: v[0] for k, v in HEADLINES.items()}}
NUMERIC = set(HEADLINES)

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem;color:#1d1d1f}
h1{font-size:1.5rem;margin-bottom:.2rem} p.note{color:#555;margin-top:0}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3;cursor:pointer;user-select:none;position:sticky;top:0}
th[aria-sort=ascending]::after{content:" \\25B2"} th[aria-sort=descending]::after{content:" \\25BC"}
td.n{text-align:right;font-variant-numeric:tabular-nums} td.d{white-space:nowrap} tr.failed td{color:#8c1c13}
a{color:#0b57d0}
"""
# Click a heading to sort by it (numbers as numbers, empty cells last); no library, no network.
SCRIPT = """
document.querySelectorAll("table.sortable th").forEach(function (th, col) {
  th.addEventListener("click", function () {
    var table = th.closest("table"), body = table.tBodies[0];
    var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir);
    var rows = Array.prototype.slice.call(body.rows);
    function key(row) { var c = row.cells[col]; return c.getAttribute("data-sort") || c.textContent.trim(); }
    rows.sort(function (a, b) {
      var x = key(a), y = key(b);
      if (x === "" || y === "") { return x === y ? 0 : (x === "" ? 1 : -1); }
      var nx = parseFloat(x), ny = parseFloat(y), r;
      r = (!isNaN(nx) && !isNaN(ny) && th.classList.contains("n")) ? nx - ny : x.localeCompare(y);
      return dir === "ascending" ? r : -r;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  });
});
"""



def index_rows(con) -> pd.DataFrame:
    """One row per article of the store: metadata, status and headline figures."""
    frame = con.execute("SELECT article_id, title, published, source, url, origin, status, error FROM articles "
                        "ORDER BY published NULLS LAST, title, article_id").fetch_df()
    for name, (_, sql) in HEADLINES.items():
        values = dict(con.execute(sql).fetchall())
        frame[name] = pd.array([values.get(a) for a in frame["article_id"]], dtype="Int64")
        if name in ("statements", "deployments"):
            frame[name] = frame[name].fillna(0)
    return frame


def empty_rows() -> pd.DataFrame:
    """The index rows of an empty corpus."""
    return pd.DataFrame(columns=["article_id", "title", "published", "source", "url", "origin", "status", "error",
                                 *HEADLINES])


def _cell(column: str, row: pd.Series) -> str:
    """One escaped table cell."""
    value = row.get(column)
    if column == "title":
        text = value if isinstance(value, str) and value else row["article_id"]
        if row["status"] == "ok":
            href = f"articles/{row['article_id']}/report.html"
            return f'<td><a href="{html.escape(href)}">{html.escape(text)}</a></td>'
        return f"<td>{html.escape(text)}</td>"
    if column == "status":
        if row["status"] == "ok":
            return '<td data-sort="ok">report</td>'
        return f'<td data-sort="failed" title="{html.escape(str(row.get("error") or ""))}">failed</td>'
    if column in NUMERIC:
        shown = "" if pd.isna(value) else f"{int(value):,}"
        sort = "" if pd.isna(value) else str(int(value))
        return f'<td class="n" data-sort="{sort}">{shown}</td>'
    if column == "source" and web_address(row.get("url")):
        shown = html.escape(value) if isinstance(value, str) and value else "link"
        return (f'<td><a href="{html.escape(row["url"], quote=True)}" rel="noopener noreferrer nofollow">'
                f"{shown}</a></td>")
    css = ' class="d"' if column == "published" else ""
    return f"<td{css}>{html.escape(value) if isinstance(value, str) else ''}</td>"


def index_html(rows: pd.DataFrame, note: str = "") -> str:
    """The index page: a sortable table of the articles, self-contained and escaped."""
    head = "".join(f'<th scope="col"{" class=n" if c in NUMERIC else ""}>{html.escape(HEADINGS[c])}</th>'
                   for c in COLUMNS)
    body = "\n".join(f'<tr class="{"ok" if r["status"] == "ok" else "failed"}">'
                     + "".join(_cell(c, r) for c in COLUMNS) + "</tr>" for _, r in rows.iterrows())
    ok = int((rows["status"] == "ok").sum()) if len(rows) else 0
    summary = f"{ok} reports, {len(rows) - ok} failed articles. {note}".strip()
    # Same rule as the reports (analysis.report.csp): nothing from a host, only this page's own script runs.
    return with_csp("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>Article reports</title><style>{STYLE}</style></head><body>"
            f"<h1>Article reports</h1><p class=\"note\">{html.escape(summary)} "
            "<a href=\"corpus.html\">Corpus overview</a> · <a href=\"failures.csv\">failures.csv</a> · "
            "click a heading to sort.</p>"
            f"<table class=\"sortable\"><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>"
            f"<script>{SCRIPT}</script></body></html>\n")
