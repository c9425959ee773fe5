"""Who a reference stands for: 'he' and 'it', 'the governor of Belgorod region', 'the Ukrainian
leader', 'the agency', 'a statement said', 'the country's top prosecutor', and a transcript's
'Q:' and 'A:' labels. Every lookup goes back from the reference (or, for a role named before its
holder, forward within the article) to the nearest compatible person or body."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analysis.language import vocab
from analysis.language.places import find_places, lookup
from analysis.language.speakers import Registry, canonical_org, fold, lexicon, parse_np, trailing_name
from analysis.reading.structure import furniture
from analysis.examples import example

if TYPE_CHECKING:
    from analysis.tables.context import Context, Unit

Target = tuple[str, str, str | None]  # (name, speaker_type, role)


@dataclass(frozen=True)
class References:
    """The words by which a definite reference points back, in one vocabulary."""

    roles: frozenset[str]  # 'the governor said': role words that point back to a named person
    bodies: dict[str, tuple[str, ...]]  # 'the agency' -> words of the earlier body it stands for
    titles: frozenset[str]  # words that make the words before a name its role


@vocab.compiled
def references(v: vocab.Vocabulary) -> References:
    """The reference words of the active vocabulary."""
    return References(frozenset(v.terms("role_references")),
                      {r["term"]: tuple(r["matches"].split()) for r in v.rows("bare_bodies")},
                      frozenset(v.terms("titles")) | frozenset(v.terms("speaker_heads", kind="role")))


# Role words a description may use for the holder of another: "the Ukrainian leader" is a president.
SYNONYMS = {"leader": ("president", "prime minister", "leader", "chancellor"), "head": ("head", "chief", "director", "chairman"),
            "chief": ("chief", "head", "commander"), "official": ("official",),
            # a British or American secretary of a department is a minister
            "minister": ("minister", "defence secretary", "defense secretary", "foreign secretary", "home secretary",
                         "secretary of state"),
            # a commander is known by a rank where the text gives no post ("Colonel General X")
            "commander": ("commander", "general", "colonel", "admiral", "marshal"),
            "commander-in-chief": ("commander-in-chief", "commander in chief", "commander", "general", "colonel", "admiral")}
# Documents that speak for the body that issued them: "a statement said", "the report noted".
DOCUMENTS = ("statement", "report", "post", "update", "notice", "bulletin", "message", "summary", "tally",
             "assessment", "briefing", "readout", "communique", "release")
# Abbreviations of Ukrainian administrations that a description may use ("the head of the RMA").
ABBREVIATIONS = {"rma": "regional military administration", "ova": "regional military administration",
                 "cma": "city military administration", "mva": "city military administration", "gov": "governor"}
_STOP = {"the", "a", "an", "of", "for", "and", "in", "on", "its", "his", "her", "their", "s", "'s"}
# Levels of an administration, which a description and a holder's role must not disagree on.
LEVELS = {"regional", "region", "oblast", "city", "district", "village", "town"}


@dataclass(frozen=True)
class Named:
    """A person the article names, with the role words it gives them there, and the places their
    office is tied to (from those words, or from a description of the office just before them)."""

    at: int
    name: str
    role: str | None
    places: frozenset[str] = frozenset()


def people_roles(ctx: Context) -> list[Named]:
    """Every person named in the article's content with the role words beside the name (memoised)."""
    if "people_roles" not in ctx.cache:
        ctx.cache["people_roles"] = _tied_to_places(ctx, _named_people(ctx))
    return ctx.cache["people_roles"]


_HEAD_OF_STATE = re.compile(r"\bhead\s+of\s+(?:the\s+)?state\b", re.I)
_OFFICE_OF = re.compile(r"\b(governor|mayor|head|chief)\s+of\s+(?:the\s+)?(?:(?:Russia|Ukraine)['’]s\s+)?(?:[\w-]+\s+){0,2}?$", re.I)


@example("The governor of the Bryansk region said a drone hit a farm.\n\n\"Nobody was hurt,\" governor Ivan "
         "Tomko said.\n\nThe governor of the Kursk region said two houses burned.\n\n\"We are rebuilding,\" "
         "governor Pavel Sorokin said.", "statements", {"speaker": "Ivan Tomko"}, {"speaker": "Ivan Tomko"},
         {"speaker": "Pavel Sorokin"}, {"speaker": "Pavel Sorokin"})
def _tied_to_places(ctx: Context, people: list[Named]) -> list[Named]:
    """People with the places of their offices: those their role words name, and those of an office
    described just before them ('the governor of Russia's Kursk region said ...' two paragraphs
    before 'governor Roman Starovoit said'), so that two governors are never taken for one."""
    tied = [Named(p.at, p.name, p.role, frozenset(_place_stems(p.role or "")) or _places_beside(ctx, p)) for p in people]
    for unit in ctx.units:
        for m in unit.places:
            if m.place.kind == "country":
                continue
            office = _OFFICE_OF.search(unit.text[max(0, m.start - unit.start - 60):m.start - unit.start])
            if not office:
                continue
            head = office.group(1).lower()
            for i, p in enumerate(tied):
                if p.at <= m.start or ctx.units[-1].paragraph and _paragraph_of(ctx, p.at) > unit.paragraph + 2:
                    continue
                if p.role and head in p.role.lower() and not (p.places - {_stem(m.place)}):
                    tied[i] = Named(p.at, p.name, p.role, p.places | {_stem(m.place)})
                    break
    return tied


def _places_beside(ctx: Context, person: Named) -> frozenset[str]:
    """Stems of the regions and cities named in the sentence that names a person with no place in their
    role ('Governor Ivan Petrenko said drones hit Belgorod'): where else their office may lie."""
    unit = _unit_at(ctx, person.at)
    return frozenset(_stem(m.place) for m in unit.places if m.place.kind != "country") if unit else frozenset()


def _paragraph_of(ctx: Context, at: int) -> int:
    """The paragraph a character offset lies in."""
    return ctx.units[max(0, bisect.bisect_right(_unit_starts(ctx), at) - 1)].paragraph


def _unit_starts(ctx: Context) -> list[int]:
    """Where each unit starts, in order (memoised, for bisecting: asked once a place or a person)."""
    if "unit_starts" not in ctx.cache:
        ctx.cache["unit_starts"] = [u.start for u in ctx.units]
    return ctx.cache["unit_starts"]


def _stem(place) -> str:
    """A place's comparison stem (Kyiv/Kiev alike)."""
    return fold((place.region or place.name).split()[0])[:5]


def _place_stems(phrase: str) -> set[str]:
    """Stems of the places a phrase names."""
    return {_stem(m.place) for m in find_places(phrase) if m.place.kind != "country"}


_CAP_RUN = re.compile(r"\b[A-Z][\w'’.-]*(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w'’.-]*)+")
_APPOSITIVE = re.compile(r",\s+((?:the|a|an)\s+[^,.;:()]{2,80}?|(?:acting\s+)?[a-z][\w-]*\s+(?:of|for)\s+[^,.;:()]{2,60}?)"
                         r"(?=,|\.|;|\s+(?:said|says|told|wrote|added|warned|stated)\b)")


@example("Two people were hurt in a drone strike on the city overnight, the regional governor said. The drones hit a "
         "school, according to Governor Ivan Petrenko.", "statements", {"speaker": "Ivan Petrenko", "cue": "said"},
         {"speaker": "Ivan Petrenko", "cue": "according to"})
@example("Ukrainian President Ivan Petrenko spoke on Monday.\n\nHe said: \"President [of Poland Jan] Nowak has been "
         "a friend.\"\n\nThe head of state stressed the need for air defence.", "statements",
         {"speaker": "Ivan Petrenko", "cue": "said"}, {"speaker": "Ivan Petrenko", "cue": "stressed"})
def _named_people(ctx: Context) -> list[Named]:
    """People named anywhere in the content, each with the title before the name ('Head of
    Donetsk Regional Military Administration Pavlo Kyrylenko', 'Kyiv Mayor Vitali Klitschko') or
    the appositive after it ('Serhiy Haidai, governor of Luhansk province')."""
    titles = references().titles
    out: list[Named] = []
    for unit in ctx.units:
        for run in _CAP_RUN.finditer(unit.masked):  # not inside quotes: who a quote names is no antecedent
            words = run.group(0).rstrip(".")  # a name that ends its sentence ("..., said Governor Ivan Petrenko.")
            speaker = parse_np(words)
            if speaker is None or speaker.kind != "person" or len(speaker.name.split()) < 2 \
                    or find_places(speaker.name) or not words.endswith(speaker.name):
                continue
            end = run.start() + len(words)
            name_at = end - len(speaker.name)
            role = _title_before(unit.text, name_at, titles)
            after = _APPOSITIVE.match(unit.text, end)
            if role is None and after:
                role = re.sub(r"^(?:the|a|an)\s+", "", after.group(1))
            out.append(Named(unit.start + name_at, speaker.name, role))
    return sorted(out, key=lambda n: n.at)


@example("Shelling killed two people in the south overnight, the region's governor reported on Monday.\n\n"
         "According to Gov. Ivan Petrenko, a market was hit.", "statements",
         {"speaker": "Ivan Petrenko", "cue": "reported"}, {"speaker": "Ivan Petrenko"})
def _title_before(text: str, at: int, titles: frozenset[str]) -> str | None:
    """The role words standing just before a name, where they hold a title ('Ukraine's Defense
    Minister'), back to the clause's start."""
    pieces = re.split(r"[,;:()\"“”]|\b(?:said|says|told|and|by|to|with|from|that)\b", text[max(0, at - 100):at])
    pieces[-1] = _after_last_full_stop(pieces[-1])
    head = pieces[-1].strip()
    if not head and len(pieces) >= 2 and text[max(0, at - 3):at].rstrip().endswith(","):
        head = pieces[-2].strip()  # "the head of the regional administration, Serhii Lytvyn"
    head = re.sub(r"^(?:the|a|an)\s+", "", head, flags=re.I)
    words = [part for w in head.lower().split() for part in [w, w.strip("’'s"), w.rstrip("."), *w.split("-")]]
    if head and any(w in titles for w in words):  # "Commander-in-Chief" holds "commander"
        return head
    return None


def _after_last_full_stop(text: str) -> str:
    """What follows the last full stop that ends a sentence (not that of 'Gov.' or 'Lt.')."""
    abbreviations = furniture().abbreviations
    for match in reversed(list(re.finditer(r"([\w-]*)\.", text))):
        if match.group(1).lower() not in abbreviations:
            return text[match.end():]
    return text


def _words(phrase: str) -> list[str]:
    """Content words of a phrase, lower case, possessives and abbreviations opened up."""
    low = _ABBREVIATION.sub(lambda m: ABBREVIATIONS[m.group(0)], _POSSESSIVE.sub("", phrase.lower()))
    return [w for w in _WORD.findall(low) if w not in _STOP]


_POSSESSIVE = re.compile(r"['’]s\b")
_ABBREVIATION = re.compile(rf"\b(?:{'|'.join(ABBREVIATIONS)})\b")  # no full form holds a short one
_WORD = re.compile(r"[\w-]+")


def _agrees(description: list[str], person: Named, head: str) -> bool:
    """True where a named person fits a description: the head word (or a synonym) is in their role,
    a nationality the description names is in it too, and a place it names is no other place than
    the one their office is tied to."""
    if not person.role:
        return False
    words = _words(person.role)
    text = " ".join(words)
    matched = [s for s in SYNONYMS.get(head, (head,)) if re.search(rf"\b{re.escape(s)}\b", text)]
    if not matched:
        return False
    if head == "minister" and "minister" not in matched and set(description) != {"minister"}:
        return False  # a Defence Secretary is "the minister", not "Poland's interior minister"
    levels = {w for w in description if w in LEVELS} - {head}
    if levels and {w for w in words if w in LEVELS} and not levels & set(words):
        return False  # "the head of the regional administration" is not the head of the city's
    for word in description:
        if word == head or word in SYNONYMS.get(head, ()):
            continue
        place = lookup(word)
        if place is not None and place.kind != "country":
            if _stem(place) not in person.places:  # no office of theirs the text ties to that place
                return False
        elif word in ("ukrainian", "russian", "belarusian", "american") and not _mentions(words, word, place):
            return False
    return True


def _mentions(words: list[str], word: str, place) -> bool:
    """True where role words name a place or nationality (Kiev/Kyiv, Ukrainian/Ukraine alike)."""
    stems = {fold(word)[:5]}
    if place is not None:
        stems.add(fold(place.name.split()[0])[:5])
    return any(fold(w)[:5] in stems for w in words)


@example("Serhiy Haidai, governor of Luhansk province, spoke on television.\n\nThe governor of Luhansk "
         "province said shelling continued.", "statements", {"speaker": "Serhiy Haidai"})
@example("Ukrainian President Volodymyr Zelenskyy met Nato leaders.\n\nThe Ukrainian leader said more air "
         "defence was needed.", "statements", {"speaker": "Volodymyr Zelenskyy"})
@example("Oleh Hryhorov, head of the Sumy Regional Military Administration, wrote on Telegram. Artem Kobzar, head "
         "of the Sumy City Military Administration, also wrote.\n\nAccording to the head of the Regional Military "
         "Administration, one person died.", "statements", {"speaker": "Oleh Hryhorov"}, {"speaker": "Artem Kobzar"},
         {"speaker": "Oleh Hryhorov"})
@example("Ukrainian Commander-in-Chief Valerii Zaluzhnyi reported on the strike.\n\nThe air force shot down six "
         "missiles, according to the military chief.", "statements", {"speaker": "Valerii Zaluzhnyi"},
         {"speaker": "Valerii Zaluzhnyi"})
@example("Defence Secretary John Smith visited the troops.\n\nMore help is coming, the minister said. Prime Minister "
         "Jane Brown also spoke.", "statements", {"speaker": "John Smith", "cue": "said"})
@example("Defence Secretary John Smith visited the troops.\n\nPoland's interior minister said shelters were ready.",
         "statements", {"speaker": "Polish interior minister"})
@example("The Commander-in-Chief of the army has said the front will hold.\n\nIn an interview, Colonel General Ivan "
         "Petrenko said the situation was difficult.", "statements", {"speaker": "Ivan Petrenko", "cue": "said"},
         {"speaker": "Ivan Petrenko", "channel": "interview"})
@example("A drone killed a woman in the city of Kursk, the acting governor said.\n\n\"She died on the spot,\" Governor "
         "Ivan Petrenko said.\n\nThe governor of the neighbouring Belgorod region said three people were wounded.",
         "statements", {"speaker": "Ivan Petrenko"}, {"speaker": "Ivan Petrenko"},
         {"speaker": "governor of the neighbouring Belgorod region"})
@example("Kursk governor Alexander Khinshtein and Belgorod governor Vyacheslav Gladkov spoke.\n\nThe Belgorod "
         "governor said two drones were downed.", "statements", {"speaker": "Vyacheslav Gladkov"})
@example("Ukrainian President Ivan Petrenko spoke in Kyiv.\n\nThe head of state stressed the need for air "
         "defence.", "statements", {"speaker": "Ivan Petrenko", "cue": "stressed"})
def role_target(ctx: Context, role: str, unit: Unit) -> Target | None:
    """The named person a role description ('the governor of Belgorod region', 'the Ukrainian
    leader', "the administration's head") stands for: the nearest before it whose role agrees,
    else the first after it in the article."""
    role = _HEAD_OF_STATE.sub("leader", role)  # "the head of state" is the country's leader
    description = _words(role)
    if not description:
        return None
    head = _head_word(role)
    if head not in references().roles and head not in SYNONYMS:
        return None
    if head == "official":
        return _official(ctx, description, unit)
    people = people_roles(ctx)
    cut = bisect.bisect_right(_people_starts(ctx), unit.start)
    before = [p for p in reversed(people[max(0, cut - 60):cut]) if _agrees(description, p, head)]
    after = [p for p in people[cut:cut + 60] if _agrees(description, p, head)]
    chosen = before[0] if before else after[0] if after else None
    return (ctx.registry.canonical(chosen.name), "person", chosen.role) if chosen else None


@example("Russia's Security Council Deputy Chairman Dmitry Medvedev spoke at a meeting.\n\nThe top security "
         "official said 40,000 people sign contracts each month.", "statements", {"speaker": "Dmitry Medvedev"})
@example("A senior Pentagon official said 20 battalions had moved north.\n\nHe said more would follow.",
         "statements", {"speaker": "senior Pentagon official"}, {"speaker": "senior Pentagon official"})
def _official(ctx: Context, description: list[str], unit: Unit) -> Target | None:
    """Who 'the official' or 'the top security official' is: the latest named person whose role
    shares a word with the description, else (for a bare 'official') the latest person who spoke."""
    qualifiers = [w for w in description if w not in ("official", "top", "senior", "the")]
    if qualifiers:
        people = people_roles(ctx)
        cut = bisect.bisect_right(_people_starts(ctx), unit.start)
        for p in reversed(people[max(0, cut - 60):cut]):
            if p.role and set(qualifiers) & set(_words(p.role)):
                return ctx.registry.canonical(p.name), "person", p.role
        return None
    last = next((r for r in reversed(ctx.statements) if r["char_start"] <= unit.start
                 and r["speaker_type"] == "person"), None)
    return (last["speaker"], "person", last["speaker_role"]) if last else None


def _has_phrase(text: str, phrase: str) -> bool:
    """Whether phrase stands in text as whole words (as r'\bphrase\b' would find it, without a pattern
    compiled for every name)."""
    start = text.find(phrase)
    while start >= 0:
        end = start + len(phrase)
        if _word_edge(text, start) and _word_edge(text, end):
            return True
        start = text.find(phrase, start + 1)
    return False


def _word_edge(text: str, at: int) -> bool:
    """Whether a word boundary (r'\b') lies at position at of text."""
    return _is_word(text[at - 1:at]) != _is_word(text[at:at + 1])


def _is_word(char: str) -> bool:
    """A regex word character."""
    return bool(char) and (char.isalnum() or char == "_")


def _head_word(role: str) -> str:
    """The word a role description is headed by ('the governor of Belgorod region' -> governor)."""
    words = _words(re.split(r"\s+of\s+", role)[0])
    return words[-1] if words else ""


def pronoun_target(ctx: Context, pronoun: str, unit: Unit) -> Target | None:
    """(name, type, role) a pronoun refers back to: the latest person, or body for 'it'."""
    want = "organization" if pronoun in ("it",) else "person" if pronoun in ("he", "she", "him", "her") else None
    for row in reversed(ctx.statements):
        if row["char_start"] > unit.start:
            continue
        one_person = row["speaker_type"] == "role" and not row["speaker"].lower().endswith("s")  # "the official"
        if want is None or row["speaker_type"] == want or want == "person" and one_person:
            subject = _subject_since(ctx, row["char_end"], unit) if want == "person" else None
            if subject is not None:
                return ctx.registry.person(subject.name, subject.role), "person", subject.role
            return row["speaker"], row["speaker_type"], row["speaker_role"]
    if want == "person":
        people = people_roles(ctx)
        cut = bisect.bisect_left(_people_starts(ctx), unit.start)
        if cut:
            named = people[cut - 1]
            return ctx.registry.person(named.name, named.role), "person", named.role
    return None


@example("Defence Minister Ivan Petrenko said the talks went well.\n\nNATO chief Anna Berg visited Kyiv on Thursday and "
         "met soldiers.\n\n\"Ukraine's future is in NATO,\" she said.", "statements",
         {"speaker": "Ivan Petrenko"}, {"speaker": "Anna Berg", "mode": "direct"})
def _subject_since(ctx: Context, after: int, unit: Unit) -> Named | None:
    """A person named as the subject of a sentence (its opening words) between a statement and the
    unit a pronoun speaks in, at most three sentences back: who 'he' or 'she' now is."""
    people = people_roles(ctx)
    for i in range(bisect.bisect_left(_people_starts(ctx), unit.start) - 1, -1, -1):
        p, home = people[i], _unit_at(ctx, people[i].at)
        if p.at < after or home is None or home.index < unit.index - 3:
            return None
        if p.at - home.start <= 40 and not ctx.speaker_at.get(home.index):
            return p
    return None


def _people_starts(ctx: Context) -> list[int]:
    """Where each named person stands, in order (memoised, for bisecting)."""
    if "people_starts" not in ctx.cache:
        ctx.cache["people_starts"] = [p.at for p in people_roles(ctx)]
    return ctx.cache["people_starts"]


def _unit_at(ctx: Context, offset: int) -> Unit | None:
    """The unit holding a text offset."""
    i = bisect.bisect_right(_unit_starts(ctx), offset) - 1
    return ctx.units[i] if i >= 0 and offset < ctx.units[i].end else None


@example("The air force said Russia launched 40 drones overnight.\n\nAir defences shot down 35 of them, a "
         "statement said.", "statements", {"speaker": "Ukrainian air force"}, {"speaker": "Ukrainian air force"})
def document_target(ctx: Context, name: str, unit: Unit) -> str | None:
    """The body a document speaks for ('a statement said', 'the report noted'): the latest body
    that spoke before it in the article."""
    words = _words(name)
    if not words or words[-1] not in DOCUMENTS or len(words) > 2:
        return None
    if re.sub(r"^the\s+", "", name.lower()) in lexicon().outlets:
        return None  # "the Washington Post" is a newspaper, not a post
    for row in reversed(ctx.statements):
        if row["char_start"] <= unit.start and row["speaker_type"] == "organization":
            return row["speaker"]
    return None


@example("South Korea's spy agency said 2,000 troops had arrived. The Ukrainian navy said the sea was calm.\n\n"
         "The agency said more would follow.", "statements",
         {"speaker": "South Korea's spy agency"}, {"speaker": "Ukrainian navy"}, {"speaker": "South Korea's spy agency"})
def qualify_org(ctx: Context, name: str, unit: Unit) -> str:
    """An organisation's fullest name: 'the ministry' -> the ministry that spoke before, 'the
    city's military administration' -> 'Kyiv city military administration', 'the country's X' ->
    the article's country's X."""
    registry = ctx.registry
    document = document_target(ctx, name, unit)
    if document:
        return document
    low = name.lower()
    bare = re.sub(r"^(?:the\s+)?", "", low)
    for known in reversed(registry.orgs):
        if len(bare.split()) >= 2 and known.lower() != bare and _has_phrase(known.lower(), bare):
            return registry.org(known)
    bodies = references().bodies
    if bare in bodies:
        for row in reversed(ctx.statements):  # the latest body that spoke before this one
            if row["char_start"] <= unit.start and row["speaker_type"] == "organization" \
                    and any(word in row["speaker"].lower() for word in bodies[bare]):
                return row["speaker"]
    local = re.match(r"^(?:the\s+)?(city['’]s|town['’]s|village['’]s|region['’]s|regional|city|town|district|local)\s+(.+)$",
                     name, re.I)
    if local and not re.search(r"officials|authorities", name, re.I):
        city, region = ctx.place_context(unit)
        word = local.group(1).lower()
        if word.startswith(("region", "regional")) and region:
            stem = re.sub(r"\s+(?:Oblast|Krai|Region)$", "", region)
            return registry.org(f"{stem} regional {local.group(2)}")
        if city and not word.startswith("region"):
            kind = "city " if word.startswith("city") else ""
            return registry.org(f"{city} {kind}{local.group(2)}")
    return registry.org(canonical_org(home_country(ctx, name), defaults=True))


@example("Ukraine is investigating the strike in Kharkiv. The country’s top prosecutor said 12 cases were open.",
         "statements", {"speaker": "Ukraine's top prosecutor", "speaker_type": "role"})
def home_country(ctx: Context, phrase: str) -> str:
    """'the country's top prosecutor' -> "Ukraine's top prosecutor": the country the article's
    places lie in most often (the phrase as it is where none stands out)."""
    if not _THE_COUNTRYS.search(phrase):
        return phrase
    if "home_country" not in ctx.cache:
        counts: dict[str, int] = {}
        for unit in ctx.units:
            for m in unit.places:
                counts[m.place.country] = counts.get(m.place.country, 0) + 1
        ranked = sorted(counts.items(), key=lambda kv: -kv[1])
        ctx.cache["home_country"] = ranked[0][0] if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]) else None
    country = ctx.cache["home_country"]
    return _THE_COUNTRYS.sub(f"{country}'s", phrase) if country else phrase


_THE_COUNTRYS = re.compile(r"(?:\bthe\s+|^)country['’]s\b", re.I)  # the speaker's words may have lost their "the"


# ---- transcripts ------------------------------------------------------------------------------
def interviewee(ctx: Context) -> str | None:
    """The person a transcript's 'A:' turns stand for: the first person named in its intro who is
    not the interviewer."""
    asker = interviewer(ctx)
    for text in _intro_texts(ctx):
        for match in re.finditer(r"\b[A-Z][a-zà-ÿ'’-]+(?:\s+[A-Z][a-zà-ÿ'’-]+){1,2}\b", text):
            speaker = parse_np(match.group(0))
            if speaker and speaker.kind == "person" and not find_places(match.group(0)) and speaker.name != asker:
                return ctx.registry.person(speaker.name)
    return None


def interviewer(ctx: Context) -> str | None:
    """The person a transcript's 'Q:' turns stand for, where the intro names them."""
    for text in _intro_texts(ctx):
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


def interviewee_role(ctx: Context) -> str | None:
    """The interviewee's description in the intro ('a retired ... colonel')."""
    name = interviewee(ctx)
    for text in _intro_texts(ctx):
        if name and name in text:
            match = re.search(re.escape(name) + r",?\s+(?:is|was)\s+(?:a|an|the)\s+([^.,;]+?)(?:\s+who\b|[.,;])", text)
            if match:
                return match.group(1)[0].upper() + match.group(1)[1:]
    return None


def person_for_label(ctx: Context, label: str) -> str | None:
    """The named person a role label ('Foreign Minister') stands for in the intro (memoised)."""
    memo = ctx.cache.setdefault("label_person", {})
    if label not in memo:
        memo[label] = _person_for_label(ctx, label)
    return memo[label]


def _person_for_label(ctx: Context, label: str) -> str | None:
    """person_for_label, computed."""
    for text in _intro_texts(ctx):
        match = _name_after(text, label) or (  # the label written as it is must stand in the text for this one
            re.search(r"([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,2}),\s+(?:the\s+)?[\w\s.]*" + re.escape(label), text)
            if label in text else None)
        if match:
            speaker = parse_np(match.group(1))
            if speaker and speaker.kind == "person":
                return ctx.registry.person(speaker.name, label)
    return None


_NAME_AFTER = re.compile(r"\s+([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,2})")


def _name_after(text: str, label: str) -> re.Match | None:
    """The first name that follows a label in any case ('Foreign Minister Jane Roe'), its words as
    group 1: the label found first (a small pattern), the name's pattern, which is slow to compile,
    made once for every label."""
    found = re.compile(re.escape(label), re.I)
    at = found.search(text)
    while at is not None:
        name = _NAME_AFTER.match(text, at.end())
        if name:
            return name
        at = found.search(text, at.start() + 1)
    return None


def role_phrase_for(ctx: Context, label: str) -> str | None:
    """The fuller role words a label has in the transcript's title or intro ('Time.news Editor')."""
    for text in _intro_texts(ctx):
        match = re.search(r"((?:[A-Z][\w.'’-]*\s+)?)" + re.escape(label) + r"\b", text) if label in text else None
        if match:
            lead = match.group(1).strip()
            if lead.lower() in ("between", "and", "with", "interview", "on", "by", "the", "from"):
                lead = ""
            return f"{lead} {label}".strip()
    return label


def _intro_texts(ctx: Context) -> list[str]:
    """Title and introduction paragraphs of the transcript section (memoised)."""
    if "intro" not in ctx.cache:
        sections = [s for s in ctx.layout.sections if s.kind == "transcript"]
        texts: list[str] = []
        if sections:
            sec = sections[0]
            texts = [sec.title] if sec.title else []
            texts += [p.text for p in ctx.layout.paragraphs if p.kind in ("intro", "heading") and p.section == sec.index]
        ctx.cache["intro"] = [t for t in texts if t]
    return ctx.cache["intro"]


@example("Ukrainian President Volodymyr Zelensky visited the front on Friday.\n\n\"We will hold,\" Zelensky said.",
         "statements", {"speaker": "Volodymyr Zelensky", "mode": "direct"})
def complete_names(ctx: "Context", registry: Registry) -> None:
    """Give each person the registry knows by a surname alone the full name the article writes
    elsewhere ('Volodymyr Zelensky' in a sentence that says nothing), so rows carry the fullest form
    (one pass over the text for all of them)."""
    wanted = {forms[0] for forms in registry.people if len(forms[0].split()) == 1}
    full: dict[str, str] = {}
    for match in _NAME_RUN.finditer(ctx.text) if wanted else ():
        surname = match.group(2)
        if surname in wanted and surname not in full:
            name = trailing_name(match.group(0).split())
            if len(name) >= 2 and name[-1] == surname:
                full[surname] = " ".join(name)
    for name in full.values():
        registry.person(name)


_NAME_RUN = re.compile(r"((?:[A-Z][\w'’.-]*\s+){1,3})([A-Z][\w'’-]+)\b")  # capitalised words and the last one
