"""What every table's extractor reads about one article: its units (sentences with quotes
masked), the places and dates in each, and who is speaking where (who 'he', 'the governor' and
'the agency' stand for is in analysis.tables.coreference)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from analysis.language import quotes as q
from analysis.language import vocab
from analysis.examples import example
from analysis.language.dates import DateMention, find_dates
from analysis.language.places import PlaceMention, find_places
from analysis.language.speakers import Registry
from analysis.reading.structure import DATELINE, Layout, layout, split_sentences


@dataclass(frozen=True)
class Governments:
    """Places that speak or act for a government ('Moscow said'), in one vocabulary."""

    metonyms: frozenset[str]
    verb: re.Pattern[str]  # what a government does after its capital's name ('Moscow maintains')


@vocab.compiled
def governments(v: vocab.Vocabulary) -> Governments:
    """The government words of the active vocabulary."""
    verbs = vocab.alternation([*v.terms("reporting_verbs"), *_GOVERNMENT_VERBS], group=False)
    return Governments(frozenset(v.terms("metonyms")), re.compile(rf"(?:['’]s\s+\w+\s+)?\s+(?:\w+ly\s+)?(?:{verbs})\b", re.I))


@dataclass
class Unit:
    """A sentence-like stretch of a paragraph; a quote with its attribution stays in one unit."""

    index: int
    paragraph: int
    section: int
    kind: str  # paragraph kind: body, intro, turn
    start: int
    end: int
    text: str
    masked: str
    quotes: list[q.Quote]
    places: list[PlaceMention] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    dateline_end: int = 0  # where a wire dateline opening the unit ends (0: none)


class Context:
    """An article prepared for extraction."""

    def __init__(self, text: str, published: date | None) -> None:
        self.text = text
        self.published = published
        self.layout: Layout = layout(text)
        self.units: list[Unit] = self._units()
        self.registry = Registry()
        self.speaker_at: dict[int, str] = {}
        self.statements: list[dict] = []
        self.cache: dict = {}  # per-article memo of whole-text lookups (keeps long texts linear)
        turns = [p for p in self.layout.paragraphs if p.kind == "turn" and p.label]
        self.first_turn_label = turns[0].label if turns else ""
        self.turn_labels = frozenset(p.label.lower() for p in turns)  # a briefing has one voice, an interview two

    def _units(self) -> list[Unit]:
        """Units of every content paragraph, in order, with the places and dates inside each."""
        units: list[Unit] = []
        for para in self.layout.content():
            quotes = q.find_quotes(para.text)
            masked = q.mask(para.text, quotes)
            dateline = DATELINE.match(masked)
            if dateline:  # not a sentence's subject or a place where something happened
                masked = " " * dateline.end() + masked[dateline.end():]
            for sent in split_sentences(masked, 0, len(masked), para.index):
                start, end = para.start + sent.start, para.start + sent.end
                inside = [q.Quote(x.start - sent.start, min(x.end, sent.end) - sent.start, x.closed)
                          for x in quotes if sent.start <= x.start < sent.end]
                units.append(Unit(len(units), para.index, para.section, para.kind, start, end,
                                  self.text[start:end], sent.text, inside))
                if dateline and sent.start == 0:
                    units[-1].dateline_end = start + dateline.end()
        self._bucket(units)
        return units

    def _bucket(self, units: list[Unit]) -> None:
        """Find places and dates once in the whole text and hand each unit the ones inside it."""
        places = [m for m in find_places(self.text) if not _is_person_name(self.text, m)]
        dates = find_dates(self.text, self.published)
        pi = di = 0
        for unit in units:
            while pi < len(places) and places[pi].start < unit.start:
                pi += 1
            while pi < len(places) and places[pi].end <= unit.end:
                if places[pi].start >= unit.dateline_end:
                    unit.places.append(places[pi])
                pi += 1
            while di < len(dates) and dates[di].start < unit.start:
                di += 1
            while di < len(dates) and dates[di].end <= unit.end:
                unit.dates.append(dates[di])
                di += 1

    def earlier_in_paragraph(self, unit: Unit, back: int = 4, include: bool = False) -> list[Unit]:
        """The units before unit in its paragraph, nearest first (at most `back`; unit itself first
        when include)."""
        out = [unit] if include else []
        for u in reversed(self.units[max(0, unit.index - back):unit.index]):
            if u.paragraph != unit.paragraph:
                break
            out.append(u)
        return out

    # ---- dates -------------------------------------------------------------------------
    def date_near(self, unit: Unit, offset: int, reach: int = 45) -> tuple[str | None, str | None]:
        """The date phrase nearest to an offset within a unit (date, words)."""
        best = None
        for d in unit.dates:
            gap = max(d.start - unit.start - offset, offset - (d.end - unit.start), 0)
            if gap <= reach and (best is None or gap < best[0]):
                best = (gap, d)
        if best is None or best[1].kind in ("same_day", "past_day", "period", "month"):
            return (None, best[1].text) if best else (None, None)
        return best[1].date, best[1].text

    # ---- places ------------------------------------------------------------------------
    def place_context(self, unit: Unit, back: int = 6) -> tuple[str | None, str | None]:
        """(most recent city, most recent region) named in this unit or the few before it."""
        city = region = city_region = None
        for u in reversed(self.units[max(0, unit.index - back): unit.index + 1]):
            if u.section != unit.section:
                break
            for m in reversed(u.places):
                if m.place.kind == "city" and city is None:
                    city, city_region = m.place.name, m.place.region
                if m.place.kind == "region" and region is None:
                    region = m.place.region
            if city and region:
                break
        return city, region or city_region


_GOVERNMENT_VERBS = ("has", "have", "had", "is", "was", "will", "would", "kept", "keeps", "continues", "continued",
                     "launched", "wants", "wanted", "must", "can", "could", "sent", "sends", "retaliated", "stepped",
                     "refused")
_NOT_FIRST_NAME = {"in", "near", "outside", "of", "at", "from", "to", "the", "on", "and", "across", "over",
                   "around", "city", "town", "village", "region", "oblast", "central", "eastern", "western",
                   "northern", "southern", "occupied", "downtown", "greater", "while", "but", "when"}
_SPEECH_AFTER = re.compile(r"\s+(?:said|says|wrote|told|added|reported|stated|noted|warned|claimed|announced)\b")


_ADJECTIVE_AFTER = re.compile(r"-(?:installed|backed|appointed|controlled|based|led|allied|made)\b")
_REGION_WORD_AFTER = re.compile(r"['’]?s?\s+(?:region|oblast|province|district|raion|community|hromada|area|city|port)", re.I)
_PLACE_NOUN_AFTER = re.compile(r"\s+(?:suburbs?|outskirts|area|port|railway|station|airport|bus|tram|metro|"
                               r"city|town|village|district|community|hromada|direction|axis|front|sector)\b", re.I)
_THE_BEFORE = re.compile(r"\bthe\s+$")
_NAME_BEFORE = re.compile(r"([A-Z][a-z]+)\s+$")  # a first name ("Ukraine’s Dnipro" has none)


@example("Moscow maintains that two civilians were injured in a Ukrainian drone attack on the Bryansk region.",
         "casualties", {"country": "Russia", "region": "Bryansk Oblast", "injured": 2})
@example("The mayor of Kherson said that 12 people had been wounded by shelling in various parts of the city.",
         "casualties", {"region": "Kherson Oblast", "place": "Kherson", "injured": 12})
@example("Russian shelling injured two people, officials in Kherson said.", "casualties",
         {"region": "Kherson Oblast", "place": "Kherson", "injured": 2})
def _is_person_name(text: str, mention: PlaceMention) -> bool:
    """True where a place name is not a location: a surname ('Konstantin Obukhov', 'Obukhov said'),
    part of an adjective ('Moscow-installed'), a river ('the Dnipro') or a government ('Moscow said')."""
    end = mention.end
    if _ADJECTIVE_AFTER.match(text, end):
        return True
    if mention.place.kind != "city":
        return False
    if mention.place.name.lower() in governments().metonyms and governments().verb.match(text, end):
        return True
    before = text[max(0, mention.start - 40):mention.start]  # a bounded window: long texts stay linear
    if _THE_BEFORE.search(before) and not _REGION_WORD_AFTER.match(text, end) and not _PLACE_NOUN_AFTER.match(text, end):
        return True
    name = _NAME_BEFORE.search(before)
    if name and name.group(1).lower() not in _NOT_FIRST_NAME and len(before) - name.start() < 25:
        return True
    if _OF_LAST.search(before):
        return False  # "the mayor of Kherson said", "officials in Kherson said": an office's place, not a surname
    return bool(_SPEECH_AFTER.match(text, end))


_OF_LAST = re.compile(r"\b(?:of|in)\s+$")
