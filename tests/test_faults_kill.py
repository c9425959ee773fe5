"""Faults: processes killed with SIGKILL at random moments (seeded, so a failure can be replayed).

After every kill the output is whole: the old set of files or the new one, a store whose rows match
the files beside it; the next run clears what the killed one left and ends where an uninterrupted
run ends, row for row.
"""
from __future__ import annotations

import random
import shutil
import subprocess
import sys
import time

import pytest

from analysis.corpus.dask_extract import read_corpus_dataset
from faults import (HELDOUT, ROOT, SEED, assert_same_rows, assert_store_matches_its_files, batch, batch_process,
                    files_of, kill_group, run, store_rows, temporaries, write_articles)

RNG_SEED = 13


def test_a_batch_killed_at_random_moments_ends_with_the_uninterrupted_store(tmp_path):
    inputs = write_articles(tmp_path / "in")
    for path in sorted(HELDOUT.glob("*.txt"))[:3]:
        shutil.copyfile(path, inputs / path.name)
    fresh = tmp_path / "fresh"
    started = time.monotonic()
    assert batch(fresh, inputs).returncode == 0
    duration = time.monotonic() - started
    out = tmp_path / "out"
    rng = random.Random(RNG_SEED)
    for _ in range(3):
        proc = batch_process(out, inputs)
        time.sleep(rng.uniform(1.0, duration))
        kill_group(proc)
        assert_store_matches_its_files(out)
    done = batch(out, inputs)
    assert done.returncode == 0, done.stderr[-2000:]
    assert_same_rows(store_rows(out / "corpus.duckdb"), store_rows(fresh / "corpus.duckdb"))
    assert_store_matches_its_files(out)
    assert temporaries(out) == []


def test_extract_killed_at_random_moments_leaves_one_whole_article(tmp_path):
    small = write_articles(tmp_path / "in") / "kherson.txt"
    out = tmp_path / "out"
    for reference, article in (("a", small), ("b", SEED)):
        assert run("extract", article, "--published", "2024-11-02", "--out", tmp_path / reference).returncode == 0
    sets = [files_of(tmp_path / "a"), files_of(tmp_path / "b")]
    assert run("extract", small, "--published", "2024-11-02", "--out", out).returncode == 0
    rng = random.Random(RNG_SEED)
    for _ in range(8):
        proc = subprocess.Popen([sys.executable, "-m", "analysis", "extract", str(SEED), "--published", "2024-11-02",
                                 "--out", str(out)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        time.sleep(rng.uniform(0.3, 2.5))
        kill_group(proc)
        now = files_of(out)
        assert now in sets, f"a mix of two articles: {sorted(now)}"
        if now == sets[1]:  # back to the small article for the next round
            assert run("extract", small, "--published", "2024-11-02", "--out", out).returncode == 0
    assert run("extract", SEED, "--published", "2024-11-02", "--out", out).returncode == 0
    assert files_of(out) == sets[1] and temporaries(tmp_path) == []


def test_extract_corpus_killed_at_random_moments_leaves_a_whole_dataset(tmp_path):
    inputs = write_articles(tmp_path / "in")
    out = tmp_path / "ds"
    assert run("extract-corpus", inputs, "--out", out, "--workers", "1").returncode == 0
    old = read_corpus_dataset(out)
    shutil.copyfile(SEED, inputs / "seed.txt")
    assert run("extract-corpus", inputs, "--out", tmp_path / "new", "--workers", "1").returncode == 0
    new = read_corpus_dataset(tmp_path / "new")
    rng = random.Random(RNG_SEED)
    for _ in range(2):
        proc = subprocess.Popen([sys.executable, "-m", "analysis", "extract-corpus", str(inputs), "--out", str(out),
                                 "--workers", "1"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        time.sleep(rng.uniform(1.0, 5.0))
        kill_group(proc)
        if out.exists():
            now = read_corpus_dataset(out)
            assert len(now["articles"]) in (len(old["articles"]), len(new["articles"]))
            assert_same_rows(now, old if len(now["articles"]) == len(old["articles"]) else new)
    assert run("extract-corpus", inputs, "--out", out, "--workers", "1").returncode == 0
    assert_same_rows(read_corpus_dataset(out), new)
    assert temporaries(tmp_path) == []
