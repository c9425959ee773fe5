"""Faults: a second writer. One batch at a time writes an output folder; the store of a running
batch refuses other writers and readers in one line; the first batch ends with the store an
uninterrupted run writes, row for row."""
from __future__ import annotations

import time

from analysis.corpus import store

from faults import (assert_one_line_error, assert_same_rows, batch, batch_process, run, slow_notebook, store_rows,
                    write_articles)


def _wait_for(condition, seconds: float = 120) -> None:
    """Poll until condition() holds."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.1)


def test_a_second_batch_and_other_store_users_are_refused_while_a_batch_writes(tmp_path):
    inputs = write_articles(tmp_path / "in")
    for n in range(3):  # more articles: the batch stays busy while the other writers knock
        (inputs / f"more{n}.txt").write_text(f"Russian shelling killed {n + 2} people in Nikopol, officials said.")
    notebook = slow_notebook(tmp_path / "slow.ipynb", 3.0)
    out = tmp_path / "out"
    tables = tmp_path / "tables"
    con = store.connect(tmp_path / "other.duckdb")
    store.export_store(con, tables, "csv")
    con.close()
    first = batch_process(out, inputs, notebook=notebook)
    try:
        _wait_for(lambda: (out / "corpus.duckdb").is_file() and any(out.glob("articles/*/report.html")))
        assert_one_line_error(run("store", "export", out / "corpus.duckdb", "--to", tmp_path / "tables" / "x"),
                              "corpus.duckdb", "lock")
        assert_one_line_error(run("store", "import", tables, "--to", out / "corpus.duckdb"), "corpus.duckdb", "lock")
        second = run("batch", inputs, "--out", out, "--quiet", "--notebook", notebook)
        assert_one_line_error(second, "another batch", "is writing this folder")
        assert first.poll() is None, "the checks ran while the first batch was still writing"
        stdout, stderr = first.communicate(timeout=300)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 0, stderr[-2000:]
    fresh = tmp_path / "fresh"
    assert batch(fresh, inputs, notebook=notebook).returncode == 0
    assert_same_rows(store_rows(out / "corpus.duckdb"), store_rows(fresh / "corpus.duckdb"))
