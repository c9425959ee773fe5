"""Articles as units of work for `batch` and `extract-corpus`: read, identify, extract, or fail with a reason."""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from analysis.language.vocab import VocabLike
from analysis.reading.articles import (DEFAULT_MAX_BYTES, ArticleError, article_title, normalise, publication_date,
                                       read_input)
from analysis.tables.schema import TABLES

UNKNOWN_MONTH = "unknown"
DEFAULT_TIMEOUT = 120  # seconds an article may take in a worker (batch: from hand-over to its report written)


@dataclass(frozen=True)
class Job:
    """One article to process, with what identifies it."""

    article_id: str
    text: str
    title: str | None
    published: str | None
    source: str | None
    url: str | None
    origin: str
    text_sha: str

    def meta(self, **extra: object) -> dict:
        """The article's row of the store's `articles` table (extra: status, code_version ...)."""
        return {**asdict(self), **extra}


@dataclass(frozen=True)
class Failure:
    """An input or article that could not be processed, and why (one line)."""

    origin: str
    reason: str
    article_id: str | None = None
    transient: bool = False  # failed for a reason that can pass (I/O, disk): its stored rows are kept


def text_sha(text: str) -> str:
    """SHA-256 of the article's normalised text (the first 12 hex chars are its article_id)."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


def read_jobs(path: str, max_bytes: int = DEFAULT_MAX_BYTES, web=None,
              notes: list[str] | None = None) -> tuple[list[Job], list[Failure]]:
    """The articles of one input (a file, a web address, a .urls list) as jobs, and failures for what could
    not be read; notes (what an input skipped on purpose) are added to `notes` where given. `web`: how pages
    are fetched and kept (analysis.reading.web.WebOptions)."""
    try:
        reading = read_input(path, max_bytes, web)
    except ArticleError as err:
        return [], [Failure(path, _reason(str(err), path), transient=getattr(err, "transient", False))]
    except OSError as err:  # the file could not be read now: a disk or permission problem
        return [], [Failure(path, f"{type(err).__name__}: {err}", transient=True)]
    except ValueError as err:  # broken sidecar metadata ...
        return [], [Failure(path, f"{type(err).__name__}: {err}")]
    if notes is not None:
        notes += reading.notes
    jobs = []
    for article in reading.articles:
        published = publication_date(article)
        sha = text_sha(article.text)
        jobs.append(Job(article_id=sha[:12], text=article.text, title=article_title(article),
                        published=published, source=article.source, url=article.url,
                        origin=article.origin, text_sha=sha))
    failures = [Failure(p.origin, p.reason, transient=p.transient) for p in reading.problems]
    return jobs, failures


def read_all(paths: list[str], max_bytes: int = DEFAULT_MAX_BYTES, web=None,
             notes: list[str] | None = None) -> tuple[list[Job], list[Failure]]:
    """Jobs of every input (files, folders, corpora, web addresses, Telegram exports), the first of each
    article_id only, and failures."""
    from analysis.reading.articles import iter_inputs

    jobs: dict[str, Job] = {}
    failures: list[Failure] = []
    for path in iter_inputs(paths):
        found, failed = read_jobs(path, max_bytes, web, notes)
        failures += failed
        for job in found:
            jobs.setdefault(job.article_id, job)
    return list(jobs.values()), failures


def _reason(message: str, origin: str) -> str:
    """A problem message without its leading origin."""
    prefix = f"{origin}: "
    return message[len(prefix):] if message.startswith(prefix) else message


def extract_job(job: Job, vocab: VocabLike = None) -> dict[str, pd.DataFrame]:
    """The four tables of one job's article (with a user's vocabulary added, where given)."""
    from analysis.tables.extract import extract_tables

    return dict(extract_tables(job.text, job.published, vocab=vocab).items())


def extract_job_rows(job: Job, vocab: VocabLike = None) -> dict[str, list[dict]]:
    """The four tables of one job's article as schema-checked row dicts (frames are built per partition)."""
    from analysis.tables.extract import extract_rows

    return extract_rows(job.text, job.published, vocab=vocab)


def published_month(published: str | None) -> str:
    """The partition of an article: 'YYYY-MM' of its publication date, or 'unknown'."""
    return published[:7] if isinstance(published, str) and len(published) >= 7 else UNKNOWN_MONTH


def tables_of(jobs: list[Job], vocab: VocabLike = None) -> dict[str, pd.DataFrame]:
    """Articles and the four tables of jobs, extracted one after another in this process (each table's
    frame built once, from every article's rows)."""
    from analysis.corpus.store import conform
    from analysis.tables.schema import to_frame

    rows: dict[str, list[dict]] = {t: [] for t in TABLES}
    metas = []
    for job in jobs:
        metas.append(job.meta(status="ok"))
        for table, table_rows in extract_job_rows(job, vocab).items():
            rows[table].extend(table_rows)
    out = {"articles": conform("articles", pd.DataFrame(metas))}
    for table, table_rows in rows.items():
        out[table] = conform(table, to_frame(table, table_rows))
    return out


def job_paths(out: Path, article_id: str) -> Path:
    """The folder of one article's report and tables under an output folder."""
    return out / "articles" / article_id
