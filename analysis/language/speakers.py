"""Who speaks: a noun phrase as a person, an organisation or a role, with canonical names so that
"He", "Zelenskyy" and "President Volodymyr Zelenskyy" are one speaker, Syrskiy/Syrskyi one person."""
from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass

from analysis.language import vocab

PRONOUNS = {"he", "she", "it", "they", "him", "her", "we", "i"}


@dataclass(frozen=True)
class Lexicon:
    """The speaker words of one vocabulary (titles, heads of bodies and roles, metonyms, sides)."""

    titles: frozenset[str]  # words before a name that give a role ("governor", "lt.")
    org_heads: frozenset[str]  # head words that make a phrase a body ("ministry", "forces")
    role_heads: frozenset[str]  # head words of people known by what they are ("spokesman")
    metonyms: frozenset[str]  # places and bodies that speak for a government ("moscow", "the kremlin")
    outlets: frozenset[str]  # news outlets and agencies ("suspilne", "yonhap")
    outlet_kind: re.Pattern[str]  # "U.S. newspaper " before an outlet's name
    demonyms: dict[str, str]  # "ukraine" -> "Ukrainian", for "Ukraine's air force"
    default_bodies: dict[str, str]  # "air force" -> "Ukrainian air force"
    sides: dict[str, str]  # "kyiv" -> "Ukraine"
    not_names: frozenset[str]  # capitalised words that are no part of a name ("sunday", "earlier")


@vocab.compiled
def lexicon(v: vocab.Vocabulary) -> Lexicon:
    """The speaker words of the active vocabulary."""
    return Lexicon(frozenset(v.terms("titles")), frozenset(v.terms("speaker_heads", kind="organization")),
                   frozenset(v.terms("speaker_heads", kind="role")), frozenset(v.terms("metonyms")),
                   frozenset(v.terms("outlets")),
                   re.compile(rf"^(?:the\s+)?(?:[A-Z][\w.'’-]*\s+){{0,2}}?{vocab.alternation(v.terms('outlet_kinds'))}\s+"
                              rf"(?=(?:the\s+)?[A-Z])", re.I),
                   {r["name"]: r["adjective"] for r in v.rows("demonyms") if r["adjective"]},
                   v.mapping("default_bodies", "term", "body"), v.mapping("sides", "term", "side"),
                   frozenset(v.terms("not_names")))


_NAME_TOKEN = re.compile(r"^[A-Z][a-zà-ÿ'’\-]+(?:-[A-Z][a-zà-ÿ'’]+)?$|^[A-Z]\.$|^[A-Z][a-z]?[A-Z][a-z]+$")
_FUNCTION_WORDS = {"for", "of", "to", "the", "and", "in", "on", "at", "with", "from", "by", "into", "over"}
_PARTICLES = {"de", "van", "von", "der", "al", "bin", "da", "di", "la", "le"}


@dataclass(frozen=True)
class Speaker:
    """A speaker as named in the text: name, role words and kind."""

    name: str
    kind: str  # "person" | "organization" | "role" | "pronoun"
    role: str | None = None


def _clean(phrase: str) -> str:
    """The phrase without outer punctuation, quote marks and spacing."""
    phrase = " ".join(phrase.split()).strip(" ,;:.\"“”'‘’«»()-—–•·▪*")
    if phrase.count("(") > phrase.count(")"):
        phrase += ")"  # "the Group of Seven (G7)": its closing bracket is no outer punctuation
    return _SECTION_LABEL.sub("", phrase)


# Labels that open a paragraph of a relayed post ("Details: The ministry said ...").
_SECTION_LABEL = re.compile(r"^(?:Details|Background|Quote|Source|Update|Context|Reminder|Earlier|Recap)\s*:\s*")


def _possessive_to_demonym(phrase: str) -> str:
    """'Ukraine's air force' -> 'Ukrainian air force'."""
    def swap(match: re.Match) -> str:
        return lexicon().demonyms.get(match.group(1).lower(), match.group(0))
    return _POSSESSIVE.sub(swap, phrase)


_POSSESSIVE = re.compile(r"\b((?:the\s+)?[A-Z][\w.]*(?:\s+Korea)?)['’]s\b")


def parse_np(phrase: str) -> Speaker | None:
    """A speaker noun phrase ("Governor Ivan Marchenko", "Russia's defense ministry", "he")."""
    return _parse_np(phrase, vocab.active())


@lru_cache(maxsize=8192)
def _parse_np(phrase: str, words: vocab.Vocabulary) -> Speaker | None:
    """parse_np under one vocabulary (memoised: one phrase is parsed many times an article)."""
    L = lexicon()
    phrase = _clean(phrase)
    if not phrase or len(phrase) > 120:
        return None
    phrase = L.outlet_kind.sub("", phrase)  # "U.S. newspaper the Washington Post" -> "the Washington Post"
    low = phrase.lower()
    if low in PRONOUNS:
        return Speaker(low, "pronoun")
    if low in L.metonyms:
        return Speaker(re.sub(r"^the\s+", "", phrase, flags=re.I).replace("kremlin", "Kremlin"), "organization")
    bare = _THE.sub("", phrase)
    if bare.lower() in L.outlets or _ACRONYM.fullmatch(bare):  # "Yonhap", "the NIS", "HRMMU"
        return Speaker(bare, "organization")
    words = phrase.split()
    name_tokens = trailing_name(words)
    if name_tokens:
        name = " ".join(name_tokens)
        role = " ".join(words[: len(words) - len(name_tokens)])
        role = re.sub(r"^(?:the|a|an)\s+", "", role, flags=re.I).strip() or None
        of_body = _of_body(words[: len(words) - len(name_tokens)])
        if name.lower() not in L.metonyms and not _is_org_words(name_tokens) and not of_body:
            return Speaker(name, "person", _role_title(role))  # not "the Center for Emergency Medical Assistance"
    heads = phrase.split()
    headed = any(w.lower() in L.org_heads | L.role_heads and nxt.lower() in ("of", "to", "for", "in", "on")
                 for w, nxt in zip(heads, heads[1:]))  # "Institute for the Study of War", "head of the RMA"
    if re.search(r"\s+of\s+", phrase) and not re.search(r"\s+of\s+(?:the\s+)?[A-Z][a-z]+$", phrase.split(",")[0]) or headed:
        head = re.split(r"\s+(?:of|to|for|in|on)\s+", phrase, maxsplit=1)[0]
        parsed = parse_np(head) if head != phrase else None
        if parsed is not None and parsed.kind == "organization":
            return Speaker(canonical_org(phrase, defaults=False), "organization")
        if parsed is not None and parsed.kind == "role":
            return Speaker(_THE.sub("", _clean(phrase)), "role")
    stripped = re.sub(r"^(?:the|a|an|another|one|two|several|some|many)\s+", "", phrase, flags=re.I)
    stripped = _possessive_to_demonym(stripped)
    tokens = [t.lower().strip(".,") for t in stripped.split()]
    if not tokens:
        return None
    if "-" in tokens[-1] and tokens[-1].rsplit("-", 1)[1] in L.org_heads:
        tokens[-1] = tokens[-1].rsplit("-", 1)[1]  # "press-service" is headed as "press service" is
    if tokens[-1] in L.org_heads or any(t in L.org_heads for t in tokens[-2:]) and tokens[-1] not in L.role_heads:
        return Speaker(canonical_org(stripped, defaults=False), "organization")
    if tokens[-1] in L.role_heads or tokens[-1].rstrip("s") in L.role_heads:
        if tokens[-1] in {"ministry", "agency", "authorities"}:
            return Speaker(canonical_org(stripped, defaults=False), "organization")
        return Speaker(stripped, "role")
    return None


_THE = re.compile(r"^the\s+", re.I)
_ACRONYM = re.compile(r"[A-Z]{2,7}")


def _of_body(words: list[str]) -> bool:
    """True where words end in a body's head and its preposition, with capitalised words after
    ('Center for Emergency'): the name that follows is the body's, no person's."""
    rest = list(words)
    while rest and rest[-1][:1].isupper():
        if _is_place(rest[-1]):
            return False  # "Head of the Security Service of Ukraine Vasyl Maliuk"
        rest.pop()
    return len(rest) >= 2 and rest[-1].lower() in ("of", "for", "on") and rest[-2].lower() in lexicon().org_heads


def trailing_name(words: list[str]) -> list[str]:
    """The capitalised words at the end of a phrase that form a person's name."""
    L = lexicon()
    name: list[str] = []
    for word in reversed(words):
        bare = word.strip(",.;:")
        if name and (bare.lower() in L.titles or any(part in L.titles for part in bare.lower().split("-")[1:])):
            break  # "Commander-in-Chief Valerii Zaluzhnyi": the title ends the name
        if _NAME_TOKEN.match(bare) or (name and bare.lower() in _PARTICLES):
            if bare.lower() in L.titles or bare.lower() in L.org_heads or bare.lower() in L.role_heads \
                    or bare.lower() in L.not_names:
                break
            name.insert(0, bare)
        else:
            break
    if name and name[0].lower() in _PARTICLES:
        name = name[1:]
    if len(name) > 4:
        return []
    before = words[len(words) - len(name) - 1].lower() if len(words) > len(name) else ""
    if before in _FUNCTION_WORDS:
        for k in (2, 1):  # "Head of the Security Service of Ukraine Vasyl Maliuk", "Governor of Belgorod Oblast X Y"
            if len(name) - k >= 2 and _is_place(" ".join(name[:k])):
                return name[k:]
        return []  # "the Joint Centre for Control": a name's words, not a person's name
    return name


def _is_place(word: str) -> bool:
    """True where words name a place of the hand-made gazetteer (no GeoNames namesake of a first name)."""
    from analysis.language.places import lookup

    place = lookup(word)
    return place is not None and not place.weak


def _is_org_words(tokens: list[str]) -> bool:
    """True where capitalised words are an organisation ('Foreign Ministry', 'General Staff')."""
    L = lexicon()
    return any(t.lower().strip(".") in L.org_heads for t in tokens) or tokens[-1].isupper() and len(tokens[-1]) > 1


def _role_title(role: str | None) -> str | None:
    """Role words in sentence case ('regional governor' stays, 'Governor' -> 'Governor')."""
    if not role:
        return None
    role = role.rsplit(": ", 1)[-1].strip(" ,")  # "Wrong building: Chechen leader": a label before the role
    if _PREPOSITION_OPENING.match(role):
        return None  # "In a video address": when, not who
    return role[0].upper() + role[1:] if role else None


_PREPOSITION_OPENING = re.compile(r"^(?:in|on|at|during|after|before|from|with|via|speaking|earlier|later)\b", re.I)


def canonical_org(phrase: str, defaults: bool = True) -> str:
    """An organisation's name with nationality as an adjective and (unless told not to) the
    default nationality filled in for a bare name ('air force' -> 'Ukrainian air force')."""
    L = lexicon()
    phrase = _possessive_to_demonym(_clean(phrase))
    phrase = re.sub(r"^(?:the|a|an)\s+", "", phrase, flags=re.I)
    # "the daily air force report" speaks for the air force
    phrase = re.sub(r"^(?:daily|morning|evening|nightly|weekly|latest|official|regular)\s+", "", phrase, flags=re.I)
    if phrase.lower() not in L.outlets:  # "the Kyiv Post" is a newspaper, "the ministry's post" the ministry
        phrase = re.sub(r"['’]s?\s+(?:(?:daily|morning|evening|nightly|weekly|latest|official|regular)\s+)?"
                        r"(?:report|statement|update|post|summary|briefing|bulletin|message|channel)$|"
                        r"\s+(?:report|statement|update|post|summary|bulletin|message)$", "", phrase, flags=re.I)
    low = phrase.lower()
    if defaults:
        for bare, full in L.default_bodies.items():
            if low == bare:
                return full
    if low.endswith("military intelligence agency"):
        return phrase[: -len(" agency")]
    return phrase


def side_of(name: str | None) -> str | None:
    """'Russia' or 'Ukraine' where a speaker's name tells the side ('Russian defense ministry')."""
    L = lexicon()
    if not name:
        return None
    for token in re.findall(r"[\w-]+", name.lower()):
        if token in L.sides:
            return L.sides[token]
    return None


@lru_cache(maxsize=8192)
def fold(name: str) -> str:
    """A spelling-insensitive key: Syrskiy/Syrskyi, Zelensky/Zelenskyy/Zelenskiy, Viktor/Victor."""
    key = name.lower()
    for a, b in (("ck", "k"), ("kh", "h"), ("ts", "c"), ("iy", "i"), ("yi", "i"), ("yy", "i"),
                 ("ii", "i"), ("y", "i"), ("ie", "e"), ("ye", "e"), ("j", "i"), ("w", "v"),
                 ("ph", "f"), ("x", "ks"), ("c", "k"), ("'", ""), ("’", "")):
        key = key.replace(a, b)
    return re.sub(r"(.)\1+", r"\1", key)


def same_person(a: str, b: str) -> bool:
    """True where two person names are one person (surname equal after folding, first names agree)."""
    ta, tb = a.split(), b.split()
    if fold(ta[-1]) != fold(tb[-1]):
        return False
    if len(ta) > 1 and len(tb) > 1:
        return fold(ta[0])[:3] == fold(tb[0])[:3]
    return True


class Registry:
    """Speakers met so far in one article, resolving later mentions to their fullest name."""

    def __init__(self) -> None:
        self.people: list[list[str]] = []  # each entry: forms of one person, fullest first
        self.roles: dict[str, str] = {}
        self.orgs: list[str] = []

    def person(self, name: str, role: str | None = None) -> str:
        """The canonical name of a person mention; longer forms become canonical."""
        for forms in self.people:
            if any(same_person(name, f) for f in forms):
                if name not in forms:
                    forms.append(name)
                if len(name.split()) > len(forms[0].split()):
                    if forms[0] in self.roles:  # the role known under the shorter form goes with the name
                        self.roles.setdefault(name, self.roles.pop(forms[0]))
                    forms.insert(0, forms.pop(forms.index(name)))
                canonical = forms[0]
                break
        else:
            self.people.append([name])
            canonical = name
        if role and (forms_role := self.roles.get(canonical)) is None:
            self.roles[canonical] = role
        elif role and forms_role and len(role) > len(forms_role):
            self.roles[canonical] = role
        return canonical

    def canonical(self, name: str) -> str:
        """The fullest known form of a person's name (after all mentions are seen)."""
        for forms in self.people:
            if name in forms or any(same_person(name, f) for f in forms):
                return forms[0]
        return name

    def org(self, name: str) -> str:
        """The canonical name of an organisation mention, reusing an earlier fuller form."""
        low = name.lower()
        for known in reversed(self.orgs):
            if known.lower() == low or known.lower().endswith(" " + low) and _first_word_is_side(known):
                return known
        self.orgs.append(name)
        return name


def _first_word_is_side(name: str) -> bool:
    """True where a name opens with a nationality ('Russian defense ministry')."""
    L = lexicon()
    return name.split()[0].lower() in L.sides
