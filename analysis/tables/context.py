"""What every table's extractor reads about one article: its units (sentences with quotes
masked), the places and dates in each, and who is speaking where."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from analysis.language import quotes as q
from analysis.language import vocab
from analysis.tables.examples import example
from analysis.language.dates import DateMention, find_dates
from analysis.language.places import PlaceMention, find_places
from analysis.language.speakers import Registry, canonical_org, parse_np
from analysis.reading.structure import DATELINE, Layout, layout, split_sentences


@dataclass(frozen=True)
class References:
    """The words by which a definite reference points back, in one vocabulary."""

    roles: frozenset[str]  # 'the governor said': role words that point back to a named person
    bodies: dict[str, tuple[str, ...]]  # 'the agency' -> words of the earlier body it stands for
    metonyms: frozenset[str]  # places that speak for a government ('Moscow said')
    metonym_verb: re.Pattern[str]  # what a government does after its capital's name ('Moscow maintains')


@vocab.compiled
def references(v: vocab.Vocabulary) -> References:
    """The reference words of the active vocabulary."""
    verbs = vocab.alternation([*v.terms("reporting_verbs"), *_GOVERNMENT_VERBS], group=False)
    return References(frozenset(v.terms("role_references")),
                      {r["term"]: tuple(r["matches"].split()) for r in v.rows("bare_bodies")},
                      frozenset(v.terms("metonyms")),
                      re.compile(rf"(?:['’]s\s+\w+\s+)?\s+(?:\w+ly\s+)?(?:{verbs})\b", re.I))


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

    def qualify_org(self, name: str, unit: Unit) -> str:
        """An organisation's fullest name: 'the ministry' -> the ministry named before, 'the city's
        military administration' -> 'Kyiv city military administration'."""
        low = name.lower()
        bare = re.sub(r"^(?:the\s+)?", "", low)
        for known in reversed(self.registry.orgs):
            if len(bare.split()) >= 2 and re.search(r"\b" + re.escape(bare) + r"\b", known.lower()) and known.lower() != bare:
                return self.registry.org(known)
        bodies = references().bodies
        if bare in bodies:
            for known in reversed(self.registry.orgs):
                if any(word in known.lower() for word in bodies[bare]):
                    return known
        local = re.match(r"^(?:the\s+)?(city['’]s|town['’]s|village['’]s|region['’]s|regional|city|town|district|local)\s+(.+)$",
                         name, re.I)
        if local and not re.search(r"officials|authorities", name, re.I):
            city, region = self.place_context(unit)
            word = local.group(1).lower()
            if word.startswith(("region", "regional")) and region:
                stem = re.sub(r"\s+(?:Oblast|Krai|Region)$", "", region)
                return self.registry.org(f"{stem} regional {local.group(2)}")
            if city and not word.startswith("region"):
                kind = "city " if word.startswith("city") else ""
                return self.registry.org(f"{city} {kind}{local.group(2)}")
        return self.registry.org(canonical_org(name))

    # ---- speakers ----------------------------------------------------------------------
    def pronoun_target(self, pronoun: str, unit: Unit):
        """(name, type, role) a pronoun refers back to: the latest person, or body for 'it'."""
        want = "organization" if pronoun in ("it",) else "person" if pronoun in ("he", "she", "him", "her") else None
        for row in reversed(self.statements):
            if row["char_start"] > unit.start:
                continue
            if want is None or row["speaker_type"] == want:
                return row["speaker"], row["speaker_type"], row["speaker_role"]
        if want == "person":
            named = [(pos, name, role) for pos, name, role in self.people_roles if pos < unit.start]
            if named:
                _, name, role = named[-1]
                return self.registry.person(name, role), "person", role
        return None

    def role_target(self, role: str, unit: Unit):
        """(name, type, role) a role reference ('the regional governor') stands for, if named."""
        head = re.split(r"\s+of\s+", role)[0].split()[-1].lower()
        if head not in references().roles:
            return None
        if head == "official" and role.strip().lower() != "official":
            return None
        if head == "official":
            last = next((r for r in reversed(self.statements) if r["char_start"] <= unit.start
                         and r["speaker_type"] == "person"), None)
            return (last["speaker"], "person", last["speaker_role"]) if last else None
        people = [(pos, name, r) for pos, name, r in self.people_roles if r and head in r.lower()]
        if not people:
            return None
        before = [p for p in people if p[0] <= unit.start]
        pos, name, r = before[-1] if before else people[0]
        return self.registry.canonical(name), "person", r

    @property
    def people_roles(self) -> list[tuple[int, str, str | None]]:
        """(offset, name, role) of every person named with a role in the article."""
        if not hasattr(self, "_people_roles"):
            self._people_roles = _named_people(self)
        return self._people_roles

    def interviewee(self) -> str | None:
        """The person a transcript's 'A:' turns stand for: the first person named in its intro
        who is not the interviewer."""
        asker = self.interviewer()
        for text in self._intro_texts():
            for match in re.finditer(r"\b[A-Z][a-zà-ÿ'’-]+(?:\s+[A-Z][a-zà-ÿ'’-]+){1,2}\b", text):
                speaker = parse_np(match.group(0))
                if speaker and speaker.kind == "person" and not find_places(match.group(0)) and speaker.name != asker:
                    return self.registry.person(speaker.name)
        return None

    def interviewer(self) -> str | None:
        """The person a transcript's 'Q:' turns stand for, where the intro names them."""
        for text in self._intro_texts():
            match = re.search(r"(?:spoke|talked|speaking)\s+(?:to|with)\s+(?:our\s+|the\s+)?(?:\w+\s+)?"
                              r"(?:correspondent|reporter|journalist|editor|host)\s+([A-Z][\w'’-]+\s+[A-Z][\w'’-]+)"
                              r"|interviewed\s+by\s+(?:our\s+)?(?:\w+\s+)?([A-Z][\w'’-]+\s+[A-Z][\w'’-]+)"
                              r"|([A-Z][\w'’-]+\s+[A-Z][\w'’-]+)\s+(?:asked|interviewed|spoke\s+to|talked\s+to)\b", text)
            if match:
                name = next(g for g in match.groups() if g)
                speaker = parse_np(name)
                if speaker and speaker.kind == "person":
                    return speaker.name
        return None

    def interviewee_role(self) -> str | None:
        """The interviewee's description in the intro ('a retired ... colonel')."""
        name = self.interviewee()
        for text in self._intro_texts():
            if name and name in text:
                match = re.search(re.escape(name) + r",?\s+(?:is|was)\s+(?:a|an|the)\s+([^.,;]+?)(?:\s+who\b|[.,;])", text)
                if match:
                    return match.group(1)[0].upper() + match.group(1)[1:]
        return None

    def person_for_label(self, label: str) -> str | None:
        """The named person a role label ('Foreign Minister') stands for in the intro (memoised)."""
        memo = self.cache.setdefault("label_person", {})
        if label not in memo:
            memo[label] = self._person_for_label(label)
        return memo[label]

    def _person_for_label(self, label: str) -> str | None:
        """person_for_label, computed."""
        for text in self._intro_texts():
            esc = re.escape(label)
            match = (re.search(r"(?i:" + esc + r")\s+([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,2})", text)
                     or re.search(r"([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,2}),\s+(?:the\s+)?[\w\s.]*" + esc, text))
            if match:
                speaker = parse_np(match.group(1))
                if speaker and speaker.kind == "person":
                    return self.registry.person(speaker.name, label)
        return None

    def role_phrase_for(self, label: str) -> str | None:
        """The fuller role words a label has in the transcript's title or intro ('Time.news Editor')."""
        for text in self._intro_texts():
            match = re.search(r"((?:[A-Z][\w.'’-]*\s+)?)" + re.escape(label) + r"\b", text)
            if match:
                lead = match.group(1).strip()
                if lead.lower() in ("between", "and", "with", "interview", "on", "by", "the", "from"):
                    lead = ""
                return f"{lead} {label}".strip()
        return label

    def _intro_texts(self) -> list[str]:
        """Title and introduction paragraphs of the transcript section (memoised)."""
        if "intro" not in self.cache:
            self.cache["intro"] = self._find_intro_texts()
        return self.cache["intro"]

    def _find_intro_texts(self) -> list[str]:
        """_intro_texts, computed."""
        sections = [s for s in self.layout.sections if s.kind == "transcript"]
        if not sections:
            return []
        sec = sections[0]
        texts = [sec.title] if sec.title else []
        texts += [p.text for p in self.layout.paragraphs if p.kind in ("intro", "heading") and p.section == sec.index]
        return [t for t in texts if t]


# Verbs after a capital's name that make it its government ("Moscow sent", "Kyiv has"), besides the
# reporting verbs ("Moscow maintains").
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
def _is_person_name(text: str, mention: PlaceMention) -> bool:
    """True where a place name is not a location: a surname ('Konstantin Obukhov', 'Obukhov said'),
    part of an adjective ('Moscow-installed'), a river ('the Dnipro') or a government ('Moscow said')."""
    end = mention.end
    if _ADJECTIVE_AFTER.match(text, end):
        return True
    if mention.place.kind != "city":
        return False
    if mention.place.name.lower() in references().metonyms and references().metonym_verb.match(text, end):
        return True
    before = text[max(0, mention.start - 40):mention.start]  # a bounded window: long texts stay linear
    if _THE_BEFORE.search(before) and not _REGION_WORD_AFTER.match(text, end) and not _PLACE_NOUN_AFTER.match(text, end):
        return True
    name = _NAME_BEFORE.search(before)
    if name and name.group(1).lower() not in _NOT_FIRST_NAME and len(before) - name.start() < 25:
        return True
    return bool(_SPEECH_AFTER.match(text, end))


_TITLE = (r"(?:[A-Z][\w'’-]*\s+)?(?:regional\s+|acting\s+|deputy\s+|city\s+)?(?:[Gg]overnor|[Mm]ayor|[Ss]pokes(?:man|woman|person)|"
          r"[Mm]inister|[Pp]resident|[Cc]ommander|[Hh]ead|[Cc]hief)")
# "Governor Ivan Marchenko", "the head of the regional administration, Serhii Lytvyn"
_PERSON_WITH_ROLE = re.compile(rf"\b({_TITLE}(?:\s+of\s+[^,.;]{{3,80}}?,)?)\s+([A-Z][a-z'’-]+\s+[A-Z][a-z'’-]+)")


def _named_people(ctx: Context) -> list[tuple[int, str, str | None]]:
    """People named next to a role word anywhere in the article's content."""
    out = []
    for unit in ctx.units:
        for match in _PERSON_WITH_ROLE.finditer(unit.text):
            out.append((unit.start + match.start(), match.group(2), match.group(1)))
        for match in re.finditer(r"([A-Z][a-z'’-]+\s+[A-Z][a-z'’-]+),\s+(?:the\s+|a\s+)?([\w\s'’-]{0,40}?(?:governor|mayor|spokes(?:man|woman)|minister|head|chief|commander))\b", unit.text):
            out.append((unit.start + match.start(), match.group(1), match.group(2)))
    cleaned = [(pos, name, re.sub(r"^(?:the|a|an)\s+", "", role.strip(" ,"), flags=re.I)) for pos, name, role in out]
    return sorted(o for o in cleaned if not find_places(o[1]) and (parse_np(o[1]) or _NOBODY).kind == "person")


_NOBODY = parse_np("officials")
