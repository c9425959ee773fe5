"""The four tables as interactive (sort, search) tables that work offline: itables with its library inlined.

Cells are escaped by itables (`allow_html` stays False); table ids are fixed per table so that a re-run
writes the same HTML (nbval compares it).
"""
from __future__ import annotations

import pandas as pd

HIDDEN_COLUMNS = ("article_id",)  # the same on every row; the header shows it once
LONG_COLUMNS = frozenset({"evidence", "text", "victims"})  # wrapped in a wide column, not one endless line
# Search box on every table, however short (itables drops the controls when its default layout fits one page).
LAYOUT = {"topStart": "search", "topEnd": "pageLength", "bottomStart": "info", "bottomEnd": "paging"}
TABLE_CSS = ("<style>.wn-itable td{white-space:normal!important;vertical-align:top!important;text-align:left!important}"
             ".wn-itable th{text-align:left!important}.wn-itable td.wn-long{min-width:26em;max-width:40em}</style>")


def display_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as shown: article_id dropped, missing values as empty cells, counts as plain ints."""
    shown = frame.drop(columns=[c for c in HIDDEN_COLUMNS if c in frame.columns])
    columns = {}
    for column in shown.columns:
        numeric = pd.api.types.is_integer_dtype(shown[column].dtype)
        columns[column] = pd.Series([("" if pd.isna(v) else int(v) if numeric else str(v)) for v in shown[column]],
                                    dtype=object)
    return pd.DataFrame(columns, columns=list(shown.columns))


def init_offline() -> None:
    """Load the DataTables library into the notebook's output (offline: no CDN), without changing how other frames show."""
    import itables.options as opt
    from itables import init_notebook_mode

    opt.display_logo_when_loading = False
    init_notebook_mode(all_interactive=False, connected=False)


def interactive_table(frame: pd.DataFrame, table: str):
    """One table as an interactive HTML output with a fixed id (`wn_<table>`), every cell escaped."""
    from IPython.display import HTML
    from itables import to_html_datatable

    shown = display_frame(frame)
    long = [i for i, c in enumerate(shown.columns) if c in LONG_COLUMNS]
    html = to_html_datatable(shown, table_id=f"wn_{table}", connected=False, allow_html=False,
                             display_logo_when_loading=False, pageLength=10, lengthMenu=[5, 10, 25, 100],
                             classes="display compact cell-border", style="width:100%;margin:0",
                             scrollX=True, columnDefs=[{"targets": long, "className": "wn-long"}],
                             layout=LAYOUT)
    return HTML(f'{TABLE_CSS}<div class="wn-itable">{html}</div>')
