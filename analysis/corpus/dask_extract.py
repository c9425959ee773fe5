"""`extract-corpus`: extraction of a corpus on Dask, written as Parquet datasets partitioned by month.

Input files become a Dask bag of article jobs; each partition is extracted on a worker, every article in
a helper process with a time limit (`analysis.corpus.bounded`); the articles table and the four tables
are written under DATASET/TABLE/published_month=YYYY-MM/. An article that failed (over the limit, or its
extraction raised) keeps its `articles` row with its status and reason, and is listed in failures.csv.
The datasets and failures.csv are first written to a staging folder beside the target, which one
rename swaps in when every table is complete, so a failed or killed run leaves the previous dataset
as it was; the staging folders of killed runs are removed by the next run.
"""
from __future__ import annotations

import hashlib
import pickle
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.files import InputError, csv_text, staging_folder, swap_in, write_atomic
from analysis.language.vocab import VocabLike, Vocabulary, resolve
from analysis.corpus import bounded
from analysis.corpus.jobs import DEFAULT_TIMEOUT, Failure, Job, published_month, read_jobs
from analysis.tables.schema import TABLES, to_frame

PARTITION = "published_month"
DATASET_TABLES = ("articles", *TABLES)


@dataclass(frozen=True)
class Limits:
    """How each article is extracted on a worker: within timeout seconds, by function (module:name), with
    a vocabulary named by key (the helper is started again when it changes)."""

    timeout: float = DEFAULT_TIMEOUT
    function: str = bounded.EXTRACTOR
    key: str = ""


def _partition_frames(jobs: list[Job], vocab: Vocabulary | None = None,
                      limits: Limits = Limits()) -> dict[str, pd.DataFrame]:
    """The five tables of a list of jobs (one bag partition), with the partition column; each article
    extracted in this worker's helper process within the time limit, each table's frame built once."""
    from analysis.corpus.store import conform

    metas, rows, months = [], {t: [] for t in TABLES}, {t: [] for t in TABLES}
    helper = bounded.extractor(vocab, limits.function, limits.key)
    for job in jobs:
        month = published_month(job.published)
        outcome = helper.extract(job, limits.timeout)
        if outcome.failure is not None:
            status = "retry" if outcome.failure.transient else "failed"
            metas.append({**job.meta(status=status, error=outcome.failure.reason), PARTITION: month})
            continue
        metas.append({**job.meta(status="ok"), PARTITION: month})
        for table, table_rows in outcome.tables.items():
            rows[table].extend(table_rows)
            months[table].extend([month] * len(table_rows))
    articles = conform("articles", pd.DataFrame(metas) if metas else None)
    out = {"articles": _with_partition(articles, [m[PARTITION] for m in metas])}
    for table, table_rows in rows.items():
        out[table] = _with_partition(conform(table, to_frame(table, table_rows)), months[table])
    return out


def _with_partition(frame: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """A frame with its partition column (one month a row)."""
    return frame.assign(**{PARTITION: pd.array(months, dtype="string")})


def _meta_frame(table: str) -> pd.DataFrame:
    """The empty frame Dask uses as the table's metadata."""
    from analysis.corpus.store import conform

    return conform(table, None).assign(**{PARTITION: pd.Series(dtype="string")})


def _read_file(path: str, max_bytes: int) -> list[tuple[str, object]]:
    """('job', Job) and ('failure', Failure) items of one input file."""
    jobs, failures = read_jobs(path, max_bytes)
    return [("job", j) for j in jobs] + [("failure", f) for f in failures]


def start_client(scheduler: str | None, n_workers: int = 2):
    """A Dask client on the scheduler at an address, or on a new local cluster of worker processes."""
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            return Client(scheduler, timeout="10s"), None
        except ValueError as err:
            raise InputError(f"--scheduler {scheduler}: {err}") from None
    cluster = LocalCluster(n_workers=n_workers, processes=True, threads_per_worker=1,
                           dashboard_address=None)
    return Client(cluster), cluster


def extract_corpus(paths: list[str], out: str | Path, scheduler: str | None = None, n_workers: int = 2,
                   partition_size: int = 50, max_bytes: int | None = None, vocab: VocabLike = None,
                   timeout: float = DEFAULT_TIMEOUT, function: str = bounded.EXTRACTOR) -> dict[str, object]:
    """Extract every article of the inputs on Dask and write the Parquet datasets; a summary. The
    vocabulary is loaded here and shipped to the workers, so their machines need no copy of it. Each
    article may take timeout seconds; `function` (module:name, called with a job and the vocabulary)
    extracts one article."""
    import dask
    import dask.bag as db
    import dask.dataframe as dd

    from analysis.reading.articles import DEFAULT_MAX_BYTES, iter_inputs

    files = iter_inputs(paths)
    out = Path(out)
    words = resolve(vocab) if vocab is not None else None
    client, cluster = start_client(scheduler, n_workers)
    try:
        limit = max_bytes or DEFAULT_MAX_BYTES
        items = db.from_sequence(files, npartitions=max(1, min(len(files), 4 * n_workers)) if files else 1)
        items = items.map(_read_file, limit).flatten().persist()
        failures = [f for kind, f in items.filter(lambda it: it[0] == "failure").compute()]
        jobs = items.filter(lambda it: it[0] == "job").map(lambda it: it[1])
        jobs = jobs.distinct(key=lambda job: job.article_id)
        count = jobs.count().compute()
        jobs = jobs.repartition(npartitions=max(1, -(-count // partition_size)))
        limits = Limits(timeout, function, hashlib.sha256(pickle.dumps(words)).hexdigest() if words else "")
        frames = [dask.delayed(_partition_frames)(part, words, limits) for part in jobs.to_delayed()]
        staging = staging_folder(out)
        writes = []
        for table in DATASET_TABLES:
            parts = [dask.delayed(lambda f, t=table: f[t])(f) for f in frames]
            ddf = dd.from_delayed(parts, meta=_meta_frame(table), verify_meta=False)
            writes.append(ddf.to_parquet(str(staging / table), partition_on=[PARTITION], write_index=False,
                                         compute=False))
        try:
            dask.compute(*writes)
            for table in DATASET_TABLES:
                (staging / table).mkdir(exist_ok=True)  # an empty table is an empty dataset
            failures += failed_articles(staging / "articles")
            write_failures(staging / "failures.csv", failures)
            if count:  # nothing read (a mistyped input): the existing dataset stays as it was
                _swap_in(staging, out)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    finally:
        _close_helpers(client)
        client.close()
        if cluster is not None:
            cluster.close()
    return {"files": len(files), "articles": count, "failures": len(failures), "out": str(out),
            "retry": sum(f.transient for f in failures), "reasons": [f"{f.origin}: {f.reason}" for f in failures]}


def _close_helpers(client) -> None:
    """Kill the extraction helpers on every worker (best effort: a lost worker took its own)."""
    try:
        client.run(bounded.close_all)
    except Exception:  # noqa: BLE001 - the cluster is going away anyway
        pass


def failed_articles(folder: Path) -> list[Failure]:
    """The articles of a written articles dataset that failed, as failures (in origin order)."""
    from analysis.corpus.store import read_dataset

    frame = read_dataset(folder, "articles")
    frame = frame[frame["status"] != "ok"].sort_values(["origin", "article_id"], kind="stable")
    return [Failure(o, e or "failed", a, transient=s == "retry")
            for o, a, e, s in zip(frame["origin"], frame["article_id"], frame["error"], frame["status"])]


def _swap_in(staging: Path, out: Path) -> None:
    """Put the staged dataset in out's place: the whole folder in one rename where out holds nothing
    but a dataset, else table by table (out holds other files of the user's)."""
    own = set(DATASET_TABLES) | {"failures.csv"}
    if not out.exists() or (out.is_dir() and {p.name for p in out.iterdir() if not p.name.startswith(".")} <= own):
        swap_in(staging, out)
        return
    for name in sorted(own):
        swap_in(staging / name, out / name)


def failures_frame(failures: list[Failure]) -> pd.DataFrame:
    """failures.csv's rows: one per input or article that failed, with its reason and whether a re-run may
    pass (`retried`: yes for a time-out or an I/O error, no for the content's own failures), as in batch."""
    return pd.DataFrame([{"origin": f.origin, "article_id": f.article_id, "reason": f.reason,
                          "retried": "yes" if f.transient else "no"} for f in failures],
                        columns=["origin", "article_id", "reason", "retried"])


def write_failures(path: Path, failures: list[Failure]) -> None:
    """failures.csv (cells a spreadsheet would run neutralised)."""
    write_atomic(path, csv_text(failures_frame(failures)))


def read_corpus_dataset(folder: str | Path) -> dict[str, pd.DataFrame]:
    """The five tables of a dataset `extract-corpus` wrote, with the declared dtypes, in a stable order."""
    from analysis.corpus.store import read_dataset, sort_keys

    out = {}
    for table in DATASET_TABLES:
        frame = read_dataset(Path(folder) / table, table)
        out[table] = frame.sort_values(sort_keys(table), kind="stable").reset_index(drop=True)
    return out
