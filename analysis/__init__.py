"""War-news articles into evidence-backed tables: casualties, drone counts, statements, deployments.

The public names load their modules on first use, so `import analysis.places` (or the command line's
start) does not pull in pandas and the rest.
"""
from importlib import import_module

__version__ = "0.1.0"

_EXPORTS = {"Article": "articles", "ArticleError": "articles", "read_article": "articles",
            "read_articles": "articles", "extract_rows": "extract", "extract_tables": "extract",
            "COLUMNS": "schema", "TABLES": "schema", "Tables": "schema"}
__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name: str):
    """The exported name, imported from its module when first asked for."""
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")
