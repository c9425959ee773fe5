"""Sanity check for a held-out gold set (tests/data/heldout, heldout2, heldout3).

For every gold/NAME.json of the set it checks that:
  * the article exists: articles/NAME.txt (or .html), or, for a gold file with
    "article_text_field" and "jsonl_line", the object on that line (1-based)
    of articles/NAME.jsonl (gold id NAMEa -> articles/NAME.jsonl), whose
    "text", "title", "published" and "source" fields are present and whose
    "published" equals the gold's;
  * text_sha256 equals the SHA-256 of the exact UTF-8 bytes of a .txt article,
    or of the article's text field for a JSON-lines article;
  * every row's `evidence` is a verbatim substring of the article text (for
    HTML: of the text inside <article>, tags removed, entities decoded) and
    occurs there exactly once, so its location is unambiguous;
  * the four tables are present and values use the spec's vocabularies.

Usage:
    python tests/data/check_gold.py tests/data/heldout3              # check, exit 1 on problems
    python tests/data/check_gold.py tests/data/heldout3 --write-sha  # fill text_sha256 first
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path


TABLES = ("casualties", "drone_counts", "statements", "deployments")
TOP_KEYS = {"id", "published", "text_sha256", "notes", *TABLES}
JSONL_KEYS = {"article_text_field", "jsonl_line"}
JSONL_FIELDS = ("text", "title", "published", "source")
DISCLAIMER = "Illustrative test article: officials' names and figures are invented."

QUALIFIERS = {None, "exact", "at_least", "approx", "at_most", "vague"}
MODES = {"direct", "partial", "reported", "interview", "question"}
SPEAKER_TYPES = {"person", "organization", "role"}
VICTIM_TYPES = {None, "civilian", "military", "police", "mixed", "unknown"}
WEAPONS = {None, "missile", "drone", "shelling", "airstrike", "glide bomb", "debris", "strike"}
SIDES = {None, "Russia", "Ukraine"}
WEAPON_CLASSES = {"drone", "missile"}
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

REQUIRED = {
    "casualties": ("country", "region", "killed", "injured", "evidence"),
    "drone_counts": ("attacker", "weapon_class", "launched", "destroyed", "evidence"),
    "statements": ("speaker", "speaker_type", "mode", "evidence"),
    "deployments": ("force", "count", "evidence"),
}


class _ArticleText(HTMLParser):
    """Collects the text inside <article>, one chunk per block element."""

    BLOCKS = {"p", "h1", "h2", "h3", "li", "div", "br"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.depth += 1
        elif tag in ("script", "style"):
            self.skip += 1
        elif self.depth and tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "article":
            self.depth -= 1
        elif tag in ("script", "style"):
            self.skip -= 1
        elif self.depth and tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.parts.append(data)

    def text(self) -> str:
        raw = "".join(self.parts)
        lines = [re.sub(r"[ \t]+", " ", ln).strip() for ln in raw.split("\n")]
        return "\n".join(ln for ln in lines if ln)


def article_path(articles: Path, gid: str) -> Path | None:
    """The article file a gold id annotates, if it exists."""
    for ext in (".txt", ".html"):
        p = articles / f"{gid}{ext}"
        if p.exists():
            return p
    p = articles / f"{gid.rstrip('abcdefgh')}.jsonl"
    if p.exists():
        return p
    return None


def jsonl_record(path: Path, line: int) -> dict:
    lines = [ln for ln in path.read_bytes().decode("utf-8").split("\n") if ln.strip()]
    return json.loads(lines[line - 1])


def article_text(path: Path) -> str:
    raw = path.read_bytes().decode("utf-8")
    if path.suffix == ".html":
        parser = _ArticleText()
        parser.feed(raw)
        return parser.text()
    return raw


def write_sha(gold_path: Path, sha: str) -> None:
    src = gold_path.read_text(encoding="utf-8")
    new = re.sub(r'"text_sha256":\s*(null|"[0-9a-f]*")', f'"text_sha256": "{sha}"', src, count=1)
    gold_path.write_text(new, encoding="utf-8")


def check_row(table: str, i: int, row: dict, text: str, problems: list[str], tag: str) -> None:
    where = f"{tag} {table}[{i}]"
    for key in REQUIRED[table]:
        if key not in row:
            problems.append(f"{where}: missing '{key}'")
    ev = row.get("evidence")
    if not isinstance(ev, str) or not ev:
        problems.append(f"{where}: empty evidence")
    elif ev not in text:
        problems.append(f"{where}: evidence not in article: {ev!r}")
    elif text.count(ev) > 1:
        problems.append(f"{where}: evidence occurs {text.count(ev)} times (ambiguous location): {ev!r}")
    if "optional" in row and row["optional"] is not True:
        problems.append(f"{where}: 'optional' must be true when present")
    if row.get("date") is not None and not DATE_RE.match(str(row["date"])):
        problems.append(f"{where}: bad date {row['date']!r}")
    for key in ("killed_qualifier", "injured_qualifier", "launched_qualifier",
                "destroyed_qualifier", "count_qualifier"):
        if key in row and row[key] not in QUALIFIERS:
            problems.append(f"{where}: bad {key} {row[key]!r}")
    for key in ("killed", "injured", "children_killed", "children_injured",
                "launched", "destroyed", "diverted", "count"):
        if key in row and row[key] is not None and not (isinstance(row[key], int) and row[key] >= 0):
            problems.append(f"{where}: {key} must be a non-negative int or null")
    if table == "casualties":
        if row.get("victim_type") not in VICTIM_TYPES:
            problems.append(f"{where}: bad victim_type {row.get('victim_type')!r}")
        if row.get("weapon") not in WEAPONS:
            problems.append(f"{where}: bad weapon {row.get('weapon')!r}")
        if row.get("perpetrator") not in SIDES:
            problems.append(f"{where}: bad perpetrator {row.get('perpetrator')!r}")
        if "region_alt" in row and not isinstance(row["region_alt"], list):
            problems.append(f"{where}: region_alt must be a list")
    elif table == "drone_counts":
        if row.get("weapon_class") not in WEAPON_CLASSES:
            problems.append(f"{where}: bad weapon_class {row.get('weapon_class')!r}")
        if row.get("attacker") not in SIDES:
            problems.append(f"{where}: bad attacker {row.get('attacker')!r}")
        l, d = row.get("launched"), row.get("destroyed")
        if isinstance(l, int) and isinstance(d, int) and d + (row.get("diverted") or 0) > l:
            problems.append(f"{where}: destroyed + diverted exceeds launched")
    elif table == "statements":
        if row.get("mode") not in MODES:
            problems.append(f"{where}: bad mode {row.get('mode')!r}")
        if row.get("speaker_type") not in SPEAKER_TYPES:
            problems.append(f"{where}: bad speaker_type {row.get('speaker_type')!r}")


def main(argv: list[str]) -> int:
    """Check every gold file of the set named first in argv; 0 when all is well."""
    fix = "--write-sha" in argv
    folder = Path(next(a for a in argv if not a.startswith("--")))
    problems: list[str] = []
    golds = sorted((folder / "gold").glob("*.json"))
    if not golds:
        problems.append(f"no gold files in {folder / 'gold'}")
    counts = []
    for gp in golds:
        gid = gp.stem
        ap = article_path(folder / "articles", gid)
        if ap is None:
            problems.append(f"{gid}: no article file")
            continue
        try:
            gold = json.loads(gp.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            problems.append(f"{gid}: invalid JSON: {exc}")
            continue
        if ap.suffix == ".jsonl":
            field, line = gold.get("article_text_field"), gold.get("jsonl_line")
            try:
                record = jsonl_record(ap, int(line))
            except (TypeError, ValueError, IndexError, json.JSONDecodeError) as exc:
                problems.append(f"{gid}: cannot read line {line!r} of {ap.name}: {exc}")
                continue
            for key in JSONL_FIELDS:
                if not isinstance(record.get(key), str) or not record.get(key):
                    problems.append(f"{gid}: {ap.name} line {line} has no '{key}'")
            if record.get("published") != gold.get("published"):
                problems.append(f"{gid}: published {gold.get('published')!r} != record's {record.get('published')!r}")
            if not isinstance(record.get(field), str):
                problems.append(f"{gid}: article_text_field {field!r} is not a text field")
                continue
            raw = record[field].encode("utf-8")
            expected_keys = TOP_KEYS | JSONL_KEYS
        else:
            raw = ap.read_bytes()
            expected_keys = TOP_KEYS
        sha = hashlib.sha256(raw).hexdigest()
        if fix and ap.suffix in (".txt", ".jsonl"):
            write_sha(gp, sha)
            gold["text_sha256"] = sha
        if set(gold) != expected_keys:
            problems.append(f"{gid}: keys {sorted(gold)} != {sorted(expected_keys)}")
        if gold.get("id") != gid:
            problems.append(f"{gid}: id is {gold.get('id')!r}")
        if not DATE_RE.match(str(gold.get("published"))):
            problems.append(f"{gid}: bad published date")
        if ap.suffix in (".txt", ".jsonl"):
            if gold.get("text_sha256") != sha:
                problems.append(f"{gid}: text_sha256 mismatch (text {sha})")
            first = raw.decode("utf-8").split("\n", 1)[0]
            if first != DISCLAIMER:
                problems.append(f"{gid}: first line is not the disclaimer")
        elif gold.get("text_sha256") not in (None, sha):
            problems.append(f"{gid}: text_sha256 must be null or the file's sha256")
        text = raw.decode("utf-8") if ap.suffix == ".jsonl" else article_text(ap)
        row_counts = []
        for table in TABLES:
            rows = gold.get(table)
            if not isinstance(rows, list):
                problems.append(f"{gid}: '{table}' is not a list")
                continue
            for i, row in enumerate(rows):
                check_row(table, i, row, text, problems, gid)
            req = sum(1 for r in rows if not r.get("optional"))
            row_counts.append(f"{table}={req}+{len(rows) - req}opt")
        counts.append(f"{gid}: " + ", ".join(row_counts))
    print("\n".join(counts))
    if problems:
        print(f"\n{len(problems)} problem(s):")
        print("\n".join(problems))
        return 1
    print("\nall gold files OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
