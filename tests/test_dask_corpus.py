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
