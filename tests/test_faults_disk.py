"""Faults: a full disk under extract, report, store export and batch.

Where the machine lets the tests mount a small tmpfs (root, as here and in CI), the disk really
fills up; the same outcomes are also pinned with an injected OSError (ENOSPC) on the third file
written, which runs everywhere. Afterwards the folder holds the old set of files or the new one,
never a mix; the store holds what an uninterrupted run would, row for row.
"""
from __future__ import annotations

import errno
import shutil
from pathlib import Path

import pytest

from analysis import files
from analysis.cli import main
from faults import (HELDOUT, SEED, assert_one_line_error, assert_same_rows, batch, can_mount_tmpfs,
                    files_of, fill, run, small_disk, store_rows, temporaries, write_articles)


@pytest.fixture()
def disk(tmp_path):
    """A 4 MB tmpfs under tmp_path (skipped where mounting is not allowed)."""
    if not can_mount_tmpfs(tmp_path / "probe"):
        pytest.skip("this machine does not let the tests mount a tmpfs; the injected-OSError tests cover it")
    with small_disk(tmp_path / "disk", "4m") as mounted:
        yield mounted


@pytest.fixture()
def third_write_fails(monkeypatch):
    """Every write after the second file fails as on a full disk (in this process)."""
    real = files._write
    count = {"n": 0}

    def write(path, data):
        count["n"] += 1
        if count["n"] > 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, data)

    monkeypatch.setattr(files, "_write", write)
    return count


def _extract(article: Path, out: Path) -> None:
    """`extract` that must succeed."""
    done = run("extract", article, "--published", "2024-11-02", "--out", out)
    assert done.returncode == 0, done.stderr


def test_extract_on_a_full_disk_leaves_the_previous_article_set_whole(disk, tmp_path):
    small = write_articles(tmp_path / "in") / "kherson.txt"
    out = disk / "out"
    _extract(small, out)
    before = files_of(out)
    filler = fill(disk, leave=3000)
    assert_one_line_error(run("extract", SEED, "--published", "2024-11-02", "--out", out), "No space left")
    assert files_of(out) == before, "the old article's five files, not a mix"
    assert temporaries(disk) == []
    filler.unlink()
    _extract(SEED, out)
    assert files_of(out) != before and len(files_of(out)) == 5


def test_extract_with_a_failing_write_leaves_the_previous_article_set_whole(tmp_path, third_write_fails, capsys):
    small = write_articles(tmp_path / "in") / "kherson.txt"
    out = tmp_path / "out"
    third_write_fails["n"] = -10  # the first article is written whole
    assert main(["extract", str(small), "--published", "2024-11-02", "--out", str(out)]) == 0
    before = files_of(out)
    third_write_fails["n"] = 0
    assert main(["extract", str(SEED), "--published", "2024-11-02", "--out", str(out)]) == 2
    assert "No space left" in capsys.readouterr().err
    assert files_of(out) == before and temporaries(tmp_path) == []


def test_report_on_a_full_disk_writes_neither_the_page_nor_the_notebook(disk):
    out = disk / "reports"
    out.mkdir()
    filler = fill(disk, leave=2_000_000)  # room for the notebook (1.4 MB) or the page (1.6 MB), not both
    assert_one_line_error(run("report", SEED, "--slug", "seed", "--out", out), "No space left")
    assert list(out.iterdir()) == [], "no notebook without its page"
    filler.unlink()
    assert run("report", SEED, "--slug", "seed", "--out", out).returncode == 0
    assert sorted(p.name for p in out.iterdir()) == ["seed.html", "seed.ipynb"]


def test_store_export_on_a_full_disk_writes_no_table(disk, tmp_path):
    inputs = write_articles(tmp_path / "in")
    assert batch(tmp_path / "reports", inputs).returncode == 0
    filler = fill(disk, leave=2000)
    done = run("store", "export", tmp_path / "reports" / "corpus.duckdb", "--to", disk / "tables", "--format", "csv")
    assert_one_line_error(done, "No space left")
    assert not (disk / "tables").exists() and temporaries(disk) == []
    filler.unlink()


def test_store_export_with_a_failing_write_writes_no_table(tmp_path, third_write_fails):
    from analysis.corpus import store

    con = store.connect(tmp_path / "s.duckdb")
    with pytest.raises(OSError):
        store.export_store(con, tmp_path / "tables", "csv")
    con.close()
    assert not (tmp_path / "tables").exists() and temporaries(tmp_path) == []


def test_a_batch_on_a_full_disk_converges_once_space_is_freed(tmp_path):
    if not can_mount_tmpfs(tmp_path / "probe"):
        pytest.skip("this machine does not let the tests mount a tmpfs")
    inputs = write_articles(tmp_path / "in")
    for path in sorted(HELDOUT.glob("*.txt"))[:3]:
        shutil.copyfile(path, inputs / path.name)
    with small_disk(tmp_path / "disk", "16m") as disk:
        out = disk / "out"
        assert batch(out, inputs / "kherson.txt").returncode == 0
        filler = fill(disk, leave=600_000)
        full = batch(out, inputs)
        assert full.returncode == 1 and "Traceback" not in full.stderr, full.stderr[-2000:]
        assert "failed for a reason that can pass" in full.stderr
        stored = store_rows(out / "corpus.duckdb")["articles"]
        assert "retry" in set(stored["status"]), "articles that met the full disk wait for a retry"
        filler.unlink()
        done = batch(out, inputs)
        assert done.returncode == 0, done.stdout + done.stderr
        fresh = tmp_path / "fresh"
        assert batch(fresh, inputs).returncode == 0
        assert_same_rows(store_rows(out / "corpus.duckdb"), store_rows(fresh / "corpus.duckdb"))
        assert temporaries(out) == []
        assert sorted(p.name for p in (out / "articles").iterdir()) == sorted(
            p.name for p in (fresh / "articles").iterdir())
