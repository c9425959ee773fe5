"""Gazetteer of the war's places: names and spellings in news text resolved to canonical places.

The vocabulary is ``data/vocab/places.csv`` (hand-made: one row per place, ``;``-separated spelling
variants) and ``data/vocab/settlements.csv`` (every settlement of 1,000 people or more in Ukraine,
Russia and Belarus from GeoNames, built by ``scripts/build_gazetteer.py``), with any rows a user's
vocabulary folder adds (see `analysis.language.vocab`).
Region rows whose name carries a type word ("Kharkiv Oblast", "Krasnodar Krai", "Republic of
Tatarstan", "Brest Region") also answer to their stem followed by region/oblast/province/
regional/krai/territory/border region and the plurals ("Kharkiv region", "Kursk border region",
"Kherson province", "Kharkiv regional"). A bare stem that is also a city name is the city.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from analysis.examples import example
from analysis.language import vocab


# When one spelling names several rows (Kyiv the city and Kyiv the city-region), the lower rank wins.
KIND_RANK = {"city": 0, "region": 1, "country": 2}
# Words after a region stem that make the phrase name the first-level region.
REGION_SUFFIXES = ("region", "regions", "oblast", "oblasts", "province", "provinces", "regional",
                   "border region", "border regions", "krai", "kray", "territory", "territories")
# Plural suffixes that also cover the stems listed before them ("the Belgorod and Kursk regions").
PLURAL_SUFFIXES = ("regions", "oblasts", "provinces", "territories")
# Type words that a region's canonical name or a variant may carry around its stem.
_TYPED_NAME = re.compile(
    r"^(?:(?:autonomous\s+)?republic\s+of\s+(?P<pre>.+)|(?P<stem>.+?)\s+"
    r"(?:oblast|region|krai|kray|province|territory|republic))$", re.I)
_TYPE_WORD = re.compile(r"\b(?:oblasts?|regions?|regional|provinces?|krai|kray|territory|republic)\b",
                        re.I)
# Words dropped by region_key.
KEY_STOPWORDS = frozenset({"the", "of", "oblast", "oblasts", "region", "regions", "regional",
                           "province", "provinces", "krai", "kray", "territory", "republic",
                           "autonomous", "okrug", "city", "border"})
# Text between the names of a list that shares one plural suffix: ", ", " and ", ", and ", " & ".
_LIST_GAP = re.compile(r"\s*(?:,\s*(?:(?:and|or)\s+)?|(?:and|or|&)\s+)", re.I)
# What a key's space and apostrophe stand for in a text: a run of these separators, one of these apostrophes.
_TEXT_SEPARATORS = frozenset(" \t\u00a0-\u2010\u2011\u2013")
_TEXT_APOSTROPHES = frozenset("'\u2019\u02bc")
_WORD_CHAR = re.compile(r"\w")
_CAPITAL_AFTER_NON_WORD = re.compile(r"(?<!\w)[A-Z]")  # where a place name may begin
_BEFORE_WATER = re.compile(r"[ \t\u00a0]+(?:river|reservoir)\b", re.I)  # "the Dnipro river" names no place
_END = ""  # a trie node's key for the place of the spelling that ends there
_SEPARATORS = re.compile(r"[\s\-\u2010\u2011\u2013]+")
_APOSTROPHES = re.compile(r"['\u2019\u02bc`]")


@dataclass(frozen=True)
class Place:
    name: str           # canonical name
    kind: str           # "region" | "city" | "country"
    country: str
    region: str | None  # canonical region (None for a country)
    lat: float | None
    lon: float | None
    weak: bool = False  # a GeoNames settlement: a place only where the text frames it as one


@dataclass(frozen=True)
class PlaceMention:
    start: int    # char offset in the searched text
    end: int
    surface: str  # the words as they stand in the text
    place: Place


@dataclass(frozen=True)
class _Gazetteer:
    places: tuple[Place, ...]
    surfaces: dict[str, Place]   # normalised spelling -> place
    stems: dict[str, Place]      # normalised region stem -> region place
    folds: dict[str, str]        # region_key words -> canonical region_key
    trie: dict                   # character of a spelling (" " for separators) -> next node; _END: its place


def _key(text: str) -> str:
    """Normalised spelling: lowercase, one apostrophe, hyphens and whitespace as single spaces."""
    return _SEPARATORS.sub(" ", _APOSTROPHES.sub("'", text.lower())).strip()


def _bare_key(text: str) -> str:
    """Lowercase words of a region name without punctuation and without type words."""
    words = re.sub(r"[^\w\s]", " ", _APOSTROPHES.sub("", text.lower())).split()
    return " ".join(w for w in words if w not in KEY_STOPWORDS)


def _stem(name: str) -> str | None:
    """Stem of a typed region name ("Kharkiv Oblast" -> "Kharkiv"), None without a type word."""
    m = _TYPED_NAME.match(name.strip())
    return (m.group("pre") or m.group("stem")) if m else None


def _place(row: dict[str, str], weak: bool = False) -> Place:
    """Place of one CSV row."""
    return Place(name=row["name"], kind=row["kind"], country=row["country"],
                 region=row["region"] or None,
                 lat=float(row["lat"]) if row["lat"] else None,
                 lon=float(row["lon"]) if row["lon"] else None, weak=weak and row["kind"] == "city")


def _variants(row: dict[str, str]) -> list[str]:
    """Spelling variants of one CSV row."""
    return [v.strip() for v in row["variants"].split(";") if v.strip()]


def _region_stems(row: dict[str, str]) -> list[str]:
    """Stems a typed region row answers to with a region suffix ("Kharkiv", "Kharkov", "Kharkivska")."""
    if _stem(row["name"]) is None:
        return []
    stems = [_stem(row["name"])]
    for variant in _variants(row):
        stem = _stem(variant)
        if stem is not None:
            stems.append(stem)
        elif not _TYPE_WORD.search(variant) and " of " not in variant:
            stems.append(variant)
    return [s for s in stems if s]


def _trie(surfaces: dict[str, Place]) -> dict:
    """The spellings as a character trie (a dict per node; under _END the place of a spelling ending there)."""
    root: dict = {}
    for key, place in surfaces.items():
        node = root
        for char in key:
            node = node.setdefault(char, {})
        node[_END] = place
    return root


def _ends(text: str, start: int, trie: dict) -> list[tuple[int, Place]]:
    """(end, place) of the trie's spellings that begin at `start` in text, shortest first (letters
    compared case-blind, a run of separators for a space, any apostrophe for one)."""
    ends, node, at, size = [], trie, start, len(text)
    while at < size:
        char = text[at]
        if char in _TEXT_SEPARATORS:
            node = node.get(" ")
            while at < size and text[at] in _TEXT_SEPARATORS:
                at += 1
        else:
            node = node.get("'" if char in _TEXT_APOSTROPHES else char.lower())
            at += 1
        if node is None:
            break
        if _END in node:
            ends.append((at, node[_END]))
    return ends


def _mentions(text: str, gaz: "_Gazetteer") -> list[PlaceMention]:
    """Each spelling named in text: at each capital that begins a word the longest spelling that ends a
    word (and is not a river's or reservoir's name), then on after it."""
    found: list[PlaceMention] = []
    last = 0
    for capital in _CAPITAL_AFTER_NON_WORD.finditer(text):
        start = capital.start()
        if start < last:
            continue
        for end, place in reversed(_ends(text, start, gaz.trie)):
            if not _WORD_CHAR.match(text, end) and not _BEFORE_WATER.match(text, end):
                found.append(PlaceMention(start, end, text[start:end], place))
                last = end
                break
    return found


@vocab.compiled
def _gazetteer(v: vocab.Vocabulary) -> _Gazetteer:
    """The gazetteer of a vocabulary's places (the hand-made ones first, so their spellings win over
    the GeoNames settlements'), with lookup tables and the compiled mention regex."""
    hand = v.rows("places")
    rows = [*hand, *v.rows("settlements")]
    places = tuple(_place(row, weak=i >= len(hand)) for i, row in enumerate(rows))
    ranked: dict[str, tuple[tuple[int, int, int], Place]] = {}

    def add(spelling: str, place: Place, rank: tuple[int, int, int]) -> None:
        """Record a spelling unless a better-ranked place already holds it."""
        key = _key(spelling)
        if key and (key not in ranked or rank < ranked[key][0]):
            ranked[key] = (rank, place)

    stems: dict[str, Place] = {}
    for index, (row, place) in enumerate(zip(rows, places)):
        for spelling in [row["name"], *_variants(row)]:
            add(spelling, place, (0, KIND_RANK[place.kind], index))
    for index, (row, place) in enumerate(zip(rows, places)):
        for stem in _region_stems(row):
            stems.setdefault(_key(stem), place)
            for suffix in REGION_SUFFIXES:
                add(f"{stem} {suffix}", place, (1, 0, index))
    surfaces = {key: place for key, (_, place) in ranked.items()}

    folds: dict[str, str] = {}
    for row, place in zip(rows, places):
        if place.kind == "region":
            folds.setdefault(_bare_key(place.name), _bare_key(place.name))
    for row, place in zip(rows, places):
        if place.kind == "region":
            for spelling in [*_variants(row), *_region_stems(row)]:
                folds.setdefault(_bare_key(spelling), _bare_key(place.name))
    for row, place in zip(rows, places):
        if place.kind == "city" and _bare_key(place.name) in folds:
            for spelling in _variants(row):
                folds.setdefault(_bare_key(spelling), folds[_bare_key(place.name)])

    return _Gazetteer(places, surfaces, stems, folds, _trie(surfaces))


def lookup(name: str) -> Place | None:
    """Place for a name or variant, case-insensitive; region phrases such as "Kharkiv region", "Kharkiv oblast", "the Kharkiv Oblast", "Kharkiv province", "Kherson province" map to the region; a bare city name maps to the city."""
    key = _key(name)
    key = re.sub(r"^the ", "", key)
    key = re.sub(r"'s$", "", key)
    return _gazetteer().surfaces.get(key)


def find_places(text: str) -> list[PlaceMention]:
    """Every gazetteer place named in text, longest match first, non-overlapping, in text order."""
    gaz = _gazetteer()
    mentions = _mentions(text, gaz)
    mentions = _placed(text, mentions)
    mentions = [_region_of(text, m, gaz) for m in mentions]
    for i, mention in enumerate(mentions):
        if _key(mention.surface).rsplit(" ", 1)[-1] not in PLURAL_SUFFIXES:
            continue
        j = i - 1
        while j >= 0 and _LIST_GAP.fullmatch(text, mentions[j].end, mentions[j + 1].start):
            region = gaz.stems.get(_key(mentions[j].surface))
            if region is None:
                break
            mentions[j] = PlaceMention(mentions[j].start, mentions[j].end, mentions[j].surface, region)
            j -= 1
    return _regions_of_list(text, mentions, gaz)


_REGIONS_OF = re.compile(r"\b(?:regions|oblasts|provinces)\s+of\s+$", re.I)


@example("No casualties were reported in the regions of Kharkiv, Sumy and Donetsk, officials said.", "casualties",
         {"region": "Kharkiv Oblast", "place": None, "killed": 0}, {"region": "Sumy Oblast", "place": None, "killed": 0},
         {"region": "Donetsk Oblast", "place": None, "killed": 0})
def _regions_of_list(text: str, mentions: list[PlaceMention], gaz: "_Gazetteer") -> list[PlaceMention]:
    """The names listed after 'the regions of' as the regions ('the regions of Kharkiv, Sumy and Donetsk')."""
    out = list(mentions)
    for i, mention in enumerate(out):
        if not _REGIONS_OF.search(text, max(0, mention.start - 20), mention.start):
            continue
        j = i
        while j < len(out) and (j == i or _LIST_GAP.fullmatch(text, out[j - 1].end, out[j].start)):
            region = gaz.stems.get(_key(out[j].surface)) if out[j].place.kind == "city" else None
            if region is None:
                break
            out[j] = PlaceMention(out[j].start, out[j].end, out[j].surface, region)
            j += 1
    return out


_REGION_OF = re.compile(r"\b(?:region|oblast|province)\s+of\s+$", re.I)


@example("A missile hit a city in Ukraine's eastern region of Kharkiv, killing three people, officials said.",
         "casualties", {"region": "Kharkiv Oblast", "place": None, "killed": 3})
def _region_of(text: str, mention: PlaceMention, gaz: "_Gazetteer") -> PlaceMention:
    """The region, where a city's name follows 'the region of' ('the eastern region of Donetsk')."""
    region = gaz.stems.get(_key(mention.surface)) if mention.place.kind == "city" else None
    if region is None or not _REGION_OF.search(text[max(0, mention.start - 20):mention.start]):
        return mention
    return PlaceMention(mention.start, mention.end, mention.surface, region)


# What makes a name from the GeoNames list a place in the text: a locative word before it, or a word
# for a kind of place around it ("in Vovchansk", "the village of Kozacha Lopan", "Ivanivka community").
_FRAME_BEFORE = re.compile(r"(?:\b(?:in|near|outside|at|from|to|into|towards?|around|of|on|over|across|"
                           r"hit|struck|shelled|attacked|targeted)\s+(?:the\s+)?"
                           r"(?:(?:village|town|city|settlement|hamlet|community|district|port)\s+of\s+)?)$", re.I)
_FRAME_AFTER = re.compile(r"^\s+(?:district|community|hromada|raion|village|town|area|settlement)\b", re.I)


_LIST_JOIN = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")


def _placed(text: str, mentions: list[PlaceMention]) -> list[PlaceMention]:
    """The mentions that stand where a place stands: hand-made places always, a GeoNames name where
    the text frames it as a place or lists it after one ('in Bilozerka, Tiahynka and Kozatske')."""
    kept: list[PlaceMention] = []
    for m in mentions:
        listed = bool(kept) and _LIST_JOIN.fullmatch(text, kept[-1].end, m.start) is not None
        if not m.place.weak or listed or _framed(text, m):
            kept.append(m)
    return kept


def _framed(text: str, mention: PlaceMention) -> bool:
    """True where a weak (GeoNames) name stands where a place stands."""
    return bool(_FRAME_BEFORE.search(text[max(0, mention.start - 40):mention.start])
                or _FRAME_AFTER.match(text[mention.end:mention.end + 20]))


def region_key(region: str | None) -> str:
    """Comparison key for a region name: lowercase, without oblast/region/province/krai/republic words and punctuation, transliteration variants folded (Kiev->kyiv, Kharkov->kharkiv), so "Kharkiv Oblast" == "kharkov region"."""
    if not region:
        return ""
    return _region_key(region, vocab.active())


@lru_cache(maxsize=4096)
def _region_key(region: str, words: vocab.Vocabulary) -> str:
    """region_key under one vocabulary (memoised: incidents compare their regions many times)."""
    bare = _bare_key(region)
    return _gazetteer().folds.get(bare, bare)


def places_table() -> list[Place]:
    """All gazetteer places (for maps and reports)."""
    return list(_gazetteer().places)
