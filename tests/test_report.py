"""`python -m analysis report`: the seed's report and a hostile article's, as files and in a real browser.

The browser is Debian's Chromium (`scripts/ensure-chromium` installs it where missing) driven by Playwright;
every request other than file:// is recorded and aborted, dialogs are recorded and dismissed.
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.report.render import external_resources, render_report

ROOT = Path(__file__).parent.parent
SEED = ROOT / "seeds" / "000_acd56b5fc5c58b51.txt"
HOSTILE = ROOT / "tests" / "data" / "report" / "hostile_article.txt"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TABLE_IDS = ["wn_casualties", "wn_drone_counts", "wn_statements", "wn_deployments"]
PLOTS = ["Casualties per region", "Launched against destroyed, per weapon and reporter",
         "Statements per speaker, by mode", "Timeline of dated rows",
         "Incidents on the map (gazetteer coordinates, Natural Earth borders)"]


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory):
    """The README's command on the seed, writing into a temporary folder."""
    out = tmp_path_factory.mktemp("reports")
    result = subprocess.run([sys.executable, "-m", "analysis", "report", str(SEED), "--slug", "seed",
                             "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return out, result


@pytest.fixture(scope="module")
def seed_html(seed_run) -> Path:
    return seed_run[0] / "seed.html"


@pytest.fixture(scope="module")
def hostile_html(tmp_path_factory) -> Path:
    """The hostile article's report, rendered in-process (title and source come from its .meta.json)."""
    return render_report(str(HOSTILE), tmp_path_factory.mktemp("hostile"), slug="hostile").html_path


# --- the files -------------------------------------------------------------------------------------

def test_report_command_prints_the_html_path_and_keeps_the_executed_notebook(seed_run):
    out, result = seed_run
    assert result.stdout.strip() == str(out / "seed.html")
    assert (out / "seed.ipynb").is_file()
    assert re.search(r"kernel start [\d.]+ s \+ execution [\d.]+ s \+ HTML export [\d.]+ s", result.stderr)
    assert sorted(p.name for p in out.iterdir()) == ["seed.html", "seed.ipynb"], "no temporary files left"


def test_report_html_loads_nothing_from_the_network(seed_html, hostile_html):
    for path in (seed_html, hostile_html):
        page = path.read_text(encoding="utf-8")
        assert external_resources(page) == []
        assert not re.search(r"<(script|img|iframe)[^>]+src=[\"']?(https?:)?//", page, re.I)
        assert not re.search(r"<link[^>]+href=[\"']?(https?:)?//", page, re.I)
        assert "require.js" not in page and "mathjax" not in page.lower()
        assert "Content-Security-Policy" in page


def test_report_html_is_one_file_with_embedded_images_and_inlined_table_script(seed_html):
    page = seed_html.read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') == len(PLOTS)
    assert "injectModule(" in page, "the DataTables bundle is inlined by itables' offline mode"
    body = page.split("<main>")[1]
    for code in ("extract_tables(", "interactive_table(", "plots.image(", "from analysis", 'class="highlight'):
        assert code not in body, f"code cells are not exported ({code})"
    assert body.count('class="jp-Cell-inputWrapper"') == body.count("jp-MarkdownCell"), "only prose cells show input"


def test_seed_report_shows_seven_incidents_two_drone_counts_and_both_troop_figures(seed_html):
    page = seed_html.read_text(encoding="utf-8")
    assert page.count('class="wn-tag wn-casualties"') == 7
    assert page.count('class="wn-tag wn-drone_counts"') == 2
    header = page.split('class="wn-header"')[1].split("</div></div>")[0]
    assert "about 8,000</td><td>North Korean soldiers, per Biden administration" in header
    assert "at least 7,000</td><td>North Korean soldiers, per Ukrainian military intelligence" in header
    disagreement = page.split('id="Where-sources-disagree"')[1].split('id="What-could-not-be-resolved"')[0]
    assert "Biden administration" in disagreement and "Ukrainian military intelligence" in disagreement
    assert "about 8,000 North Korean soldiers" in disagreement and "at least 7,000 North Korean soldiers" in disagreement


def test_seed_report_shows_every_interview_turn_as_a_statement(seed_html):
    page = seed_html.read_text(encoding="utf-8")
    turns = [line for line in SEED.read_text(encoding="utf-8").splitlines() if re.match(r"(Editor|Analyst): ", line)]
    tagged = re.findall(r'class="wn-tag wn-statements"[^>]*>s\d+</span><mark[^>]*>(Editor|Analyst): ', page)
    assert len(turns) == 14 and len(tagged) == len(turns)


def test_seed_report_lists_what_could_not_be_resolved(seed_html):
    page = seed_html.read_text(encoding="utf-8")
    section = page.split('id="What-could-not-be-resolved"')[1].split('id="The-article,-with')[0]
    assert "undated" in section or "could not be resolved to a day" in section


# --- in a real browser -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        subprocess.run([str(ROOT / "scripts" / "ensure-chromium")], check=True, timeout=900)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Opened:
    """A report opened in the browser, with what it tried to fetch, the dialogs it opened and its console errors."""

    def __init__(self, browser, path: Path, width: int = 1400):
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page = browser.new_page(viewport={"width": width, "height": 1000})
        self.page.route("**/*", self._route)
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(path.as_uri(), wait_until="load")
        self.page.wait_for_function(
            f"document.querySelectorAll('table.dataTable[id^=wn_]').length >= {len(TABLE_IDS)}", timeout=20_000)
        self.page.wait_for_timeout(300)

    def _route(self, route) -> None:
        url = route.request.url
        self.requests.append(url)
        if url.startswith("file://"):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def js(self, expression: str):
        return self.page.evaluate(expression)

    def table_total(self, table_id: str) -> int:
        info = self.page.inner_text(f"#{table_id}_wrapper .dt-info")
        return int(re.search(r"of ([\d,]+) entr", info).group(1).replace(",", ""))


@pytest.fixture(scope="module")
def seed_page(browser, seed_html):
    opened = Opened(browser, seed_html)
    yield opened
    opened.page.close()


@pytest.fixture(scope="module")
def hostile_page(browser, hostile_html):
    opened = Opened(browser, hostile_html)
    yield opened
    opened.page.close()


def _assert_clean_open(opened: Opened) -> None:
    assert opened.blocked == [], f"requests beyond file://: {opened.blocked}"
    assert opened.dialogs == []
    assert opened.errors == [], opened.errors
    assert sorted(opened.js("[...document.querySelectorAll('table.dataTable[id^=wn_]')].map(t => t.id)")) \
        == sorted(TABLE_IDS), "the four tables are rendered by DataTables"
    images = opened.js("[...document.images].map(i => [i.alt, i.naturalWidth > 0, i.src.slice(0, 22)])")
    assert images == [[alt, True, "data:image/png;base64,"] for alt in PLOTS]


def test_seed_report_works_offline_in_a_real_browser_with_interactive_tables(seed_page):
    _assert_clean_open(seed_page)
    assert seed_page.table_total("wn_casualties") == 7
    assert seed_page.table_total("wn_drone_counts") == 2
    search = seed_page.page.locator("#wn_statements_wrapper input[type=search]")
    search.fill("Biden administration")
    seed_page.page.wait_for_timeout(200)
    assert "filtered" in seed_page.page.inner_text("#wn_statements_wrapper .dt-info")
    search.fill("")


# Per table: the headers shown, how far any header or cell reaches past its output area (px), the widest
# text cut inside its cell without an ellipsis (px), and the tallest body row (px).
_COMPACT_LAYOUT = """id => {
  const table = document.getElementById(id), area = table.closest('.jp-OutputArea-output');
  const right = area.getBoundingClientRect().right;
  const cells = [...table.querySelectorAll('thead th, tbody td')];
  return {headers: [...table.querySelectorAll('thead th')].map(th => th.textContent),
          overflow: Math.max(area.scrollWidth - area.clientWidth, ...cells.map(c => c.getBoundingClientRect().right - right)),
          cut: Math.max(0, ...cells.filter(c => getComputedStyle(c).textOverflow !== 'ellipsis')
                                  .map(c => c.scrollWidth - c.clientWidth)),
          tallest: Math.max(...[...table.tBodies[0].rows].map(r => r.getBoundingClientRect().height))};
}"""


def test_tables_open_compact_at_1400_px_with_no_column_cut_off(seed_page):
    from analysis.report.interactive import COMPACT_COLUMNS

    assert seed_page.js("window.innerWidth") == 1400
    for table in ("casualties", "drone_counts", "statements", "deployments"):
        layout = seed_page.page.evaluate(_COMPACT_LAYOUT, f"wn_{table}")
        assert layout["headers"] == list(COMPACT_COLUMNS[table]), table
        assert layout["overflow"] <= 1, (table, layout)
        assert layout["cut"] <= 1, (table, layout)
        assert layout["tallest"] <= 40, f"{table}: a compact row is one or two lines ({layout})"


def test_every_other_column_is_one_click_away_and_long_text_one_tick(browser, seed_html):
    opened = Opened(browser, seed_html)
    try:
        page = opened.page
        wrapper = page.locator("#wn_casualties_wrapper")
        wrapper.evaluate("el => el.scrollIntoView({block: 'start'})")  # as a reader scrolls to the table
        menu = page.locator(".dt-button-collection button")
        for name in ("region", "perpetrator"):
            wrapper.locator("button.buttons-colvis").click()
            offered = menu.all_inner_texts()
            assert {"region", "perpetrator", "victims", "children_killed", "char_start"} <= set(offered)
            assert "incident_id" not in offered, "the row id cannot be hidden"
            menu.filter(has_text=name).first.click()
            page.keyboard.press("Escape")
        headers = opened.js("[...document.querySelectorAll('#wn_casualties thead th')].map(th => th.textContent)")
        assert headers[-2:] == ["region", "perpetrator"]
        cells = opened.js("[...document.querySelectorAll('#wn_casualties tbody td')].map(td => td.textContent)")
        assert "Kharkiv Oblast" in cells and "Russia" in cells
        one_line = page.evaluate(_COMPACT_LAYOUT, "wn_casualties")["tallest"]
        page.locator("#wn_casualties").locator("xpath=ancestor::div[contains(@class,'wn-itable')]") \
            .locator(".wn-wrap input").check()
        evidence = opened.js("[...document.querySelectorAll('#wn_casualties td.wn-long')].map(td => td.scrollWidth - td.clientWidth)")
        assert max(evidence) <= 1, "with full text on, no evidence sentence is cut"
        assert page.evaluate(_COMPACT_LAYOUT, "wn_casualties")["tallest"] > 2 * one_line
        assert opened.errors == [] and opened.blocked == []
    finally:
        opened.page.close()


def test_hostile_article_renders_as_text_in_a_real_browser(hostile_page, seed_page):
    _assert_clean_open(hostile_page)
    js = hostile_page.js
    assert js("typeof window.__pwned") == "undefined"
    hostile_page.page.mouse.move(10, 10)
    for element in hostile_page.page.locator(".wn-article mark").all()[:20]:
        element.hover()
    assert js("typeof window.__pwned") == "undefined"
    assert js("document.querySelectorAll('img[onerror], svg[onload], iframe, [onmouseover], a[href^=javascript]').length") == 0
    assert js("[...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length") == 0
    # the tables' data sits in the report's own scripts as escaped text (&lt;script&gt;...), never as markup
    raw_markup = "['<script', '<img', '<svg', '<iframe', '<a ', '<b ', '</td><'].some(m => s.textContent.includes(m))"
    assert js(f"[...document.scripts].filter(s => s.textContent.includes('__pwned') && {raw_markup}).length") == 0
    assert js("document.scripts.length") == seed_page.js("document.scripts.length"), "no script beyond the report's own"
    assert js("document.images.length") == len(PLOTS)
    text = hostile_page.page.inner_text("body")
    assert "<script>window.__pwned=1</script>" in text, "the payload is shown as text"
    assert "<img src=x onerror=window.__pwned=1>" in text
    assert "javascript:window.__pwned=1" in text
    assert js("document.title").startswith("</title><script>")
    for table_id in TABLE_IDS:
        assert hostile_page.table_total(table_id) >= 1, f"{table_id} holds rows of the hostile article"
    cells = js("[...document.querySelectorAll('#wn_statements tbody td')].map(td => td.textContent)")
    assert any("<img src=x onerror=window.__pwned=1> We will respond." in c for c in cells)
    assert "$x^2$ Ministry" in cells


def test_the_policy_lets_only_the_report_own_scripts_run_and_refuses_an_injected_one(browser, hostile_html, tmp_path):
    from analysis.report.csp import inline_scripts, script_hash

    page = hostile_html.read_text(encoding="utf-8")
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in policy and "default-src 'none'" in policy
    assert sorted(set(script_src.split()[1:]) - {"blob:"}) == sorted({script_hash(s) for s in inline_scripts(page)})
    assert "blob:" in script_src.split(), "the DataTables loader declares the blob module it imports"
    # A missed escape, simulated: markup that would run if the article's text reached the page raw.
    injected = tmp_path / "injected.html"
    injected.write_text(page.replace("<main>", "<main><script>window.__pwned=1</script>"
                                     "<img src=x onerror=\"window.__pwned=2\">", 1), encoding="utf-8")
    opened = Opened(browser, injected)
    try:
        assert opened.js("typeof window.__pwned") == "undefined"
        refused = [e for e in opened.errors if "Content Security Policy" in e]
        assert any("inline script" in e for e in refused) and any("event handler" in e for e in refused), opened.errors
        assert opened.table_total("wn_statements") >= 1, "the report's own scripts still run"
    finally:
        opened.page.close()


def test_a_script_in_an_output_that_declares_none_is_refused_though_exported_with_the_page(browser, hostile_html,
                                                                                            tmp_path):
    import nbformat

    from analysis.report.render import export_html

    nb = nbformat.read(hostile_html.with_suffix(".ipynb"), as_version=4)
    # A missed escape, simulated before export: the header's output (article text as HTML) gains markup.
    header = next(c for c in nb.cells if c.cell_type == "code" and "html_output(header_html" in c.source)
    html = header.outputs[0]["data"]["text/html"]
    header.outputs[0]["data"]["text/html"] = html + "<script>window.__pwned=3</script>"
    injected = tmp_path / "injected-before-export.html"
    injected.write_text(export_html(nb, "injected"), encoding="utf-8")
    opened = Opened(browser, injected)
    try:
        assert opened.js("typeof window.__pwned") == "undefined"
        assert any("Content Security Policy" in e and "inline script" in e for e in opened.errors), opened.errors
        assert opened.table_total("wn_statements") >= 1, "the tables' declared scripts still run"
    finally:
        opened.page.close()


def test_seed_report_screenshot_for_the_readme(seed_page, tmp_path):
    """The README's picture of the seed's report at 1,400 px: the top of the page down to the compact
    casualty table, then the map, cut from one rendering (kept as reports/seed.png when UPDATE_SCREENSHOT=1)."""
    from PIL import Image

    page = seed_page.page
    page.evaluate("window.scrollTo(0, 0)")
    full = tmp_path / "full.png"
    page.screenshot(path=str(full), full_page=True)
    main = page.evaluate("(() => { const r = document.querySelector('main').getBoundingClientRect();"
                         " return [r.left + scrollX, r.right + scrollX]; })()")
    table = page.evaluate("document.querySelector('#wn_casualties_wrapper').getBoundingClientRect().bottom + scrollY")
    map_box = page.evaluate("(() => { const i = [...document.images].find(i => i.alt.startsWith('Incidents on the map'));"
                            " const r = i.getBoundingClientRect(); return [r.top + scrollY, r.bottom + scrollY]; })()")
    left, right = max(0, int(main[0]) - 10), int(main[1]) + 10
    with Image.open(full) as whole:
        top = whole.crop((left, 0, right, int(table) + 16))
        below = whole.crop((left, int(map_box[0]) - 8, right, int(map_box[1]) + 8))
    shot = Image.new("RGB", (right - left, top.height + 6 + below.height), "white")
    shot.paste(top, (0, 0))
    shot.paste(Image.new("RGB", (right - left, 2), "#d0d0d0"), (0, top.height + 2))
    shot.paste(below, (0, top.height + 6))
    target = tmp_path / "seed.png"
    shot.save(target, optimize=True)
    assert target.stat().st_size > 50_000 and below.height > 400
    if os.environ.get("UPDATE_SCREENSHOT") == "1":
        kept = ROOT / "reports" / "seed.png"
        shutil.copyfile(target, kept.with_suffix(".png.tmp"))
        os.replace(kept.with_suffix(".png.tmp"), kept)
