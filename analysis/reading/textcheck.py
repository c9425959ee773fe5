"""Checks on what an article's text is: English or not."""
from __future__ import annotations

import re

ENGLISH_WORDS = {"the", "and", "of", "to", "in", "a", "is", "was", "said", "on", "for", "that", "with",
                 "by", "were", "as", "at", "from", "it", "he", "she", "has", "have", "had"}


def english_share(text: str) -> float:
    """Share of word tokens that are common English function words (about 0.3 in English news)."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    if not words:
        return 0.0
    return sum(w in ENGLISH_WORDS for w in words) / len(words)


def language_warning(text: str) -> str | None:
    """A one-line warning where a text does not look like English (the rules read English)."""
    letters = re.findall(r"[^\W\d_]", text)
    if len(letters) < 40:
        return None
    latin = sum("a" <= c.lower() <= "z" for c in letters) / len(letters)
    if latin < 0.5:
        return "text is mostly in a non-Latin script; the extractor reads English, so tables may be empty"
    if english_share(text) < 0.08:
        return "text does not look like English; the extractor reads English, so tables may be empty"
    return None
