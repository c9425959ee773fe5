"""Dates as news gives them ("late Friday", "overnight into Saturday", "September 12"), resolved
against the article's publication date."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from analysis.language import vocab

WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
            "saturday": 5, "sunday": 6}
MONTHS = {"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
          "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
          "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11,
          "nov": 11, "december": 12, "dec": 12}
_MODIFIER = r"(?:(?:late|early|overnight\s+(?:into|to|on)|on|by|last|this|before\s+dawn\s+on|early\s+on|late\s+on|until)\s+)?"
_PART = r"(?:\s+(?:morning|afternoon|evening|night))?"
# Names as tries (longest first where several start alike: "sept" before "sep"): a position is
# tested in one pass, not once per name.
_WEEKDAY = vocab.alternation(WEEKDAYS, group=False)
_MONTH = vocab.alternation(MONTHS, group=False)
_ORD = r"(\d{1,2})(?:st|nd|rd|th)?"


@vocab.compiled
def patterns(v: vocab.Vocabulary) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(kind, pattern) of every date phrase, in the order they are tried, for the active vocabulary."""
    kinds = ("same_day", "yesterday", "past_day", "period", "today")
    terms = [t for kind in kinds for t in v.terms("date_phrases", kind=kind)]
    phrases = "|".join(f"(?P<{kind}>{vocab.alternation(v.terms('date_phrases', kind=kind))})" for kind in kinds)
    months = vocab.lookahead(MONTHS, also="on")
    weekdays = vocab.lookahead(WEEKDAYS, also="late early overnight on by last this before until")
    return (
        ("absolute", re.compile(rf"\b{months}(?:on\s+)?(?P<month>{_MONTH})\.?\s+{_ORD}(?:,?\s+(?P<year>(?:19|20)\d\d))?\b", re.I)),
        ("absolute", re.compile(rf"\b(?=[oO\d])(?:on\s+)?{_ORD}\s+(?P<month>{_MONTH})\.?(?:,?\s+(?P<year>(?:19|20)\d\d))?\b", re.I)),
        ("weekday", re.compile(rf"\b{weekdays}{_MODIFIER}(?P<weekday>{_WEEKDAY}){_PART}\b", re.I)),
        ("month", re.compile(rf"\b(?=[idstIDST])(?:in|during|since|throughout)\s+(?P<month>{_MONTH})\b(?!\s+\d)", re.I)),
        ("phrase", re.compile(rf"\b{vocab.lookahead(terms)}(?:{phrases})\b", re.I)),  # one scan; the group names the kind
    )


KIND_RANK = {"absolute": 0, "weekday": 0, "yesterday": 1, "same_day": 1, "month": 2, "period": 2, "past_day": 2,
             "today": 3}


@dataclass(frozen=True)
class DateMention:
    """A date phrase in text and the day it names (None when unresolved or a span)."""

    start: int
    end: int
    text: str
    kind: str
    date: str | None


def parse_iso(value: str | None) -> date | None:
    """A YYYY-MM-DD string as a date, or None."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def resolve(kind: str, match: re.Match, published: date | None) -> str | None:
    """The ISO day a matched phrase names relative to publication (None if it cannot say)."""
    if kind == "absolute":
        month = MONTHS[match.group("month").lower().rstrip(".")]
        day = int(next(g for g in match.groups() if g and g.isdigit() and len(g) <= 2))
        year = match.group("year")
        if year:
            return _safe_date(int(year), month, day)
        if published is None:
            return None
        guess = _safe_date(published.year, month, day)
        if guess and guess > published.isoformat():
            guess = _safe_date(published.year - 1, month, day)
        return guess
    if published is None:
        return None
    if kind == "weekday":
        back = (published.weekday() - WEEKDAYS[match.group("weekday").lower()]) % 7
        if back == 0 and match.group(0).lower().startswith("last "):
            back = 7
        return (published - timedelta(days=back)).isoformat()
    if kind == "today":
        return published.isoformat()
    if kind == "yesterday":
        return (published - timedelta(days=1)).isoformat()
    return None


def _safe_date(year: int, month: int, day: int) -> str | None:
    """ISO string of a calendar date, None if it does not exist."""
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


# A cheap look for the words each pattern needs, so patterns that cannot match are not run.
_ANY_MONTH = re.compile(rf"\b{vocab.alternation(MONTHS)}\b", re.I)
_HINTS = {"absolute": _ANY_MONTH, "month": _ANY_MONTH, "weekday": re.compile(r"day\b", re.I)}


def find_dates(text: str, published: date | None) -> list[DateMention]:
    """Date phrases in text, in order, each resolved where it can be."""
    found: list[DateMention] = []
    taken = bytearray(len(text))  # characters already inside a found phrase
    seen = {id(h): bool(h.search(text)) for h in {id(h): h for h in _HINTS.values()}.values()}
    hints = {kind: seen[id(h)] for kind, h in _HINTS.items()}
    for kind, pattern in patterns():
        if not hints.get(kind, True):
            continue
        for match in pattern.finditer(text):
            if any(taken[match.start():match.end()]):
                continue
            taken[match.start():match.end()] = b"\x01" * (match.end() - match.start())
            named = match.lastgroup if kind == "phrase" else kind
            found.append(DateMention(match.start(), match.end(), match.group(0), named,
                                     resolve(named, match, published)))
    return sorted(found, key=lambda m: m.start)


def best_date(mentions: list[DateMention], previous: str | None = None) -> tuple[str | None, str | None]:
    """(date, words) an event is best dated by: a named day before a vague 'overnight'."""
    if not mentions:
        return None, None
    best = min(mentions, key=lambda m: (KIND_RANK[m.kind], m.start))
    if best.kind == "same_day":
        return previous, best.text
    return best.date, best.text


_DATELINE_DATE = re.compile(rf"^(?:published|updated|posted|first\s+published)?[:\s]*(?:on\s+)?(?:\w+day,?\s+)?"
                            rf"(?:(?P<d1>\d{{1,2}})\s+(?P<m1>{_MONTH})\.?|(?P<m2>{_MONTH})\.?\s+(?P<d2>\d{{1,2}}),?)\s+(?P<y>(?:19|20)\d\d)",
                            re.I | re.M)


_ISO_STAMP = re.compile(r"^(?:(?:published|updated|posted|date)\b[^0-9]{0,20})?((?:19|20)\d\d-\d\d-\d\d)\b(?:[ T]\d\d?:\d\d)?", re.I)


def published_from_text(text: str) -> str | None:
    """The publication date a page states in its first lines ('Published 3 June 2025, 11:42',
    '2025-07-26 21:41 Last Updated At:21:50', 'date 2025-04-28 One man was ...')."""
    for line in text.splitlines()[:15]:
        stamp = _ISO_STAMP.match(line.strip())
        if stamp and (len(line) < 80 or line.strip()[:4].lower() == "date"):
            found = parse_iso(stamp.group(1))
            if found:
                return found.isoformat()
        match = _DATELINE_DATE.search(line.strip())
        if match and re.match(r"^(?:published|updated|posted|first|\w+day|\d|[a-z]+\.?\s+\d)", line.strip(), re.I):
            day = int(match.group("d1") or match.group("d2"))
            month = MONTHS[(match.group("m1") or match.group("m2")).lower().rstrip(".")]
            return _safe_date(int(match.group("y")), month, day)
    return None
