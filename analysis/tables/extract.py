"""Article text in, the four evidence-backed tables out."""
from __future__ import annotations

from analysis.tables.casualties import extract_casualties
from analysis.tables.context import Context
from analysis.language.dates import parse_iso
from analysis.language.vocab import VocabLike, using
from analysis.tables.deployments import extract_deployments
from analysis.tables.drones import extract_drone_counts
from analysis.reading.articles import article_id
from analysis.tables.schema import Tables, check_rows, to_frame, validate
from analysis.tables.statements import extract_statements


def extract_rows(text: str, published: str | None = None, vocab: VocabLike = None) -> dict[str, list[dict]]:
    """The four tables of an article as lists of row dicts (with article_id), schema-checked;
    vocab adds a user's vocabulary folder (or folders) to the packaged word lists."""
    with using(vocab):
        return _extract_rows(text, published)


def _extract_rows(text: str, published: str | None) -> dict[str, list[dict]]:
    """extract_rows under the active vocabulary."""
    ctx = Context(text, parse_iso(published))
    statements = extract_statements(ctx)  # first: it tells the others who speaks where
    rows = {"casualties": extract_casualties(ctx), "drone_counts": extract_drone_counts(ctx),
            "statements": [{"statement_id": f"s{n}", **row} for n, row in enumerate(statements, start=1)],
            "deployments": extract_deployments(ctx)}
    aid = article_id(text)
    for table, table_rows in rows.items():
        for row in table_rows:
            row["article_id"] = aid
        check_rows(table, table_rows)
    return rows


def extract_tables(text: str, published: str | None = None, strict: bool = False,
                   vocab: VocabLike = None) -> Tables:
    """The four tables of an article as DataFrames with the declared schema; strict=True also runs
    the pandera schemas (slower); vocab as for extract_rows."""
    rows = extract_rows(text, published, vocab)
    frames = {table: to_frame(table, table_rows) for table, table_rows in rows.items()}
    if strict:
        frames = {table: validate(table, frame) for table, frame in frames.items()}
    return Tables(**frames)
