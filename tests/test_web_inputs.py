"""Web addresses as inputs: fetched from a real HTTP server on 127.0.0.1 started by the test (never the
internet), through `analysis.reading.web`, `extract`, `report` and `batch`.

The server (tests/webserver.py) serves normal pages, redirects and a loop, 404/403/500/429/503, a slow
answer, a body that trickles in, an endless body, a 2 GB Content-Length, a PDF and an image, a page with
no article text and hostile HTML, all in our own words.
"""
from __future__ import annotations

import csv
import json
import time
from pathlib import Path

import duckdb
import pytest

from analysis.reading import web
from faults import ARTICLES, assert_one_line_error, batch, run, write_articles
from webserver import serve

FAST = web.FetchPolicy(connect_timeout=2, read_timeout=1, deadline=2, backoff=0.01, max_bytes=200_000)


@pytest.fixture(scope="module")
def site():
    with serve() as running:
        yield running


def _read(site, path: str, policy: web.FetchPolicy = FAST):
    """The article at a path of the test site, read with the fast policy."""
    return web.read_url(site.url(path), web.WebOptions(policy=policy))


def _error(site, path: str, policy: web.FetchPolicy = FAST) -> web.FetchError:
    """The error reading a path of the test site gives."""
    with pytest.raises(web.ArticleError) as caught:
        _read(site, path, policy)
    return caught.value


# ---------------------------------------------------------------- fetching and reading one page


def test_a_page_gives_main_text_title_date_outlet_and_its_canonical_address(site):
    article = _read(site, "/news/kharkiv-drones")
    assert article.title == "Drones hit Kharkiv overnight"
    assert article.published == "2024-11-02"
    assert article.source == "Test Wire"
    assert article.url == site.url("/news/kharkiv-drones")  # the relative canonical link, resolved
    assert article.origin == site.url("/news/kharkiv-drones")
    assert "killing one man and injuring 11 people" in article.text
    assert "Home" not in article.text and "Copyright" not in article.text, "menu and footer dropped"


def test_without_metadata_the_outlet_is_the_host_and_plain_text_is_read_as_text(site):
    article = _read(site, "/plain")
    assert (article.title, article.source, article.published) == ("Air force tally", "127.0.0.1", None)
    text = _read(site, "/text")
    assert text.text.startswith("Russian drones struck Kharkiv overnight") and text.url == site.url("/text")


def test_redirects_are_followed_and_the_url_is_where_they_end(site):
    article = _read(site, "/moved")
    assert article.url == site.url("/news/kharkiv-drones") and article.origin == site.url("/moved")


def test_a_redirect_loop_stops_at_the_limit_in_one_line(site):
    before = site.hits["/loop"]
    err = _error(site, "/loop")
    assert str(err) == f"{site.url('/loop')}: more than 5 redirects (a redirect loop?)"
    assert site.hits["/loop"] - before == 6 and not err.transient


@pytest.mark.parametrize("path, status", [("/missing", "HTTP 404 Not Found"), ("/forbidden", "HTTP 403 Forbidden")])
def test_a_4xx_answer_is_not_retried(site, path, status):
    before = site.hits[path]
    err = _error(site, path)
    assert str(err) == f"{site.url(path)}: {status}" and not err.transient
    assert site.hits[path] - before == 1


@pytest.mark.parametrize("path, status", [("/broken", "HTTP 500 Internal Server Error"),
                                          ("/busy", "HTTP 429 Too Many Requests")])
def test_a_5xx_or_429_answer_is_retried_with_back_off_then_reported_as_passing(site, path, status):
    before = site.hits[path]
    policy = web.FetchPolicy(read_timeout=2, backoff=0.05, retries=3)
    started = time.monotonic()
    err = _error(site, path, policy)
    assert str(err) == f"{site.url(path)}: {status} after 4 tries" and err.transient
    assert site.hits[path] - before == 4
    if path == "/broken":  # back-off 0.05 + 0.1 + 0.2 s (the 429 says Retry-After: 0, which is honoured)
        assert time.monotonic() - started >= 0.35


def test_a_503_that_passes_is_fetched_on_a_retry(site):
    assert _read(site, "/flaky").title == "Flaky but fine"
    assert site.hits["/flaky"] == 3


def test_retry_after_is_honoured_and_capped():
    assert web._wait("2", 0.5, 30) == 2.0
    assert web._wait("86400", 0.5, 30) == 30, "a hostile Retry-After does not stall the batch"
    assert web._wait(None, 0.5, 30) == 0.5 and web._wait("soon", 0.5, 30) == 0.5


def test_a_silent_server_times_out_in_one_line(site):
    started = time.monotonic()
    err = _error(site, "/slow")
    assert str(err) == f"{site.url('/slow')}: timed out (no data for 1 s)" and err.transient
    assert time.monotonic() - started < 2.5


def test_a_body_that_trickles_in_forever_ends_at_the_deadline(site):
    started = time.monotonic()
    err = _error(site, "/drip")
    assert "took over 2 s in all" in str(err) and err.transient
    assert time.monotonic() - started < 4


def test_an_endless_body_stops_at_the_size_cap_while_streaming(site):
    started = time.monotonic()
    err = _error(site, "/endless")
    assert str(err).endswith("body over the 200,000-byte limit (stopped reading; raise it with --max-bytes)")
    assert time.monotonic() - started < 2 and not err.transient


def test_a_declared_2_gb_body_is_refused_before_reading(site):
    err = _error(site, "/huge-declared")
    assert "2,147,483,648 bytes is over the 200,000-byte limit" in str(err)


@pytest.mark.parametrize("path, kind", [("/report.pdf", "application/pdf"), ("/photo.png", "image/png")])
def test_a_pdf_or_image_is_refused_by_its_content_type(site, path, kind):
    err = _error(site, path)
    assert str(err) == f"{site.url(path)}: content type {kind} is not a web page (HTML or plain text expected)"


def test_a_page_with_no_article_text_is_refused(site):
    assert "HTML page with no article text found" in str(_error(site, "/nothing"))


def test_an_unreachable_host_is_one_line_and_can_pass():
    import socket

    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(web.FetchError) as caught:
        web.fetch(f"http://127.0.0.1:{port}/x", FAST)
    err = caught.value
    assert str(err).startswith(f"http://127.0.0.1:{port}/x: could not connect (") and err.transient
    assert str(err).endswith("after 4 tries")


def test_every_request_names_the_project_in_its_user_agent(site):
    _read(site, "/plain")
    assert site.agents and all(a.startswith("war-news-tables/") for a in site.agents)


def test_hostile_html_gives_text_and_no_javascript_canonical(site):
    article = _read(site, "/hostile")
    assert article.url == site.url("/hostile"), "a javascript: canonical is never taken"
    assert "window.pwned" not in article.text and "onerror" not in article.text
    assert "A Russian missile hit the port of Odesa" in article.text


def test_canonical_addresses_are_only_http():
    base = "http://127.0.0.1:1/a/b"
    assert web.canonical_url("/c", base) == "http://127.0.0.1:1/c"
    assert web.canonical_url("data:text/html,<script>", base) == base
    assert web.canonical_url("https://other.test/x y", base) == base
    assert web.canonical_url(None, base) == base


def test_a_kept_page_is_read_again_without_fetching_unless_refetch(site, tmp_path):
    options = web.WebOptions(policy=FAST, pages=tmp_path)
    first = web.read_url(site.url("/plain"), options)
    hits = site.hits["/plain"]
    entry = tmp_path / web.page_key(site.url("/plain"))
    assert sorted(p.name for p in entry.iterdir()) == ["headers.json", "page.html"]
    kept = json.loads((entry / "headers.json").read_text())
    assert kept["status"] == 200 and kept["headers"]["content-type"].startswith("text/html")
    assert web.read_url(site.url("/plain"), options) == first and site.hits["/plain"] == hits
    web.read_url(site.url("/plain"), web.WebOptions(policy=FAST, pages=tmp_path, refetch=True))
    assert site.hits["/plain"] == hits + 1


def test_a_urls_file_skips_comments_and_names_each_bad_line():
    lines, problems = web.url_lines("# my list\n\nhttps://a.test/1  # first\nftp://a.test/2\nnot a url\n"
                                    "http://a.test/3#part\n", "list.urls")
    assert lines == [("list.urls:3", "https://a.test/1"), ("list.urls:6", "http://a.test/3#part")]
    assert [str(p) for p in problems] == ["list.urls:4: not an http(s) address: 'ftp://a.test/2'",
                                          "list.urls:5: not an http(s) address: 'not'"]


# ---------------------------------------------------------------- the commands


def test_extract_reads_an_address_and_writes_its_url_in_article_json(site, tmp_path):
    done = run("extract", site.url("/moved"), "--out", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    meta = json.loads((tmp_path / "out" / "article.json").read_text())
    assert (meta["url"], meta["origin"]) == (site.url("/news/kharkiv-drones"), site.url("/moved"))
    assert (meta["title"], meta["published"], meta["source"]) == ("Drones hit Kharkiv overnight", "2024-11-02",
                                                                   "Test Wire")
    rows = list(csv.DictReader(open(tmp_path / "out" / "casualties.csv", encoding="utf-8")))
    assert [(r["region"], r["killed"], r["injured"]) for r in rows] == [("Kharkiv Oblast", "1", "11")]


@pytest.mark.parametrize("path, words", [("/missing", ("HTTP 404",)), ("/report.pdf", ("application/pdf",)),
                                         ("/loop", ("redirects",)), ("/nothing", ("no article text",))])
def test_extract_of_a_bad_address_is_one_line_and_writes_nothing(site, tmp_path, path, words):
    done = run("extract", site.url(path), "--out", tmp_path / "out", "--fetch-timeout", "2")
    assert_one_line_error(done, site.url(path), *words)
    assert not (tmp_path / "out").exists()


def test_extract_of_a_slow_address_gives_up_after_fetch_timeout(site, tmp_path):
    started = time.monotonic()
    done = run("extract", site.url("/slow"), "--out", tmp_path / "out", "--fetch-timeout", "1")
    assert_one_line_error(done, "timed out (no data for 1 s)")
    assert time.monotonic() - started < 20


def test_report_of_an_address_keeps_the_page_and_shows_its_address_escaped(site, tmp_path):
    out = tmp_path / "reports"
    done = run("report", site.url("/hostile"), "--out", out)
    assert done.returncode == 0, done.stderr
    html_path = Path(done.stdout.strip())
    page = html_path.read_text(encoding="utf-8")
    assert f'<b>Address:</b> <a href="{site.url("/hostile")}"' in page
    assert "Evil &lt;script&gt;alert(1)&lt;/script&gt; Wire" in page and "<script>alert(1)" not in page
    entry = out / "fetched" / web.page_key(site.url("/hostile"))
    assert {"page.html", "headers.json", "article.txt", "article.meta.json"} <= {p.name for p in entry.iterdir()}
    hits = site.hits["/hostile"]
    again = run("report", site.url("/hostile"), "--out", out)
    assert again.returncode == 0 and site.hits["/hostile"] == hits, "the kept page is read, not fetched again"


def test_a_reported_hostile_page_runs_nothing_in_a_real_browser(site, tmp_path):
    from playwright.sync_api import sync_playwright

    from test_report import CHROMIUM, CHROMIUM_ARGS, Opened  # the report tests' Chromium and page opener

    out = tmp_path / "reports"
    done = run("report", site.url("/hostile"), "--out", out)
    assert done.returncode == 0, done.stderr
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            opened = Opened(chromium, Path(done.stdout.strip()))
            assert opened.blocked == [] and opened.dialogs == []
            assert opened.js("typeof window.pwned") == "undefined"
            assert opened.js("document.querySelectorAll('a[href^=javascript]').length") == 0
            link = opened.js("document.querySelector('.wn-meta a').href")
            assert link == site.url("/hostile")
        finally:
            chromium.close()


def test_batch_reads_a_urls_file_lists_each_bad_address_once_and_keeps_the_pages(site, tmp_path):
    listing = tmp_path / "links.urls"
    listing.write_text("\n".join([
        "# war news to read", site.url("/news/kharkiv-drones"), site.url("/moved"), site.url("/missing"),
        site.url("/report.pdf"), site.url("/loop"), site.url("/nothing"), site.url("/hostile"), "mailto:x@y.test",
        site.url("/broken"), ""]), encoding="utf-8")
    out = tmp_path / "out"
    done = batch(out, listing, extra=("--fetch-timeout", "2"))
    assert done.returncode == 1, done.stderr  # /broken can pass: left to retry
    failures = {r["origin"]: r for r in csv.DictReader(open(out / "failures.csv", encoding="utf-8"))}
    assert set(failures) == {site.url(p) for p in ("/missing", "/report.pdf", "/loop", "/nothing", "/broken")} | {
        f"{listing}:9"}
    assert failures[site.url("/missing")]["reason"] == "HTTP 404 Not Found"
    assert failures[site.url("/broken")]["retried"] == "yes" and failures[site.url("/missing")]["retried"] == "no"
    con = duckdb.connect(str(out / "corpus.duckdb"), read_only=True)
    rows = con.execute("SELECT origin, url, source, published FROM articles ORDER BY origin").fetchall()
    con.close()
    assert rows == [(site.url("/hostile"), site.url("/hostile"), "Evil <script>alert(1)</script> Wire", "2024-11-03"),
                    (site.url("/news/kharkiv-drones"), site.url("/news/kharkiv-drones"), "Test Wire", "2024-11-02")], \
        "/moved ends at the same page: the same text is one article"
    kept = sorted(p.name for p in (out / "fetched").iterdir())
    assert kept == sorted({web.page_key(site.url(p)) for p in ("/news/kharkiv-drones", "/moved", "/nothing",
                                                                "/hostile")})
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f'<a href="{site.url("/news/kharkiv-drones")}" rel="noopener noreferrer nofollow">Test Wire</a>' in index
    assert "Evil &lt;script&gt;alert(1)&lt;/script&gt; Wire" in index and "<script>alert" not in index
    article = json.loads((out / "articles" / _id(out, "/hostile", site) / "article.json").read_text())
    assert article["url"] == site.url("/hostile")


def _id(out: Path, path: str, site) -> str:
    """The article id of the page at path in a batch's store."""
    con = duckdb.connect(str(out / "corpus.duckdb"), read_only=True)
    try:
        return con.execute("SELECT article_id FROM articles WHERE origin = ?", [site.url(path)]).fetchone()[0]
    finally:
        con.close()


def test_a_batch_rerun_reads_the_kept_pages_and_only_refetch_asks_the_server(tmp_path):
    out = tmp_path / "out"
    local = write_articles(tmp_path / "in", {"kherson.txt": ARTICLES["kherson.txt"]})
    with serve() as own:
        listing = tmp_path / "links.urls"
        listing.write_text(f"{own.url('/news/kharkiv-drones')}\n{own.url('/plain')}\n", encoding="utf-8")
        first = batch(out, listing, local)
        assert first.returncode == 0, first.stderr
    stored = duckdb.connect(str(out / "corpus.duckdb"), read_only=True)
    before = stored.execute("SELECT article_id, url FROM articles ORDER BY 1").fetchall()
    stored.close()
    again = batch(out, listing, local)  # the server is gone: the kept copies are read
    assert again.returncode == 0, again.stderr
    assert "3 unchanged (skipped)" in again.stdout and "0 removed" in again.stdout
    refetch = batch(out, listing, local, extra=("--refetch", "--fetch-timeout", "1"))
    assert refetch.returncode == 1, "nothing answers: both addresses failed for a reason that can pass"
    failures = list(csv.DictReader(open(out / "failures.csv", encoding="utf-8")))
    assert {r["retried"] for r in failures} == {"yes"} and len(failures) == 2
    assert all("could not connect" in r["reason"] for r in failures)
    stored = duckdb.connect(str(out / "corpus.duckdb"), read_only=True)
    assert stored.execute("SELECT article_id, url FROM articles ORDER BY 1").fetchall() == before, \
        "an address that could not be fetched this time keeps its rows"
    stored.close()


def test_batch_takes_addresses_named_on_the_command_line(site, tmp_path):
    done = batch(tmp_path / "out", site.url("/plain"), site.url("/missing"))
    assert done.returncode == 0, done.stderr
    assert "1 articles" in done.stdout and "1 unreadable inputs" in done.stdout
