"""Command line: extract, evaluate, report, batch, extract-corpus and store.

Each command parses its options here and calls one function of its stage; stage modules know
nothing of argparse."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from analysis.files import InputError, csv_text, write_set
from analysis.language.vocab import VocabError, using
from analysis.reading.articles import (DEFAULT_MAX_BYTES, Article, ArticleError, article_title, publication_date,
                                       read_input)
from analysis.tables.schema import TABLES


def write_tables(articles: list[Article], out: Path, published: str | None,
                 vocab: tuple[str, ...] = ()) -> dict[str, int]:
    """Extract every article and write the four CSVs and article.json into out; row counts per table."""
    from analysis.tables.extract import extract_tables
    from analysis.reading.structure import layout
    import pandas as pd

    frames: dict[str, list] = {t: [] for t in TABLES}
    meta = []
    with using(vocab or None):
        for article in articles:
            date = published or publication_date(article)
            tables = extract_tables(article.text, date)
            for name, frame in tables.items():
                frames[name].append(frame)
            meta.append({"id": article.article_id, "title": article_title(article),
                         "published": date, "source": article.source, "url": article.url,
                         "origin": article.origin,
                         "sections": [{"kind": s.kind, "start": s.start, "end": s.end, "title": s.title}
                                      for s in layout(article.text).sections]})
    counts, files = {}, {}
    for name, parts in frames.items():
        frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        files[f"{name}.csv"] = csv_text(frame)
        counts[name] = len(frame)
    files["article.json"] = json.dumps(meta[0] if len(meta) == 1 else meta, indent=2, ensure_ascii=False)
    write_set(out, files)  # the five files appear together or not at all
    return counts


def cmd_extract(args: argparse.Namespace) -> int:
    """`extract ARTICLE --out DIR`: the four tables of an article as CSV files."""
    from analysis.reading.textcheck import language_warning

    check_vocab(args.vocab)
    try:
        reading = read_input(args.article, args.max_bytes, web_options(args))
    except ArticleError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for note in reading.notes:
        print(f"note: {note}", file=sys.stderr)
    for problem in reading.problems:
        print(f"warning: skipped {problem}", file=sys.stderr)
    articles = reading.articles
    if not articles:
        print(f"error: {args.article}: no article could be read", file=sys.stderr)
        return 2
    published = args.published
    for article in articles:
        for warning in article.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        if language_warning(article.text):
            print(f"warning: {article.origin}: {language_warning(article.text)}", file=sys.stderr)
    for article in articles if published is None else []:
        if article.published:
            continue
        found = publication_date(article)
        if found:
            print(f"note: {article.origin}: publication date {found} taken from the article's dateline", file=sys.stderr)
        else:
            print(f"warning: {article.origin}: no publication date (give --published YYYY-MM-DD); "
                  "relative dates left unresolved", file=sys.stderr)
    counts = write_tables(articles, Path(args.out), published, tuple(args.vocab))
    print(f"{args.out}: " + ", ".join(f"{n} {t}" for t, n in counts.items()))
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    """`evaluate GOLD_DIR [ARTICLES_DIR]`: precision, recall and F1 per table, with misses and extras."""
    from analysis.evaluate import evaluate, gold_files, report

    if not gold_files(args.gold_dir):
        print(f"error: {args.gold_dir}: no gold .json files", file=sys.stderr)
        return 2
    totals = evaluate(args.gold_dir, args.articles_dir)
    print(report(totals, details=not args.quiet))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `python -m analysis`."""
    parser = argparse.ArgumentParser(prog="python -m analysis",
                                     description="War-news articles into evidence-backed tables, reports and a corpus store.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("extract", help="write an article's four tables as CSV")
    p.add_argument("article", help="a .txt, .md, .html or .jsonl file, a Telegram export (result.json), "
                                   "an http(s):// address, or - for stdin")
    p.add_argument("--published", type=iso_date, help="publication date YYYY-MM-DD that relative dates resolve against")
    p.add_argument("--out", required=True, help="folder for the CSV files and article.json")
    p.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, help="refuse inputs larger than this")
    add_web_options(p, keeps=False)
    add_vocab_option(p)
    p.set_defaults(func=cmd_extract)
    p = sub.add_parser("evaluate", help="score extraction against gold tables")
    p.add_argument("gold_dir")
    p.add_argument("articles_dir", nargs="?")
    p.add_argument("--quiet", action="store_true", help="print only the figures")
    p.set_defaults(func=cmd_evaluate)
    add_report(sub)
    add_corpus(sub)
    return parser


def add_vocab_option(p: argparse.ArgumentParser) -> None:
    """The --vocab option: a user's folder of vocabulary files added to the packaged ones."""
    p.add_argument("--vocab", action="append", default=[], metavar="DIR",
                   help="a folder of your own vocabulary files (places.csv, weapons.csv ...) added to the "
                        "packaged ones; repeatable")


def add_web_options(p: argparse.ArgumentParser, keeps: bool) -> None:
    """--fetch-timeout (and, where fetched pages are kept, --refetch) for web addresses."""
    p.add_argument("--fetch-timeout", type=positive_seconds, default=20.0, metavar="SECONDS",
                   help="web addresses: seconds of silence from a server before a fetch gives up (default 20; "
                        "a page may take 3 times this in all)")
    if keeps:
        p.add_argument("--refetch", action="store_true",
                       help="fetch web pages again instead of reading the copies kept in OUT/fetched/")


def web_options(args: argparse.Namespace, pages: Path | None = None):
    """How web addresses are fetched for a command (analysis.reading.web.WebOptions); pages kept in `pages`."""
    from analysis.reading.web import FetchPolicy, WebOptions

    policy = FetchPolicy(read_timeout=args.fetch_timeout, deadline=3 * args.fetch_timeout, max_bytes=args.max_bytes)
    return WebOptions(policy=policy, pages=pages, refetch=getattr(args, "refetch", False))


def positive_seconds(value: str) -> float:
    """An argparse type: a number of seconds above 0."""
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not seconds > 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds above 0")
    return seconds


def check_vocab(folders: list[str]) -> None:
    """Load a user's vocabulary folders once, so a malformed file stops the command before any work."""
    from analysis.language.vocab import resolve

    if folders:
        resolve(folders)


def iso_date(value: str) -> str:
    """An argparse type: a real calendar date written YYYY-MM-DD."""
    from datetime import date

    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date written YYYY-MM-DD") from None


def cmd_report(args: argparse.Namespace) -> int:
    """`report ARTICLE [--published ...] [--out reports/]`: the article's offline HTML report; prints its path."""
    start = time.perf_counter()
    if args.article == "-":
        print("error: report needs an article file (the notebook reads it); save stdin to a file first",
              file=sys.stderr)
        return 2
    from papermill.exceptions import PapermillExecutionError

    from analysis.report.render import render_report

    try:
        check_vocab(args.vocab)
        article = fetched_article(args) if is_url(args.article) else args.article
        result = render_report(article, Path(args.out), published=args.published, title=args.title,
                               source=args.source, slug=args.slug, vocab=args.vocab)
    except PapermillExecutionError as err:
        print(f"error: the report notebook failed: {err.ename}: {err.evalue}", file=sys.stderr)
        return 1
    t = result.timings
    wall = time.perf_counter() - start
    parts = t.get("kernel_start", 0.0) + t["execution"] + t["html_export"]
    print(f"report: {wall:.1f} s = kernel start {t.get('kernel_start', 0.0):.1f} s + execution {t['execution']:.1f} s"
          f" + HTML export {t['html_export']:.1f} s + imports, reading, writing {wall - parts:.1f} s; "
          f"executed notebook {result.notebook_path}", file=sys.stderr)
    print(result.html_path)
    return 0


def is_url(name: str) -> bool:
    """Whether a command's input is a web address."""
    from analysis.reading.web import is_url as web_address

    return web_address(name)


def fetched_article(args: argparse.Namespace) -> str:
    """`report URL`: the page fetched (or its kept copy read) into OUT/fetched/<key>/, its text and metadata
    written beside it for the notebook; the text file's path."""
    from analysis.reading.web import keep_article, read_url

    pages = Path(args.out) / "fetched"
    article = read_url(args.article, web_options(args, pages))
    for warning in article.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return str(keep_article(article, pages))


def add_report(subparsers: argparse._SubParsersAction) -> None:
    """Add the `report` sub-command to `python -m analysis`."""
    p = subparsers.add_parser("report", help="render an article's offline HTML report (papermill + nbconvert)")
    p.add_argument("article", help="a .txt, .md, .html or one-article .jsonl file, or an http(s):// address "
                                   "(the page is kept in OUT/fetched/ and re-read from there)")
    p.add_argument("--published", type=iso_date, help="publication date YYYY-MM-DD (default: from the file's metadata or dateline)")
    p.add_argument("--title", help="title shown in the report (default: the article's title or first heading)")
    p.add_argument("--source", help="outlet shown in the report (default: from the file's metadata)")
    p.add_argument("--slug", help="file name stem of the report (default: from the title)")
    p.add_argument("--out", default="reports", help="folder for <slug>.html and the executed <slug>.ipynb")
    p.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, help="web addresses: refuse pages larger than this")
    add_web_options(p, keeps=True)
    add_vocab_option(p)
    p.set_defaults(func=cmd_report)


def cmd_batch(args: argparse.Namespace) -> int:
    """`batch INPUT... --out DIR`: reports, tables, store, index and corpus report for many articles."""
    from analysis.corpus.batch import FAILURES_NAME, run_batch

    try:
        summary = run_batch(args.inputs, Path(args.out), workers=args.workers, timeout=args.timeout,
                            notebook=args.notebook, corpus_notebook=args.corpus_notebook,
                            max_bytes=args.max_bytes, retry_failed=args.retry_failed, date_from=args.date_from,
                            date_to=args.date_to, regions=args.region, progress=not args.quiet,
                            vocab=tuple(args.vocab), refetch=args.refetch, fetch_policy=web_options(args).policy)
    except RuntimeError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"{args.out}: {summary.articles} articles, {summary.processed} reported, {summary.failed} failed, "
          f"{summary.skipped} unchanged (skipped), {summary.removed} removed (no longer in the inputs), "
          f"{summary.input_failures} unreadable inputs; corpus report {summary.corpus}; {summary.seconds:.1f} s")
    if summary.phases():
        print(summary.phases(), file=sys.stderr)
    for note in summary.notes:
        print(f"note: {note}", file=sys.stderr)
    for error in summary.errors:
        print(f"warning: {error}", file=sys.stderr)
    if summary.failed or summary.input_failures:
        print(f"failures listed in {Path(args.out) / FAILURES_NAME}", file=sys.stderr)
    if not summary.articles:
        print("error: no article could be read from the inputs; the store was left as it was", file=sys.stderr)
        return 2
    if not summary.complete():
        what = [f"{summary.incomplete} articles or inputs failed for a reason that can pass (disk, I/O, a dead "
                "or hung kernel)"] if summary.incomplete else []
        what += [] if summary.corpus in ("ok", "unchanged") else ["the corpus report could not be written"]
        what += [f"{summary.pages_failed} of failures.csv and index.html could not be written"] \
            if summary.pages_failed else []
        print(f"error: incomplete: {'; '.join(what)}; run the batch again to finish", file=sys.stderr)
        return 1
    return 0


def cmd_extract_corpus(args: argparse.Namespace) -> int:
    """`extract-corpus INPUT... --out DATASET`: the four tables on Dask, as month-partitioned Parquet."""
    from analysis.corpus.dask_extract import extract_corpus

    check_vocab(args.vocab)
    result = extract_corpus(args.inputs, args.out, scheduler=args.scheduler, n_workers=args.workers,
                            max_bytes=args.max_bytes, vocab=args.vocab or None, timeout=args.timeout)
    print(f"{result['out']}: {result['articles']} articles from {result['files']} files, "
          f"{result['failures']} failures")
    if not result["articles"]:
        for reason in result["reasons"][:5]:
            print(f"warning: {reason}", file=sys.stderr)
        print("error: no article could be read from the inputs; the dataset was left as it was", file=sys.stderr)
        return 2
    if result["failures"]:
        print(f"failures listed in {Path(args.out) / 'failures.csv'}", file=sys.stderr)
    if result["retry"]:
        print(f"error: incomplete: {result['retry']} articles or inputs failed for a reason that can pass (a "
              "time-out, I/O); run again to finish", file=sys.stderr)
        return 1
    return 0


def cmd_store(args: argparse.Namespace) -> int:
    """`store export STORE --to DIR` / `store import DIR --to STORE`: rebuild one from the other."""
    from analysis.corpus import store

    if args.action == "export":
        con = store.connect(args.source, read_only=True)
        try:
            written = store.export_store(con, args.to, args.format, path=args.source)
        finally:
            con.close()
        print(f"{args.to}: " + ", ".join(p.name for p in written))
        return 0
    tables = store.load_tables(args.source)  # checked before the store is opened: a refusal writes nothing
    if not tables:
        print(f"error: {args.source}: no tables found", file=sys.stderr)
        return 2
    con = store.connect(args.to)
    try:
        count = store.import_tables(con, tables, path=args.to)
        with store.store_errors(args.to):
            counts = store.row_counts(con)
    finally:
        con.close()
    print(f"{args.to}: {count} articles imported; " + ", ".join(f"{n} {t}" for t, n in counts.items()))
    return 0


def scheduler_address(value: str) -> str:
    """An argparse type: a Dask scheduler address, tcp://host:port (or host:port, tls://, ws://...)."""
    from distributed.comm import parse_address, parse_host_port

    try:
        scheme, location = parse_address(value)
        if scheme in ("tcp", "tls", "ws", "wss"):
            host, port = parse_host_port(location)
            if not host or not 0 < int(port) < 65536:
                raise ValueError("no host or no port between 1 and 65535")
    except (ValueError, TypeError) as err:
        raise argparse.ArgumentTypeError(f"{value!r} is not a scheduler address like tcp://host:8786 ({err})") from None
    return value


def positive(value: str) -> int:
    """An argparse type: a whole number of at least 1."""
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of at least 1")
    return int(value)


def add_corpus(sub: argparse._SubParsersAction) -> None:
    """Add the `batch`, `extract-corpus` and `store` sub-commands to `python -m analysis`."""
    from analysis.corpus.jobs import DEFAULT_TIMEOUT

    p = sub.add_parser("batch", help="reports, tables, a store, an index and a corpus report for many articles")
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="article files, folders, .jsonl corpora, Telegram exports (result.json or its folder), "
                        "http(s):// addresses and .urls lists of them")
    p.add_argument("--out", required=True, help="output folder (reports/)")
    p.add_argument("--workers", type=positive, default=2, help="worker processes, each with one warm kernel")
    p.add_argument("--timeout", type=positive, default=DEFAULT_TIMEOUT,
                   help="seconds an article may take in a worker, extraction, report and export together; an "
                        "article over it is killed, listed as a failure and retried by the next run")
    p.add_argument("--notebook", type=Path, help="article notebook (default notebooks/article_report.ipynb)")
    p.add_argument("--corpus-notebook", type=Path, help="corpus notebook (default notebooks/corpus_report.ipynb)")
    p.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, help="refuse inputs larger than this")
    p.add_argument("--retry-failed", action="store_true", help="also run again articles that failed for their content (those that failed for a reason that can pass are always retried)")
    p.add_argument("--from", dest="date_from", help="corpus report: first day (YYYY-MM-DD)")
    p.add_argument("--to", dest="date_to", help="corpus report: last day (YYYY-MM-DD)")
    p.add_argument("--region", action="append", help="corpus report: only this region (repeatable)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_web_options(p, keeps=True)
    add_vocab_option(p)
    p.set_defaults(func=cmd_batch)

    p = sub.add_parser("extract-corpus", help="extract a corpus on Dask into month-partitioned Parquet datasets")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="article files, folders and .jsonl corpora")
    p.add_argument("--out", required=True, help="dataset folder")
    p.add_argument("--scheduler", type=scheduler_address,
                   help="address of a Dask scheduler, tcp://host:port (default: a local cluster)")
    p.add_argument("--workers", type=positive, default=2, help="worker processes of the local cluster")
    p.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, help="refuse inputs larger than this")
    p.add_argument("--timeout", type=positive, default=DEFAULT_TIMEOUT,
                   help="seconds an article's extraction may take; an article over it is killed and listed "
                        "as a failure (retried: yes), and the run goes on")
    add_vocab_option(p)
    p.set_defaults(func=cmd_extract_corpus)

    p = sub.add_parser("store", help="rebuild the store from CSV/Parquet files or export it to them")
    p.add_argument("action", choices=["export", "import"])
    p.add_argument("source", help="export: the store file; import: a folder of tables, a dataset or reports/")
    p.add_argument("--to", required=True, help="export: a folder; import: the store file")
    p.add_argument("--format", choices=["parquet", "csv"], default="parquet", help="export format")
    p.set_defaults(func=cmd_store)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    from analysis.report.render import skip_unused_imports

    skip_unused_imports()
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ArticleError, VocabError, InputError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except OSError as err:  # unwritable --out, an existing file where a folder is wanted, a lost scheduler
        where = f" {err.filename}" if getattr(err, "filename", None) else ""
        print(f"error:{where} {err.strerror or err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
