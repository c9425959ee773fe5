"""Scoring the extractor against gold tables, by the spec's rules: rows matched one to one,
greedily; optional gold rows neither reward nor cost; precision, recall, F1 per table,
micro-averaged over articles."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from analysis.files import InputError
from analysis.language.places import region_key
from analysis.language.speakers import fold, _possessive_to_demonym

TABLE_ORDER = ("casualties", "drone_counts", "statements", "deployments")
STOP = {"the", "a", "an", "of", "and", "in", "on", "for", "to"}


@dataclass
class Score:
    """Matched, missed and extra rows of one table."""

    tp: int = 0
    fn: int = 0
    fp: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """Share of system rows that match a gold row."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Share of required gold rows that a system row matches."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: "Score") -> None:
        """Fold another score into this one (micro-averaging)."""
        self.tp += other.tp
        self.fn += other.fn
        self.fp += other.fp
        self.misses += other.misses
        self.extras += other.extras


def _count(value) -> int:
    """A count for comparison: missing and 0 are equal."""
    if value is None or value != value:  # None or NaN/NA
        return 0
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _norm(text: str | None) -> str:
    """Text without case, spacing and punctuation."""
    return re.sub(r"[\W_]+", "", (text or "").lower())


def region_matches(gold: dict, region) -> bool:
    """True where a system region equals the gold region or one of its alternatives."""
    options = [gold.get("region")] + list(gold.get("region_alt") or [])
    system = None if region is None or region != region else region
    for option in options:
        if option is None and system is None:
            return True
        if option is not None and system is not None and region_key(option) == region_key(system):
            return True
    return False


def _alias_form(name: str) -> str:
    """A name as compared: nationality as an adjective ('Air Force of the Armed Forces of Ukraine' ->
    'ukrainian air force'), lower case."""
    name = _possessive_to_demonym(name).lower()
    for country, adjective in (("ukraine", "ukrainian"), ("russia", "russian"), ("belarus", "belarusian")):
        if re.search(rf"\s+of\s+(?:the\s+)?(?:armed\s+forces\s+of\s+)?{country}$", name):
            name = adjective + " " + re.sub(rf"\s+of\s+(?:the\s+)?(?:armed\s+forces\s+of\s+)?{country}$", "", name)
    return re.sub(r"\bcommand\s+", "", name)


def speaker_matches(gold: dict, speaker: str | None) -> bool:
    """Alias-aware speaker match against the gold speaker or any of its speaker_alt names."""
    names = [gold.get("speaker") or "", *(gold.get("speaker_alt") or [])]
    return bool(speaker) and any(_same_speaker(name, speaker, gold.get("speaker_type")) for name in names)


def _same_speaker(gold_name: str, speaker: str, gold_type: str | None) -> bool:
    """Same name, same surname (people), or a close fuzzy match."""
    from rapidfuzz import fuzz

    a = _alias_form(gold_name)
    b = _alias_form(speaker)
    a, b = re.sub(r"^the\s+", "", a), re.sub(r"^the\s+", "", b)
    if _norm(a) == _norm(b):
        return True
    if gold_type == "person" and a.split() and b.split() and fold(a.split()[-1]) == fold(b.split()[-1]):
        return True
    return fuzz.token_set_ratio(a, b) >= 85 or fuzz.ratio(a, b) >= 85


def statement_matches(gold: dict, row: dict, text: str) -> bool:
    """Same speaker and the row's evidence holds the gold phrase (or its span overlaps it)."""
    if not speaker_matches(gold, row.get("speaker")):
        return False
    phrase = gold.get("evidence") or ""
    if _norm(phrase) and _norm(phrase) in _norm(row.get("evidence")):
        return True
    at = text.find(phrase) if phrase else -1
    if at < 0:
        return False
    start, end = _count(row.get("char_start")), _count(row.get("char_end"))
    return start < at + len(phrase) and at < end


def _force_words(force: str | None) -> set[str]:
    """Words of a force description, singular, without stop words."""
    words = {w.rstrip("s") for w in re.findall(r"[a-z]+", (force or "").lower())}
    return words - STOP


def row_matches(table: str, gold: dict, row: dict, text: str, lenient: bool = False) -> bool:
    """True where a system row matches a gold row under the table's rule."""
    if table == "casualties":
        if gold.get("country") != row.get("country") or not region_matches(gold, row.get("region")):
            return False
        return lenient or (_count(gold.get("killed")) == _count(row.get("killed"))
                           and _count(gold.get("injured")) == _count(row.get("injured")))
    if table == "drone_counts":
        return (gold.get("attacker") == row.get("attacker") and gold.get("weapon_class") == row.get("weapon_class")
                and _count(gold.get("launched")) == _count(row.get("launched"))
                and _count(gold.get("destroyed")) == _count(row.get("destroyed")))
    if table == "statements":
        return statement_matches(gold, row, text)
    return deployment_matches(gold, row)


def deployment_matches(gold: dict, row: dict) -> bool:
    """Same count (or a count_alt), a shared word in the force, and no clash of nationalities."""
    counts = {_count(gold.get("count")), *(_count(c) for c in gold.get("count_alt") or [])}
    if _count(row.get("count")) not in counts:
        return False
    if not _force_words(gold.get("force")) & _force_words(row.get("force")):
        return False
    ours, theirs = nationality(gold.get("force")), nationality(row.get("force"))
    return ours is None or theirs is None or ours == theirs


def nationality(force: str | None) -> str | None:
    """The nationality a force description names ('North Korean troops' -> 'north korean'), if any."""
    from analysis.language import vocab

    words = vocab.load(()).rows("demonyms")
    names = sorted({w.lower() for r in words for w in (r["adjective"], r["nationality"]) if w}, key=len, reverse=True)
    low = (force or "").lower()
    return next((n for n in names if re.search(rf"\b{re.escape(n)}s?\b", low)), None)


def _scored_rows(table: str, rows: list[dict]) -> list[dict]:
    """System rows that count: casualty rows need a figure (0 or vague included)."""
    if table != "casualties":
        return rows
    return [r for r in rows if any(r.get(c) is not None and r.get(c) == r.get(c) for c in ("killed", "injured"))
            or "vague" in (r.get("killed_qualifier"), r.get("injured_qualifier"))]


def score_table(table: str, gold_rows: list[dict], rows: list[dict], text: str, lenient: bool = False,
                name: str = "") -> Score:
    """Greedy one-to-one matching of one article's table."""
    rows = _scored_rows(table, rows)
    used = [False] * len(rows)
    score = Score()
    ordered = sorted(gold_rows, key=lambda g: bool(g.get("optional")))
    for gold in ordered:
        hit = next((i for i, r in enumerate(rows) if not used[i] and row_matches(table, gold, r, text, lenient)), None)
        if hit is not None:
            used[hit] = True
            if not gold.get("optional"):
                score.tp += 1
        elif not gold.get("optional"):
            score.fn += 1
            score.misses.append(f"{name} {table} MISS {_describe(table, gold)}")
    for i, r in enumerate(rows):
        if not used[i]:
            score.fp += 1
            score.extras.append(f"{name} {table} EXTRA {_describe(table, r)}")
    return score


def _describe(table: str, row: dict) -> str:
    """A short line naming a row's scored values and evidence."""
    keys = {"casualties": ("country", "region", "killed", "injured"),
            "drone_counts": ("attacker", "weapon_class", "launched", "destroyed"),
            "statements": ("speaker",), "deployments": ("count", "force")}[table]
    values = ", ".join(f"{k}={row.get(k)}" for k in keys)
    return f"{values} | {str(row.get('evidence') or '')[:90]!r}"


def gold_files(gold_dir: str) -> list[Path]:
    """Gold JSON files of a folder, sorted."""
    return sorted(Path(gold_dir).glob("*.json"))


def article_path(gold_file: Path, gold: dict, articles_dir: str | None, root: Path) -> Path:
    """Where the article of a gold file is: its 'article' path under the project root, else NAME.txt."""
    if gold.get("article"):
        return root / gold["article"]
    base = Path(articles_dir) if articles_dir else gold_file.parent.parent / "articles"
    stems = [gold_file.stem] + ([gold_file.stem[:-1]] if gold.get("jsonl_line") else [])
    for stem in stems:
        for suffix in (".txt", ".html", ".md", ".jsonl"):
            candidate = base / (stem + suffix)
            if candidate.exists():
                return candidate
    return base / (gold_file.stem + ".txt")


def load_article(path: Path, gold: dict):
    """The article a gold file annotates (one line of a JSON-lines corpus where it says so)."""
    from analysis.reading.articles import read_article, read_articles

    if gold.get("jsonl_line"):
        articles, _ = read_articles(str(path))
        wanted = f"{path}:{gold['jsonl_line']}"
        found = next((a for a in articles if a.origin == wanted), None)
        if found is None:
            raise InputError(f"{path}: no article on line {gold['jsonl_line']} (named by its gold file)")
        return found
    return read_article(str(path))


def load_gold(gold_file: Path) -> dict:
    """A gold file's contents, checked for shape: an object whose tables are lists of rows."""
    try:
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise InputError(f"{gold_file}: not a readable gold JSON file ({' '.join(str(err).split())})") from None
    if not isinstance(gold, dict):
        raise InputError(f"{gold_file}: a gold file holds one JSON object")
    for table in TABLE_ORDER:
        rows = gold.get(table, [])
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise InputError(f"{gold_file}: '{table}' must be a list of rows (objects)")
    if gold.get("published") is not None and not _is_date(gold["published"]):
        raise InputError(f"{gold_file}: 'published' {gold['published']!r} is not a date written YYYY-MM-DD")
    return gold


def _is_date(value: object) -> bool:
    """Whether a value is a real calendar date written YYYY-MM-DD."""
    from datetime import date

    try:
        return isinstance(value, str) and date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def evaluate(gold_dir: str, articles_dir: str | None = None, root: Path | None = None) -> dict[str, Score]:
    """Scores per table (and lenient casualties) over every gold file of a folder."""
    from analysis.tables.extract import extract_rows

    root = root or Path(__file__).resolve().parents[1]
    totals = {t: Score() for t in (*TABLE_ORDER, "casualties_lenient")}
    for gold_file in gold_files(gold_dir):
        gold = load_gold(gold_file)
        article = load_article(article_path(gold_file, gold, articles_dir, root), gold)
        rows = extract_rows(article.text, gold.get("published") or article.published)
        for table in TABLE_ORDER:
            totals[table].add(score_table(table, gold.get(table, []), rows[table], article.text, name=gold_file.stem))
        totals["casualties_lenient"].add(score_table("casualties", gold.get("casualties", []), rows["casualties"],
                                                     article.text, lenient=True, name=gold_file.stem))
    return totals


def report(totals: dict[str, Score], details: bool = True) -> str:
    """Misses and extras, then a table of precision, recall and F1."""
    lines = []
    if details:
        for table in TABLE_ORDER:
            lines += totals[table].misses + totals[table].extras
        lines.append("")
    lines.append(f"{'table':<20} {'P':>6} {'R':>6} {'F1':>6} {'TP':>5} {'FP':>5} {'FN':>5}")
    for table, s in totals.items():
        lines.append(f"{table:<20} {s.precision:6.2f} {s.recall:6.2f} {s.f1:6.2f} {s.tp:5d} {s.fp:5d} {s.fn:5d}")
    return "\n".join(lines)
