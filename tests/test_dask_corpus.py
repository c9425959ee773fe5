"""`extract-corpus` on a local Dask cluster of 2 worker processes equals single-process extraction, on the
project's own articles (the three held-out sets and the seed)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.corpus import store
from analysis.corpus.store import sort_keys
from analysis.corpus.dask_extract import PARTITION, read_corpus_dataset
from analysis.corpus.jobs import read_all, tables_of

ROOT = Path(__file__).resolve().parents[1]
OWN = [ROOT / "tests" / "data" / name / "articles" for name in ("heldout", "heldout2", "heldout3")]
SEED = ROOT / "seeds" / "000_acd56b5fc5c58b51.txt"


def _sorted(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """A table in the dataset's stable order."""
    return frame.sort_values(sort_keys(table), kind="stable").reset_index(drop=True)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    """The project's own articles, the seed and two bad files, extracted by `extract-corpus` on 2 workers."""
    from analysis.cli import main

    tmp = tmp_path_factory.mktemp("dask")
    inputs = tmp / "inputs"
    inputs.mkdir()
    (inputs / "empty.txt").write_text("")
    (inputs / "binary.txt").write_bytes(bytes(range(256)) * 4)
    paths = [*map(str, OWN), str(SEED), str(inputs)]
    assert main(["extract-corpus", *paths, "--out", str(tmp / "dataset"), "--workers", "2"]) == 0
    return paths, tmp / "dataset"


def test_dask_tables_equal_single_process_tables(dataset):
    paths, folder = dataset
    jobs, _ = read_all(paths)
    single = tables_of(jobs)
    distributed = read_corpus_dataset(folder)
    for table, frame in single.items():
        pd.testing.assert_frame_equal(distributed[table], _sorted(table, frame))
    assert len(distributed["articles"]) == len(jobs) == 44


def test_partitioned_by_publication_month(dataset):
    _, folder = dataset
    months = {p.name for p in (folder / "articles").iterdir() if p.is_dir()}
    assert f"{PARTITION}=2024-11" in months  # the seed, published 2024-11-02
    assert all(m.startswith(f"{PARTITION}=") for m in months)


def test_bad_inputs_are_listed_with_reasons(dataset):
    _, folder = dataset
    failures = pd.read_csv(folder / "failures.csv")
    reasons = dict(zip(failures["origin"].map(lambda o: Path(o).name), failures["reason"]))
    assert "empty" in reasons["empty.txt"] and "binary" in reasons["binary.txt"]


def test_store_reads_the_dataset(dataset, tmp_path):
    _, folder = dataset
    con = store.connect(tmp_path / "corpus.duckdb")
    store.import_tables(con, store.load_tables(folder))
    expected = read_corpus_dataset(folder)
    for table, frame in expected.items():
        pd.testing.assert_frame_equal(store.read_table(con, table), frame)
    con.close()


def test_corpus_view_reads_the_dataset(dataset):
    from analysis.corpus import overview as corpus

    _, folder = dataset
    tables = corpus.load_corpus(folder)
    expected = read_corpus_dataset(folder)
    for table, frame in expected.items():
        pd.testing.assert_frame_equal(tables[table].reset_index(drop=True), frame)
    incidents, _ = corpus.merge_incidents(tables["casualties"], tables["articles"])
    assert len(incidents) >= 1


def _processes_with(marker: str) -> list[int]:
    """Live processes whose environment holds WN_TEST_CORPUS=marker."""
    import psutil

    found = []
    for proc in psutil.process_iter():
        try:
            if proc.environ().get("WN_TEST_CORPUS") == marker:
                found.append(proc.pid)
        except psutil.Error:
            pass
    return found


def test_an_article_over_the_time_limit_fails_alone_and_the_run_goes_on(tmp_path, monkeypatch):
    import time

    from analysis.corpus.dask_extract import extract_corpus

    inputs = tmp_path / "in"
    inputs.mkdir()
    good = sorted((OWN[0]).glob("*.txt"))[:3]
    for path in good:
        (inputs / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (inputs / "slow.txt").write_text("SLOW-ARTICLE\n" + good[0].read_text(encoding="utf-8"), encoding="utf-8")
    (inputs / "raise.txt").write_text("RAISE-ERROR\n" + good[1].read_text(encoding="utf-8"), encoding="utf-8")
    marker = f"corpus-{time.time_ns()}"
    # This process's own resource tracker (multiprocessing starts one on first use and keeps it while the
    # process lives) is started before the marker, so that only the run's processes carry it.
    from multiprocessing import resource_tracker
    resource_tracker.ensure_running()
    monkeypatch.setenv("WN_TEST_CORPUS", marker)  # inherited by the Dask workers and their helpers
    result = extract_corpus([str(inputs)], tmp_path / "ds", n_workers=1, timeout=5, function="slow_extract:extract")
    assert result["articles"] == 5 and result["retry"] == 1
    failures = pd.read_csv(tmp_path / "ds" / "failures.csv")
    by_name = {Path(o).name: (r, t) for o, r, t in zip(failures["origin"], failures["reason"], failures["retried"])}
    assert set(by_name) == {"slow.txt", "raise.txt"}
    assert "timed out" in by_name["slow.txt"][0] and by_name["slow.txt"][1] == "yes", "a time-out can pass"
    assert "ValueError" in by_name["raise.txt"][0] and by_name["raise.txt"][1] == "no", "the article's own error"
    tables = read_corpus_dataset(tmp_path / "ds")
    status = dict(zip(tables["articles"]["origin"].map(lambda o: Path(o).name), tables["articles"]["status"]))
    assert status == {**{p.name: "ok" for p in good}, "slow.txt": "retry", "raise.txt": "failed"}
    jobs, _ = read_all([str(inputs / p.name) for p in good])
    single = tables_of(jobs)
    for table in ("casualties", "drone_counts", "statements", "deployments"):
        pd.testing.assert_frame_equal(tables[table], _sorted(table, single[table]), obj=table)
    deadline = time.monotonic() + 20
    while _processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _processes_with(marker) == [], "the helper busy with the slow article outlived the run"
