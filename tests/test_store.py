"""The DuckDB corpus store: one transaction per article, replace on re-run, round trips."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import Article, extract_tables, read_article
from analysis.corpus import store
from analysis.tables.schema import TABLES

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_acd56b5fc5c58b51.txt"
OTHER = """Russian drones struck Kharkiv overnight, killing two people and injuring 11, Governor Oleh
Syniehubov said on Telegram. Russia launched 45 drones, of which 30 were shot down, the Ukrainian air
force said."""


def _meta(article, **extra) -> dict:
    """The articles-table row of an article."""
    return {"article_id": article.article_id, "title": article.title, "published": article.published,
            "source": article.source, "origin": article.origin, "text_sha": "x", "code_version": "v1",
            "status": "ok", "text": article.text, **extra}


@pytest.fixture()
def seeded(tmp_path):
    """A store holding the seed article; (connection, article, tables)."""
    article = read_article(str(SEED))
    tables = dict(extract_tables(article.text, article.published).items())
    con = store.connect(tmp_path / "corpus.duckdb")
    store.write_article(con, _meta(article), tables)
    yield con, article, tables
    con.close()


def test_rows_and_types_match_the_schema(seeded):
    con, article, tables = seeded
    counts = store.row_counts(con)
    assert counts["articles"] == 1
    for table in TABLES:
        assert counts[table] == len(tables[table])
        got = store.read_table(con, table)
        expected = tables[table].sort_values(store.sort_keys(table), kind="stable").reset_index(drop=True)
        pd.testing.assert_frame_equal(got, expected)


def test_rewriting_an_article_replaces_its_rows(seeded):
    con, article, tables = seeded
    before = store.row_counts(con)
    store.write_article(con, _meta(article, code_version="v2"), tables)
    assert store.row_counts(con) == before
    assert store.article_states(con)[article.article_id][:3] == ("x", "v2", "ok")
    store.write_article(con, _meta(article, status="failed", error="boom"), {})
    assert all(store.row_counts(con)[t] == 0 for t in TABLES)


def test_a_failed_write_leaves_the_old_rows(seeded):
    con, article, tables = seeded
    before = store.row_counts(con)
    broken = dict(tables)
    broken["statements"] = tables["statements"].assign(article_id="someoneelse")
    with pytest.raises(ValueError):
        store.write_article(con, _meta(article), broken)
    assert store.row_counts(con) == before


def test_two_articles_are_kept_apart(seeded):
    con, article, tables = seeded
    other = Article(text=OTHER, origin="other")
    other_tables = dict(extract_tables(OTHER, "2024-11-02").items())
    store.write_article(con, _meta(other), other_tables)
    assert set(store.read_table(con, "articles")["article_id"]) == {other.article_id, article.article_id}
    for table in TABLES:
        assert store.row_counts(con)[table] == len(tables[table]) + len(other_tables[table])
    store.delete_article(con, other.article_id)
    assert store.row_counts(con)["statements"] == len(tables["statements"])


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_store_and_files_rebuild_each_other(seeded, tmp_path, fmt):
    con, _, _ = seeded
    original = {t: store.read_table(con, t) for t in store.ALL_COLUMNS}
    store.export_store(con, tmp_path / "files", fmt)
    loaded = store.load_tables(tmp_path / "files")
    rebuilt = store.connect(tmp_path / "rebuilt.duckdb")
    store.import_tables(rebuilt, loaded)
    for table, frame in original.items():
        pd.testing.assert_frame_equal(store.read_table(rebuilt, table), frame)
    rebuilt.close()


def test_conform_coerces_types():
    frame = store.conform("deployments", pd.DataFrame([{"article_id": "a", "deployment_id": "d1",
                                                         "force": "troops", "count": 3.0}]))
    assert list(frame.columns) == list(store.ALL_COLUMNS["deployments"])
    assert str(frame["count"].dtype) == "Int64" and frame.loc[0, "count"] == 3


def test_a_batch_output_folder_rebuilds_the_store_with_texts(tmp_path):
    """reports/ (article folders beside articles/) is read as article folders, texts included."""
    import json

    folder = tmp_path / "reports" / "articles" / "abc123def456"
    folder.mkdir(parents=True)
    (folder / "article.json").write_text(json.dumps({"article_id": "abc123def456", "status": "ok"}))
    (folder / "article.txt").write_text("Kyiv was calm.")
    tables = store.load_tables(tmp_path / "reports")
    assert list(tables["articles"]["article_id"]) == ["abc123def456"]
    assert list(tables["articles"]["text"]) == ["Kyiv was calm."]
