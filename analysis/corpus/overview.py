"""The picture across articles: incidents merged over sources, daily series, speakers, force sizes.

Pure functions over the store's tables (frames as `store.read_store` returns them). Where
sources disagree, every source's figure is kept and the range is shown; nothing is picked.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import pandas as pd

from analysis.tables.schema import TABLES

MERGE_TOLERANCE_DAYS = 1  # reports of one incident may date it a day apart
INCIDENT_KEY = ("country", "region", "weapon")  # plus the day (within the tolerance)
AIR_KEY = ("attacker", "weapon_class", "weapon")
FIGURE_WORDS = {"exact": "", "at_least": "at least ", "approx": "about ", "at_most": "up to ", "vague": ""}
UNATTRIBUTED = "(unattributed)"
NO_CHANNEL = "(none named)"


def load_corpus(path: str | Path) -> dict[str, pd.DataFrame]:
    """The store tables from a DuckDB store file or a folder of tables/datasets."""
    from analysis.corpus import store

    path = Path(path)
    if path.is_dir():
        if (path / store.STORE_NAME).is_file():
            return store.read_store(path / store.STORE_NAME)
        tables = store.load_tables(path)
        for table in store.ALL_COLUMNS:
            tables.setdefault(table, store.conform(table, None))
        return tables
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no corpus store or dataset there")
    return store.read_store(path)


def with_day(frame: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Rows with `day` (the row's date, else the article's publication date), `dated_by`, and the
    article's title and outlet."""
    meta = articles[["article_id", "title", "published", "source"]].rename(columns={"source": "outlet"})
    out = frame.merge(meta, on="article_id", how="left")
    out["dated_by"] = pd.Series(["text" if pd.notna(d) else ("publication" if pd.notna(p) else None)
                                 for d, p in zip(out["date"], out["published"])], dtype="string")
    out["day"] = pd.to_datetime(out["date"].fillna(out["published"]), errors="coerce")
    return out


def filter_corpus(tables: dict[str, pd.DataFrame], date_from: str | None = None,
                  date_to: str | None = None, regions: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """Tables limited to a date range (row date, else publication date) and to regions (casualties);
    None means no limit."""
    articles = tables["articles"]
    out = {"articles": articles}
    for table in TABLES:
        frame = tables[table]
        if date_from or date_to:
            day = with_day(frame, articles)["day"]
            keep = pd.Series(True, index=frame.index)
            if date_from:
                keep &= (day >= pd.Timestamp(date_from)).fillna(False).to_numpy()
            if date_to:
                keep &= (day <= pd.Timestamp(date_to)).fillna(False).to_numpy()
            frame = frame[keep.to_numpy()]
        if regions and table == "casualties":
            frame = frame[frame["region"].isin(list(regions)).fillna(False).to_numpy()]
        out[table] = frame.reset_index(drop=True)
    return out


def cluster_reports(frame: pd.DataFrame, key: tuple[str, ...], tolerance_days: int = MERGE_TOLERANCE_DAYS,
                    place_col: str | None = None) -> pd.Series:
    """A cluster number per row: rows with the same key, days within the tolerance of the cluster's
    first day, from different articles and (with place_col) no two different places, are one cluster.
    Rows missing a day or any key column stay alone (an unknown region or weapon is no evidence of one incident)."""
    labels: dict[object, int] = {}
    next_label = 0
    keyed = frame.assign(_key=[tuple("" if pd.isna(v) else str(v) for v in row)
                               for row in frame[list(key)].itertuples(index=False)])
    open_clusters: dict[tuple, list[dict]] = {}
    order = keyed.sort_values(["day", "article_id"], kind="stable", na_position="last")
    places = order[place_col] if place_col else [None] * len(order)
    missing = order[list(key)].isna().any(axis=1)
    for idx, day, article_id, row_key, gap, place_name in zip(order.index, order["day"], order["article_id"],
                                                             order["_key"], missing, places):
        if pd.isna(day) or gap:
            labels[idx] = next_label
            next_label += 1
            continue
        place = _norm(place_name)
        # Days only grow in this order: a cluster that began too long ago takes no later row either.
        clusters = open_clusters[row_key] = [c for c in open_clusters.get(row_key, [])
                                             if (day - c["first"]).days <= tolerance_days]
        chosen = None
        for cluster in clusters:
            if article_id in cluster["articles"]:
                continue
            if place and cluster["places"] and place not in cluster["places"]:
                continue
            chosen = cluster
            break
        if chosen is None:
            chosen = {"label": next_label, "first": day, "articles": set(), "places": set()}
            clusters.append(chosen)
            next_label += 1
        chosen["articles"].add(article_id)
        if place:
            chosen["places"].add(place)
        labels[idx] = chosen["label"]
    return pd.Series([labels[i] for i in frame.index], index=frame.index, dtype="int64")


def _short(value: object, width: int = 48) -> str | None:
    """A name cut to width characters (with an ellipsis), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    return value if len(value) <= width else value[: width - 1].rstrip() + "…"


def _norm(value: object) -> str | None:
    """A place name folded for comparison, or None."""
    return str(value).strip().casefold() if isinstance(value, str) and value.strip() else None


def figure_text(number: object, qualifier: object) -> str | None:
    """A count in words as the source gave it ("at least 5", "vague"), or None when not stated."""
    if pd.isna(number):
        return "vague" if isinstance(qualifier, str) and qualifier == "vague" else None
    words = FIGURE_WORDS.get(qualifier, "") if isinstance(qualifier, str) else ""
    return f"{words}{int(number)}"


def _number(value: object) -> float | None:
    """A stated count as a number, None where missing or not a number."""
    if value is None or pd.isna(value):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def figure_summary(numbers: Iterable[object], labels: list[str]) -> dict[str, object]:
    """Range and per-source figures of one count over a cluster's reports: min, max, whether the
    sources disagree, and the text shown ("5" or "5-6 (sources differ)")."""
    values = [v for v in map(_number, numbers) if v is not None]
    if not values:
        return {"min": pd.NA, "max": pd.NA, "disagree": False, "shown": None, "figures": None}
    low, high = int(min(values)), int(max(values))
    disagree = low != high
    shown = f"{low}" if not disagree else f"{low}–{high} (sources differ)"
    figures = "; ".join(labels) if labels else None
    return {"min": low, "max": high, "disagree": disagree, "shown": shown, "figures": figures}


def _per_source(group: list[dict], number: str, qualifier: str) -> list[str]:
    """One 'figure per source' label per report (a row as a record) that states the count."""
    out = []
    for row in group:
        text = figure_text(row[number], row[qualifier])
        if text is not None:
            who = _short(row["outlet"]) or _short(row["title"]) or row["article_id"]
            source = row.get("source")
            out.append(f"{text} per {who}" + (f" ({source})" if isinstance(source, str) else ""))
    return out


def _summaries(group: list[dict], counts: tuple[str, ...]) -> dict[str, dict[str, object]]:
    """figure_summary of each count column over a cluster's reports."""
    return {c: figure_summary([row[c] for row in group], _per_source(group, c, f"{c}_qualifier")) for c in counts}


def _groups(rows: pd.DataFrame, by: str) -> list[list[dict]]:
    """The rows as records, grouped by a column, groups in the order they first appear (rows in theirs)."""
    groups: dict[object, list[dict]] = {}
    for record in rows.to_dict("records"):
        groups.setdefault(record[by], []).append(record)
    return list(groups.values())


def _days(group: list[dict]) -> list[pd.Timestamp]:
    """The known days of a cluster's reports."""
    return [row["day"] for row in group if not pd.isna(row["day"])]


def merge_incidents(casualties: pd.DataFrame, articles: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Casualty rows of all articles merged into incidents (same country, region and weapon, days
    within a day, one report per article); (incidents, their source reports)."""
    rows = with_day(casualties, articles)
    if rows.empty:
        return _empty_incidents(), rows.assign(incident=pd.Series(dtype="string"))
    rows["cluster"] = cluster_reports(rows, INCIDENT_KEY, place_col="place")
    rows = rows.sort_values(["day", "cluster", "article_id"], kind="stable", na_position="last")
    order = {c: n for n, c in enumerate(dict.fromkeys(rows["cluster"]), start=1)}
    rows["incident"] = [f"I{order[c]:04d}" for c in rows["cluster"]]
    incidents = []
    for group in _groups(rows, "incident"):
        figures = _summaries(group, ("killed", "injured"))
        killed, injured = figures["killed"], figures["injured"]
        days = _days(group)
        incidents.append({
            "incident": group[0]["incident"],
            "day": min(days).date().isoformat() if days else None,
            "last_day": max(days).date().isoformat() if days else None,
            "country": _first(row["country"] for row in group), "region": _first(row["region"] for row in group),
            "places": _joined(row["place"] for row in group), "weapon": _first(row["weapon"] for row in group),
            "sources": _distinct(row["article_id"] for row in group),
            "killed": killed["shown"], "killed_min": killed["min"], "killed_max": killed["max"],
            "killed_by_source": killed["figures"], "killed_disagree": killed["disagree"],
            "injured": injured["shown"], "injured_min": injured["min"], "injured_max": injured["max"],
            "injured_by_source": injured["figures"], "injured_disagree": injured["disagree"],
            "articles": _joined(row["article_id"] for row in group),
        })
    frame = pd.DataFrame(incidents)
    for col in ("killed_min", "killed_max", "injured_min", "injured_max"):
        frame[col] = frame[col].astype("Int64")
    sources = rows[["incident", "article_id", "title", "outlet", "day", "dated_by", "country", "region",
                    "place", "weapon", "killed", "killed_qualifier", "injured", "injured_qualifier",
                    "source", "evidence"]].reset_index(drop=True)
    sources["day"] = pd.array([d.date().isoformat() if pd.notna(d) else None for d in sources["day"]], dtype="string")
    sources["title"] = pd.array([_short(t, 80) for t in sources["title"]], dtype="string")
    return frame, sources


def _empty_incidents() -> pd.DataFrame:
    """The incidents frame with no rows."""
    cols = ["incident", "day", "last_day", "country", "region", "places", "weapon", "sources", "killed",
            "killed_min", "killed_max", "killed_by_source", "killed_disagree", "injured", "injured_min",
            "injured_max", "injured_by_source", "injured_disagree", "articles"]
    return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})


def _known(values: Iterable[object]) -> list[object]:
    """The values that are not missing, in order."""
    return [v for v in values if v is not None and not pd.isna(v)]


def _first(values: Iterable[object]) -> object:
    """The first non-null value, or None."""
    found = _known(values)
    return found[0] if found else None


def _joined(values: Iterable[object]) -> str | None:
    """Distinct non-null values, in order, joined with '; '."""
    found = [str(v) for v in dict.fromkeys(_known(values))]
    return "; ".join(found) if found else None


def _distinct(values: Iterable[object]) -> int:
    """How many distinct non-null values."""
    return len(set(_known(values)))


def daily_casualties(incidents: pd.DataFrame) -> pd.DataFrame:
    """Killed and injured per day and region over merged incidents, as low and high sums (the
    lowest and highest figure of each incident)."""
    cols = ["day", "region", "incidents", "killed_low", "killed_high", "injured_low", "injured_high"]
    dated = incidents.dropna(subset=["day"])
    if dated.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    dated = dated.assign(region=dated["region"].fillna("(region not named)"))
    grouped = dated.groupby(["day", "region"], sort=True)
    out = grouped.agg(incidents=("incident", "count"),
                      killed_low=("killed_min", lambda s: s.sum(min_count=1)),
                      killed_high=("killed_max", lambda s: s.sum(min_count=1)),
                      injured_low=("injured_min", lambda s: s.sum(min_count=1)),
                      injured_high=("injured_max", lambda s: s.sum(min_count=1))).reset_index()
    for col in cols[3:]:
        out[col] = out[col].astype("Int64")
    return out[cols]


def weekly_casualties(incidents: pd.DataFrame) -> pd.DataFrame:
    """Killed and injured per region and week (weeks start on Monday) over merged incidents, by their
    highest figures, with the number of incidents; `people` is killed plus injured."""
    cols = ["week", "region", "incidents", "killed_high", "injured_high", "people"]
    dated = incidents.dropna(subset=["day"])
    if dated.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    days = pd.to_datetime(dated["day"])
    dated = dated.assign(region=dated["region"].fillna("(region not named)"),
                         week=(days - pd.to_timedelta(days.dt.day_of_week, unit="D")).dt.date.map(str))
    out = dated.groupby(["week", "region"], sort=True).agg(
        incidents=("incident", "count"), killed_high=("killed_max", lambda v: v.sum(min_count=1)),
        injured_high=("injured_max", lambda v: v.sum(min_count=1))).reset_index()
    for col in ("killed_high", "injured_high"):
        out[col] = out[col].astype("Int64")
    out["people"] = (out["killed_high"].fillna(0) + out["injured_high"].fillna(0)).astype("Int64")
    return out[cols]


def interception_shares(drone_counts: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Every report that states both launched and destroyed (launched > 0), with its share destroyed,
    one row per report: who reported it, whose weapons, which class, the day."""
    cols = ["day", "reporter", "attacker", "weapon_class", "weapon", "launched", "destroyed", "share",
            "outlet", "article_id"]
    rows = with_day(drone_counts, articles)
    rows = rows[rows["launched"].notna() & rows["destroyed"].notna()] if not rows.empty else rows
    rows = rows[rows["launched"] > 0] if not rows.empty else rows
    if rows.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    rows = rows.assign(reporter=rows["reporter"].fillna(UNATTRIBUTED),
                       share=[round(min(float(d) / float(n), 1.0), 4) for d, n in zip(rows["destroyed"], rows["launched"])],
                       day=rows["day"].dt.date.astype("object").where(rows["day"].notna(), None))
    rows = rows.sort_values(["reporter", "weapon_class", "day"], na_position="last", kind="stable")
    return rows[cols].reset_index(drop=True)


def merge_air_claims(drone_counts: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Launch and interception counts merged over articles (same attacker, weapon class and weapon,
    days within a day), with each source's figures and the range."""
    rows = with_day(drone_counts, articles)
    cols = ["claim", "day", "attacker", "weapon_class", "weapon", "sources", "launched", "launched_min",
            "launched_max", "launched_by_source", "destroyed", "destroyed_min", "destroyed_max",
            "destroyed_by_source", "share_min", "share_max", "articles"]
    if rows.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    rows["cluster"] = cluster_reports(rows, AIR_KEY)
    rows = rows.rename(columns={"reporter": "source"})
    out = []
    for n, group in enumerate(_groups(rows.sort_values(["day", "cluster"], na_position="last"), "cluster"), start=1):
        figures = _summaries(group, ("launched", "destroyed"))
        launched, destroyed = figures["launched"], figures["destroyed"]
        shares = [d / l for l, d in zip(map(_number, (r["launched"] for r in group)),
                                        map(_number, (r["destroyed"] for r in group)))
                  if l is not None and d is not None and l > 0]
        days = _days(group)
        out.append({"claim": f"A{n:04d}", "day": min(days).date().isoformat() if days else None,
                    "attacker": _first(r["attacker"] for r in group),
                    "weapon_class": _first(r["weapon_class"] for r in group),
                    "weapon": _first(r["weapon"] for r in group), "sources": _distinct(r["article_id"] for r in group),
                    "launched": launched["shown"], "launched_min": launched["min"],
                    "launched_max": launched["max"], "launched_by_source": launched["figures"],
                    "destroyed": destroyed["shown"], "destroyed_min": destroyed["min"],
                    "destroyed_max": destroyed["max"], "destroyed_by_source": destroyed["figures"],
                    "share_min": min(shares) if shares else None, "share_max": max(shares) if shares else None,
                    "articles": _joined(r["article_id"] for r in group)})
    frame = pd.DataFrame(out, columns=cols)
    for col in ("launched_min", "launched_max", "destroyed_min", "destroyed_max"):
        frame[col] = frame[col].astype("Int64")
    return frame


def daily_air_defence(claims: pd.DataFrame) -> pd.DataFrame:
    """Launched and destroyed per day and weapon class (low and high sums over merged claims) and
    the interception share of claims that give both counts."""
    cols = ["day", "weapon_class", "launched_low", "launched_high", "destroyed_low", "destroyed_high",
            "interception_share_low", "interception_share_high"]
    dated = claims.dropna(subset=["day"])
    if dated.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    rows = []
    for (day, weapon_class), group in dated.groupby(["day", "weapon_class"], sort=True):
        both = group.dropna(subset=["launched_min", "destroyed_min"])
        rows.append({
            "day": day, "weapon_class": weapon_class,
            "launched_low": group["launched_min"].sum(min_count=1),
            "launched_high": group["launched_max"].sum(min_count=1),
            "destroyed_low": group["destroyed_min"].sum(min_count=1),
            "destroyed_high": group["destroyed_max"].sum(min_count=1),
            "interception_share_low": _share(both["destroyed_min"], both["launched_max"]),
            "interception_share_high": _share(both["destroyed_max"], both["launched_min"]),
        })
    out = pd.DataFrame(rows, columns=cols)
    for col in cols[2:6]:
        out[col] = out[col].astype("Int64")
    return out


def _share(destroyed: pd.Series, launched: pd.Series) -> float | None:
    """Sum of destroyed over sum of launched (capped at 1), or None without launches."""
    total = launched.sum()
    if pd.isna(total) or total == 0:
        return None
    return round(min(float(destroyed.sum()) / float(total), 1.0), 4)


def top_speakers(statements: pd.DataFrame, n: int = 15) -> pd.DataFrame:
    """The most frequent speakers: statements, articles, their role and the channels they used."""
    if statements.empty:
        return pd.DataFrame(columns=["speaker", "statements", "articles", "role", "channels"])
    grouped = statements.groupby("speaker", sort=False)
    out = pd.DataFrame({
        "statements": grouped.size(), "articles": grouped["article_id"].nunique(),
        "role": grouped["speaker_role"].agg(_first), "channels": grouped["channel"].agg(_joined),
    }).reset_index()
    out = out.sort_values(["statements", "articles", "speaker"], ascending=[False, False, True], kind="stable")
    return out.head(n).reset_index(drop=True)


def top_channels(statements: pd.DataFrame) -> pd.DataFrame:
    """Statements and speakers per channel (Telegram, X, video address ...), most used first."""
    if statements.empty:
        return pd.DataFrame(columns=["channel", "statements", "speakers", "articles"])
    frame = statements.assign(channel=statements["channel"].fillna(NO_CHANNEL))
    grouped = frame.groupby("channel", sort=False)
    out = pd.DataFrame({"statements": grouped.size(), "speakers": grouped["speaker"].nunique(),
                        "articles": grouped["article_id"].nunique()}).reset_index()
    return out.sort_values(["statements", "channel"], ascending=[False, True], kind="stable").reset_index(drop=True)


def force_sizes(deployments: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Reported force sizes by source over time: one row per report, every source's figure kept."""
    cols = ["day", "dated_by", "force", "count", "count_qualifier", "figure", "location", "source",
            "outlet", "article_id"]
    rows = with_day(deployments, articles)
    if rows.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    rows["source"] = rows["source"].fillna(UNATTRIBUTED)
    rows["figure"] = [figure_text(c, q) for c, q in zip(rows["count"], rows["count_qualifier"])]
    rows["day"] = rows["day"].dt.date.astype("object").where(rows["day"].notna(), None)
    rows = rows.sort_values(["day", "force", "source"], na_position="last", kind="stable")
    return rows[cols].reset_index(drop=True)


def corpus_summary(tables: dict[str, pd.DataFrame], incidents: pd.DataFrame) -> pd.DataFrame:
    """One-row overview: articles, reports per table, merged incidents and those with disagreement."""
    articles = tables["articles"]
    ok = articles[articles["status"] == "ok"] if "status" in articles else articles
    row = {"articles": len(ok), "failed articles": int((articles.get("status") != "ok").sum())
           if "status" in articles else 0}
    for table in TABLES:
        row[f"{table} rows"] = len(tables[table])
    row["merged incidents"] = len(incidents)
    row["incidents with several sources"] = int((incidents["sources"] > 1).sum()) if len(incidents) else 0
    row["incidents where sources disagree"] = int((incidents["killed_disagree"].astype(bool)
                                                   | incidents["injured_disagree"].astype(bool)).sum()) \
        if len(incidents) else 0
    return pd.DataFrame([row])


INCIDENT_VIEW = ["incident", "day", "last_day", "country", "region", "places", "weapon", "sources", "killed",
                 "killed_by_source", "injured", "injured_by_source"]
CLAIM_VIEW = ["claim", "day", "attacker", "weapon_class", "weapon", "sources", "launched", "launched_by_source",
              "destroyed", "destroyed_by_source", "share_min", "share_max"]


def incident_view(incidents: pd.DataFrame) -> pd.DataFrame:
    """The incidents table as shown: the range and each source's figures, not the helper columns."""
    return incidents[[c for c in INCIDENT_VIEW if c in incidents.columns]]


def disagreements(incidents: pd.DataFrame) -> pd.DataFrame:
    """Merged incidents whose sources give different killed or injured figures, with every figure."""
    if incidents.empty:
        return incident_view(incidents)
    differ = incidents["killed_disagree"].astype(bool) | incidents["injured_disagree"].astype(bool)
    return incident_view(incidents[differ.to_numpy()]).reset_index(drop=True)


def claim_view(claims: pd.DataFrame) -> pd.DataFrame:
    """The merged launch/interception claims as shown."""
    return claims[[c for c in CLAIM_VIEW if c in claims.columns]]
