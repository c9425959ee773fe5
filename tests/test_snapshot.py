"""Extraction output is pinned: the four CSVs of every article we have match the stored digests.

A refactoring must leave them byte-identical; a deliberate rule change refreshes the snapshot with
`python tests/output_snapshot.py`, so the change shows in review as the articles it touched.
"""
import json

import pytest

from output_snapshot import SETS, SNAPSHOT, article_digests

STORED = json.loads(SNAPSHOT.read_text(encoding="utf-8"))


# Sets under ../shared are checked where they are beside the clone; the project's own four always are.
PRESENT = sorted(name for name, folder in SETS.items() if folder.is_dir())


@pytest.mark.parametrize("name", PRESENT)
def test_csvs_of_every_article_are_byte_identical_to_the_snapshot(name):
    digests = article_digests(SETS[name])
    changed = [f"{article}/{table}" for article, tables in digests.items()
               for table, digest in tables.items() if STORED.get(name, {}).get(article, {}).get(table) != digest]
    assert not changed, f"{len(changed)} CSVs changed (refresh with python tests/output_snapshot.py): {changed[:20]}"
    assert set(digests) == set(STORED[name])
