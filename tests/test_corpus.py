"""Cross-article merge and series of analysis.corpus.overview, on small hand-made tables."""
from __future__ import annotations

import pandas as pd

from analysis.corpus import overview as corpus
from analysis.corpus import store


def _articles(*rows: tuple[str, str, str]) -> pd.DataFrame:
    """An articles table from (id, outlet, published) triples."""
    return store.conform("articles", pd.DataFrame([{"article_id": a, "source": s, "published": p, "status": "ok",
                                                    "title": f"Title {a}"} for a, s, p in rows]))


def _casualty(article: str, n: int, region: str | None, date: str | None, weapon: str | None,
              killed: int | None, injured: int | None = None, place: str | None = None,
              killed_qualifier: str | None = "exact") -> dict:
    """One casualties row."""
    return {"article_id": article, "incident_id": f"c{n}", "country": "Ukraine", "region": region,
            "place": place, "date": date, "weapon": weapon, "killed": killed,
            "killed_qualifier": killed_qualifier if killed is not None else None, "injured": injured,
            "injured_qualifier": "exact" if injured is not None else None, "source": "Governor",
            "evidence": "...", "char_start": n, "char_end": n + 1}


ARTICLES = _articles(("a1", "AP", "2024-11-02"), ("a2", "Reuters", "2024-11-03"), ("a3", "Kyiv Independent", None))


def _merge(rows: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """merge_incidents over the given rows."""
    return corpus.merge_incidents(store.conform("casualties", pd.DataFrame(rows)), ARTICLES)


def test_same_incident_from_two_sources_is_one_with_both_figures():
    incidents, sources = _merge([
        _casualty("a1", 1, "Kharkiv Oblast", "2024-11-01", "missile", 5, 20, place="Kharkiv"),
        _casualty("a2", 1, "Kharkiv Oblast", "2024-11-02", "missile", 6, 20, place="Kharkiv"),
    ])
    assert len(incidents) == 1
    row = incidents.iloc[0]
    assert row["sources"] == 2
    assert (row["killed_min"], row["killed_max"]) == (5, 6) and row["killed_disagree"]
    assert "5–6" in row["killed"] and "sources differ" in row["killed"]
    assert "5 per AP" in row["killed_by_source"] and "6 per Reuters" in row["killed_by_source"]
    assert row["injured"] == "20" and not row["injured_disagree"]
    assert set(sources["incident"]) == {row["incident"]} and len(sources) == 2


def test_qualifiers_are_kept_in_each_sources_figure():
    incidents, _ = _merge([
        _casualty("a1", 1, "Kherson Oblast", "2024-11-01", "drone", 5, killed_qualifier="at_least"),
        _casualty("a2", 1, "Kherson Oblast", "2024-11-01", "drone", 5),
    ])
    assert len(incidents) == 1
    assert "at least 5 per AP" in incidents.iloc[0]["killed_by_source"]
    assert incidents.iloc[0]["killed"] == "5"


def test_different_region_weapon_day_or_place_stay_apart():
    incidents, _ = _merge([
        _casualty("a1", 1, "Kharkiv Oblast", "2024-11-01", "missile", 5),
        _casualty("a2", 1, "Sumy Oblast", "2024-11-01", "missile", 5),
        _casualty("a2", 2, "Kharkiv Oblast", "2024-11-01", "drone", 5),
        _casualty("a2", 3, "Kharkiv Oblast", "2024-11-04", "missile", 5),
        _casualty("a3", 1, "Kharkiv Oblast", "2024-11-01", "missile", 1, place="Kupiansk"),
        _casualty("a2", 4, "Kharkiv Oblast", "2024-11-01", "missile", 2, place="Izium"),
    ])
    by_sources = incidents["sources"].tolist()
    # a1's placeless Kharkiv missile row may join one placed report; nothing else merges.
    assert len(incidents) == 5 and sorted(by_sources) == [1, 1, 1, 1, 2]


def test_one_article_never_merges_with_itself_and_undated_rows_stay_alone():
    incidents, _ = _merge([
        _casualty("a1", 1, "Kyiv", "2024-11-01", "drone", 1, place="Kyiv"),
        _casualty("a1", 2, "Kyiv", "2024-11-01", "drone", 2, place="Kyiv"),
        _casualty("a3", 1, "Kyiv", None, "drone", 1),
    ])
    # a3 has no date and no publication date: alone.
    assert len(incidents) == 3


def test_publication_date_stands_in_for_a_missing_date():
    incidents, sources = _merge([
        _casualty("a1", 1, "Odesa Oblast", None, "drone", 3),
        _casualty("a2", 1, "Odesa Oblast", "2024-11-02", "drone", 3),
    ])
    assert len(incidents) == 1 and incidents.iloc[0]["sources"] == 2
    assert set(sources["dated_by"]) == {"publication", "text"}


def test_daily_casualties_sum_low_and_high_figures():
    incidents, _ = _merge([
        _casualty("a1", 1, "Kharkiv Oblast", "2024-11-01", "missile", 5, 20, place="Kharkiv"),
        _casualty("a2", 1, "Kharkiv Oblast", "2024-11-01", "missile", 6, 20, place="Kharkiv"),
        _casualty("a2", 2, "Kharkiv Oblast", "2024-11-01", "drone", 1, None),
    ])
    daily = corpus.daily_casualties(incidents)
    row = daily.iloc[0]
    assert (row["killed_low"], row["killed_high"], row["injured_low"], row["incidents"]) == (6, 7, 20, 2)


def test_air_claims_merge_and_interception_share():
    rows = [{"article_id": "a1", "claim_id": "d1", "attacker": "Russia", "weapon_class": "drone", "weapon": "Shahed",
             "date": "2024-11-02", "launched": 100, "launched_qualifier": "exact", "destroyed": 80,
             "destroyed_qualifier": "exact", "reporter": "Ukrainian air force", "evidence": "x", "char_start": 0,
             "char_end": 1},
            {"article_id": "a2", "claim_id": "d1", "attacker": "Russia", "weapon_class": "drone", "weapon": "Shahed",
             "date": "2024-11-02", "launched": 100, "launched_qualifier": "exact", "destroyed": 90,
             "destroyed_qualifier": "exact", "reporter": "Ukrainian air force", "evidence": "x", "char_start": 0,
             "char_end": 1}]
    claims = corpus.merge_air_claims(store.conform("drone_counts", pd.DataFrame(rows)), ARTICLES)
    assert len(claims) == 1 and claims.iloc[0]["sources"] == 2
    assert claims.iloc[0]["destroyed"].startswith("80–90")
    daily = corpus.daily_air_defence(claims)
    assert daily.iloc[0]["interception_share_low"] == 0.8 and daily.iloc[0]["interception_share_high"] == 0.9


def test_speakers_channels_and_force_sizes():
    statements = store.conform("statements", pd.DataFrame([
        {"article_id": "a1", "statement_id": "s1", "speaker": "Zelenskyy", "speaker_type": "person",
         "mode": "direct", "text": "x", "channel": "Telegram", "evidence": "x", "char_start": 0, "char_end": 1},
        {"article_id": "a2", "statement_id": "s1", "speaker": "Zelenskyy", "speaker_type": "person",
         "mode": "direct", "text": "y", "channel": "X", "evidence": "y", "char_start": 0, "char_end": 1},
        {"article_id": "a2", "statement_id": "s2", "speaker": "Governor", "speaker_type": "role",
         "mode": "reported", "text": "z", "evidence": "z", "char_start": 2, "char_end": 3}]))
    speakers = corpus.top_speakers(statements)
    assert speakers.iloc[0]["speaker"] == "Zelenskyy" and speakers.iloc[0]["articles"] == 2
    channels = corpus.top_channels(statements)
    assert set(channels["channel"]) == {"Telegram", "X", corpus.NO_CHANNEL}
    deployments = store.conform("deployments", pd.DataFrame([
        {"article_id": "a1", "deployment_id": "d1", "force": "North Korean soldiers", "count": 8000,
         "count_qualifier": "approx", "source": "Biden administration", "evidence": "x", "char_start": 0, "char_end": 1},
        {"article_id": "a2", "deployment_id": "d1", "force": "North Korean soldiers", "count": 7000,
         "count_qualifier": "at_least", "evidence": "x", "char_start": 0, "char_end": 1}]))
    sizes = corpus.force_sizes(deployments, ARTICLES)
    assert list(sizes["figure"]) == ["about 8000", "at least 7000"]
    assert list(sizes["source"]) == ["Biden administration", corpus.UNATTRIBUTED]


def test_filter_by_dates_and_regions():
    tables = {"articles": ARTICLES,
              "casualties": store.conform("casualties", pd.DataFrame([
                  _casualty("a1", 1, "Kyiv", "2024-11-01", "drone", 1),
                  _casualty("a2", 1, "Sumy Oblast", "2024-11-05", "drone", 1)]))}
    for table in ("drone_counts", "statements", "deployments"):
        tables[table] = store.conform(table, None)
    kept = corpus.filter_corpus(tables, date_from="2024-11-02", regions=None)
    assert list(kept["casualties"]["region"]) == ["Sumy Oblast"]
    kept = corpus.filter_corpus(tables, regions=["Kyiv"])
    assert list(kept["casualties"]["region"]) == ["Kyiv"]


def test_reports_with_no_region_are_never_merged_into_one_incident():
    import pandas as pd

    from analysis.corpus.overview import cluster_reports

    frame = pd.DataFrame({"day": pd.to_datetime(["2025-01-01", "2025-01-01"]), "article_id": ["a", "b"],
                          "country": ["Ukraine", "Ukraine"], "region": [None, None], "weapon": ["drone", "drone"]})
    labels = cluster_reports(frame, ("country", "region", "weapon"))
    assert labels.nunique() == 2


def _drone(article: str, n: int, reporter: str | None, weapon_class: str, launched: int | None,
           destroyed: int | None, date: str = "2024-11-02") -> dict:
    """One drone_counts row."""
    return {"article_id": article, "claim_id": f"d{n}", "attacker": "Russia", "weapon_class": weapon_class,
            "weapon": None, "date": date, "launched": launched, "launched_qualifier": "exact",
            "destroyed": destroyed, "destroyed_qualifier": "exact", "reporter": reporter, "evidence": "x",
            "char_start": n, "char_end": n + 1}


def test_weekly_casualties_sum_the_highest_figures_per_region_and_week():
    incidents, _ = _merge([
        _casualty("a1", 1, "Kharkiv Oblast", "2024-11-01", "missile", 5, 20, place="Kharkiv"),  # a Friday
        _casualty("a2", 1, "Kharkiv Oblast", "2024-11-01", "missile", 6, 20, place="Kharkiv"),
        _casualty("a1", 2, "Kharkiv Oblast", "2024-11-03", "drone", 1, 2),  # Sunday: the same week
        _casualty("a1", 3, "Kharkiv Oblast", "2024-11-04", "drone", None, 3),  # Monday: the next week
        _casualty("a1", 4, "Sumy Oblast", "2024-11-01", "drone", 2, None),
    ])
    weekly = corpus.weekly_casualties(incidents).set_index(["week", "region"])
    assert weekly.loc[("2024-10-28", "Kharkiv Oblast"), ["incidents", "killed_high", "injured_high", "people"]].tolist() \
        == [2, 7, 22, 29]
    assert weekly.loc[("2024-11-04", "Kharkiv Oblast"), "people"] == 3
    assert weekly.loc[("2024-10-28", "Sumy Oblast"), "people"] == 2


def test_interception_shares_one_row_per_report_that_gives_both_counts():
    rows = [_drone("a1", 1, "Ukrainian air force", "drone", 100, 80), _drone("a2", 1, "Ukrainian air force", "drone", 50, 50),
            _drone("a1", 2, None, "missile", 10, 7), _drone("a1", 3, "Ukrainian air force", "drone", 40, None),
            _drone("a2", 2, "Ukrainian air force", "missile", 0, 0)]
    shares = corpus.interception_shares(store.conform("drone_counts", pd.DataFrame(rows)), ARTICLES)
    assert shares[["reporter", "weapon_class", "share"]].values.tolist() == [
        ["(unattributed)", "missile", 0.7], ["Ukrainian air force", "drone", 0.8], ["Ukrainian air force", "drone", 1.0]]
    assert corpus.interception_shares(store.conform("drone_counts", pd.DataFrame(rows[3:])), ARTICLES).empty


def test_seaborn_views_show_the_band_the_week_grid_and_each_reports_share():
    from matplotlib.collections import PolyCollection
    from matplotlib.dates import date2num

    from analysis.corpus import overview_plots

    incidents, _ = _merge([
        _casualty("a1", 1, "Kharkiv Oblast", "2024-11-01", "missile", 5, 20, place="Kharkiv"),
        _casualty("a2", 1, "Kharkiv Oblast", "2024-11-01", "missile", 9, 20, place="Kharkiv"),
        _casualty("a1", 2, "Kherson Oblast", "2024-11-04", "drone", 1, 4),
    ])
    killed_ax = overview_plots.daily_casualties(corpus.daily_casualties(incidents)).axes[0]
    day = date2num(pd.Timestamp("2024-11-01"))
    bands = [c for c in killed_ax.collections if isinstance(c, PolyCollection)]
    at_day = {float(y) for band in bands for p in band.get_paths() for x, y in p.vertices if abs(x - day) < 1e-6}
    assert {5.0, 9.0} <= at_day, f"the band spans the sources' 5 to 9 killed on that day ({at_day})"
    heat = overview_plots.weekly_heatmap(corpus.weekly_casualties(incidents)).axes[0]
    assert sorted(t.get_text() for t in heat.texts) == ["0", "0", "29", "5"]
    assert [t.get_text() for t in heat.get_yticklabels()] == ["Kharkiv Oblast", "Kherson Oblast"]
    rows = [_drone("a1", 1, "Ukrainian air force", "drone", 100, 80), _drone("a2", 1, "Ukrainian air force", "drone", 100, 60),
            _drone("a2", 2, "$\\frac{1}{0}$ ministry", "drone", 10, 9)]
    share_ax = overview_plots.interception_by_reporter(
        corpus.interception_shares(store.conform("drone_counts", pd.DataFrame(rows)), ARTICLES)).axes[0]
    bars = sorted(round(p.get_width()) for p in share_ax.patches if p.get_width() > 0)
    assert bars == [70, 90], "the median share per reporter"
    assert [t.get_text() for t in share_ax.get_yticklabels()] == ["Ukrainian air force", "\\$\\frac{1}{0}\\$ ministry"]
    from analysis.report.plots import png_bytes

    assert png_bytes(share_ax.figure)[:8] == b"\x89PNG\r\n\x1a\n", "article text never reaches mathtext"
