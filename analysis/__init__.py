"""War-news articles into evidence-backed tables: casualties, drone counts, statements, deployments."""
from .articles import Article, ArticleError, read_article, read_articles
from .extract import extract_rows, extract_tables
from .schema import COLUMNS, TABLES, Tables

__version__ = "0.1.0"
__all__ = ["Article", "ArticleError", "COLUMNS", "TABLES", "Tables", "extract_rows", "extract_tables",
           "read_article", "read_articles", "__version__"]
