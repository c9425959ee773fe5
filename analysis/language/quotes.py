"""Quotation marks: where quotes open and close in a paragraph, with straight, curly (double and,
as British outlets use them, single) and guillemet marks, and paragraphs whose quote runs on."""
from __future__ import annotations

import re
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
    """True where the mark at i starts a quote (after a space or line start, or run into the quote
    that closed a sentence just before it: '... "nonsense.""We ...'; before a word)."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    run_on = (before in "\"”»" and i >= 2 and text[i - 2] in ".!?" or before in ".!?" and text[i] in "“«") \
        and after.isupper()  # '... "nonsense.""We ...', '... Zelensky said.“The enemy ...'
    return (before.isspace() or before in "([—–-:" or run_on) and not after.isspace()


_MARK = re.compile("[“«„\"‘”]")  # any mark a quote may open with
_CLOSE = {opener: re.compile("[" + re.escape("".join(sorted({closer, "”", "»"}))) + "]")
          for opener, closer in OPENERS.items() if opener not in ('"', "‘")}
_CLOSE['"'] = re.compile('["”]')
_CLOSE["”"] = re.compile("[”»]")
_APOSTROPHE = re.compile("’")


def find_quotes(text: str) -> list[Quote]:
    """Quoted spans of a paragraph in order; an unclosed quote runs to the end of the text."""
    quotes: list[Quote] = []
    n = len(text)
    mark = _MARK.search(text)
    while mark is not None:
        i = mark.start()
        if _opens(text, i):
            close = _find_close(text, i + 1, text[i])
            if close is None:
                quotes.append(Quote(i + 1, n, False))
                break
            quotes.append(Quote(i + 1, close, True))
            mark = _MARK.search(text, close + 1)
            continue
        mark = _MARK.search(text, i + 1)
    return quotes


def _find_close(text: str, start: int, opener: str) -> int | None:
    """Index of the mark closing a quote opened just before start, or None."""
    if opener == "‘":
        return _find_single_close(text, start)
    wanted = _CLOSE[opener]
    for match in wanted.finditer(text, start):
        j = match.start()
        if text[j - 1] != " " and (j + 1 == len(text) or not text[j + 1].isalnum()
                                   or text[j - 1] in ".!?" and text[j + 1].isupper()):  # '...battle.”In an ...': run together
            return j
    return None


def _find_single_close(text: str, start: int) -> int | None:
    """Index of the ’ closing a ‘ quote: one followed by punctuation or a space, not an apostrophe
    inside a word (Ukraine’s) nor, before a space, a plural possessive (soldiers’ families)."""
    for match in _APOSTROPHE.finditer(text, start):
        j = match.start()
        after = text[j + 1] if j + 1 < len(text) else " "
        if after.isalnum():
            continue
        if after.isspace() and text[j - 1] == "s" and j + 2 < len(text) and text[j + 2].islower():
            continue
        return j
    return None


_WORD_CHAR = re.compile(r"\S")


def mask(text: str, quotes: list[Quote]) -> str:
    """The text with quoted words replaced by 'x' (same length), so cues and sentence ends inside
    quotes are not seen."""
    pieces, at = [], 0
    for q in quotes:
        inner = _WORD_CHAR.sub("x", text[q.start:q.end])
        if q.closed and q.end > q.start and text[q.end - 1] in ".!?":
            inner = inner[:-1] + text[q.end - 1]  # a quote that ends its sentence still ends it
        pieces += [text[at:q.start], inner]
        at = q.end
    pieces.append(text[at:])
    return "".join(pieces)
