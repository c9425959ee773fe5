"""`batch`: the project's own articles (held-out set 1, a JSON-lines corpus of two, the seed) into reports,
store, index and corpus report; re-runs, a real kill, bad inputs, dying and hanging kernels, and the same
HTML as a single `report` run. Nothing here needs `../shared` beside the clone."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from analysis.corpus import store
from analysis.corpus.jobs import read_all, tables_of

ROOT = Path(__file__).resolve().parents[1]
HELDOUT = ROOT / "tests" / "data" / "heldout" / "articles"  # 13 .txt and one .html article
CORPUS = ROOT / "tests" / "data" / "heldout2" / "articles" / "hp16.jsonl"  # two articles in one JSON-lines file
SEED = ROOT / "seeds" / "000_acd56b5fc5c58b51.txt"
TEST_NOTEBOOK = ROOT / "tests" / "data" / "batch" / "test_report.ipynb"
INPUTS = [str(HELDOUT), str(CORPUS), str(SEED)]
ARTICLES = 17

HOSTILE_TEXT = ("Russian drones struck Kharkiv overnight, killing two people and injuring 11, Governor Oleh "
                "Syniehubov said on Telegram. \"<script>alert('quote')</script> We will respond,\" "
                "Syniehubov said.")


def batch(out: Path, *extra: str, inputs: list[str] = INPUTS, check: bool = True,
          env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run `python -m analysis batch` to completion."""
    cmd = [sys.executable, "-m", "analysis", "batch", *inputs, "--out", str(out), "--workers", "2", "--quiet", *extra]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)
    if check:
        assert done.returncode == 0, done.stderr[-3000:]
    return done


def store_contents(out: Path) -> dict[str, pd.DataFrame]:
    """Every table of a batch's store, in a stable order."""
    return store.read_store(out / "corpus.duckdb")


def assert_same_store(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    """Two stores hold the same rows."""
    assert set(a) == set(b)
    for table in a:
        pd.testing.assert_frame_equal(a[table], b[table], obj=table)


def file_states(out: Path) -> dict[str, tuple[int, int]]:
    """(mtime_ns, size) of every file under out."""
    return {str(p.relative_to(out)): (p.stat().st_mtime_ns, p.stat().st_size) for p in out.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    """An uninterrupted batch over the project's own articles."""
    out = tmp_path_factory.mktemp("batch") / "reports"
    batch(out)
    return out


def test_batch_writes_reports_tables_index_corpus_and_store(reports):
    jobs, failures = read_all(INPUTS)
    assert not failures
    expected = tables_of(jobs)
    contents = store_contents(reports)
    assert len(contents["articles"]) == len(jobs) == ARTICLES
    assert set(contents["articles"]["status"]) == {"ok"}
    for table in ("casualties", "drone_counts", "statements", "deployments"):
        assert len(contents[table]) == len(expected[table]), table
    for job in jobs:
        folder = reports / "articles" / job.article_id
        html = (folder / "report.html").read_text(encoding="utf-8")
        assert html.rstrip().endswith("</html>")
        for table in ("casualties", "drone_counts", "statements", "deployments"):
            assert (folder / f"{table}.csv").is_file()
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert index.count('href="articles/') == ARTICLES and "<script src" not in index and not re.search(r"https?://", index)
    corpus_html = (reports / "corpus.html").read_text(encoding="utf-8")
    assert "Corpus overview" in corpus_html and "Incidents across articles" in corpus_html
    assert pd.read_csv(reports / "failures.csv").empty


def test_each_articles_csvs_are_the_extractors_tables(reports):
    """The worker takes the tables the report notebook extracted in the kernel: they must be the ones
    `extract` writes for the same text, date and vocabulary."""
    from analysis.files import csv_text
    from analysis.corpus.jobs import extract_job

    jobs, _ = read_all(INPUTS)
    for job in jobs:
        folder = reports / "articles" / job.article_id
        for table, frame in extract_job(job).items():
            assert (folder / f"{table}.csv").read_text(encoding="utf-8") == csv_text(frame), (job.origin, table)


def test_a_namespace_without_the_notebooks_tables_gives_no_payload():
    from analysis.corpus.kernels import tables_payload

    assert tables_payload({}) == ""
    assert tables_payload({"tables": {"casualties": None}, "doc": None}) == ""


def test_a_prepared_kernel_has_its_modules_loaded_and_frozen_and_collects_young_objects_less_often():
    from analysis.corpus import kernels
    from analysis.report.render import NOTEBOOK

    kernel = kernels.WarmKernel().start()
    try:
        kernels.prepare(kernel, NOTEBOOK)
        seen = kernel.run_silently("", expressions={
            "threshold": "__import__('gc').get_threshold()", "frozen": "__import__('gc').get_freeze_count()",
            "plots": "'analysis.report.plots' in __import__('sys').modules"})
    finally:
        kernel.shutdown()
    assert seen["threshold"] == repr(kernels.GC_THRESHOLDS) and seen["plots"] == "True"
    assert int(seen["frozen"]) > 50_000, "pandas, matplotlib and the report's modules are frozen"


def test_store_and_files_rebuild_each_other(reports, tmp_path):
    con = store.connect(tmp_path / "rebuilt.duckdb")
    store.import_tables(con, store.load_tables(reports / "articles"))
    rebuilt = {t: store.read_table(con, t) for t in store.ALL_COLUMNS}
    con.close()
    original = store_contents(reports)
    for table in ("casualties", "drone_counts", "statements", "deployments"):
        pd.testing.assert_frame_equal(rebuilt[table], original[table], obj=table)
    columns = [c for c in original["articles"].columns if c != "text"]
    pd.testing.assert_frame_equal(rebuilt["articles"][columns], original["articles"][columns])


def test_second_run_does_nothing_and_changes_nothing(reports):
    before_files, before_store = file_states(reports), store_contents(reports)
    done = batch(reports)
    assert "0 reported" in done.stdout and f"{ARTICLES} unchanged" in done.stdout
    assert file_states(reports) == before_files
    assert_same_store(store_contents(reports), before_store)


def _masked(html: str) -> str:
    """Report HTML without what legitimately differs between two runs: papermill's random id of the
    injected-parameters cell."""
    return re.sub(r'(celltag_injected-parameters" id=")cell-id=[0-9a-f-]+', r"\1cell-id=X", html)


def test_batch_html_equals_a_single_report_run(reports, tmp_path):
    seed_id = read_all([str(SEED)])[0][0].article_id
    article = reports / "articles" / seed_id / "article.txt"
    done = subprocess.run([sys.executable, "-m", "analysis", "report", str(article), "--out", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    single = Path(done.stdout.strip().splitlines()[-1]).read_text(encoding="utf-8")
    batched = (reports / "articles" / seed_id / "report.html").read_text(encoding="utf-8")
    assert _masked(batched) == _masked(single)


def _live(pids: set[int]) -> set[int]:
    """The pids that still run (zombies excluded)."""
    import psutil

    alive = set()
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                alive.add(pid)
        except psutil.NoSuchProcess:
            pass
    return alive


def test_killed_run_restarted_ends_with_the_same_store(reports, tmp_path):
    import psutil

    out = tmp_path / "reports"
    cmd = [sys.executable, "-m", "analysis", "batch", *INPUTS, "--out", str(out), "--workers", "2", "--quiet"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while len(list(out.glob("articles/*/report.html"))) < 4:
            assert proc.poll() is None, "the batch ended before it could be killed"
            assert time.monotonic() < deadline, "no reports after 240 s"
            time.sleep(0.1)
        children = {c.pid for c in psutil.Process(proc.pid).children(recursive=True)}
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
        # Workers and kernels notice their parent is gone and stop by themselves.
        deadline = time.monotonic() + 30
        while _live(children) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _live(children), "orphaned workers or kernels"
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    done = len(list(out.glob("articles/*/report.html")))
    assert 4 <= done < ARTICLES
    batch(out)
    assert_same_store(store_contents(out), store_contents(reports))
    assert not list(out.rglob("*.tmp-*")), "temporary files left behind"
    for html in out.glob("articles/*/report.html"):
        assert html.read_text(encoding="utf-8").rstrip().endswith("</html>")


@pytest.fixture(scope="module")
def bad_batch(tmp_path_factory) -> Path:
    """A batch over good articles mixed with bad files, and articles that kill, hang or break the kernel."""
    import random

    tmp = tmp_path_factory.mktemp("bad")
    inputs = tmp / "inputs"
    inputs.mkdir()
    good = sorted(HELDOUT.glob("*.txt"))[:3]
    (inputs / "a_kill.txt").write_text("KILL-KERNEL\n" + good[0].read_text(encoding="utf-8"), encoding="utf-8")
    (inputs / "b_hang.txt").write_text("HANG-KERNEL\n" + good[0].read_text(encoding="utf-8"), encoding="utf-8")
    (inputs / "c_raise.txt").write_text("RAISE-ERROR\n" + good[0].read_text(encoding="utf-8"), encoding="utf-8")
    (inputs / "d_slow.txt").write_text("SLOW-ARTICLE\n" + good[0].read_text(encoding="utf-8"), encoding="utf-8")
    (inputs / "empty.txt").write_bytes(b"")
    (inputs / "binary.txt").write_bytes(bytes(range(256)) * 8)
    rng = random.Random(1)
    (inputs / "garbage.txt").write_bytes(bytes(rng.randrange(128, 256) for _ in range(3000)))
    (inputs / "latin.txt").write_bytes("Russian drones hit Kharkiv overnight, killing two people, the governor "
                                       "said. Żółć.".encode("cp1250"))
    lines = ['{"text": %s, "title": "Good line"}' % json.dumps(good[2].read_text(encoding="utf-8")),
             '{"text": "unterminated',
             '{"title": "no text here"}',
             json.dumps({"text": HOSTILE_TEXT, "title": "<script>alert('title')</script> $\\frac{1}{0}$",
                         "source": "<img src=x onerror=alert(1)>", "published": "2024-11-02"})]
    (inputs / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for n, path in enumerate(good[:2]):
        (inputs / f"z_good{n}.txt").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp / "reports"
    marker = f"bad-batch-{os.getpid()}-{time.time_ns()}"  # in the environment of every process the batch starts
    done = batch(out, "--notebook", str(TEST_NOTEBOOK), "--timeout", "6", inputs=[str(inputs)], check=False,
                 env={**os.environ, "WN_TEST_BATCH": marker})
    assert done.returncode == 1, "the dead and the hung kernel's articles are left to retry: incomplete"
    assert "failures listed" in done.stderr
    (tmp / "marker").write_text(marker)
    return out


def _processes_with(marker: str) -> list[int]:
    """Live processes whose environment holds WN_TEST_BATCH=marker."""
    import psutil

    found = []
    for proc in psutil.process_iter():
        try:
            if proc.environ().get("WN_TEST_BATCH") == marker:
                found.append(proc.pid)
        except psutil.Error:
            pass
    return found


def test_bad_inputs_and_broken_kernels_are_listed_with_reasons(bad_batch):
    failures = pd.read_csv(bad_batch / "failures.csv")
    reasons = {Path(o).name: r for o, r in zip(failures["origin"], failures["reason"])}
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "no text encoding fits" in reasons["garbage.txt"]
    assert "not valid JSON" in reasons["corpus.jsonl:2"]
    assert "no 'text'" in reasons["corpus.jsonl:3"]
    assert "Kernel died" in reasons["a_kill.txt"] or "died" in reasons["a_kill.txt"]
    assert "timed out" in reasons["b_hang.txt"].lower() or "Timeout" in reasons["b_hang.txt"]
    assert "ValueError" in reasons["c_raise.txt"]
    retried = {Path(o).name: r for o, r in zip(failures["origin"], failures["retried"])}
    assert retried["a_kill.txt"] == retried["b_hang.txt"] == "yes", "a kernel's death or hang can pass"
    assert retried["c_raise.txt"] == retried["empty.txt"] == "no", "the article's own failures stay"
    assert len(failures) == 9


def test_timeout_limits_a_whole_article_not_one_cell(bad_batch):
    # d_slow's notebook sleeps 4 s in each of three cells: no cell reaches the 6 s limit, the article does.
    failures = pd.read_csv(bad_batch / "failures.csv")
    row = failures[failures["origin"].map(lambda o: Path(o).name) == "d_slow.txt"].iloc[0]
    assert "timed out" in row["reason"] and "whole article" in row["reason"], row["reason"]
    assert row["retried"] == "yes", "a time-out can pass (a loaded machine, a larger --timeout): retried next run"
    status = store_contents(bad_batch)["articles"].set_index("article_id")["status"]
    assert status[row["article_id"]] == "retry"


def test_killed_workers_leave_no_kernel_running(bad_batch):
    # the hung (sleeping an hour) and the slow article's kernels run in sessions of their own: killed with their workers
    marker = (bad_batch.parent / "marker").read_text()
    assert _processes_with(marker) == [], "a worker's kernel outlived the batch"


def test_good_articles_all_reported_after_broken_kernels(bad_batch):
    contents = store_contents(bad_batch)
    ok = contents["articles"][contents["articles"]["status"] == "ok"]
    names = {Path(o.split(":")[0]).name for o in ok["origin"]}
    assert names == {"latin.txt", "corpus.jsonl", "z_good0.txt", "z_good1.txt"} and len(ok) == 5
    for article_id in ok["article_id"]:
        html = (bad_batch / "articles" / article_id / "report.html").read_text(encoding="utf-8")
        assert "leftover=None" in html  # the namespace was reset between notebooks
    index = (bad_batch / "index.html").read_text(encoding="utf-8")
    assert index.count('href="articles/') == len(ok) and index.count('data-sort="failed"') == 4


def test_index_and_corpus_report_are_offline_and_escaped(bad_batch):
    from analysis.report.render import external_resources

    for name in ("index.html", "corpus.html"):
        page = (bad_batch / name).read_text(encoding="utf-8")
        assert external_resources(page) == [], name
        assert "<script>alert" not in page and "<img src=x" not in page, name
    index = (bad_batch / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in index


def test_store_command_exports_and_imports(reports, tmp_path):
    from analysis.cli import main

    assert main(["store", "export", str(reports / "corpus.duckdb"), "--to", str(tmp_path / "csv"),
                 "--format", "csv"]) == 0
    assert main(["store", "import", str(tmp_path / "csv"), "--to", str(tmp_path / "rebuilt.duckdb")]) == 0
    assert_same_store(store.read_store(tmp_path / "rebuilt.duckdb"), store_contents(reports))


def test_a_changed_publication_date_makes_a_rerun_redo_the_article():
    from analysis.corpus.batch import needs_work
    from analysis.corpus.jobs import Job

    job = Job(article_id="a", text="t", title="T", published="2024-12-01", source=None, url=None, origin="o",
              text_sha="s")

    class Settings:
        code_version = "v"
        out = Path("/nonexistent")

    assert needs_work(job, ("s", "v", "ok", ("T", "2024-11-02", None, None, "o")), Settings, False)
    assert not needs_work(job, ("s", "v", "failed", ("T", "2024-12-01", None, None, "o")), Settings, False)
    assert needs_work(job, ("s", "v", "retry", ("T", "2024-12-01", None, None, "o")), Settings, False)
    assert needs_work(job, ("s", "v", "failed", ("T", "2024-12-01", None, None, "o")), Settings, True)
