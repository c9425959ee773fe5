"""Statements: who said what (direct quotes, partial quotes, reported speech, transcript turns),
through which channel, when."""
from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.language import vocab
from analysis.language.dates import WEEKDAYS
from analysis.language.quotes import Quote
from analysis.examples import example
from analysis.tables import coreference
from analysis.tables.context import Context, Unit
from analysis.language.speakers import Registry, Speaker, lexicon, parse_np

# "denied a string of reports that ...": what a denial or a dismissal is of (not "denied a visa").
_A_REPORT = r"|^\s+an?\s+(?:[\w-]+\s+){0,2}?(?:of\s+)?(?:reports?|claims?|allegations?)\b"
# Cue -> pattern its right context must match for it to be speech.
CUE_NEEDS = {
    "put": r"^\s+(?:it|the\s+(?:figure|number|toll|death toll|total|count|losses|strength))\b",
    "called": r"^\s+(?:on|for)\b|^[^.;]{0,60}?x{2}|^[^.;]{0,40}\bas\b"
              r"|^\s+(?:the|that|this|these|those|it|them)\s+(?:[\w-]+\s+){0,3}?(?:an?|one\s+of)\s",  # "called the strike a war crime"
    "calls": r"^\s+(?:on|for)\b|^[^.;]{0,60}?x{2}|^\s+the\b",
    "described": r"^[^.;]{0,60}?(?:\bas\b|x{2})", "describes": r"^[^.;]{0,60}?(?:\bas\b|x{2})",
    "estimate": r"^\s+(?:that|the|it\s+at)\b", "estimates": r"^\s+(?:that|the|its|it\s+at|\w+\s+losses)\b",
    "estimated": r"^\s+(?:that|the|its|\w+\s+losses)\b",
    # "claimed the lives", "claimed the region as Russian territory": no speech
    "claimed": r"^(?!\s+the\s+li(?:fe|ves)\b|[^.;,]{0,40}?\bas\s+(?:\w+\s+)?(?:territory|land|its\s+own|part\s+of)\b)",
    "claims": r"^(?!\s+the\s+li(?:fe|ves)\b|[^.;,]{0,40}?\bas\s+(?:\w+\s+)?(?:territory|land|its\s+own|part\s+of)\b)",
    "reported": r"^(?!\s+(?:missing|dead|killed|wounded|injured)\b)",
    "dismissed": r"^\s+(?:the|it|this|that|claims|reports|as)\b" + _A_REPORT,
    "rejected": r"^\s+(?:the|it|this|that|claims|reports|accusations)\b" + _A_REPORT,
    "concluded": r"^\s+that\b", "concludes": r"^\s+that\b", "assessed": r"^\s+(?:on\s+\w+\s+)?that\b",
    "assesses": r"^\s+that\b", "expressed concern": r"^\s+(?:that|over|about)\b", "expressed regret": r"^\s+(?:that|over)\b",
    "expressed hope": r"^\s+that\b",
    "threatened": r"^\s+(?:to|that|with|retaliation|a\s+response|consequences)\b",
    "threatens": r"^\s+(?:to|that|with|retaliation|a\s+response|consequences)\b",
    "contended": r"^\s+that\b", "contends": r"^\s+that\b",
    "accused": r"^\s+\w+", "accuses": r"^\s+\w+", "accusing": r"^\s+(?:[\w'’-]+\s+){1,4}?(?:this\s+\w+\s+|on\s+\w+\s+)?of\b", "denied": r"^\s+(?:that|the|it|any|claims|reports|involvement)\b" + _A_REPORT,
    "warning": r"^\s+(?:that|of|about|against)\b", "posted": r"^\s+(?:on|that|a\s+video)\b",
    "quoted": r"^\s+(?:as|by)\b|^\s+[^.;:!?]{2,80}?\s+as\s+(?:saying|stating|telling)\b", "declared": r"^(?!\s+\w+\s+(?:a|an)\s)(?![^.]{0,40}\bmourning\b)",
    "welcomed": r"^\s+(?:the|it|this|that|a|an|his|her|their|its)\b", "calling": r"^[^.;]{0,60}?x{2}|^\s+(?:on|for)\b",
    "believes": r"^\s+(?:that|[A-Z]|the|it)", "believe": r"^\s+(?:that|[A-Z]|the|it)", "cited": r"^\s+(?:as|by)\b",
    "shows": r"^\s+that\b", "showed": r"^\s+that\b", "appealed": r"^\s+(?:for|to)\b", "appeals": r"^\s+(?:for|to)\b",
    "detailed": r"^\s+(?:the|how|what|plans?)\b", "outlined": r"^\s+(?:the|how|what|plans?)\b",
    "recalled": r"^\s+(?:that|how)\b", "mentioned": r"^\s+(?:that|the)\b", "mentions": r"^\s+(?:that|the)\b", "calculated": r"^\s+(?:that|the)\b",
    "blamed": r"^\s+(?:[A-Z]|the|it|them|him|her|Russia|Ukraine)", "blames": r"^\s+(?:[A-Z]|the|it|them)",
    "confirm": r"^\s+(?:that|the|at\s+least|\d|[a-z]+\s+(?:people|deaths|fatalities))",
    "estimating": r"^\s+(?:that|the)\b",
    "labeled": r"^[^.;]{0,60}?\bas\b", "labelled": r"^[^.;]{0,60}?\bas\b", "labels": r"^[^.;]{0,60}?\bas\b",
    "reports": r"^(?!\s+(?:of|about|on)\b)",  # "the news follows reports of ...": a noun
}
# Words before a cue that make it something else ("no reports of", "were reported", "did not say").
CUE_BLOCKERS = re.compile(
    r"(?:\b(?:was|were|been|be|is|are|being|no|not|never|the|a|an|any|of|initial|"
    r"unconfirmed|such|to|air\s+raid|raid|without|did\s+not|didn['’]t|declined\s+to|"
    r"refused\s+to|would\s+not|has\s+not|have\s+not|had\s+not|also\s+not|could\s+not)\s*)$", re.I)
# Words that may stand between a subject and its cue.
_ADVERBS = re.compile(r"(?:\s+(?:has|have|had|also|repeatedly|explicitly|strongly|later|then|previously|"
                      r"earlier|initially|separately|further|again|publicly|quickly|already|"
                      r"reportedly|subsequently|once|now|himself|herself|itself|themselves|first|"
                      r"officially|privately|openly|directly|recently|only|just|would|will|could|may|"
                      r"might|had\s+also|has\s+since|clearly|flatly|bluntly|sharply))+\s*$", re.I)
_NEEDS = {k: re.compile(v, re.I) for k, v in CUE_NEEDS.items()}


@dataclass(frozen=True)
class Cues:
    """The statement words of one vocabulary: reporting verbs, channels, transcript labels."""

    cue: re.Pattern[str]  # any reporting verb, as group 1
    channels: tuple[tuple[re.Pattern[str], str], ...]  # (words, channel) in the order they are tried
    channel_hint: re.Pattern[str]  # any channel's words (a cheap look before trying each)
    askers: frozenset[str]  # turn labels of the interviewer ("q", "host")
    answers: frozenset[str]  # turn labels of the interviewee ("a")


@vocab.compiled
def cues(v: vocab.Vocabulary) -> Cues:
    """The statement words of the active vocabulary."""
    by_channel: dict[str, list[str]] = {}
    for row in v.rows("channels"):
        by_channel.setdefault(row["channel"], []).append(row["term"])
    verbs = v.terms("reporting_verbs")
    return Cues(re.compile(rf"\b{vocab.lookahead(verbs)}({vocab.alternation(verbs, group=False)})\b", re.I),
                tuple((re.compile(rf"\b{vocab.alternation(t)}\b", re.I), name) for name, t in by_channel.items()),
                re.compile(rf"\b{vocab.alternation(v.terms('channels'))}\b", re.I),
                frozenset(v.terms("transcript_labels", role="asker")), frozenset(v.terms("transcript_labels", role="answer")))


_SPLIT_SEGMENT = re.compile(r"\s*(?:[;—–]|\s-\s|\bthat\b|\bwhile\b|\bbut\b|\band\b|\bas\b|\bwhereas\b|"
                            r"\bafter\b|\bbefore\b|\bwhen\b|\bsince\b|\buntil\b|\bbecause\b|\bthough\b|\balthough\b|"
                            r"\bwhich\b|\bwhere\b|\bif\b|\bx{2,}\S*)\s*", re.I)
# '"...," - Governor Ivan Fedorov.' : a quote attributed after a dash.
_DASH_ATTRIBUTION = re.compile(r"x[.,!?]?[\"”»']\s*[-—–]\s*(?P<who>[A-Z][^.;:!?]{2,80}?)\s*[.]?\s*$")
_ROLE_START = re.compile(r"^(?:Head|Chief|Governor|Mayor|Spokes\w+|Minister|Commander|Director|Deputy|Acting|Secretary|"
                         r"Chairman|Chair|Adviser|Advisor|President)\b")
_APPOSITIVE_START = re.compile(r"^(?:[Aa]n?\s|[Tt]he\s|who\b|which\b|whose\b|speaking|based|himself|herself|one\b|"
                               r"writing|citing|quoted|according|[a-z])")


@dataclass
class Found:
    """A statement found in a unit, before its speaker is canonical."""

    unit: Unit
    speaker: Speaker
    cue: str | None
    cue_at: int
    mode: str
    text: str
    start: int
    end: int
    channel: str | None = None
    date: str | None = None
    date_text: str | None = None
    turn_label: str | None = None


@example("President Ivan Petrenko contended that Russia had a big advantage in artillery.", "statements",
         {"speaker": "Ivan Petrenko", "cue": "contended"})
@example("Tensions rose on the border, with Poland accusing Russia this week of sending drones into its airspace.",
         "statements", {"speaker": "Poland", "cue": "accusing"})
@example("President Ivan Petrenko denied a string of reports that foreign troops had crossed the border.", "statements",
         {"speaker": "Ivan Petrenko", "cue": "denied"})
@example("The ministry denied a visa to the reporter.", "statements")
@example("According to CNN, Russia moved 5,000 troops to the south.", "statements", {"speaker": "CNN"})
@example("The strike killed four people, Yonhap reports.", "statements", {"speaker": "Yonhap"})
@example("Ukrainian media claimed partisans cut power to a plant in the Urals.", "statements",
         {"speaker": "Ukrainian media", "cue": "claimed"})
@example("Russia launched 20 drones, as per the air force's morning report.", "statements",
         {"speaker": "Ukrainian air force"})
@example("The move follows reports of troops massing near the border.", "statements")
@example("Suspilne reports that two drones hit the port.", "statements", {"speaker": "Suspilne", "cue": "reports"})
@example("Ivan Petrenko called the strike a war crime.", "statements", {"speaker": "Ivan Petrenko", "cue": "called"})
@example("Ivan Petrenko called the mayor of Odesa on Monday.", "statements")
@example("According to Ukrainian media reports, two drones hit the plant.", "statements",
         {"speaker": "Ukrainian media reports", "cue": "according to"})
@example("Russia threatened security in Europe, the minister said.", "statements", {"speaker": "minister"})
def cues_in(masked: str) -> list[re.Match]:
    """Reporting-verb matches in a masked unit that are speech, not nouns or passives."""
    found = []
    for match in cues().cue.finditer(masked):
        cue = match.group(1).lower()
        if CUE_BLOCKERS.search(masked, max(0, match.start() - 40), match.start()) and cue not in ("according to", "as per"):
            continue
        need = _NEEDS.get(cue)
        if need and not need.search(masked[match.end():]):
            continue
        if match.group(1)[0].isupper() and match.start() == 0 and cue in ("writing", "speaking"):
            continue
        if cue in ("saying", "stating") and _AS_BEFORE.search(masked, max(0, match.start() - 4), match.start()):
            continue  # "quoted X as saying": the cue is "quoted"
        if cue in ("reports", "report") and _ACCORDING_BEFORE.search(masked, max(0, match.start() - 60), match.start()):
            continue  # "according to Ukrainian media reports": a noun of the according-to phrase
        found.append(match)
    return found


_WHEN_BEFORE_CUE = re.compile(
    r"(?:\s+(?:on|late|early|last|this|earlier|later|in|since)?\s*(?:(?:on|late|early)\s+)?(?:Monday|Tuesday|Wednesday|"
    r"Thursday|Friday|Saturday|Sunday|week|month|year|night|morning|evening|afternoon|January|February|March|"
    r"April|May|June|July|August|September|October|November|December|\d{4})(?:\s+\d{1,2})?"
    r"(?:\s+(?:morning|evening|night|afternoon))?)+\s*$")


@example("Russian President Vladimir Putin on Tuesday said 50,000 troops were taking part in the drills.",
         "statements", {"speaker": "Vladimir Putin", "cue": "said"})
@example("Minsk earlier said only 5,000 troops were taking part.", "statements", {"speaker": "Minsk"})
def left_subject(masked: str, original: str, cue_start: int) -> tuple[str, str | None] | None:
    """(subject words, appositive role) standing before a cue in its clause, if any; time words
    between them are passed over ('Putin on Tuesday said', 'Kyiv warned in July')."""
    left = masked[:cue_start]
    when = _WHEN_BEFORE_CUE.search(left)
    if when and when.start() > 0:
        left = left[:when.start()] + " " * (len(left) - when.start())
    left = _ADVERBS.sub("", left)
    stripped = left.rstrip()
    cuts = [0] + [m.end() for m in _COMMA.finditer(stripped)]
    bounds = list(zip(cuts, [c - 1 for c in cuts[1:]] + [len(stripped)]))
    orig = [original[a:b] for a, b in bounds]
    mask = [stripped[a:b] for a, b in bounds]
    if stripped.endswith(","):
        # "Name, a spokesman for X, said" / "Name, who ..., said"
        parts = [p.strip() for p in orig[:-1]]
        if len(parts) >= 2 and (_APPOSITIVE_START.match(parts[-1] or "a") or _ROLE_START.match(parts[-1])
                                or _titled_appositive(parts[-1], parts[-2])):
            return _last_piece(orig[-3], mask[-3]), parts[-1]
        if len(parts) >= 2 and re.fullmatch(r"(?:[A-Z][\w.'’-]*\s+){0,3}[A-Z][\w'’-]+", parts[-1]):
            named = parse_np(parts[-1])
            if named is not None and named.kind == "person":  # "A Pentagon spokesman, Colonel Dana Whitfield, said"
                return parts[-1], parts[-2]
        return None
    if mask[-1].strip().lower() == "who" and len(orig) >= 2:
        return _last_piece(orig[-2], mask[-2]), None
    relative = _WHO_CLAUSE.match(mask[-1])
    if relative and parse_np(_last_piece(orig[-1][:relative.end(1)])) is not None:
        return _last_piece(orig[-1][:relative.end(1)]), None  # "A senior official who asked not to be named told"
    piece = _last_piece(orig[-1], mask[-1])
    return (piece, None) if piece else None


_WHO_CLAUSE = re.compile(r"^(.*?)\s+who\s")
_COMMA = re.compile(",")


@example("Ivan Petrenko, Odesa regional governor, reported no direct hits on homes.", "statements",
         {"speaker": "Ivan Petrenko", "cue": "reported"})
def _titled_appositive(phrase: str, before: str) -> bool:
    """True for a role without an article after a person's name: 'Ivan Petrenko, Odesa regional
    governor, said' (a title word in the phrase, a person before it)."""
    titles = coreference.references().titles
    words = [w.lower().rstrip(".").removesuffix("'s").removesuffix("’s") for w in phrase.split()]
    if not 2 <= len(words) <= 8 or not any(w in titles for w in words):
        return False
    named = parse_np(_last_piece(before))
    return named is not None and named.kind == "person"


@example("Crimea has been hit by a wave of attacks in the past month, since Kyiv warned in July it aimed to "
         "take the war to Russia.", "statements", {"speaker": "Kyiv", "cue": "warned"})
def _last_piece(segment: str, masked: str | None = None) -> str:
    """The words after the last conjunction or clause boundary in a segment."""
    masked = masked if masked is not None else segment
    cut = 0
    for match in _SPLIT_SEGMENT.finditer(masked):
        if match.end() < len(masked):
            cut = match.end()
        elif match.group(0).strip():
            return ""
    return segment[cut:].strip()


def right_subject(original: str, cue_end: int) -> tuple[str, str | None]:
    """(subject words, role) after an inverted cue: 'said Mykola Savchuk, head of ...'."""
    rest = _TITLE_ABBREVIATION.sub(r"\1 ", original[cue_end:])
    rest = re.split(r"[.;:!?\"“”«»]|\s[—–-]\s", rest)[0]
    parts = [p.strip() for p in rest.split(",") if p.strip()]
    if not parts:
        return "", None
    first = parts[0]
    if re.match(r"^(?:that|which|whether|how|if|to|it\s+was)\b", first, re.I):
        return "", None
    first = re.split(r"\s+(?:on|in|at|during|after|before|late|early|via|through|citing|adding|while|who)\s",
                     " " + first + " ")[0].strip() or first
    if len(parts) >= 2:
        second = parts[1]
        named = parse_np(second) if re.match(r"^[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,3}$", second) else None
        first_np = parse_np(first)
        if named is not None and named.kind == "person" and (first_np is None or first_np.kind != "person"):
            return second, first
    role = parts[1] if len(parts) >= 2 and re.search(r"[A-Za-z]{3}", parts[1]) and not re.match(r"^\d", parts[1]) else None
    return first, role


_TITLE_ABBREVIATION = re.compile(r"\b(Gov|Gen|Col|Lt|Maj|Capt|Sgt|Adm|Sen|Rep|Dr|Mr|Mrs|Ms|St|Brig|Cmdr)\.")


_DATA_FROM = re.compile(r"^\s*(?:the\s+)?(?:(?:latest|preliminary|initial|updated|official|new)\s+)*(?:(?:data|information|"
                        r"figures|estimates?|reports?|assessments?)\s+(?:from|of|by)"
                        r"|(?:(?:Telegram|Facebook|X|Twitter|Instagram|official)\s+)?(?:channel|page|account|website)\s+of)\s+", re.I)


@example("According to preliminary data from the Regional Center for Emergency Medical Assistance, four people "
         "were injured.", "statements", {"speaker": "Regional Center for Emergency Medical Assistance"})
@example("Air defence destroyed 40 of them, according to the Telegram channel of the Odesa Regional Military "
         "Administration.", "statements", {"speaker": "Odesa Regional Military Administration", "channel": "Telegram"})
def according_to(original: str, cue_end: int) -> str:
    """The source named after 'according to' (the first one where several are joined)."""
    rest = _TITLE_ABBREVIATION.sub(r"\1 ", original[cue_end:])
    rest = _DATA_FROM.sub("", rest, count=1)  # "according to preliminary data from the Regional Center"
    rest = re.split(r"[.;:!?\"“”«»]|,\s|\s[—–-]\s", rest)[0]
    rest = re.split(r"\s+and\s+(?:the\s+)?", rest)[0]
    return re.split(r"\s+(?:familiar|who|speaking|close|with|in|at|on|based|cited|quoted|citing|from|involved|briefed|"
                    r"knowledgeable|aware)\b", rest)[0].strip()


def channel_of(text: str) -> str | None:
    """The channel a statement came through, where the words say ('on Telegram')."""
    words = cues()
    if not words.channel_hint.search(text):
        return None
    return next((name for pattern, name in words.channels if pattern.search(text)), None)


def extract_statements(ctx: Context) -> list[dict]:
    """Statement rows of an article (also records who speaks in each unit, for other tables)."""
    registry = ctx.registry
    found: list[Found] = []
    for unit in ctx.units:
        if unit.kind == "turn":
            continue
        found.extend(_statements_in_unit(ctx, unit, registry, found))
    found.extend(_list_statements(ctx, found))
    found.extend(_turn_statements(ctx, registry))
    found.sort(key=lambda f: (f.start, f.cue_at))
    for f in found:
        if f.speaker.kind == "person" and f.turn_label is None:
            registry.person(f.speaker.name, f.speaker.role)
    coreference.complete_names(ctx, registry)
    by_unit: dict[int, list[Found]] = {}
    for f in found:
        by_unit.setdefault(f.unit.index, []).append(f)
    rows = []
    for f in found:
        name, kind, role = _resolve(f, registry, ctx)
        if not name or _relayed(f, name, by_unit[f.unit.index]):
            continue
        for u in ctx.units[f.unit.index:]:
            if u.start >= f.end:
                break
            if f.turn_label is not None or u.index == f.unit.index:
                ctx.speaker_at.setdefault(u.index, name)  # a transcript turn speaks for all its sentences
        row = {"speaker": name, "speaker_role": role, "speaker_type": kind,
               "channel": f.channel, "mode": f.mode, "cue": f.cue, "text": f.text.strip()[:2000],
               "date": f.date, "date_text": f.date_text,
               "evidence": ctx.text[f.start:f.end], "char_start": f.start, "char_end": f.end}
        if rows and _introduces(rows[-1], row, ctx.text):
            _join_introduction(rows[-1], row, ctx.text)
            continue
        rows.append(row)
        ctx.statements.append(row)
    return _dedupe(rows)


@example("Speaking in Brussels, Secretary General Ivan Petrenko said:\n\n\"We will support Ukraine for as long as "
         "it takes.\"", "statements", {"speaker": "Ivan Petrenko", "mode": "direct", "cue": "said"})
def _introduces(intro: dict, quote: dict, text: str) -> bool:
    """True where a reported row only introduces the quote after it ('Rutte said:' and the quote in the
    next paragraph): one statement, as the spec counts a quote with its cue."""
    return (intro["mode"] == "reported" and quote["mode"] == "direct" and intro["speaker"] == quote["speaker"]
            and intro["evidence"].rstrip().endswith(":") and not text[intro["char_end"]:quote["char_start"]].strip(" \n\"“”«"))


def _join_introduction(intro: dict, quote: dict, text: str) -> None:
    """Make an introducing row the quote's statement: its words, its mode, both sentences as evidence."""
    intro.update(mode="direct", text=quote["text"], evidence=text[intro["char_start"]:quote["char_end"]],
                 char_end=quote["char_end"], date=intro["date"] or quote["date"], date_text=intro["date_text"] or quote["date_text"])


@example("The Odesa Regional Military Administration reported this on Telegram, according to Ukrinform.\n\n"
         "\"Two men were hurt,\" the report says.", "statements",
         {"speaker": "Odesa Regional Military Administration", "cue": "reported"},
         {"speaker": "Odesa Regional Military Administration", "cue": "says"})
@example("According to Ukrinform, two men were hurt in Odesa.", "statements", {"speaker": "Ukrinform"})
@example("This was reported by the head of the Odesa regional administration, Oleh Kiper, UNN reports.",
         "statements", {"speaker": "Oleh Kiper", "cue": "reported"})
def _relayed(f: Found, name: str, in_unit: list[Found]) -> bool:
    """True for an outlet that only relays another speaker of its sentence (in_unit: the statements
    found there) as in 'X reported this, according to Ukrinform' or '..., X said, UNN reports.'"""
    outlets = lexicon().outlets
    if name.lower() not in outlets or f.cue is None:
        return False
    if f.cue != "according to" and not _CLOSING.match(f.unit.masked, f.cue_at - f.unit.start + len(f.cue)):
        return False
    return any(g is not f and g.cue != "according to" and g.speaker.name.lower() not in outlets
               for g in in_unit[:MAX_CUES])


# A list of someone's statements: "Statements by Dmitry Ivanov, the spokesman:" or "The minister said the
# following:", then one line a statement, each opening with a dash or a bullet.
_LIST_INTRO = re.compile(r"(?:\b(?:[Ss]tatements?|[Rr]emarks|[Cc]omments|[Tt]heses|[Kk]ey\s+points)\s+(?:by|of|from)\s+"
                         r"(?P<by>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,4})"
                         r"|(?P<who>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,4})\s+(?:said|says|stated|noted)(?:\s+the\s+following)?)"
                         r"(?:,[^:\n]{0,120})?:\s*$")
_LIST_ITEM = re.compile(r"^\s*[–—•*-]\s+\S")


@example("Statements by Ivan Petrenko, the city's mayor:\n– The city is ready for winter;\n– Repairs will end "
         "in May.\n\nThe weather stayed mild.", "statements",
         {"speaker": "Ivan Petrenko", "mode": "reported", "cue": None, "evidence": "– The city is ready for winter;"},
         {"speaker": "Ivan Petrenko", "evidence": "– Repairs will end in May."})
def _list_statements(ctx: Context, found: list[Found]) -> list[Found]:
    """A statement for each line of a list that a line naming its speaker introduces, where the line
    has none of its own."""
    spoken = {f.unit.paragraph for f in found}
    first_unit = _first_units(ctx)
    out, speaker = [], None
    for para in ctx.layout.paragraphs:
        intro = _LIST_INTRO.search(para.text) if para.text.rstrip().endswith(":") else None
        if intro is not None:
            named = parse_np(intro.group("by") or intro.group("who"))
            speaker = named if named is not None and named.kind != "pronoun" else None
            continue
        if not _LIST_ITEM.match(para.text):
            speaker = None  # the list has ended
            continue
        if speaker is None or para.kind not in ("body", "intro"):
            continue
        unit = first_unit.get(para.index)
        if unit is not None and para.index not in spoken:
            out.append(Found(unit, speaker, None, unit.start, "reported", para.text, para.start, para.end))
    return out


def _first_units(ctx: Context) -> dict[int, Unit]:
    """The first unit of each paragraph, by paragraph index (memoised per article)."""
    if "first_units" not in ctx.cache:
        first: dict[int, Unit] = {}
        for u in ctx.units:
            first.setdefault(u.paragraph, u)
        ctx.cache["first_units"] = first
    return ctx.cache["first_units"]


def _dedupe(rows: list[dict]) -> list[dict]:
    """One statement per speaker per evidence span."""
    seen, out = set(), []
    for row in rows:
        key = (row["speaker"], row["char_start"])
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out


_AS_BEFORE = re.compile(r"\bas\s+$")
_ACCORDING_BEFORE = re.compile(r"\baccording\s+to\s+[^,;.]*$", re.I)
_AS_SAYING = re.compile(r"\s+(?P<who>[^.;:!?x]{2,80}?)\s+as\s+(?:saying|stating|telling)\b")


@example("\"We briefed our partners,\" Ukrainian media quoted Andriy Yermak as saying.", "statements",
         {"speaker": "Andriy Yermak", "mode": "direct", "cue": "quoted"})
@example("Reuters quoted a senior official as saying the talks had stalled in Geneva.", "statements",
         {"speaker": "senior official", "text": "the talks had stalled in Geneva."})
@example("The region was one of four that President Vladimir Putin claimed as Russian territory.", "statements")
def _quoted_as_saying(masked: str, match: re.Match) -> Speaker | None:
    """The speaker a 'quoted X as saying' names after its cue, if any."""
    found = _AS_SAYING.match(masked, match.end())
    speaker = parse_np(found.group("who")) if found else None
    return speaker if speaker is not None and speaker.kind != "pronoun" else None


# The most reporting verbs read in one sentence: real sentences hold two or three; a text that
# repeats "said" thousands of times gets no more work per sentence than this.
MAX_CUES = 8


@example("Air defence shot down 40 drones overnight. This was reported by the Air Force of the Armed Forces of "
         "Ukraine on Telegram.", "statements", {"speaker": "Air Force of the Armed Forces of Ukraine", "cue": "reported"})
@example("This was reported by the head of the Kherson regional administration, Oleksandr Prokudin.",
         "statements", {"speaker": "Oleksandr Prokudin", "cue": "reported"})
def _statements_in_unit(ctx: Context, unit: Unit, registry: Registry, before: list[Found]) -> list[Found]:
    """Statements of one sentence-like unit of a report paragraph."""
    out: list[Found] = []
    speakers_here: set[str] = set()
    for match in cues_in(unit.masked)[:MAX_CUES]:
        cue = match.group(1).lower()
        speaker, role = _first_speaker(_subject_candidates(unit, match, cue))
        quoted = _quoted_as_saying(unit.masked, match) if cue == "quoted" else None
        if quoted is not None:
            speaker, role = quoted, None  # "media quoted X as saying": X speaks, the media relay
        if speaker is None:
            continue
        if speaker.kind == "person":
            speaker = Speaker(speaker.name, "person", speaker.role or _clean_role(role))
        key = speaker.name.lower()
        if speaker.kind == "pronoun" and out and _closing_attribution(unit.masked, match):
            out = [f for f in out if f.speaker.kind == "person"]  # "..., intelligence suggests ..., he added."
            speakers_here = {f.speaker.name.lower() for f in out}
        if key in speakers_here or (speaker.kind == "pronoun" and out):
            continue
        speakers_here.add(key)
        found = Found(unit, speaker, cue, unit.start + match.start(), *_mode_and_text(unit, match),
                      start=unit.start, end=unit.end)
        found.channel = channel_of(unit.text)
        found.date, found.date_text = ctx.date_near(unit, match.start())
        out.append(found)
    outlets = lexicon().outlets
    passive = _REPORTED_BY.search(unit.text) if _BY.search(unit.text) and all(
        f.speaker.name.lower() in outlets for f in out) else None
    if passive is not None:
        words, role = right_subject(unit.text, passive.end())
        speaker = parse_np(words) if words else None
        if speaker is not None and speaker.kind != "pronoun":
            if speaker.kind == "person":
                speaker = Speaker(speaker.name, "person", speaker.role or _clean_role(role))
            found = Found(unit, speaker, passive.group("cue").lower(), unit.start + passive.start("cue"), "reported",
                          unit.text, unit.start, unit.end)
            found.channel = channel_of(unit.text)
            found.date, found.date_text = ctx.date_near(unit, passive.start())
            out.append(found)
    out.extend(filter(None, [_continued(unit, f) for f in out]))
    labelled = _labelled_statement(unit) if not out else None
    if labelled is not None:
        out.append(labelled)
    dash = _DASH_ATTRIBUTION.search(unit.masked)
    if not out and unit.quotes and dash:
        speaker = parse_np(unit.text[dash.start("who"):dash.end("who")])
        if speaker is not None and speaker.kind != "pronoun":
            text = _quoted(unit)
            out.append(Found(unit, speaker, None, unit.start, "direct", text, unit.start, unit.end))
    if not out and unit.quotes and _mostly_quote(unit):
        speaker = _quote_speaker(ctx, unit, before)
        if speaker is not None:
            text = _quoted(unit)
            out.append(Found(unit, speaker, None, unit.start, "direct", text, unit.start, unit.end))
    return out


_CLOSING = re.compile(r"[^.,;:!?]{0,40}[.!?]?['\"”’»]?\s*$")  # used with match(text, pos): anchored there


@example("Ivan Petrenko spoke on television.\n\nWhile Russia has massed troops nearby, intelligence suggests that "
         "an offensive is unlikely, he added.", "statements", {"speaker": "Ivan Petrenko", "cue": "added"})
def _closing_attribution(masked: str, match: re.Match) -> bool:
    """True for a pronoun's cue that closes its sentence after a comma ('..., he added.'): the sentence
    is that speaker's, and a body or role cued inside it ('intelligence suggests') is what they reported."""
    return bool(re.search(r",\s*(?:he|she|they|it)\s+(?:also\s+)?$", masked[:match.start()], re.I)) \
        and bool(_CLOSING.match(masked, match.end()))


# A passive attribution: "This was reported by the Air Force ...", "The information was confirmed by ...".
_BY = re.compile(r"\sby\s", re.I)  # a cheap look first: the passive needs its "by"
_REPORTED_BY = re.compile(r"\b(?:this|it|that|the\s+(?:information|news|attack|strike|figure|number))\s+(?:was|has\s+been|had\s+been)\s+"
                          r"(?:also\s+)?(?P<cue>reported|announced|stated|said|confirmed|claimed)\s+by\s+(?:the\s+)?(?=[A-Za-z])", re.I)


# A report's attribution lines: "Source: Pavlo Kyrylenko, Head of ...; Oleh Syniehubov, ..." and
# "Quote from Kyrylenko: “...”" (the wording of some Ukrainian outlets' English pages).
_SOURCE_LINE = re.compile(r"^\s*Sources?\s*:\s*(?P<who>[^;,:()\n]{3,80})")
_QUOTE_FROM = re.compile(r"^\s*Quote\s+from\s+(?:the\s+)?(?P<who>[A-Z][^:;\n]{1,80}?)\s*:\s*(?=\S)")
_CREDIT = re.compile(r"\b(?:news|agency|press|media|times|post|tv|television|radio|gazette|journal|daily)\b", re.I)


@example("Two people were wounded in Kherson.\n\nSource: Oleksandr Prokudin, Head of Kherson Oblast Military "
         "Administration, on Telegram\n\nQuote from Prokudin: \"The enemy shelled the city 40 times.\"",
         "statements", {"speaker": "Oleksandr Prokudin", "mode": "reported", "channel": "Telegram"},
         {"speaker": "Oleksandr Prokudin", "mode": "direct"})
@example("Drones hit an oil depot overnight.\n\nSource: Reuters News Agency", "statements")
@example("Shelling hit Nikopol overnight.\n\nSource: Telegram channel of Ivan Petrenko, head of the regional "
         "administration", "statements", {"speaker": "Ivan Petrenko", "channel": "Telegram"})
def _labelled_statement(unit: Unit) -> Found | None:
    """The statement an attribution line makes: 'Source: X, title' (not an outlet's credit) or
    'Quote from X: ...'."""
    quote = _QUOTE_FROM.match(unit.text)
    source = None if quote else _SOURCE_LINE.match(unit.text)
    match = quote or source
    if match is None or (source and _CREDIT.search(source.group("who"))):
        return None
    speaker = parse_np(_DATA_FROM.sub("", match.group("who"), count=1).strip())  # "Telegram channel of X"
    if speaker is None or speaker.kind == "pronoun" or (source and speaker.kind == "organization"
                                                        and speaker.name.lower() in lexicon().outlets):
        return None
    mode, text = ("direct", unit.text[match.end():]) if quote else ("reported", unit.text[match.start("who"):])
    found = Found(unit, speaker, "Quote:" if quote else "Source:", unit.start, mode, text, unit.start, unit.end)
    found.channel = channel_of(unit.text)
    return found


def _first_speaker(candidates: list[tuple[str, str | None]]) -> tuple[Speaker | None, str | None]:
    """The first candidate subject that parses as a speaker, with its role words."""
    for words, role in candidates:
        speaker = parse_np(words) if words else None
        if speaker is not None:
            return speaker, role
    return None, None


def _subject_candidates(unit: Unit, match: re.Match, cue: str) -> list[tuple[str, str | None]]:
    """Possible subject words (and role) of a cue, most likely first: after 'according to', before
    the verb, or after it when inverted ('..., said Mykola Savchuk'); participles take the sentence's."""
    if cue in ("according to", "as per"):
        return [(according_to(unit.text, match.end()), None)]
    before = unit.masked[: match.start()].rstrip()
    absolute = _WITH_SUBJECT.search(before) if cue.endswith("ing") else None
    if absolute:  # "..., with Russia's Defence Ministry claiming it shot down 40 drones"
        return [(unit.text[absolute.start(1):absolute.end(1)], None)]
    if cue.endswith("ing") or _AND_OR_BUT_LAST.search(before):
        earlier = [m for m in cues_in(unit.masked) if m.start() < match.start() and not m.group(1).lower().endswith("ing")]
        if earlier:
            return _subject_candidates(unit, earlier[0], earlier[0].group(1).lower())
        subject = _sentence_subject(unit)
        return [subject] if subject else []
    left = left_subject(unit.masked, unit.text, match.start())
    inverted = not before or before.endswith((",", "x", "\"", "”", "»", ":")) or bool(_QUOTE_CLOSED_LAST.search(before))
    right = right_subject(unit.text, match.end()) if inverted else None
    candidates = []
    if left and left[0] and not _only_quote_gap(unit.masked[: match.start()]):
        candidates.append(left)
    if right and right[0]:
        candidates.insert(0 if before.endswith(",") and not (left and left[0] and _names_someone(left[0])) else len(candidates), right)
    return candidates


_QUOTE_CLOSED_LAST = re.compile(r"x[,.!?]?['\"”’»]?\s*$")
_AND_OR_BUT_LAST = re.compile(r"\b(?:and|but)\s*$")


_WITH_SUBJECT = re.compile(r"\bwith\s+((?:the\s+)?[A-Z][\w'’.-]*(?:\s+[\w'’.-]+){0,5}?)$")


@example("Both sides reported heavy attacks overnight, with Russia's Defence Ministry claiming it shot down 40 "
         "drones.", "statements", {"speaker": "Russian Defence Ministry", "cue": "claiming"})
def _names_someone(words: str) -> bool:
    """True where words parse as a speaker."""
    return parse_np(words) is not None


def _only_quote_gap(before: str) -> bool:
    """True where only a quote (and punctuation) stands before the cue."""
    return not _NOT_QUOTE_GAP.search(before)


_NOT_QUOTE_GAP = re.compile(r"[^x\s,.!?\"“”«»'’‘—–-]")  # a character that is neither a masked quote nor punctuation


@example("ODESA >> Ukraine's air defence shot down 12 drones that Russia launched overnight, it said on Friday.",
         "statements", {"speaker": "Ukrainian air defence", "cue": "said", "char_start": 9})
def _own_subject(ctx: Context, pronoun: str, f: Found) -> tuple[str, str, None] | None:
    """The body a trailing 'it said' points to when no body spoke before: its own sentence's
    subject ('Ukraine's air defence shot down 12 drones ..., it said')."""
    if pronoun != "it" or f.cue_at <= f.unit.start:
        return None
    heads = lexicon().org_heads
    words = f.unit.text[:f.cue_at - f.unit.start].split()[:8]
    for n in range(1, len(words) + 1):  # the opening words up to a body's head word
        if words[n - 1].lower() in heads:
            named = parse_np(" ".join(words[:n]))
            if named is not None and named.kind == "organization":
                return coreference.qualify_org(ctx, named.name, f.unit), "organization", None
    return None


@example("Ukrainian President Ivan Petrenko offered condolences to the families and said the strike showed the "
         "need for aircraft. He said most missiles were shot down.", "statements",
         {"speaker": "Ivan Petrenko", "cue": "said"}, {"speaker": "Ivan Petrenko", "cue": "said"})
@example("Zelensky addressed the nation on Sunday, calling Ukrainians \"the bravest people in Europe\".", "statements",
         {"speaker": "Zelensky", "cue": "calling"})
def _sentence_subject(unit: Unit) -> tuple[str, str | None] | None:
    """The subject opening a unit (after introductory phrases), for participles and 'and said'."""
    masked = unit.masked
    verb = re.search(r"\b(?:has|have|had|is|was|were|will|would|issued|declined|spoke|met|made|"
                     r"gave|visited|called|urged|strongly|also|hinted|did|said|says|told|wrote|warned)\b", masked)
    head = unit.text[: verb.start()] if verb else unit.text[:80]
    parts = [p.strip() for p in head.split(",") if p.strip()]
    while len(parts) >= 2 and _PARTICIPLE_OPENING.match(parts[-1]):
        parts.pop()  # "..., calling Ukrainians ...": the participle's clause, no appositive
    if not parts:
        return None
    if len(parts) >= 2 and _APPOSITIVE_START.match(parts[-1]):
        return parts[-2], parts[-1]
    if parse_np(parts[-1]) is None:
        opening = _OPENING_NAME.match(unit.text)  # "Ukrainian President Ivan Petrenko offered condolences and said"
        named = parse_np(opening.group(1)) if opening and not opening.group(1).endswith(("'s", "’s")) else None
        if named is not None and named.kind == "person" and (len(named.name.split()) >= 2 or _VERB_NEXT.match(unit.text, opening.end(1))):
            return opening.group(1), None  # "Zelensky addressed the nation on Sunday, calling ..."
    return parts[-1], None


_OPENING_NAME = re.compile(r"^((?:[A-Z][\w.'’-]*\s+){0,5}[A-Z][\w.'’-]*)\s+[a-z]")
_PARTICIPLE_OPENING = re.compile(r"^(?!speaking\b|writing\b)[a-z]+ing\b")
_VERB_NEXT = re.compile(r"\s+[a-z]+(?:ed|s)\b")  # a past or present verb after the name


@example("Volodymyr Zelensky, describing the strike as terror, said the city would be rebuilt.", "statements",
         {"speaker": "Volodymyr Zelensky", "speaker_role": None})
@example("Ivan Petrenko, acting governor of the region, said two people were hurt.", "statements",
         {"speaker": "Ivan Petrenko", "speaker_role": "Acting governor of the region"})
def _clean_role(role: str | None) -> str | None:
    """An appositive as a role: 'a spokesman for the air force' -> 'Spokesman for the air force'."""
    if not role:
        return None
    role = re.sub(r"^(?:a|an|the|who|which)\s+", "", role.strip(), flags=re.I)
    if not role or re.match(r"^(?:based|(?!acting\b)\w+ing)\b", role, re.I) or cues().cue.search(role):
        return None  # "describing the strike as ...", "Peskov said the delegate": a clause, no role
    return role[0].upper() + role[1:]


@vocab.compiled
def _continuing(v: vocab.Vocabulary) -> re.Pattern[str]:
    """', adding that' / ', noting:': a continuing verb after a comma, its 'that' or colon passed over."""
    verbs = v.terms("continuing_verbs")
    return re.compile(rf",\s+{vocab.lookahead(verbs)}(?P<cue>{vocab.alternation(verbs, group=False)})\b(?:\s+that\b|\s*:)?\s*", re.I)


@example("The governor said two people were hurt, adding that rescuers were still at the scene.", "statements",
         {"speaker": "governor", "cue": "said", "text": "two people were hurt, adding that rescuers were still at the scene."})
@example("\"We will rebuild,\" Mayor Ivan Petrenko said on Telegram, adding that repairs would start next week.",
         "statements", {"speaker": "Ivan Petrenko", "mode": "direct", "channel": "Telegram"},
         {"speaker": "Ivan Petrenko", "cue": "adding", "channel": "Telegram", "text": "repairs would start next week."})
@example("The governor said two people were hurt, adding: \"Rescuers are still at the scene.\"", "statements",
         {"speaker": "governor", "cue": "said", "mode": "reported", "text": "two people were hurt"},
         {"speaker": "governor", "cue": "adding", "mode": "direct", "text": "Rescuers are still at the scene."})
def _continued(unit: Unit, found: Found) -> Found | None:
    """The words a quoted statement goes on with after its cue ('"...," she said, adding that ...'), as
    a statement of the same speaker of their own (the quote does not hold them; reported words that
    run on into them stay one statement); the first one's evidence ends before them."""
    if found.mode != "direct":
        return None  # "said X, adding that Y": one statement, its words run on
    after = found.cue_at - unit.start
    match = _continuing().search(unit.masked, after)
    if match is None or len(unit.text[match.end():].split()) < 3 or _CLAUSE_BREAK.search(unit.masked, after, match.start()):
        return None
    clause = unit.text[match.end():].strip()
    quotes = [x for x in unit.quotes if x.start >= match.end()]
    mode = "reported"
    if quotes:
        quoted = _quoted(unit, quotes)
        mode, clause = ("direct", quoted) if len(quoted.split()) >= 0.6 * len(clause.split()) else ("partial", clause)
    if quotes and len(quotes) == len(unit.quotes):  # "said X, adding: '...'": the first one reports
        said = _THAT_OPENING.sub("", unit.text[after + len(found.cue or ""):match.start()].strip())
        found.mode, found.text = "reported", said if len(said.split()) >= 3 else unit.text[:match.start()]
    found.end = min(found.end, unit.start + match.start())
    more = Found(unit, found.speaker, match.group("cue").lower(), unit.start + match.start("cue"), mode, clause,
                 unit.start + match.start("cue"), unit.end)
    more.channel, more.date, more.date_text = found.channel, found.date, found.date_text
    return more


_CLAUSE_BREAK = re.compile(r"[;:]|\s[—–]\s")  # a continuing verb beyond these belongs to another clause


@example("Air defences downed 30 drones overnight, the air force said on Tuesday on its Telegram channel.", "statements",
         {"speaker": "Ukrainian air force", "text": "Air defences downed 30 drones overnight, the air force said on Tuesday on its Telegram channel."})
@example("Investigators confirm at least 21 deaths in the city.", "statements",
         {"cue": "confirm", "text": "at least 21 deaths in the city."})
def _mode_and_text(unit: Unit, match: re.Match) -> tuple[str, str]:
    """Mode (direct, partial, reported) and the words said."""
    if unit.quotes:
        quoted = _quoted(unit)
        outside = _QUOTE_AND_MARKS.sub("", unit.masked)
        said_outside = len(outside) - len(re.sub(r"\W", "", match.group(0)))
        if len(re.sub(r"\W", "", quoted)) >= said_outside * 0.6 or _quote_is_whole(unit, match):
            return "direct", quoted
        return "partial", unit.text
    as_saying = _AS_SAYING.match(unit.masked, match.end()) if match.group(1).lower() == "quoted" else None
    after = unit.text[as_saying.end() if as_saying else match.end():].strip()
    after = _THAT_OPENING.sub("", after)
    if len(after) > 20 and match.group(1).lower() != "according to" and not _continuing().match(unit.text, match.end()) \
            and not _ADJUNCTS_TO_END.match(unit.masked, match.end()):
        return "reported", after
    return "reported", unit.text


# After a closing cue, only when and where it was said ('..., it said on Tuesday on its Telegram channel.'):
# the words said are the sentence, not these.
_ADJUNCTS_TO_END = re.compile(r"\s*(?:(?!at\s+(?:least|most)\b)(?:on|in|at|via|during|late|early|to|through|from|last|this|earlier|later|yesterday|"
                              rf"today|tonight|overnight|{vocab.alternation(WEEKDAYS, group=False)})\b"
                              r"(?:(?!\bthat\b)[^.;:!?]){0,90})?[.!?]?['\"”’»]?\s*$", re.I)
_THAT_OPENING = re.compile(r"^(?:on\s+\w+\s+|in\s+a\s+[\w\s]+?\s+)?that\s+")


_QUOTE_AND_MARKS = re.compile(r"[x\s,.!?\"“”«»'’‘:—–-]+")  # runs of masked quote and punctuation


def _quote_is_whole(unit: Unit, match: re.Match) -> bool:
    """True where the quote stands alone around its attribution ('"...," he said')."""
    return bool(re.match(r"^\s*x", unit.masked.lstrip("\"“«")) or re.search(r":\s*[\"“«„]?$", unit.masked[: unit.quotes[0].start]))


def _quoted(unit: Unit, quotes: list[Quote] | None = None) -> str:
    """The quoted words of a unit (or of some of its quotes), quotes joined by a space."""
    return " ".join(unit.text[qq.start:qq.end] for qq in (unit.quotes if quotes is None else quotes))


def _mostly_quote(unit: Unit) -> bool:
    """True where quoted words make up most of a unit (a quotation, not a scare-quoted term)."""
    quoted = len(_quoted(unit).split())
    return quoted >= 0.6 * len(unit.text.split()) or unit.text.lstrip().startswith(("\"", "“", "«"))


def _quote_speaker(ctx: Context, unit: Unit, before: list[Found]) -> Speaker | None:
    """The speaker of an uncued quote: a 'said:' just before it, else the previous statement's."""
    prev = ctx.units[unit.index - 1] if unit.index > 0 else None
    if prev is not None and prev.masked.rstrip().endswith(":"):
        for f in reversed(before):
            if f.unit.index == prev.index:
                return f.speaker
    for f in reversed(before):
        if f.unit.index >= unit.index - 3 and f.unit.paragraph >= unit.paragraph - 2:
            return f.speaker
    return None


def _turn_statements(ctx: Context, registry: Registry) -> list[Found]:
    """One statement per transcript turn, its label resolved to the person it stands for."""
    out: list[Found] = []
    current: Found | None = None
    first_unit = _first_units(ctx)
    for para in ctx.layout.paragraphs:
        if para.kind != "turn":
            continue
        if para.label is None and current is not None:
            current.end = para.end
            current.text += " " + para.text
            continue
        body_start = para.body_start or para.start
        label = para.label or ""
        speaker, mode = _turn_speaker(ctx, label, ctx.text[body_start:para.end])
        unit = first_unit.get(para.index) or next(u for u in ctx.units if u.start >= para.start)
        current = Found(unit, speaker, None, body_start, mode, ctx.text[body_start:para.end],
                        para.start, para.end, channel="interview", turn_label=label)
        out.append(current)
    return out


@example("SENIOR DEFENSE OFFICIAL: Good morning. We count 80 battalion groups in the east.",
         "statements", {"speaker": "Senior Defense Official", "mode": "interview"})
@example("Full interview with President Volodymyr Zelenskyy\n\nJANE DOE: What comes next, Mr President? And "
         "when?\n\nPRESIDENT VOLODYMYR ZELENSKYY: Thank you. We will hold the line.", "statements",
         {"speaker": "Jane Doe", "mode": "question"}, {"speaker": "Volodymyr Zelenskyy", "mode": "interview"})
def _turn_speaker(ctx: Context, label: str, body: str) -> tuple[Speaker, str]:
    """The speaker a turn label stands for, and the turn's mode (question or interview)."""
    label = _codes(ctx).get(label.lower(), label)
    if label.isupper() and len(label) > 2:  # "PRESIDENT VOLODYMYR ZELENSKYY" as it would be written in a sentence
        label = " ".join(w if w.lower() in ("q", "a") else w.capitalize() for w in label.split())
    low = label.lower()
    labels = cues()
    first = low == ctx.first_turn_label.lower() and len(ctx.turn_labels) > 1  # who opens an interview asks
    asks = low in labels.askers or first and low not in labels.answers
    mode = "question" if asks and not re.match(r"^\s*thank", body, re.I) else "interview"
    if low in ("q", "question"):
        asker = coreference.interviewer(ctx)
        if asker:
            return Speaker(asker, "person", "Interviewer"), mode
        return Speaker("Interviewer", "role", "Interviewer"), mode
    if low in labels.answers:
        name = coreference.interviewee(ctx)
        if name:
            return Speaker(name, "person", coreference.interviewee_role(ctx)), mode
        return Speaker("Interviewee", "role", "Interviewee"), mode
    if "," in label:  # "Jane Roe, Foreign Ministry Spokesperson": the name, then the role
        name, role = (part.strip() for part in label.split(",", 1))
        parsed = parse_np(name)
        if parsed and parsed.kind == "person":
            return Speaker(ctx.registry.person(parsed.name, role), "person", role), mode
    named = coreference.person_for_label(ctx, label)
    if named:
        return Speaker(named, "person", label), mode
    parsed = parse_np(label)
    if parsed and parsed.kind == "person" and len(label.split()) <= 3 and low not in labels.askers:
        return parsed, mode
    return Speaker(label, "role", coreference.role_phrase_for(ctx, label)), mode


_CODE = re.compile(r"[A-Z]{1,5}\d{1,2}")


@example("Briefing by a Senior Defense Official\n\nSenior Defense Official SDO1: Good morning.\n\nQ: How many "
         "troops crossed?\n\nSDO1: About 30 battalions.", "statements",
         {"speaker": "Senior Defense Official", "mode": "interview"}, {"speaker": "Interviewer"},
         {"speaker": "Senior Defense Official", "mode": "interview"})
def _codes(ctx: Context) -> dict[str, str]:
    """Transcript labels that a code stands for (lower case -> speaker words): a briefing names its speaker
    once as 'Senior Defense Official SDO1:' and then writes 'SDO1:'."""
    if "turn_codes" not in ctx.cache:
        codes: dict[str, str] = {}
        for para in ctx.layout.paragraphs:
            words = (para.label or "").split() if para.kind == "turn" else []
            if len(words) >= 2 and _CODE.fullmatch(words[-1]):
                codes[para.label.lower()] = codes[words[-1].lower()] = " ".join(words[:-1])
        ctx.cache["turn_codes"] = codes
    return ctx.cache["turn_codes"]


def _resolve(f: Found, registry: Registry, ctx: Context) -> tuple[str | None, str, str | None]:
    """(canonical name, speaker_type, role) of a found statement's speaker."""
    sp = f.speaker
    if sp.kind == "person":  # a turn's label or a sentence's subject alike
        name = registry.canonical(sp.name)
        return name, "person", registry.roles.get(name) or sp.role
    if f.turn_label is not None:
        return sp.name, "role", sp.role
    if sp.kind == "organization":
        return coreference.qualify_org(ctx, sp.name, f.unit), "organization", None
    if sp.kind == "pronoun":
        target = coreference.pronoun_target(ctx, sp.name, f.unit) or _own_subject(ctx, sp.name, f)
        if target is None:
            return None, "role", None
        return target
    if sp.kind == "role":
        target = coreference.role_target(ctx, sp.name, f.unit)
        if target is not None:
            return target
        return coreference.home_country(ctx, sp.name), "role", None
    return None, "role", None


