"""Web addresses: pages fetched politely with httpx, read as articles, kept on disk for re-runs.

A fetch has connect and read time-outs, an overall deadline (so a body that trickles in forever
ends), a size cap enforced while the body streams in, a redirect limit, a content-type check, a
User-Agent that names the project, and a few retries with back-off on 429 and 5xx answers (none on
other 4xx). Main text, title, date, outlet and canonical address come from trafilatura's metadata.
A kept page is a folder `<key>/` with `page.html` (the body as received) and `headers.json`.
"""
from __future__ import annotations

import hashlib
import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from analysis import __version__
from analysis.files import write_atomic, write_set
from analysis.reading.articles import (DEFAULT_MAX_BYTES, Article, ArticleError, Problem, Reading, decode,
                                       from_html, sniff_kind)

URL_LIST_SUFFIX = ".urls"
PAGE_NAME = "page.html"
HEADERS_NAME = "headers.json"
TEXT_NAME = "article.txt"  # what `report` hands the notebook, beside the kept page
USER_AGENT = (f"war-news-tables/{__version__} (war-news analysis for research; fetches one page per "
              "address, retries 429/5xx with back-off)")
HTML_TYPES = {"text/html", "application/xhtml+xml"}
TEXT_TYPES = {"text/plain", "text/markdown"}
RETRY_STATUSES = {429, 500, 502, 503, 504}
PARALLEL = 4  # addresses of a .urls file fetched at a time
MIN_WORDS = 15  # a page's main text shorter than this is no article (a menu, a cookie wall)


class FetchError(ArticleError):
    """A page that could not be fetched or read; transient where a later try may succeed."""

    def __init__(self, message: str, transient: bool = False) -> None:
        """The one-line message, and whether the failure can pass."""
        super().__init__(message)
        self.transient = transient


@dataclass(frozen=True)
class FetchPolicy:
    """How a page is fetched: limits, retries and the User-Agent."""

    connect_timeout: float = 10.0  # seconds to open the connection
    read_timeout: float = 20.0  # seconds of silence while reading
    deadline: float = 60.0  # seconds for one try in all (a body that trickles in forever ends)
    max_bytes: int = DEFAULT_MAX_BYTES
    max_redirects: int = 5
    retries: int = 3  # tries after the first, on 429/5xx and refused or dropped connections
    backoff: float = 0.5  # seconds before the first retry, doubled each time
    max_wait: float = 30.0  # the longest Retry-After honoured
    user_agent: str = USER_AGENT


@dataclass(frozen=True)
class WebOptions:
    """Where fetched pages are kept (None: nowhere) and whether a kept copy is fetched again."""

    policy: FetchPolicy = field(default_factory=FetchPolicy)
    pages: Path | None = None
    refetch: bool = False


@dataclass(frozen=True)
class Page:
    """A fetched page: the address asked for, where it ended after redirects, status, headers and body."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: str


def is_url(name: str) -> bool:
    """Whether an input names a web address (http:// or https://)."""
    return name[:8].lower().startswith(("http://", "https://"))


def is_link(value: object) -> bool:
    """Whether a value is an http(s) address with a host and no spaces or control characters (only such an
    address is fetched, stored as a url or made a link on a page)."""
    if not isinstance(value, str) or any(c.isspace() or ord(c) < 32 for c in value):
        return False
    try:
        parts = urlsplit(value)
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:  # a malformed port or IPv6 host
        return False


def check_url(name: str, origin: str | None = None) -> str:
    """The address when it is an http(s) address with a host, else ArticleError naming origin."""
    if not is_link(name):
        raise ArticleError(f"{origin or name}: not an http(s) address: {name[:200]!r}")
    return name


# ---------------------------------------------------------------- fetching


def fetch(url: str, policy: FetchPolicy = FetchPolicy(), client=None) -> Page:
    """The page at url, retried with back-off on 429/5xx and failed connections; FetchError otherwise."""
    import httpx

    check_url(url)
    own = client is None
    client = client or new_client(policy)
    try:
        for attempt in range(policy.retries + 1):
            last = attempt == policy.retries
            try:
                page = _get(client, url, policy)
            except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError) as err:
                if last:
                    raise FetchError(f"{url}: could not connect ({_reason(err)}) after {attempt + 1} tries",
                                     transient=True) from None
                time.sleep(policy.backoff * 2 ** attempt)
                continue
            except httpx.TimeoutException as err:
                raise FetchError(f"{url}: timed out ({_timeout_kind(err, policy)})", transient=True) from None
            except httpx.TooManyRedirects:
                raise FetchError(f"{url}: more than {policy.max_redirects} redirects (a redirect loop?)") from None
            except httpx.UnsupportedProtocol as err:
                raise FetchError(f"{url}: redirected to an address that is not http(s) ({err})") from None
            except httpx.HTTPError as err:
                raise FetchError(f"{url}: {_reason(err)}", transient=True) from None
            if page.status in RETRY_STATUSES and not last:
                time.sleep(_wait(page.headers.get("retry-after"), policy.backoff * 2 ** attempt, policy.max_wait))
                continue
            if page.status >= 400:
                tries = f" after {attempt + 1} tries" if attempt else ""
                raise FetchError(f"{url}: HTTP {page.status} {_phrase(page.status)}{tries}",
                                 transient=page.status in RETRY_STATUSES)
            return page
    finally:
        if own:
            client.close()
    raise AssertionError("unreachable")  # the loop returns or raises on its last try


def new_client(policy: FetchPolicy):
    """An httpx client with the policy's time-outs, redirect limit and User-Agent (thread-safe)."""
    import httpx

    timeout = httpx.Timeout(policy.read_timeout, connect=policy.connect_timeout)
    return httpx.Client(timeout=timeout, follow_redirects=True, max_redirects=policy.max_redirects,
                        headers={"User-Agent": policy.user_agent,
                                 "Accept": "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.5"},
                        trust_env=False)


def _get(client, url: str, policy: FetchPolicy) -> Page:
    """One GET: the body read only for a success, checked for type and size while it streams in."""
    started = time.monotonic()
    with client.stream("GET", url) as response:
        headers = {k.lower(): v for k, v in response.headers.items()}
        page = Page(url=url, final_url=str(response.url), status=response.status_code, headers=headers, body=b"",
                    fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
        if response.status_code >= 400:
            return page
        _check_type(url, headers.get("content-type"))
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > policy.max_bytes:
            raise FetchError(f"{url}: {int(declared):,} bytes is over the {policy.max_bytes:,}-byte limit "
                             "(raise it with --max-bytes)")
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > policy.max_bytes:
                raise FetchError(f"{url}: body over the {policy.max_bytes:,}-byte limit (stopped reading; "
                                 "raise it with --max-bytes)")
            if time.monotonic() - started > policy.deadline:
                raise FetchError(f"{url}: timed out (the page took over {policy.deadline:.0f} s in all)",
                                 transient=True)
            chunks.append(chunk)
    return replace(page, body=b"".join(chunks))


def _check_type(url: str, content_type: str | None) -> None:
    """Refuse a body that is no web page or text (a PDF, an image, a download)."""
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind and kind not in HTML_TYPES | TEXT_TYPES:
        raise FetchError(f"{url}: content type {kind} is not a web page (HTML or plain text expected)")


def _wait(retry_after: str | None, backoff: float, max_wait: float) -> float:
    """Seconds to wait before a retry: the server's Retry-After (seconds or a date) where it says, capped."""
    if retry_after:
        value = retry_after.strip()
        try:
            seconds = float(value) if value.replace(".", "", 1).isdigit() else \
                (parsedate_to_datetime(value) - datetime.now(timezone.utc)).total_seconds()
            return min(max(seconds, 0.0), max_wait)
        except (TypeError, ValueError, OverflowError):
            pass
    return min(backoff, max_wait)


def _timeout_kind(err: Exception, policy: FetchPolicy) -> str:
    """Which time-out ran out, in words."""
    import httpx

    if isinstance(err, httpx.ConnectTimeout):
        return f"no connection in {policy.connect_timeout:g} s"
    if isinstance(err, httpx.ReadTimeout):
        return f"no data for {policy.read_timeout:g} s"
    return "the server was too slow"


def _reason(err: Exception) -> str:
    """An httpx error as a short phrase."""
    text = " ".join(str(err).split()) or type(err).__name__
    return text[:200]


def _phrase(status: int) -> str:
    """The reason phrase of an HTTP status ("Not Found")."""
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "error"


# ---------------------------------------------------------------- kept pages


def page_key(url: str) -> str:
    """The folder name of a kept page: the first 16 hex chars of the SHA-256 of its address."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


def keep_page(folder: Path, page: Page) -> Path:
    """Write the page and its headers as one set into folder/<key>/; that folder."""
    entry = Path(folder) / page_key(page.url)
    meta = {"url": page.url, "final_url": page.final_url, "status": page.status, "fetched_at": page.fetched_at,
            "headers": page.headers}
    write_set(entry, {PAGE_NAME: page.body, HEADERS_NAME: json.dumps(meta, indent=2, ensure_ascii=False)},
              whole=True)  # one folder swap: a kill leaves the old copy or the new one, never a mix
    return entry


def kept_page(folder: Path, url: str) -> Page | None:
    """The page kept for url under folder, or None where there is none (or it is unreadable)."""
    entry = Path(folder) / page_key(url)
    try:
        meta = json.loads((entry / HEADERS_NAME).read_text(encoding="utf-8"))
        body = (entry / PAGE_NAME).read_bytes()
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or meta.get("url") != url:
        return None
    return Page(url=url, final_url=str(meta.get("final_url") or url), status=int(meta.get("status") or 200),
                headers=dict(meta.get("headers") or {}), body=body, fetched_at=str(meta.get("fetched_at") or ""))


def get_page(url: str, options: WebOptions, client=None) -> Page:
    """The page at url: the kept copy unless options.refetch, else fetched (and kept where options say)."""
    if options.pages is not None and not options.refetch:
        page = kept_page(options.pages, url)
        if page is not None:
            return page
    page = fetch(url, options.policy, client)
    if options.pages is not None:
        keep_page(options.pages, page)  # kept before it is read: a page with no text is not fetched twice
    return page


# ---------------------------------------------------------------- pages as articles


def article_from_page(page: Page) -> Article:
    """A fetched page as an article: main text and metadata by trafilatura (HTML) or the text itself; url the
    page's canonical address where it gives an http(s) one, else where the redirects ended."""
    text, warnings = _page_text(page)
    kind = (page.headers.get("content-type") or "").split(";")[0].strip().lower()
    host = urlsplit(page.final_url).hostname
    if kind in TEXT_TYPES or (not kind and sniff_kind("-", text) == "text"):
        return Article(text=text, url=page.final_url, source=host, origin=page.url, warnings=warnings)
    article = from_html(text, page.url)
    words = len(article.text.split())
    if words < MIN_WORDS:  # what is left of a page that is all menus, or an empty shell filled in by scripts
        raise ArticleError(f"{page.url}: HTML page with no article text found (only {words} words outside "
                           "menus, scripts and footers)")
    return replace(article, url=canonical_url(article.url, page.final_url), source=article.source or host,
                   origin=page.url, warnings=warnings)


def canonical_url(declared: str | None, final_url: str) -> str:
    """The page's own canonical address resolved against where it was fetched, where it is http(s); else
    final_url (a `javascript:` or `data:` canonical in hostile HTML is never taken)."""
    if declared:
        try:
            resolved = urljoin(final_url, declared.strip())
        except ValueError:
            return final_url
        if is_link(resolved):
            return resolved
    return final_url


def _page_text(page: Page) -> tuple[str, tuple[str, ...]]:
    """The body as text: the charset the headers give where it decodes, else as files are decoded."""
    charset = _charset(page.headers.get("content-type"))
    if charset:
        try:
            text = page.body.decode(charset)
            if text.strip():
                return text, ()
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(page.body, page.url)


def _charset(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header."""
    for part in (content_type or "").split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def read_url(url: str, options: WebOptions = WebOptions(), client=None) -> Article:
    """The article at a web address (kept and re-used as options say); FetchError or ArticleError."""
    return article_from_page(get_page(check_url(url), options, client))


def keep_article(article: Article, folder: Path) -> Path:
    """Write a fetched article's text and metadata (`article.txt`, `article.meta.json`) into its kept page's
    folder under folder, for a notebook to read; the text file."""
    entry = Path(folder) / page_key(article.origin)
    side = {"title": article.title, "published": article.published, "source": article.source, "url": article.url}
    write_atomic(entry / "article.meta.json", json.dumps(side, indent=2, ensure_ascii=False))
    write_atomic(entry / TEXT_NAME, article.text)
    return entry / TEXT_NAME


# ---------------------------------------------------------------- lists of addresses


def url_lines(text: str, origin: str) -> tuple[list[tuple[str, str]], list[Problem]]:
    """(origin of the line, address) for each address of a .urls file, and problems with bad lines;
    blank lines and lines starting with # are skipped, and so is anything after the address."""
    found: list[tuple[str, str]] = []
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        where = f"{origin}:{number}"
        try:
            found.append((where, check_url(words[0], where)))
        except ArticleError as err:
            problems.append(Problem(where, str(err).split(": ", 1)[1]))
    return found, problems


def read_url_list(path: str, options: WebOptions) -> Reading:
    """The articles at the addresses of a .urls file, fetched a few at a time; one problem per line that fails."""
    from analysis.reading.articles import read_bytes

    text, _ = decode(read_bytes(path), path)
    lines, problems = url_lines(text, path)
    if not lines and not problems:
        raise ArticleError(f"{path}: no web addresses in the list")
    unique = list(dict.fromkeys(url for _, url in lines))
    client = new_client(options.policy)
    try:
        with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
            outcomes = dict(zip(unique, pool.map(lambda u: _outcome(u, options, client), unique)))
    finally:
        client.close()
    articles = []
    for url in unique:
        outcome = outcomes[url]
        if isinstance(outcome, Article):
            articles.append(outcome)
        else:
            problems.append(Problem(url, str(outcome).removeprefix(f"{url}: "),
                                    transient=getattr(outcome, "transient", False)))
    return Reading(articles, problems, [])


def _outcome(url: str, options: WebOptions, client) -> Article | ArticleError:
    """The article at url, or the error that says why there is none (one bad page never ends the list)."""
    try:
        return read_url(url, options, client)
    except ArticleError as err:
        return err
    except OSError as err:  # the kept copy could not be written or read: a reason that can pass
        return FetchError(f"{url}: {type(err).__name__}: {err}", transient=True)
    except Exception as err:  # noqa: BLE001 - a page that breaks the HTML reader is that page's failure
        return ArticleError(f"{url}: {type(err).__name__}: {' '.join(str(err).split())[:300]}")
