"""Casualties: one row per incident (place, date, killed, injured, children, weapon, perpetrator,
who reported it), mentions of one incident merged, the latest toll kept."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from analysis.language import vocab
from analysis.examples import example
from analysis.tables.context import Context, Unit
from analysis.language.dates import MONTHS, WEEKDAYS
from analysis.language.numbers import COUNT, NUMBER_WORDS, Count, parse_count, words_to_int
from analysis.language.places import Place, PlaceMention, lookup
from analysis.language.speakers import side_of


@dataclass(frozen=True)
class Words:
    """The casualty and weapon words of a vocabulary, as regex alternations and compiled patterns."""

    kill: str  # death words: "killed|died|..."
    hurt: str  # injury words
    person: str  # nouns for people a count goes with
    group: str  # plural person nouns that never mean one person on their own
    child: str
    military: str
    police: str
    any_trigger: re.Pattern[str]
    kill_re: re.Pattern[str]
    hurt_re: re.Pattern[str]
    trigger_re: re.Pattern[str]
    weapons: tuple[tuple[str, re.Pattern[str]], ...]  # (weapon word, pattern) in priority order
    any_weapon: re.Pattern[str]  # every weapon's words in one scan, group wN for the N-th weapon
    not_settlements: frozenset[str]  # capitalised words after "in" that name no settlement


@vocab.compiled
def words(v: vocab.Vocabulary) -> Words:
    """The casualty words and weapon patterns of the active vocabulary."""
    def alt(role: str) -> str:
        """Alternation of the casualty words of one role, without its group."""
        return vocab.alternation(v.terms("casualty_words", role=role), group=False)
    kill, hurt = alt("killed"), alt("injured")
    kill_first = vocab.lookahead(v.terms("casualty_words", role="killed"))
    hurt_first = vocab.lookahead(v.terms("casualty_words", role="injured"))
    both_first = vocab.lookahead([*v.terms("casualty_words", role="killed"), *v.terms("casualty_words", role="injured")])
    any_first = vocab.lookahead([*v.terms("casualty_words", role="killed"), *v.terms("casualty_words", role="injured")],
                                also="no nobody none among")
    by_weapon: dict[str, list[str]] = {}
    for row in v.rows("weapons"):
        if row["weapon"]:
            by_weapon.setdefault(row["weapon"], []).append(row["term"])
    return Words(kill, hurt, alt("person"), alt("group"), alt("child"), alt("military"), alt("police"),
                 re.compile(rf"\b{any_first}(?:{kill}|{hurt}|no\s+one|nobody|none|among)\b", re.I),
                 re.compile(rf"\b{kill_first}(?:{kill})\b", re.I), re.compile(rf"\b{hurt_first}(?:{hurt})\b", re.I),
                 re.compile(rf"\b{both_first}(?:{kill}|{hurt})\b", re.I),
                 tuple((name, re.compile(rf"\b{vocab.alternation(terms)}\b", re.I)) for name, terms in by_weapon.items()),
                 re.compile("|".join(rf"\b(?P<w{n}>{vocab.alternation(terms)})\b" for n, terms in enumerate(by_weapon.values())), re.I),
                 frozenset(v.terms("not_settlements")))


UPDATE = re.compile(r"\b(?:death\s+toll|toll|number\s+of\s+(?:those\s+)?(?:dead|killed|injured|wounded|victims|casualties)|"
                    r"number\s+of\s+people\s+(?:killed|injured|wounded))\b[^.]{0,120}?\b"
                    r"(?:rose|risen|has\s+risen|climbed|increased|reached|rises|jumped|grew|stands|stood|"
                    r"remained|remains|is\s+now|was\s+now|now\s+stands)\b|"
                    r"\bbring(?:ing|s)?\s+the\s+(?:(?:death\s+)?toll|number\s+of\s+(?:dead|killed|injured|wounded|victims))\b", re.I)
_TOTAL_WORDS = ("total", "in all", "altogether", "overall", "combined", "across")
TOTAL = re.compile(r"\b(?:in\s+total|in\s+all|altogether|overall|a\s+total\s+of|combined|across\s+the\s+(?:region|country))\b", re.I)
AMONG = re.compile(r"(?:^|[.;]\s*|\bwere\s+|\bwas\s+|\bare\s+|\bis\s+)among\s+(?:the\s+|those\s+)?(?:dead|killed|injured|wounded|victims|casualties)\b", re.I)
PARTITIVE = re.compile(rf"\b(?:{COUNT})\s+of\s+(?:the\s+|those\s+)?(?:injured|wounded|dead|killed|victims|them|casualties)\b", re.I)
_PARTITIVE_TAIL = re.compile(r"\sof\s+(?:the\s+|those\s+)?(?:injured|wounded|dead|killed|victims|them|casualties)\b", re.I)  # a cheap look first
DENIAL = re.compile(r"\b(?:no\s+(?:one|body)|nobody|none|no\s+(?:immediate\s+|initial\s+)?(?:reports?\s+of\s+)?(?:damage\s+or\s+)?"
                    r"(?:casualties|injuries|deaths|fatalities|victims|one\s+was)|without\s+(?:causing\s+|leaving\s+|any\s+)*(?:casualties|injuries|victims)|"
                    r"no\s+(?:people|civilians|residents)\s+were)\b(?:[^.]{0,40}?\b(?:hurt|injured|killed|wounded|harmed|died|reported|casualties))?", re.I)
HEDGED = re.compile(r"\bno\s+(?:immediate|initial)\b|\bnot\s+immediately\b", re.I)
# Words that open an incident of its own: "another attack", "a second strike", "separately", "also hit"
# (not "another 13 people were wounded", nor "the second man").
NEW_INCIDENT = re.compile(r"\b(?:another|an?\s+(?:second|third|separate|further|new|previous|earlier)|separate)\s+(?:[\w-]+\s+){0,2}?"
                          r"(?:attack|strike|shelling|bombing|barrage|raid|incident)s?\b|\bseparately\b|\balso\s+hit\b"
                          r"|^\W*earlier,?\s+it\s+(?:was|had\s+been)\s+reported\b"  # an earlier report: its own row
                          r"|^\W*meanwhile\b"  # the story turns to another place or side
                          r"|^\W*another\s+(?:[\w-]+\s+){0,2}?(?:was|were)\s+(?:attacked|hit|struck|targeted|shelled)\b", re.I)
# An office after a place's name ("Kharkiv regional authorities", "the Enerhodar mayor").
_OFFICE = (r"(?:regional\s+|city\s+|oblast\s+|region['’]s\s+|district\s+)?(?:governor|mayor|military\s+administration|"
           r"administration|officials|authorities|council|police|prosecutor")
ATTRIBUTIVE_AFTER = re.compile(rf"^\s*{_OFFICE}|head|Governor|Mayor|River|river|axis|direction|front)", re.I)
ATTRIBUTIVE_BEFORE = re.compile(r"(?:according\s+to\s+(?:the\s+)?|governor\s+of\s+|mayor\s+of\s+|head\s+of\s+(?:the\s+)?|"
                                r"(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?\s+of\s+|km\s+(?:from|of)\s+|"
                                r"kilometres\s+(?:from|of)\s+|flights?\s+to\s+|taken\s+to\s+(?:a\s+)?hospital\s+in\s+|"
                                r"hospital\s+in\s+|from\s+)$", re.I)
BEARING_BEFORE = re.compile(r"(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?\s+of\s+$|km\s+(?:from|of)\s+$|kilometres\s+(?:from|of)\s+$", re.I)

_COUNT_THEN = re.compile(rf"\b({COUNT})\b", re.I)
_AGE_CHILD = re.compile(rf"\b(\d{{1,2}}|{NUMBER_WORDS})[\s-]year[\s-]old\s+(?:boy|girl|son|daughter|child|teenager|student|brother|sister|pupil)?", re.I)
# A birth year is no count of people ('a woman born in 1955', 'a man, born 1960,').
_BIRTH_YEAR = re.compile(r"\bborn\s+(?:in\s+)?(?:19|20)\d\d\b", re.I)


@dataclass
class Mention:
    """Casualty figures read from one unit, before incidents are merged."""

    unit: Unit
    pos: int  # offset of the first trigger
    killed: Count | None = None
    injured: Count | None = None
    children_killed: int | None = None
    children_injured: int | None = None
    victims: list[str] = field(default_factory=list)
    denial: bool = False
    update: bool = False
    total: bool = False
    among: bool = False
    new_incident: bool = False
    own_place: bool = False  # a share told with its own place ("one in the Bryansk region"): no refining
    severe: set[str] = field(default_factory=set)  # slots holding only a 'seriously injured' share


@dataclass
class Incident:
    """One attack at one place on one date, with every mention merged in."""

    country: str | None
    region: str | None
    place: str | None
    date: str | None
    date_text: str | None
    weapon: str | None
    perpetrator: str | None
    killed: Count | None = None
    injured: Count | None = None
    children_killed: int | None = None
    children_injured: int | None = None
    victims: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    denial: bool = False
    total: bool = False
    multi_region: bool = False
    evidence: Unit | None = None
    units: list[Unit] = field(default_factory=list)
    updated: bool = False  # told as a toll that rose ("the death toll rose to six")
    regional: bool = False  # told of "the oblast" as a whole, so no town's incident


@example("A woman born in 1955 was killed when a drone hit her house in Nikopol.", "casualties",
         {"place": "Nikopol", "killed": 1})
@example("A Russian strike killed one person and injured another in Nikopol.", "casualties",
         {"place": "Nikopol", "killed": 1, "injured": 1})
@example("A drone hit a bus in Kherson, injuring five people. Officials said the victims were hospitalised with "
         "wounds.", "casualties", {"place": "Kherson", "injured": 5})
def count_people(phrase: str) -> Count | None:
    """How many people a phrase names: '36 others' -> 36, 'a man and his wife' -> 2, 'dozens' -> vague."""
    phrase = _BIRTH_YEAR.sub(" ", _PEOPLE_END.split(phrase)[0])
    match = _COUNT_THEN.search(phrase)
    if match and match.start() < 25 and not re.match(r"\s*(?:-year|year|km|kilomet|%|a\.m|p\.m)", phrase[match.end():]):
        count = parse_count(match.group(1))
        if count is not None:
            return count
    end = _count_at_end().search(phrase)
    if end:  # "The preliminary estimates suggest two people (were killed)": the count just before the verb
        return parse_count(end.group(1))
    if _ANOTHER_ALONE.match(phrase):
        return Count(1, "exact")  # "killed one person and injured another"
    people = 0
    w = words()
    parts = re.split(r"\s+and\s+|,\s+", phrase) if re.search(r",[^,]+\band\b", phrase) else re.split(r"\s+and\s+", phrase.split(",")[0])
    for part in parts:
        if re.search(r"\b(?:a|the|an?\s+\w+)\s+couple\b", part, re.I):
            people += 2
            continue
        one = _one_person().match(part)
        if one and not re.search(rf"\b(?:{w.group})\b", part, re.I) and not _PLURAL_END.search(one.group(0)):
            people += 1  # "a man", "his wife"; not "the victims", which points back to a figure
    return Count(people, "exact") if people else None


_PLURAL_END = re.compile(r"[^s]s$", re.I)
_ANOTHER_ALONE = re.compile(r"^\s*(?:another|one\s+more|one\s+other)(?=\s*$|\s*[,.;]|\s+(?:in|at|on|near|when|as|after|while|and)\b)", re.I)
_PEOPLE_END = re.compile(r",\s*(?:including|among|most|many|some|all|the\s+youngest|aged)\b|\s+aged\b|\s+including\b")


# The patterns below are built from word lists once per vocabulary: compiled where they are used,
# they would be parsed again whenever they fell out of the re module's small cache.
@vocab.compiled
@example("The preliminary estimates suggest two people were killed and seven more injured in Kharkiv.", "casualties",
         {"place": "Kharkiv", "killed": 2, "injured": 7})
def _count_at_end(v: vocab.Vocabulary) -> re.Pattern[str]:
    """A count and its people noun that end a phrase ('... suggest two people')."""
    w = words()
    return re.compile(rf"(?<![\w,.-])({COUNT})\s+(?:more\s+|other\s+)?(?:{w.person}|{w.group})\s*$", re.I)


@vocab.compiled
def _one_person(v: vocab.Vocabulary) -> re.Pattern[str]:
    """One person, a determiner and a person noun ('a man', 'his elderly mother'), at a phrase's start."""
    return re.compile(r"^\s*(?:a|an|the|his|her|their|one|another|its)\b[^,]*?\b(?:" + words().person + r")\b", re.I)


@vocab.compiled
def _children_count(v: vocab.Vocabulary) -> re.Pattern[str]:
    """A count of children ('two children', 'three other kids')."""
    return re.compile(rf"\b({COUNT})\s+(?:other\s+)?(?:{words().child})\b", re.I)


@example("A drone hit a bus in Kherson, injuring a four-year-old girl and her mother.", "casualties",
         {"place": "Kherson", "injured": 2, "children_injured": 1})
def count_children(phrase: str) -> int | None:
    """Children a phrase names: 'two children' -> 2, 'a 12-year-old boy' -> 1, 'her 12-year-old son' -> 1."""
    match = _children_count().search(phrase)
    if match:
        count = parse_count(match.group(1))
        return count.value if count else None
    ages = [age for age in map(_age, _AGE_CHILD.findall(phrase)) if age is not None and age < 18]
    if ages:
        return len(ages)
    if _ONE_CHILD.search(phrase):
        return 1
    return None


def _age(words: str) -> int | None:
    """An age as written: '12' or 'four'."""
    return int(words) if words.isdigit() else words_to_int(words)


_ONE_CHILD = re.compile(r"\b(?:a|an|one|the|his|her|their)\s+(?:young\s+|little\s+)?(?:boy|girl|child|baby|infant|toddler|teenager)\b", re.I)


def _clause_after(text: str, end: int) -> str:
    """Words after a trigger up to the next clause edge or trigger."""
    return _clause_edge().split(text[end:end + 120])[0].strip()


@vocab.compiled
def _clause_edge(v: vocab.Vocabulary) -> re.Pattern[str]:
    """What ends the words after a trigger: a clause edge or the next trigger."""
    w = words()
    return re.compile(rf"[.;:]|\s+(?:and\s+)?(?:{w.kill}|{w.hurt})\b|\s+(?:when|after|as|in|at(?!\s+(?:least|most))|on|near|while|from|by|who|which|that|during|since|inside|outside)\s|,\s+(?:according|officials|the|said|police|he|she|it|they|\w+\s+said)\b",
                      re.I)


_VERB_BEFORE_TRIGGER = re.compile(
    r"\s+(?:were|was|had\s+been|have\s+been|has\s+been|are|is|may\s+have\s+been|"
    r"might\s+have\s+been|were\s+being|had|have|remained|also|reportedly|been|all|each|"
    r"(?:sustained|suffered|received)(?:\s+(?:shrapnel|minor|serious|severe|light|moderate|multiple|"
    r"gunshot|blast|burn|head|leg|life-threatening|fatal))*|got|were\s+left|was\s+left|confirmed|"
    r"reported|officially|(?:had|have|has)\s+been\s+(?:confirmed|reported))\s*$", re.I)
_INCLUDING_COUNT = re.compile(rf",?\s*(?:including|among\s+them)\s+((?:{COUNT}))\s*$", re.I)


def _clause_before(text: str, start: int) -> str:
    """Words before a trigger back to the clause start (appositives, ages and places dropped)."""
    head = text[max(0, start - 160):start]
    head = re.sub(r"\b(?:aged|ages)\s+\d+(?:\s*(?:,|and)\s*\d+)*", "", head)
    head = _VERB_BEFORE_TRIGGER.sub("", head)
    inner = _INCLUDING_COUNT.search(head)
    if inner:
        return inner.group(1)  # "1,100 casualties, including at least 100 killed": the hundred were killed
    head = re.sub(r",\s*(?:including|among\s+them)\s[^,]*,?\s*$", " ", head, flags=re.I)
    head = re.sub(r"\s+(?:of|from|in|at|on|near)\s+(?:the\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*\s*$", "", head)
    head = _person_pairs().sub(lambda m: m.group(0).replace(" and ", " & "), head)  # "a man and a woman" stays whole
    pieces = [p for p in re.split(r"[.;:“«]|\s[—–-]\s|\b(?:and|when|after|while|but|as|that|which|who|where)\b|x{2,}", head, flags=re.I)]
    last = pieces[-1] if pieces else ""
    commas = [c.strip().replace(" & ", " and ") for c in re.split(r",(?!\d{3}\b)", last)]  # "4,700" is one number
    if len(commas) >= 2 and not commas[-1] and re.match(r"^(?:an?|the)\s", commas[-2], re.I):
        return commas[-2]  # "The driver, a 52-year-old man, sustained wounds"
    filled = [c for c in commas if c]
    return commas[-1] if commas[-1] or not filled else filled[-1]


@vocab.compiled
@example("Drones attacked Belgorod — three people were injured, the governor reported.", "casualties",
         {"place": "Belgorod", "injured": 3})
@example("In Irpin, two residents, a man and a woman, were killed by a drone, the mayor said.",
         "casualties", {"place": "Irpin", "killed": 2})
def _person_pairs(v: vocab.Vocabulary) -> re.Pattern[str]:
    """Two people joined by 'and' ('a man and a woman', 'a woman and her son')."""
    person = words().person
    np = rf"(?:a|an|the|his|her|their|one)\s+(?:[\w-]+\s+){{0,2}}?(?:{person})"
    return re.compile(rf"\b{np}\s+and\s+{np}\b", re.I)


@vocab.compiled
def _trigger_not_of_the(v: vocab.Vocabulary) -> re.Pattern[str]:
    """A killed or injured word that no 'of the' follows in its sentence."""
    w = words()
    return re.compile(rf"\b(?:{w.kill}|{w.hurt})\b(?![^.]*\bof\s+the\b)", re.I)


@example("A missile hit an apartment block in Zaporizhzhia, killing one person. Two children were among the "
         "wounded, said the city council secretary, adding that 25 needed hospital treatment.", "casualties",
         {"place": "Zaporizhzhia", "killed": 1, "injured": 25, "children_injured": 2})
@example("A drone was shot down over the Chernihiv region overnight. No damage or casualties have been "
         "reported, the governor said.", "casualties", {"region": "Chernihiv Oblast", "killed": 0, "injured": 0})
@example("A drone hit a car in Belgorod; a member of the territorial defence was injured.", "casualties",
         {"place": "Belgorod", "injured": 1})
@example("Two drones hit homes in Sumy overnight, injuring a minor, the governor said.", "casualties",
         {"place": "Sumy", "injured": 1})
@example("A drone hit a house in Sumy overnight; no one died, the governor said.", "casualties",
         {"place": "Sumy", "killed": 0, "injured": None})
def mentions_in(unit: Unit) -> Mention | None:
    """The casualty figures of one unit, if it states any (or denies any)."""
    text = masked = unit.text
    w = words()
    if not w.any_trigger.search(text) and not ("toll" in text.lower() and UPDATE.search(text)):
        return _bodies(unit)  # (a bare "the toll rose to five" is a death toll too)
    low = text.lower()  # cheap looks for the words each pattern needs, before the patterns run
    partitive = PARTITIVE.search(masked) if " of " in low and _PARTITIVE_TAIL.search(masked) else None
    if partitive and not _trigger_not_of_the().search(masked[:partitive.start()]):
        return None
    mention = Mention(unit, pos=0)
    mention.update = ("toll" in low or "number of" in low) and bool(UPDATE.search(masked))
    mention.total = any(k in low for k in _TOTAL_WORDS) and _is_total(masked)
    mention.among = "among" in low and bool(AMONG.search(masked))
    mention.new_incident = bool(NEW_INCIDENT.search(masked))
    denial = DENIAL.search(masked)
    if denial and re.search(r"hurt|injur|kill|wound|casualt|harm|death|died|victim|dead", denial.group(0) + masked[denial.end():denial.end() + 40], re.I):
        mention.denial = True
        mention.pos = denial.start()
        if HEDGED.search(masked) and not unit.places:
            return None
        if re.search(r"casualt|no\s+(?:one|body)\s+was\s+(?:killed\s+or\s+)?(?:hurt|injured|harmed)|nobody", denial.group(0), re.I) \
                or re.search(r"killed\s+or\s+(?:injured|hurt|wounded)", masked[denial.start():denial.end() + 30], re.I):
            mention.killed = mention.injured = Count(0, "exact")
        elif re.search(r"kill|dead|death|died", denial.group(0), re.I):  # "no one died": no deaths, injuries untold
            mention.killed = Count(0, "exact")
        else:
            mention.killed = mention.injured = Count(0, "exact")
        return mention
    if mention.among:
        if not _among(mention):
            return None
        spans = [(m.start(), m.end()) for m in AMONG.finditer(masked)]
        told = False  # "Two children were among the wounded, ..., adding that 25 needed hospital treatment"
        for slot, rx in (("killed", w.kill_re), ("injured", w.hurt_re)):
            for match in rx.finditer(text):
                if not any(a <= match.start() < b for a, b in spans):
                    told |= _read(mention, match, slot)
        mention.among = not told
        return mention
    found = False
    if mention.update:
        found = _update(mention)
    if not found:
        mention.update = False
        for match in w.kill_re.finditer(text):
            found |= _read(mention, match, "killed")
        for match in w.hurt_re.finditer(text):
            found |= _read(mention, match, "injured")
    if mention.killed is None:
        found |= _bodies(unit, mention) is not None
    return mention if found else None


# A death told as a body recovered: "the body of an elderly man was recovered", "rescuers pulled three
# bodies from the rubble", "two more bodies were found".
_BODY_VERB = r"(?:recovered|found|pulled|retrieved|removed|discovered|unearthed|extracted)"
_BODIES = re.compile(rf"\bbod(?P<one>y)?(?:ies)?\s+of\s+(?:(?P<k>{COUNT})|an?)\s+[^.;]{{0,80}}?\b{_BODY_VERB}\b"
                     rf"|\b(?P<k2>{COUNT})\s+(?:more\s+|other\s+)?bodies\s+(?:(?:were|have\s+been|had\s+been)\s+)?(?:\w+\s+)?{_BODY_VERB}\b"
                     rf"|\b{_BODY_VERB}\s+(?:out\s+)?(?:the\s+)?(?:(?P<k3>{COUNT})\s+(?:more\s+)?bodies|bod(?P<one2>y)?(?:ies)?\s+of\s+(?:(?P<k4>{COUNT})|an?)\s)", re.I)


@example("A shell killed three people in Kherson on Saturday. On Sunday the toll rose to five.", "casualties",
         {"place": "Kherson", "killed": 5})
@example("In Mykolaiv, rescuers said the body of an elderly man was recovered from a house hit by a drone, with "
         "another five people injured.", "casualties", {"place": "Mykolaiv", "killed": 1, "injured": 5})
@example("Rescuers pulled three bodies from the ruins of a block in Odesa after the strike.", "casualties",
         {"place": "Odesa", "killed": 3})
@example("Law enforcement bodies of the region said a drone hit a school in Sumy.", "casualties")
@example("A shell killed three people in Kherson on Saturday. Two more bodies were found under the rubble on Sunday, "
         "bringing the toll to five.", "casualties", {"place": "Kherson", "killed": 5})
def _bodies(unit: Unit, mention: Mention | None = None) -> Mention | None:
    """A unit's deaths told as bodies recovered (into mention where given), None where it tells none."""
    match = _BODIES.search(unit.text) if "bod" in unit.text.lower() else None
    if match is None or UPDATE.search(unit.text):
        return None  # "two more bodies were found, bringing the toll to five": the toll is the figure
    words_ = match.group("k") or match.group("k2") or match.group("k3") or match.group("k4")
    if words_ is None and not (match.group("one") or match.group("one2")):
        return None  # "the bodies of residents" give no count
    mention = mention or Mention(unit, pos=match.start())
    mention.killed = parse_count(words_) if words_ else Count(1, "exact")
    return mention


# Triggers that are nouns: their count stands just before them ("232 civilian deaths", "at least 21
# fatalities", "34 injuries"); "N casualties" adds killed and injured together, so it fills neither.
NOUN_TRIGGERS = ("death", "deaths", "fatality", "fatalities", "injury", "injuries", "casualties")
_COUNT_BEFORE_NOUN = re.compile(rf"\b({COUNT})\s+(?:(?:new|more|other|confirmed|reported|civilian|military|"
                                rf"additional|further)\s+){{0,2}}$", re.I)


_COUNT_NEXT = re.compile(rf"\s*(?:{COUNT})\s", re.I)
_COMBINED = re.compile(r"\s+(?:or|and)\s+(?:seriously\s+|severely\s+|critically\s+)?(?:wounded|injured|hurt)\b", re.I)
_COMBINED_BEFORE = re.compile(r"\b(?:killed|dead)\s+(?:or|and)\s+(?:seriously\s+|severely\s+|critically\s+)?$", re.I)


@example("Medics hospitalized a 35-year-old man with a blast injury in Chuhuiv, the governor reported.",
         "casualties", {"place": "Chuhuiv", "injured": 1})
@example("Prosecutors in Poltava confirmed 14 fatalities and 52 injuries after Tuesday's missile strike.",
         "casualties", {"region": "Poltava Oblast", "killed": 14, "injured": 52})

def _noun_count(text: str, match: re.Match) -> Count | None | bool:
    """The count standing just before a noun trigger ('21 fatalities'), False where none does."""
    before = _COUNT_BEFORE_NOUN.search(text[max(0, match.start() - 60):match.start()])
    return parse_count(before.group(1)) if before else False


@example("In Dnipro, a missile hit an apartment block, killing 12 people. A total of 40 residents were "
         "rescued and 58 were injured.", "casualties", {"place": "Dnipro", "killed": 12, "injured": 58})
@example("More than 2,000 soldiers have been killed or wounded near Kursk, the commander said.", "casualties")
def _is_total(text: str) -> bool:
    """True where a total word governs a casualty figure in its clause ('a total of 12 people were
    injured'; not 'a total of 39 people were saved, 75 were injured')."""
    for match in TOTAL.finditer(text):
        start = max(text.rfind(c, 0, match.start()) for c in ",;.") + 1
        after = match.end() + 1 if text[match.end():match.end() + 1] == "," else match.end()  # "In total, ..."
        ends = [i for i in (text.find(c, after) for c in (",", ";", ".", " and ")) if i >= 0]
        if words().trigger_re.search(text, start, min(ends) if ends else len(text)):
            return True
    return False


@example("In Nikopol, 14 residents needed medical help after shelling hit the town centre.",
         "casualties", {"region": "Dnipropetrovsk Oblast", "injured": 14})
@example("A shell hit a house in Urazovo. A man sustained shrapnel wounds and then died of his injuries. Another two "
         "residents were seriously injured.", "casualties", {"place": "Urazovo", "killed": 1, "injured": 2})
@example("A drone hit Shostka. A 52-year-old woman died of her injuries in hospital. Another woman was injured.",
         "casualties", {"place": "Shostka", "killed": 1, "injured": 1})
def _read(mention: Mention, match: re.Match, slot: str) -> bool:
    """Fill a slot (killed or injured) from a trigger and the people it governs."""
    text = mention.unit.text
    word = match.group(0).lower()
    if word in NOUN_TRIGGERS:
        count = _noun_count(text, match)
        if count is not False:
            if count is None or word == "casualties":
                return False
            return _fill_slot(mention, match, slot, count, "")
    if word in ("lives", "life"):
        before = text[max(0, match.start() - 30):match.start()]
        if re.search(r"\blost\s+(?:his|her|their)\s*$", before, re.I):
            word = "died"  # "one person has lost his life": the people stand before
        elif not re.search(r"claim\w*\s+the\s*$", before, re.I):
            return False
    if word in ("dead",) and re.search(r"\bthe\s*$", text[:match.start()]):
        return False
    if word == "casualties":
        slot = "injured"
    if slot == "injured" and (_DIED_OF.search(text, max(0, match.start() - 40), match.start())
                              or _THEN_DIED.match(text, match.end())):
        return False  # "died of her injuries", "sustained wounds and later died": a death, no injury
    adjective = _count_before_adjective(text, match) if word in ("injured", "wounded", "killed", "dead") else None
    if adjective is not None:  # "information on eight injured residents": the count stands before the word
        return _fill_slot(mention, match, slot, adjective[0], adjective[1])
    count = None
    victims = ""
    after = _clause_after(text, match.end())
    after = _OBJECT_OPENING.sub("", after) if _OBJECT_WORD.match(after) else after
    active = bool(_COUNT_NEXT.match(text[match.end():match.end() + 80])) \
        or bool(_active_object().match(text, match.end()))  # "troops killed 4 civilians", "medics hospitalized a man"
    if not active and (_COMBINED.match(text, match.end()) or slot == "injured" and _COMBINED_BEFORE.search(text, 0, match.start())):
        return False  # "3,000 troops have been killed or wounded": one figure for both, neither's own
    if word in ("death", "deaths", "injuries", "injury", "life", "lives") or _HURT_VERB.match(word) \
            and (active or not _passive_before(text, match.start())):
        if word in ("death", "deaths", "injuries", "injury") and not re.match(r"^(?:of|to)\b", text[match.end():].strip(), re.I):
            count = None
        else:
            count = count_people(after)
            victims = after
    left_words = None
    if count is None and word not in ("life", "lives"):
        left_words = _clause_before(text, match.start())
        if re.search(r"\b(?:left|leaving|leave|leaves)\s+(.+)$", left_words, re.I):
            left_words = re.search(r"\b(?:left|leaving|leave|leaves)\s+(.+)$", left_words, re.I).group(1)
        if _BARE_AND.fullmatch(left_words or "") or not (left_words or "").strip():
            left_words = _subject_of_earlier_verb(text, match.start()) or left_words  # "A man was wounded and then died"
        left_words = " ".join((left_words or "").split()[-8:])
        left_words = re.split(r"\b(?:reported|said|says|confirmed|announced|stated|claimed|wrote|added)\b", left_words)[-1].strip()
        count = count_people(left_words) if left_words else None
        victims = left_words or ""
    if count is None:
        return False
    return _fill_slot(mention, match, slot, count, victims)


_HURT_VERB = re.compile(r"(?:kill|injur|wound|hurt|hospitali[sz]e?)(?:ed|ing|s|d)?$")
_BARE_AND = re.compile(r"\s*(?:and|but)?\s*(?:then|later|subsequently|soon)?\s*", re.I)


def _subject_of_earlier_verb(text: str, start: int) -> str | None:
    """The people before the previous casualty word of a clause ('A man sustained wounds and then
    died': the man), where the words right before this one are only 'and then'."""
    offset = max(0, start - 120)
    verbs = list(_HURT_WORD.finditer(text, offset, start))
    return (_clause_before(text, verbs[-1].start()) or None) if verbs else None


_HURT_WORD = re.compile(r"\b(?:sustained|suffered|received|was|were)\b", re.I)
_DIED_OF = re.compile(r"\b(?:died|dies|dying|succumbed)\s+(?:of|from|to)\s+(?:his|her|their|the)?\s*(?:[\w-]+\s+)?$", re.I)
_THEN_DIED = re.compile(r"[^.;,]{0,30}?\b(?:and|but)\s+(?:later|then|subsequently|soon|also\s+)?\s*(?:died|passed\s+away)\b", re.I)
_MONTH_BEFORE = re.compile(rf"\b{vocab.alternation(MONTHS, group=False)}\.?\s+$", re.I)
_COUNT_JUST_BEFORE = re.compile(rf"(?<![\w.,-])({COUNT})\s+$", re.I)


@example("A drone hit Kherson. There was information on eight injured residents, the governor said.", "casualties",
         {"place": "Kherson", "injured": 8})
@example("A drone attack on Kremenchuk on the evening of Sept. 3 killed two people.", "casualties",
         {"place": "Kremenchuk", "killed": 2})
def _count_before_adjective(text: str, match: re.Match) -> tuple[Count, str] | None:
    """(count, victims) where the trigger is an adjective between a count and its people ('eight
    injured residents', 'two dead civilians')."""
    before = _COUNT_JUST_BEFORE.search(text, max(0, match.start() - 40), match.start())
    person = _person_right_after().match(text, match.end())
    if before is None or person is None or _COUNT_NEXT.match(text[match.end():match.end() + 80]) \
            or _MONTH_BEFORE.search(text, max(0, before.start() - 12), before.start()):
        return None  # "on Sept. 3 killed two people": a day and a verb, no adjective
    count = parse_count(before.group(1))
    return (count, text[before.start(1):person.end()]) if count is not None else None


@vocab.compiled
def _person_right_after(v: vocab.Vocabulary) -> re.Pattern[str]:
    """People named right after a word ('residents', 'civilians'), with at most one word between."""
    person = vocab.alternation(v.terms("casualty_words", role="person"))
    return re.compile(rf"\s+(?:[\w-]+\s+)?{person}\b", re.I)
_OBJECT_WORD = re.compile(r"^(?:the\s+)?(?:lives?|life|of|to)\b", re.I)
_OBJECT_OPENING = re.compile(r"^(?:the\s+)?(?:lives?\s+of|li(?:fe|ves)\s+of|of|to)\s+", re.I)


@vocab.compiled
def _active_object(v: vocab.Vocabulary) -> re.Pattern[str]:
    """A person as the object right after a verb ('... hospitalized a 35-year-old man')."""
    person = vocab.alternation(v.terms("casualty_words", role="person"))
    return re.compile(rf"\s+(?:a|an|the|his|her|their)\s+(?:[\w-]+\s+){{0,3}}?{person}\b", re.I)


# Words that make a figure a share of the hurt, not all of them ("three people were seriously injured").
_SEVERE = re.compile(r"\b(?:seriously|severely|critically|gravely|badly)\s+(?:\w+\s+)?$", re.I)


@example("In Kharkiv, at least 5 people were wounded in a Russian attack, three people were seriously injured, "
         "the governor said.", "casualties", {"place": "Kharkiv", "injured": 5})
@example("In Kherson, two people were critically injured when shelling hit a market; 14 people were injured "
         "in all, the governor said.", "casualties", {"place": "Kherson", "injured": 14})
def _fill_slot(mention: Mention, match: re.Match, slot: str, count: Count, victims: str) -> bool:
    """Put a trigger's count, children and victims into a mention."""
    text = mention.unit.text
    severe = bool(_SEVERE.search(text, max(0, match.start() - 30), match.start()))
    old = getattr(mention, slot)
    if old is None or (slot in mention.severe and not severe) or (_better(count, old) and not severe):
        setattr(mention, slot, count)
        mention.severe.discard(slot)
        if severe:
            mention.severe.add(slot)
        if not mention.pos:
            mention.pos = match.start()
    children = count_children(victims) or count_children(_including(text, match.end(), _next_trigger(text, match.end())))
    if children:
        name = "children_killed" if slot == "killed" else "children_injured"
        setattr(mention, name, (getattr(mention, name) or 0) + children if getattr(mention, name) != children else children)
    if victims:
        victims = re.split(r",\s+(?!including|among)|\s+(?:according\s+to|said|reported)\b", victims)[0]
        mention.victims.append(_ARTICLE.sub("", victims.strip(" ,"))[:80])
    return True


_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.I)


def _including(text: str, end: int, stop: int | None = None) -> str:
    """The 'including two children' / 'among them a girl' words that follow a trigger (before the next one)."""
    match = re.match(r"^[^.;]{0,60}?,?\s*(?:including|among\s+them|among\s+whom)\s+([^.;,]+)", text[end:stop], re.I)
    return match.group(1) if match else ""


def _next_trigger(text: str, end: int) -> int | None:
    """Where the next killed/injured word after an offset stands, if any."""
    match = words().trigger_re.search(text, end)
    return match.start() if match else None


def _passive_before(text: str, start: int) -> bool:
    """True where a trigger is passive or stative ('were injured', 'three people killed') and its
    people stand before it."""
    before = text[max(0, start - 40):start]
    if re.search(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\s+$", before, re.I):
        return False  # "on Sept. 3 killed two": a date, not a count
    return bool(re.search(r"\b(?:were|was|been|be|are|is|remain(?:ed)?|got)\s+(?:\w+\s+)?$", before, re.I)
                or _people_before().search(before))


@vocab.compiled
def _people_before(v: vocab.Vocabulary) -> re.Pattern[str]:
    """A person noun or a number just before a trigger ('three people killed')."""
    return re.compile(rf"\b(?:{words().person}|\d+|{NUMBER_WORDS})\s+$", re.I)


def _better(new: Count, old: Count) -> bool:
    """True where a new count is more informative than an old one (exact beats vague)."""
    rank = {"exact": 3, "at_least": 2, "approx": 2, "at_most": 2, "vague": 0}
    return rank[new.qualifier] > rank[old.qualifier]


_TO_COUNT = re.compile(rf"\b(?:to|at|of)\s+({COUNT})\b", re.I)  # "the toll rose to six"
_HURT_COUNT = re.compile(rf"\b({COUNT})\s+(?:people|others|residents|civilians)?\s*(?:were|are|have\s+been)?\s*"
                         rf"(?:being\s+treated\s+for\s+injuries|injured|wounded|hurt|hospitali[sz]ed)", re.I)


def _update(mention: Mention) -> bool:
    """Read an updated toll ('the death toll had risen to six, and 41 people were being treated')."""
    text = mention.unit.text
    found = False
    for match in UPDATE.finditer(text):
        after = _TO_COUNT.search(text[match.end():match.end() + 40])
        if after is None:
            after = _TO_COUNT.search(text[match.start():match.end()])
            if after is not None:
                after = _TO_COUNT.search(text[match.end() - len(after.group(0)):match.end() + 40])
        if not after:
            continue
        count = parse_count(after.group(1))
        slot = "injured" if re.search(r"injur|wound", match.group(0), re.I) else "killed"
        setattr(mention, slot, count)
        mention.pos = match.start()
        found = True
        rest = mention.unit.text[match.end() + after.end():]
        hurt = _HURT_COUNT.search(rest)
        if hurt and slot == "killed":
            mention.injured = parse_count(hurt.group(1))
        own_children = count_children(_including(rest, 0, hurt.start() if hurt else None))
        if own_children:
            setattr(mention, "children_killed" if slot == "killed" else "children_injured", own_children)
        children = count_children(_including(rest, hurt.end()) if hurt else "")
        if children:
            mention.children_injured = children
    return found


def _among(mention: Mention) -> Mention | None:
    """Children named 'among the dead/wounded' (a part of an incident told before, not a new count)."""
    text = mention.unit.text
    for match in re.finditer(r"(?:among\s+(?:the\s+|those\s+)?(dead|killed|injured|wounded|victims|them)\b(?:\s+(?:were|was))?\s+([^.;]*))|"
                             r"(([^.;]*?)\s+(?:were|was|are|is)\s+among\s+(?:the\s+|those\s+)?(dead|killed|injured|wounded|hurt))", text, re.I):
        if match.group(1):
            kind, phrase = match.group(1).lower(), match.group(2)
        else:
            kind, phrase = match.group(5).lower(), match.group(4)
        children = count_children(phrase)
        if not children:
            continue
        if kind in ("dead", "killed"):
            mention.children_killed = children
        else:
            mention.children_injured = children
    return mention if (mention.children_killed or mention.children_injured) else None


# ---- places, weapons, sides ---------------------------------------------------------------
def incident_places(unit: Unit) -> list[PlaceMention]:
    """Places in a unit that can be where something happened (not a speaker's title or a river);
    a place named only as a bearing ('west of Pokrovsk') counts where no other place is named."""
    strong = _incident_places(unit, weak=False)
    return strong or _incident_places(unit, weak=True)


def _incident_places(unit: Unit, weak: bool) -> list[PlaceMention]:
    """Incident places of a unit; with weak=True also those named as a bearing from somewhere."""
    out = []
    for m in unit.places:
        rel = m.start - unit.start
        if ATTRIBUTIVE_AFTER.match(unit.text[m.end - unit.start:]) and not re.match(r"^\s*(?:region|oblast|province)\b", unit.text[m.end - unit.start:], re.I):
            continue
        if ATTRIBUTIVE_BEFORE.search(unit.text[max(0, rel - 40):rel]):
            if not (weak and BEARING_BEFORE.search(unit.text[max(0, rel - 40):rel])):
                continue
        out.append(m)
    return out


def weapon_of(text: str) -> str | None:
    """The spec's weapon word for a sentence; None where several kinds of weapon are named."""
    w = words()
    found = {int(m.lastgroup[1:]) for m in w.any_weapon.finditer(text)}
    hits = [name for n, (name, _) in enumerate(w.weapons) if n in found]
    if not hits:
        return None
    if "debris" in hits:
        return "debris"
    specific = [h for h in hits if h not in ("strike", "airstrike")]
    if "glide bomb" in specific:
        specific = [h for h in specific if h != "airstrike"]
    if len(set(specific)) > 1:
        return None
    return specific[0] if specific else hits[0]


@example("Serhiy Popko, head of Kyiv's military administration, said a drone attack on the capital caused no "
         "casualties.", "casualties", {"place": "Kyiv", "killed": 0, "perpetrator": "Russia"})
def perpetrator_of(text: str, country: str | None) -> str | None:
    """The attacking side: a 'Russian'/'Ukrainian' attack word, else the other side of the place."""
    match = re.search(r"\b(Russian|Ukrainian|Russia|Ukraine|Moscow|Kyiv)(?:['’]s)?\s+(?:\w+\s+){0,2}?"
                      r"(?:strikes?|shelling|drones?|missiles?|artillery|attacks?|forces|troops|units|"
                      r"bombs?|glide|guided|aircraft|army|military|rockets?|shells?|ballistic|airstrikes?)"
                      r"(?!\s+(?:administrations?|authorit(?:y|ies)|officials?|governors?|command|intelligence|spokes\w+))", text)
    if match:
        return "Russia" if match.group(1) in ("Russian", "Russia", "Moscow") else "Ukraine"
    if re.search(r"\b(?:Russia|Russian forces)\s+(?:struck|attacked|hit|launched|pounded|shelled)", text):
        return "Russia"
    return {"Ukraine": "Russia", "Russia": "Ukraine"}.get(country or "")


def victim_type(victims: list[str]) -> str:
    """civilian, military, police or mixed, from the victims' words."""
    said = " ".join(victims)
    kinds = set()
    w = words()
    if re.search(rf"\b(?:{w.police})\b", said, re.I):
        kinds.add("police")
    if re.search(rf"\b(?:{w.military})\b", said, re.I):
        kinds.add("military")
    if re.sub(rf"\b(?:{w.police}|{w.military})\b", "", said, flags=re.I).strip(" ,;") and not kinds:
        kinds.add("civilian")
    if kinds == {"police", "military"}:
        return "police"  # police officers are "servicemen" in much wire copy
    if not kinds:
        return "civilian"
    return kinds.pop() if len(kinds) == 1 else "mixed"


# ---- reading a unit into located groups ------------------------------------------------------
_EARLIER_YEAR = re.compile(r"\b(?:last|previous)\s+year\b|\byears?\s+ago\b|\bin\s+(?:(?:early|late|mid-?)\s*)?(?:[A-Z][a-z]+\s+)?"
                           r"(?:of\s+)?(?P<year>(?:19|20)\d\d)\b")


@example("A guided bomb killed three people in Kramatorsk on Tuesday. Two earlier strikes hit the city: one "
         "killed 13 in June last year, and the other killed more than 60 at the station in April 2022.",
         "casualties", {"place": "Kramatorsk", "killed": 3}, published="2024-09-25")
@example("Shelling killed two civilians in Horlivka on Wednesday, a man born in 1961 and a woman born in 1958.",
         "casualties", {"place": "Horlivka", "killed": 2}, published="2025-01-22")
@example("The monitors counted 230 civilian deaths in Ukraine during the month, up by half over the same period in "
         "2024.", "casualties", {"country": "Ukraine", "killed": 230}, published="2025-07-10")
def _in_an_earlier_year(ctx: Context, unit: Unit) -> bool:
    """True where a sentence's figures belong to an earlier year than the article's ('in June last
    year', 'in April 2022', 'two years ago'): background, not the news."""
    if ctx.published is None:
        return False
    for match in _EARLIER_YEAR.finditer(unit.text):
        if _NOT_WHEN.search(unit.text, max(0, match.start() - 40), match.start()):
            continue  # "the war, which began in 2022, has killed", "over the same period in 2024"
        if match.group("year") is None or int(match.group("year")) < ctx.published.year:
            return True
    return False


_NOT_WHEN = re.compile(r"\b(?:since|born|began|begun|started|broke\s+out|launched|period|than|compared\s+(?:with|to)|from|"
                       r"beginning|start)\b[\s,]*(?:\w+\s+){0,2}$", re.I)


@example("A drone hit a bus in the village of Zolochiv in the morning, killing two people.\n\nAnother car was "
         "attacked by a drone in the evening. A man was injured.", "casualties",
         {"place": "Zolochiv", "killed": 2, "injured": None}, {"killed": None, "injured": 1})
def _opened_before(ctx: Context, unit: Unit) -> bool:
    """True where the sentence just before, in the same paragraph and with no figure of its own,
    opens another incident ('Another car was attacked this evening. A man was injured.')."""
    if unit.index == 0:
        return False
    before = ctx.units[unit.index - 1]
    return (before.paragraph == unit.paragraph and bool(NEW_INCIDENT.search(before.masked))
            and not words().any_trigger.search(before.text))


_REGIONS_OF_BEFORE = re.compile(r"\bin\s+the\s+(?:regions|oblasts|provinces)\s+of\s+$", re.I)
# "The governors of the Bryansk and Rostov regions reported damage, but no casualties": each region's denial.
_OFFICES_OF_BEFORE = re.compile(r"\b(?:governors|heads|authorities|officials)\s+of\s+(?:the\s+)?$", re.I)


@example("Russian forces also struck Poltava, Sumy and Chernihiv oblasts, causing damage but no casualties.",
         "casualties", {"region": "Poltava Oblast", "killed": 0}, {"region": "Sumy Oblast", "killed": 0},
         {"region": "Chernihiv Oblast", "killed": 0})
@example("The governors of the Bryansk and Kaluga regions reported property damage, but no casualties.", "casualties",
         {"region": "Bryansk Oblast", "killed": 0, "injured": 0}, {"region": "Kaluga Oblast", "killed": 0, "injured": 0})
def located_mentions(ctx: Context, unit: Unit) -> list[tuple[Mention, list[PlaceMention], bool]]:
    """The unit's casualty figures split by the place each belongs to: (mention, places, multi-region)."""
    mention = mentions_in(unit)
    if mention is None or _in_an_earlier_year(ctx, unit):
        return []
    mention.new_incident = mention.new_incident or _opened_before(ctx, unit)
    places = [m for m in incident_places(unit) if m.place.kind in ("city", "region")]
    scenes = _scenes(ctx, unit, places)
    elsewhere = _elsewhere(unit)
    if not places:  # "a strike on the capital killed three", "... in other regions, leaving nine dead"
        places = [m for m in scenes if m.place.kind == "city"] or elsewhere[:1]
    known = places
    grouping = sorted({id(m): m for m in places + _unknown_settlements(unit, places) + scenes
                       + elsewhere}.values(), key=lambda m: m.start)
    if mention.denial and len({p.place.region for p in places}) >= 2 and _is_list(unit, places) \
            and (_ATTACK.search(unit.text) or _REGIONS_OF_BEFORE.search(unit.text[:places[0].start - unit.start])
                 or _OFFICES_OF_BEFORE.search(unit.text[:places[0].start - unit.start])) \
            and not re.search(r"\b(?:over|above)\s+(?:the\s+)?$", unit.text[:places[0].start - unit.start]):
        return [(mention, [p], False) for p in places]  # "struck A, B and C oblasts, inflicting no casualties"
    if mention.denial or mention.among or mention.update or len(grouping) < 2:
        return [(mention, places, _is_list(unit, places))]
    shares = _shares(unit, mention, grouping)
    if shares:
        return shares
    places = grouping
    reads = _reads(unit)
    if len({(r[0], ) for r in reads}) < 2:
        return [(mention, places, _is_list(unit, places))]
    groups: list[tuple[list, PlaceMention | None, int]] = []
    breaks = [m.start() for m in NEW_ATTACK.finditer(unit.text)]
    for read in reads:
        place = _place_of_read(unit, read[0], places)
        era = sum(1 for b in breaks if b < read[0])  # reads after "a second attack" are another incident
        for group in groups:
            if (group[1] is place or (group[1] and place and group[1].place == place.place)) and group[2] == era:
                group[0].append(read)
                break
        else:
            groups.append(([read], place, era))
    if len(groups) < 2:
        return [(mention, known, _is_list(unit, known))]
    out = []
    for reads_of_group, place, era in groups:
        sub = Mention(unit, pos=reads_of_group[0][0], total=mention.total, new_incident=mention.new_incident or era > 0)
        for _, slot, count, victims in reads_of_group:
            if getattr(sub, slot) is None or _better(count, getattr(sub, slot)):
                setattr(sub, slot, count)
            sub.victims.append(victims)
        out.append((sub, [place] if place else [], False))
    return out


# One share of a figure told place by place: "4 - in Bakhmut", "one in the Bryansk region", "another
# in the city of Sevastopol", "two people in Konstantinovka".
_SHARE = re.compile(rf"(?<![\w-])(?P<k>{COUNT}|another|an?(?=\s+(?:\d{{1,3}}-year-old\s+)?(?:man|woman|boy|girl|child|teenager|resident)\b))"
                    rf"(?P<each>\s+each)?(?:\s+more)?(?:\s+\d{{1,3}}-year-old)?"
                    rf"(?:\s+(?:people|persons?|civilians?|residents?|men|women|man|woman|boy|girl|child|teenager|of\s+them))?"
                    rf"\s*(?:[-–—]\s*)?(?:(?:was|were)\s+\w+\s+)?(?:in|near|at|from|of)\s+"
                    rf"(?P<each_of>\[?each\s+of(?:\s+the)?(?:\s+(?:settlements|villages|towns|cities|communities|hromadas)\s+of)?\]?\s+)?"
                    rf"(?:the\s+)?(?:(?:city|town|village|settlement|community)\s+of\s+)?", re.I)
# Between places that share one figure each ("one in each of Siversk, Krasnohorivka and Chasiv Yar").
_EACH_GAP = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")
# Between two shares: separators, and the kind of place the last one was ("in Lyman hromada, one ...").
_SHARE_GAP = re.compile(r"\s*(?:hromada|community|district|raion|region|oblast|village|town|city)?"
                        r"(?:\s+in\s+[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?\s+(?:hromada|community|district|raion))?"
                        r"[\s,;()]*(?:and\s+)?")  # a colon opens the list: what stands before it is the total


_LISTED_NAME = re.compile(r"[A-Z][a-z'’-]{2,}(?:[ -][A-Z][a-z'’-]+)?")


def _each_places(unit: Unit, first: PlaceMention, places: list[PlaceMention]) -> list[PlaceMention]:
    """The places listed after the first of a figure told 'each' ('one in each of A, B and C'),
    names the gazetteer lacks included (their region comes from the context)."""
    known = {p.start - unit.start: p for p in places}
    out, end = [], first.end - unit.start
    while True:
        gap = _EACH_GAP.match(unit.text, end)
        if gap is None:
            return out
        at = gap.end()
        place = known.get(at)
        if place is None:
            name = _LISTED_NAME.match(unit.text, at)
            if name is None or name.group(0).split()[0].lower() in words().not_settlements:
                return out
            place = PlaceMention(unit.start + at, unit.start + name.end(), name.group(0),
                                 Place(name.group(0), "city", None, None, None, None))
        out.append(place)
        end = place.end - unit.start


@example("Shelling wounded 4 people in Kherson Oblast: one in [each of the villages of] Bilozerka, Tiahynka, "
         "Antonivka and Kozatske.", "casualties", {"place": "Bilozerka", "injured": 1}, {"place": "Tiahynka", "injured": 1},
         {"place": "Antonivka", "injured": 1}, {"place": "Kozatske", "injured": 1})
@example("Russians killed 5 residents of the Donetsk region on Sunday: two in Pokrovsk, and one in each of "
         "Siversk, Toretsk and Lyman.", "casualties", {"place": "Pokrovsk", "killed": 2}, {"place": "Siversk", "killed": 1},
         {"place": "Toretsk", "killed": 1}, {"place": "Lyman", "killed": 1})
@example("Russian shelling killed five civilians in the Donetsk region: 3 - in Pokrovsk, 2 - in Kostiantynivka.",
         "casualties", {"place": "Pokrovsk", "killed": 3}, {"place": "Kostiantynivka", "killed": 2})
@example("Two people were injured in Ukrainian drone attacks, one in the Kursk region and another in the city "
         "of Belgorod.", "casualties", {"region": "Kursk Oblast", "injured": 1}, {"region": "Belgorod Oblast", "injured": 1})
@example("Over the past day, Russians killed three people in Zarichne in Lyman hromada, one person in Toretsk and "
         "one person in Siversk, the governor of the Donetsk region said.", "casualties", {"place": "Zarichne", "killed": 3},
         {"place": "Toretsk", "killed": 1}, {"place": "Siversk", "killed": 1})
@example("Russian troops killed 4 civilians of Donetsk region on Monday: 3 - in Siversk, 1 - in Lyman. Another "
         "9 people were wounded.", "casualties", {"place": "Siversk", "killed": 3}, {"place": "Lyman", "killed": 1},
         {"region": "Donetsk Oblast", "place": None, "killed": None, "injured": 9})
@example("In Kharkiv Oblast, separate attacks injured a 64-year-old man in the village of Zolochiv and a 56-year-old "
         "man in Bohodukhiv, the governor said.", "casualties", {"place": "Zolochiv", "injured": 1},
         {"place": "Bohodukhiv", "injured": 1})
def _shares(unit: Unit, mention: Mention, places: list[PlaceMention]) -> list[tuple[Mention, list[PlaceMention], bool]]:
    """A figure split place by place ('two people were injured, one in the Bryansk region and another
    in the city of Sevastopol'; '7 killed: 4 - in Bakhmut, 1 - in Druzhba'): a mention per place,
    and one for the figure of the other slot that was not split; [] where there is no such list."""
    text = unit.text
    items: list[tuple[re.Match, PlaceMention]] = []
    for match in _SHARE.finditer(text):
        place = next((p for p in places if p.start - unit.start == match.end()), None)
        if place is None:
            continue
        if items and not _SHARE_GAP.fullmatch(text, items[-1][1].end - unit.start, match.start()):
            if len(items) >= 2:
                break
            items = []
        items.append((match, place))
        if match.group("each") or match.group("each_of"):
            items += [(match, p) for p in _each_places(unit, place, places)]
    if len(items) < 2:
        return []
    triggers = [(m.start(), slot) for slot, rx in (("killed", words().kill_re), ("injured", words().hurt_re))
                for m in rx.finditer(text, 0, items[0][0].start() + 1)]
    if not triggers:
        return []
    slot = max(triggers)[1]
    out = []
    for match, place in items:
        count = Count(1, "exact") if match.group("k").lower() in ("another", "a", "an") else parse_count(match.group("k"))
        if count is None:
            return []
        out.append((Mention(unit, pos=match.start(), total=mention.total, own_place=True, **{slot: count}), [place], False))
    other = "injured" if slot == "killed" else "killed"
    if getattr(mention, other) is not None:
        rest = Mention(unit, pos=mention.pos, total=mention.total, own_place=True, new_incident=True,
                       **{other: getattr(mention, other)})
        used = {id(p) for _, p in items}
        out.append((rest, [p for p in places if id(p) not in used and p.place.country], False))
    return out


_CAPITAL = re.compile(r"\bthe\s+(?:(?P<side>Ukrainian|Russian)\s+)?capital\b(?!\s+(?:city|region))", re.I)
_REGIONAL_CAPITAL = re.compile(r"\bthe\s+(?:regional|region['’]s|oblast|provincial|province['’]s)\s+(?:capital|cent(?:er|re))\b", re.I)
# A clause that opens a further attack in the same sentence: "... and a second Russian attack on the
# regional capital hours later injured 25".
NEW_ATTACK = re.compile(r"\b(?:a|the)\s+(?:second|third|separate|new|further|later)\s+(?:[\w-]+\s+){0,2}?"
                        r"(?:attack|strike|shelling|bombing|barrage)\b|\banother\s+(?:[\w-]+\s+)?(?:attack|strike)\b", re.I)
_COUNTRY_SCENE = re.compile(r"\b(?:in|across|throughout)\s+(?:the\s+)?$", re.I)


@example("Russian missiles killed at least 12 civilians in Ukraine overnight, with eight deaths in the "
         "capital, Kyiv.", "casualties", {"country": "Ukraine", "region": None, "killed": 12},
         {"region": "Kyiv", "killed": 8})
@example("A glide bomb on a market in Kherson killed three people and injured 11, and a second attack on the "
         "regional capital hours later injured six.", "casualties", {"place": "Kherson", "killed": 3, "injured": 11},
         {"place": "Kherson", "killed": None, "injured": 6})
def _scenes(ctx: Context, unit: Unit, places: list[PlaceMention]) -> list[PlaceMention]:
    """Places a unit names without a gazetteer name of their own, for telling its figures apart:
    'the capital' (Kyiv, or Moscow where the text says Russian), and a country named as where
    ('killed 10 civilians in Ukraine')."""
    out = []
    regions = [m.place.region for m in places if m.place.region]
    for match in _REGIONAL_CAPITAL.finditer(unit.text):
        capital = lookup(re.sub(r"\s+(?:Oblast|Krai|Region)$", "", regions[-1])) if regions else None
        if capital is not None and capital.kind == "city":
            out.append(PlaceMention(unit.start + match.start(), unit.start + match.end(), match.group(0), capital))
    for match in _CAPITAL.finditer(unit.text):
        if _REGIONAL_CAPITAL.match(unit.text, match.start()):
            continue
        side = (match.group("side") or "").lower()
        capital = lookup("Moscow" if side == "russian" or (not side and _about_russia(unit, places)) else "Kyiv")
        start = unit.start + match.start()
        out.append(PlaceMention(start, unit.start + match.end(), match.group(0), capital))
    for m in unit.places:
        if m.place.kind == "country" and _COUNTRY_SCENE.search(unit.text[max(0, m.start - unit.start - 20):m.start - unit.start]) \
                and not re.match(r"['’]s\b", unit.text[m.end - unit.start:]):  # "in Russia's Kursk region" is Kursk
            out.append(PlaceMention(m.start, m.end, m.surface, Place(m.place.name, "country", m.place.country, None, None, None)))
    return out


_ELSEWHERE = re.compile(r"\b(?:in|across)\s+(?:the\s+)?other\s+(?:[\w-]+\s+)?(?:(?P<regions>regions|oblasts|provinces)|"
                        r"settlements|villages|towns|communities|districts|areas|cities|parts\s+of\s+the\s+(?:region|oblast|province))\b"
                        r"|(?:(?<=\binjured\s)|(?<=\bwounded\s)|(?<=\bkilled\s))(?:across|elsewhere\s+in|throughout)\s+the\s+"
                        r"(?:region|oblast|province)\b", re.I)


@example("In Donetsk Oblast, one man was killed in Kurakhove and four more people were wounded in other "
         "settlements of the region, the governor said.", "casualties", {"place": "Kurakhove", "killed": 1},
         {"region": "Donetsk Oblast", "place": None, "injured": 4})
@example("In the Donetsk region, one person was killed in Kurakhove and five more injured across the region, the "
         "governor said.", "casualties", {"place": "Kurakhove", "killed": 1, "injured": None},
         {"region": "Donetsk Oblast", "place": None, "injured": 5})
def _elsewhere(unit: Unit) -> list[PlaceMention]:
    """'in other regional settlements', 'in other regions': no place, but another one than the place
    named before it, so that its figure is a row of its own (its region from context, or none for
    other regions)."""
    return [PlaceMention(unit.start + m.start(), unit.start + m.end(), m.group(0),
                         Place("", "region" if m.group("regions") else "city", None, None, None, None))
            for m in _ELSEWHERE.finditer(unit.text)]


def _about_russia(unit: Unit, places: list[PlaceMention]) -> bool:
    """True where the places a unit names lie in Russia."""
    countries = [m.place.country for m in places]
    return bool(countries) and all(c == "Russia" for c in countries)


_SETTLEMENT_IN = re.compile(r"\b(?:in|near|outside|of)\s+(?:the\s+(?:village|town|city|settlement)\s+of\s+)?"
                            r"([A-Z][a-z'’-]{3,}(?:[ -][A-Z][a-z'’-]+)?)\b(?!['’]s)")


_POSSESSIVE_IN_NAME = re.compile(r"['’]s\b")


def _names_a_day(name: str) -> bool:
    """True for a capitalised name that ends in a weekday or month ('Palm Sunday', 'Orthodox Easter' aside)."""
    last = name.split()[-1].lower()
    return last in WEEKDAYS or last in MONTHS


@example("A 43-year-old man has been killed in Ukraine's Kherson region following a Russian attack.", "casualties",
         {"region": "Kherson Oblast", "killed": 1})
@example("\"On this bright day of Palm Sunday, more than 20 people were killed,\" the mayor of Sumy said.", "casualties",
         {"region": "Sumy Oblast", "place": None, "killed": 20})
def _unknown_settlements(unit: Unit, known: list[PlaceMention]) -> list[PlaceMention]:
    """Places the gazetteer does not hold, named as 'in Mykolaivka' / 'residents of Lyman', so that
    figures in one sentence can still be told apart by place (their region comes from context)."""
    out = []
    for match in _SETTLEMENT_IN.finditer(unit.text):
        name = match.group(1)
        start = unit.start + match.start(1)
        if name.split()[0].lower() in words().not_settlements or lookup(name) is not None or _names_a_day(name) \
                or any(k.start <= start < k.end for k in known) or _POSSESSIVE_IN_NAME.search(name):
            continue  # "in Ukraine's Kherson region": a country and its region, no unknown village
        out.append(PlaceMention(start, start + len(name), name, Place(name, "city", None, None, None, None)))
    return out


def _place_of_read(unit: Unit, pos: int, places: list[PlaceMention]) -> PlaceMention | None:
    """The place a figure belongs to: the next one named in the same clause ('killing two in
    Kharkiv'), else the last one named before it ('In Kharkiv, ... killing two')."""
    for p in places:
        rel = p.start - unit.start
        if rel > pos and not re.search(r"[,;.]", unit.text[pos:rel]) and rel - pos < 120:
            return p
    before = [p for p in places if p.start - unit.start < pos]
    located = [p for p in before if re.search(r"\b(?:in|at|near|outside|around|of|on)\s+(?:the\s+)?(?:\w+\s+){0,3}$",
                                              unit.text[max(0, p.start - unit.start - 40):p.start - unit.start], re.I)]
    if located:
        return located[-1]  # "In Nikolaev, which is controlled by Kiev, one was injured": not the agent's city
    return before[-1] if before else (places[0] if places else None)


@example("One person was reported wounded in Toretsk and another in Hirnyk, the governor said.", "casualties",
         {"place": "Toretsk", "injured": 1}, {"place": "Hirnyk", "injured": 1})
def _reads(unit: Unit) -> list[tuple[int, str, Count, str]]:
    """Every (offset, slot, count, victims) a unit's triggers give, one trigger at a time."""
    reads = []
    for slot, pattern in (("killed", words().kill_re), ("injured", words().hurt_re)):
        for match in pattern.finditer(unit.text):
            probe = Mention(unit, pos=0)
            if _read(probe, match, slot) and getattr(probe, slot) is not None:
                reads.append((match.start(), slot, getattr(probe, slot), " ".join(probe.victims)))
                more = _AND_ANOTHER_IN.match(unit.text, match.end(), min(len(unit.text), match.end() + 80))
                if more:  # "wounded in Toretsk and another in Hirnyk": one more, at the next place
                    count = parse_count(more.group("n")) if more.group("n") else Count(1, "exact")
                    reads.append((more.start("more"), slot, count, more.group("more").strip()))
    return sorted(reads)


_AND_ANOTHER_IN = re.compile(rf"[^.;]*?(?P<more>\band\s+(?:(?P<n>{COUNT})\s+(?:more|others?)|another(?:\s+one)?)\s+(?:in|at|near)\s+(?=[A-Z]))", re.I)


@example("Russian drones hit Odesa and the river port of Izmail overnight, killing one person and injuring "
         "eight.\n\nIn Izmail, drone debris injured six people, the city administration said.", "casualties",
         {"region": "Odesa Oblast", "place": None, "killed": 1, "injured": 8}, {"place": "Izmail", "injured": 6})
@example("A Russian drone killed a man in the village of Tiahynka, Kherson region.", "casualties",
         {"region": "Kherson Oblast", "place": "Tiahynka", "killed": 1})
def _without_own_regions(unit: Unit, ordered: list[PlaceMention]) -> list[PlaceMention]:
    """Places in order without a region written after a settlement of it ('Tiahynka, Kherson region'):
    the settlement's address, no second place of a list."""
    out: list[PlaceMention] = []
    for p in ordered:
        prev = out[-1] if out else None
        if prev is not None and p.place.kind == "region" and prev.place.kind == "city" \
                and prev.place.region in (None, p.place.region) \
                and _ADDRESS_GAP.fullmatch(unit.text, prev.end - unit.start, p.start - unit.start):
            continue
        out.append(p)
    return out


_ADDRESS_GAP = re.compile(r"\s*,\s*(?:in\s+)?(?:the\s+)?")


def _is_list(unit: Unit, places: list[PlaceMention]) -> bool:
    """True where a unit names several places as one list, the scene of one summary ('the Bryansk
    and Kursk regions', 'in Odesa and the Danube port of Izmail'): several regions, or several
    settlements of one region."""
    regions = {p.place.region for p in places}
    names = {p.place.name for p in places}
    if len(regions) < 2 and (len(names) < 2 or any(p.place.kind != "city" for p in places)):
        return False
    ordered = _without_own_regions(unit, sorted(places, key=lambda p: p.start))
    if len(ordered) < 2:
        return False
    while len(ordered) > 2 and ordered[-1].place.kind == "region" and {p.place.region for p in ordered[:-1]} == {ordered[-1].place.region} \
            and re.fullmatch(r"\s+in\s+(?:the\s+)?", unit.text[ordered[-2].end - unit.start:ordered[-1].start - unit.start]):
        ordered = ordered[:-1]  # "the city of Toretsk and the village of Zarichne in Donetsk Oblast"
    for a, b in zip(ordered, ordered[1:]):
        gap = unit.text[a.end - unit.start:b.start - unit.start]
        if not re.fullmatch(r"[\s,]*(?:and\s+)?(?:the\s+)?|\s*regions?\s*,?\s*(?:and\s+)?(?:the\s+)?"
                            r"|[\s,]*and\s+(?:the\s+)?(?:[\w-]+\s+){0,3}(?:port|city|town|village)\s+of\s+", gap, re.I):
            return False
    return True


# ---- assembling incidents --------------------------------------------------------------------
def extract_casualties(ctx: Context) -> list[dict]:
    """Casualty rows of an article: one per incident, figures merged and updated."""
    incidents: list[Incident] = []
    for unit in ctx.units:
        for mention, places, multi in located_mentions(ctx, unit):
            _add(ctx, incidents, unit, mention, places, multi)
    incidents = [i for i in incidents if _has_figure(i) and not _covered_aggregate(i, incidents)
                 and not _lead_summary(ctx, i, incidents) and not _vague_nowhere(i)]
    return [_row(ctx, n, i) for n, i in enumerate(incidents, start=1)]


def _add(ctx: Context, incidents: list[Incident], unit: Unit, mention: Mention,
         places: list[PlaceMention], multi: bool) -> None:
    """Merge a mention into its incident, or open a new one."""
    source = ctx.speaker_at.get(unit.index)
    if mention.among:
        if incidents:
            target = incidents[-1]
            target.children_killed = mention.children_killed or target.children_killed
            target.children_injured = mention.children_injured or target.children_injured
            _add_source(target, source)
        return
    if mention.update and incidents:
        regions = {p.place.region for p in places} or {m.place.region for m in unit.places if m.place.kind in ("city", "region")}
        target = next((i for i in reversed(incidents) if not i.denial and not i.total
                       and (not regions or i.region in regions)), None)
        if target is None:
            target = incidents[-1] if not places else None
    else:
        target = None
    if target is not None:
        for slot in ("killed", "injured"):
            if getattr(mention, slot) is not None:
                setattr(target, slot, getattr(mention, slot))
        target.children_injured = mention.children_injured or target.children_injured
        target.evidence = unit
        _add_source(target, source)
        return
    where = _where(ctx, unit, places, multi, incidents, mention.pos, mention.own_place)
    span = _span(unit)
    if span == "long" and victim_type(mention.victims) == "military":
        return  # a campaign's losses of soldiers ("300 soldiers killed since autumn") are no incident
    wide = _country_wide(unit) if not places else None
    if wide is not None and (where is not None or wide):
        where, places = (wide or where[0], None, None), []
        mention.total = True
    period, tally = span is not None, False
    in_the_region = bool(re.search(r"\b(?:in|across|throughout)\s+the\s+(?:region|oblast|province)\b", unit.text, re.I))
    if period and (in_the_region or span == "day") and not places and where is not None:
        mention.total = True  # "over the past day (in the region)": the oblast's tally (a row if nothing adds up to it)
    elif span == "long" and not places:
        where = _tally_country(ctx, unit, where)  # a month's or a year's toll: the country's, no region
        mention.total = True
    elif span == "long" and _opens_with_span(unit):
        mention.total = tally = True  # "Since its liberation, over 400 civilians were killed in the city": its tally
    elif mention.total and not places and where is not None:
        where = (where[0], None, None)
        mention.total = True
    elif period and places and all(p.place.kind == "region" for p in places):
        mention.total = True  # "over the past day" in a whole oblast: a tally of incidents
    if where is None:
        return
    country, region, place = where
    date, date_text = _date_of(ctx, unit, incidents) if not mention.update else (None, None)
    if tally:
        date = None  # a toll over weeks or months has no one day
    weapon = _weapon(ctx, unit)
    new = Incident(country, region, place, date, date_text, weapon,
                   perpetrator_of(unit.text, country) or perpetrator_of(_paragraph_text(ctx, unit), country),
                   mention.killed, mention.injured, mention.children_killed, mention.children_injured,
                   list(mention.victims), [], mention.denial, mention.total, multi, unit, [unit], mention.update,
                   regional=_regional(ctx, unit, places))
    _add_source(new, source)
    target = None if mention.new_incident else _match(incidents, new)
    if target is None:
        incidents.append(new)
        return
    _merge(target, new, unit)


@example("Russians killed a man in Kostiantynivka, the governor said. In the Kherson region, the governor said, "
         "four residents were wounded over the past day.\n\nSeparately, four Donetsk Oblast residents were "
         "wounded in a day, another official reported.", "casualties", {"place": "Kostiantynivka", "killed": 1},
         {"region": "Kherson Oblast", "injured": 4}, {"region": "Donetsk Oblast", "place": None, "injured": 4})
def _regional(ctx: Context, unit: Unit, places: list[PlaceMention]) -> bool:
    """True for figures told of a region as a whole ('in the oblast', 'four residents of the region
    were wounded in a day'): they complete no town's incident."""
    if not places:
        return _the_region(ctx, unit) is not None
    return _span(unit) == "day" and all(p.place.kind == "region" for p in places)


@example("The mayor of Kherson, Roman Mrochko, said on Telegram that 12 people had been wounded by shelling on "
         "Monday in various parts of the city.", "casualties", {"region": "Kherson Oblast", "place": "Kherson", "injured": 12})
def _where(ctx: Context, unit: Unit, places: list[PlaceMention], multi: bool,
           incidents: list[Incident], pos: int = 0, own_place: bool = False) -> tuple[str, str | None, str | None] | None:
    """(country, region, place) of a mention: its own places, the paragraph's, the region of whoever
    reports it, or the last incident's."""
    village = None if own_place else _named_settlement(unit.text)
    if places:
        if multi:
            countries = {p.place.country for p in places}
            regions = {p.place.region for p in places}
            if len(countries) != 1:
                return None
            return (countries.pop(), regions.pop() if len(regions) == 1 else None, None)
        chosen = (places[0] if len(places) == 1 else _place_of_read(unit, pos, places)) or places[0]
        if chosen.place.country is None and chosen.place.kind == "region":  # "in other regions"
            context = _where(ctx, unit, [], False, incidents)
            return (context[0], None, None) if context else None
        if chosen.place.country is None:  # a settlement the gazetteer lacks: its region from context
            name = chosen.place.name or None  # "in other settlements" names no place
            known = {m.place.region: m for m in incident_places(unit) if m.place.kind in ("city", "region")}
            if len(known) == 1:  # a namesake from GeoNames beside it yields to the story's region as it would
                country, region, _ = _located(ctx, unit, next(iter(known.values())), incidents)
                return country, region, name
            context = _where(ctx, unit, [], False, incidents)
            return (context[0], context[1], name) if context else None
        country, region, place = _located(ctx, unit, chosen, incidents, refine=not own_place)
        return country, region, village if village and chosen.place.kind == "region" else place
    last = next((i for i in reversed(incidents) if not i.total and not i.multi_region), None)
    if re.search(r"\bthe\s+same\s+(?:region|province|oblast|area|city|town)\b", unit.text, re.I) and last:
        return last.country, last.region, village
    named = _the_region(ctx, unit)
    if named is not None:
        return named.country, named.region, None
    office = _office_place(unit)
    if office is not None:  # "Kharkiv regional authorities reported three injuries": their region
        return office[0].country, office[0].region, village or office[1]
    for prev in ctx.earlier_in_paragraph(unit):
        prev_places = [m for m in incident_places(prev) if m.place.kind in ("city", "region")]
        if prev_places:
            country, region, place = _located(ctx, prev, prev_places[-1] if len({p.place.region for p in prev_places}) == 1
                                              else prev_places[0], incidents)
            towns = {p.place.name for p in prev_places if p.place.kind == "city"}
            return country, region, village or (place if len(towns) < 2 else None)  # after a list of towns: none of them
    reporter_region = _reporter_region(ctx, unit)
    if village is None:
        for prev in ctx.earlier_in_paragraph(unit, back=3):
            village = _named_settlement(prev.text)
            if village:
                break
    if reporter_region:
        town = reporter_region.name if reporter_region.kind == "city" and _THE_CITY.search(unit.text) else None
        return reporter_region.country, reporter_region.region, village or town
    scene = _latest_scene(ctx, unit, last)
    if scene is not None:
        country, region, place = _located(ctx, scene[0], scene[1], incidents)
        return country, region, village or place
    if last is not None and last.units[-1].section == unit.section:
        return last.country, last.region, village or (None if _new_attack(unit) else last.place)
    countries = [m.place.country for m in unit.places if m.place.kind == "country"
                 and not _AGENT_AFTER.match(unit.text, m.end - unit.start)]
    if countries:
        return countries[0], None, village
    main = _main_region(ctx, unit)
    if main is not None:
        return main.country, main.region, village
    return None


# A country name followed by a verb is the side acting ("as Russia continued to pound Ukraine"), not where.
_AGENT_AFTER = re.compile(r"(?:['’]s\s+\w+)?\s+(?:\w+ly\s+)?(?:has|have|had|is|was|continued|continues|launched|fired|"
                          r"attacked|struck|hit|pounded|shelled|sent|used|claimed|said|says|kept|keeps|stepped|"
                          r"intensified|targeted|bombarded|unleashed|again)\b")


_ATTACK = re.compile(r"\b(?:hit|struck|crashed|attacked|shelled|targeted|targeting|exploded|fell|landed|damaged|"
                     r"bombed|pounded|shelling|strikes?|attacks?|assaults?)\b", re.I)


@example("On Saturday a drone attack killed a man in Shebekino, Governor Vyacheslav Gladkov said.\n\nOn "
         "Sunday, a drone crashed into a house in Kursk city.\n\n\"Nobody was hurt,\" the governor said.",
         "casualties", {"place": "Shebekino", "killed": 1}, {"region": "Kursk Oblast", "killed": 0, "injured": 0})
def _latest_scene(ctx: Context, unit: Unit, last: "Incident | None") -> tuple[Unit, PlaceMention] | None:
    """The place of the latest attack told before a placeless figure ('a drone crashed into an
    apartment building in Kursk city' ... '"none of the residents were injured"'), where it is
    newer than the last incident: (its unit, the place)."""
    newest = last.units[-1].index if last is not None else -1
    for prev in reversed(ctx.units[max(0, unit.index - 6):unit.index]):
        if prev.index <= newest or prev.section != unit.section:
            return None
        if _ATTACK.search(prev.text):
            places = [m for m in incident_places(prev) if m.place.kind in ("city", "region")]
            if places:
                return prev, places[-1]
    return None


@example("Russian shelling hit the Belgorod region overnight, the governor said.\n\nIn the village of Murom, a "
         "drone dropped an explosive on a farm, injuring two workers.", "casualties",
         {"region": "Belgorod Oblast", "place": "Murom", "injured": 2})
@example("Russian forces shelled villages near the southern city of Kherson overnight, officials said. A 70-year-old "
         "man died when the village of Bilenke was hit, the governor said.", "casualties",
         {"region": "Kherson Oblast", "place": "Bilenke", "killed": 1})
@example("Russian shelling of the Zaporizhzhia region over the past day killed two people and injured one, officials "
         "said.\n\nA man was killed in the village of Bilenke, and a woman died in Kozacha Hora, the governor said.\n\n"
         "A woman was injured in the village of Petrivka, the regional administration reported.", "casualties",
         {"region": "Zaporizhzhia Oblast", "place": "Bilenke", "killed": 1},
         {"region": "Zaporizhzhia Oblast", "place": "Kozacha Hora", "killed": 1},
         {"region": "Zaporizhzhia Oblast", "place": "Petrivka", "injured": 1})
def _setting(ctx: Context, unit: Unit, incidents: list["Incident"]):
    """The region a unit's story is set in: one named in the unit or its paragraph, its reporter's,
    the last incident's if told in the paragraph before, or the one its section names most."""
    strong = [m.place for m in unit.places if m.place.kind == "city" and not m.place.weak]
    if strong:  # "the Kherson suburb of Komyshany"
        return lookup(strong[-1].region)
    for u in ctx.earlier_in_paragraph(unit, include=True):
        regions = [m.place if m.place.kind == "region" else lookup(m.place.region) for m in u.places
                   if m.place.kind == "region" or m.place.kind == "city" and not m.place.weak and m.place.region]
        if regions and regions[-1] is not None:  # "near the city of Kherson. ... the village of X was shelled"
            return regions[-1]
    found = _reporter_region(ctx, unit)
    if found is not None:
        return found
    last = next((i for i in reversed(incidents) if i.region and not i.multi_region), None)  # a region's tally sets it too
    if last is not None and unit.paragraph - last.units[-1].paragraph <= 1 and last.units[-1].section == unit.section:
        return lookup(last.region)
    return _main_region(ctx, unit)


_THE_CITY = re.compile(r"\b(?:in|across|throughout|of|around)\s+(?:[\w-]+\s+){0,3}?(?:the|this)\s+city\b(?!\s+of\b)", re.I)
_THE_REGION = re.compile(r"\b(?:in|across|throughout|of)\s+the\s+(?:oblast|region|province)\b(?!\s+of\b)", re.I)


@example("\"The Russians killed two residents of Donetsk Oblast in Siversk on Monday.\n\nAnother 9 people have "
         "been injured in the oblast,\" the governor said. Details: Russian shelling killed a man in Kharkiv Oblast.",
         "casualties", {"region": "Donetsk Oblast", "injured": 9}, {"region": "Kharkiv Oblast", "killed": 1},
         {"region": "Donetsk Oblast", "killed": 2})
def _the_region(ctx: Context, unit: Unit):
    """The region 'in the oblast' / 'in the region' points back to: the last one named before it."""
    if not _THE_REGION.search(unit.text):
        return None
    for prev in reversed(ctx.units[max(0, unit.index - 8):unit.index]):
        if prev.section != unit.section:
            break
        regions = [m.place for m in prev.places if m.place.kind == "region"]
        if regions:
            return regions[-1]
    return None


def _main_region(ctx: Context, unit: Unit):
    """The region a section names most often (the story's setting), if one stands out."""
    key = ("main_region", unit.section)
    if key not in ctx.cache:
        counts: dict[str, list] = {}
        for u in ctx.units:
            if u.section == unit.section:
                for m in u.places:
                    if m.place.kind == "region":
                        counts.setdefault(m.place.region, []).append(m.place)
        ctx.cache[key] = counts
    counts = ctx.cache[key]
    if not counts:
        return None
    ranked = sorted(counts.values(), key=len, reverse=True)
    if len(ranked) > 1 and len(ranked[0]) == len(ranked[1]):
        return None
    return ranked[0][0]


_LONG_SPAN = re.compile(r"\b(?:since|over\s+the\s+(?:past|last)(?!\s+(?:day|24\s+hours|night)\b)|in\s+the\s+(?:past|last)|"
                        r"per\s+(?:day|week|month)|a\s+(?:week|month)|weekly|monthly|this\s+year|last\s+year|"
                        r"during\s+the\s+(?:month|week|year)|in\s+the\s+first\s+half|"
                        r"(?:war|invasion|conflict),?\s+(?:which|that)\s+(?:began|started|broke\s+out)|"
                        r"(?:war|invasion|conflict)\s+(?:has|have)\s+(?:so\s+far\s+)?(?:killed|claimed))\b", re.I)


_WIDE = re.compile(r"\b(?:across|in|throughout)\s+(?:[\w-]+\s+){0,2}?(?:(?P<side>Russian|Ukrainian)\s+)?"
                   r"(?:regions|oblasts|provinces|cities|territory|territories)\b|\bacross\s+the\s+country\b|"
                   r"\b(?:attacks?|strikes|air\s+strikes?|missile\s+strikes?|barrages?|bombardments?|assaults?)\s+"
                   r"(?:on|against|across)\s+(?P<land>Ukraine|Russia)\b(?!['’])")


@example("Russian strikes killed four people and injured 30 across eight Ukrainian regions over the past day.",
         "casualties", {"country": "Ukraine", "region": None, "killed": 4, "injured": 30})
@example("A rocket killed seven people in the city of Donetsk, its mayor said. Early on Friday, Russia launched "
         "air strikes on Ukraine, killing at least 21 civilians.", "casualties",
         {"place": "Donetsk", "killed": 7}, {"country": "Ukraine", "region": None, "killed": 21})
def _country_wide(unit: Unit) -> str | None:
    """Where a unit's figures span a whole country ('across nine Ukrainian regions', 'in Russian
    regions', 'across the country'): that country ('' where the words do not say which); else None."""
    match = _WIDE.search(unit.text)
    if not match:
        return None
    return match.group("land") or {"Russian": "Russia", "Ukrainian": "Ukraine"}.get(match.group("side") or "", "")


@example("Russian attacks over the past 24 hours injured five people in the Sumy region, the regional "
         "military administration reported.", "casualties", {"region": "Sumy Oblast", "injured": 5})
@example("The UN monitoring mission said 180 civilians were killed and 900 injured across Ukraine in May.",
         "casualties", {"country": "Ukraine", "region": None, "killed": 180, "injured": 900})
@example("Kyiv estimates that 2,000 North Korean soldiers have been killed in the Kursk region since January.",
         "casualties")
@example("A drone killed two people in Sumy. The war, which began in 2022, has killed more than 12,000 civilians "
         "in Ukraine, UN monitors say.", "casualties", {"region": "Sumy Oblast", "killed": 2},
         {"country": "Ukraine", "region": None, "killed": 12000})
def _span(unit: Unit) -> str | None:
    """'day' where a unit's figures are a daily tally ('over the past 24 hours'), 'long' where they
    cover weeks or months ('in March', 'since the start of the year'), None for one attack."""
    if any(d.kind in ("period", "month") for d in unit.dates) or _LONG_SPAN.search(unit.text):
        return "long"
    return "day" if any(d.kind == "past_day" for d in unit.dates) else None


@example("A drone hit a bus in Kherson on Tuesday, injuring five people. Since the city's liberation, over 400 "
         "civilians were killed and over 1,700 wounded in and around Kherson.", "casualties",
         {"place": "Kherson", "killed": None, "injured": 5}, {"place": "Kherson", "killed": 400, "injured": 1700, "date": None})
@example("A drone killed two people in Kharkiv on Monday, the deadliest strike on the city since March. The "
         "strike also injured five.", "casualties", {"place": "Kharkiv", "killed": 2, "injured": 5})
@example("Drones killed four people in Odesa on Monday, officials said. The attack came nearly a week after a strike "
         "on Odesa last Tuesday killed nine people.", "casualties", {"place": "Odesa", "killed": 4},
         {"place": "Odesa", "killed": 9, "date": "2025-03-04"})
def _opens_with_span(unit: Unit) -> bool:
    """True where a long span opens the sentence with figures in it ('Since the city's liberation, ...',
    'Over the past month, ...'), so they are a place's tally ('a week after ...' is no such span)."""
    span = _LONG_SPAN.match(unit.text.lstrip())
    return span is not None and words().any_trigger.search(unit.text) is not None


def _tally_country(ctx: Context, unit: Unit, where: tuple | None) -> tuple | None:
    """(country, None, None) of a long tally: the country the unit names as where (not as an agent),
    else the country of where the context put it."""
    countries = [m.place.country for m in unit.places if m.place.kind == "country"
                 and not re.match(r"\s+(?:launched|fired|attacked|struck|hit|used)\b", unit.text[m.end - unit.start:])]
    if countries:
        return countries[-1], None, None
    return (where[0], None, None) if where else None


def _named_settlement(text: str) -> str | None:
    """A place the gazetteer may not hold: 'the village of X', 'the town of X', or 'In X,' / 'in X'
    where X is a capitalised name that is no month, weekday or known body."""
    match = re.search(r"\b(?:village|town|city|settlement|hamlet|township|community)\s+of\s+([A-Z][\w'’-]+(?:[ -][A-Z][\w'’-]+)?)", text)
    if match:
        return match.group(1)
    match = re.search(r"\b([A-Z][\w'’-]+(?:[ -][A-Z][\w'’-]+)?\s+(?:hromada|community|raion))\b", text)
    if match and match.group(1).split()[0].lower() not in words().not_settlements:
        return match.group(1)
    for match in re.finditer(r"\b(?:[Ii]n|[Nn]ear|[Oo]utside)\s+([A-Z][a-z'’-]{3,}(?:[ -][A-Z][a-z'’-]+)?)\b(?!['’]s|\s+(?:region|Oblast|oblast|province|district))", text):
        word = match.group(1)
        if word.split()[0].lower() not in words().not_settlements and lookup(word) is None and not _names_a_day(word):
            return word
    return None


def _new_attack(unit: Unit) -> bool:
    """True where a unit tells of an attack of its own (a weapon striking something)."""
    return bool(re.search(r"\b(?:struck|hit|attacked|dropped|shelled|targeted)\b", unit.text, re.I))


def _reporter_region(ctx: Context, unit: Unit):
    """The region of an official who reports from the unit or its paragraph ('Belgorod Governor ...'),
    or that the speaker's title named earlier in the article."""
    found = _paragraph_reporter_region(ctx, unit)
    if found is not None:
        return found
    speaker = ctx.speaker_at.get(unit.index)
    return _titled_regions(ctx).get(speaker.split()[-1]) if speaker else None


_TITLED_AFTER_NAME = re.compile(r"\b([A-Z][a-z'’-]{2,}),\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?(?:governor|head|mayor|chief)"
                                r"\s+of\s+(?:the\s+)?$", re.I)


@example("Oleh Hryhorov, governor of Sumy province, told television that shelling continued.\n\nHryhorov "
         "said two people were killed in Russian attacks in the region on Sunday.",
         "casualties", {"region": "Sumy Oblast", "killed": 2})
@example("Source: Ivan Petrenko, Governor of Kursk Oblast; Oleg Sidorov, Governor of Bryansk Oblast\n\nSidorov "
         "claimed that there were no casualties.", "casualties", {"region": "Bryansk Oblast", "killed": 0})
def _titled_regions(ctx: Context) -> dict:
    """Surname -> the region named just before it in the article ('Belgorod Oblast Governor Vadim
    Hladilin'), the first such pairing of each name; computed once per article."""
    cache = ctx.cache.setdefault("titled_regions", {})
    if cache.get("done"):
        return cache
    for u in ctx.units:
        for m in u.places:
            if m.place.kind != "region":
                continue
            after = re.split(r"[;,.(]", u.text[m.end - u.start:m.end - u.start + 60])[0]  # not the next official's
            for name in re.findall(r"\b([A-Z][a-z'’-]{2,})\b", after):
                cache.setdefault(name, m.place)
            before = _TITLED_AFTER_NAME.search(u.text[max(0, m.start - u.start - 80):m.start - u.start])
            if before:  # "Serhiy Haidai, governor of Luhansk province"
                cache.setdefault(before.group(1), m.place)
    cache["done"] = True
    return cache


@example("A drone hit a house in Mykolaiv, injuring five people. Kharkiv regional authorities reported three "
         "injuries.", "casualties", {"region": "Mykolaiv Oblast", "injured": 5}, {"region": "Kharkiv Oblast", "injured": 3})
def _office_place(unit: Unit) -> tuple | None:
    """(place, town or None) of the office a unit's own report comes from ('Kharkiv regional authorities reported'),
    where that is the only place it names."""
    if len(unit.places) != 1 or unit.places[0].place.kind not in ("city", "region"):
        return None
    place = unit.places[0].place
    match = _OFFICE_AFTER.match(unit.text, unit.places[0].end - unit.start)
    if match is None:
        return None
    city = place.kind == "city" and not re.match(r"\s*(?:regional|oblast|region)", match.group(0), re.I)
    return place, place.name if city else None  # "the Enerhodar mayor said": the town too


_OFFICE_AFTER = re.compile(rf"\s*{_OFFICE}|prosecutors)\b", re.I)


def _paragraph_reporter_region(ctx: Context, unit: Unit):
    """The region named beside an official in the unit or its paragraph."""
    for u in ctx.earlier_in_paragraph(unit, include=True):
        for m in u.places:
            rel = m.start - u.start
            if m.place.kind == "region" or (m.place.kind == "city" and (ATTRIBUTIVE_AFTER.match(u.text[m.end - u.start:])
                                                                      or re.search(r"(?:governor|mayor|head)\s+of\s+(?:the\s+)?$", u.text[max(0, rel - 20):rel], re.I))):
                return m.place
    return None


def _located(ctx: Context, unit: Unit, chosen: PlaceMention, incidents: list[Incident],
             refine: bool = True) -> tuple[str, str | None, str | None]:
    """(country, region, place) for a chosen place; a GeoNames namesake yields to the region its
    story is set in (the village of Murom in a Belgorod report is no town of the Vladimir region)."""
    country, region, place = _spot(unit, chosen, refine)
    if chosen.place.weak:
        setting = _setting(ctx, unit, incidents)
        if setting is not None and setting.region != region:
            return setting.country, setting.region, chosen.surface
    return country, region, place


@example("One person was killed and eight injured in the Kherson region, while an elderly woman was injured in "
         "Zaporizhzhia, officials said.", "casualties", {"region": "Kherson Oblast", "killed": 1, "injured": 8},
         {"region": "Zaporizhzhia Oblast", "place": "Zaporizhzhia", "injured": 1})
def _spot(unit: Unit, chosen: PlaceMention, refine: bool = True) -> tuple[str, str | None, str | None]:
    """(country, region, place) for a chosen place, refined (unless told not to) to a city named in the
    same region or to a region named before the city."""
    p = chosen.place
    if p.kind == "country":
        return p.country, None, None
    if p.kind == "region":
        city = next((m.place for m in unit.places if m.place.kind == "city" and m.place.region == p.region
                     and refine), None)
        named = _settlement_after(unit, chosen) if refine and city is None else None
        return p.country, p.region, city.name if city else named
    before = unit.text[max(0, chosen.start - unit.start - 20):chosen.start - unit.start]
    if re.search(r"\b(?:near|outside|around|outskirts\s+of)\s+$", before, re.I) and p.region == p.name:
        return p.country, f"{p.name} Oblast", None
    named = [m for m in unit.places if m.place.kind == "region" and m.start < chosen.start
             and (p.weak or not _OTHER_CLAUSE.search(unit.text, m.end - unit.start, chosen.start - unit.start))] if refine else []
    if named and p.region not in {m.place.region for m in named}:
        return named[0].place.country, named[0].place.region, chosen.surface
    return p.country, p.region, p.name


# What parts a region named earlier from a known city after it that is told of in a clause of its
# own ('eight injured in the Kherson region, while a woman was hurt in Zaporizhzhia').
_OTHER_CLAUSE = re.compile(r"\b(?:while|whereas|but|and\s+(?:in|at|near))\b|;|\.\s")


# "residents of Donetsk Oblast in Shakhtarske", "in Donetsk Oblast, in [the village of] Podilske".
_SETTLEMENT_AFTER_REGION = re.compile(r"\s*,?\s*(?:in|near)\s+\[?(?:the\s+)?(?:(?:village|town|city|settlement|"
                                      r"urban-type\s+settlement)\s+of\s*)?\]?\s*([A-Z][a-z'’-]{3,}(?:[ -][A-Z][a-z'’-]+)?)\b"
                                      r"(?!\s+(?:Oblast|region|district|hromada|raion)\b)")


@example("The Russians killed two residents of Donetsk Oblast in Novodmytrivka on 24 April, the governor said.",
         "casualties", {"region": "Donetsk Oblast", "place": "Novodmytrivka", "killed": 2})
@example("On Monday the Russians killed a resident of Kharkiv Oblast, in [the village of] Ridkodub, the governor "
         "said.", "casualties", {"region": "Kharkiv Oblast", "place": "Ridkodub", "killed": 1})
def _settlement_after(unit: Unit, region: PlaceMention) -> str | None:
    """A settlement named right after its region, which the gazetteer lacks or holds in another region."""
    match = _SETTLEMENT_AFTER_REGION.match(unit.text, region.end - unit.start)
    if not match or match.group(1).split()[0].lower() in words().not_settlements:
        return None
    known = lookup(match.group(1))
    return match.group(1) if known is None or (known.kind == "city" and known.weak) else None


def _paragraph_text(ctx: Context, unit: Unit) -> str:
    """All text of the unit's paragraph up to and including the unit."""
    return " ".join(u.text for u in reversed(ctx.earlier_in_paragraph(unit, include=True)))


def _date_of(ctx: Context, unit: Unit, incidents: list[Incident]) -> tuple[str | None, str | None]:
    """(date, words) of a mention: its unit's date phrase, else its paragraph's, else the lead's."""
    from analysis.language.dates import best_date

    previous = incidents[-1].date if incidents else None
    for u in [*ctx.earlier_in_paragraph(unit, include=True), *_lead_of(ctx, unit)]:
        dates = [d for d in u.dates if not re.match(r"(?:by|until|as\s+of)\s", d.text, re.I)]  # report time, not event time
        if dates:
            return best_date(dates, previous)
    return None, None


_EARLIER_EVENT = re.compile(r"\b(?:previous|previously|earlier|last\s+(?:week|month|year)|ago|since|(?:19|20)\d\d)\b", re.I)


@example("Russian missiles struck the Kharkiv region on Tuesday, killing three people in Kharkiv, officials said."
         "\n\nIn Izium, two more people were killed, the governor said.", "casualties",
         {"place": "Kharkiv", "killed": 3, "date": "2025-03-04"},
         {"place": "Izium", "killed": 2, "date": "2025-03-04", "weapon": "missile"})
@example("Russian missiles struck Kharkiv on Tuesday, killing three people.\n\nA previous strike on the city "
         "killed two.", "casualties", {"place": "Kharkiv", "killed": 3, "date": "2025-03-04"},
         {"place": "Kharkiv", "killed": 2, "date": None})
def _lead_of(ctx: Context, unit: Unit) -> list[Unit]:
    """The article's lead, where a later paragraph's incident is told without its own day or weapon:
    the units of the first paragraph that names the unit's region, unless the unit tells of an
    earlier event ('a previous strike', 'last month')."""
    if _EARLIER_EVENT.search(unit.text):
        return []
    regions = {m.place.region for m in unit.places} or {m.place.region for u in ctx.earlier_in_paragraph(unit) for m in u.places}
    lead, lead_regions = _lead(ctx)
    if not lead or lead[0].paragraph == unit.paragraph or not regions & lead_regions:
        return []
    return lead


def _lead(ctx: Context) -> tuple[list[Unit], set[str | None]]:
    """The units of the article's first body paragraph and the regions they name (memoised)."""
    if "lead" not in ctx.cache:
        first = next((u for u in ctx.units if u.kind in ("body", "intro")), None)
        lead = [] if first is None else [u for u in ctx.units if u.paragraph == first.paragraph]
        ctx.cache["lead"] = lead, {m.place.region for u in lead for m in u.places}
    return ctx.cache["lead"]


def _weapon(ctx: Context, unit: Unit) -> str | None:
    """The weapon of a mention's unit, else the most specific one its paragraph (or the lead) names."""
    own = weapon_of(unit.masked)
    if own not in (None, "strike"):
        return own
    for u in [*ctx.earlier_in_paragraph(unit), *_lead_of(ctx, unit)]:
        found = weapon_of(u.masked)
        if found not in (None, "strike"):
            return found
    return own


# How many of the latest incidents a new mention is compared with (a retelling comes soon after).
MATCH_WINDOW = 40


def _towns_told_since(incidents: list[Incident], summary: Incident) -> bool:
    """True where incidents at towns of the summary's region were told after it (its details)."""
    later = incidents[incidents.index(summary) + 1:]
    return any(i.place is not None and i.region == summary.region for i in later)


@example("Five people were killed and three injured in Russian attacks on Donetsk Oblast on Sunday. \"The "
         "Russians killed five residents: two in Pokrovsk and three in Toretsk. Another 3 people were injured in "
         "the oblast,\" the governor said.", "casualties", {"place": "Pokrovsk", "killed": 2}, {"place": "Toretsk", "killed": 3},
         {"region": "Donetsk Oblast", "place": None, "killed": 5, "injured": 3},
         {"region": "Donetsk Oblast", "place": None, "killed": None, "injured": 3})
def _match(incidents: list[Incident], new: Incident) -> Incident | None:
    """An earlier incident (among the latest few) the new mention is a retelling of, if any."""
    recent = incidents[-MATCH_WINDOW:]
    firsts = [id(i.units[0]) for i in recent if i.region == new.region]
    split = {u for u in firsts if firsts.count(u) > 1}  # towns of one region told in one sentence ("one in A, two in B")
    for old in reversed(recent):
        if old.country != new.country or old.denial != new.denial or old.total or new.total:
            continue
        if (old.region is None) != (new.region is None) or (old.region and not _same_region(old.region, new.region)):
            continue
        if old.place and new.place and old.place != new.place:
            continue
        if old.date and new.date and old.date != new.date:
            continue
        if _rival(old, new) or not (_same_weapon(old.weapon, new.weapon) or _retold(old, new) or _complementary(old, new)):
            continue
        if (id(old.units[0]) in split or new.regional) and new.place is None and old.place is not None:
            continue  # a figure told after a list of towns, or of "the oblast", belongs to no town
        if new.regional and old.place is None and _towns_told_since(incidents, old):
            continue  # "... two in A, one in B. Another 3 were injured in the oblast": the oblast's own row
        if (old.place is None) != (new.place is None) and not _complementary(old, new) \
                and _larger(old if old.place is None else new, new if old.place is None else old, new.place is None):
            continue  # a regional summary and one of the incidents it adds up
        return old
    return None


@example("A Russian drone attack on the Kyiv region killed a truck driver overnight, officials said. Debris "
         "from the drone also damaged two houses, injuring three people.",
         "casualties", {"region": "Kyiv Oblast", "killed": 1, "injured": 3})
def _same_weapon(a: str | None, b: str | None) -> bool:
    """True where two weapon words can tell one attack: equal, one unknown or unspecific, or debris
    (of a downed drone or missile) beside the weapon it fell from."""
    if not a or not b or a == b or "strike" in (a, b):
        return True
    return "debris" in (a, b) and {a, b} - {"debris"} <= {"drone", "missile"}


@example("Ukraine's army said a missile strike on a training ground in the Dnipropetrovsk region killed nine "
         "soldiers. Russia's Defence Ministry said the strike had killed up to 90 servicemen.", "casualties",
         {"region": "Dnipropetrovsk Oblast", "killed": 9}, {"region": "Dnipropetrovsk Oblast", "killed": 90})
@example("A Russian missile attack on Belgorod killed a person, the governor said.\n\nAccording to him, a man "
         "was killed by shell fragments at his house. In addition, four people were injured.\n\n\"A boy suffered a "
         "shrapnel wound, and the second man has a concussion,\" he said.", "casualties",
         {"place": "Belgorod", "killed": 1, "injured": 4})
def _retold(old: Incident, new: Incident) -> bool:
    """True where a placeless mention repeats an incident's figure ('a person was killed' after 'a
    missile attack on Belgorod killed a person'), whatever weapon word each sentence uses."""
    same = [s for s in ("killed", "injured") if getattr(old, s) is not None and getattr(new, s) is not None]
    return new.place is None and bool(same) and all(getattr(old, s).value == getattr(new, s).value for s in same)


def _rival(old: Incident, new: Incident) -> bool:
    """True where another voice gives another figure for the same thing (the Ground Forces' 11
    killed, Moscow's 'up to 120'): a row of its own, with its source."""
    if not old.sources or not new.sources or set(old.sources) & set(new.sources) or old.updated or new.updated:
        return False
    ours, theirs = ({side_of(s) for s in i.sources} - {None} for i in (old, new))
    opposed = bool(ours and theirs and not ours & theirs)
    for slot in ("killed", "injured"):
        a, b = getattr(old, slot), getattr(new, slot)
        if a is None or b is None or a.value is None or b.value is None or a.value == b.value:
            continue
        if opposed or a.qualifier == b.qualifier == "exact":
            return True  # the other side's claim, or two exact figures that disagree
    return False


@example("Russian missiles hit the railway station in Kramatorsk on Friday, killing 31 people, Governor Ivan "
         "Petrenko said.\n\nAccording to Petrenko, 77 people were wounded and taken to hospitals.",
         "casualties", {"place": "Kramatorsk", "killed": 31, "injured": 77})
def _complementary(old: Incident, new: Incident) -> bool:
    """True where a mention gives only the figure an incident lacks, from its own reporter or none
    ('50 killed' in the lead, then '98 wounded' per the same official): the incident's other half."""
    fills = [slot for slot in ("killed", "injured") if getattr(new, slot) is not None]
    same_voice = not new.sources or not old.sources or bool(set(new.sources) & set(old.sources))
    apart = not set(map(id, old.units)) & set(map(id, new.units))  # groups split from one sentence stay apart
    return bool(fills) and all(getattr(old, slot) is None for slot in fills) and same_voice and not new.denial and apart


# Regions a reader counts as one when merging mentions (Sevastopol lies in Crimea).
REGION_FAMILIES = ({"crimea", "sevastopol"},)


def _same_region(a: str, b: str) -> bool:
    """True where two region names are one region, or one holds the other."""
    from analysis.language.places import region_key

    if a == b:
        return True  # canonical names: the city of Kyiv and Kyiv Oblast are two regions here
    ka, kb = region_key(a), region_key(b)
    return ka != region_key("Kyiv") and ka == kb or any({ka, kb} <= family for family in REGION_FAMILIES)


def _larger(summary: Incident, detail: Incident, told_after: bool = False) -> bool:
    """True where a placeless summary states more deaths and injuries than a detail (so it sums
    several); a placeless mention told after its detail that repeats its figure and adds another is
    the same incident told on ('a man was killed in Belgorod' ... 'In addition, four were injured')."""
    def total(i: Incident) -> int:
        return sum(c.value or 0 for c in (i.killed, i.injured) if c is not None)
    numeric = any(c is not None and c.value is not None for c in (detail.killed, detail.injured))
    shared = [(getattr(summary, s).value, getattr(detail, s).value) for s in ("killed", "injured")
              if getattr(summary, s) is not None and getattr(detail, s) is not None
              and getattr(summary, s).value is not None and getattr(detail, s).value is not None]
    if any(a < b for a, b in shared):
        return False  # an earlier, smaller toll of the same attack, not a sum of several
    if told_after and shared and all(a == b for a, b in shared):
        return False
    return numeric and total(summary) > total(detail)


# A sentence that opens with more victims of the incident told before: "Another man was injured.",
# "A further two people were wounded." (its figure adds to the incident's, not replaces it).
_MORE_PEOPLE = re.compile(r"\W*(?:another|a\s+further)\b(?!\s+(?:[\w-]+\s+){0,2}(?:attack|strike|drone|missile|shell))", re.I)


@example("Russian strikes on the Kharkiv region injured at least nine people, Governor Oleh Syniehubov said. "
         "Earlier in the day, the regional prosecutor said four had been injured.",
         "casualties", {"region": "Kharkiv Oblast", "injured": 9})
@example("A drone hit a car in Nikopol. One person was injured. Another man sustained shrapnel wounds.",
         "casualties", {"place": "Nikopol", "injured": 2})
@example("A drone hit a car in Nikopol, injuring two people. Another drone hit a house.", "casualties",
         {"place": "Nikopol", "injured": 2})
def _merge(target: Incident, new: Incident, unit: Unit) -> None:
    """Fold a retelling into its incident: exact figures beat vague ones, more detail wins."""
    changed = False
    more = _MORE_PEOPLE.match(unit.text) is not None
    for slot in ("killed", "injured"):
        old, value = getattr(target, slot), getattr(new, slot)
        if value is None:
            continue
        if more and old is not None and old.value is not None and value.value is not None:
            setattr(target, slot, Count(old.value + value.value, old.qualifier))  # "Another man was injured"
            changed = True
            continue
        if old is None or (old.value is None and (value.value is not None or _better(value, old))) \
                or (value.value is not None and value.value > old.value):
            setattr(target, slot, value)  # a figure beats a vague word; a larger figure is the later toll
            changed = True
    for slot in ("children_killed", "children_injured"):
        if getattr(new, slot):
            setattr(target, slot, max(getattr(target, slot) or 0, getattr(new, slot)))
    target.place = target.place or new.place
    target.date = target.date or new.date
    target.date_text = target.date_text or new.date_text
    if target.weapon in (None, "strike") and new.weapon:
        target.weapon = new.weapon
    target.perpetrator = target.perpetrator or new.perpetrator
    target.victims += new.victims
    for s in new.sources:
        _add_source(target, s)
    target.units.append(unit)
    if changed:
        target.evidence = unit


def _add_source(incident: Incident, source: str | None) -> None:
    """Record who reported an incident's figures."""
    if source and source not in incident.sources:
        incident.sources.append(source)


@example("Since the invasion began, Russian attacks have killed thousands of civilians.", "casualties")
def _vague_nowhere(incident: Incident) -> bool:
    """True for a vague toll with no region ('an invasion that has killed thousands of civilians'):
    nothing a reader could count or place."""
    counts = [c for c in (incident.killed, incident.injured) if c is not None]
    return incident.region is None and not incident.denial and all(c.value is None for c in counts)


def _has_figure(incident: Incident) -> bool:
    """True where a killed or injured figure is stated (a vague one counts) or denied."""
    return any(c is not None for c in (incident.killed, incident.injured))


def _lead_summary(ctx: Context, incident: Incident, incidents: list[Incident]) -> bool:
    """True for a placeless figure in the opening paragraphs that the article's own incidents add up
    to ('killing at least four people across the country, officials said', then the places); a lead
    figure larger than its parts ('at least 10 killed ..., seven in Kyiv') stays a row."""
    if incident.region is not None or incident.denial:
        return False
    opening = sorted({u.paragraph for u in ctx.units if u.section == incident.evidence.section})[:2]
    others = [i for i in incidents if i is not incident and i.region is not None and _same_day(i, incident)]
    if incident.evidence.paragraph not in opening or not others:
        return False
    for slot in ("killed", "injured"):
        value = getattr(incident, slot)
        parts = sum((getattr(i, slot).value or 0) for i in others if getattr(i, slot) is not None)
        if value is not None and value.value is not None and parts < value.value:
            return False
    return True


def _same_day(a: Incident, b: Incident) -> bool:
    """True unless two incidents are dated on different days (last week's strike is no part of today's toll)."""
    return not a.date or not b.date or a.date == b.date


def _within(part: Incident, whole: Incident) -> bool:
    """True where no figure of a part exceeds the whole's (a month's toll is no part of a night's)."""
    for slot in ("killed", "injured"):
        a, b = getattr(part, slot), getattr(whole, slot)
        if a is not None and b is not None and a.value is not None and b.value is not None and a.value > b.value:
            return False
    return True


def _covered_aggregate(incident: Incident, incidents: list[Incident]) -> bool:
    """True for a total (several regions, or 'in total') that detail rows of the article add up to."""
    if not (incident.multi_region or incident.total or incident.region is None):
        return False
    parts = [i for i in incidents if i is not incident and i.country == incident.country and not i.denial
             and (incident.region is None or i.region == incident.region) and _same_day(i, incident)
             and _within(i, incident)]
    if not parts:
        return False
    for slot in ("killed", "injured"):
        value = getattr(incident, slot)
        if value is None or value.value is None:
            continue
        total = sum((getattr(p, slot).value or 0) for p in parts if getattr(p, slot) is not None)
        if total < value.value:
            return False
    return True


def _row(ctx: Context, number: int, inc: Incident) -> dict:
    """An incident as a casualties row."""
    unit = inc.evidence
    return {"incident_id": f"c{number}", "country": inc.country, "region": inc.region, "place": inc.place,
            "date": inc.date, "date_text": inc.date_text,
            "killed": inc.killed.value if inc.killed else None,
            "killed_qualifier": inc.killed.qualifier if inc.killed else None,
            "injured": inc.injured.value if inc.injured else None,
            "injured_qualifier": inc.injured.qualifier if inc.injured else None,
            "children_killed": inc.children_killed, "children_injured": inc.children_injured,
            "victims": "; ".join(dict.fromkeys(v for v in inc.victims if v))[:200] or None,
            "victim_type": None if inc.denial else victim_type(inc.victims),
            "weapon": inc.weapon, "perpetrator": inc.perpetrator,
            "source": "; ".join(inc.sources) or None,
            "evidence": unit.text, "char_start": unit.start, "char_end": unit.end}
