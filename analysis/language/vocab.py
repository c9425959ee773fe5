"""Vocabularies: the words the rules read by (weapons, reporting verbs, titles, bodies and their
side, boilerplate lines, places ...) as plain CSV files, loaded and checked once.

The packaged files live in `analysis/data/vocab/`; each opens with `#` lines that say what its
columns mean. A user's folder (`--vocab DIR`) holds files of the same names whose rows are added
to the packaged ones. The code keeps the grammar; these files keep the words.

Rules read the active vocabulary: `using(vocabulary)` makes one active for a block (a context
variable, so threads and notebooks do not leak into each other), and `compiled(build)` memoises
what a module builds from a vocabulary (its regular expressions) once per vocabulary.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

PACKAGED = Path(__file__).resolve().parents[1] / "data" / "vocab"
T = TypeVar("T")


class VocabError(ValueError):
    """A vocabulary file that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class FileSpec:
    """What one vocabulary file holds: its columns, those that must be filled, allowed values."""

    columns: tuple[str, ...]
    required: tuple[str, ...]
    allowed: tuple[tuple[str, frozenset[str]], ...] = ()

    def check(self, row: dict[str, str]) -> str | None:
        """What is wrong with a row, or None."""
        for column in self.required:
            if not row.get(column):
                return f"column {column!r} is empty"
        for column, values in self.allowed:
            if row.get(column) and row[column] not in values:
                return f"{column} {row[column]!r} is not one of {', '.join(sorted(values))}"
        return None


def _spec(columns: str, required: str | None = None, **allowed: str) -> FileSpec:
    """A FileSpec from space-separated column names (required: the first column unless named)."""
    cols = tuple(columns.split())
    return FileSpec(cols, tuple((required or cols[0]).split()),
                    tuple((k, frozenset(v.split("|"))) for k, v in allowed.items()))


# Every vocabulary file, by name. A user's folder may hold any of them (and nothing else).
FILES: dict[str, FileSpec] = {
    "places": _spec("name kind country region lat lon variants", "name kind country", kind="city|region|country"),
    "settlements": _spec("name kind country region lat lon variants", "name kind country", kind="city|region|country"),
    "weapons": _spec("term weapon type class counted", weapon="missile|drone|shelling|airstrike|glide bomb|debris|strike",
                     **{"class": "drone|missile", "counted": "noun|modifier|both"}),
    "casualty_words": _spec("term role", "term role", role="killed|injured|person|group|child|military|police"),
    "air_defence_verbs": _spec("term slot", "term slot", slot="launched|destroyed|diverted"),
    "interceptors": _spec("term"),
    "titles": _spec("term"),
    "speaker_heads": _spec("term kind", "term kind", kind="organization|role"),
    "metonyms": _spec("term"),
    "outlets": _spec("term"),
    "outlet_kinds": _spec("term"),
    "demonyms": _spec("name adjective nationality"),
    "default_bodies": _spec("term body", "term body"),
    "sides": _spec("term side", "term side", side="Russia|Ukraine"),
    "reporting_verbs": _spec("term"),
    "continuing_verbs": _spec("term"),
    "channels": _spec("term channel", "term channel"),
    "transcript_labels": _spec("term role", "term role", role="asker|answer"),
    "force_words": _spec("term role", "term role", role="force|formation|recruit|loss"),
    "role_references": _spec("term"),
    "bare_bodies": _spec("term matches", "term matches"),
    "not_settlements": _spec("term"),
    "not_names": _spec("term"),
    "date_phrases": _spec("term kind", "term kind", kind="today|same_day|yesterday|past_day|period"),
    "boilerplate": _spec("pattern"),
    "link_list_headings": _spec("pattern"),
    "turn_label_stops": _spec("term"),
    "abbreviations": _spec("term"),
}


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """The rows of every vocabulary file: the packaged ones, then a user's additions."""

    tables: dict[str, tuple[dict[str, str], ...]]
    folders: tuple[Path, ...]

    def rows(self, name: str) -> tuple[dict[str, str], ...]:
        """Rows of one file, packaged first."""
        return self.tables[name]

    def terms(self, name: str, column: str = "term", **where: str) -> tuple[str, ...]:
        """One column of a file's rows (the first column's terms by default), where others equal the given values."""
        return tuple(row[column] for row in self.tables[name]
                     if all(row.get(k) == v for k, v in where.items()))

    def mapping(self, name: str, key: str, value: str) -> dict[str, str]:
        """key -> value over a file's rows (a later row keeps the first key's value)."""
        out: dict[str, str] = {}
        for row in self.tables[name]:
            out.setdefault(row[key], row[value])
        return out


def read_file(path: Path, spec: FileSpec) -> list[dict[str, str]]:
    """The rows of one vocabulary file, checked; `#` lines are comments."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise VocabError(f"{path}: not UTF-8 text ({err.reason})") from None
    except OSError as err:
        raise VocabError(f"{path}: {err.strerror or err}") from None
    numbered = [(n, line) for n, line in enumerate(text.splitlines(), start=1)
                if line.strip() and not line.lstrip().startswith("#")]
    if not numbered:
        raise VocabError(f"{path}: no header line (expected: {','.join(spec.columns)})")
    reader = csv.reader(io.StringIO("\n".join(line for _, line in numbered)))
    header = [h.strip() for h in next(reader)]
    if header != list(spec.columns):
        raise VocabError(f"{path}:{numbered[0][0]}: header is {','.join(header)!r}, expected {','.join(spec.columns)!r}")
    rows = []
    for (number, _), cells in zip(numbered[1:], reader):
        if len(cells) != len(header):
            raise VocabError(f"{path}:{number}: {len(cells)} fields, expected {len(header)} ({','.join(header)})")
        row = {column: cell.strip() for column, cell in zip(header, cells)}
        problem = spec.check(row)
        if problem:
            raise VocabError(f"{path}:{number}: {problem}")
        rows.append(row)
    return rows


def _user_files(folder: Path) -> list[Path]:
    """The vocabulary files of a user's folder; anything else there with a .csv name is an error."""
    if not folder.is_dir():
        raise VocabError(f"{folder}: no such folder of vocabulary files")
    files = sorted(folder.glob("*.csv"))
    for path in files:
        if path.stem not in FILES:
            raise VocabError(f"{path}: not a vocabulary file (known: {', '.join(f + '.csv' for f in sorted(FILES))})")
    return files


# What callers may pass for a vocabulary: None (packaged), a user's folder, several, or one loaded.
VocabLike = Vocabulary | str | Path | Sequence[str | Path] | None


@lru_cache(maxsize=16)
def load(folders: tuple[Path, ...] = ()) -> Vocabulary:
    """The packaged vocabulary with the rows of each user folder added (memoised per folder list)."""
    tables = {name: list(read_file(PACKAGED / f"{name}.csv", spec)) for name, spec in FILES.items()}
    for folder in folders:
        for path in _user_files(folder):
            tables[path.stem] += read_file(path, FILES[path.stem])
    return Vocabulary({name: tuple(rows) for name, rows in tables.items()}, folders)


def resolve(vocab: VocabLike) -> Vocabulary:
    """A vocabulary from what callers pass: None (packaged), a folder, several folders, or one already loaded."""
    if isinstance(vocab, Vocabulary):
        return vocab
    if vocab is None or vocab == "":
        return load(())
    folders = [vocab] if isinstance(vocab, (str, Path)) else list(vocab)
    return load(tuple(Path(f).expanduser().resolve() for f in folders))


_ACTIVE: ContextVar[Vocabulary | None] = ContextVar("vocabulary", default=None)


def active() -> Vocabulary:
    """The vocabulary rules read now: the one `using` made active, else the packaged one."""
    return _ACTIVE.get() or load(())



@contextmanager
def using(vocab: VocabLike) -> Iterator[Vocabulary]:
    """Make a vocabulary active for the block (None: the one active now, held for the block, so
    that the rules' hundreds of lookups an article find it set)."""
    token = _ACTIVE.set(active() if vocab is None else resolve(vocab))
    try:
        yield _ACTIVE.get()
    finally:
        _ACTIVE.reset(token)


def compiled(build: Callable[[Vocabulary], T]) -> Callable[[], T]:
    """A function of no arguments that returns build(active vocabulary), built once per vocabulary."""
    cache: dict[int, tuple[Vocabulary, T]] = {}
    last: list = [(None, None)]  # (vocabulary, value) of the latest call, swapped whole (thread-safe)

    def get() -> T:
        vocab = active()
        latest = last[0]  # rules ask hundreds of times an article
        if latest[0] is vocab:
            return latest[1]
        hit = cache.get(id(vocab))
        if hit is None or hit[0] is not vocab:
            hit = cache[id(vocab)] = (vocab, build(vocab))
        last[0] = hit
        return hit[1]

    get.__doc__ = build.__doc__
    get.__name__ = build.__name__
    return get


def alternation(terms: Sequence[str], group: bool = True) -> str:
    """A regex matching any of the terms (the longest where several start alike), factored as a
    trie so that a position is tested in one pass, not once per term; with group=True it opens
    with a look-ahead for the terms' first letters. In a term a space stands for any run of white
    space, a trailing '*' for the rest of a word (hyphens included), and '#' for a number."""
    unique = sorted(dict.fromkeys(" ".join(t.split()) for t in terms if t.strip()), key=lambda t: (-len(t), t))
    if not unique:
        return "(?!)"
    body = trie([_atoms(t) for t in unique])
    return f"{lookahead(unique)}(?:{body})" if group else f"(?:{body})"


def _atoms(term: str) -> list[str]:
    """The regex pieces of one term, one per character (or per space, number or word tail)."""
    stem, tail = (term[:-1], [r"[\w-]*"]) if term.endswith("*") else (term, [])
    special = {" ": r"\s+", "#": r"\d+"}
    return [special.get(c) or re.escape(c) for c in stem] + tail


def trie(terms: list[list[str]]) -> str:
    """One regex for sequences of pieces, shared beginnings written once, longer ends tried first."""
    root: dict = {}
    for pieces in terms:
        node = root
        for piece in pieces:
            node = node.setdefault(piece, {})
        node[""] = {}

    def emit(node: dict) -> str:
        """Regex of one trie node."""
        branches = [piece + emit(child) for piece, child in node.items() if piece]
        if "" in node:
            return "(?:" + "|".join(branches) + ")?" if branches else ""
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return emit(root)


def lookahead(terms: Sequence[str], also: str = "") -> str:
    """A look-ahead for the characters the terms (and the words in `also`) can start with: a cheap
    test that lets the regex engine pass over most positions of a text without trying every
    alternative."""
    firsts: set[str] = set()
    terms = [*terms, *also.split()]
    for term in terms:
        first = term.strip()[:1]
        if first == "#":
            return ""  # a number first: not worth a class
        firsts.update({first.lower(), first.upper()})
    if not firsts:
        return ""
    return "(?=[" + "".join(re.escape(c) for c in sorted(firsts)) + "])"
