"""The Content-Security-Policy of every page we write: only the page's own inline scripts may run.

`with_csp(html)` hashes each inline `<script>` of a finished page (SHA-256 of its text as the browser
sees it: line breaks normalised) and puts a `<meta http-equiv="Content-Security-Policy">` first in
the head that allows exactly those hashes: no 'unsafe-inline', no 'unsafe-eval', nothing from a
host. A script added to the page after its policy was computed has no hash, so the browser refuses it;
every script the page holds when `with_csp` runs is hashed, so against a `<script>` element that a
missed escape let into the exported page, escaping is the defence (event handlers, `javascript:` URLs
and remote loads are refused whatever the page holds).

The report's interactive tables load the DataTables bundle, which itables inlines as base64 text,
through `import()` of a `blob:` URL made by one of the hashed scripts; `blob:` in script-src allows
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


def policy(html: str, blob_modules: bool = True) -> str:
    """The policy of a page: its inline scripts by hash (and blob: modules where the page imports them)."""
    scripts = inline_scripts(html)
    sources = list(dict.fromkeys(script_hash(s) for s in scripts))
    if blob_modules and any("URL.createObjectURL" in s for s in scripts):
        sources.append("blob:")
    return f"{BASE_POLICY}; script-src {' '.join(sources) or NO_SCRIPT}"


def with_csp(html: str) -> str:
    """The page with its own policy first in its head, after the charset (any earlier policy replaced)."""
    html = _META.sub("", html)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(html)}">'
    head = _HEAD.search(html)
    if head is None:
        raise ValueError("page has no <head> for its Content-Security-Policy")
    return html[:head.end()] + meta + html[head.end():]
