"""War-news articles into evidence-backed tables: casualties, drone counts, statements, deployments.

The public names load their modules on first use, so `import analysis.places` (or the command line's
start) does not pull in pandas and the rest.

The stages, each a package, import only the ones before them: language (numbers, dates, places,
speakers, quotes) <- reading (formats, structure) <- tables (context, the four extractors, schema)
<- report (notebook runner, figures, plots) <- corpus (batch, store, overview, Dask); `cli` and
`evaluate` sit on top; `files` (atomic writes) and `examples` (each rule's own examples) serve every stage.
"""
from importlib import import_module

__version__ = "0.1.0"

_EXPORTS = {"Article": "reading.articles", "ArticleError": "reading.articles", "read_article": "reading.articles",
            "read_articles": "reading.articles", "extract_rows": "tables.extract", "extract_tables": "tables.extract",
            "COLUMNS": "tables.schema", "TABLES": "tables.schema", "Tables": "tables.schema"}
__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name: str):
    """The exported name, imported from its module when first asked for."""
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")
