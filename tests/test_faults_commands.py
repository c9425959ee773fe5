"""Faults: no command answers a bad store, file, folder or option with a traceback.

Each case runs the real command line and expects one line starting with 'error:' (argparse's own
'error:' line for options), exit status 2, and no traceback.
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis import extract_tables
from analysis.corpus import store
from analysis.reading.articles import article_id
from faults import ARTICLES, SEED, assert_one_line_error, can_mount_tmpfs, run, small_disk


@pytest.fixture()
def good_store(tmp_path) -> Path:
    """A store holding the test articles."""
    path = tmp_path / "good.duckdb"
    con = store.connect(path)
    for name, text in ARTICLES.items():
        store.write_article(con, {"article_id": article_id(text), "origin": name, "status": "ok", "text": text},
                            dict(extract_tables(text, "2024-11-02").items()))
    con.close()
    return path


@pytest.fixture()
def held(good_store):
    """The good store, held open for writing by another process (DuckDB's lock) during the test."""
    code = f"import duckdb, sys, time; c = duckdb.connect({str(good_store)!r}); print('held', flush=True); time.sleep(120)"
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    yield good_store
    holder.kill()
    holder.wait(10)


def _file(path: Path, data: bytes) -> Path:
    """A file with these bytes."""
    path.write_bytes(data)
    return path


EXPORT_CASES = {
    "a missing store": (lambda t, s: t / "missing.duckdb", "no store there"),
    "a text file, not a DuckDB store": (lambda t, s: _file(t / "text.duckdb", b"not a database\n" * 100),
                                        "not a valid DuckDB database"),
    "an empty file": (lambda t, s: _file(t / "empty.duckdb", b""), "not a valid DuckDB database"),
    "a truncated store": (lambda t, s: _file(t / "cut.duckdb", s.read_bytes()[:5000]), "cut.duckdb"),
    "a folder named as the store": (lambda t, s: t, "is a folder, not a store"),
    "a DuckDB file without the corpus tables": (lambda t, s: _other_duckdb(t / "other.duckdb"), "not a corpus store"),
}


def _other_duckdb(path: Path) -> Path:
    """A DuckDB database with a table of its own, not a corpus store."""
    import duckdb

    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE t AS SELECT 1 AS x")
    con.close()
    return path


@pytest.mark.parametrize("case", sorted(EXPORT_CASES))
def test_store_export_of_a_bad_store_is_one_line(tmp_path, good_store, case):
    make, words = EXPORT_CASES[case]
    source = make(tmp_path, good_store)
    done = run("store", "export", source, "--to", tmp_path / "out")
    assert_one_line_error(done, words)
    assert not (tmp_path / "out").exists(), "nothing written"


def test_store_export_of_a_locked_store_is_one_line(tmp_path, held):
    assert_one_line_error(run("store", "export", held, "--to", tmp_path / "out"), "lock")


def test_store_export_to_a_path_under_a_file_is_one_line(tmp_path, good_store):
    (tmp_path / "file").write_text("x")
    assert_one_line_error(run("store", "export", good_store, "--to", tmp_path / "file" / "out"), "file")


def test_store_export_to_a_read_only_disk_is_one_line(tmp_path, good_store):
    if not can_mount_tmpfs(tmp_path / "probe"):
        pytest.skip("this machine does not let the tests mount a tmpfs")
    with small_disk(tmp_path / "ro", "1m") as disk:
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        assert_one_line_error(run("store", "export", good_store, "--to", disk / "out"), "Read-only")


def test_store_import_into_a_locked_store_is_one_line(tmp_path, held):
    con = store.connect(tmp_path / "empty.duckdb")
    store.export_store(con, tmp_path / "csv", "csv")
    con.close()
    assert_one_line_error(run("store", "import", tmp_path / "csv", "--to", held), "lock")


@pytest.mark.parametrize("source,target,words", [
    ("missing", "t.duckdb", "no such folder"),
    ("empty", "t.duckdb", "no tables found"),
    ("tables", "text.duckdb", "not a valid DuckDB database"),
])
def test_store_import_of_bad_folders_and_targets_is_one_line(tmp_path, good_store, source, target, words):
    (tmp_path / "empty").mkdir()
    con = store.connect(good_store, read_only=True)
    store.export_store(con, tmp_path / "tables", "parquet")
    con.close()
    (tmp_path / "text.duckdb").write_text("not a database\n" * 100)
    assert_one_line_error(run("store", "import", tmp_path / source, "--to", tmp_path / target), words)


@pytest.mark.parametrize("gold,words", [
    ('{"published": "2024-11-02", "casualties": [', "not a readable gold JSON file"),
    ('["a list"]', "one JSON object"),
    ('{"casualties": {"killed": 1}}', "must be a list of rows"),
    ('{"article": "nowhere/missing.txt"}', "no such file"),
    ('{"published": "2024-02-30"}', "is not a date"),
])
def test_evaluate_with_a_broken_gold_file_is_one_line(tmp_path, gold, words):
    (tmp_path / "gold").mkdir()
    (tmp_path / "articles").mkdir()
    (tmp_path / "gold" / "a.json").write_text(gold)
    (tmp_path / "articles" / "a.txt").write_text(ARTICLES["kherson.txt"])
    assert_one_line_error(run("evaluate", tmp_path / "gold"), words)


@pytest.mark.parametrize("address,words", [
    ("not an address", "not a scheduler address"),
    ("127.0.0.1:99999", "not a scheduler address"),
    ("http://127.0.0.1:8786", "unknown address scheme"),
])
def test_extract_corpus_with_a_bad_scheduler_is_one_line(tmp_path, address, words):
    done = run("extract-corpus", SEED, "--out", tmp_path / "ds", "--scheduler", address)
    assert_one_line_error(done, words)
    assert not (tmp_path / "ds").exists()


def test_extract_corpus_with_no_scheduler_there_is_one_line_within_seconds(tmp_path):
    started = time.monotonic()
    done = run("extract-corpus", SEED, "--out", tmp_path / "ds", "--scheduler", "tcp://127.0.0.1:9")
    assert_one_line_error(done, "127.0.0.1:9")
    assert time.monotonic() - started < 40


@pytest.mark.parametrize("command", ["extract", "report"])
def test_a_folder_named_as_an_article_is_one_line(tmp_path, command):
    assert_one_line_error(run(command, tmp_path, "--out", tmp_path / "out"), "is a folder, not an article file")


def test_batch_with_a_missing_input_changes_nothing(tmp_path):
    done = run("batch", SEED, tmp_path / "mistyped", "--out", tmp_path / "out", "--quiet")
    assert_one_line_error(done, "mistyped", "no such file or folder", "nothing was changed")
    assert not (tmp_path / "out").exists()
