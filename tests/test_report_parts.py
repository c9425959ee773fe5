"""The report's building blocks, in-process: figures, escaping, plots, offline checks, file names."""
import html
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from analysis import extract_tables, read_article
from analysis.report import figures
from analysis.report import highlight
from analysis.report import interactive
from analysis.report import plots
from analysis.report.render import external_resources, slugify, write_atomic
from analysis.report.parts import header_html, static_table_html
from analysis.tables.schema import Tables, empty_frame, to_frame

ROOT = Path(__file__).parent.parent
SEED = ROOT / "seeds" / "000_acd56b5fc5c58b51.txt"
PAYLOAD = '</td><script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'


@pytest.fixture(scope="module")
def seed():
    article = read_article(str(SEED))
    return article, extract_tables(article.text, published="2024-11-02")


def hostile_tables() -> tuple[str, Tables]:
    """A text and tables whose every free-text cell carries markup, built directly (not through extraction)."""
    text = f"Governor {PAYLOAD} said the $x^2$ attack on {PAYLOAD} killed 2 people and injured 3."
    common = {"article_id": "abc", "evidence": text, "char_start": 0, "char_end": len(text)}
    return text, Tables(
        casualties=to_frame("casualties", [{**common, "incident_id": "c1", "country": "Ukraine", "region": PAYLOAD,
                                           "place": PAYLOAD, "killed": 2, "injured": 3, "source": PAYLOAD,
                                           "victims": PAYLOAD}]),
        drone_counts=to_frame("drone_counts", [{**common, "claim_id": "d1", "weapon_class": "drone", "weapon": PAYLOAD,
                                               "launched": 10, "destroyed": 8, "reporter": "$\\frac"}]),
        statements=to_frame("statements", [{**common, "statement_id": "s1", "speaker": PAYLOAD, "speaker_type": "person",
                                           "mode": "direct", "text": PAYLOAD, "speaker_role": "$x^2$"}]),
        deployments=to_frame("deployments", [{**common, "deployment_id": "t1", "force": PAYLOAD, "count": 5,
                                             "source": PAYLOAD}]),
    )


def no_markup_from(payload_free_html: str) -> bool:
    """True when none of the payload's tags or handlers survive as markup."""
    lowered = payload_free_html.lower()
    return "<script>window" not in lowered and "<img src=x" not in lowered and 'onerror="window' not in lowered \
        and "</td><script>" not in lowered


def test_headline_figures_of_the_seed_count_incidents_people_weapons_speakers_and_forces(seed):
    _, tables = seed
    frame = figures.headline(tables)
    assert figures.headline_value(frame, "incidents") == len(tables.casualties)
    assert figures.headline_value(frame, "killed") == int(tables.casualties["killed"].sum())
    assert figures.headline_value(frame, "injured") == int(tables.casualties["injured"].sum())
    assert figures.headline_value(frame, "statements") == len(tables.statements)
    assert figures.headline_value(frame, "distinct speakers") == tables.statements["speaker"].nunique()
    launched = frame[frame["figure"] == "Russian drones launched"].iloc[0]
    assert (launched["value"], launched["text"]) == (70, "at least 70")
    forces = frame[frame["section"] == "deployments"]["text"].tolist()
    assert "about 8,000" in forces and "at least 7,000" in forces


def test_sums_keep_the_weakest_qualifier_and_vague_counts_make_a_minimum():
    def s(values, quals):
        return figures.sum_counts(pd.Series(values, dtype="Int64"), pd.Series(quals, dtype=object))
    assert s([1, 2], ["exact", "exact"]) == (3, "exact")
    assert s([1, 70], ["exact", "at_least"]) == (71, "at_least")
    assert s([1, None], ["exact", "vague"]) == (1, "at_least")
    assert s([None], ["vague"]) == (None, "vague")
    assert s([8000], ["approx"]) == (8000, "approx")
    assert figures.format_count(8000, "approx") == "about 8,000"
    assert figures.format_count(None, "vague") == "a vague number"


def test_the_seed_troop_figures_disagree_and_each_keeps_its_source(seed):
    _, tables = seed
    frame = figures.disagreements(tables)
    troops = frame[frame["table"] == "deployments"]
    assert set(zip(troops["figure"], troops["source"])) >= {
        ("about 8,000 North Korean soldiers", "Biden administration"),
        ("at least 7,000 North Korean soldiers", "Ukrainian military intelligence")}


def test_unresolved_lists_undated_rows_unknown_regions_and_unsourced_figures():
    _, tables = hostile_tables()
    undated = Tables(casualties=tables.casualties.assign(region=pd.array([None], dtype="string"),
                                                         place=pd.array([None], dtype="string")),
                     drone_counts=tables.drone_counts, statements=tables.statements,
                     deployments=tables.deployments.assign(source=pd.array([None], dtype="string")))
    problems = figures.unresolved(undated)
    got = set(zip(problems["row"], problems["problem"]))
    assert ("c1", "unknown region") in got
    assert ("c1", "undated: the text gives no date") in got
    assert ("c1", "no coordinates in the gazetteer: not on the map") in got
    assert ("t1", "no source named for the figure") in got


def test_incidents_get_gazetteer_coordinates_of_their_place_or_region(seed):
    _, tables = seed
    points = figures.incident_points(tables.casualties)
    kharkiv = points[points["label"] == "Kharkiv"].iloc[0]
    assert (round(kharkiv["lat"]), round(kharkiv["lon"]), kharkiv["located"]) == (50, 36, "place")
    assert points["lat"].notna().all()


def test_highlighted_article_escapes_every_text_piece_and_tags_every_row(seed):
    text, tables = hostile_tables()
    out = highlight.article_html(text, tables)
    assert no_markup_from(out)
    assert html.escape(PAYLOAD) in out
    for row in ("c1", "d1", "s1", "t1"):
        assert f">{row}</span>" in out
    article, seed_tables = seed
    seed_out = highlight.article_html(article.text, seed_tables)
    tags = seed_out.count('class="wn-tag ')
    assert tags == sum(len(f) for _, f in seed_tables.items())


def test_evidence_spans_are_clamped_to_the_text():
    text, tables = hostile_tables()
    broken = Tables(casualties=tables.casualties.assign(char_end=pd.array([10_000], dtype="Int64")),
                    drone_counts=tables.drone_counts.iloc[0:0], statements=tables.statements.iloc[0:0],
                    deployments=tables.deployments.iloc[0:0])
    (span,) = highlight.evidence_spans(broken, len(text))
    assert (span.start, span.end) == (0, len(text))


def test_header_and_static_tables_escape_title_source_and_cells():
    text, tables = hostile_tables()
    from analysis.reading.articles import Article
    article = Article(text=text, title=PAYLOAD, source=PAYLOAD, origin="x/hostile.txt")
    out = header_html(article, tables, published="2024-11-02")
    assert no_markup_from(out) and html.escape(PAYLOAD) in out
    out = static_table_html(figures.disagreements(tables).assign(evidence=PAYLOAD), "none")
    assert no_markup_from(out)
    out = static_table_html(pd.DataFrame({PAYLOAD: [PAYLOAD]}), "none")
    assert no_markup_from(out) and out.count(html.escape(PAYLOAD)) == 2


def test_interactive_tables_escape_cells_and_use_a_fixed_id():
    _, tables = hostile_tables()
    first = interactive.interactive_table(tables.statements, "statements").data
    second = interactive.interactive_table(tables.statements, "statements").data
    assert first == second, "the same table must render to the same HTML (nbval compares it)"
    assert 'id="wn_statements"' in first
    assert "<script>window" not in first and "<img src=x" not in first
    assert "</td><script>" not in first


def test_compact_view_puts_its_columns_first_and_hides_the_rest(seed):
    _, tables = seed
    columns = list(interactive.display_frame(tables.casualties).columns)
    ordered, hidden = interactive.compact_order(columns, "casualties")
    assert ordered[:8] == ["incident_id", "place", "date", "killed", "injured", "weapon", "source", "evidence"]
    assert sorted(ordered) == sorted(columns), "no column is lost, only hidden"
    assert [ordered[i] for i in hidden] == [c for c in columns if c not in ordered[:8]]
    assert interactive.compact_order(["a", "b"], "speakers") == (["a", "b"], []), "an unnamed table shows all"


def test_compact_tables_use_no_inline_event_handlers_or_evaluated_code():
    _, tables = hostile_tables()
    out = interactive.interactive_table(tables.casualties, "casualties").data
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", out), "no onclick= and the like (the CSP allows none)"
    options = json.loads(re.search(r"let dt_args = (\{.*?\n\s*\});", out, re.S).group(1))
    assert options["buttons"][0]["extend"] == "colvis"
    assert {"targets": list(range(8, 20)), "visible": False} in options["columnDefs"]
    assert "keys_to_be_evaluated" not in options, "no option is JavaScript to evaluate (eval is not allowed)"


def test_display_frame_drops_article_id_and_shows_missing_values_as_empty_cells(seed):
    _, tables = seed
    shown = interactive.display_frame(tables.casualties)
    assert "article_id" not in shown.columns
    assert "" in shown["place"].tolist()
    assert all(isinstance(v, int) for v in shown["injured"] if v != "")


def test_plot_labels_escape_dollar_signs_so_mathtext_never_parses_article_text():
    assert plots.label("$x^2$ Ministry") == r"\$x^2\$ Ministry"
    assert plots.label("a" * 100).endswith("…") and len(plots.label("a" * 100)) == plots.MAX_LABEL
    assert plots.label("two\nlines") == "two lines"


# The report's five plots, each made from an article's tables.
PLOT_MAKERS = [
    lambda t: plots.casualties_by_region(t.casualties),
    lambda t: plots.launched_vs_destroyed(t.drone_counts),
    lambda t: plots.statements_by_speaker(t.statements),
    lambda t: plots.timeline(t),
    lambda t: plots.incident_map(t.casualties),
]
PLOT_IDS = ["casualties", "weapons", "speakers", "timeline", "map"]


@pytest.mark.parametrize("make", PLOT_MAKERS, ids=PLOT_IDS)
def test_plots_render_hostile_labels_as_text_and_are_byte_identical_across_runs(make):
    _, tables = hostile_tables()
    fig = make(tables)
    texts = [t for ax in fig.axes for t in ax.texts + [ax.title] + ax.get_yticklabels()]
    assert fig.axes[0].get_title(), "every plot has a title"
    for text in texts:  # "$" always escaped, never typeset as math
        assert not text._preprocess_math(text.get_text())[1]
    first, second = plots.png_bytes(fig), plots.png_bytes(make(tables))
    assert first == second
    assert Image.open(io.BytesIO(first)).size[0] == plots.WIDTH * plots.DPI


def test_speaker_counts_are_statements_per_speaker_and_mode_in_the_plots_order(seed):
    _, tables = seed
    statements = tables.statements
    expected = pd.crosstab(statements["speaker"].astype(object), statements["mode"].astype(object))
    expected = expected.reindex(columns=[m for m in plots.MODES if m in expected.columns])
    counts = plots._speaker_modes(statements)
    assert counts.values.tolist() == expected.values.tolist()
    assert list(counts.index) == list(expected.index) and list(counts.columns) == list(expected.columns)


def test_statements_that_name_no_speaker_plot_as_a_message_not_an_error():
    rows = [{"article_id": "a", "statement_id": "s1", "speaker": None, "mode": "reported", "text": "x",
             "evidence": "x", "char_start": 0, "char_end": 1}]
    fig = plots.statements_by_speaker(to_frame("statements", rows))
    assert "names its speaker" in " ".join(t.get_text() for t in fig.axes[0].texts)


def test_plots_of_empty_tables_say_there_is_nothing_to_plot():
    empty = Tables(**{name: empty_frame(name) for name in ("casualties", "drone_counts", "statements", "deployments")})
    for fig in (plots.casualties_by_region(empty.casualties), plots.launched_vs_destroyed(empty.drone_counts),
                plots.statements_by_speaker(empty.statements), plots.timeline(empty)):
        assert fig.axes[0].texts and plots.png_bytes(fig)[:4] == b"\x89PNG"
    assert plots.png_bytes(plots.incident_map(empty.casualties))[:4] == b"\x89PNG"


def test_png_has_no_timestamp_or_software_tag(seed):
    _, tables = seed
    data = plots.png_bytes(plots.casualties_by_region(tables.casualties))
    assert b"tIME" not in data and b"Software" not in data and b"matplotlib" not in data


def test_external_resources_finds_every_kind_of_remote_load():
    page = """<html><head>
      <script src="https://cdn.example/require.js"></script>
      <link rel="stylesheet" href="//cdn.example/x.css">
      <style>@import "https://fonts.example/f.css"; body{background:url('http://img.example/b.png')}</style>
      <meta http-equiv="refresh" content="0; url=https://evil.example/">
      <script type="module">import x from "https://esm.example/m.js"; await import('https://esm.example/n.js')</script>
    </head><body>
      <img src="http://img.example/a.png" srcset="data:image/png;base64,AA 1x, https://img.example/2x.png 2x">
      <iframe src="https://frame.example/"></iframe><div style="background-image:url(https://img.example/c.png)"></div>
      <video poster="https://img.example/p.png"></video>
      <a href="https://itables.org/help">a link is not a load</a>
      <img src="data:image/png;base64,AAAA"><script src="local.js"></script>
    </body></html>"""
    found = external_resources(page)
    assert found == ["https://cdn.example/require.js", "//cdn.example/x.css", "https://fonts.example/f.css",
                     "http://img.example/b.png", "https://evil.example/", "https://esm.example/m.js",
                     "https://esm.example/n.js", "http://img.example/a.png", "https://img.example/2x.png",
                     "https://frame.example/", "https://img.example/c.png", "https://img.example/p.png"]
    assert external_resources("<p>offline https://example.org in text</p><a href='http://x.org'>x</a>") == []


def test_slugs_are_short_ascii_file_names():
    assert slugify("Zelenskyy urges allies to act as North Korean troops gather; Russian strikes hit Kharkiv") \
        == "zelenskyy-urges-allies-to-act-as-north-korean-troops-gather"
    assert slugify("Удар по Харкову") == "report"
    assert slugify("Удар по Харкову", fallback="") == ""
    assert slugify("Kyiv: 3 injured — “drones”") == "kyiv-3-injured-drones"
    assert slugify("../../etc/passwd") == "etc-passwd"


def test_write_atomic_replaces_the_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "r" / "x.html"
    write_atomic(target, "one")
    write_atomic(target, "two")
    assert target.read_text() == "two"
    assert [p.name for p in target.parent.iterdir()] == ["x.html"]
    assert oct(target.stat().st_mode & 0o777) == "0o644"


def _labels_outside(fig) -> list[str]:
    """The visible labels (tick labels, titles, axis labels, legends) of a drawn figure that reach past its edges."""
    renderer = fig.canvas.get_renderer()
    width, height = fig.canvas.get_width_height()
    texts = list(fig.texts) + [leg for leg in fig.legends]
    for ax in fig.axes:
        texts += [ax.title] + ([ax.get_legend()] if ax.get_legend() else [])
        if ax.axison:  # the axis labels, and the tick labels matplotlib draws (those within the limits)
            texts += [ax.xaxis.label, ax.yaxis.label]
            for axis, (low, high) in ((ax.xaxis, sorted(ax.get_xlim())), (ax.yaxis, sorted(ax.get_ylim()))):
                texts += [t for t, at in zip(axis.get_ticklabels(), axis.get_ticklocs()) if low <= at <= high]
    out = []
    for artist in texts:
        if not artist.get_visible() or (hasattr(artist, "get_text") and not artist.get_text()):
            continue
        box = artist.get_window_extent(renderer)
        if box.x0 < -0.5 or box.y0 < -0.5 or box.x1 > width + 0.5 or box.y1 > height + 0.5:
            out.append(getattr(artist, "get_text", lambda: type(artist).__name__)())
    return out


@pytest.mark.parametrize("make", PLOT_MAKERS, ids=PLOT_IDS)
def test_plots_placed_without_a_layout_engine_keep_every_label_inside_the_figure(make, seed):
    empty = Tables(**{name: empty_frame(name) for name in ("casualties", "drone_counts", "statements", "deployments")})
    for tables in (seed[1], hostile_tables()[1], empty):
        fig = make(tables)
        assert fig.get_layout_engine() is None, "placed once from measured labels, drawn once"
        plots.png_bytes(fig, whole=True)
        assert _labels_outside(fig) == []


def test_a_nothing_to_plot_figure_drawn_again_gives_the_pixels_of_a_full_draw():
    empty = empty_frame("drone_counts")
    first = plots.png_bytes(plots.launched_vs_destroyed(empty))
    again = plots.launched_vs_destroyed(empty)
    assert plots.png_bytes(again) == first == plots.png_bytes(again, whole=True)


def test_a_nothing_to_plot_figure_with_other_words_is_drawn_anew():
    empty = empty_frame("drone_counts")
    plain = plots.png_bytes(plots.launched_vs_destroyed(empty))
    changed = plots.launched_vs_destroyed(empty)
    changed.axes[0].texts[0].set_text("Another message.")
    assert plots.png_bytes(changed) != plain
    assert plots.png_bytes(changed) == plots.png_bytes(changed, whole=True)
