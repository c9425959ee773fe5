"""The four CSVs `extract` writes for every article we have, as SHA-256 digests.

A digest carries none of the article's words, so the real articles of `../shared/real` can be
pinned without their text entering the project. `tests/test_snapshot.py` recomputes the digests
and compares them with `tests/data/snapshot.json`; after a deliberate change to extraction,
`python tests/output_snapshot.py` rewrites that file and its diff shows which articles changed.
"""
from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SNAPSHOT = ROOT / "tests" / "data" / "snapshot.json"
# Article sets: name -> gold folder. Sets under ../shared are absent on a bare clone.
SETS = {
    "seed": ROOT / "tests" / "data" / "gold",
    "heldout": ROOT / "tests" / "data" / "heldout" / "gold",
    "heldout2": ROOT / "tests" / "data" / "heldout2" / "gold",
    "heldout3": ROOT / "tests" / "data" / "heldout3" / "gold",
    "dev": SHARED / "dev" / "gold",
    "real": SHARED / "real" / "gold",
}
TABLE_FILES = ("casualties.csv", "drone_counts.csv", "statements.csv", "deployments.csv")


def article_digests(gold_dir: Path) -> dict[str, dict[str, str]]:
    """Digest of each CSV that `extract --published DATE` writes, per gold file of a folder."""
    sys.path.insert(0, str(ROOT))
    from analysis.cli import write_tables
    from analysis.evaluate import article_path, gold_files, load_article

    out: dict[str, dict[str, str]] = {}
    for gold_file in gold_files(str(gold_dir)):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        article = load_article(article_path(gold_file, gold, None, ROOT), gold)
        with tempfile.TemporaryDirectory() as tmp:
            write_tables([article], Path(tmp), gold.get("published") or article.published)
            out[gold_file.stem] = {name: hashlib.sha256((Path(tmp) / name).read_bytes()).hexdigest()
                                   for name in TABLE_FILES}
    return out


def current() -> dict[str, dict[str, dict[str, str]]]:
    """Digests of every set present beside this checkout."""
    return {name: article_digests(folder) for name, folder in SETS.items() if folder.is_dir()}


def main() -> int:
    """Rewrite the snapshot (sets absent here keep their stored digests)."""
    stored = json.loads(SNAPSHOT.read_text(encoding="utf-8")) if SNAPSHOT.exists() else {}
    stored.update(current())
    SNAPSHOT.write_text(json.dumps(stored, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{SNAPSHOT}: " + ", ".join(f"{k} {len(v)}" for k, v in stored.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
