"""nbconvert's HTMLExporter, minus its BeautifulSoup pass over the finished page.

`HTMLExporter.from_notebook_node` renders the template, then parses the whole page with BeautifulSoup
(html.parser) to give images without alt text a placeholder and input/output areas `tabindex="0"`, and
writes the tree out again: for a report (a megabyte of DataTables code, five PNGs, a thousand tags) that
round trip is two thirds of an export (~60 ms of ~100 on the seed). `ReportExporter` makes the same two
changes on the rendered markup, outside `<script>` and `<style>` (whose text it leaves byte for byte,
as their CSP hashes need), and writes the page as rendered. The page is the same document: the same tree
in a parser as nbconvert's (`tests/test_report_export.py` pins that on the seed's report), without the
re-serialisation (`<br>` stays `<br>`, not `<br/>`).
"""
from __future__ import annotations

import re
from typing import Any

from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

MISSING_ALT = "No description has been provided for this image"  # nbconvert's placeholder
# Raw-text elements: their content is not markup (a "<div" inside a script is JavaScript).
_RAW = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.I | re.S)
# An opening tag of an input or output area (nbconvert: `.jp-Notebook div.jp-Cell-inputWrapper`, `div.jp-OutputArea-output`).
_AREA = re.compile(r"""<div\b(?=[^>]*\bclass\s*=\s*(["'])(?:(?!\1).)*?\b(?:jp-Cell-inputWrapper|jp-OutputArea-output)\b)"""
                   r"""(?![^>]*\btabindex\s*=)([^>]*)>""", re.I | re.S)
_IMAGE = re.compile(r"<img\b(?![^>]*\balt\s*=)([^>]*?)(\s*/?)>", re.I | re.S)


def accessible(markup: str) -> str:
    """Markup (not raw text) with nbconvert's two changes: input/output areas focusable, images described."""
    markup = _AREA.sub(lambda m: f'<div{m.group(2)} tabindex="0">', markup)
    return _IMAGE.sub(lambda m: f'<img{m.group(1)} alt="{MISSING_ALT}"{m.group(2)}>', markup)


def outside_raw_text(page: str) -> str:
    """The page with `accessible` applied to everything but the text of its scripts and styles."""
    out, at = [], 0
    for raw in _RAW.finditer(page):
        out += [accessible(page[at:raw.start()]), raw.group(0)]
        at = raw.end()
    return "".join(out) + accessible(page[at:])


class ReportExporter(HTMLExporter):
    """HTMLExporter whose page is the rendered template with nbconvert's accessibility changes, not
    re-serialised by BeautifulSoup."""

    def from_notebook_node(self, nb: Any, resources: dict | None = None, **kw: Any) -> tuple[str, dict]:  # type: ignore[override]
        """The page and resources, as HTMLExporter makes them (its filters registered the same way)."""
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        self.register_filter("highlight_code",
                             self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
        resources = self._init_resources(resources)
        self.register_filter("filter_data_type",
                             WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources))
        page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return outside_raw_text(page), resources
