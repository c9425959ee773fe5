"""Counts as news writes them: digits and words, with their qualifiers ("over 70", "a dozen", "dozens")."""
from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.language import vocab

UNITS = {
    "zero": 0, "no": 0, "one": 1, "a": 1, "an": 1, "single": 1, "two": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
    "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "both": 2, "pair": 2, "couple": 2,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
        "eighty": 80, "ninety": 90}
SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
DOZEN = {"dozen": 12, "score": 20}

# Words that make a count vague: the number is unknown (null).
VAGUE = ("dozens", "scores", "several", "many", "most", "hundreds", "thousands", "tens of thousands",
         "a number", "a few", "few", "numerous", "multiple", "some", "a handful",
         "several dozen", "several hundred", "a large number", "a group", "large numbers", "unknown number")

# Words before a number and the qualifier they give it; longest first when matching.
QUALIFIER_WORDS = {
    "at least": "at_least", "more than": "at_least", "over": "at_least", "upwards of": "at_least",
    "in excess of": "at_least", "no fewer than": "at_least", "no less than": "at_least",
    "not less than": "at_least", "a minimum of": "at_least", "above": "at_least",
    "about": "approx", "approximately": "approx", "around": "approx", "roughly": "approx",
    "nearly": "approx", "almost": "approx", "some": "approx", "an estimated": "approx",
    "closer to": "approx", "close to": "approx", "estimated": "approx", "circa": "approx",
    "up to": "at_most", "no more than": "at_most", "not more than": "at_most",
    "fewer than": "at_most", "less than": "at_most", "at most": "at_most", "a maximum of": "at_most",
    "as many as": "at_most",
}


def _literals(words: set[str] | dict[str, object] | tuple[str, ...]) -> str:
    """An alternation of literal words factored as a trie: the same matches, longest first where
    several fit as a list sorted longest first tries them, but a position is tested in one pass
    instead of once per word (case-insensitive words get no fast skip from the regex engine)."""
    return vocab.trie([[re.escape(c) for c in w] for w in sorted(set(words), key=lambda w: (-len(w), w))])


_NOT_ALONE = {"a", "an", "no", "single", "pair", "couple", "score", "both"}  # numbers only inside a phrase
_WORD_NUM = _literals({w for w in [*UNITS, *TENS, *SCALES, *DOZEN] if w not in _NOT_ALONE})
NUMBER_WORDS = rf"(?:(?:{_WORD_NUM})(?:[\s-]+(?:and\s+)?(?:{_WORD_NUM}))*)"
# Digits as written, with thousands grouped in threes or (in Indian copy) lakhs and crores in twos: "1,60,000".
DIGITS = r"(?:\d{1,2}(?:,\d{2})+,\d{3}(?!\d)|\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:(?:\s*|-)(?:thousand|million))?"
_QUAL = _literals(QUALIFIER_WORDS)
_VAGUE = _literals(VAGUE)

# A count in text: optional qualifier, then digits, number words or "a dozen"; or a vague word.
COUNT = (rf"(?:(?:{_QUAL})\s+)?(?:{DIGITS}|a\s+dozen|an?\s+(?:hundred|thousand)|{NUMBER_WORDS})"
         rf"|(?:{_VAGUE})")
COUNT_RE = re.compile(rf"\b(?:{COUNT})\b", re.IGNORECASE)
_QUAL_RE = re.compile(rf"^(?:{_QUAL})\s+", re.IGNORECASE)
_VAGUE_RE = re.compile(rf"^(?:{_VAGUE})$", re.IGNORECASE)


@dataclass(frozen=True)
class Count:
    """A parsed count: its value (None when vague) and qualifier."""

    value: int | None
    qualifier: str


def words_to_int(words: str) -> int | None:
    """The integer that number words spell ("thirty-six", "one hundred and five", "a dozen")."""
    tokens = [t for t in re.split(r"[\s-]+", words.lower().strip()) if t and t != "and"]
    if not tokens:
        return None
    total, current = 0, 0
    for i, token in enumerate(tokens):
        if token in ("a", "an") and i == 0 and len(tokens) > 1:
            current = 1
        elif token in UNITS:
            current += UNITS[token]
        elif token in TENS:
            current += TENS[token]
        elif token in DOZEN:
            current = max(current, 1) * DOZEN[token]
        elif token in SCALES:
            current = max(current, 1) * SCALES[token]
            if SCALES[token] >= 1000:
                total, current = total + current, 0
        else:
            return None
    return total + current


def parse_count(phrase: str) -> Count | None:
    """A count phrase ("over 70", "approximately 8,000", "two", "dozens") as value and qualifier."""
    text = " ".join(phrase.split())
    qualifier = "exact"
    match = _QUAL_RE.match(text)
    if match:
        qualifier = QUALIFIER_WORDS[match.group(0).strip().lower()]
        text = text[match.end():]
    if _VAGUE_RE.match(text):
        return Count(None, "vague")
    value = parse_number(text)
    if value is None:
        return None
    return Count(value, qualifier)


def parse_number(text: str) -> int | None:
    """An integer written in digits ("8,000", "1.2 million") or words ("thirty-six")."""
    text = text.strip().lower()
    match = _DIGITS_AND_SCALE.fullmatch(text)
    if match:
        number = float(match.group(1).replace(",", ""))
        scale = SCALES.get(match.group(2) or "", 1)
        return int(round(number * scale))
    return words_to_int(text)


_DIGITS_AND_SCALE = re.compile(r"([\d,]+(?:\.\d+)?)(?:\s*|-)(thousand|million)?")  # "12 thousand", "12-thousand"


def find_counts(text: str) -> list[tuple[int, int, Count]]:
    """Every count in text as (start, end, Count); years and clock times are not counts."""
    found = []
    for match in COUNT_RE.finditer(text):
        count = parse_count(match.group(0))
        if count is None or _is_not_a_count(text, match.start(), match.end()):
            continue
        found.append((match.start(), match.end(), count))
    return found


_NOT_COUNT_AFTER = re.compile(r"^(?:\s*(?:a\.m\.|p\.m\.|am\b|pm\b|%|per\s?cent|percent|km|kilomet|metres|meters|miles|"
                              r"-year-old|year-old|years?\s+old|-storey|-story|th\b|st\b|nd\b|rd\b|:\d)|\s*-\d)",
                              re.IGNORECASE)


def _is_not_a_count(text: str, start: int, end: int) -> bool:
    """True for years (2022), times (3 a.m.), ages, percentages, distances and ranges."""
    token = text[start:end]
    if re.fullmatch(r"(19|20)\d\d", token):
        return True
    if _NOT_COUNT_AFTER.match(text[end:end + 14]):
        return True
    if start > 0 and text[start - 1] in "-/:$€£":
        return True
    return False


_DIGIT = re.compile(r"\d")
_NUMBER_WORD = re.compile(rf"\b{vocab.alternation(sorted({*UNITS, *TENS, *SCALES, *DOZEN} - {'a', 'an', 'no'}))}\b", re.I)


def has_number(text: str) -> bool:
    """True where text holds a number a size could be read from (a digit or a number word; not
    "a" or "no"): a cheap look, digits first (one fast scan) and the words only where there is none."""
    return bool(_DIGIT.search(text) or _NUMBER_WORD.search(text))
