"""The corpus store: one DuckDB file holding every article's metadata and its four tables.

One process writes (DuckDB allows one writer per file): batch workers hand their results to the
parent, which calls `write_article` once per article, in one transaction that deletes the
article's old rows and inserts the new ones. The store and the CSV/Parquet files rebuild each
other (`export_store`, `import_tables`).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

import pandas as pd

from analysis.tables.schema import COLUMNS, ID_COLUMN, TABLES, empty_frame

STORE_NAME = "corpus.duckdb"

# The `articles` table: column -> pandas dtype (order is the column order).
ARTICLE_COLUMNS: dict[str, str] = {
    "article_id": "string", "title": "string", "published": "string", "source": "string",
    "url": "string", "origin": "string", "text_sha": "string", "code_version": "string",
    "status": "string", "error": "string", "text": "string",
}
ALL_COLUMNS: dict[str, dict[str, str]] = {"articles": ARTICLE_COLUMNS, **COLUMNS}
STATUSES = ("ok", "failed")
DUCK_TYPES = {"string": "VARCHAR", "Int64": "BIGINT"}
# The pandas dtypes frames come back with: the ones extraction builds (Python-storage strings).
PANDAS_TYPES = {"string": pd.StringDtype("python"), "Int64": pd.Int64Dtype()}


def table_ddl(table: str) -> str:
    """The CREATE TABLE statement of a store table, from the declared columns."""
    cols = ", ".join(f'"{c}" {DUCK_TYPES[t]}' for c, t in ALL_COLUMNS[table].items())
    return f'CREATE TABLE IF NOT EXISTS "{table}" ({cols})'


def connect(path: str | Path, read_only: bool = False):
    """A connection to the store at path, its tables created when writable."""
    import duckdb

    path = Path(path)
    if read_only:
        return duckdb.connect(str(path), read_only=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    for table in ALL_COLUMNS:
        con.execute(table_ddl(table))
    # No PRIMARY KEY: article_id is unique because the one writer deletes before it inserts, in one
    # transaction (older DuckDB versions refuse a key deleted and re-inserted in one transaction).
    for table in ALL_COLUMNS:
        con.execute(f'CREATE INDEX IF NOT EXISTS "{table}_article" ON "{table}" (article_id)')
    return con


def conform(table: str, frame: pd.DataFrame | None) -> pd.DataFrame:
    """A frame with exactly the table's columns, in order, with the declared dtypes."""
    if frame is None or frame.empty:
        return _empty(table)
    wanted = ALL_COLUMNS[table]
    if list(frame.columns) == list(wanted) and all(frame[c].dtype == PANDAS_TYPES[t] for c, t in wanted.items()):
        return frame.reset_index(drop=True)
    out = pd.DataFrame(index=range(len(frame)))
    for col, dtype in ALL_COLUMNS[table].items():
        values = frame[col].reset_index(drop=True) if col in frame else pd.Series([None] * len(frame))
        if dtype == "Int64":
            out[col] = pd.to_numeric(values.astype("object").where(values.notna(), None)).astype("Int64")
        else:
            out[col] = values.astype("object").where(values.notna(), None).map(
                lambda v: v if v is None or isinstance(v, str) else str(v)).astype(PANDAS_TYPES["string"])
    return out


def _empty(table: str) -> pd.DataFrame:
    """An empty frame of any store table."""
    if table in COLUMNS:
        return empty_frame(table)
    return pd.DataFrame({c: pd.Series(dtype=PANDAS_TYPES[t]) for c, t in ALL_COLUMNS[table].items()})


def _insert(con, table: str, frame: pd.DataFrame) -> None:
    """Insert a conformed frame's rows into a store table."""
    if frame.empty:
        return
    import pyarrow as pa

    arrow = pa.Table.from_pandas(frame, preserve_index=False)
    con.register("_incoming", arrow)
    try:
        cols = ", ".join(f'"{c}"' for c in ALL_COLUMNS[table])
        con.execute(f'INSERT INTO "{table}" ({cols}) SELECT {cols} FROM _incoming')
    finally:
        con.unregister("_incoming")


def write_article(con, meta: dict, tables: dict[str, pd.DataFrame] | None = None) -> None:
    """Replace one article's metadata and rows in a single transaction (delete, then insert)."""
    article_id = meta["article_id"]
    frames = {t: conform(t, f) for t, f in (tables or {}).items() if f is not None and not f.empty}
    for table, frame in frames.items():
        if not frame.empty and set(frame["article_id"].dropna()) - {article_id}:
            raise ValueError(f"{table}: rows of another article in the tables of {article_id}")
    con.execute("BEGIN TRANSACTION")
    try:
        for table in ("articles", *TABLES):
            con.execute(f'DELETE FROM "{table}" WHERE article_id = ?', [article_id])
        _insert(con, "articles", conform("articles", pd.DataFrame([meta])))
        for table, frame in frames.items():
            _insert(con, table, frame)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def delete_article(con, article_id: str) -> None:
    """Remove an article and its rows in one transaction."""
    con.execute("BEGIN TRANSACTION")
    for table in ("articles", *TABLES):
        con.execute(f'DELETE FROM "{table}" WHERE article_id = ?', [article_id])
    con.execute("COMMIT")


def read_table(con, table: str, where: str = "", params: list | None = None) -> pd.DataFrame:
    """A store table as a frame with the declared dtypes, in a stable order."""
    order = ", ".join(f'"{c}"' for c in sort_keys(table))
    cols = ", ".join(f'"{c}"' for c in ALL_COLUMNS[table])
    sql = f'SELECT {cols} FROM "{table}" {where} ORDER BY {order}'
    frame = con.execute(sql, params or []).fetch_df()
    return conform(table, frame)


def sort_keys(table: str) -> list[str]:
    """The columns that order a table's rows the same way every time."""
    if table == "articles":
        return ["article_id"]
    return ["article_id", "char_start", "char_end", ID_COLUMN[table]]


def read_store(path: str | Path) -> dict[str, pd.DataFrame]:
    """Every store table (articles and the four) as frames, read-only."""
    con = connect(path, read_only=True)
    try:
        return {t: read_table(con, t) for t in ALL_COLUMNS}
    finally:
        con.close()


def article_states(con) -> dict[str, tuple]:
    """article_id -> (text_sha, code_version, status, (title, published, source, url)) of every article."""
    rows = con.execute("SELECT article_id, text_sha, code_version, status, title, published, source, url "
                       "FROM articles").fetchall()
    return {r[0]: (r[1], r[2], r[3], tuple(r[4:8])) for r in rows}


def row_counts(con) -> dict[str, int]:
    """Rows per store table."""
    return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in ALL_COLUMNS}


def export_store(con, folder: str | Path, fmt: str = "parquet") -> list[Path]:
    """Write every store table to folder as TABLE.parquet or TABLE.csv; the files written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in ALL_COLUMNS:
        frame = read_table(con, table)
        path = folder / f"{table}.{fmt}"
        tmp = path.with_name(f".{path.name}.tmp")
        if fmt == "parquet":
            frame.to_parquet(tmp, index=False)
        elif fmt == "csv":
            frame.to_csv(tmp, index=False)
        else:
            raise ValueError(f"unknown format {fmt!r} (parquet or csv)")
        tmp.replace(path)
        written.append(path)
    return written


def load_tables(folder: str | Path) -> dict[str, pd.DataFrame]:
    """The store tables found under folder: TABLE.parquet/.csv files, TABLE/ Parquet datasets
    (as `extract-corpus` writes), or per-article folders holding article.json and the CSVs."""
    folder = Path(folder)
    found: dict[str, pd.DataFrame] = {}
    for table in ALL_COLUMNS:
        frame = _load_one(folder, table)
        if frame is not None:
            found[table] = frame
    if not found:
        found = _load_article_folders(folder)
    return found


def _load_one(folder: Path, table: str) -> pd.DataFrame | None:
    """One table from TABLE.parquet, TABLE.csv or a TABLE/ Parquet dataset, where present."""
    if (folder / f"{table}.parquet").is_file():
        return conform(table, pd.read_parquet(folder / f"{table}.parquet"))
    if (folder / f"{table}.csv").is_file():
        return read_csv(table, folder / f"{table}.csv")
    if (folder / table).is_dir() and any((folder / table).rglob("*.parquet")):
        return read_dataset(folder / table, table)
    return None  # e.g. batch's reports/articles/ holds article folders, not a dataset


def read_csv(table: str, path: str | Path) -> pd.DataFrame:
    """A table's CSV file with the declared dtypes (empty cells are nulls)."""
    dtypes = {c: ("string" if t == "string" else "Int64") for c, t in ALL_COLUMNS[table].items()}
    return conform(table, pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values=[""]))


def read_dataset(path: str | Path, table: str) -> pd.DataFrame:
    """A Parquet dataset (hive-partitioned) as a table frame: partition columns, which come back
    categorical, are dropped or turned back into strings."""
    import pyarrow.dataset as ds

    if not any(Path(path).rglob("*.parquet")):
        return conform(table, None)
    data = ds.dataset(str(path), format="parquet", partitioning="hive").to_table().to_pandas()
    for col in data.columns:
        if isinstance(data[col].dtype, pd.CategoricalDtype):
            data[col] = data[col].astype("object")
    frame = conform(table, data)
    return frame.sort_values(sort_keys(table), kind="stable").reset_index(drop=True)


def _load_article_folders(folder: Path) -> dict[str, pd.DataFrame]:
    """Tables from per-article folders (article.json plus the four CSVs), as `batch` writes them."""
    metas, parts = [], {t: [] for t in TABLES}
    for meta_path in sorted(folder.rglob("article.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if not isinstance(meta, dict) or "article_id" not in meta:
            continue
        text = meta_path.parent / "article.txt"
        if "text" not in meta and text.is_file():
            meta["text"] = text.read_text(encoding="utf-8")
        metas.append(meta)
        for table in TABLES:
            csv = meta_path.parent / f"{table}.csv"
            if csv.is_file():
                parts[table].append(read_csv(table, csv))
    if not metas:
        return {}
    out = {"articles": conform("articles", pd.DataFrame(metas))}
    for table, frames in parts.items():
        out[table] = conform(table, pd.concat(frames, ignore_index=True)) if frames else _empty(table)
    return out


def import_tables(con, tables: dict[str, pd.DataFrame]) -> int:
    """Write loaded tables into the store, one transaction per article; the articles written."""
    articles = tables.get("articles")
    ids: Iterable[str]
    if articles is None or articles.empty:
        ids = sorted({i for t in TABLES if t in tables for i in tables[t]["article_id"].dropna()})
        metas = {i: {"article_id": i, "status": "ok"} for i in ids}
    else:
        metas = {r["article_id"]: r for r in _records(articles)}
        ids = list(metas)
    grouped = {t: dict(tuple(tables[t].groupby("article_id", sort=False))) for t in TABLES if t in tables}
    count = 0
    for article_id in ids:
        write_article(con, metas[article_id], {t: g.get(article_id) for t, g in grouped.items()})
        count += 1
    return count


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows of a frame as dicts with None for nulls."""
    clean = frame.astype("object").where(frame.notna(), None)
    return clean.to_dict("records")
