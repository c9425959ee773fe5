"""Drone and missile counts: launched, shot down, diverted, by whom and per whom."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from analysis.language import vocab
from analysis.examples import example
from analysis.tables.context import Context, Unit
from analysis.language.dates import best_date
from analysis.language.numbers import COUNT, Count, parse_count
from analysis.language.speakers import side_of

# Words between a count and its weapon noun that are grammar, not weapon names (weapon modifiers
# such as "attack" or "Shahed" come from the vocabulary's weapons file): a hyphenated compound
# ("Shahed-136", "X-59"), the sides, and the glue of lists.
GRAMMAR_MODIFIERS = (r"[A-Z][A-Za-z0-9.]*-[A-Za-z0-9/-]+", "Ukrainian", "Russian", "enemy", r"of\s+the", "more",
                     "various", "other", r"and\s+decoy", "type", "types", "and")


@dataclass(frozen=True)
class WeaponType:
    """A weapon type the text can name: its pattern (a number captured where the term has '#')."""

    pattern: re.Pattern[str]
    name: str  # the type as the table writes it; '#' stands for the captured number
    weapon_class: str


@dataclass(frozen=True)
class Patterns:
    """The drone-count patterns of one vocabulary (weapon nouns, modifiers and air-defence verbs)."""

    noun: str
    modifier: str
    launch: str
    destroy: str
    divert: str
    types: tuple[WeaponType, ...]
    missile_words: re.Pattern[str]
    phrase: re.Pattern[str]
    noun_only: re.Pattern[str]
    verb_left: re.Pattern[str]
    of_which: re.Pattern[str]
    then: re.Pattern[str]
    lead_divert: re.Pattern[str]
    of_the: re.Pattern[str]
    most: re.Pattern[str]
    passive_right: re.Pattern[str]
    passive_after_list: re.Pattern[str]
    elided: re.Pattern[str]
    out_of: re.Pattern[str]
    interceptor: re.Pattern[str]
    others: re.Pattern[str]


def _type_pattern(term: str) -> re.Pattern[str]:
    """A weapon type's term as a pattern that captures its number ('Kh-#' -> Kh-(\\d+))."""
    return re.compile(vocab.alternation([term]).replace(r"\d+", r"(\d+)"), re.I)


@vocab.compiled
def patterns(v: vocab.Vocabulary) -> Patterns:
    """The drone-count patterns of the active vocabulary."""
    weapons = v.rows("weapons")
    noun = vocab.alternation([r["term"] for r in weapons if r["counted"] in ("noun", "both")])
    modifier = "(?:(?:" + "|".join([*GRAMMAR_MODIFIERS, vocab.alternation(
        [r["term"] for r in weapons if r["counted"] in ("modifier", "both")], group=False)]) + r")\s+){0,5}"
    launch, destroy, divert = (vocab.alternation(v.terms("air_defence_verbs", slot=s), group=False)
                               for s in ("launched", "destroyed", "diverted"))
    types = tuple(WeaponType(_type_pattern(r["term"]), r["type"], r["class"]) for r in weapons if r["type"])
    missiles = vocab.alternation([r["term"] for r in weapons if r["class"] == "missile" and not r["type"]])
    count = f"(?:{COUNT})"
    return Patterns(
        noun, modifier, launch, destroy, divert, types, re.compile(missiles, re.I),
        re.compile(
            rf"(?:(?P<none>neither|none)\s+of\s+(?:the\s+)?(?:(?P<nn>{count})\s+)?|(?P<all>all)\s+(?:of\s+the\s+)?(?P<an>{count})\s+|(?P<both>both)\s+(?:of\s+the\s+)?|"
            rf"(?P<most>(?:the\s+)?(?:majority|bulk|most)\s+of(?:\s+the)?)\s+(?P<mn>{count})\s+|"
            rf"(?<![\w/-])(?P<k>{count})\s+(?:(?:of|out\s+of)\s+(?:the\s+)?(?:(?P<n>{count})\s+)?)?|"
            rf"\b(?P<one>an?)\s+)"
            rf"(?P<w>{modifier}{noun})(?![\w-])", re.I),
        re.compile(noun, re.I),
        re.compile(rf"\b(?P<launch>{launch})\b|\b(?P<destroy>{destroy})\b|\b(?P<divert>{divert})\b", re.I),
        re.compile(rf"\b(?:of\s+which|of\s+them|of\s+these)\s*,?\s+(?P<k>{count})\s+(?:were|was|had\s+been)?\s*(?P<v>{destroy}|{divert})"
                   rf"|(?:,|\s[-–—])\s+(?P<k2>{count})\s+of\s+(?:which|them)\s+(?:(?:were|was|had\s+been)\s+)?(?:\w+\s+)?(?P<v2>{destroy}|{divert})", re.I),
        re.compile(rf"(?:,|\band\b|\bwhile\b|;)\s+(?:another\s+|a\s+further\s+)?(?P<k>{count})\s+(?:more\s+|others?\s+)?(?:were|was|had\s+been)?\s*(?:\w+\s+)?[\"“”']?(?P<v>{destroy}|{divert})", re.I),
        re.compile(rf"^(?:another|a\s+further|further)\s+(?P<k>{count})\s+(?P<w>{modifier}{noun})?\s*(?:were|was|had\s+been)?\s*(?:\w+\s+)?(?P<v>{divert}|{destroy})", re.I),
        re.compile(rf"^(?:of\s+the\s+(?P<w>{modifier}{noun}),?\s+)(?P<k>{count})\s+(?:were|was)\s+(?P<v>{destroy}|{divert})", re.I),
        re.compile(rf"^(?:most|the\s+majority|many|nearly\s+all|almost\s+all)\s+(?:of\s+(?:the|them)\s*)?(?P<w>{modifier}{noun})?\s*(?:were|was)\s+(?:\w+\s+)?(?P<v>{destroy})", re.I),
        # "... were shot down", also past a by-phrase: "five drones released by the occupiers were destroyed".
        # "two missiles that Russia launched at Odesa were destroyed": past a relative clause; "were not" is none.
        re.compile(rf"^(?:\s+\w+ed\s+by\s+(?:the\s+)?[\w'’-]+(?:\s+[\w'’-]+)?)?(?:\s+(?:that|which)\s+(?P<rel>[^.;,]{{3,60}}?)(?=\s+(?:were|was|had|have)\s))?"
                   rf"[^.;,]{{0,25}}?\b(?:were|was|had\s+been|have\s+been)\s+"
                   rf"(?:\w+\s+(?:and|or)\s+)?(?:(?!not\b|never\b)\w+\s+)?[\"“”']?(?P<v>{destroy}|{divert})", re.I),
        # "Three of the Iskander-Ms and both Kh-59s were destroyed": the verb after a coordinated weapon.
        # (also the first of a longer list: "37 cruise missiles, 29 drones and one UAV were shot down")
        re.compile(rf"^(?:\s*,\s*[^.;,]{{1,60}}?){{0,6}}\s*,?\s+(?:and|as\s+well\s+as)\s+[^.;,]{{0,60}}?{noun}\s+(?:were|was|had\s+been|have\s+been)\s+(?:\w+\s+)?(?P<v>{destroy}|{divert})", re.I),
        # "Russia fired 69 missiles and Ukrainian forces shot down 54": the verb before a bare number.
        re.compile(rf"[^.;]{{0,40}}?(?:,|\band\b|\bwhile\b|\bbut\b|;)\s+(?:[\w'’.-]+\s+){{0,4}}?(?:have\s+|has\s+|had\s+)?"
                   rf"(?P<v>{destroy}|{divert})\s+(?P<k>{count})(?![\w-]|[.,]\d|\s*(?:%|per\s*cent|of\b|{modifier}{noun}))", re.I),
        # "intercepted more than 60 missiles out of a total of 70"
        re.compile(rf"\s*,?\s*(?:out\s+)?of\s+(?:a\s+total\s+of\s+|the\s+)?(?P<n>{count})(?![\w-]|[.,]\d|\s*(?:%|{modifier}{noun}))", re.I),
        re.compile(rf"\b{vocab.alternation(v.terms('interceptors'))}\s+(?:have\s+|has\s+|had\s+)?(?:\w+\s+)?(?:{destroy})\s+$", re.I),
        # "..., with 13 others downed over other regions", "... and two others over the Novgorod region"
        re.compile(rf"(?:,|\band\b|\bwith\b|\bwhile\b)\s+(?:with\s+)?(?:another\s+)?(?P<k>{count})\s+(?:others?|more)\s+"
                   rf"(?:(?:were|was|had\s+been|being)\s+)?(?:(?:{destroy}|{divert})\s+)?(?=(?:over|above|in|near)\s)", re.I))


_COUNT = rf"(?:{COUNT})"
_OF_THEM = re.compile(rf"(?<![\w/-])(?P<k>{_COUNT})\s+of\s+them\b", re.I)
# Nouns a weapon word stands before as an attribute ("a drone attack", "a missile's debris").
_NOUN_AFTER = re.compile(r"(?:['’]s)?\s+(?:attacks?|strikes?|barrages?|raids?|debris|wreckage|fragments?|parts?|operators?|"
                         r"units?|launch(?:es|ers?)?|sites?|factor(?:y|ies)|production|programm?e?s?|pieces?|alerts?|"
                         r"threats?|warnings?|danger|hits?|impacts?|explosions?)\b", re.I)
_MODAL_BEFORE = re.compile(r"\b(?:can|could|cannot|can['’]t|would|will|may|might|must|to)\s+(?:\w+\s+){0,2}$", re.I)
_BOMBS = re.compile(r"\bbombs?\b|\bshells?\b|\bassaults?\b", re.I)
_SIDE_ADJ = re.compile(r"\b(Russian|Ukrainian|Ukraine['’]s|Russia['’]s|enemy)\b", re.I)


@dataclass
class Claim:
    """One reported count of launched or downed weapons."""

    attacker: str | None
    weapon_class: str
    weapon: str | None
    reporter: str | None
    unit: Unit
    launched: Count | None = None
    destroyed: Count | None = None
    diverted: int | None = None
    area: str | None = None
    date: str | None = None
    date_text: str | None = None
    units: list[Unit] = field(default_factory=list)
    kind: str | None = None  # ballistic, cruise, hypersonic: a count of one kind is no part of another's
    part: bool = False  # told as one of several areas' parts ("and two others over the Novgorod region")


# Kinds of missile (and of drone) that tell two counts apart even when neither names a type.
KINDS = re.compile(r"\b(ballistic|cruise|hypersonic|aeroballistic|guided|decoy|jet)\b", re.I)


@example("Kyiv's defences shot down four hypersonic missiles, the air force said. It said Russia had "
         "launched four hypersonic missiles and 11 cruise missiles.", "drone_counts",
         {"attacker": "Russia", "launched": 4, "destroyed": 4}, {"attacker": "Russia", "launched": 11, "destroyed": None})
def _kind(words: str) -> str | None:
    """The kind a weapon phrase names ('six hypersonic missiles' -> 'hypersonic')."""
    match = KINDS.search(words)
    return match.group(1).lower() if match else None


_MISSILE_NOUN = re.compile(r"missiles?|rockets?", re.I)


@example("Russian bombers fired 12 Х-101 missiles at the west overnight, the air force said.",
         "drone_counts", {"attacker": "Russia", "weapon": "Kh-101", "weapon_class": "missile", "launched": 12})
def weapon_info(words: str) -> tuple[str, str | None]:
    """(class, type) of a weapon phrase: 'four Iskander-M ballistic missiles' -> (missile, Iskander-M)."""
    P = patterns()
    for wtype in P.types:
        match = wtype.pattern.search(words)
        if match:
            typed = wtype.name.replace("#", match.group(1)) if match.groups() else wtype.name
            noun_class = "missile" if _MISSILE_NOUN.search(words) and wtype.weapon_class == "drone" and "boat" not in words.lower() else wtype.weapon_class
            return noun_class, typed
    if P.missile_words.search(words):
        return "missile", None
    return "drone", None


def _side(word: str) -> str | None:
    """'Russia' or 'Ukraine' for a side word."""
    word = word.lower()
    if word.startswith("russia"):
        return "Russia"
    if word.startswith("ukrain"):
        return "Ukraine"
    return None


def extract_drone_counts(ctx: Context) -> list[dict]:
    """Drone and missile count rows of an article."""
    claims: list[Claim] = []
    for unit in ctx.units:
        if unit.kind == "turn" and not _has_number_weapon(unit.text):
            continue
        _read_unit(ctx, unit, claims)
    kept: list[Claim] = []
    claims = _without_type_double_counts(claims)
    for c in claims:
        if not any(x is not None and x.value is not None for x in (c.launched, c.destroyed)) and c.diverted is None:
            continue
        if any(_same_figures(k, c) for k in kept):
            continue
        kept.append(c)
    return [_row(ctx, n, c) for n, c in enumerate(kept, start=1)]


def _without_type_double_counts(claims: list[Claim]) -> list[Claim]:
    """Keep either an untyped total or its per-type parts, not both: the parts where they say how
    many were shot down, else the total."""
    drop: set[int] = set()
    for total in claims:
        if total.weapon is not None or total.launched is None or total.launched.value is None:
            continue
        parts = [c for c in claims if c is not total and c.weapon is not None and c.weapon_class == total.weapon_class
                 and c.attacker == total.attacker and c.reporter in (total.reporter, None) and c.launched is not None]
        if len(parts) < 2 or sum(p.launched.value or 0 for p in parts) != total.launched.value:
            continue
        if any(p.destroyed is not None for p in parts):
            drop.add(id(total))
        else:
            drop.update(id(p) for p in parts)
    return [c for c in claims if id(c) not in drop]


@example("Ukraine's air force said it shot down two Iskander-M ballistic missiles and two Kh-59 guided missiles.",
         "drone_counts", {"weapon": "Iskander-M", "destroyed": 2}, {"weapon": "Kh-59", "destroyed": 2})
def _same_figures(a: Claim, b: Claim) -> bool:
    """True where two claims give the same count for the same side and class (a repetition)."""
    def value(count: Count | None) -> int | None:
        return count.value if count else None
    return (a.attacker == b.attacker and a.weapon_class == b.weapon_class and not ((a.part or b.part) and a.area != b.area)
            and (a.weapon is None or b.weapon is None or a.weapon == b.weapon)
            and value(a.launched) == value(b.launched) and value(a.destroyed) == value(b.destroyed))


def _has_number_weapon(text: str) -> bool:
    """True where a text counts drones or missiles."""
    P = patterns()
    return bool(P.phrase.search(text))


@example("Overnight, Ukraine's air defence reported shooting down all 14 Russian missiles and six drones.",
         "drone_counts", {"weapon_class": "missile", "launched": 14, "destroyed": 14},
         {"weapon_class": "drone", "launched": 6, "destroyed": 6})
@example("The air force said: \"Four Kalibr cruise missiles were launched from the Black Sea and two ballistic "
         "missiles from Crimea. All of them were shot down.\"", "drone_counts",
         {"weapon": "Kalibr", "launched": 4, "destroyed": 4}, {"launched": 2, "destroyed": 2})
@example("Ukraine's air force said it shot down a Russian Iskander-M ballistic missile over Odesa around noon.",
         "drone_counts", {"attacker": "Russia", "weapon_class": "missile", "destroyed": 1})
@example("Russia launched a drone attack on Kyiv overnight, the mayor said.", "drone_counts")
@example("Russia fired 40 missiles at power plants and Ukrainian forces shot down 31, the energy minister said.",
         "drone_counts", {"attacker": "Russia", "weapon_class": "missile", "launched": 40, "destroyed": 31})
@example("The air force said it intercepted more than 50 missiles out of a total of 64.", "drone_counts",
         {"weapon_class": "missile", "launched": 64, "destroyed": 50})
@example("Two Kh-59 guided missiles that Russia launched towards Odesa were destroyed, the air force said.",
         "drone_counts", {"attacker": "Russia", "weapon": "Kh-59", "launched": 2, "destroyed": 2})
@example("The air force said two missiles were not destroyed.", "drone_counts")
@example("Russia launched 100 drones. Another 68 imitation drones were locationally lost.", "drone_counts",
         {"launched": 100, "diverted": 68})
@example("The general said 37 cruise missiles, 29 Shahed drones and one reconnaissance drone were shot down.",
         "drone_counts", {"weapon_class": "missile", "destroyed": 37}, {"weapon": "Shahed", "destroyed": 29},
         {"weapon_class": "drone", "weapon": None, "destroyed": 1})
@example("Russian forces launched nine Shahed-136/131 overnight and air defences shot down eight of them.",
         "drone_counts", {"weapon": "Shahed", "launched": 9, "destroyed": 8})
@example("Russia launched 20 drones overnight. Ukraine shot down 14 of them.", "drone_counts",
         {"launched": 20, "destroyed": 14})
@example("Moscow's defence ministry announced the destruction of 22 Ukrainian drones over three regions.",
         "drone_counts", {"attacker": "Ukraine", "weapon_class": "drone", "destroyed": 22})
def _read_unit(ctx: Context, unit: Unit, claims: list[Claim]) -> None:
    """Read every count in one unit into claims."""
    P = patterns()
    text = unit.text
    has_noun = P.noun_only.search(text) is not None
    if not has_noun and not _WERE_OR_WAS.search(text) and "of them" not in text.lower():  # a cheap look: a count is slow to scan for
        return
    reporter = _reporter(ctx, unit)
    last: Claim | None = None
    previous_slot, previous_end, previous_all = None, 0, False
    for match in P.phrase.finditer(text) if has_noun else ():  # a count needs its weapon noun
        if _BOMBS.search(match.group("w")) or re.search(r"\bbombs?\b", text[match.end():match.end() + 8]):
            continue
        wclass, wtype = weapon_info(match.group("w"))
        if wtype is None and wclass == "missile":
            wtype = _system_after(text, match.end())
        slot = _slot(text, match)
        if match.group("one") and (_NOUN_AFTER.match(text, match.end()) or slot != "destroyed" and not (
                wtype and _COUNT_LIST_NEXT.match(text, match.end()))
                                   or _MODAL_BEFORE.search(text, max(0, match.start() - 40), match.start())):
            continue  # a count of one is a downing ("shot down a missile") or a typed weapon in a list of
            # counts ("fired a Kh-31 missile and two Kh-22s"), not "a drone attack" nor "can shoot down a drone"
        gap = text[previous_end:match.start()]
        if previous_slot and not P.verb_left.search(gap) and len(gap) < 120 and re.search(
                r"(?:,|\band\b|together\s+with|as\s+well\s+as|along\s+with|plus|:)\s*$", gap) and not P.passive_right.match(text[match.end():]):
            slot = previous_slot
        joined = bool(previous_slot) and re.fullmatch(r"\s*and\s*", gap) is not None
        first_of_list = not (previous_slot and re.search(r"(?:,|\band\b)\s*$", gap))
        previous_slot, previous_end = slot, match.end()
        if slot is None:
            continue
        count, launched = _counts(match)
        if slot == "destroyed" and launched is None and _launched_in_relative(text, match):
            launched = count  # "two missiles that Russia launched ... were destroyed": both figures
        out_of = P.out_of.match(text, match.end())
        if out_of and slot == "destroyed" and launched is None:
            launched = parse_count(out_of.group("n"))
        if joined and previous_all and slot == "destroyed" and launched is None:
            launched = count  # "shooting down all 18 missiles and nine drones": all nine too
        previous_all = bool(match.group("all")) and first_of_list
        if count is None and launched is None:
            continue
        attacker = _attacker(ctx, unit, match, reporter, slot,
                             [c for c in claims if c.attacker and c.units[-1].section == unit.section], wtype)
        if _is_breakdown(claims, attacker, wclass, reporter, slot, count, launched, text[match.end():]) \
                or _interceptor_share(claims, unit, wclass, slot, count, launched, text[max(0, match.start() - 80):match.start()]):
            continue
        claim = _claim_for(claims, attacker, wclass, wtype, reporter, slot, unit, count, launched, _kind(match.group("w")))
        _fill(claim, slot, count, launched)
        claim.area = claim.area or _area(text, match.end())
        last = claim
        _other_parts(claims, claim, slot, text, match.end())
        elided = P.elided.match(text, match.end()) if slot == "launched" else None
        if elided and not P.phrase.search(text, match.end(), elided.start("v")):
            _fill(claim, _verb_slot(elided.group("v")), parse_count(elided.group("k")), None)
        for follow in list(P.of_which.finditer(text, match.end())) + list(P.then.finditer(text, match.end())):
            if P.phrase.search(text[match.end():follow.start()]):
                break
            k = parse_count(follow.groupdict().get("k") or follow.group("k2"))
            _fill(claim, _verb_slot(follow.groupdict().get("v") or follow.group("v2")), k, None)
    for match in _OF_THEM.finditer(text) if "of them" in text.lower() else ():
        left = text[max(0, match.start() - 60):match.start()]
        verbs = list(P.verb_left.finditer(left))
        right = P.passive_right.match(text[match.end():]) or _bare_participle().match(text, match.end())
        slot = _verb_slot(right.group("v")) if right else ("destroyed" if verbs and verbs[-1].group("destroy") else None)
        target = _recent(claims, _last_class(claims, unit), unit)
        if slot and target is not None and not P.phrase.search(left[-30:]):
            _fill(target, slot, parse_count(match.group("k")), None)
            for follow in P.then.finditer(text, match.end()):
                _fill(target, _verb_slot(follow.group("v")), parse_count(follow.group("k")), None)
                break
    _definite_of_which(claims, unit, text)
    stripped = text.lstrip("“\"")
    every = _ALL_OF_THEM.search(text)
    if every and re.match(rf"\s+(?:\w+\s+)?(?:{P.destroy})", text[every.end():], re.I):
        for c in claims:  # "... were launched, 9 cruise missiles ... All of them were shot down."
            if c.destroyed is None and c.launched is not None and unit.index - c.units[-1].index <= 1:
                c.destroyed = c.launched
    for pattern in (P.lead_divert, P.of_the, P.most):
        match = pattern.match(stripped)
        if not match:
            continue
        wclass = weapon_info(match.group("w"))[0] if match.groupdict().get("w") else _last_class(claims, unit)
        target = _recent(claims, wclass, unit)
        if target is None:
            continue
        k = parse_count(match.group("k")) if match.groupdict().get("k") else Count(None, "vague")
        _fill(target, _verb_slot(match.group("v")), k, None)
        rest = stripped[match.end():]
        for follow in P.then.finditer(rest):
            _fill(target, _verb_slot(follow.group("v")), parse_count(follow.group("k")), None)
            break
    del last


@vocab.compiled
@example("The air force said Russia had launched 165 drones - 135 of them neutralised by air defence units.",
         "drone_counts", {"launched": 165, "destroyed": 135})
def _bare_participle(v: vocab.Vocabulary) -> re.Pattern[str]:
    """A downing told with no auxiliary after 'N of them' ('135 of them neutralised by air defence')."""
    P = patterns()
    return re.compile(rf"\s+(?:\w+ly\s+)?(?P<v>{P.destroy}|{P.divert})\b", re.I)


@vocab.compiled
def _the_weapons_of_which(v: vocab.Vocabulary) -> re.Pattern[str]:
    """'the missiles, of which it shot down two' / 'the drones, of which 11 were downed'."""
    P = patterns()
    verb = f"{P.destroy}|{P.divert}"
    return re.compile(rf"\bthe\s+(?P<w>{P.modifier}{P.noun}),?\s+of\s+which\s+(?:(?P<k>{_COUNT})\s+(?:were|was|had\s+been)"
                      rf"\s+(?:\w+\s+)?(?P<v>{verb})|(?:[\w'’-]+\s+){{1,4}}?(?P<v2>{verb})\s+(?P<k2>{_COUNT})\b)", re.I)


@example("Russia launched five missiles and 12 drones overnight. The air force said it dealt with the drones, of "
         "which 11 were downed, and the missiles, of which it shot down two.", "drone_counts",
         {"weapon_class": "missile", "launched": 5, "destroyed": 2}, {"weapon_class": "drone", "launched": 12, "destroyed": 11})
def _definite_of_which(claims: list[Claim], unit: Unit, text: str) -> None:
    """Downings told of weapons counted before, by a definite noun and 'of which'."""
    if "of which" not in text.lower():
        return
    for match in _the_weapons_of_which().finditer(text):
        target = _recent(claims, weapon_info(match.group("w"))[0], unit)
        if target is not None:
            _fill(target, _verb_slot(match.group("v") or match.group("v2")), parse_count(match.group("k") or match.group("k2")), None)
            if target.units[-1] is not unit:
                target.units.append(unit)  # the evidence reaches the sentence the figure was read from


_SYSTEMS_AFTER = re.compile(r"\s+(?:fired\s+|launched\s+)?(?:from|by|of)\s+(?:the\s+)?(?P<t>[A-Z][\w-]*\d[\w-]*|[A-Z][a-z]+(?:-[A-Z])?)\s+"
                            r"(?:air\s+defen[cs]e\s+)?(?:systems?|complex(?:es)?|launchers?)\b")


@example("Russia launched three missiles from S-300 systems in the Donetsk region, as well as a Kh-31 missile and "
         "two Kh-22 cruise missiles.", "drone_counts", {"weapon": "S-300", "launched": 3}, {"weapon": "Kh-31", "launched": 1},
         {"weapon": "Kh-22", "launched": 2})
def _system_after(text: str, end: int) -> str | None:
    """The type of missiles told by the systems they came from ('three missiles from S-300 systems')."""
    match = _SYSTEMS_AFTER.match(text, end)
    return weapon_info(match.group("t"))[1] if match else None


_WERE_OR_WAS = re.compile(r"\b(?:were|was)\b")
_COUNT_LIST_NEXT = re.compile(rf"\s*(?:,|\band\b)\s+(?:{COUNT})\s", re.I)  # "..., and two Kh-22s"


def _launched_in_relative(text: str, match: re.Match) -> bool:
    """True where a relative clause between the weapons and their downing says they were launched."""
    P = patterns()
    right = P.passive_right.match(text[match.end():])
    return bool(right and right.group("rel") and re.search(rf"\b(?:{P.launch})\b", right.group("rel"), re.I))


# A weapon's side from a by-phrase after it: "fired by Russia", "released by the occupiers" (a side word, sides.csv).
_BY_SIDE = re.compile(r"\s+(?:\w+\s+)?(?:fired|launched|sent|used|released)\s+by\s+(?:the\s+)?([\w-]+)")
# The defenders as the subject of the interception: "Ukraine's air defences shot down ..." (not the
# attacker named in "missiles fired by the Russian army").
_DEFENDER = re.compile(r"\b(Russian|Ukrainian|Russia|Ukraine|Kyiv|Moscow)(?:['’]s)?\s+(?:[\w-]+\s+){0,2}?(?:air\s+defen[cs]es?|"
                       r"defen[cs]es?|air\s+force|forces|military|army|troops|fighter\s+jets|jets|pilots)\s+(?:have\s+|has\s+|had\s+)?"
                       r"(?:\w+\s+)?(?:shot|downed|intercepted|destroyed|repelled|neutrali[sz]ed|brought|took)\b[^.;]{0,80}$")
_ALL_OF_THEM = re.compile(r"(?:^|[.!?]\s+)[\"“]?(?:all|each)\s+of\s+them\s+(?:were|was|have\s+been|had\s+been)\b", re.I)
_OTHER_VERB_RIGHT = re.compile(r"^\s+(?:\w+\s+)?(?:returned|hit|struck|reached|fell|crashed|flew|exploded|landed|damaged|caused)\b"
                               r"|^\s+(?:were|was)\s+(?:recorded|registered|reported)\s+(?:as\s+)?(?:hitting|striking|having\s+hit)\b", re.I)


_TOTAL_OF_BEFORE = re.compile(r"\b(?:a\s+)?total\s+of\s+$", re.I)


@example("Ukraine's air force shot down 12 of more than 20 cruise missiles fired by Russia, the commander said.",
         "drone_counts", {"attacker": "Russia", "launched": 20, "destroyed": 12})
@example("Russia's defence ministry said it had destroyed 8 U.S.-made ATACMS missiles over Crimea and 15 drones "
         "over the Kursk region.", "drone_counts", {"attacker": "Ukraine", "weapon_class": "missile", "destroyed": 8},
         {"attacker": "Ukraine", "weapon_class": "drone", "destroyed": 15})
@example("The ministry claimed that 14 UAVs were destroyed or jammed by electronic warfare over the Bryansk region.",
         "drone_counts", {"attacker": "Ukraine", "destroyed": 14})
@example("Fourteen Russian cruise missiles were taken down by air defence over central Ukraine, the air "
         "force said.", "drone_counts", {"attacker": "Russia", "weapon_class": "missile", "destroyed": 14})
@example("Russia launched 210 drones overnight. Air defences intercepted or jammed 190 drones and 7 missiles, "
         "the air force said.", "drone_counts", {"weapon_class": "drone", "launched": 210, "destroyed": 190},
         {"weapon_class": "missile", "launched": None, "destroyed": 7})
@example("\"Three unmanned aerial vehicles were detected and destroyed over the Belgorod region,\" Russia's "
         "defence ministry said.", "drone_counts", {"attacker": "Ukraine", "launched": None, "destroyed": 3})
@example("In addition, five Lancet drones released by the occupiers were destroyed in the south.", "drone_counts",
         {"attacker": "Russia", "weapon": "Lancet", "launched": None, "destroyed": 5})
@example("The air force reported a total of 31 drones, 23 of which were shot down.", "drone_counts",
         {"launched": 31, "destroyed": 23})
@example("Russia fired a Kh-31 anti-radar missile and two Kh-22 supersonic cruise missiles at Odesa.", "drone_counts",
         {"weapon": "Kh-31", "launched": 1}, {"weapon": "Kh-22", "launched": 2})
@example("Air defences shot down/jammed 61 drones, the air force said.", "drone_counts", {"destroyed": 61, "diverted": None})
@example("Russia launched 80 drones overnight; air defences shot down 55. Hits by 21 strike drones were recorded, and "
         "21 strike drones were recorded hitting 13 locations.", "drone_counts", {"launched": 80, "destroyed": 55})
def _slot(text: str, match: re.Match) -> str | None:
    """'launched', 'destroyed' or 'diverted' for a weapon phrase, from the verb that governs it."""
    P = patterns()
    if _OTHER_VERB_RIGHT.match(text[match.end():]) and not match.group("none"):
        return None
    if re.search(r"\b(?:hits?|strikes?|impacts?)\s+(?:from|by)\s+(?:[^.;]{0,60}\band\s+)?$",
                 text[max(0, match.start() - 90):match.start()], re.I):
        return None  # "recorded hits from 10 missiles and 25 drones": the ones that got through
    if match.group("none"):
        right = P.passive_right.match(text[match.end():])
        return "destroyed" if right and _verb_slot(right.group("v")) == "destroyed" else None
    right = P.passive_right.match(text[match.end():]) or P.passive_after_list.match(text[match.end():])
    if right:
        if _verbs().destroy_or.search(text[match.end():match.end() + right.start("v")]):
            return "destroyed"  # "were destroyed or jammed": the interception, as the tally gives it
        return _verb_slot(right.group("v"))
    left = text[max(0, match.start() - 200):match.start()]
    left = re.split(r"[.;]|\b(?:said|says|reported|according\s+to)\b", left)[-1]
    verbs = [v for v in P.verb_left.finditer(left)
             if not (v.group("launch") and _verbs().noun_before.search(left[:v.start()]))]
    if re.search(r"\b(?:struck|hit|targeted|attacked|pounded|shelled|bombarded)\b[^.;]{0,60}\bwith\s+$", left, re.I):
        return "launched"
    if not verbs and _TOTAL_OF_BEFORE.search(left):
        return "launched"  # "reported a total of 31 drones, 23 of which were shot down"
    if not verbs:
        after = text[match.end():match.end() + 40]
        if _verbs().launched_after.match(after):
            return "launched"  # "six missiles X-47M2 'Kinzhal' were launched"
        return None
    verb = verbs[-1]
    if len(verbs) > 1 and verbs[-2].group("destroy") and re.fullmatch(r"\s*(?:and|or|and/or|,|/)\s*", left[verbs[-2].end():verb.start()]):
        return "destroyed"  # "intercepted or jammed 339 drones", "intercepted and shot down": the interception
    return "launched" if verb.group("launch") else "destroyed" if verb.group("destroy") else "diverted"


def _is_breakdown(claims: list[Claim], attacker, wclass, reporter, slot, count, launched, after: str) -> bool:
    """True for a per-region part of a total already told ('28 drones were shot down over the
    Saratov Region' after '41 drones were destroyed')."""
    if slot != "destroyed" or launched is not None or count is None or count.value is None:
        return False
    if not re.match(r"^[^.;]{0,40}?\b(?:over|in|above)\s+(?:the\s+)?(?:territory\s+of\s+(?:the\s+)?)?[A-Z]", after):
        return False
    return any(c.weapon_class == wclass and c.attacker in (attacker, None) and c.reporter in (reporter, None)
               and c.destroyed is not None and c.destroyed.value is not None and c.destroyed.value > count.value
               for c in claims)


_OTHERS_HINT = re.compile(r"\s(?:others?|more)\s", re.I)


@example("Ukraine intercepted 81 of 93 missiles, the president said. Ukrainian F-16 fighter jets intercepted "
         "eleven missiles, he added.", "drone_counts", {"weapon_class": "missile", "launched": 93, "destroyed": 81})
@example("Russia's defence ministry said it destroyed 40 Ukrainian drones over the Kursk region, with 12 others "
         "downed over other regions.", "drone_counts", {"destroyed": 40, "area": "the Kursk region"},
         {"destroyed": 12, "area": "other regions"})
@example("The ministry said air defences destroyed two Ukrainian drones over the Pskov region and two others over "
         "the neighbouring Tver region.", "drone_counts", {"destroyed": 2, "area": "the Pskov region"},
         {"destroyed": 2, "area": "the neighbouring Tver region"})
def _other_parts(claims: list[Claim], claim: Claim, slot: str, text: str, end: int) -> None:
    """Parts told after a count by 'N others over X' (the same class, side and reporter): each a
    claim of its own, as no total is given."""
    P = patterns()
    if not _OTHERS_HINT.search(text, end, min(len(text), end + 160)):
        return  # a cheap look first: a part is told as "N others" or "N more"
    for match in P.others.finditer(text, end, min(len(text), end + 160)):
        if P.phrase.search(text, end, match.start()):
            break
        part = Claim(claim.attacker, claim.weapon_class, None, claim.reporter, claim.unit, date=claim.date,
                     date_text=claim.date_text, units=[claim.unit], kind=claim.kind, part=True)
        claim.part = True
        _fill(part, slot, parse_count(match.group("k")), None)
        part.area = _area(text, match.end() - 1)
        claims.append(part)
        end = match.end()


def _interceptor_share(claims: list[Claim], unit: Unit, wclass: str, slot: str, count: Count | None,
                       launched: Count | None, left: str) -> bool:
    """True for the share of a tally credited to one interceptor ('F-16 fighter jets intercepted
    eleven missiles' after 81 intercepted): a part of the tally told just before."""
    if slot != "destroyed" or launched is not None or count is None or count.value is None:
        return False
    if not patterns().interceptor.search(left):
        return False
    return any(c.weapon_class == wclass and c.destroyed is not None and c.destroyed.value is not None
               and c.destroyed.value > count.value and unit.index - c.units[-1].index <= 3 for c in claims)


def _verb_slot(verb: str) -> str:
    """Slot a verb fills."""
    if _verbs().destroy.fullmatch(verb.strip()):
        return "destroyed"
    if _verbs().divert.fullmatch(verb.strip()):
        return "diverted"
    return "launched"


@dataclass(frozen=True)
class Verbs:
    """Patterns of the air-defence verbs and weapon nouns that slots are read by, compiled once per vocabulary."""

    destroy: re.Pattern[str]
    divert: re.Pattern[str]
    destroy_or: re.Pattern[str]  # "destroyed or" before the verb a passive ends with ("were destroyed or jammed")
    noun_before: re.Pattern[str]  # a weapon noun just before a launch verb
    launched_after: re.Pattern[str]  # "... were launched" after a weapon phrase


@vocab.compiled
def _verbs(v: vocab.Vocabulary) -> Verbs:
    """The slot patterns of the active vocabulary."""
    P = patterns()
    return Verbs(re.compile(P.destroy, re.I), re.compile(P.divert, re.I),
                 re.compile(rf"\b(?:{P.destroy})\s+(?:or|and)\s+$", re.I), re.compile(P.noun + r"\s+$", re.I),
                 re.compile(rf"^\s+(?:were\s+|had\s+been\s+)?(?:{P.launch})\b|^[^.;,]{{0,25}}?\b(?:were|was|had\s+been|have\s+been)\s+"
                            rf"(?:\w+\s+)?(?:{P.launch})\b", re.I))


@example("Air defence shot down the majority of 120 Russian drones launched overnight, the air force said. "
         "In the end, 97 drones were shot down over nine regions.", "drone_counts",
         {"attacker": "Russia", "weapon_class": "drone", "launched": 120, "destroyed": 97})
def _counts(match: re.Match) -> tuple[Count | None, Count | None]:
    """(count, launched-of) in a phrase: '63 of the 88 drones' -> (63, 88); 'all 29 drones' -> (29, 29)."""
    if match.group("none"):
        total = parse_count(match.group("nn")) if match.group("nn") else None
        return Count(0, "exact"), total
    if match.group("all"):
        total = parse_count(match.group("an"))
        return total, total
    if match.group("most"):  # "shot down the majority of 135 drones": 135 launched, how many downed unsaid
        return Count(None, "vague"), parse_count(match.group("mn"))
    if match.group("both"):
        return Count(2, "exact"), None
    if match.group("one"):  # "shot down a Russian Iskander-M missile"
        return Count(1, "exact"), None
    k = parse_count(match.group("k"))
    n = parse_count(match.group("n")) if match.group("n") else None
    return k, n


def _fill(claim: Claim, slot: str, count: Count | None, launched: Count | None) -> None:
    """Put a count in a claim's slot (and the total it was taken from, where given)."""
    if count is not None:
        if slot == "diverted":
            claim.diverted = count.value if claim.diverted is None else claim.diverted
        elif getattr(claim, slot) is None or getattr(claim, slot).qualifier == "vague":
            setattr(claim, slot, count)
    if launched is not None and claim.launched is None:
        claim.launched = launched


def _claim_for(claims: list[Claim], attacker, wclass, wtype, reporter, slot, unit, count, launched,
               kind: str | None = None) -> Claim:
    """The claim a count belongs to: one of the same side, class, type, kind and reporter with the
    slot still open (or holding the same figure); else a new claim."""
    ordered = list(reversed(claims))
    if wtype is None:
        ordered.sort(key=lambda c: c.weapon is not None)  # an untyped count belongs to an untyped total first
    for c in ordered:
        if c.weapon_class != wclass or (c.attacker and attacker and c.attacker != attacker):
            continue
        if slot == "destroyed" and count is not None and count.value is not None and c.launched is not None \
                and c.launched.value is not None and count.value > c.launched.value:
            continue
        if c.weapon and wtype and c.weapon != wtype and wtype not in c.weapon:
            continue
        if c.kind and kind and c.kind != kind:
            continue
        if c.reporter and reporter and c.reporter != reporter and not _completes(c, reporter, slot, count, wtype):
            continue
        if unit.index - c.unit.index > 6:
            continue
        current = getattr(c, slot) if slot != "diverted" else c.diverted
        retold = isinstance(current, Count) and count is not None and current.value is not None and current.value == count.value
        if current is not None and not (isinstance(current, Count) and current.qualifier == "vague") and not retold:
            if slot == "destroyed" and launched is None:
                continue
            if slot != "destroyed":
                continue
            if c.destroyed is not None:
                continue
        if launched is not None and c.launched is not None and c.launched.value != launched.value:
            continue
        c.attacker = c.attacker or attacker
        c.kind = c.kind or kind
        if wtype and not c.weapon:
            c.weapon = wtype
        c.units.append(unit)
        return c
    date, date_text = best_date(unit.dates) if unit.dates else (None, None)
    claim = Claim(attacker, wclass, wtype, reporter, unit, date=date, date_text=date_text, units=[unit], kind=kind)
    claims.append(claim)
    return claim


@example("Ukraine's air defense said it shot down two Iskander-M missiles overnight. Russia had launched four "
         "Iskander-M missiles in all, the Ukraine air force said.", "drone_counts",
         {"weapon": "Iskander-M", "launched": 4, "destroyed": 2, "area": None})
@example("Air defences shot down eight drones over the region overnight, Governor Ivan Petrenko said. Russia "
         "launched 97 drones overnight, of which 71 were destroyed, the air force said.", "drone_counts",
         {"launched": None, "destroyed": 8}, {"launched": 97, "destroyed": 71})
@example("Ukraine said on Sunday it had downed 10 drones overnight. Russia attacked overnight using a total of 12 "
         "Shahed drones, Ukraine's armed forces said.", "drone_counts", {"weapon": "Shahed", "launched": 12, "destroyed": 10})
def _completes(claim: Claim, reporter: str, slot: str, count: Count | None, wtype: str | None = None) -> bool:
    """True where a count from another voice of the same side fills a launched-only tally's
    shot-down figure ('according to the air force commander ... Lt. Gen. X said'), or a typed
    downing's launch figure ('shot down two Iskander-Ms, it said ... had launched four Iskander-Ms')."""
    ours, theirs = side_of(claim.reporter), side_of(reporter)
    if len({ours, theirs} - {None}) > 1 or count is None or count.value is None:
        return False
    if slot == "launched":  # a region's downings are no part of a national launch total, so: typed, or both national
        national = claim.weapon is None and ours is not None and theirs is not None
        return claim.launched is None and claim.destroyed is not None and claim.destroyed.value is not None \
            and count.value >= claim.destroyed.value and wtype is not None and (claim.weapon == wtype or national) \
            and claim.area is None
    return (slot == "destroyed" and claim.destroyed is None and claim.launched is not None
            and claim.launched.value is not None and count.value <= claim.launched.value)


def _recent(claims: list[Claim], wclass: str, unit: Unit) -> Claim | None:
    """The latest claim of a class told within the last few units (an untyped total first)."""
    near = [c for c in claims if c.weapon_class == wclass and unit.index - c.units[-1].index <= 3]
    untyped = [c for c in near if c.weapon is None]
    return (untyped or near or [None])[-1]


def _last_class(claims: list[Claim], unit: Unit) -> str:
    """Class of the latest claim near a unit (a bare 'Most were intercepted' follows it)."""
    for c in reversed(claims):
        if unit.index - c.units[-1].index <= 3:
            return c.weapon_class
    return "drone"


def _reporter(ctx: Context, unit: Unit) -> str | None:
    """Who gives the counts in a unit: its speaker, else the paragraph's."""
    for u in ctx.earlier_in_paragraph(unit, back=3, include=True):
        if u.index in ctx.speaker_at:
            return ctx.speaker_at[u.index]
    nxt = unit.index + 1
    if nxt < len(ctx.units) and ctx.units[nxt].paragraph == unit.paragraph and nxt in ctx.speaker_at:
        return ctx.speaker_at[nxt]
    return None


@vocab.compiled
def _launcher_after(v: vocab.Vocabulary) -> re.Pattern[str]:
    """The side a relative clause after the weapons names as launching them ('drones that Russia launched')."""
    return re.compile(rf"\s+(?:that|which)?\s*(Russia|Ukraine|Moscow|Kyiv)\s+(?:had\s+|has\s+)?(?:{patterns().launch})\b")


@example("Air defences destroyed 30 of the 40 drones that Russia launched overnight.", "drone_counts",
         {"attacker": "Russia", "launched": 40, "destroyed": 30})
@example("Air defence shot down 45 Shahed drones overnight; one returned to Russia. This was reported by the air "
         "force.", "drone_counts", {"attacker": "Russia", "weapon": "Shahed", "destroyed": 45})
def _attacker(ctx: Context, unit: Unit, match: re.Match, reporter: str | None, slot: str,
              claims_before: list | None = None, wtype: str | None = None) -> str | None:
    """The side that launched the weapons (of type wtype, where the phrase names one): an adjective,
    the launching subject, the side that fires that type, the reporter's side, or where they were downed."""
    P = patterns()
    adj = _SIDE_ADJ.search(match.group(0))
    if adj and adj.group(1).lower() != "enemy":
        return _side(adj.group(1))
    by = _BY_SIDE.match(unit.text, match.end())
    if by and side_of(by.group(1)):  # "20 cruise missiles fired by Russia"
        return side_of(by.group(1))
    launcher = _launcher_after().match(unit.text, match.end())
    if launcher and side_of(launcher.group(1)):  # "30 of the 40 drones that Russia launched"
        return side_of(launcher.group(1))
    left = re.split(r"[.;]\s", unit.text[max(0, match.start() - 200):match.start()])[-1]
    subjects = list(re.finditer(r"\b(Russia|Ukraine|Russians|Ukrainians|Moscow|Kyiv|Russian|Ukrainian)\b(?:\s+[a-z]+)?"
                                r"\s+(?:has\s+|had\s+|have\s+|also\s+|again\s+)*(?:" + P.launch + r")\b", left))
    if subjects:
        word = subjects[-1].group(1).replace("Moscow", "Russia").replace("Kyiv", "Ukraine")
        return _side(word)
    fired_by = side_of(wtype.split("-")[0]) if wtype else None
    if fired_by:  # only one side fires Shaheds, Kalibrs or Kh-101s, whoever reports them
        return fired_by
    defender = _DEFENDER.search(left)
    if defender and slot in ("destroyed", "diverted"):  # "Ukraine's air defences shot down ...": Russia's weapons
        return "Ukraine" if _side(defender.group(1).replace("Moscow", "Russia").replace("Kyiv", "Ukraine")) == "Russia" else "Russia"
    side = side_of(reporter)
    if side:
        return "Ukraine" if side == "Russia" else "Russia"
    if claims_before:
        return claims_before[-1].attacker
    places = [m for u in ctx.units[max(0, unit.index - 3):unit.index + 2] for m in u.places
              if not re.search(r"\bfrom\s+(?:the\s+)?$", u.text[max(0, m.start - u.start - 12):m.start - u.start])]
    countries = [m.place.country for m in places if m.place.country in ("Russia", "Ukraine")]
    if countries:
        return "Ukraine" if countries[-1] == "Russia" else "Russia"
    return None


@example("Air defences shot down seven Ukrainian drones over the Oryol Region overnight, the ministry said.",
         "drone_counts", {"destroyed": 7, "area": "the Oryol Region"})
def _area(text: str, end: int) -> str | None:
    """Where the weapons were aimed or downed, in the text's words ('over the Kursk region')."""
    match = re.match(r"^[^.;]{0,40}?\b(?:over|against|at|on|in)\s+(?!all\b|total\b)((?:the\s+)?[^.;]{3,70}?(?:(?i:regions?|oblasts?)|Crimea|Ukraine|"
                     r"the\s+south|the\s+north|the\s+east|the\s+country|territory|bay))\b", text[end:])
    return match.group(1) if match else None


# A claim read over a few neighbouring sentences has them all as its evidence; one told again much
# later keeps the sentence it was first read from.
EVIDENCE_REACH = 2


def _row(ctx: Context, number: int, c: Claim) -> dict:
    """A claim as a drone_counts row."""
    unit = c.units[0]
    last = max(c.units, key=lambda u: u.index)
    if last.index - unit.index > EVIDENCE_REACH or last.section != unit.section:
        last = unit
    return {"claim_id": f"d{number}", "attacker": c.attacker, "weapon_class": c.weapon_class,
            "weapon": c.weapon, "date": c.date, "date_text": c.date_text,
            "launched": c.launched.value if c.launched else None,
            "launched_qualifier": c.launched.qualifier if c.launched else None,
            "destroyed": c.destroyed.value if c.destroyed else None,
            "destroyed_qualifier": c.destroyed.qualifier if c.destroyed else None,
            "diverted": c.diverted, "area": c.area, "reporter": c.reporter,
            "evidence": ctx.text[unit.start:last.end], "char_start": unit.start, "char_end": last.end}
