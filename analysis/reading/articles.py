"""Reading articles: plain text, Markdown, HTML pages, JSON lines, web addresses (`reading.web`) and
Telegram channel exports (`reading.telegram`), with their metadata."""
from __future__ import annotations

import hashlib
import json
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

from analysis.files import InputError

DEFAULT_MAX_BYTES = 5_000_000  # 5 MB; `--max-bytes` raises it
TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
ARTICLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES


class ArticleError(InputError):
    """An input that holds no readable article; the message is one line for the user."""


@dataclass(frozen=True)
class Problem:
    """A part of an input that could not be read (a line, a message, an address), and why, in one line."""

    origin: str
    reason: str
    transient: bool = False  # a reason that can pass (a time-out, a 503): the next run tries again

    def __str__(self) -> str:
        """'origin: reason', as the command line shows it."""
        return f"{self.origin}: {self.reason}"


@dataclass(frozen=True)
class Article:
    """One article's text and what is known about it."""

    text: str
    title: str | None = None
    published: str | None = None
    source: str | None = None
    url: str | None = None
    origin: str = "-"  # file (and line) it was read from
    warnings: tuple[str, ...] = field(default=())

    @property
    def article_id(self) -> str:
        """First 12 hex chars of the SHA-256 of the normalised text."""
        return article_id(self.text)


def normalise(text: str) -> str:
    """Text as the spec hashes it: line endings as \\n, outer whitespace stripped."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def article_id(text: str) -> str:
    """Stable id of an article's text."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()[:12]


def decode(data: bytes, origin: str) -> tuple[str, tuple[str, ...]]:
    """Bytes as text: UTF-8 (BOM allowed), else the encoding charset-normalizer finds; binary refused."""
    if not data.strip():
        raise ArticleError(f"{origin}: empty input (no text)")
    for bom, codec in ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
                       (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec), (f"{origin}: decoded as {codec.upper()}",)
            except UnicodeDecodeError:
                break
    utf16 = _utf16_without_bom(data)
    if utf16:
        return data.decode(utf16), (f"{origin}: decoded as {utf16.upper()} (no byte order mark)",)
    if b"\x00" in data[:8192] or _control_share(data[:8192]) > 0.05:
        raise ArticleError(f"{origin}: looks like a binary file, not text")
    try:
        return data.decode("utf-8-sig"), ()
    except UnicodeDecodeError:
        pass
    encoding = legacy_encoding(data)
    if encoding is None:
        raise ArticleError(f"{origin}: not UTF-8 and no text encoding fits")
    return data.decode(encoding), (f"{origin}: not UTF-8; decoded as {encoding}",)


WESTERN = "cp1252"  # Windows Western European, a superset of Latin-1's letters: English copy's usual legacy encoding


def legacy_encoding(data: bytes) -> str | None:
    """The encoding of text that is not UTF-8: charset-normalizer's best guess, except that Western
    European (cp1252) wins wherever it reads the bytes as cleanly and about as coherently (short
    Latin-1 texts otherwise come out as Baltic or Central European: 'Señor' as 'Seńor')."""
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        return None
    western = next((m for m in matches if m.encoding == WESTERN), None)
    if western is not None and western.chaos <= best.chaos and western.coherence >= best.coherence - 0.1:
        return WESTERN
    return best.encoding


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' where bytes without a byte order mark read as UTF-16 text (every
    other byte zero, as in mostly-Latin text), else None."""
    head = data[:8192]
    if len(head) < 8 or len(data) % 2:
        return None
    even, odd = head[0::2], head[1::2]
    for codec, zeros, other in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros.count(0) >= 0.6 * len(zeros) and other.count(0) <= 0.05 * len(other):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                continue
            if _control_share(text[:4096].encode("utf-8")) <= 0.05:
                return codec
    return None


def _control_share(data: bytes) -> float:
    """Share of control bytes other than whitespace."""
    if not data:
        return 0.0
    bad = sum(1 for b in data if b < 32 and b not in (9, 10, 12, 13))
    return bad / len(data)


def read_bytes(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The raw bytes of a file or of stdin ('-'), refused above max_bytes."""
    if path == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
    else:
        p = Path(path)
        if p.is_dir():
            raise ArticleError(f"{path}: is a folder, not an article file (batch and extract-corpus read folders)")
        if not p.is_file():
            raise ArticleError(f"{path}: no such file")
        size = p.stat().st_size
        if size > max_bytes:
            raise ArticleError(f"{path}: {size:,} bytes is over the {max_bytes:,}-byte limit "
                               "(raise it with --max-bytes)")
        data = p.read_bytes()
    if len(data) > max_bytes:
        raise ArticleError(f"{path}: over the {max_bytes:,}-byte limit (raise it with --max-bytes)")
    return data


def sniff_kind(path: str, text: str) -> str:
    """'html', 'jsonl' or 'text', from the suffix, else from the content."""
    suffix = Path(path).suffix.lower() if path != "-" else ""
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in TEXT_SUFFIXES and suffix:
        return "text"  # a .txt or .md file is read as text, whatever it quotes
    head = text.lstrip()[:500].lower()
    if head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in text):
        return "html"
    if suffix == "" and head.startswith("{") and '"text"' in text[:5000]:
        return "jsonl"
    return "text"


@dataclass(frozen=True)
class Reading:
    """What one input gave: its articles, problems with the parts that failed, and notes (what was skipped)."""

    articles: list[Article]
    problems: list[Problem]
    notes: list[str]


def read_input(name: str, max_bytes: int = DEFAULT_MAX_BYTES, web=None) -> Reading:
    """The articles of one input: a file (several for JSON lines and Telegram exports), a web address or a
    `.urls` list of them (fetched as `web`, an analysis.reading.web.WebOptions, says; by default kept nowhere)."""
    from analysis.reading import telegram
    from analysis.reading import web as pages

    options = web or pages.WebOptions(policy=pages.FetchPolicy(max_bytes=max_bytes))
    if pages.is_url(name):
        return Reading([pages.read_url(name, options)], [], [])
    suffix = Path(name).suffix.lower() if name != "-" else ""
    if suffix == pages.URL_LIST_SUFFIX:
        return pages.read_url_list(name, options)
    if suffix == ".json":
        text, _ = decode(read_bytes(name, max(max_bytes, telegram.MAX_EXPORT_BYTES)), name)
        return telegram.read_export(text, name, max_bytes)
    articles, problems = read_articles(name, max_bytes)
    return Reading(articles, problems, [])


def read_articles(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[list[Article], list[Problem]]:
    """Articles in a file (several for JSON lines) and one-line problems with the ones that failed."""
    text, warnings = decode(read_bytes(path, max_bytes), path)
    kind = sniff_kind(path, text)
    if kind == "jsonl":
        return _from_jsonl(text, path, warnings)
    article = from_html(text, path) if kind == "html" else Article(text=text, origin=path)
    article = _with_sidecar(article, path)
    return [replace(article, warnings=warnings + article.warnings)], []


def read_article(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """The one article in a file; a JSON-lines file must hold exactly one."""
    articles, problems = read_articles(path, max_bytes)
    if len(articles) != 1:
        raise ArticleError(str(problems[0]) if problems else f"{path}: holds {len(articles)} articles, expected one")
    return articles[0]


def from_html(html: str, origin: str) -> Article:
    """The main text and metadata of an HTML page (menus, footers and scripts dropped)."""
    import trafilatura

    options = dict(include_comments=False, include_tables=False, include_links=False, include_images=False,
                   deduplicate=False)
    text = trafilatura.extract(html, **options)
    page = html
    if not text or not text.strip():  # elements nested 255 deep or more stop lxml's default parser
        page = _deep_tree(html)
        text = trafilatura.extract(page, **options) if page is not None else None
    if not text or not text.strip():
        raise ArticleError(f"{origin}: HTML page with no article text found")
    meta = trafilatura.extract_metadata(page)
    title = getattr(meta, "title", None) if meta else None
    published = getattr(meta, "date", None) if meta else None
    source = getattr(meta, "sitename", None) if meta else None
    url = getattr(meta, "url", None) if meta else None
    return Article(text=text, title=title, published=_iso_or_none(published), source=source,
                   url=url, origin=origin)


def _deep_tree(html: str):
    """The page parsed by lxml without its nesting limit (huge_tree), or None where it cannot be."""
    import lxml.html
    from lxml import etree

    try:
        return lxml.html.fromstring(html, parser=lxml.html.HTMLParser(huge_tree=True))
    except (etree.ParserError, ValueError):
        return None


def _from_jsonl(text: str, origin: str, warnings: tuple[str, ...]) -> tuple[list[Article], list[Problem]]:
    """Articles of a JSON-lines corpus; a bad line is a problem, not a failure of the file."""
    articles, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{origin}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            problems.append(Problem(where, f"not valid JSON ({err.msg})"))
            continue
        body = record.get("text") if isinstance(record, dict) else None
        if not isinstance(body, str) or not body.strip():
            problems.append(Problem(where, "no 'text' field with article text"))
            continue
        published = _iso_or_none(record.get("published"))
        said = record.get("published")
        notes = warnings
        if published is None and said not in (None, ""):
            notes += (f"{where}: published {said!r} is not a date (YYYY-MM-DD); ignored",)
        articles.append(Article(text=body, title=_str(record.get("title")), published=published,
                                source=_str(record.get("source")), url=_str(record.get("url")),
                                origin=where, warnings=notes))
    if not articles and not problems:
        problems.append(Problem(origin, "no articles in JSON lines file"))
    return articles, problems


def _with_sidecar(article: Article, path: str) -> Article:
    """The article with metadata from a `NAME.meta.json` file beside it, where there is one."""
    if path == "-":
        return article
    side = Path(path).with_suffix(".meta.json")
    if not side.is_file():
        return article
    try:
        meta = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ArticleError(f"{side}: unreadable metadata sidecar ({err})") from None
    if not isinstance(meta, dict):
        raise ArticleError(f"{side}: metadata sidecar is not a JSON object")
    return replace(article, title=article.title or _str(meta.get("title")),
                   published=article.published or _iso_or_none(meta.get("published")),
                   source=article.source or _str(meta.get("source")),
                   url=article.url or _str(meta.get("url")))


def _str(value: object) -> str | None:
    """A non-empty string or None."""
    return value.strip() if isinstance(value, str) and value.strip() else None


_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _iso_or_none(value: object) -> str | None:
    """The real calendar date YYYY-MM-DD at the start of a value, or None."""
    from datetime import date

    match = _ISO.match(value.strip()) if isinstance(value, str) else None
    try:
        return date.fromisoformat(match.group(0)).isoformat() if match else None
    except ValueError:
        return None


EXPORT_NAME = "result.json"  # a Telegram Desktop export; its folder's other files are its media


def iter_inputs(paths: list[str]) -> list[str]:
    """Inputs named directly (files, web addresses, .urls lists) and article files found (recursively,
    sorted) in folders; in a folder holding a Telegram export (result.json) only the export is read."""
    found: list[str] = []
    for name in paths:
        p = Path(name)
        if p.is_dir():
            files = sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith("."))
            exports = {f.parent for f in files if f.name == EXPORT_NAME}
            found += [str(f) for f in files if f.parent in exports and f.name == EXPORT_NAME
                      or (f.suffix.lower() in ARTICLE_SUFFIXES and not f.name.endswith(".meta.json")
                          and not exports.intersection(f.parents))]
        else:
            found.append(name)
    return found


def origin_file(origin: str | None) -> str:
    """The input an article's origin names: 'corpus.jsonl:3' -> 'corpus.jsonl', 'result.json#42' ->
    'result.json'; a web address is its own input."""
    if origin and origin[:8].lower().startswith(("http://", "https://")):
        return origin
    return re.sub(r"(?::\d+|#\d+)$", "", origin or "")


def article_title(article: Article) -> str | None:
    """An article's title: its metadata, else its first heading, else its first line (shortened)."""
    from analysis.reading.structure import layout

    if article.title:
        return article.title
    heading = next((s.title for s in layout(article.text).sections if s.title), None)
    if heading:
        return heading
    first = article.text.strip().splitlines()[0].strip() if article.text.strip() else ""
    return (first[:117] + "…") if len(first) > 120 else (first or None)


def publication_date(article: Article) -> str | None:
    """The day an article's relative dates resolve against: its metadata, else its dateline."""
    from analysis.language.dates import published_from_text

    return article.published or published_from_text(article.text)
