"""The corpus store: one DuckDB file holding every article's metadata and its four tables.

One process writes (DuckDB allows one writer per file): batch workers hand their results to the
parent, which calls `write_article` once per article, in one transaction that deletes the
article's old rows and inserts the new ones. The store and the CSV/Parquet files rebuild each
other (`export_store`, `import_tables`): an import is checked against the declared schemas
(pandera) file by file before anything is written, and refused with the file and its first bad
row; an export writes its files as one set. Whatever goes wrong with a store or a table file is a
`StoreError`: one line that names the file.
"""
from __future__ import annotations

import json
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

import pandas as pd

from analysis.files import InputError, csv_text, csv_value, write_set
from analysis.tables.schema import COLUMNS, ID_COLUMN, TABLES, empty_frame

STORE_NAME = "corpus.duckdb"

# The `articles` table: column -> pandas dtype (order is the column order).
ARTICLE_COLUMNS: dict[str, str] = {
    "article_id": "string", "title": "string", "published": "string", "source": "string",
    "url": "string", "origin": "string", "text_sha": "string", "code_version": "string",
    "status": "string", "error": "string", "text": "string",
}
ALL_COLUMNS: dict[str, dict[str, str]] = {"articles": ARTICLE_COLUMNS, **COLUMNS}
# ok: its tables are stored; failed: its content could not be processed (kept until the text or the
# code changes); retry: it failed for a reason that can pass (disk, I/O, a dead or hung kernel) and
# the next run does it again.
STATUSES = ("ok", "failed", "retry")
PARTITION = "published_month"  # the partition column of extract-corpus datasets, not a store column
DUCK_TYPES = {"string": "VARCHAR", "Int64": "BIGINT"}
# The pandas dtypes frames come back with: the ones extraction builds (Python-storage strings).
PANDAS_TYPES = {"string": pd.StringDtype("python"), "Int64": pd.Int64Dtype()}


class StoreError(InputError):
    """A store or a table file that cannot be used; the message is one line naming the file."""


def one_line(err: BaseException) -> str:
    """A library's error message as one short line (DuckDB's 'IO Error:' prefix and links dropped)."""
    text = " ".join(str(err).split())
    text = re.sub(r"^(?:IO|Invalid Input|Catalog|Serialization|Binder) Error: ", "", text)
    text = re.sub(r"\s*See also https?://\S+", "", text)
    return text[:297] + "..." if len(text) > 300 else text


@contextmanager
def store_errors(path: str | Path) -> Iterator[None]:
    """Turn DuckDB's errors while using the store at path into a StoreError naming it."""
    import duckdb

    try:
        yield
    except duckdb.Error as err:
        raise StoreError(f"{path}: {one_line(err)}") from None


def table_ddl(table: str) -> str:
    """The CREATE TABLE statement of a store table, from the declared columns."""
    cols = ", ".join(f'"{c}" {DUCK_TYPES[t]}' for c, t in ALL_COLUMNS[table].items())
    return f'CREATE TABLE IF NOT EXISTS "{table}" ({cols})'


def connect(path: str | Path, read_only: bool = False):
    """A connection to the store at path, its tables created when writable."""
    import duckdb

    path = Path(path)
    if read_only and not path.is_file():
        raise StoreError(f"{path}: {'is a folder, not a store' if path.is_dir() else 'no store there'}")
    with store_errors(path):
        if read_only:
            con = duckdb.connect(str(path), read_only=True)
            missing = set(ALL_COLUMNS) - {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
            if missing:
                con.close()
                raise StoreError(f"{path}: not a corpus store (no {', '.join(sorted(missing))} table)")
            return con
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
    with transaction(con):
        _replace(con, meta, tables)


@contextmanager
def transaction(con) -> Iterator[None]:
    """One transaction: committed when the block ends, rolled back when it raises."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _replace(con, meta: dict, tables: dict[str, pd.DataFrame] | None) -> None:
    """Delete an article's metadata and rows, then insert the new ones (inside a transaction)."""
    article_id = meta["article_id"]
    frames = {t: conform(t, f) for t, f in (tables or {}).items() if f is not None and not f.empty}
    for table, frame in frames.items():
        if not frame.empty and set(frame["article_id"].dropna()) - {article_id}:
            raise ValueError(f"{table}: rows of another article in the tables of {article_id}")
    for table in ("articles", *TABLES):
        con.execute(f'DELETE FROM "{table}" WHERE article_id = ?', [article_id])
    _insert(con, "articles", conform("articles", pd.DataFrame([meta])))
    for table, frame in frames.items():
        _insert(con, table, frame)


def delete_article(con, article_id: str) -> None:
    """Remove an article and its rows in one transaction."""
    with transaction(con):
        for table in ("articles", *TABLES):
            con.execute(f'DELETE FROM "{table}" WHERE article_id = ?', [article_id])


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
        with store_errors(path):
            return {t: read_table(con, t) for t in ALL_COLUMNS}
    finally:
        con.close()


def article_states(con) -> dict[str, tuple]:
    """article_id -> (text_sha, code_version, status, (title, published, source, url, origin)) of every article."""
    rows = con.execute("SELECT article_id, text_sha, code_version, status, title, published, source, url, origin "
                       "FROM articles").fetchall()
    return {r[0]: (r[1], r[2], r[3], tuple(r[4:9])) for r in rows}


def row_counts(con) -> dict[str, int]:
    """Rows per store table."""
    return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in ALL_COLUMNS}


def export_store(con, folder: str | Path, fmt: str = "parquet", path: str | Path = "store") -> list[Path]:
    """Write every store table to folder as TABLE.parquet or TABLE.csv, as one set (all the files
    or none); the files written. CSV cells that a spreadsheet would run are neutralised."""
    if fmt not in ("parquet", "csv"):
        raise ValueError(f"unknown format {fmt!r} (parquet or csv)")
    folder = Path(folder)
    files: dict[str, bytes | str] = {}
    with store_errors(path):
        frames = {table: read_table(con, table) for table in ALL_COLUMNS}
    for table, frame in frames.items():
        files[f"{table}.{fmt}"] = _parquet_bytes(frame) if fmt == "parquet" else csv_text(frame)
    write_set(folder, files)
    return [folder / name for name in files]


def _parquet_bytes(frame: pd.DataFrame) -> bytes:
    """A frame as the bytes of a Parquet file."""
    import io

    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def load_tables(folder: str | Path) -> dict[str, pd.DataFrame]:
    """The store tables found under folder, each checked against its declared schema: TABLE.parquet
    or TABLE.csv files, TABLE/ Parquet datasets (as `extract-corpus` writes), or per-article folders
    holding article.json and the CSVs (as `batch` and `extract` write). Raises StoreError with the
    file and its first bad row for anything that does not fit; nothing is dropped."""
    folder = Path(folder)
    if not folder.is_dir():
        raise StoreError(f"{folder}: {'not a folder of tables' if folder.exists() else 'no such folder'}")
    found: dict[str, pd.DataFrame] = {}
    origins: dict[str, str] = {}
    for table in ALL_COLUMNS:
        loaded = _load_one(folder, table)
        if loaded is not None:
            found[table], origins[table] = loaded
    if not found:
        return _load_article_folders(folder)
    if "articles" in found:
        _check_references(found, origins)
    return found


def _load_one(folder: Path, table: str) -> tuple[pd.DataFrame, str] | None:
    """One checked table from TABLE.parquet, TABLE.csv or a TABLE/ Parquet dataset, where present,
    and where it came from."""
    for path in (folder / f"{table}.parquet", folder / f"{table}.csv"):
        if path.is_file():
            return checked(table, _read_file(path), str(path)), str(path)
    if (folder / table).is_dir() and any((folder / table).rglob("*.parquet")):
        return read_dataset(folder / table, table), f"{folder / table}/"
    return None  # e.g. batch's reports/articles/ holds article folders, not a dataset


def _read_file(path: Path) -> pd.DataFrame:
    """A Parquet or CSV file as read, text cells as strings; StoreError where it cannot be read."""
    import pyarrow as pa

    try:
        if path.suffix == ".parquet":
            return pd.read_parquet(path)
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
        return frame.map(lambda v: csv_value(v) if isinstance(v, str) else v)
    except (ValueError, OSError, pa.ArrowException) as err:
        kind = "Parquet" if path.suffix == ".parquet" else "CSV"
        raise StoreError(f"{path}: not a readable {kind} file ({one_line(err)})") from None


def checked(table: str, raw: pd.DataFrame, where: str, partial: bool = False) -> pd.DataFrame:
    """A table as read, checked against its declared columns and schema, with the declared dtypes;
    partial allows missing columns (an article.json names only some). StoreError names where and
    the first bad row."""
    declared = ALL_COLUMNS[table]
    columns = [c for c in raw.columns if c != PARTITION]
    missing, extra = [c for c in declared if c not in columns], [c for c in columns if c not in declared]
    if extra or (missing and not partial):
        what = "; ".join(part for part in (f"missing columns {', '.join(missing)}" if missing and not partial else "",
                                           f"unexpected columns {', '.join(map(str, extra))}" if extra else "") if part)
        raise StoreError(f"{where}: not a {table} table ({what})")
    raw = raw.reset_index(drop=True)
    for col in (c for c, t in declared.items() if t == "Int64" and c in raw):
        numbers = pd.to_numeric(raw[col].astype("object"), errors="coerce")
        bad = raw[col].notna() & (numbers.isna() | (numbers.fillna(0) % 1 != 0))
        if bad.any():
            row = int(bad.idxmax())
            raise StoreError(f"{where}: row {row + 1}: {col} {raw[col][row]!r} is not a whole number")
    frame = conform(table, raw)
    keys = ["article_id"] if table == "articles" else ["article_id", ID_COLUMN[table]]
    repeated = frame.duplicated(keys) & frame[keys].notna().all(axis=1)
    if repeated.any():
        row = int(repeated.to_numpy().argmax())
        first = int((frame[keys] == frame.loc[row, keys]).all(axis=1).to_numpy().argmax())
        value = "/".join(str(frame.loc[row, k]) for k in keys)
        raise StoreError(f"{where}: row {row + 1}: {'/'.join(keys)} {value!r} is a duplicate (of row {first + 1})")
    _validate(table, frame, where)
    return frame


def _validate(table: str, frame: pd.DataFrame, where: str) -> None:
    """Run the table's pandera schema; its first failure as a StoreError with the row."""
    import pandera.errors as pe

    try:
        import_schema(table).validate(frame)
    except pe.SchemaError as err:
        cases = err.failure_cases
        column = getattr(err.schema, "name", None) or (cases["column"].iloc[0] if "column" in cases else None)
        row = cases["index"].iloc[0] if "index" in cases and len(cases) else None
        value = cases["failure_case"].iloc[0] if "failure_case" in cases and len(cases) else None
        rule = {"not_nullable": "is empty", "multiple_fields_uniqueness": "is a duplicate",
                "field_uniqueness": "is a duplicate"}.get(str(err.check), f"breaks {err.check}")
        at = f"row {int(row) + 1}: " if row is not None and row == row else ""
        raise StoreError(f"{where}: {at}{column} {rule}" + (f" ({value!r})" if value is not None else "")) from None


def import_schema(table: str):
    """The pandera schema a table must fit to be imported: the table's own (tables.schema), with
    article_id required and ids unique within an article; for `articles`, ids unique and a known status."""
    import pandera.pandas as pa

    from analysis.tables.schema import pandera_schema

    if table == "articles":
        return _articles_schema()
    schema = pandera_schema(table).update_column("article_id", nullable=False)
    schema.unique = ["article_id", ID_COLUMN[table]]
    return schema


def _articles_schema():
    """The pandera schema of the `articles` table."""
    import pandera.pandas as pa

    checks = {"status": [pa.Check.isin(list(STATUSES))],
              "published": [pa.Check.str_matches(r"^\d{4}-\d{2}-\d{2}$")]}
    columns = {c: pa.Column(PANDAS_TYPES[t], checks=checks.get(c, []), nullable=c not in ("article_id", "status"),
                            unique=c == "article_id")
               for c, t in ARTICLE_COLUMNS.items()}
    return pa.DataFrameSchema(columns, strict=True, ordered=True)


def _check_references(found: dict[str, pd.DataFrame], origins: dict[str, str]) -> None:
    """Every row of the four tables belongs to an article of the articles table."""
    known = set(found["articles"]["article_id"])
    for table in TABLES:
        if table not in found:
            continue
        unknown = ~found[table]["article_id"].isin(known)
        if unknown.any():
            row = int(unknown.to_numpy().argmax())
            value = found[table]["article_id"].iloc[row]
            raise StoreError(f"{origins[table]}: row {row + 1}: article_id {value!r} is not in the articles table")


def read_csv(table: str, path: str | Path) -> pd.DataFrame:
    """A table's CSV file, checked, with the declared dtypes (empty cells are nulls)."""
    return checked(table, _read_file(Path(path)), str(path))


def read_dataset(path: str | Path, table: str) -> pd.DataFrame:
    """A Parquet dataset (hive-partitioned) as a checked table frame: partition columns, which come
    back categorical, are dropped or turned back into strings."""
    import pyarrow as pa
    import pyarrow.dataset as ds

    if not any(Path(path).rglob("*.parquet")):
        return conform(table, None)
    try:
        data = ds.dataset(str(path), format="parquet", partitioning="hive").to_table().to_pandas()
    except (ValueError, OSError, pa.ArrowException) as err:
        raise StoreError(f"{path}/: not a readable Parquet dataset ({one_line(err)})") from None
    for col in data.columns:
        if isinstance(data[col].dtype, pd.CategoricalDtype):
            data[col] = data[col].astype("object")
    frame = checked(table, data, f"{path}/")
    return frame.sort_values(sort_keys(table), kind="stable").reset_index(drop=True)


def _article_metas(meta_path: Path) -> list[dict]:
    """The articles-table rows of one article.json: batch's (one article) or extract's (one or a list)."""
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise StoreError(f"{meta_path}: not readable JSON ({one_line(err)})") from None
    records = meta if isinstance(meta, list) else [meta]
    out = []
    for record in records:
        if isinstance(record, dict) and "id" in record and "article_id" not in record:  # extract's article.json
            record = {"article_id": record["id"], "status": "ok",
                      **{k: record.get(k) for k in ("title", "published", "source", "url", "origin")}}
        if not isinstance(record, dict) or "article_id" not in record:
            raise StoreError(f"{meta_path}: no article_id (not an article folder's article.json)")
        text = meta_path.parent / "article.txt"
        if "text" not in record and text.is_file():
            record["text"] = text.read_text(encoding="utf-8")
        out.append(record)
    return out


def _load_article_folders(folder: Path) -> dict[str, pd.DataFrame]:
    """Checked tables from per-article folders (article.json plus the four CSVs)."""
    metas, parts, seen = [], {t: [] for t in TABLES}, {}
    for meta_path in sorted(folder.rglob("article.json")):
        records = _article_metas(meta_path)
        frame = checked("articles", pd.DataFrame(records), str(meta_path), partial=True)
        for article_id in frame["article_id"]:
            if article_id in seen:
                raise StoreError(f"{meta_path}: article_id {article_id!r} is a duplicate (also in {seen[article_id]})")
            seen[article_id] = meta_path
        metas.append(frame)
        for table in TABLES:
            csv = meta_path.parent / f"{table}.csv"
            if csv.is_file():
                rows = read_csv(table, csv)
                _check_references({"articles": frame, table: rows}, {table: str(csv)})
                parts[table].append(rows)
    if not metas:
        return {}
    out = {"articles": conform("articles", pd.concat(metas, ignore_index=True))}
    for table, frames in parts.items():
        out[table] = conform(table, pd.concat(frames, ignore_index=True)) if frames else _empty(table)
    return out


def import_tables(con, tables: dict[str, pd.DataFrame], path: str | Path = "store") -> int:
    """Write loaded tables into the store in one transaction (each article's rows replaced); the
    articles written."""
    articles = tables.get("articles")
    ids: Iterable[str]
    if articles is None or articles.empty:
        ids = sorted({i for t in TABLES if t in tables for i in tables[t]["article_id"].dropna()})
        metas = {i: {"article_id": i, "status": "ok"} for i in ids}
    else:
        metas = {r["article_id"]: r for r in _records(articles)}
        ids = list(metas)
    grouped = {t: dict(tuple(tables[t].groupby("article_id", sort=False))) for t in TABLES if t in tables}
    with store_errors(path), transaction(con):
        for article_id in ids:
            _replace(con, metas[article_id], {t: g.get(article_id) for t, g in grouped.items()})
    return len(metas)


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows of a frame as dicts with None for nulls."""
    clean = frame.astype("object").where(frame.notna(), None)
    return clean.to_dict("records")
