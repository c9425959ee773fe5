"""Articles per second (CPU time of this process, so other load on the machine does not skew it) for extraction alone (text in, four DataFrames out), on the dev set and the
seed repeated to at least 1,000 articles, on one core; with peak memory.

Run: .venv/bin/python benchmarks/extract_speed.py [--count 1000] [--dev ../shared/dev/articles]
"""
from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
from pathlib import Path

from analysis import extract_rows, extract_tables

ROOT = Path(__file__).resolve().parent.parent


def corpus(dev: Path, count: int) -> list[tuple[str, str]]:
    """(text, published) pairs: the dev articles and the seed, repeated to count articles."""
    base = [(p.read_text(encoding="utf-8"), "2025-01-01") for p in sorted(dev.glob("*.txt"))]
    base.append(((ROOT / "seeds" / "000_acd56b5fc5c58b51.txt").read_text(encoding="utf-8"), "2024-11-02"))
    return [base[i % len(base)] for i in range(count)]


def main() -> None:
    """Time extraction over the corpus and print the rate and peak memory."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--dev", default=str(ROOT.parent / "shared" / "dev" / "articles"))
    args = parser.parse_args()
    articles = corpus(Path(args.dev), args.count)
    extract_tables(*articles[0])  # warm caches: gazetteer regex, compiled patterns
    start = time.process_time()
    rows = 0
    for text, published in articles:
        tables = extract_tables(text, published)
        rows += sum(len(f) for _, f in tables.items())
    elapsed = time.process_time() - start
    start = time.process_time()
    for text, published in articles:
        extract_rows(text, published)
    rows_only = time.process_time() - start
    tracemalloc.start()  # a separate pass: tracing slows Python several times over
    for text, published in articles[:100]:
        extract_tables(text, published)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    seed = (ROOT / "seeds" / "000_acd56b5fc5c58b51.txt").read_text(encoding="utf-8")
    scaling = []
    for copies in (10, 40, 160):  # one long article: time should grow in step with its length
        start = time.process_time()
        extract_tables(seed * copies, "2024-11-02")
        scaling.append(f"{len(seed) * copies / 1e6:.2f} MB {time.process_time() - start:.2f} s")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"articles: {len(articles)}  rows: {rows}  seconds: {elapsed:.2f}")
    print(f"rate: {len(articles) / elapsed:.0f} articles/s (one core)  "
          f"per article: {1000 * elapsed / len(articles):.2f} ms")
    print(f"of which rules alone (row dicts, no DataFrames): {len(articles) / rows_only:.0f} articles/s")
    print("one long article (the seed repeated): " + ", ".join(scaling))
    print(f"peak traced Python memory (a traced pass over 100 articles): {peak / 1e6:.1f} MB; process max RSS: {rss:.0f} MB")


if __name__ == "__main__":
    main()
