"""Quotation marks: where quotes open and close in a paragraph, with straight, curly (double and,
as British outlets use them, single) and guillemet marks, and paragraphs whose quote runs on."""
from __future__ import annotations

from dataclasses import dataclass

OPENERS = {"“": "”", "«": "»", "„": "“", '"': '"', "‘": "’"}
CLOSERS = {"”", "»", '"', "“"}


@dataclass(frozen=True)
class Quote:
    """A quoted span: offsets of its words (inside the marks) and whether it closed."""

    start: int
    end: int
    closed: bool


def _opens(text: str, i: int) -> bool:
    """True where the mark at i starts a quote (after a space or line start, before a word)."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in "([—–-:") and not after.isspace()


def find_quotes(text: str) -> list[Quote]:
    """Quoted spans of a paragraph in order; an unclosed quote runs to the end of the text."""
    quotes: list[Quote] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in OPENERS or ch == "”":
            if _opens(text, i):
                close = _find_close(text, i + 1, ch)
                if close is None:
                    quotes.append(Quote(i + 1, n, False))
                    break
                quotes.append(Quote(i + 1, close, True))
                i = close + 1
                continue
        i += 1
    return quotes


def _find_close(text: str, start: int, opener: str) -> int | None:
    """Index of the mark closing a quote opened just before start, or None."""
    if opener == "‘":
        return _find_single_close(text, start)
    wanted = {OPENERS.get(opener, "”"), "”", "»"} if opener != '"' else {'"', "”"}
    for j in range(start, len(text)):
        if text[j] in wanted and text[j - 1] != " " and (j + 1 == len(text) or not text[j + 1].isalnum()):
            return j
    return None


def _find_single_close(text: str, start: int) -> int | None:
    """Index of the ’ closing a ‘ quote: one followed by punctuation or a space, not an apostrophe
    inside a word (Ukraine’s) nor, before a space, a plural possessive (soldiers’ families)."""
    for j in range(start, len(text)):
        if text[j] != "’":
            continue
        after = text[j + 1] if j + 1 < len(text) else " "
        if after.isalnum():
            continue
        if after.isspace() and text[j - 1] == "s" and j + 2 < len(text) and text[j + 2].islower():
            continue
        return j
    return None


def mask(text: str, quotes: list[Quote]) -> str:
    """The text with quoted words replaced by 'x' (same length), so cues and sentence ends inside
    quotes are not seen."""
    chars = list(text)
    for q in quotes:
        for k in range(q.start, q.end):
            if not chars[k].isspace():
                chars[k] = "x"
        if q.closed and q.end > q.start and text[q.end - 1] in ".!?":
            chars[q.end - 1] = text[q.end - 1]  # a quote that ends its sentence still ends it
    return "".join(chars)
