"""`batch`, `extract-corpus` and `store`: many articles into reports, one store, an index and a corpus overview.

`batch` runs N worker processes, each with one warm kernel (analysis.kernels) that executes the
article notebook for article after article; the parent alone writes the DuckDB store, one
transaction per article, after the article's files are in place. An article's files are written
as one set (a staging folder renamed into place), so a batch killed at any moment leaves whole
articles. A re-run converges: it skips articles whose text and code version are unchanged and
stored, retries those that failed for a reason that can pass (status `retry`: disk, I/O, a dead
or hung kernel), keeps those that failed for their content (status `failed`) until they change, and
removes from the store and from `articles/` every article its inputs no longer hold, so the store
mirrors the inputs. One batch at a time writes an output folder (a lock file).
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import signal
import sys
import time
import traceback
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from analysis.files import InputError, clean_temporaries, csv_text, write_atomic, write_set
from analysis.language.vocab import resolve
from analysis.reading.articles import origin_file
from analysis.corpus.jobs import DEFAULT_TIMEOUT, Failure, Job, extract_job, job_paths, read_all
from analysis.report.render import CORPUS_NOTEBOOK
from analysis.tables.schema import TABLES

CORPUS_TIMEOUT_FACTOR = 5  # the corpus report may take this many article time-outs
STORE_NAME = "corpus.duckdb"
FAILURES_NAME = "failures.csv"
INDEX_NAME = "index.html"
CORPUS_NAME = "corpus.html"
STATE_DIR = ".batch"  # the corpus report's parameters
PAGES_DIR = "fetched"  # web pages as fetched (page.html and headers.json), re-read unless --refetch
REPORT_NAME = "report.html"
ARTICLE_TEXT = "article.txt"
CORPUS_TITLE = "Corpus overview"
FAILURE_COLUMNS = ["origin", "article_id", "reason", "retried"]
LOCK_NAME = "lock"  # under STATE_DIR: held by the batch that writes the folder
META_NAME = "article.meta.json"
# Errors a notebook may raise that say nothing about the article: its run is retried.
TRANSIENT_NAMES = {"OSError", "IOError", "FileNotFoundError", "PermissionError", "TimeoutError", "MemoryError",
                   "BlockingIOError", "ConnectionError", "BrokenPipeError", "InterruptedError"}


# ---------------------------------------------------------------- files


def write_if_changed(path: Path, data: str) -> bool:
    """Write a text file atomically unless it already holds exactly data; whether it was written."""
    if path.is_file() and path.read_text(encoding="utf-8") == data:
        return False
    write_atomic(path, data)
    return True


def code_version(notebooks: list[Path], vocab: tuple[str, ...] = ()) -> str:
    """analysis.__version__ plus a hash of the notebooks, the package's modules, the packaged templates,
    map outlines and data and a user's vocabulary files: a change to any of them re-runs every article."""
    from analysis import __version__

    digest = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    shipped = sorted(p for p in [*package.glob("report/templates/**/*"), *package.glob("report/maps/*"),
                                 *package.glob("data/**/*")] if p.is_file())
    users = sorted(p for folder in vocab for p in Path(folder).glob("*.csv"))
    for path in [*notebooks, *sorted(package.rglob("*.py")), *shipped, *users]:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return f"{__version__}+{digest.hexdigest()[:12]}"


def failure_status(err: BaseException) -> str:
    """'retry' where an article failed for a reason that can pass (I/O, a full disk, memory, a dead
    or hung kernel), else 'failed' (its content or the code: retried when either changes)."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    from analysis.corpus.kernels import KernelCodeError

    if isinstance(err, (OSError, MemoryError, CellTimeoutError, DeadKernelError, KernelCodeError)):
        return "retry"
    return "retry" if getattr(err, "ename", None) in TRANSIENT_NAMES else "failed"


def one_line(err: BaseException) -> str:
    """An exception as one line for failures.csv."""
    ename, evalue = getattr(err, "ename", None), getattr(err, "evalue", None)
    if ename:
        text = f"notebook error {ename}: {evalue}"
    else:
        text = f"{type(err).__name__}: {err}"
    text = " ".join(text.split())
    return text[:497] + "..." if len(text) > 500 else text


# ---------------------------------------------------------------- worker side


@dataclass(frozen=True)
class Settings:
    """What every worker needs to know."""

    out: Path
    notebook: Path
    corpus_notebook: Path
    timeout: int
    code_version: str
    vocab: tuple[str, ...] = ()  # a user's vocabulary folders, added to the packaged word lists


def process_job(job: Job, settings: Settings, kernel) -> dict:
    """Write one article's files (text, tables, report) as one set in its folder; the result for the parent."""
    from analysis.corpus import kernels
    from analysis.report import render as report

    folder = job_paths(settings.out, job.article_id)
    started = time.perf_counter()
    meta = job.meta(code_version=settings.code_version)
    side = json.dumps({"title": job.title, "published": job.published, "source": job.source, "url": job.url},
                      indent=2, ensure_ascii=False)
    timings: dict[str, float] = {}
    mark = time.perf_counter()

    def lap(name: str) -> None:
        """Add the time since the last lap to timings[name]."""
        nonlocal mark
        now = time.perf_counter()
        timings[name] = timings.get(name, 0.0) + now - mark
        mark = now

    outputs: dict[str, str] = {}
    try:
        write_set(folder, {ARTICLE_TEXT: job.text, META_NAME: side}, whole=True)  # the notebook reads them
        params = report.report_parameters(str(folder / ARTICLE_TEXT), job.published, job.title, job.source,
                                          vocab=settings.vocab)
        nb = kernels.execute(kernel, settings.notebook, params, settings.timeout)
        lap("execute")
        tables = _tables(job, settings, kernel)
        lap("extract")
        outputs = {f"{table}.csv": csv_text(frame) for table, frame in tables.items()}
        outputs[REPORT_NAME] = report.export_html(nb, params["title"] or job.article_id,
                                                  declared_only=report.packaged(settings.notebook))
        lap("export")
        status = {"status": "ok", "error": None}
    except Exception as err:  # noqa: BLE001 - any failure of one article is recorded, the batch goes on
        tables, outputs = {}, {}
        status = {"status": failure_status(err), "error": one_line(err)}
    try:
        write_set(folder, {ARTICLE_TEXT: job.text, META_NAME: side, **outputs,
                           "article.json": _record(meta, status)}, whole=True)
        lap("write")
    except OSError as err:  # the set could not be written (a full disk): nothing of it is stored
        tables, status = {}, {"status": "retry", "error": one_line(err)}
        _drop_outputs(folder)
    return {"article_id": job.article_id, "meta": {**meta, **status}, "tables": tables,
            "seconds": time.perf_counter() - started, "timings": timings}


def _tables(job: Job, settings: Settings, kernel) -> dict:
    """The article's four tables: the ones our article notebook extracted in the kernel where it read this
    article's text (the same call on the same text), else extracted here (a user's own notebook)."""
    from analysis.corpus import kernels
    from analysis.report import render as report

    tables = kernels.notebook_tables(kernel, job.article_id) if settings.notebook == report.NOTEBOOK else None
    return tables if tables is not None else extract_job(job, settings.vocab)


def _record(meta: dict, status: dict) -> str:
    """article.json: the article's row of the store without its text."""
    return json.dumps({k: v for k, v in {**meta, **status}.items() if k != "text"}, indent=2, ensure_ascii=False)


def _drop_outputs(folder: Path) -> None:
    """Remove an article's report and tables (best effort: removing needs no disk space)."""
    for name in (REPORT_NAME, *[f"{t}.csv" for t in TABLES]):
        try:
            (folder / name).unlink(missing_ok=True)
        except OSError:
            pass


def render_corpus(params: dict, settings: Settings, kernel) -> dict:
    """Render the corpus notebook to OUT/corpus.html; the result for the parent."""
    from analysis.corpus import kernels
    from analysis.report import render as report

    try:
        nb = kernels.execute(kernel, settings.corpus_notebook, params, settings.timeout * CORPUS_TIMEOUT_FACTOR)
        write_atomic(settings.out / CORPUS_NAME, report.export_html(
            nb, CORPUS_TITLE, declared_only=report.packaged(settings.corpus_notebook)))
        return {"corpus": "ok", "error": None}
    except Exception as err:  # noqa: BLE001
        return {"corpus": "failed", "error": one_line(err)}


def _warm_up() -> None:
    """Import what a worker uses and build the HTML exporter before the first article."""
    import papermill  # noqa: F401

    from analysis.tables import extract  # noqa: F401
    from analysis.report import render as report  # noqa: F401

    report.html_exporter()


def worker_main(conn, settings: Settings, index: int) -> None:
    """A worker process: start one warm kernel, then process the tasks the parent sends until told to stop."""
    from analysis.corpus import kernels
    from analysis.report.render import skip_unused_imports

    skip_unused_imports()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    os.environ.setdefault("MPLBACKEND", "Agg")
    try:
        kernel = kernels.WarmKernel().start()
        # Load the notebooks' modules in the kernel while this process warms up its own.
        kernels.prepare(kernel, settings.notebook)
        _warm_up()
        kernels.tune_gc()
    except Exception as err:  # noqa: BLE001
        conn.send(("error", f"could not start a kernel: {one_line(err)}"))
        return
    conn.send(("ready", kernel.pid()))
    try:
        while True:
            try:
                task = conn.recv()
            except (EOFError, OSError):
                break  # the parent is gone
            if task is None:
                break
            kind, payload = task
            try:
                if kind == "article":
                    result = process_job(payload, settings, kernel)
                else:
                    result = render_corpus(payload, settings, kernel)
            except Exception:  # noqa: BLE001 - never leave the parent waiting
                result = {"article_id": getattr(payload, "article_id", None), "crash": traceback.format_exc()}
            renewing = kernel.spoiled or not kernel.alive()
            try:
                conn.send(("result", result, kernel.pid(), renewing))
            except (BrokenPipeError, OSError):
                break
            if renewing:  # after the result: a new kernel is no part of the failed article's time
                try:
                    kernels.renew(kernel)
                    kernels.prepare(kernel, settings.notebook)
                except Exception as err:  # noqa: BLE001
                    conn.send(("error", f"could not restart a kernel: {one_line(err)}"))
                    return
                conn.send(("ready", kernel.pid()))
    finally:
        kernel.shutdown()
    _exit_now()


def _exit_now() -> None:
    """End a worker without the interpreter's teardown (a few tenths of a second with pandas, matplotlib
    and zmq loaded): its files are written and closed, its kernel is stopped, its pipe says nothing more."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


# ---------------------------------------------------------------- parent side


@dataclass
class Worker:
    """A worker process as the parent sees it."""

    index: int
    process: object
    conn: object
    ready: bool = False
    task: object = None
    deadline: float = 0.0
    started: float = field(default_factory=time.monotonic)
    kernel_pid: int | None = None  # the worker's kernel (a process group of its own), killed with the worker
    renewals: int = 0  # times it replaced its kernel (after a death or a time-out) and had to be ready again


class Pool:
    """N worker processes with warm kernels; tasks out, results back, silent workers killed and replaced."""

    def __init__(self, settings: Settings, size: int, startup_timeout: float = 180.0) -> None:
        import multiprocessing

        self.settings = settings
        self.context = multiprocessing.get_context("spawn")
        self.startup_timeout = startup_timeout
        self.workers = [self._start(i) for i in range(size)]
        self.released: list[Worker] = []  # asked to stop early; close() waits for them

    def _start(self, index: int) -> Worker:
        """Start one worker process."""
        parent, child = self.context.Pipe()
        process = self.context.Process(target=worker_main, args=(child, self.settings, index), daemon=True,
                                       name=f"batch-worker-{index}")
        process.start()
        child.close()
        return Worker(index, process, parent)

    def _replace(self, worker: Worker) -> None:
        """Kill a worker (and so its kernel) and start another in its place."""
        self._kill(worker)
        self.workers[self.workers.index(worker)] = self._start(worker.index)

    @staticmethod
    def _kill(worker: Worker) -> None:
        """Kill a worker process and its kernel (which would outlive it: it runs in a session of its own,
        possibly still busy with the article), and wait for the worker."""
        if worker.kernel_pid and _is_kernel_of(worker.kernel_pid, worker.process.pid):
            try:
                os.killpg(worker.kernel_pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(10)
        worker.conn.close()

    def run(self, tasks: list[tuple[str, object]], on_result, timeout: float) -> None:
        """Send every task to an idle worker; on_result(task, result) for each, failures included."""
        from multiprocessing.connection import wait

        pending = deque(tasks)
        while pending or any(w.task is not None for w in self.workers):
            for worker in self.workers:
                if worker.ready and worker.task is None and pending:
                    worker.task = pending.popleft()
                    worker.deadline = time.monotonic() + timeout
                    worker.conn.send(worker.task)
            conns = {w.conn: w for w in self.workers}
            soonest = min([w.deadline for w in self.workers if w.task is not None], default=time.monotonic() + 1.0)
            for conn in wait(list(conns), timeout=min(1.0, max(0.0, soonest - time.monotonic()))):
                worker = conns[conn]
                try:
                    kind, payload, *kernel = conn.recv()
                except (EOFError, OSError):
                    self._lost(worker, on_result, f"worker process died (exit code {worker.process.exitcode})")
                    continue
                if kind == "ready":
                    worker.ready, worker.kernel_pid = True, payload
                elif kind == "error":
                    if worker.renewals:  # its first kernel worked: a new worker takes its place
                        self._replace(worker)
                        continue
                    self.close()
                    raise RuntimeError(payload)
                else:
                    worker.kernel_pid, renewing = kernel
                    if renewing:  # the worker replaces its kernel, then says it is ready again
                        worker.ready, worker.started, worker.renewals = False, time.monotonic(), worker.renewals + 1
                    task, worker.task = worker.task, None
                    on_result(task, payload)
            now = time.monotonic()
            for worker in list(self.workers):
                if worker.task is not None and now > worker.deadline:
                    what = "the limit for a whole article (--timeout)" if worker.task[0] == "article" else "its limit"
                    self._lost(worker, on_result, f"timed out: took over {timeout:g} s, {what}; its worker and "
                                                  "kernel were killed")
                elif not worker.ready and now - worker.started > self.startup_timeout:
                    if worker.renewals:
                        self._replace(worker)
                        continue
                    self.close()
                    raise RuntimeError(f"worker {worker.index} did not start in {self.startup_timeout:.0f} s")

    def _lost(self, worker: Worker, on_result, reason: str) -> None:
        """A worker died or hung: its task fails with reason, and a new worker takes its place."""
        task = worker.task
        self._replace(worker)
        if task is not None:
            kind, payload = task
            on_result(task, {"article_id": getattr(payload, "article_id", None), "crash": reason})

    def release(self, keep: int = 1) -> None:
        """Ask all but `keep` of the idle, ready workers to stop now (they shut their kernels down while the
        others go on with fewer tasks, such as the one corpus report); close() waits for them."""
        idle = [w for w in self.workers if w.ready and w.task is None]
        for worker in idle[keep:]:
            self.workers.remove(worker)
            self.released.append(worker)
            self._ask_to_stop(worker)

    @staticmethod
    def _ask_to_stop(worker: Worker) -> None:
        """Tell a worker to stop after its current task."""
        try:
            worker.conn.send(None)
        except (BrokenPipeError, OSError):
            pass

    def close(self) -> None:
        """Ask the workers to stop, then make sure they have (the released ones included)."""
        for worker in self.workers:
            self._ask_to_stop(worker)
        deadline = time.monotonic() + 15
        for worker in [*self.released, *self.workers]:
            worker.process.join(max(0.1, deadline - time.monotonic()))
            self._kill(worker)


def _is_kernel_of(pid: int, worker_pid: int | None) -> bool:
    """Whether a process is a worker's kernel: a child of the worker, or (the worker dead) an orphaned
    ipykernel. Read from /proc; where there is none, the pid the worker gave is trusted."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return not Path("/proc/self").exists()  # no /proc at all: trust it; a process gone: nothing to kill
    except OSError:
        return False
    parent = int(stat.rsplit(")", 1)[1].split()[1])  # after "pid (name)": the state, then the parent's pid
    return parent == worker_pid or (parent == 1 and b"ipykernel" in command)


def needs_work(job: Job, state: tuple | None, settings: Settings, retry_failed: bool) -> bool:
    """Whether an article must be (re)processed: new, changed text, metadata (a new publication date
    moves every resolved date; a moved file is a new origin) or code, failed for a reason that can
    pass, or its report missing."""
    if state is None:
        return True
    sha, version, status, meta = state
    if sha != job.text_sha or version != settings.code_version:
        return True
    if tuple(meta) != (job.title, job.published, job.source, job.url, job.origin):
        return True
    if status == "retry":
        return True
    if status == "failed":
        return retry_failed
    return not (job_paths(settings.out, job.article_id) / REPORT_NAME).is_file()


def _store_states(path: Path) -> dict[str, tuple]:
    """The store's article states, read-only (an absent store has none)."""
    from analysis.corpus import store

    if not path.is_file():
        return {}
    con = store.connect(path, read_only=True)
    try:
        return store.article_states(con)
    finally:
        con.close()


def failures_frame(input_failures: list[Failure], store_path: Path):
    """failures.csv's rows: inputs that could not be read, and articles that failed (from the store)."""
    import pandas as pd

    rows = [{"origin": f.origin, "article_id": f.article_id, "reason": f.reason,
             "retried": "yes" if f.transient else "no"} for f in input_failures]
    if store_path.is_file():
        from analysis.corpus import store

        con = store.connect(store_path, read_only=True)
        try:
            with store.store_errors(store_path):
                failed = con.execute("SELECT origin, article_id, error, status FROM articles WHERE status <> 'ok' "
                                     "ORDER BY origin, article_id").fetchall()
        finally:
            con.close()
        rows += [{"origin": o, "article_id": a, "reason": e, "retried": "yes" if s == "retry" else "no"}
                 for o, a, e, s in failed]
    frame = pd.DataFrame(rows, columns=FAILURE_COLUMNS)
    return frame.sort_values(["origin", "article_id"], kind="stable", na_position="first").reset_index(drop=True)


def corpus_parameters(store_path: Path, date_from: str | None, date_to: str | None,
                      regions: list[str] | None) -> dict:
    """The corpus notebook's parameters (the store's absolute path: the kernel runs elsewhere)."""
    return {"store": str(store_path.resolve()), "date_from": date_from, "date_to": date_to,
            "regions": list(regions) if regions else None}


@dataclass
class Summary:
    """What a batch run did."""

    articles: int = 0
    processed: int = 0
    failed: int = 0
    skipped: int = 0
    input_failures: int = 0
    removed: int = 0  # articles the inputs no longer hold, taken out of the store
    incomplete: int = 0  # articles (and inputs) that failed for a reason that can pass: a re-run retries them
    pages_failed: int = 0  # failures.csv or index.html not written
    corpus: str = "unchanged"
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    worker_seconds: dict[str, float] = field(default_factory=dict)  # summed over articles, per phase
    notes: list[str] = field(default_factory=list)  # what inputs skipped on purpose (Telegram service messages ...)

    def phases(self) -> str:
        """Mean seconds per reported article in a worker, per phase ("" before any)."""
        if not self.processed:
            return ""
        parts = [f"{name} {total / self.processed:.2f}" for name, total in self.worker_seconds.items()]
        return "per article in a worker (s): " + ", ".join(parts)

    def complete(self) -> bool:
        """Whether the store and the pages hold everything the inputs can give (nothing left to retry)."""
        return not self.incomplete and not self.pages_failed and self.corpus in ("ok", "unchanged")


def run_batch(inputs: list[str], out: Path, workers: int = 2, timeout: int = DEFAULT_TIMEOUT,
              notebook: Path | None = None, corpus_notebook: Path | None = None, max_bytes: int | None = None,
              retry_failed: bool = False, date_from: str | None = None, date_to: str | None = None,
              regions: list[str] | None = None, progress: bool = True, vocab: tuple[str, ...] = (),
              refetch: bool = False, fetch_policy=None) -> Summary:
    """Process every article of the inputs that needs it, drop the articles they no longer hold;
    write store, failures.csv, index and corpus report; vocab names a user's vocabulary folders
    (checked here, before any worker starts). Web pages are kept in OUT/fetched/ and read from there
    unless refetch; fetch_policy (analysis.reading.web.FetchPolicy) sets time-outs and limits."""
    from analysis.reading import web as pages

    missing = [name for name in inputs if not pages.is_url(name) and not Path(name).exists()]
    if missing:
        raise InputError(f"{missing[0]}: no such file or folder; nothing was changed")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    from analysis.corpus.store import store_errors
    from analysis.reading.articles import DEFAULT_MAX_BYTES

    policy = fetch_policy or pages.FetchPolicy(max_bytes=max_bytes or DEFAULT_MAX_BYTES)
    web = pages.WebOptions(policy=policy, pages=out / PAGES_DIR, refetch=refetch)
    with batch_lock(out), store_errors(out / STORE_NAME):  # a full disk under the store: one line
        return _run_batch(inputs, out, workers, timeout, notebook, corpus_notebook, max_bytes, retry_failed,
                          date_from, date_to, regions, progress, vocab, web)


@contextmanager
def batch_lock(out: Path) -> Iterator[None]:
    """Hold the output folder's lock (flock on .batch/lock, released when the process ends, however it
    ends) for a batch; InputError where another batch holds it. The file itself is never written, so a
    run that does nothing changes nothing."""
    path = out / STATE_DIR / LOCK_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputError(f"{out}: another batch is writing this folder; run again when it has finished") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _run_batch(inputs, out: Path, workers, timeout, notebook, corpus_notebook, max_bytes, retry_failed,
               date_from, date_to, regions, progress, vocab, web=None) -> Summary:
    """run_batch under the folder's lock."""
    from analysis.report import render as report
    from analysis.corpus import store
    from analysis.reading.articles import DEFAULT_MAX_BYTES

    began = time.perf_counter()
    clean_temporaries(out)
    clean_temporaries(out / "articles")
    notebook = Path(notebook or report.NOTEBOOK).resolve()
    corpus_notebook = Path(corpus_notebook or CORPUS_NOTEBOOK).resolve()
    vocab = tuple(str(Path(v).resolve()) for v in vocab)
    resolve(vocab)  # a malformed file stops the batch here, with its file and line
    settings = Settings(out=out, notebook=notebook, corpus_notebook=corpus_notebook, timeout=timeout,
                        code_version=code_version([notebook, corpus_notebook], vocab), vocab=vocab)
    notes: list[str] = []
    jobs, input_failures = read_all(inputs, max_bytes or DEFAULT_MAX_BYTES, web, notes)
    store_path = out / STORE_NAME
    summary = Summary(articles=len(jobs), input_failures=len(input_failures), notes=notes)
    if jobs:  # nothing read at all (every input unreadable): the store stays as it was
        summary.removed = remove_stale(store_path, out, {j.article_id for j in jobs},
                                       {f.origin for f in input_failures if f.transient})
    states = _store_states(store_path)
    todo = [j for j in jobs if needs_work(j, states.get(j.article_id), settings, retry_failed)]
    summary.skipped = len(jobs) - len(todo)
    params = corpus_parameters(store_path, date_from, date_to, regions)
    params_file = out / STATE_DIR / "corpus-parameters.json"
    # Compared without the store's absolute path: a moved output folder is the same corpus.
    params_text = json.dumps({**params, "store": STORE_NAME, "code_version": settings.code_version},
                             indent=2, sort_keys=True)
    corpus_due = bool(todo) or bool(summary.removed) or (store_path.is_file() and (
        not (out / CORPUS_NAME).is_file() or not params_file.is_file()
        or params_file.read_text(encoding="utf-8") != params_text))
    pool = Pool(settings, max(1, min(workers, len(todo)))) if corpus_due else None
    try:
        if todo:
            _run_articles(pool, todo, settings, store_path, summary, progress)
        _write_page(out / FAILURES_NAME, lambda: csv_text(failures_frame(input_failures, store_path)), summary)
        _write_page(out / INDEX_NAME, lambda: _index_page(store_path, summary), summary)
        if corpus_due and store_path.is_file():
            summary.corpus = _render_corpus(pool, params, timeout)
            if summary.corpus == "ok":
                _write_page(params_file, lambda: params_text, summary)
            else:
                params_file.unlink(missing_ok=True)  # the next run renders it again
                summary.errors.append(f"corpus report: {summary.corpus}")
    finally:
        if pool is not None:
            pool.close()
    summary.incomplete = _left_to_retry(store_path) + sum(f.transient for f in input_failures)
    summary.seconds = time.perf_counter() - began
    return summary


def _write_page(path: Path, make, summary: Summary) -> None:
    """Write failures.csv, index.html or the corpus parameters; a write that fails (a full disk) is an error
    of the run, which then exits as incomplete, not an end of the batch."""
    try:
        write_if_changed(path, make())
    except OSError as err:
        summary.errors.append(f"{path.name} could not be written: {err.strerror or err}")
        summary.pages_failed += 1


def _index_page(store_path: Path, summary: Summary) -> str:
    """index.html from the store."""
    from analysis.corpus import store
    from analysis.corpus.index_page import empty_rows, index_html, index_rows

    rows = empty_rows()
    if store_path.is_file():
        con = store.connect(store_path, read_only=True)
        try:
            with store.store_errors(store_path):
                rows = index_rows(con)
        finally:
            con.close()
    return index_html(rows, summary_line(summary))


def _left_to_retry(store_path: Path) -> int:
    """Articles of the store that failed for a reason that can pass."""
    from analysis.corpus import store

    if not store_path.is_file():
        return 0
    con = store.connect(store_path, read_only=True)
    try:
        with store.store_errors(store_path):
            return con.execute("SELECT count(*) FROM articles WHERE status = 'retry'").fetchone()[0]
    finally:
        con.close()


def remove_stale(store_path: Path, out: Path, current: set[str], unreadable: set[str]) -> int:
    """Delete from the store (one transaction each) and from articles/ every article that the
    inputs no longer hold: edited (a new text is a new article) or removed. Articles whose input
    could not be read this time for a passing reason (unreadable) are kept. The number removed."""
    from analysis.corpus import store

    removed = 0
    known: set[str] = set(current)
    if store_path.is_file():
        con = store.connect(store_path)
        try:
            with store.store_errors(store_path):
                for article_id, origin in con.execute("SELECT article_id, origin FROM articles").fetchall():
                    if article_id in current or origin_file(origin) in unreadable:
                        known.add(article_id)
                        continue
                    store.delete_article(con, article_id)
                    removed += 1
        finally:
            con.close()
    articles = out / "articles"
    for folder in sorted(articles.iterdir()) if articles.is_dir() else []:
        if folder.is_dir() and not folder.name.startswith(".") and folder.name not in known:
            shutil.rmtree(folder, ignore_errors=True)  # removed, or left by a run killed before its store write
    return removed


def summary_line(summary: Summary) -> str:
    """The index page's line about the corpus."""
    return f"{summary.articles} articles read; {summary.input_failures} inputs could not be read."


def _run_articles(pool: Pool, todo: list[Job], settings: Settings, store_path: Path, summary: Summary,
                  progress: bool) -> None:
    """Process the jobs on the pool; the parent writes each result to the store as it comes."""
    from tqdm import tqdm

    from analysis.corpus import store

    con = store.connect(store_path)
    bar = tqdm(total=len(todo), desc="batch", unit="article", disable=not progress, file=sys.stderr,
               dynamic_ncols=True, smoothing=0.1)

    def on_result(task, result: dict) -> None:
        """Write one article's outcome to the store and move the progress bar."""
        _, job = task
        if "crash" in result:
            reason = result["crash"].strip().splitlines()[-1] if result["crash"].strip() else "worker crashed"
            meta = job.meta(code_version=settings.code_version, status="retry", error=reason)
            _mark_failed(settings, job, reason)
            store.write_article(con, meta, {})
        else:
            store.write_article(con, result["meta"], result["tables"])
            for name, value in result.get("timings", {}).items():
                summary.worker_seconds[name] = summary.worker_seconds.get(name, 0.0) + value
        if "crash" in result or result["meta"].get("status") != "ok":
            summary.failed += 1
        else:
            summary.processed += 1
        bar.set_postfix(done=summary.processed, failed=summary.failed, refresh=False)
        bar.update(1)

    try:
        pool.run([("article", job) for job in todo], on_result, timeout=settings.timeout)
    finally:
        bar.close()
        con.close()


def _mark_failed(settings: Settings, job: Job, reason: str) -> None:
    """Record in the article's folder that it failed (its worker died or hung), dropping its outputs;
    best effort: the store holds the truth, and the next run retries the article."""
    folder = job_paths(settings.out, job.article_id)
    _drop_outputs(folder)
    try:
        write_atomic(folder / "article.json", _record(job.meta(code_version=settings.code_version), {
            "status": "retry", "error": reason}))
    except OSError:
        pass


def _render_corpus(pool: Pool, params: dict, timeout: int) -> str:
    """Render corpus.html on a worker's warm kernel; 'ok' or the reason it failed."""
    outcome: dict = {}

    def on_result(task, result: dict) -> None:
        outcome.update(result)

    pool.release(keep=1)  # one report, one worker: the others stop meanwhile
    pool.run([("corpus", params)], on_result, timeout=timeout * CORPUS_TIMEOUT_FACTOR)
    if outcome.get("corpus") == "ok":
        return "ok"
    return outcome.get("error") or outcome.get("crash", "failed")
