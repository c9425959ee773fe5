"""Extraction speed: articles per second on one core, and time against size for hostile texts.

    .venv/bin/python benchmarks/extract_speed.py [--repeat 3] [--sizes 125000,250000,500000,1000000]

Part 1, the rate. Each article set (our held-out sets, the seed, and `../shared`'s dev and real
sets where they exist) is timed in fresh processes, each article read once per process, so that
no memo carries over from an earlier pass over the same text; CPU time of the process, the best of
`--repeat` processes. Three ways: the row dicts alone, the four DataFrames built for every article
(`extract_tables`, as `extract` and `report` do), and the corpus path (rows for every article, the
four tables built once for the whole set, as a partition of `extract-corpus` may).

Part 2, the size curves: for each shape in tests/hostile_texts.py, CPU seconds of `extract_rows`
at growing sizes, and seconds per MB.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
SHARED = ROOT.parent / "shared"
SETS = {"held-out (ours)": [ROOT / "tests" / "data" / d / "articles" for d in ("heldout", "heldout2", "heldout3")],
        "seed": [ROOT / "seeds"], "dev": [SHARED / "dev" / "articles"], "real": [SHARED / "real" / "articles"]}
WAYS = ("rows", "tables per article", "corpus path")


def texts(folders: list[Path]) -> list[str]:
    """The plain-text articles of some folders (HTML and JSON lines are left to the reading stage)."""
    return [p.read_text(encoding="utf-8") for f in folders if f.is_dir() for p in sorted(f.glob("*.txt"))]


def warm() -> None:
    """Compile every pattern on our own rule examples, so no article pays for it."""
    from analysis import extract_rows
    from analysis.examples import EXAMPLES
    from analysis.tables import extract  # noqa: F401  (registers every rule's examples)

    for example in EXAMPLES:
        extract_rows(example.text, example.published)


def time_once(folders: list[str], way: str) -> dict:
    """CPU seconds for one way over one set, in this (fresh) process."""
    from analysis import extract_rows, extract_tables
    from analysis.tables.schema import to_frame

    articles = texts([Path(f) for f in folders])
    warm()
    start = time.process_time()
    if way == "rows":
        for text in articles:
            extract_rows(text, "2025-01-01")
    elif way == "tables per article":
        for text in articles:
            extract_tables(text, "2025-01-01")
    else:
        rows: dict[str, list[dict]] = {}
        for text in articles:
            for table, table_rows in extract_rows(text, "2025-01-01").items():
                rows.setdefault(table, []).extend(table_rows)
        for table, table_rows in rows.items():
            to_frame(table, table_rows)
    return {"articles": len(articles), "seconds": time.process_time() - start}


def rate(folders: list[Path], way: str, repeat: int) -> tuple[int, float]:
    """(articles, best CPU seconds) over `repeat` fresh processes."""
    best, count = float("inf"), 0
    for _ in range(repeat):
        out = subprocess.run([sys.executable, __file__, "--child", way, *map(str, folders)],
                             capture_output=True, text=True, check=True)
        result = json.loads(out.stdout)
        count, best = result["articles"], min(best, result["seconds"])
    return count, best


def size_curves(sizes: list[int]) -> None:
    """Print CPU seconds of extraction against size for every hostile shape."""
    from analysis import extract_rows
    from hostile_texts import shapes

    warm()
    print(f"\n{'shape':36}" + "".join(f"{s / 1e6:>9.3f} MB" for s in sizes) + "     s/MB at the largest")
    for name in shapes(10):
        cells = []
        for size in sizes:
            text = shapes(size)[name]
            start = time.process_time()
            extract_rows(text, "2025-01-01")
            cells.append(time.process_time() - start)
        print(f"{name:36}" + "".join(f"{c:>10.2f} s" for c in cells) + f"{cells[-1] / (sizes[-1] / 1e6):>12.1f}")


def main() -> None:
    """Run both parts and print their tables."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", default="125000,250000,500000,1000000")
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(time_once(args.child[1:], args.child[0])))
        return
    print(f"{'set':18}{'articles':>9}  " + "".join(f"{w:>22}" for w in WAYS) + "   (articles/s, one core)")
    for name, folders in SETS.items():
        present = [f for f in folders if f.is_dir()]
        if not present:
            continue
        cells = []
        for way in WAYS:
            count, seconds = rate(present, way, args.repeat)
            cells.append(f"{count / seconds:>18.0f} /s")
        print(f"{name:18}{count:>9}  " + "".join(f"{c:>22}" for c in cells))
    size_curves([int(s) for s in args.sizes.split(",")])
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory of this process (size curves): {rss:.0f} MB")


if __name__ == "__main__":
    main()
