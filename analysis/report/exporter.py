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
# Where raw text (not markup) starts, and where each kind ends: a "<div" inside a script is JavaScript.
RAW_TEXT = ("script", "style")
_RAW_OPEN = re.compile(rf"<({'|'.join(RAW_TEXT)})\b[^>]*>", re.I)
_RAW_CLOSE = {name: re.compile(rf"</{name}\s*>", re.I) for name in RAW_TEXT}
_TAG = re.compile(r"<(div|img)\b([^>]*)>", re.I)  # the opening tags nbconvert changes
# One attribute of a tag: its name and its value, quoted or not (a quoted value is taken whole, however long).
_ATTRIBUTE = re.compile(r"""([^\s"'=<>/`]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
AREA_CLASSES = frozenset({"jp-Cell-inputWrapper", "jp-OutputArea-output"})  # nbconvert's `div.<class>` selectors


def _attributes(text: str) -> dict[str, str]:
    """A tag's attributes by lower-case name (the first of a repeated one, as a parser keeps it)."""
    found: dict[str, str] = {}
    for attribute in _ATTRIBUTE.finditer(text):
        found.setdefault(attribute.group(1).lower(), (attribute.group(2) or "").strip("\"'"))
    return found


def _changed(tag: re.Match) -> str | None:
    """One opening tag as nbconvert would change it (an area with tabindex="0", an image with alt text),
    or None where it stays as it is."""
    name, text = tag.group(1), tag.group(2)
    attributes = _attributes(text)
    if name.lower() == "div":
        if AREA_CLASSES.isdisjoint(attributes.get("class", "").split()) or "tabindex" in attributes:
            return None
        return f'<{name}{text} tabindex="0">'
    if "alt" in attributes:
        return None
    body = text.rstrip()
    close = "/" if body.endswith("/") else ""
    return f'<{name}{body[:-1].rstrip() if close else body} alt="{MISSING_ALT}"{close}>'


def _markup_spans(page: str) -> list[tuple[int, int]]:
    """Where the page is markup: (start, end) of every stretch outside the text of its scripts and styles."""
    spans, at = [], 0
    while (raw := _RAW_OPEN.search(page, at)) is not None:
        end = _RAW_CLOSE[raw.group(1).lower()].search(page, raw.end())
        spans.append((at, raw.end()))
        at = end.start() if end else len(page)
    return spans + [(at, len(page))]


def outside_raw_text(page: str) -> str:
    """The page with nbconvert's two changes (input/output areas focusable, images described) made in its
    markup, the text of its scripts and styles left byte for byte."""
    pieces, at = [], 0
    for start, end in _markup_spans(page):
        for tag in _TAG.finditer(page, start, end):
            new = _changed(tag)
            if new is not None:
                pieces += [page[at:tag.start()], new]
                at = tag.end()
    return "".join(pieces + [page[at:]])


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
