"""Batch speed: `python -m analysis batch --workers 2` against the plain `papermill` + `jupyter nbconvert`
loop, side by side on the same 50 articles (the dev articles and the seed, repeated with a unique line
appended so that every copy is a new article).

    .venv/bin/python benchmarks/batch_speed.py [--articles 50] [--plain-sample N] [--json out.json]

Prints per-article wall time of each, the ratio, peak memory (largest process, from getrusage, and the
whole process tree, sampled) and the projected time for 1,000 articles.
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEV = ROOT.parent / "shared" / "dev" / "articles"
SEED = ROOT / "seeds" / "000_acd56b5fc5c58b51.txt"
BIN = Path(sys.executable).parent


def make_articles(folder: Path, count: int) -> list[Path]:
    """count article files: the dev articles and the seed in turn, each copy with a unique last line."""
    sources = sorted(DEV.glob("*.txt")) + [SEED]
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for n in range(count):
        source = sources[n % len(sources)]
        path = folder / f"a{n:03d}_{source.stem}.txt"
        path.write_text(source.read_text(encoding="utf-8").rstrip() + f"\n\n(Benchmark copy {n}.)\n", encoding="utf-8")
        meta = source.with_suffix(".meta.json")
        if meta.is_file():
            shutil.copy(meta, path.with_suffix(".meta.json"))
        made.append(path)
    return made


class TreeMemory:
    """Samples the summed RSS of a process and its descendants; keeps the peak."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        self.pid, self.every, self.peak = pid, every, 0
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
                        total += proc.memory_info().rss
                    except psutil.Error:
                        pass
                self.peak = max(self.peak, total)
            except psutil.Error:
                pass
            self._stop.wait(self.every)

    def stop(self) -> int:
        """Stop sampling; the peak in bytes."""
        self._stop.set()
        self._thread.join()
        return self.peak


def run(cmd: list[str], **kwargs) -> tuple[float, int]:
    """Run a command to completion: (wall seconds, peak tree RSS in bytes)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, **kwargs)
    memory = TreeMemory(proc.pid)
    _, err = proc.communicate()
    peak = memory.stop()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])} ... failed:\n{err[-2000:]}")
    return time.perf_counter() - start, peak


def plain_loop(articles: list[Path], out: Path) -> tuple[float, int]:
    """The plain loop: papermill, then jupyter nbconvert, one article after another; (wall, peak tree RSS)."""
    from analysis.report.render import NOTEBOOK, report_parameters

    out.mkdir(parents=True, exist_ok=True)
    total, peak = 0.0, 0
    for path in articles:
        params = report_parameters(str(path))
        executed = out / f"{path.stem}.ipynb"
        wall, mem = run([str(BIN / "papermill"), str(NOTEBOOK), str(executed), "-y", json.dumps(params),
                         "--cwd", str(NOTEBOOK.parent), "--no-progress-bar"])
        total, peak = total + wall, max(peak, mem)
        wall, mem = run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)])
        total, peak = total + wall, max(peak, mem)
    return total, peak


def main() -> int:
    """Run both and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--plain-sample", type=int, default=None,
                        help="time the plain loop on only this many of the articles (per-article time is scaled)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="batch-speed-") as tmp:
        tmp = Path(tmp)
        articles = make_articles(tmp / "articles", args.articles)
        batch_wall, batch_peak = run([sys.executable, "-m", "analysis", "batch", str(tmp / "articles"),
                                      "--out", str(tmp / "batch"), "--workers", str(args.workers), "--quiet"])
        sample = articles[: args.plain_sample] if args.plain_sample else articles
        plain_wall, plain_peak = plain_loop(sample, tmp / "plain")
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # KiB on Linux
    batch_per, plain_per = batch_wall / len(articles), plain_wall / len(sample)
    figures = {
        "articles": len(articles), "plain_articles_timed": len(sample), "workers": args.workers,
        "batch_wall_s": round(batch_wall, 1), "batch_per_article_s": round(batch_per, 3),
        "plain_wall_s": round(plain_wall, 1), "plain_per_article_s": round(plain_per, 3),
        "ratio": round(plain_per / batch_per, 1),
        "batch_peak_tree_rss_mb": round(batch_peak / 2**20), "plain_peak_tree_rss_mb": round(plain_peak / 2**20),
        "largest_process_rss_mb": round(largest / 2**20),
        "batch_articles_per_min": round(60 / batch_per, 1),
        "batch_1000_articles_min": round(1000 * batch_per / 60, 1),
        "plain_1000_articles_min": round(1000 * plain_per / 60, 1),
    }
    print(f"articles: {len(articles)} (plain loop timed on {len(sample)})")
    print(f"batch --workers {args.workers}: {batch_wall:.1f} s, {batch_per:.2f} s/article "
          f"({figures['batch_articles_per_min']} articles/min), peak memory {figures['batch_peak_tree_rss_mb']} MB "
          f"(all processes)")
    print(f"plain papermill + nbconvert loop: {plain_wall:.1f} s, {plain_per:.2f} s/article, "
          f"peak memory {figures['plain_peak_tree_rss_mb']} MB")
    print(f"ratio (plain / batch per article): {figures['ratio']}x")
    print(f"largest single process (getrusage maxrss): {figures['largest_process_rss_mb']} MB")
    print(f"1,000 articles: batch {figures['batch_1000_articles_min']} min, plain loop "
          f"{figures['plain_1000_articles_min']} min")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
