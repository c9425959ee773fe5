"""The Content-Security-Policy of every page we write: only the page's own inline scripts may run.

`with_csp(html, allowed)` puts a `<meta http-equiv="Content-Security-Policy">` first in the head that
allows inline `<script>`s by hash (SHA-256 of the text as the browser sees it: line breaks normalised):
no 'unsafe-inline', no 'unsafe-eval', nothing from a host. Which scripts:

- a report of our notebooks: only the scripts their producers declared. The interactive tables
  (itables' DataTables code, the only scripts a report holds) are displayed by `analysis.report.
  interactive` with the CSP sources of their scripts in the output's metadata (`SCRIPTS_KEY`: their
  hashes, and `blob:` where one of them imports a blob module), and `declared_scripts(nb)` collects
  them. The policy is those sources as declared: the page is not parsed again (a declared hash allows
  only the very script it was computed from, so a source with no script in the page allows nothing).
  A `<script>` anywhere else (the header, the static tables, the highlighted article: the outputs that
  render article text as HTML) has no declared hash, so the browser refuses it even if an escape were
  missed;
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
# In an HTML output's metadata (under "text/html"): the CSP sources of the scripts its producer put there.
SCRIPTS_KEY = "analysis/scripts"
BLOB = "blob:"  # the source that lets an allowed script import() a module from a blob: URL it made
_HASH = re.compile(r"'sha256-[A-Za-z0-9+/]+=*'")
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


def script_sources(scripts: list[str]) -> list[str]:
    """The CSP sources that let some scripts run: their hashes, and blob: where one imports a blob module."""
    sources = list(dict.fromkeys(script_hash(s) for s in scripts))
    return sources + [BLOB] if any("URL.createObjectURL" in s for s in scripts) else sources


def declared_scripts(nb) -> set[str]:
    """The script sources that a notebook's outputs declare (`SCRIPTS_KEY` in their text/html metadata):
    hashes and blob:, nothing else a string may say."""
    found: set[str] = set()
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            sources = output.get("metadata", {}).get("text/html", {}).get(SCRIPTS_KEY, [])
            found.update(s for s in sources if isinstance(s, str) and (s == BLOB or _HASH.fullmatch(s)))
    return found


def policy(html: str, allowed: set[str] | None = None) -> str:
    """The policy of a page: the `allowed` sources where given (hashes first, sorted), else every inline
    script of the page by hash (and blob: where one imports a blob module)."""
    if allowed is None:
        sources = script_sources(inline_scripts(html))
    else:
        sources = sorted(s for s in allowed if s != BLOB) + ([BLOB] if BLOB in allowed else [])
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
