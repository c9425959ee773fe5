"""Executing a report notebook and exporting it to offline HTML, the way the `report` command does.

When `analysis.report` provides its functions (`execute_notebook`, `export_html`), they are used,
so that `batch` and `report` write the same HTML; the functions here are the stand-ins used
only while it does not.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ARTICLE_NOTEBOOK = ROOT / "notebooks" / "article_report.ipynb"
CORPUS_NOTEBOOK = ROOT / "notebooks" / "corpus_report.ipynb"
KERNEL_NAME = "python3"

# An offline lab template: no require.js, no MathJax from a CDN (nbconvert #754, #1770).
_OFFLINE_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block mathjax -%}{%- endblock mathjax -%}
"""


def _report_module():
    """analysis.report, where it exists."""
    try:
        from . import report
    except ImportError:
        return None
    return report


def execute_notebook(notebook: str | Path, parameters: dict[str, Any], engine_name: str | None = None,
                     timeout: int | None = None):
    """The executed notebook node (papermill, with the given engine), nothing written to disk."""
    report = _report_module()
    if report is not None and hasattr(report, "execute_notebook"):
        return report.execute_notebook(notebook, parameters, engine_name=engine_name, timeout=timeout)
    import papermill as pm

    return pm.execute_notebook(str(notebook), None, parameters=parameters, engine_name=engine_name,
                               kernel_name=KERNEL_NAME, progress_bar=False, execution_timeout=timeout)


def export_html(nb) -> str:
    """The notebook as self-contained offline HTML, code hidden."""
    report = _report_module()
    if report is not None and hasattr(report, "export_html"):
        return report.export_html(nb)
    body, _ = _exporter().from_notebook_node(nb)
    return body


@lru_cache(maxsize=1)
def _exporter():
    """The stand-in HTML exporter (built once per process: template loading is slow)."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True,
                            extra_loaders=[DictLoader({"offline.html.j2": _OFFLINE_TEMPLATE})])
    exporter.template_file = "offline.html.j2"
    return exporter


def render(notebook: str | Path, parameters: dict[str, Any], engine_name: str | None = None,
           timeout: int | None = None) -> str:
    """Execute a report notebook and export it: the HTML text."""
    return export_html(execute_notebook(notebook, parameters, engine_name=engine_name, timeout=timeout))


def article_parameters(article_path: str | Path, published: str | None) -> dict[str, Any]:
    """The article notebook's parameters for one article file."""
    report = _report_module()
    if report is not None and hasattr(report, "notebook_parameters"):
        return report.notebook_parameters(str(article_path), published)
    return {"article": str(article_path), "published": published}
