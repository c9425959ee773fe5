"""The Content-Security-Policy of every page we write: only the page's own inline scripts may run.

`with_csp(html, allowed)` puts a `<meta http-equiv="Content-Security-Policy">` first in the head that
allows inline `<script>`s by hash (SHA-256 of the text as the browser sees it: line breaks normalised):
no 'unsafe-inline', no 'unsafe-eval', nothing from a host. Which scripts:

- a report of our notebooks: only the scripts their producers declared. The interactive tables
  (itables' DataTables code, the only scripts a report holds) are displayed by `analysis.report.
  interactive` with the hashes of their scripts in the output's metadata (`SCRIPTS_KEY`), and
  `declared_scripts(nb)` collects them. A `<script>` anywhere else (the header, the static tables, the
  highlighted article: the outputs that render article text as HTML) has no declared hash, so the
  browser refuses it even if an escape were missed;
- any other page (the index page, a report of a user's own notebook): every inline script it holds
  when `with_csp` runs. There escaping is the defence against a script that a missed escape let in.

Event handlers, `javascript:` URLs and remote loads are refused on every page, and a script added to a
page after its policy was computed has no hash.

The report's interactive tables load the DataTables bundle, which itables inlines as base64 text,
through `import()` of a `blob:` URL made by one of the allowed scripts; `blob:` in script-src allows
that (a blob URL exists only if a script already running on the page made it).
"""
from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser

# Everything but scripts: no host, no plugin, no frame, no form target; styles and images inline only.
BASE_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:; "
               "connect-src 'none'; media-src 'none'; object-src 'none'; frame-src 'none'; worker-src 'none'; "
               "base-uri 'none'; form-action 'none'")
NO_SCRIPT = "'none'"
_META = re.compile(r'<meta\s+http-equiv="Content-Security-Policy"[^>]*>\s*', re.I)
# In an HTML output's metadata (under "text/html"): the hashes of the scripts its producer put there.
SCRIPTS_KEY = "analysis/scripts"
_HEAD = re.compile(r"<head[^>]*>(\s*<meta\s+charset=[^>]*>)?", re.I)  # after the charset, which must come early


class _InlineScripts(HTMLParser):
    """Collects the text of every inline <script> (those without src) of a page."""

    def __init__(self) -> None:
        """An empty collector."""
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self._current: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Start collecting at an inline script."""
        if tag == "script" and not dict(attrs).get("src"):
            self._current = []

    def handle_data(self, data: str) -> None:
        """Script text, as it stands in the page."""
        if self._current is not None:
            self._current.append(data)

    def handle_endtag(self, tag: str) -> None:
        """End of a script: keep its text."""
        if tag == "script" and self._current is not None:
            self.scripts.append("".join(self._current))
            self._current = None


def inline_scripts(html: str) -> list[str]:
    """The text of every inline script of a page, in order."""
    parser = _InlineScripts()
    parser.feed(html)
    parser.close()
    return parser.scripts


def script_hash(text: str) -> str:
    """The CSP source of one inline script: 'sha256-<base64>' of its UTF-8 text with line breaks as \\n."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def declared_scripts(nb) -> set[str]:
    """The script hashes that a notebook's outputs declare (`SCRIPTS_KEY` in their text/html metadata)."""
    found: set[str] = set()
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            hashes = output.get("metadata", {}).get("text/html", {}).get(SCRIPTS_KEY, [])
            found.update(h for h in hashes if isinstance(h, str))
    return found


def policy(html: str, blob_modules: bool = True, allowed: set[str] | None = None) -> str:
    """The policy of a page: its inline scripts by hash, only those in `allowed` where given (and blob:
    modules where an allowed script imports them)."""
    scripts = [(script_hash(s), s) for s in inline_scripts(html)]
    if allowed is not None:
        scripts = [(h, s) for h, s in scripts if h in allowed]
    sources = list(dict.fromkeys(h for h, _ in scripts))
    if blob_modules and any("URL.createObjectURL" in s for _, s in scripts):
        sources.append("blob:")
    return f"{BASE_POLICY}; script-src {' '.join(sources) or NO_SCRIPT}"


def with_csp(html: str, allowed: set[str] | None = None) -> str:
    """The page with its own policy first in its head, after the charset (any earlier policy replaced):
    its inline scripts whose hashes are in `allowed` may run, or all of them where `allowed` is None."""
    html = _META.sub("", html)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(html, allowed=allowed)}">'
    head = _HEAD.search(html)
    if head is None:
        raise ValueError("page has no <head> for its Content-Security-Policy")
    return html[:head.end()] + meta + html[head.end():]
