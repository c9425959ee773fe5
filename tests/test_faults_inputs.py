"""Faults: stale and removed inputs, failures that pass and failures that stay, and the smaller
input faults (encodings, deep HTML, dates).

The batches here use the light stand-in notebook (tests/data/batch/test_report.ipynb): the store
does not depend on the report notebook, only on the inputs, so each is compared row for row with
a fresh batch over the same final inputs.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from faults import (ARTICLES, LIGHT_NOTEBOOK, assert_one_line_error, assert_same_rows, batch, files_of,
                    flaky_notebook, run, store_rows, write_articles)

STORE = "corpus.duckdb"


def _corpus(folder: Path, lines: list[str]) -> None:
    """A JSON-lines corpus of articles."""
    (folder / "corpus.jsonl").write_text("\n".join(json.dumps({"text": t, "published": "2024-11-02"})
                                                    for t in lines) + "\n", encoding="utf-8")


def test_an_edited_input_replaces_its_rows_and_a_removed_one_leaves_the_store(tmp_path):
    inputs = write_articles(tmp_path / "in")
    _corpus(inputs, ["Russian shelling killed four people in Nikopol on Friday, officials said.",
                     "A drone attack on Sumy injured six people, the regional administration said."])
    out = tmp_path / "out"
    assert batch(out, inputs).returncode == 0
    (inputs / "kherson.txt").write_text(ARTICLES["kherson.txt"].replace("killed two", "killed three"))
    (inputs / "odesa.txt").unlink()
    _corpus(inputs, ["Russian shelling killed four people in Nikopol on Friday, officials said.",
                     "A drone attack on Sumy injured seven people, the regional administration said."])
    done = batch(out, inputs)
    assert done.returncode == 0, done.stderr
    assert "3 removed" in done.stdout  # the old Kherson text, Odesa and the old second line
    fresh = tmp_path / "fresh"
    assert batch(fresh, inputs).returncode == 0
    assert_same_rows(store_rows(out / STORE), store_rows(fresh / STORE))
    assert sorted(os.listdir(out / "articles")) == sorted(os.listdir(fresh / "articles"))
    con = duckdb.connect(str(out / STORE), read_only=True)
    kherson = con.execute("SELECT killed FROM casualties WHERE region = 'Kherson Oblast'").fetchall()
    con.close()
    assert kherson == [(3,)], "one Kherson incident, with the edited figure"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count('href="articles/') == 4 and "Odesa" not in index


def test_a_failure_that_passes_is_retried_by_a_plain_rerun_until_the_store_is_complete(tmp_path):
    inputs = write_articles(tmp_path / "in")
    marker = tmp_path / "disk-is-full"
    marker.write_text("")
    notebook = flaky_notebook(tmp_path / "flaky.ipynb", marker)
    out = tmp_path / "out"
    first = batch(out, inputs, notebook=notebook)
    assert first.returncode == 1 and "incomplete" in first.stderr, first.stderr
    failures = pd.read_csv(out / "failures.csv")
    assert len(failures) == 3 and set(failures["retried"]) == {"yes"}
    again = batch(out, inputs, notebook=notebook)
    assert again.returncode == 1 and "3 failed" in again.stdout, "still failing: retried, not skipped"
    marker.unlink()
    done = batch(out, inputs, notebook=notebook)
    assert done.returncode == 0 and "3 reported" in done.stdout, done.stdout + done.stderr
    fresh = tmp_path / "fresh"
    assert batch(fresh, inputs, notebook=notebook).returncode == 0
    assert_same_rows(store_rows(out / STORE), store_rows(fresh / STORE))
    assert pd.read_csv(out / "failures.csv").empty


def test_a_failure_for_the_content_stays_until_the_article_changes(tmp_path):
    inputs = write_articles(tmp_path / "in", {"bad.txt": "RAISE-ERROR\n" + ARTICLES["odesa.txt"],
                                              "good.txt": ARTICLES["kherson.txt"]})
    out = tmp_path / "out"
    first = batch(out, inputs)
    assert first.returncode == 0, "a content failure leaves the store complete: nothing to retry"
    assert list(pd.read_csv(out / "failures.csv")["retried"]) == ["no"]
    again = batch(out, inputs)
    assert "0 reported" in again.stdout and "2 unchanged" in again.stdout
    retried = batch(out, inputs, extra=("--retry-failed",))
    assert "1 failed, 1 unchanged" in retried.stdout, "--retry-failed runs it again"
    (inputs / "bad.txt").write_text(ARTICLES["odesa.txt"])
    changed = batch(out, inputs)
    assert "1 reported" in changed.stdout and "1 removed" in changed.stdout
    rows = store_rows(out / STORE)["articles"]
    assert list(rows["status"]) == ["ok", "ok"]


def test_a_corpus_report_that_cannot_be_written_makes_the_batch_exit_1_and_the_next_run_writes_it(tmp_path):
    import nbformat

    inputs = write_articles(tmp_path / "in")
    broken = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("store = None", metadata={"tags": ["parameters"]}),
                                             nbformat.v4.new_code_cell("raise OSError('No space left on device')")])
    nbformat.write(broken, str(tmp_path / "broken.ipynb"))
    out = tmp_path / "out"
    done = batch(out, inputs, extra=("--corpus-notebook", str(tmp_path / "broken.ipynb")))
    assert done.returncode == 1 and "corpus report could not be written" in done.stderr
    assert not (out / "corpus.html").exists()
    again = batch(out, inputs)
    assert again.returncode == 0 and "corpus report ok" in again.stdout


def test_a_moved_output_folder_keeps_its_corpus_report(tmp_path):
    inputs = write_articles(tmp_path / "in")
    out = tmp_path / "out"
    assert batch(out, inputs).returncode == 0
    before = files_of(out)
    shutil.move(str(out), str(tmp_path / "moved"))
    done = batch(tmp_path / "moved", inputs)
    assert done.returncode == 0 and "corpus report unchanged" in done.stdout and "0 reported" in done.stdout
    assert files_of(tmp_path / "moved") == before


def test_staging_folders_of_a_killed_extract_corpus_are_removed_and_live_ones_kept(tmp_path):
    dead = tmp_path / ".ds.tmp-999999999-abcdef"
    (dead / "casualties").mkdir(parents=True)
    live = tmp_path / f".ds.tmp-{os.getpid()}-abcdef"
    live.mkdir()
    write_articles(tmp_path / "in")
    done = run("extract-corpus", tmp_path / "in", "--out", tmp_path / "ds", "--workers", "1")
    assert done.returncode == 0, done.stderr
    assert not dead.exists() and live.exists()
    assert sorted(p.name for p in (tmp_path / "ds").iterdir()) == sorted(
        ["articles", "casualties", "drone_counts", "statements", "deployments", "failures.csv"])


# --- the smaller input faults, each through `extract` ------------------------------------------------

def _extract(tmp_path: Path, name: str, data: bytes) -> tuple:
    """`extract` of a file with these bytes; (the run, article.json's contents or None)."""
    path = tmp_path / name
    path.write_bytes(data)
    done = run("extract", path, "--out", tmp_path / "o")
    meta = tmp_path / "o" / "article.json"
    return done, (json.loads(meta.read_text(encoding="utf-8")) if meta.is_file() else None)


def test_utf16_without_a_byte_order_mark_is_read_as_text(tmp_path):
    done, _ = _extract(tmp_path, "a.txt", ARTICLES["kherson.txt"].encode("utf-16-le"))
    assert done.returncode == 0 and "UTF-16-LE (no byte order mark)" in done.stderr, done.stderr
    assert len(pd.read_csv(tmp_path / "o" / "casualties.csv")) == 1


def test_latin1_text_keeps_its_spanish_letters(tmp_path):
    text = "Russian shelling of Kherson killed two people at the café of Señor Pérez, officials said."
    done, _ = _extract(tmp_path, "a.txt", text.encode("latin-1"))
    assert done.returncode == 0 and "decoded as cp1252" in done.stderr
    assert "Señor Pérez" in pd.read_csv(tmp_path / "o" / "casualties.csv")["evidence"][0]


def test_html_nested_300_deep_keeps_its_text(tmp_path):
    body = "<p>Russian shelling of Kherson on Monday killed two people, the governor said.</p>"
    page = "<html><body>" + "<div>" * 300 + f"<article>{body}</article>" + "</div>" * 300 + "</body></html>"
    done, _ = _extract(tmp_path, "deep.html", page.encode())
    assert done.returncode == 0, done.stderr
    assert list(pd.read_csv(tmp_path / "o" / "casualties.csv")["killed"]) == [2]


def test_an_impossible_publication_date_in_json_lines_is_said(tmp_path):
    line = json.dumps({"text": ARTICLES["kherson.txt"], "published": "2024-02-30"})
    done, meta = _extract(tmp_path, "c.jsonl", (line + "\n").encode())
    assert done.returncode == 0
    assert "published '2024-02-30' is not a date" in done.stderr and meta["published"] is None


def test_an_input_that_cannot_be_read_for_a_passing_reason_keeps_its_rows(tmp_path):
    """(As root the tests cannot make a file unreadable, so the rule is pinned on remove_stale itself.)"""
    from analysis.corpus import store
    from analysis.corpus.batch import remove_stale

    path = tmp_path / "out" / STORE
    con = store.connect(path)
    for n, origin in enumerate(["in/flaky.txt", "in/gone.txt", "in/corpus.jsonl:2"]):
        store.write_article(con, {"article_id": f"{n:012d}", "origin": origin, "status": "ok"}, {})
    con.close()
    (tmp_path / "out" / "articles" / "000000000001").mkdir(parents=True)
    removed = remove_stale(path, tmp_path / "out", current=set(), unreadable={"in/flaky.txt", "in/corpus.jsonl"})
    assert removed == 1
    assert list(store_rows(path)["articles"]["origin"]) == ["in/flaky.txt", "in/corpus.jsonl:2"]
    assert not (tmp_path / "out" / "articles" / "000000000001").exists()
