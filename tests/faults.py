"""Tools of the fault tests (tests/test_faults_*.py): run a command, read a store row for row,
a small disk that fills up, articles in the project's own words.

Everything here writes into the temporary folders the tests hand in.
"""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_acd56b5fc5c58b51.txt"
LIGHT_NOTEBOOK = ROOT / "tests" / "data" / "batch" / "test_report.ipynb"  # a quick stand-in report
HELDOUT = ROOT / "tests" / "data" / "heldout" / "articles"

# Short articles written for these tests.
ARTICLES = {
    "kherson.txt": "Russian shelling of Kherson on Monday killed two people and injured five, Governor Oleksandr "
                   "Prokudin said on Telegram.",
    "kharkiv.txt": "Russian drones struck Kharkiv overnight, killing one man and injuring 11 people, Governor Oleh "
                   "Syniehubov said. Russia launched 45 drones, of which 30 were shot down, the Ukrainian air "
                   "force said.",
    "odesa.txt": "A Russian missile hit the port of Odesa on Tuesday, injuring three workers, the regional "
                 "administration said. \"We will rebuild,\" the mayor said.",
}


def run(*args: str, timeout: float = 300, **kwargs) -> subprocess.CompletedProcess:
    """`python -m analysis ARGS...` run to completion, output as text."""
    return subprocess.run([sys.executable, "-m", "analysis", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, **kwargs)


def assert_one_line_error(done: subprocess.CompletedProcess, *words: str, status: int = 2) -> str:
    """The command failed with the exit status, one line on stderr (after any warnings) that starts
    with 'error:' and holds the words, and no traceback; that line."""
    assert done.returncode == status, (done.returncode, done.stderr[-2000:])
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")
              or ": error: " in line]
    assert len(errors) == 1, done.stderr
    for word in words:
        assert word in errors[0], (word, errors[0])
    return errors[0]


def write_articles(folder: Path, articles: dict[str, str] = ARTICLES) -> Path:
    """The articles as files in folder (made if missing); the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in articles.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def store_rows(path: Path) -> dict[str, pd.DataFrame]:
    """Every table of a store, in a stable order (empty frames where there is no store)."""
    from analysis.corpus import store

    if not Path(path).is_file():
        return {t: store.conform(t, None) for t in store.ALL_COLUMNS}
    return store.read_store(path)


def assert_same_rows(got: dict[str, pd.DataFrame], expected: dict[str, pd.DataFrame],
                     ignore: tuple[str, ...] = ()) -> None:
    """Two stores hold the same rows, table by table, row for row (columns in ignore left out)."""
    assert set(got) == set(expected)
    for table in expected:
        keep = [c for c in expected[table].columns if c not in ignore]
        pd.testing.assert_frame_equal(got[table][keep].reset_index(drop=True),
                                      expected[table][keep].reset_index(drop=True), obj=table)


def files_of(folder: Path) -> dict[str, bytes]:
    """Relative path -> bytes of every file under folder."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(Path(folder).rglob("*")) if p.is_file()}


def temporaries(folder: Path) -> list[str]:
    """Temporary files and staging folders left anywhere under folder."""
    return [str(p) for p in Path(folder).rglob("*") if ".tmp-" in p.name or ".old-" in p.name]


def can_mount_tmpfs(where: Path) -> bool:
    """Whether this machine lets the tests mount a small tmpfs (root outside a locked container)."""
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(where)], capture_output=True)
    if done.returncode != 0:
        return False
    subprocess.run(["umount", str(where)], capture_output=True)
    return True


@contextlib.contextmanager
def small_disk(where: Path, size: str = "8m"):
    """A tmpfs of the given size mounted at where for the block (unmounted after)."""
    where.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(where)], check=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def fill(disk: Path, leave: int = 0) -> Path:
    """Fill a small disk up, leaving about `leave` bytes free; the filler file (delete it to free the space)."""
    filler = disk / f"filler-{uuid.uuid4().hex[:6]}"
    with open(filler, "wb", buffering=0) as handle:  # unbuffered: a write that fails leaves nothing to flush at close
        try:
            while True:
                handle.write(b"\0" * 65536)
        except OSError:
            pass
    with open(filler, "r+b") as handle:
        handle.truncate(max(0, filler.stat().st_size - leave))
    os.sync()
    return filler


def _notebook_with(path: Path, code: str) -> Path:
    """The light report notebook with one more code cell before its own (written to path)."""
    import nbformat

    nb = nbformat.read(str(LIGHT_NOTEBOOK), as_version=4)
    cell = nbformat.v4.new_code_cell(code)
    cell["id"] = "added"
    nb.cells.insert(2, cell)
    nbformat.write(nb, str(path))
    return path


def flaky_notebook(path: Path, marker: Path) -> Path:
    """The light report notebook killing its kernel while `marker` exists: a failure that passes once
    the marker is removed (like a full disk freed)."""
    return _notebook_with(path, f"import os\nif os.path.exists({str(marker)!r}):\n    os._exit(1)")


def batch(out: Path, *inputs: Path, notebook: Path = LIGHT_NOTEBOOK, extra: tuple[str, ...] = (),
          timeout: float = 600) -> subprocess.CompletedProcess:
    """`batch INPUTS --out OUT` with one worker and the given (light) notebook."""
    return run("batch", *inputs, "--out", out, "--workers", "1", "--quiet", "--notebook", notebook, *extra,
               timeout=timeout)


def slow_notebook(path: Path, seconds: float) -> Path:
    """The light report notebook taking `seconds` more per article (a batch that stays busy)."""
    return _notebook_with(path, f"import time\ntime.sleep({seconds})")


def batch_process(out: Path, *inputs: Path, notebook: Path = LIGHT_NOTEBOOK) -> subprocess.Popen:
    """A batch started in its own process group (so the whole tree can be killed at once)."""
    cmd = [sys.executable, "-m", "analysis", "batch", *map(str, inputs), "--out", str(out), "--workers", "1",
           "--quiet", "--notebook", str(notebook)]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL a process and everything it started (its process group), and reap it."""
    import signal

    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.communicate(timeout=30)


def assert_store_matches_its_files(out: Path) -> None:
    """Every article the store holds as ok has its whole set of files, whose CSVs hold exactly the
    store's rows of that article (the parent writes the store only after the files)."""
    from analysis.corpus import store
    from analysis.tables.schema import TABLES

    if not (out / "corpus.duckdb").is_file():
        return
    rows = store_rows(out / "corpus.duckdb")
    for article in rows["articles"].itertuples():
        folder = out / "articles" / article.article_id
        if article.status != "ok":
            continue
        assert (folder / "report.html").is_file(), folder
        for table in TABLES:
            mine = rows[table][rows[table]["article_id"] == article.article_id]
            on_disk = store.read_csv(table, folder / f"{table}.csv")
            pd.testing.assert_frame_equal(on_disk.sort_values(store.sort_keys(table)).reset_index(drop=True),
                                          mine.reset_index(drop=True), obj=f"{folder.name}/{table}")
