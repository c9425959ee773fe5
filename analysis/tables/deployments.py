"""Deployments: reported force sizes ("about 12,000 North Korean troops in the Kursk region"),
one row per figure and source."""
from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.language import vocab
from analysis.examples import example
from analysis.tables import coreference
from analysis.tables.context import Context, Unit
from analysis.language.dates import MONTHS, WEEKDAYS
from analysis.language.numbers import COUNT, DIGITS, has_number, parse_count
from analysis.tables.statements import cues_in, left_subject
from analysis.language.speakers import parse_np

MODIFIER = (r"(?:(?:[A-Z](?:\.[A-Z])+\.?|[A-Z][\w'’-]*|additional|more|new|regular|special|combat|elite|foreign|allied|active|"
            r"enemy|armed|armou?red|mechani[sz]ed|motori[sz]ed|infantry|tank|airborne|assault)\s+){0,4}")  # "U.S." too


@dataclass(frozen=True)
class ForceWords:
    """The deployment words of one vocabulary."""

    force: re.Pattern[str]  # a count and its force noun ("12,000 North Korean troops")
    noun_only: re.Pattern[str]  # any force noun (a cheap look before the count patterns)
    loss: re.Pattern[str]  # words around a figure that make it a loss, not a force
    ranged: re.Pattern[str]  # "11,000 to 12,000 troops", "450,000-500,000 more Ukrainians", "between 1,000 and 3,000 soldiers"
    part_of: re.Pattern[str]  # "8,000 out of the 10,000 servicemen": both figures
    number_of: re.Pattern[str]  # "the number of reservists could reach 300,000", "the size of the deployment to be 1,000"
    sender: re.Pattern[str]  # the last country or capital named, whose forces a bare "troops" are
    nationality: dict[str, str]  # "north korea" -> "North Korean"
    formation: re.Pattern[str]  # units of troops, counted in small numbers ("92 battalion tactical groups")
    recruit: re.Pattern[str]  # people joining a force ("volunteers"), a force only where service is spoken of
    force_noun: re.Pattern[str]  # a force noun with its modifiers ("Russian troops")
    strength: re.Pattern[str]  # "the army's strength stood at 900,000", "the staff strength of the Armed Forces to 2,039,758"


# What an "N-strong" force is ("a 5,000-strong armoured brigade").
_UNITS = r"(?:brigade|battalion|regiment|division|contingent|unit|force|group|corps|army)s?"
# What a force's strength is told of, and how it is told ("stood at", "to", "is").
_STRENGTH_OF = r"armed\s+forces|army|military|navy|national\s+guard|forces"
_STANDS = r"(?:stood\s+at|stands\s+at|is|was|of|to|at|(?:rose|risen|grew|grown|increased)\s+to|reach(?:es|ed)?)"


@vocab.compiled
@example("South Korea's spy agency estimated the number of North Korean troops to be around 10,000.", "deployments",
         {"force": "North Korean troops", "count": 10000})
@example("The agency put the number of North Korean troops in Russia at 11,000.", "deployments", {"count": 11000})
@example("The Pentagon said the 4,500 U.S. forces would stay in Poland.", "deployments",
         {"force": "U.S. forces", "count": 4500})
@example("Belarus moved a 5,000-strong armoured brigade to the border, officials said.", "deployments",
         {"force": "Belarusian armoured brigade", "count": 5000})
def force_words(v: vocab.Vocabulary) -> ForceWords:
    """The deployment words of the active vocabulary."""
    nouns = vocab.alternation([*v.terms("force_words", role="force"), *v.terms("force_words", role="formation"),
                               *v.terms("force_words", role="recruit")])
    nationality = {" ".join(r["name"].split()): r["nationality"] for r in v.rows("demonyms") if r["nationality"]}
    senders = vocab.alternation([n.title() for n in nationality])
    count = rf"(?<![\w.,-])(?P<count>{COUNT})"
    return ForceWords(re.compile(rf"{count}(?:[”\"’]?\s+(?P<force>{MODIFIER}{nouns})|-strong\s+(?P<force2>{MODIFIER}{_UNITS}))\b", re.I),
                      re.compile(rf"\b{nouns}\b", re.I),
                      re.compile(rf"\b{vocab.alternation(v.terms('force_words', role='loss'))}\b", re.I),
                      re.compile(rf"(?<![\w.,-])(?:between\s+)?(?P<count>{DIGITS})\s*(?:-|–|to|and)\s*(?P<upper>{DIGITS})[”\"’]?\s+"
                                 rf"(?P<force>{MODIFIER}{nouns})\b", re.I),
                      re.compile(rf"(?<![\w.,-])(?P<count>{COUNT})\s+(?:out\s+)?of\s+(?:the\s+)?(?P<whole>{COUNT})\s+"
                                 rf"(?P<force>{MODIFIER}{nouns})\b", re.I),
                      re.compile(rf"\b(?:number|total)\s+of\s+(?P<force>{MODIFIER}{nouns})\b[^.;]{{0,60}}?\b(?:reach(?:ed|es)?|"
                                 rf"is|was|were|are|stood\s+at|stands\s+at|(?:rose|risen|grown|grew|increased)\s+(?:from\s+[\d,]+\s+)?to|totals?|totalled|would\s+be|"
                                 rf"will\s+be|to\s+be|at)\s+(?:(?:to|at|about|around|some)\s+)?(?P<count>{COUNT})\b"
                                 rf"|\bsize\s+of\s+(?:the\s+)?(?:new\s+|latest\s+)?(?P<force2>deployment|contingent|force|group)\b"
                                 rf"[^.;]{{0,40}}?\b(?:to\s+be|at|is|was)\s+(?:between\s+)?(?P<count2>{COUNT})\b", re.I),
                      re.compile(rf"\b({senders})\b(?!.*\b{senders}\b)"), nationality,
                      re.compile(rf"\b{vocab.alternation(v.terms('force_words', role='formation'))}\b", re.I),
                      re.compile(rf"\b{vocab.alternation(v.terms('force_words', role='recruit'))}\b", re.I),
                      re.compile(rf"\b(?:(?-i:[A-Z])[\w'’-]*\s+){{0,3}}{nouns}\b", re.I),
                      re.compile(rf"\b(?P<force>{MODIFIER}(?:{_STRENGTH_OF}))['’]?s?\s+(?:staff\s+|troop\s+|combat\s+)?strength\b"
                                 rf"[^.;]{{0,40}}?\b{_STANDS}\s+(?P<count>{COUNT})\b"
                                 rf"|\b(?:staff\s+|troop\s+|combat\s+)?strength\s+of\s+(?:the\s+)?(?P<force2>{MODIFIER}(?:{_STRENGTH_OF})"
                                 rf"(?:\s+of\s+the\s+[A-Z][\w ]{{3,30}}?)?)[^.;]{{0,40}}?\b{_STANDS}\s+(?P<count2>{COUNT})\b", re.I))


_PUT_OR_BARE_HINT = re.compile(r"\b(?:put|gave|cited|named|quoted)\b|\bbeen\s+(?:mobili|called|conscript|draft|recruit)|\b(?:closer|around|about|nearly|roughly|up\s+to|no\s+more|more\s+than|at\s+least|some|at\s+most)\s+\d", re.I)
_PUT = re.compile(rf"\b(?:put|gave|cited|named|quoted)\s+(?:it|(?:a|the)\s+(?:figure|number|total|count|strength))(?:\s+\w+)?\s*,?\s*"
                  rf"(?:at|to|of|as|closer\s+to|around|near)?\s*(?P<count>{COUNT})\b", re.I)
# "of those, 244,000 had been mobilized": a part of the force just told, in its own words.
_CALLED_UP = re.compile(rf"(?<![\w.,-])(?P<count>{COUNT})\s+(?:had|have|has)\s+been\s+(?P<how>mobili[sz]ed|called\s+up|conscripted|"
                        rf"drafted|recruited|deployed|sent)\b", re.I)
_QUALIFIED = r"(?:closer\s+to|around|about|nearly|roughly|up\s+to|no\s+more\s+than|more\s+than|at\s+least|some|at\s+most)"
_BARE = re.compile(rf"(?:,|\bsay|\bestimate|\bthink|\bbelieve|\bcount|\breckon|\bsee|\bfigure\s+(?:is|was|of))\s*(?P<count>{_QUALIFIED}\s+[\d,]{{5,}})\b"
                   rf"|(?P<count2>{_QUALIFIED}\s+[\d,]{{5,}})\s+(?:remain(?:ed)?|were|are|have\s+been)\s+(?:at|in|on|near|deployed|stationed)\b", re.I)
# People called up, the force being what they are called up to: "mobilise another 450,000 to 500,000 people",
# "call up 160,000 more people", "300,000 men would be mobilised".
_CALL_HINT = re.compile(r"mobili[sz]|call(?:ed|ing|s)?\s+up|draft|conscript", re.I)
_PEOPLE = r"people|men|citizens|Ukrainians|Russians|reservists"
_CALL_UP_PEOPLE = re.compile(rf"\b(?P<how>mobili[sz]\w*|call(?:ed|ing|s)?\s+up|draft(?:ed|ing|s)?|conscript(?:ed|ing|s)?)\s+(?:of\s+)?"
                             rf"(?:another|an\s+additional|a\s+further|up\s+to|some|about|around|nearly|at\s+least)?\s*"
                             rf"(?:between\s+)?(?P<count>{DIGITS})(?:\s*(?:-|–|to|and)\s*{DIGITS})?\s+(?:more\s+|additional\s+|new\s+)?(?P<who>{_PEOPLE})\b"
                             rf"|(?<![\w.,-])(?P<count2>{DIGITS})(?:\s*(?:-|–|to|and)\s*{DIGITS})?\s+(?:more\s+|additional\s+)?(?P<who2>{_PEOPLE})\s+"
                             rf"(?:to\s+be|would\s+be|will\s+be|be|were|had\s+been|have\s+been|being)\s+(?P<how2>mobili[sz]ed|called\s+up|drafted|conscripted)\b", re.I)


# A figure that points back to the force just told: "That number has since grown to 520,000", "up from
# 100,000 in January", "compared with the 200,000 involved in the 2021 exercise".
_BACK_HINT = re.compile(r"\b(?:number|figure|total|estimate|count|tally|from|compared|involved|taking|took)\b", re.I)
_POINTS_BACK = re.compile(rf"\b(?:that|this|the)\s+(?:number|figure|total|estimate|count|tally)\s+(?:has\s+|had\s+|have\s+)?(?:since\s+|now\s+|already\s+)?"
                          rf"(?:grown|grew|rose|risen|increased|climbed|jumped|reached|swelled|doubled)\s+(?:to\s+)?(?P<count>(?:{_QUALIFIED}\s+)?{COUNT})\b"
                          rf"|\b(?:(?:up|down)\s+from|(?:as\s+)?compared\s+(?:with|to))\s+(?P<count2>(?:{_QUALIFIED}\s+)?[\d,]{{4,}})(?![\d,]|\s*(?:%|per\s*cent))"
                          rf"|\bthe\s+(?P<count3>[\d,]{{4,}})\s+(?:who\s+)?(?:involved|taking\s+part|took\s+part|deployed|stationed)\b", re.I)
# Cheap looks for what a rule's match cannot do without (the rules are slow to try at every
# position): two figures joined as a range, an "of", a figure of five or more digits and commas.
_RANGE_HINT = re.compile(r"(?:\d|thousand|million)\s*(?:-|–|to|and)\s*\d", re.I)
_OF_HINT = re.compile(r"\sof\s", re.I)
_LONG_FIGURE = re.compile(r"\s[\d,]{5,}")
_LOCATION = re.compile(r"\b(?:in|near|on|along|to|at|inside|into|around)\s+((?:the\s+|Russia['’]s\s+|Ukraine['’]s\s+)?"
                       r"(?:[A-Z][\w'’-]*\s*){1,3}(?:region|axis|border|front|direction|Oblast|oblast|area)?)", re.U)


def extract_deployments(ctx: Context) -> list[dict]:
    """Deployment rows of an article: each force size with its source."""
    rows: list[dict] = []
    seen: set = set()
    last_force: str | None = None
    for unit in ctx.units:
        for count_text, force, start in _figures(unit, last_force) or _answer(ctx, unit):
            count = parse_count(count_text)
            if count is None or count.value is None:
                continue
            formation = force_words().formation.search(force)
            if count.value < 100 and not re.search(r"\b(?:deploy|station|gather|mass|move|send|sent)", unit.text, re.I) \
                    and not (formation and count.value >= 10):
                continue  # a handful of soldiers is a loss or an anecdote, not a force; 92 battalion groups are
            last_force = force
            source = _source(ctx, unit, start - unit.start)
            key = (count.value, (source or "").lower())
            if key in seen:
                continue
            seen.add(key)
            date, date_text = ctx.date_near(unit, start - unit.start, reach=80)
            rows.append({"deployment_id": f"t{len(rows) + 1}", "force": force, "count": count.value,
                         "count_qualifier": count.qualifier, "location": _location(unit.text[start - unit.start:]),
                         "source": source, "date": date, "date_text": date_text,
                         "evidence": unit.text, "char_start": unit.start, "char_end": unit.end})
    return rows


@example("Officials estimated that 11,000 to 12,000 North Korean troops were in the Kursk region.",
         "deployments", {"count": 11000, "force": "North Korean troops"})
@example("Blinken said 8,000 out of the 10,000 North Korean soldiers in Russia had moved to the border.",
         "deployments", {"count": 8000}, {"count": 10000})
@example("The defence minister said the total number of reservists to be called up could reach 200,000.",
         "deployments", {"count": 200000, "force": "reservists"})
@example("The Pentagon said there are now 85 battalion tactical groups inside Ukraine.",
         "deployments", {"count": 85})
@example("Thus, Ukraine lost more than 150 servicemen in the north; over 200 troops in the west; and up to "
         "90 servicemen and an M113 armored personnel carrier in the south.", "deployments")
@example("Putin said 650,000 Russians were fighting in Ukraine.\n\nIn March he gave the figure of 590,000. He said "
         "that of those, 230,000 had been mobilized.", "deployments", {"count": 650000}, {"count": 590000}, {"count": 230000})
@example("The official said the number of tactical units near Belgorod had risen from 25 to 35.", "deployments",
         {"count": 35})
@example("Up to 40,000 volunteers sign army contracts every month, the minister said. Separately, 300 volunteers "
         "cleared rubble in Odesa.", "deployments", {"count": 40000})
@example("The Pentagon said at least 10,000 North Korean forces are inside Russia's Kursk Oblast.", "deployments",
         {"force": "North Korean forces", "count": 10000, "source": "Pentagon"})
@example("Russian forces fired 40 missiles at Kharkiv.", "deployments")
@example("Ukraine has said it has around a million people under arms.", "deployments", {"count": 1000000})
@example("The army's strength stood at 900,000 under the old decree. The new one sets the staff strength of the "
         "Armed Forces at 1,100,000, the ministry said.", "deployments", {"count": 900000}, {"count": 1100000})
@example("In 2023 he said 410,000 Russian troops were in Ukraine. That number has since grown to 520,000, the "
         "Kremlin said.", "deployments", {"count": 410000}, {"count": 520000, "force": "Russian troops"})
@example("Russia had about 150,000 troops on the border, up from 100,000 in January, officials said.", "deployments",
         {"count": 150000}, {"count": 100000})
@example("The envoy said Russia had massed 170,000 personnel near Ukraine, as compared with about 100,000 in January.",
         "deployments", {"count": 170000}, {"count": 100000})
@example("Belarus said 9,000 troops would join the drills, against the 200,000 involved in the 2021 exercise.",
         "deployments", {"count": 9000}, {"count": 200000})
@example("The president said the army had asked to mobilise another 450,000 to 500,000 people.", "deployments",
         {"count": 450000, "force": "people mobilised"})
@example("The ministry plans to call up 160,000 more people this year.", "deployments",
         {"count": 160000, "force": "people called up"})
@example("The general staff asked that another 300,000 people be called up.", "deployments",
         {"count": 300000, "force": "people called up"})
@example("The Kremlin began drafting some 300,000 men.", "deployments", {"count": 300000, "force": "men called up"})
def _figures(unit: Unit, last_force: str | None) -> list[tuple[str, str, int]]:
    """(count words, force words, offset) of force sizes in a unit; losses are left out."""
    out = []
    text = unit.text
    words = force_words()
    if not has_number(text):
        return out
    low = text.lower()
    noun = bool(words.noun_only.search(text)) or "-strong " in low
    sized, strength = noun or "size of" in low, "strength" in low
    if not (noun or sized or strength or (last_force and (_PUT_OR_BARE_HINT.search(text) or _BACK_HINT.search(text)))
            or _CALL_HINT.search(text)):
        return out
    taken: list[tuple[int, int]] = []
    rules = ((words.ranged, noun and _RANGE_HINT.search(text)), (words.part_of, noun and _OF_HINT.search(text)),
             (words.number_of, sized), (words.strength, strength), (words.force, noun))
    for rule in (rule for rule, applies in rules if applies):
        for match in rule.finditer(text):
            if any(a <= match.start() < b for a, b in taken) or words.loss.search(_clause(text, match.start(), match.end())):
                continue
            if words.recruit.fullmatch(match.group("force") or "") and not _SERVICE.search(text):
                continue  # "200 volunteers cleared the rubble" is no force
            taken.append((match.start(), match.end()))
            noun = match.groupdict().get("force") or match.groupdict().get("force2") or "troops"
            force = _nationalised(" ".join(noun.split()), text[:match.start()])
            out.append((match.group("count") or match.group("count2"), force, unit.start + match.start()))
            if match.groupdict().get("whole"):  # "8,000 out of the 10,000 servicemen": the whole is a force size too
                out.append((match.group("whole"), force, unit.start + match.start("whole")))
    for match in _CALL_UP_PEOPLE.finditer(text) if _CALL_HINT.search(text) else ():
        count = match.group("count") or match.group("count2")
        if not any(parse_count(c) == parse_count(count) for c, _, _ in out):
            how = (match.group("how") or match.group("how2")).lower()
            who = (match.group("who") or match.group("who2")).lower()  # the text's own noun, which the force keeps
            out.append((count, f"{who} called up" if how.startswith(("call", "draft", "conscript")) else f"{who} mobilised",
                        unit.start + match.start()))
    for match in _CALLED_UP.finditer(text) if last_force or out else ():
        if not any(parse_count(c) == parse_count(match.group("count")) for c, _, _ in out):
            out.append((match.group("count"), f"{match.group('how').split()[0]} {(out[0][1] if out else last_force)}",
                        unit.start + match.start()))
    for match in _POINTS_BACK.finditer(text) if (last_force or out) and _BACK_HINT.search(text) else ():
        count = match.group("count") or match.group("count2") or match.group("count3")
        if not words.loss.search(_clause(text, match.start(), match.end())) and \
                not any(parse_count(c) == parse_count(count) for c, _, _ in out):
            out.append((count, out[-1][1] if out else last_force, unit.start + match.start()))
    if last_force or out:
        for pattern, hint in ((_PUT, None), (_BARE, _LONG_FIGURE)):
            match = pattern.search(text) if hint is None or hint.search(text) else None
            if match and not words.loss.search(_clause(text, match.start(), match.end())):
                count = match.groupdict().get("count") or match.groupdict().get("count2")
                if not any(parse_count(c) == parse_count(count) for c, _, _ in out):
                    out.append((count, out[0][1] if out else last_force, unit.start + match.start()))
                break
    return sorted(out, key=lambda f: f[2])


# A question about a force's size, and an answer that gives only the figure.
_ASKED = re.compile(r"\b(?:number|size|estimate|how\s+many)\s+of\s+|\bhow\s+many\s+", re.I)
_FIGURE_ONLY = re.compile(rf"^(?:[A-Z][\w.'’ -]{{0,40}}:\s+)?[^.;?]{{0,40}}?(?<![\w.,-])(?P<count>{_QUALIFIED}\s+[\d,]{{5,}}|"
                          rf"(?:between\s+)?\d{{1,3}}(?:,\d{{3}})+)(?:\s*(?:-|–|to|and)\s*[\d,]{{5,}})?\s*[.!]?$", re.I)


@example("Q: What is your estimate of the number of Russian troops on the border?\n\nA: It's somewhere between "
         "90,000 and 110,000.", "deployments", {"count": 90000, "force": "Russian troops"})
def _answer(ctx: Context, unit: Unit) -> list[tuple[str, str, int]]:
    """A transcript answer that gives only a figure, the force named in the question before it."""
    if unit.kind != "turn" or unit.index == 0:
        return []
    match = _FIGURE_ONLY.match(unit.text)
    question = ctx.units[unit.index - 1]
    asked = _ASKED.search(question.text) if match and question.kind == "turn" else None
    force = force_words().force_noun.search(question.text, asked.end()) if asked else None
    if force is None:
        return []
    count = re.sub(r"^between\s+", "", match.group("count"), flags=re.I)
    noun = " ".join(force.group(0).split())
    return [(count, _nationalised(noun, question.text[:force.start()]), unit.start + match.start("count"))]


def _clause(text: str, start: int, end: int) -> str:
    """The sentence part around a span: back to the sentence's start (a ';' list shares its verb,
    'Ukraine lost 185 servicemen ...; over 225 troops ...', unless its part has a verb of its own),
    on to the next comma."""
    sentence = re.split(r"\.\s", text[:start])[-1]
    part = sentence.split(";")[-1]
    left = part if _OWN_VERB.search(part) else sentence
    right = re.split(r"[.;,]", text[end:])[0]
    return left + " " + right[:40]


_SERVICE = re.compile(r"\b(?:army|armed\s+forces|military|contracts?|enlist\w*|sign(?:ing|ed|s)?\s+up|mobili[sz]\w*|"
                      r"recruit\w*|front|troops|service)\b", re.I)
_OWN_VERB = re.compile(r"\b(?:deployed|sent|stationed|massed|moved|gathered|arrived|has|have|had|is|are|was|were)\b", re.I)


def _nationalised(force: str, before: str) -> str:
    """'troops' -> 'Belarusian troops' where the clause's subject names the country."""
    if re.search(r"\b(?:Russian|Ukrainian|Belarusian|North\s+Korean|Korean|American|Chechen|NATO|Western)\b|Koreans|Belarusians", force):
        return force
    words = force_words()
    match = words.sender.search(before)
    if match:
        return f"{words.nationality[' '.join(match.group(1).lower().split())]} {force}"
    return force


@example("Russia massed 30,000 troops in December in Belarus.", "deployments",
         {"count": 30000, "location": "Belarus"})
def _location(after: str) -> str | None:
    """Where the force is, in the text's words (a month or weekday is when, not where)."""
    for match in _LOCATION.finditer(after[:120]):
        where = match.group(1).strip()
        first = where.split()[0].lower()
        if first not in MONTHS and first not in WEEKDAYS \
                and not after[:match.start()].rstrip().lower().endswith("according"):  # "according to the Kremlin" is who
            return where
    return None


def _source(ctx: Context, unit: Unit, offset: int = 0) -> str | None:
    """Per whom: the reporting subject nearest the figure inside the unit (also inside a transcript
    turn), else the unit's speaker."""
    cues = sorted(cues_in(unit.masked), key=lambda m: abs(m.start() - offset))
    for match in cues:
        if match.group(1).lower() == "according to":
            continue
        subject = left_subject(unit.masked, unit.text, match.start())
        if subject and subject[0]:
            words = re.sub(r"^(?:Q|A|[A-Z][\w ]{0,30}):\s*", "", subject[0])
            speaker = parse_np(words)
            if speaker and speaker.kind in ("organization", "role"):
                return coreference.qualify_org(ctx, speaker.name, unit) if speaker.kind == "organization" else speaker.name
            if speaker and speaker.kind == "person":
                return ctx.registry.canonical(speaker.name)
    return ctx.speaker_at.get(unit.index)
