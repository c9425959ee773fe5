"""Batch speed and memory: `python -m analysis batch` against the plain `papermill` + `jupyter nbconvert` loop
on the same articles, and the batch's peak memory against the number of articles.

    .venv/bin/python benchmarks/batch_speed.py [--articles 50] [--workers 2] [--plain-sample N] [--json out.json]
    .venv/bin/python benchmarks/batch_speed.py --memory 50,1000 [--json out.json]

Articles: the project's own (held-out sets 1-3 and the seed, 44 files), in turn, each copy with a unique
last line, so that every copy is a new article (its own id, no cache anywhere can serve it).

Side by side, in one run: first the batch (`--workers 2`, start-up, index and corpus report included),
then the plain loop exactly as a user runs it, one article after another: `papermill` (the CLI, a new
kernel each time) with the parameters the batch gives the notebook, then `jupyter nbconvert --to html
--no-input`. Each report is then compared with the batch's: the page bodies (`<main>`) must be the same
document (each page written out by BeautifulSoup, as nbconvert writes its own: the batch's export leaves
out that re-serialisation, see `analysis.report.exporter`) once three things that differ by design are
normalised: the cell ids (papermill gives its injected cell a
random one), the markup of images (nbconvert's default template against ours: the same PNG bytes, our
alt text) and the file name in the header (the batch's notebook reads the article's copy, `article.txt`).

Memory: the peak of the summed RSS of the batch's whole process tree (parent, workers, kernels) sampled
every 0.2 s with psutil, and the largest of each kind of process; CPU seconds are the children's user and
system time from getrusage (every process waited for: kernels, workers, papermill, nbconvert).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SOURCES = [ROOT / "tests" / "data" / name / "articles" for name in ("heldout", "heldout2", "heldout3")]
SEED = ROOT / "seeds" / "000_acd56b5fc5c58b51.txt"
BIN = Path(sys.executable).parent


def source_articles() -> list[Path]:
    """The project's own plain-text articles (and their sidecars travel with them)."""
    return sorted(p for folder in SOURCES for p in folder.glob("*.txt")) + [SEED]


def make_articles(folder: Path, count: int) -> list[Path]:
    """count article files: the project's articles in turn, each copy with a unique last line."""
    sources = source_articles()
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for n in range(count):
        source = sources[n % len(sources)]
        path = folder / f"a{n:04d}_{source.stem}.txt"
        path.write_text(source.read_text(encoding="utf-8").rstrip() + f"\n\n(Benchmark copy {n}.)\n", encoding="utf-8")
        meta = source.with_suffix(".meta.json")
        if meta.is_file():
            path.with_suffix(".meta.json").write_bytes(meta.read_bytes())
        made.append(path)
    return made


def _kind(proc) -> str:
    """parent, worker, kernel or other, from a process's command line."""
    line = " ".join(proc.cmdline())
    if "ipykernel" in line:
        return "kernel"
    if "multiprocessing" in line:
        return "worker"
    return "other"


class TreeMemory:
    """Samples the RSS of a process and its descendants: the peak of their sum, the largest of each kind."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        self.pid, self.every, self.peak, self.largest = pid, every, 0, {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        """Sample until stopped."""
        import psutil

        while not self._stop.is_set():
            try:
                root = psutil.Process(self.pid)
                total = 0
                for proc in [root, *root.children(recursive=True)]:
                    try:
                        rss = proc.memory_info().rss
                        kind = "parent" if proc.pid == self.pid else _kind(proc)
                    except psutil.Error:
                        continue
                    total += rss
                    self.largest[kind] = max(self.largest.get(kind, 0), rss)
                self.peak = max(self.peak, total)
            except psutil.Error:
                pass
            self._stop.wait(self.every)

    def stop(self) -> tuple[int, dict[str, int]]:
        """Stop sampling: the peak of the sum, and the largest process of each kind (bytes)."""
        self._stop.set()
        self._thread.join()
        return self.peak, self.largest


def children_cpu() -> float:
    """User and system seconds of every process waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(cmd: list[str]) -> dict:
    """Run a command to completion: wall and CPU seconds, peak tree RSS and the largest processes."""
    start, cpu = time.perf_counter(), children_cpu()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    memory = TreeMemory(proc.pid)
    _, err = proc.communicate()
    peak, largest = memory.stop()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])} ... failed:\n{err[-2000:]}")
    return {"wall": time.perf_counter() - start, "cpu": children_cpu() - cpu, "peak": peak, "largest": largest,
            "stderr": err}


def batch(folder: Path, out: Path, workers: int) -> dict:
    """`python -m analysis batch` over a folder of articles."""
    return run([sys.executable, "-m", "analysis", "batch", str(folder), "--out", str(out), "--workers", str(workers),
                "--quiet"])


def plain_parameters(path: Path) -> dict:
    """The notebook's parameters for one article file: what the batch passes (date, title, source), the file itself."""
    from analysis.corpus.jobs import read_jobs
    from analysis.report.render import report_parameters

    (job,), _ = read_jobs(str(path))
    return report_parameters(str(path), job.published, job.title, job.source)


def plain_loop(articles: list[Path], out: Path) -> dict:
    """The plain loop: papermill, then jupyter nbconvert, one article after another."""
    from analysis.report.render import NOTEBOOK

    out.mkdir(parents=True, exist_ok=True)
    total = {"wall": 0.0, "cpu": 0.0, "peak": 0, "largest": {}}
    for path in articles:
        executed = out / f"{path.stem}.ipynb"
        steps = [[str(BIN / "papermill"), str(NOTEBOOK), str(executed), "-y", json.dumps(plain_parameters(path)),
                  "--cwd", str(NOTEBOOK.parent), "--no-progress-bar"],
                 [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)]]
        for cmd in steps:
            done = run(cmd)
            total["wall"] += done["wall"]
            total["cpu"] += done["cpu"]
            total["peak"] = max(total["peak"], done["peak"])
    return total


_NORMALISE = [
    (re.compile(r' id="cell-id=[^"]*"'), ""),  # papermill's random id for the injected cell
    (re.compile(r'<img\b[^>]*?\bsrc="([^"]*)"[^>]*>'), r'<img src="\1">'),  # the template's image markup
    (re.compile(r"(<b>File:</b> )[^<]*"), r"\1…"),  # the article's file: the input, or the batch's copy
]


def page_body(html: str) -> str:
    """A report's <main> as BeautifulSoup writes the page, with what differs by design normalised (see the
    module docstring)."""
    from bs4 import BeautifulSoup

    html = str(BeautifulSoup(html, features="html.parser"))
    body = html[html.index("<main>"):html.index("</main>")]
    for pattern, replacement in _NORMALISE:
        body = pattern.sub(replacement, body)
    return body


def compare_reports(articles: list[Path], plain: Path, batched: Path) -> dict:
    """How many of the plain loop's reports have the same page body as the batch's, and the first that differs."""
    from analysis.corpus.jobs import read_jobs

    same, first_difference = 0, None
    for path in articles:
        (job,), _ = read_jobs(str(path))
        mine = page_body((batched / "articles" / job.article_id / "report.html").read_text(encoding="utf-8"))
        theirs = page_body((plain / f"{path.stem}.html").read_text(encoding="utf-8"))
        if mine == theirs:
            same += 1
        elif first_difference is None:
            at = len(os.path.commonprefix([mine, theirs]))
            first_difference = f"{path.name} at character {at}: batch {mine[at:at + 80]!r} / plain {theirs[at:at + 80]!r}"
    return {"compared": len(articles), "same": same, "first_difference": first_difference}


def mb(value: float) -> int:
    """Bytes as whole MiB."""
    return round(value / 2**20)


def side_by_side(args: argparse.Namespace) -> dict:
    """Batch, then the plain loop, on the same articles; the figures."""
    with tempfile.TemporaryDirectory(prefix="batch-speed-") as tmp:
        tmp = Path(tmp)
        articles = make_articles(tmp / "articles", args.articles)
        done = batch(tmp / "articles", tmp / "batch", args.workers)
        sample = articles[: args.plain_sample] if args.plain_sample else articles
        plain = plain_loop(sample, tmp / "plain")
        compared = compare_reports(sample, tmp / "plain", tmp / "batch")
    per_batch, per_plain = done["wall"] / len(articles), plain["wall"] / len(sample)
    return {
        "articles": len(articles), "plain_articles_timed": len(sample), "workers": args.workers,
        "batch_wall_s": round(done["wall"], 1), "batch_per_article_s": round(per_batch, 3),
        "batch_cpu_per_article_s": round(done["cpu"] / len(articles), 3),
        "plain_wall_s": round(plain["wall"], 1), "plain_per_article_s": round(per_plain, 3),
        "plain_cpu_per_article_s": round(plain["cpu"] / len(sample), 3),
        "ratio": round(per_plain / per_batch, 1),
        "batch_peak_tree_rss_mb": mb(done["peak"]), "plain_peak_tree_rss_mb": mb(plain["peak"]),
        "batch_largest_process_mb": {k: mb(v) for k, v in sorted(done["largest"].items())},
        "batch_articles_per_min": round(60 / per_batch, 1),
        "batch_1000_articles_min": round(1000 * per_batch / 60, 1),
        "plain_1000_articles_min": round(1000 * per_plain / 60, 1),
        "batch_phases": done["stderr"].strip().splitlines()[-1] if done["stderr"].strip() else "",
        "html": compared,
    }


def memory_curve(sizes: list[int], workers: int) -> dict:
    """The batch's peak memory for each number of articles."""
    rows = []
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="batch-memory-") as tmp:
            tmp = Path(tmp)
            make_articles(tmp / "articles", size)
            done = batch(tmp / "articles", tmp / "batch", workers)
        rows.append({"articles": size, "wall_s": round(done["wall"], 1), "peak_tree_rss_mb": mb(done["peak"]),
                     "largest_process_mb": {k: mb(v) for k, v in sorted(done["largest"].items())}})
        print(f"{size} articles: peak {rows[-1]['peak_tree_rss_mb']} MB over all processes "
              f"(largest: {rows[-1]['largest_process_mb']}), {rows[-1]['wall_s']} s", flush=True)
    growth = rows[-1]["peak_tree_rss_mb"] - rows[0]["peak_tree_rss_mb"]
    print(f"peak growth from {sizes[0]} to {sizes[-1]} articles: {growth:+d} MB")
    return {"workers": workers, "sizes": rows, "growth_mb": growth}


def print_side_by_side(figures: dict) -> None:
    """The side-by-side figures, in words."""
    html = figures["html"]
    print(f"articles: {figures['articles']} (plain loop timed on {figures['plain_articles_timed']})")
    print(f"batch --workers {figures['workers']}: {figures['batch_wall_s']} s, {figures['batch_per_article_s']:.2f} "
          f"s/article ({figures['batch_articles_per_min']} articles/min), {figures['batch_cpu_per_article_s']:.2f} "
          f"CPU s/article, peak memory {figures['batch_peak_tree_rss_mb']} MB over all processes "
          f"(largest: {figures['batch_largest_process_mb']})")
    print(f"plain papermill + nbconvert loop: {figures['plain_wall_s']} s, {figures['plain_per_article_s']:.2f} "
          f"s/article, {figures['plain_cpu_per_article_s']:.2f} CPU s/article, peak memory "
          f"{figures['plain_peak_tree_rss_mb']} MB")
    print(f"ratio (plain / batch per article): {figures['ratio']}x")
    print(f"1,000 articles: batch {figures['batch_1000_articles_min']} min, plain loop "
          f"{figures['plain_1000_articles_min']} min")
    print(f"{figures['batch_phases']}")
    print(f"HTML: {html['same']} of {html['compared']} reports the same each way (normalised)"
          + (f"; first difference: {html['first_difference']}" if html["first_difference"] else ""))


def main() -> int:
    """Run the side-by-side comparison or the memory curve and print it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--plain-sample", type=int, default=None,
                        help="run the plain loop on only the first N articles (its per-article time is used)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory", help="instead: the batch's peak memory for these numbers of articles, e.g. 50,1000")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average before the run: {load}")
    if args.memory:
        figures = memory_curve([int(n) for n in args.memory.split(",")], args.workers)
    else:
        figures = side_by_side(args)
        print_side_by_side(figures)
    figures["load_before"] = load
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    html = figures.get("html")
    return 1 if html and html["same"] != html["compared"] else 0


if __name__ == "__main__":
    sys.exit(main())
