"""The structure of an article's text: paragraphs, headings, boilerplate, sentences, and the
documents it holds (a news report, an interview transcript with its turns)."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from analysis.examples import example
from analysis.language import vocab



@dataclass(frozen=True)
class Furniture:
    """The page-furniture words of one vocabulary: boilerplate lines, link-list headings, labels that
    are no transcript speaker, abbreviations whose full stop ends no sentence."""

    boiler_start: re.Pattern[str]  # patterns that must match at a line's start
    boiler_anywhere: re.Pattern[str]  # patterns searched anywhere in a line
    link_lists: re.Pattern[str]
    label_stops: frozenset[str]
    abbreviations: frozenset[str]
    askers: frozenset[str]  # turn labels of an interviewer ("question", "q", "host"), lower case


@vocab.compiled
def furniture(v: vocab.Vocabulary) -> Furniture:
    """The page-furniture words of the active vocabulary."""
    patterns = v.terms("boilerplate", "pattern")
    headings = "|".join(v.terms("link_list_headings", "pattern"))
    return Furniture(re.compile("|".join(p for p in patterns if p.startswith("^")), re.IGNORECASE),
                     re.compile("|".join(p for p in patterns if not p.startswith("^")), re.IGNORECASE),
                     re.compile(rf"^(?:{headings})\s*:?$", re.IGNORECASE),
                     frozenset(v.terms("turn_label_stops")), frozenset(v.terms("abbreviations")),
                     frozenset(v.terms("transcript_labels", role="asker")))


# A turn: "Q: ...", "**Editor:** ...", "… QUESTION: ..." (an excerpt's first turn), "[JANE ROE, SPOKESPERSON]: ...".
_TURN_RE = re.compile(r"^(?:…|\.\.\.)?\s*(?:\*\*|__)?(?:(?P<label>Q|A|[A-Z][\w.'’ ()-]{0,40}?)|\[(?P<bracketed>[A-Z][\w.'’ ,()-]{0,60}?)\])"
                      r"\s*:\s*(?:\*\*|__)?\s+(?P<body>\S.*)$", re.DOTALL)
_END_PUNCT = re.compile(r"[.!?:;…]['\"”’»)]*\s*$")

# A wire dateline opening a paragraph: "KYIV, Ukraine (AP) —", "MOSCOW, June 3 (Reuters) -",
# "KYIV/MOSCOW, May 30 (Reuters) -", "Kherson (Ukraine) (AFP) -", "KYIV >>" (as some papers print it).
DATELINE = re.compile(r"^(?:[A-Z][A-Z .'’/-]{2,40}(?:,\s*(?:[A-Z][a-z]+\.?\s+\d{1,2}|[A-Z][\w .]{1,30}))?(?:\s*\([^)]{1,30}\))*"
                      r"|[A-Z][\w .'’/-]{2,40}(?:\s*\([^)]{1,30}\))+)\s*(?:[—–-]{1,2}|>>|»)\s+")

# A machine date stamp run into the first words of a line: "date 2025-04-28 One man ...".
_STAMP = re.compile(r"((?:date\s+)?(?:19|20)\d\d-\d\d-\d\d(?:[ T]\d\d?:\d\d(?::\d\d)?)?)\s+(?=\S)", re.I)


@dataclass(frozen=True)
class Sentence:
    """A sentence with its offsets in the article text."""

    start: int
    end: int
    text: str
    paragraph: int


@dataclass(frozen=True)
class Paragraph:
    """A block of text: body, heading, boilerplate, or a transcript turn (with its label)."""

    index: int
    start: int
    end: int
    text: str
    kind: str  # "body" | "heading" | "boilerplate" | "turn" | "intro"
    section: int = 0
    label: str | None = None
    body_start: int | None = None  # where a turn's words begin, after its label

    @cached_property
    def sentences(self) -> tuple[Sentence, ...]:
        """The paragraph's sentences, offsets in the article (none for boilerplate), split on first
        use: the tables read units of the quote-masked text instead (tables.context)."""
        if self.kind == "boilerplate":
            return ()
        return tuple(Sentence(self.start + s.start, self.start + s.end, s.text, s.paragraph)
                     for s in split_sentences(self.text, 0, len(self.text), self.index))


@dataclass(frozen=True)
class Section:
    """One document in the file: a news report or an interview transcript."""

    index: int
    kind: str  # "report" | "transcript"
    start: int
    end: int
    title: str | None


@dataclass(frozen=True)
class Layout:
    """Paragraphs and sections of an article."""

    paragraphs: tuple[Paragraph, ...]
    sections: tuple[Section, ...]

    def content(self) -> list[Paragraph]:
        """Paragraphs that carry the article's words (no headings or boilerplate)."""
        return [p for p in self.paragraphs if p.kind in ("body", "turn", "intro")]


@example("date 2025-04-28 One man was killed and a woman injured in a drone strike on Bryansk, the governor said.",
         "casualties", {"place": "Bryansk", "killed": 1, "injured": 1})
def split_blocks(text: str) -> list[tuple[int, int]]:
    """Non-empty lines as (start, end), hard-wrapped lines joined into their paragraph."""
    blocks: list[list[int]] = []
    for match in re.finditer(r"[^\r\n]+", text):
        start, end = match.start(), match.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            continue
        stamp = _STAMP.match(text, start, end)
        if stamp:  # "date 2025-04-28 One man was killed ...": the stamp is a line of its own
            blocks.append([start, stamp.end(1)])
            start = stamp.end()
        if blocks and _continues(text, blocks[-1], start):
            blocks[-1][1] = end
        else:
            blocks.append([start, end])
    return [(s, e) for s, e in blocks]


def _continues(text: str, previous: list[int], start: int) -> bool:
    """True where a line carries on the previous one (hard wrap: no blank line, lowercase start)."""
    gap = text[previous[1]:start]
    if gap.count("\n") != 1:
        return False
    prev = text[previous[0]:previous[1]]
    return not _END_PUNCT.search(prev) and text[start].islower()


def is_boilerplate(line: str) -> bool:
    """True for page furniture: menus, bylines, share lines, footers."""
    if line.count(" | ") >= 2 or line.count("|") >= 3:
        return True
    words = furniture()
    return bool(words.boiler_start.match(line) or words.boiler_anywhere.search(line))


@example("Russian strike on Sumy kills 3, injures 12\n\nIn the Kharkiv region, a man was killed by a drone near "
         "Kupiansk, Governor Ivan Petrenko said on Telegram\n\nThe air force said Russia launched 40 drones.",
         "casualties", {"place": "Kupiansk", "killed": 1})
def is_heading(line: str) -> bool:
    """True for a headline or section heading: short and with no closing punctuation (not a sentence
    that lost its full stop, told in the past tense of a report: '..., the governor said on Telegram')."""
    words = line.split()
    return len(words) <= 25 and not _END_PUNCT.search(line) and not (len(words) >= 10 and _PAST_ATTRIBUTION.search(line))


# A reporting clause that ends a line, in the past tense of body copy (headlines say "says").
_PAST_ATTRIBUTION = re.compile(r",\s+(?:[\w'’.-]+\s+){1,6}?(?:said|reported|wrote|told|added|stated|announced)\b[^,]{0,40}$"
                               r"|,\s+according\s+to\s+[^,]{3,60}$")


def turn_label(line: str) -> tuple[str, int] | None:
    """(label, offset of the words) when a line is a transcript turn such as 'Editor: ...' or
    'President of Russia Vladimir Putin: ...'."""
    match = _TURN_RE.match(line)
    if not match:
        return None
    label = (match.group("label") or match.group("bracketed")).strip()
    words = re.sub(r"\([^)]*\)", "", label).replace(",", " ").split()
    if label.lower() in furniture().label_stops or len(words) > 6 or not all(
            w[0].isupper() for w in words if w[0].isalpha() and w.lower() not in _LABEL_JOINERS):
        return None
    return label, match.start("body")


# Small words a turn label may hold in lower case ("President of Russia", "Minister for Defence").
_LABEL_JOINERS = {"of", "the", "for", "and", "de", "von", "van", "al"}


@example("KYIV (Reuters): Russian drones hit a depot, the governor said.", "statements", {"speaker": "governor"})
def is_caps_label(label: str) -> bool:
    """True for a transcript label written in capitals, as briefing transcripts write them
    ('SENIOR DEFENSE OFFICIAL', 'MARGARET BRENNAN'): a speaker even where it stands only once (not
    a dateline such as 'KYIV (Reuters)')."""
    from analysis.language.places import find_places

    words = label.split()
    return (2 <= len(words) <= 6 and label.isupper() and not re.search(r"[\d()]", label)
            and not find_places(label.title()[:len(words[0])]))


@example("Russia moved more troops north, officials said.\n\nMeanwhile, the Kyiv Post, citing its own sources, "
         "estimated the size of the new group at 2,000 soldiers and warned that more were", "statements",
         {"speaker": "officials"}, {"speaker": "Kyiv Post", "cue": "estimated"})
@example("Ivan Petrenko spoke to a broadcaster on Monday.\n\nOn air defence\n\nPetrenko noted that Russia has a "
         "material", "statements", {"speaker": "Ivan Petrenko", "cue": "noted"})
@example("Mayor Ivan Petrenko said a school was hit.\n\n“This hole was once my classroom where", "statements",
         {"speaker": "Ivan Petrenko", "cue": "said"})
@example("Russian shelling of Zolochiv on Sunday injured four people, the administration said. Full report: "
         "https://example.org/report", "casualties", {"place": "Zolochiv", "injured": 4})
@example("Russian drones hit Zolochiv overnight, three injured", "casualties", {"place": "Zolochiv", "injured": 3})
@example("Firefighters at the site of a strike in Odesa, in this handout picture released on May 1.\n\nState "
         "Emergency Service/Handout via REUTERS\n\nA Russian drone attack killed two people in Kharkiv overnight, "
         "officials said.", "casualties", {"place": "Kharkiv", "killed": 2})
def layout(text: str) -> Layout:
    """Paragraphs (with kinds and sentences) and sections of an article's text."""
    link_lists = furniture().link_lists
    blocks = split_blocks(text)
    kinds: list[str] = []
    labels: list[tuple[str, int] | None] = []
    in_links = False
    for start, end in blocks:
        line = text[start:end]
        label = turn_label(line)
        labels.append(label)
        if link_lists.match(line):
            in_links = True
            kinds.append("boilerplate")
        elif in_links and (is_heading(line) or re.match(r"^(?:[-*•]|\d+[.)])\s", line) or is_boilerplate(line)):
            kinds.append("boilerplate")
        elif is_boilerplate(line):
            in_links = False
            kinds.append("boilerplate")
        else:
            in_links = False
            # An excerpt ends mid-sentence: a last line of some words after others is no heading (nothing follows
            # it); but a quote cut off before its attribution is nobody's statement and stays out of the text.
            words = len(line.split())
            cut_off = ((start, end) == blocks[-1] and (words >= 10 or len(blocks) > 1 and words >= 5)
                       and not line.startswith(('"', "“", "«", "„")))
            lone = len(blocks) == 1  # a text of one line is the message itself, never a heading
            attribution = ATTRIBUTION_LINE.match(line)  # "Source: Pavlo Kyrylenko, Head of ..." is no heading
            kinds.append("heading" if is_heading(line) and label is None and not (cut_off or lone) and not attribution
                         else "body")
    _mark_turns(kinds, labels)
    sections = _sections(text, blocks, kinds)
    paragraphs = []
    for i, ((start, end), kind) in enumerate(zip(blocks, kinds)):
        section = next((s.index for s in sections if s.start <= start < s.end), 0)
        label, body = (labels[i][0], start + labels[i][1]) if kind == "turn" and labels[i] else (None, None)
        paragraphs.append(Paragraph(i, start, end, text[start:end], kind, section, label, body))
    return Layout(tuple(paragraphs), tuple(sections))


def _mark_turns(kinds: list[str], labels: list) -> None:
    """Mark transcript turns: runs of labelled lines where two or more labels repeat, Q and A
    alternate, a label is written in capitals, or an asker's label ('Question') has another labelled
    line after it; in a transcript every labelled line is a turn."""
    candidates = [i for i, label in enumerate(labels) if label and kinds[i] == "body"]
    names = [labels[i][0] for i in candidates]
    repeated = {n for n, count in Counter(names).items() if count >= 2}
    capitals = [i for i in candidates if is_caps_label(labels[i][0])]
    asked = _asked(candidates, names)
    if len(repeated) < 2 and not {"Q", "A"} <= set(names) and not capitals and not asked:
        return
    start = min([i for i in candidates if labels[i][0] in repeated or labels[i][0] in ("Q", "A")] + capitals + asked)
    later = {labels[i][0] for i in candidates if i >= start}
    # A speaker named in full once before the short label the transcript then uses ("Senior Defense Official SDO1:").
    start = min([i for i in candidates if i < start and labels[i][0].split()[-1] in later] + [start])
    turns = [i for i in candidates if i >= start]
    for i in turns:
        kinds[i] = "turn"
    first = turns[0]
    # Paragraphs between the transcript's heading and its first turn introduce it.
    j = first - 1
    while j >= 0 and kinds[j] == "body":
        kinds[j] = "intro"
        j -= 1
    # Unlabelled paragraphs after a turn continue it.
    for i in range(first + 1, len(kinds)):
        if kinds[i] == "body":
            kinds[i] = "turn"
            labels[i] = None


@example("Press briefing on the border\n\nQuestion: How many drones crossed last night?\n\nJane Roe: Our "
         "radars counted eleven.", "statements", {"speaker": "Interviewer", "mode": "question"},
         {"speaker": "Jane Roe", "mode": "interview"})
@example("Briefing excerpt\n\n… QUESTION: Has there been any follow-up since then?\n\n[JANE ROE, FOREIGN "
         "MINISTRY SPOKESPERSON]: Not at a senior level.\n\nQUESTION: And at a junior one?\n\nMS ROE: We "
         "keep channels open.", "statements", {"speaker": "Interviewer", "mode": "question"},
         {"speaker": "Jane Roe", "speaker_type": "person", "mode": "interview"}, {"speaker": "Interviewer"},
         {"speaker": "Jane Roe", "mode": "interview"})
def _asked(candidates: list[int], names: list[str]) -> list[int]:
    """The first labelled line of an asker ('Question:', 'Host:') that another labelled line follows."""
    askers = furniture().askers
    first = next((n for n, name in enumerate(names) if name.lower() in askers), None)
    if first is None or not any(name.lower() not in askers for name in names[first + 1:]):
        return []
    return [candidates[first]]


def _sections(text: str, blocks: list[tuple[int, int]], kinds: list[str]) -> list[Section]:
    """Split the text into a report and, where present, a transcript starting at its heading."""
    turn_ix = [i for i, k in enumerate(kinds) if k in ("turn", "intro")]
    if not turn_ix:
        return [Section(0, "report", 0, len(text), _title(text, blocks, kinds, 0, len(blocks)))]
    first = turn_ix[0]
    head = first
    while head > 0 and kinds[head - 1] == "heading":
        head -= 1
    has_report = any(k == "body" for k in kinds[:head])
    if not has_report:
        return [Section(0, "transcript", 0, len(text), _title(text, blocks, kinds, 0, len(blocks)))]
    cut = blocks[head][0]
    return [Section(0, "report", 0, cut, _title(text, blocks, kinds, 0, head)),
            Section(1, "transcript", cut, len(text), _title(text, blocks, kinds, head, len(blocks)))]


def _title(text: str, blocks: list[tuple[int, int]], kinds: list[str], lo: int, hi: int) -> str | None:
    """The first heading of a range of blocks, if it opens the range."""
    for i in range(lo, hi):
        if kinds[i] == "heading":
            return text[blocks[i][0]:blocks[i][1]]
        if kinds[i] in ("body", "turn", "intro"):
            return None
    return None


_SPLIT = re.compile(r"[.!?…](['\"”’»)]*)(\s+)(?=['\"“‘«(]?[A-Z0-9]|[\"“«]x)")  # punctuation first: a fast scan
# Labels of a relayed post that open a new part even where the page ran the lines together
# ("... on the national newscast Quote from Kyrylenko: ...", "Source: ...", "Details: ...").
ATTRIBUTION_LINE = re.compile(r"^(?:Sources?|Quote\s+from\s+[A-Z][^:]{1,60}):\s+\S")
# Lines a page ran together: "... he stressed.The Russian side ...", "... as \"nonsense.\"\"We have ..." (a
# lower-case word, its full stop, at most one closing mark, and a capitalised word with no space between).
# (The look behind stands after the mark, so that a search runs the engine's fast scan for the mark.)
_RUN_TOGETHER = re.compile(r"[.!?](?<=[a-z]{2}[.!?])(['\"”’»)]?)(?=['\"“‘«]?[A-Z][a-z]|[\"“«]x)"
                           r"|(?<=x)([\"”»])(?=[A-Z][a-z])")  # or a masked quote's close run into the next sentence
_LAST_WORD = re.compile(r"([\w.'-]+)[.!?…]$")
POST_LABEL = re.compile(r"(?<=[a-z0-9,)])(\s+)(?=(?:Source|Quote(?:\s+from\s+[A-Z][\w'’-]+)?|Details|Background):\s)")


# The longest stretch read as one sentence: text that runs on without a sentence end (no
# punctuation, a list pasted as one line) is cut into pieces of at most this many characters, at
# a space, so that the work any rule does on a sentence stays bounded and the whole stays linear.
MAX_SENTENCE = 2000


def _bounded(chunk: str, cuts: list[int]) -> list[int]:
    """Sentence cuts with every span longer than MAX_SENTENCE cut again at its last space."""
    out = [cuts[0]]
    for b in cuts[1:]:
        a = out[-1]
        while b - a > MAX_SENTENCE:
            space = chunk.rfind(" ", a + MAX_SENTENCE // 2, a + MAX_SENTENCE)
            a = space + 1 if space > a else a + MAX_SENTENCE
            out.append(a)
        out.append(b)
    return out


def _sentence_ends(chunk: str) -> list[re.Match]:
    """Every closing mark that may end a sentence: before a space, or run into the next sentence."""
    ends = list(_SPLIT.finditer(chunk))
    if _RUN_TOGETHER.search(chunk):
        ends = sorted(ends + list(_RUN_TOGETHER.finditer(chunk)), key=lambda m: m.start())
    return ends


@example("“We will win this battle.”In an interview, the minister said the front held.", "statements",
         {"speaker": "minister", "cue": "said"})
@example("“We will win,” Petrenko said.“The enemy is tired,” the minister said.", "statements",
         {"speaker": "Petrenko", "mode": "direct"}, {"speaker": "minister", "mode": "direct", "text": "The enemy is tired,"})
@example("Petrenko called the plan \"a fantasy.\"\"We have seen nothing concrete,\" he stressed.The city remains "
         "open to talks, he added.", "statements", {"speaker": "Petrenko", "cue": "called"},
         {"speaker": "Petrenko", "cue": "stressed", "mode": "direct"}, {"speaker": "Petrenko", "cue": "added"})
def split_sentences(text: str, start: int, end: int, paragraph: int) -> list[Sentence]:
    """Sentences of text[start:end] with offsets; abbreviations and initials do not end one."""
    abbreviations = furniture().abbreviations
    chunk = text[start:end]
    cuts = [0]
    for match in _sentence_ends(chunk):
        at = match.start() + 1  # just after the sentence's closing mark
        word = _LAST_WORD.search(chunk, max(0, at - 60), at)  # a bounded look: linear
        token = word.group(1).lower() if word else ""
        if chunk[at - 1] == "." and (token in abbreviations or _INITIAL.fullmatch(token)
                                     or _INITIALS.fullmatch(token)):
            continue
        cuts.append(match.end(1) if match.start(1) >= 0 else match.end(2))
    if ": " in chunk:
        cuts += [m.end(1) for m in POST_LABEL.finditer(chunk)]
    cuts = sorted(set(cuts))
    cuts.append(len(chunk))
    cuts = _bounded(chunk, cuts)
    sentences = []
    for a, b in zip(cuts, cuts[1:]):
        seg = chunk[a:b]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg.rstrip())
        if trail > lead:
            sentences.append(Sentence(start + a + lead, start + a + trail, seg[lead:trail], paragraph))
    return sentences


_INITIAL = re.compile(r"[a-z]")
_INITIALS = re.compile(r"(?:[a-z]\.)+[a-z]")
