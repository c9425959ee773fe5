"""Command line: extract, evaluate (and the report and batch commands)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .files import write_atomic
from .articles import (DEFAULT_MAX_BYTES, Article, ArticleError, article_title, publication_date,
                       read_articles)
from .schema import TABLES


def write_tables(articles: list[Article], out: Path, published: str | None) -> dict[str, int]:
    """Extract every article and write the four CSVs and article.json into out; row counts per table."""
    from .extract import extract_tables
    from .structure import layout
    import pandas as pd

    frames: dict[str, list] = {t: [] for t in TABLES}
    meta = []
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
    counts = {}
    for name, parts in frames.items():
        frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        write_atomic(out / f"{name}.csv", frame.to_csv(index=False))
        counts[name] = len(frame)
    write_atomic(out / "article.json", json.dumps(meta[0] if len(meta) == 1 else meta, indent=2, ensure_ascii=False))
    return counts


def cmd_extract(args: argparse.Namespace) -> int:
    """`extract ARTICLE --out DIR`: the four tables of an article as CSV files."""
    from .textcheck import language_warning

    try:
        articles, problems = read_articles(args.article, args.max_bytes)
    except ArticleError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for problem in problems:
        print(f"warning: skipped {problem}", file=sys.stderr)
    if not articles:
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
    counts = write_tables(articles, Path(args.out), published)
    print(f"{args.out}: " + ", ".join(f"{n} {t}" for t, n in counts.items()))
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    """`evaluate GOLD_DIR [ARTICLES_DIR]`: precision, recall and F1 per table, with misses and extras."""
    from .evaluate import evaluate, gold_files, report

    if not gold_files(args.gold_dir):
        print(f"error: {args.gold_dir}: no gold .json files", file=sys.stderr)
        return 2
    totals = evaluate(args.gold_dir, args.articles_dir)
    print(report(totals, details=not args.quiet))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `python -m analysis`."""
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("extract", help="write an article's four tables as CSV")
    p.add_argument("article", help="a .txt, .md, .html or .jsonl file, or - for stdin")
    p.add_argument("--published", type=iso_date, help="publication date YYYY-MM-DD that relative dates resolve against")
    p.add_argument("--out", required=True, help="folder for the CSV files and article.json")
    p.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, help="refuse inputs larger than this")
    p.set_defaults(func=cmd_extract)
    p = sub.add_parser("evaluate", help="score extraction against gold tables")
    p.add_argument("gold_dir")
    p.add_argument("articles_dir", nargs="?")
    p.add_argument("--quiet", action="store_true", help="print only the figures")
    p.set_defaults(func=cmd_evaluate)
    for register in _extra_commands():
        register(sub)
    return parser


def _extra_commands() -> list:
    """Sub-command registrars of other modules (report, batch), where present."""
    found = []
    for module in ("report", "batch"):
        try:
            mod = __import__(f"analysis.{module}", fromlist=["register"])
        except ImportError:
            continue
        if hasattr(mod, "register"):
            found.append(mod.register)
    return found


def iso_date(value: str) -> str:
    """An argparse type: a real calendar date written YYYY-MM-DD."""
    from datetime import date

    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date written YYYY-MM-DD") from None


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ArticleError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except OSError as err:  # unwritable --out, an existing file where a folder is wanted, a lost scheduler
        where = f" {err.filename}" if getattr(err, "filename", None) else ""
        print(f"error:{where} {err.strerror or err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
