"""The tables as interactive (sort, search) tables that work offline: itables with its library inlined.

Each table opens in a compact view (the columns of `COMPACT_COLUMNS`, long text cut to one line); the
"Columns" button (DataTables' column visibility) shows any other column, and the "full text" box wraps
the long cells. Both are declarative DataTables options and CSS: no inline event handler, no evaluated
JavaScript. Cells are escaped by itables (`allow_html` stays False); table ids are fixed per table so that
a re-run writes the same HTML (nbval compares it).
"""
from __future__ import annotations

import functools
import html as html_lib

import pandas as pd

from analysis.report import csp

HIDDEN_COLUMNS = ("article_id",)  # the same on every row; the header shows it once
LONG_COLUMNS = frozenset({"evidence", "text", "victims", "killed_by_source", "injured_by_source",
                          "launched_by_source", "destroyed_by_source", "title"})
SHORT_COLUMNS = frozenset({"date", "day", "last_day", "mode", "weapon_class", "weapon", "attacker", "country",
                           "killed", "injured", "launched", "destroyed", "count", "sources", "statements",
                           "articles", "speakers", "incidents"})  # as narrow as their widest value
# What a reader sees first, per table (in this order; every other column stays one click away). A table
# not named here shows all its columns.
COMPACT_COLUMNS: dict[str, tuple[str, ...]] = {
    "casualties": ("incident_id", "place", "date", "killed", "injured", "weapon", "source", "evidence"),
    "drone_counts": ("claim_id", "date", "attacker", "weapon_class", "weapon", "launched", "destroyed",
                     "reporter", "evidence"),
    "statements": ("statement_id", "date", "speaker", "mode", "channel", "text"),
    "deployments": ("deployment_id", "date", "force", "count", "location", "source", "evidence"),
    "incidents": ("incident", "day", "region", "places", "weapon", "sources", "killed", "injured"),
    "incident_sources": ("incident", "day", "outlet", "region", "place", "killed", "injured", "evidence"),
    "air_claims": ("claim", "day", "attacker", "weapon_class", "weapon", "sources", "launched", "destroyed"),
    "force_sizes": ("day", "force", "figure", "location", "source", "outlet"),
}
# "Columns": a panel listing every column but the row id, each a toggle; then the rows-per-page menu.
COLVIS = {"extend": "colvis", "text": "Columns", "collectionLayout": "columns",
          "popoverTitle": "Columns shown (click to show or hide)"}
LAYOUT = {"topStart": "buttons", "topEnd": "search", "bottomStart": "info", "bottomEnd": "paging"}
TABLE_CSS = (
    "<style>.wn-itable td{vertical-align:top!important;text-align:left!important}"
    ".wn-itable th{text-align:left!important;white-space:nowrap}"
    ".wn-itable table.dataTable{table-layout:auto!important}.wn-itable .wn-short{width:1%;white-space:nowrap}"
    ".wn-itable td.wn-long{max-width:0;min-width:16em;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}"
    ".wn-itable td:not(.wn-short):not(.wn-long){max-width:14em}"
    ".wn-itable:has(.wn-wrap input:checked) td.wn-long{white-space:normal;min-width:24em}"
    ".wn-itable .wn-wrap{font-size:0.85em;color:#555;margin:0 0 0.3em 0;display:block}</style>")


def display_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as shown: article_id dropped, missing values as empty cells, counts as plain ints."""
    columns = [c for c in frame.columns if c not in HIDDEN_COLUMNS]
    data = {}
    for column in columns:
        values = frame[column]
        numeric = pd.api.types.is_integer_dtype(values.dtype)
        data[column] = [("" if pd.isna(v) else int(v) if numeric else str(v)) for v in values]
    return pd.DataFrame(data, columns=columns, dtype=object)


def compact_order(columns: list[str], table: str) -> tuple[list[str], list[int]]:
    """The columns with the compact view's first, in its order, and the positions of those hidden at first."""
    first = [c for c in COMPACT_COLUMNS.get(table, columns) if c in columns]
    ordered = first + [c for c in columns if c not in first]
    return ordered, [i for i, c in enumerate(ordered) if c not in first]


def init_offline() -> None:
    """Load the DataTables library into the notebook's output (offline: no CDN), without changing how other
    frames show; its outputs declare their scripts (see `declared`)."""
    import itables.options as opt
    from IPython.display import display
    from IPython.utils.capture import capture_output
    from itables import init_notebook_mode

    opt.display_logo_when_loading = False
    with capture_output(stdout=False, stderr=False) as captured:
        init_notebook_mode(all_interactive=False, connected=False)
    for output in captured.outputs:
        display(declared(output.data["text/html"]))


@functools.lru_cache(maxsize=8)
def _scripts(markup: str) -> tuple[int, tuple[str, ...]]:
    """How many inline scripts some markup holds and the CSP sources that let them run (kept: the DataTables
    bundle is the same megabyte in every report)."""
    found = csp.inline_scripts(markup)
    return len(found), tuple(sorted(csp.script_sources(found)))


def declared(markup: str, scripts: int | None = None):
    """An HTML output of itables' whose scripts may run in the exported page: their sources (hashes, blob:)
    go with it, in its metadata (`csp.SCRIPTS_KEY`); no other output's script gets a hash in the page's policy. Where
    `scripts` says how many the producer writes, markup holding any other number declares none (text that
    broke out of a script's data would have made one more: the page then refuses them all)."""
    from IPython.display import HTML

    count, hashes = _scripts(markup)
    return HTML(markup, metadata={csp.SCRIPTS_KEY: list(hashes) if scripts in (None, count) else []})


@functools.lru_cache(maxsize=1)
def table_scripts() -> int:
    """How many scripts itables writes for one interactive table (counted on a table of our own)."""
    from itables import to_html_datatable

    return len(csp.inline_scripts(to_html_datatable(pd.DataFrame({"a": ["x"]}), table_id="wn_count",
                                                    connected=False, display_logo_when_loading=False)))


def interactive_table(frame: pd.DataFrame, table: str):
    """One table as an interactive HTML output with a fixed id (`wn_<table>`), compact first, every cell escaped."""
    from itables import to_html_datatable

    shown = display_frame(frame)
    ordered, hidden = compact_order(list(shown.columns), table)
    shown = shown[ordered]
    long = [i for i, c in enumerate(ordered) if c in LONG_COLUMNS]
    short = [i for i, c in enumerate(ordered) if c in SHORT_COLUMNS or c.endswith("_id")]
    column_defs = [{"targets": long, "className": "wn-long"}, {"targets": short, "className": "wn-short"},
                   {"targets": hidden, "visible": False}]
    keep = 1 if ordered and ordered[0].endswith(("_id", "incident", "claim")) else 0  # the row id stays in view
    buttons = [{**COLVIS, "columns": list(range(keep, len(ordered)))}, "pageLength"]
    html = to_html_datatable(shown, table_id=f"wn_{table}", connected=False, allow_html=False,
                             display_logo_when_loading=False, pageLength=10, lengthMenu=[5, 10, 25, 100],
                             classes="display compact cell-border", style="width:100%;margin:0",
                             autoWidth=False, columnDefs=column_defs, layout=LAYOUT,
                             buttons=buttons, warn_on_unexpected_option_type=False)  # typeguard: a third of the call
    note = f"{len(ordered) - len(hidden)} of {len(ordered)} columns shown: the Columns button shows the others"
    toggle = (f'<label class="wn-wrap"><input type="checkbox"> full text in long cells '
              f'({html_lib.escape(note)})</label>') if long or hidden else ""
    return declared(f'{TABLE_CSS}<div class="wn-itable">{toggle}{html}</div>', scripts=table_scripts())
