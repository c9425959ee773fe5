"""Faults: bad data given to `store import`, and the store's and Parquet's files broken.

Each refused import names the file and its first bad row in one line, exits 2, and leaves the
target store exactly as it was, row for row; nothing is dropped silently.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis import extract_tables
from analysis.corpus import store
from analysis.reading.articles import article_id
from faults import ARTICLES, assert_one_line_error, assert_same_rows, run, store_rows


def _meta(name: str, text: str) -> dict:
    """The articles-table row of one of the test articles."""
    return {"article_id": article_id(text), "title": name, "published": "2024-11-02", "origin": name,
            "text_sha": "x", "code_version": "v1", "status": "ok", "text": text}


@pytest.fixture()
def good(tmp_path) -> tuple[Path, Path, dict[str, pd.DataFrame]]:
    """A store of the three test articles exported as CSV; (the CSV folder, a target store that
    already holds one import of it, the target's rows)."""
    source = tmp_path / "source.duckdb"
    con = store.connect(source)
    for name, text in ARTICLES.items():
        store.write_article(con, _meta(name, text), dict(extract_tables(text, "2024-11-02").items()))
    store.export_store(con, tmp_path / "csv", "csv")
    con.close()
    target = tmp_path / "target.duckdb"
    assert run("store", "import", tmp_path / "csv", "--to", target).returncode == 0
    return tmp_path / "csv", target, store_rows(target)


def _edit(path: Path, change) -> None:
    """Rewrite a CSV file after change(frame) (cells read as text)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    change(frame)
    frame.to_csv(path, index=False)


def _refused(folder: Path, target: Path, before: dict, *words: str) -> str:
    """Import folder into target: refused in one line with the words, target unchanged row for row."""
    line = assert_one_line_error(run("store", "import", folder, "--to", target), *words)
    assert_same_rows(store_rows(target), before)
    return line


def test_rows_of_an_unknown_article_are_refused_not_dropped(good):
    folder, target, before = good
    _edit(folder / "casualties.csv", lambda f: f.__setitem__("article_id", ["000000000000"] + list(f["article_id"][1:])))
    _refused(folder, target, before, "casualties.csv", "row 1", "'000000000000'", "not in the articles table")


def test_a_row_without_article_id_is_refused(good):
    folder, target, before = good
    _edit(folder / "statements.csv", lambda f: f.loc.__setitem__((1, "article_id"), ""))
    _refused(folder, target, before, "statements.csv", "row 2", "article_id is empty")


def test_a_statements_file_named_casualties_is_refused(good):
    folder, target, before = good
    shutil.copyfile(folder / "statements.csv", folder / "casualties.csv")
    _refused(folder, target, before, "casualties.csv", "not a casualties table", "missing columns", "unexpected columns")


def test_duplicate_articles_are_refused_not_overwritten(good):
    folder, target, before = good
    frame = pd.read_csv(folder / "articles.csv", dtype=str, keep_default_na=False)
    pd.concat([frame, frame.iloc[[0]].assign(title="another title")]).to_csv(folder / "articles.csv", index=False)
    _refused(folder, target, before, "articles.csv", "row 4", "is a duplicate (of row 1)")


def test_an_unknown_status_is_refused(good):
    folder, target, before = good
    _edit(folder / "articles.csv", lambda f: f.loc.__setitem__((1, "status"), "done"))
    _refused(folder, target, before, "articles.csv", "row 2", "status", "'done'")


def test_a_count_that_is_no_number_is_refused(good):
    folder, target, before = good
    _edit(folder / "casualties.csv", lambda f: f.loc.__setitem__((0, "killed"), "two"))
    _refused(folder, target, before, "casualties.csv", "row 1", "killed 'two' is not a whole number")


def test_a_weapon_outside_the_vocabulary_is_refused(good):
    folder, target, before = good
    _edit(folder / "casualties.csv", lambda f: f.loc.__setitem__((0, "weapon"), "laser"))
    _refused(folder, target, before, "casualties.csv", "row 1", "weapon", "'laser'")


def test_two_article_folders_with_one_id_are_refused(good, tmp_path):
    _, target, before = good
    text = ARTICLES["kherson.txt"]
    for name in ("a", "b"):
        folder = tmp_path / "reports" / "articles" / name
        folder.mkdir(parents=True)
        (folder / "article.json").write_text(json.dumps({"article_id": article_id(text), "status": "ok"}))
    _refused(tmp_path / "reports", target, before, "article.json", "is a duplicate")


def test_an_article_folder_holding_another_articles_rows_is_refused(good, tmp_path):
    csv, target, before = good
    folder = tmp_path / "reports" / "articles" / "one"
    folder.mkdir(parents=True)
    (folder / "article.json").write_text(json.dumps({"article_id": "aaaaaaaaaaaa", "status": "ok"}))
    shutil.copyfile(csv / "statements.csv", folder / "statements.csv")
    _refused(tmp_path / "reports", target, before, "statements.csv", "row 1", "not in the articles table")


@pytest.mark.parametrize("damage,words", [
    (lambda p: p.write_bytes(b""), ("empty.parquet", "not a readable Parquet file")),
    (lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]), ("not a readable Parquet file",)),
    (lambda p: p.write_bytes(b"PAR1" + bytes(range(256)) * 4), ("not a readable Parquet file",)),
])
def test_a_damaged_parquet_file_is_refused(tmp_path, good, damage, words):
    _, target, before = good
    con = store.connect(target, read_only=True)
    store.export_store(con, tmp_path / "pq", "parquet")
    con.close()
    broken = tmp_path / "pq" / "casualties.parquet"
    damage(broken)
    if "empty.parquet" in words:
        broken.rename(broken.with_name("casualties.parquet"))
        words = ("casualties.parquet", *words[1:])
    _refused(tmp_path / "pq", target, before, *words)


def test_a_broken_csv_is_refused(good):
    folder, target, before = good
    (folder / "deployments.csv").write_text('article_id,deployment_id\n"unclosed,1\n')
    _refused(folder, target, before, "deployments.csv", "not a readable CSV file")


def test_an_import_of_the_store_own_export_round_trips(good, tmp_path):
    """The control: the unbroken export imports into a new store with the same rows."""
    folder, target, before = good
    done = run("store", "import", folder, "--to", tmp_path / "again.duckdb")
    assert done.returncode == 0, done.stderr
    assert_same_rows(store_rows(tmp_path / "again.duckdb"), before)
