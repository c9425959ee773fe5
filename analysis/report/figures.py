"""Headline figures, disagreements between sources and unresolved rows of one article's four tables."""
from __future__ import annotations

import re
from typing import Iterable

import pandas as pd

from analysis.language.places import lookup, region_key
from analysis.tables.schema import ID_COLUMN, TABLES, Tables

SIDE_ADJECTIVES = {"Russia": "Russian", "Ukraine": "Ukrainian"}
# Words that say what kind of force, not whose: "North Korean soldiers" and "North Korean troops" are one force.
_GENERIC_FORCE_WORDS = frozenset({"the", "a", "an", "of", "soldiers", "soldier", "troops", "troop", "forces", "force",
                                  "personnel", "servicemen", "fighters", "men", "military", "some", "about"})
HEADLINE_COLUMNS = ["section", "figure", "value", "qualifier", "text"]
DISAGREEMENT_COLUMNS = ["subject", "table", "row", "figure", "source", "date", "evidence"]
UNRESOLVED_COLUMNS = ["table", "row", "problem", "evidence"]
POINT_COLUMNS = ["incident_id", "label", "lat", "lon", "killed", "injured", "located"]
DATED_COLUMNS = ["table", "row", "date", "label"]


def _value(x: object) -> object:
    """A cell as a plain Python value: None for any missing value."""
    return None if x is None or (not isinstance(x, (list, tuple, dict)) and pd.isna(x)) else x


def format_count(value: object, qualifier: object = None) -> str:
    """A count in words a reader expects: '36', 'at least 70', 'about 8,000', 'up to 5', 'a vague number'."""
    value, qualifier = _value(value), _value(qualifier)
    if value is None:
        return "a vague number" if qualifier == "vague" else "not stated"
    number = f"{int(value):,}"
    return {"at_least": f"at least {number}", "approx": f"about {number}",
            "at_most": f"up to {number}"}.get(qualifier, number)


def sum_counts(values: Iterable[object], qualifiers: Iterable[object]) -> tuple[int | None, str | None]:
    """Sum of the stated counts and the qualifier of that sum (a vague or minimum part makes it a minimum)."""
    pairs = [(_value(v), _value(q)) for v, q in zip(values, qualifiers)]
    known = [int(v) for v, _ in pairs if v is not None]
    total = sum(known) if known else None
    quals = {q for v, q in pairs if v is not None or q == "vague"}
    if not pairs or (total is None and "vague" not in quals):
        return None, None
    if total is None:
        return None, "vague"
    if "vague" in quals or "at_least" in quals:
        return total, "at_least"
    if "approx" in quals or ("at_most" in quals and quals - {"at_most"}):
        return total, "approx"
    return total, "at_most" if quals == {"at_most"} else "exact"


def _side(value: object) -> str:
    """A side as an adjective ('Russian'), or 'unattributed' where the text names none."""
    return SIDE_ADJECTIVES.get(_value(value), "unattributed")  # type: ignore[arg-type]


def headline(tables: Tables) -> pd.DataFrame:
    """The report's headline figures: casualties, weapons launched and destroyed, statements, force sizes."""
    rows: list[dict] = []

    def add(section: str, figure: str, value: int | None, qualifier: str | None, text: str | None = None) -> None:
        """One headline row."""
        rows.append({"section": section, "figure": figure, "value": value, "qualifier": qualifier,
                     "text": text if text is not None else format_count(value, qualifier)})

    cas = tables.casualties
    add("casualties", "incidents", len(cas), "exact")
    for column, label in (("killed", "killed"), ("injured", "injured")):
        add("casualties", label, *_stated(sum_counts(cas[column], cas[f"{column}_qualifier"])))
    for column, label in (("children_killed", "of them children killed"), ("children_injured", "of them children injured")):
        add("casualties", label, *_stated(sum_counts(cas[column], ["exact"] * len(cas))))
    drones = tables.drone_counts.to_dict("records")
    for weapon_class in ("drone", "missile"):
        part = [row for row in drones if row["weapon_class"] == weapon_class]
        if not part:
            add("weapons", f"{weapon_class}s", None, None, "none reported")
            continue
        for attacker in sorted({_side(row["attacker"]) for row in part}):
            rows_of = [row for row in part if _side(row["attacker"]) == attacker]
            for column, verb in (("launched", "launched"), ("destroyed", "destroyed")):
                value, qual = sum_counts([r[column] for r in rows_of], [r[f"{column}_qualifier"] for r in rows_of])
                if value is not None or qual is not None:
                    add("weapons", f"{attacker} {weapon_class}s {verb}", value, qual)
    statements = tables.statements
    add("statements", "statements", len(statements), "exact")
    add("statements", "distinct speakers", int(statements["speaker"].nunique()), "exact")
    for row in tables.deployments.itertuples(index=False):
        source = _value(row.source)
        add("deployments", f"{row.force}, " + (f"per {source}" if source else "source not named"),
            _value(row.count), _value(row.count_qualifier))
    if tables.deployments.empty:
        add("deployments", "force sizes", None, None, "none reported")
    frame = pd.DataFrame(rows, columns=HEADLINE_COLUMNS)
    frame["value"] = frame["value"].astype("Int64")
    return frame


def _stated(pair: tuple[int | None, str | None]) -> tuple[int | None, str | None, str | None]:
    """A sum over casualty rows, with 'not stated' where no row states a figure (never a guessed 0)."""
    value, qual = pair
    if value is None and qual is None:
        return None, None, "not stated"
    return value, qual, None


def headline_value(frame: pd.DataFrame, figure: str) -> int | None:
    """The value of one headline figure by its name (None when not stated or absent)."""
    match = frame.loc[frame["figure"] == figure, "value"]
    return None if match.empty or pd.isna(match.iloc[0]) else int(match.iloc[0])


def force_key(force: object) -> str:
    """Whose force, without the kind of troops: 'North Korean soldiers' -> 'north korean'."""
    words = re.findall(r"[\w'’-]+", str(_value(force) or "").lower())
    return " ".join(w for w in words if w not in _GENERIC_FORCE_WORDS)


def _figure_text(table: str, row: dict) -> str:
    """The figures of one row in words."""
    if table == "deployments":
        return f"{format_count(row['count'], row['count_qualifier'])} {row['force']}"
    if table == "casualties":
        return (f"killed {format_count(row['killed'], row['killed_qualifier'])}, "
                f"injured {format_count(row['injured'], row['injured_qualifier'])}")
    return (f"launched {format_count(row['launched'], row['launched_qualifier'])}, "
            f"destroyed {format_count(row['destroyed'], row['destroyed_qualifier'])}")


_GROUPING = {
    "deployments": (lambda r: force_key(r["force"]), ("count", "count_qualifier"), "source"),
    "casualties": (lambda r: "|".join([str(_value(r["country"]) or ""), region_key(_value(r["region"])),
                                       str(_value(r["place"]) or "").lower(), str(_value(r["date"]) or "")]),
                   ("killed", "injured"), "source"),
    "drone_counts": (lambda r: "|".join(str(_value(r[c]) or "") for c in ("attacker", "weapon_class", "weapon", "date")),
                     ("launched", "destroyed"), "reporter"),
}


def _subject(table: str, row: dict) -> str:
    """What a group of rows is about, in words."""
    if table == "deployments":
        return f"size of the {row['force']} force"
    if table == "casualties":
        return " / ".join(str(x) for x in (_value(row["place"]) or _value(row["region"]) or "unknown place",
                                          _value(row["date"]) or "undated"))
    return f"{_value(row['weapon']) or row['weapon_class']} ({_side(row['attacker'])}), {_value(row['date']) or 'undated'}"


def disagreements(tables: Tables) -> pd.DataFrame:
    """Rows that give different figures for the same thing (same force, incident or air-defence count), each with its source."""
    out: list[dict] = []
    for table in ("deployments", "casualties", "drone_counts"):
        key_of, figure_cols, source_col = _GROUPING[table]
        groups: dict[str, list[dict]] = {}
        for row in getattr(tables, table).to_dict("records"):
            groups.setdefault(key_of(row), []).append(row)
        for key, group in groups.items():
            figures = {tuple(_value(row[c]) for c in figure_cols) for row in group}
            if not key.strip("|") or len(group) < 2 or len(figures) < 2:
                continue
            for row in group:
                out.append({"subject": _subject(table, group[0]), "table": table,
                            "row": row[ID_COLUMN[table]], "figure": _figure_text(table, row),
                            "source": _value(row[source_col]) or "no source named",
                            "date": _value(row["date"]) or "undated", "evidence": row["evidence"]})
    return pd.DataFrame(out, columns=DISAGREEMENT_COLUMNS).astype(object)


def unresolved(tables: Tables) -> pd.DataFrame:
    """What the text left open: undated incidents, counts and deployments, unresolved date words, unknown regions, unnamed sources, places off the map."""
    out: list[dict] = []

    def add(table: str, row: dict, problem: str) -> None:
        """One unresolved item."""
        out.append({"table": table, "row": row[ID_COLUMN[table]], "problem": problem, "evidence": row["evidence"]})

    placed = {p["incident_id"]: p["lat"] is not None for p in _points(tables.casualties)}
    for table in TABLES:
        for row in getattr(tables, table).to_dict("records"):
            date_text = _value(row["date_text"])
            if _value(row["date"]) is None and date_text is not None:
                add(table, row, f"date words “{date_text}” could not be resolved to a day")
            elif _value(row["date"]) is None and table != "statements":
                add(table, row, "undated: the text gives no date")
            if table == "casualties":
                if _value(row["region"]) is None:
                    add(table, row, "unknown region")
                if not placed[row["incident_id"]]:
                    add(table, row, "no coordinates in the gazetteer: not on the map")
                if _value(row["source"]) is None:
                    add(table, row, "no source named for the figures")
            if table == "deployments" and _value(row["source"]) is None:
                add(table, row, "no source named for the figure")
            if table == "drone_counts" and _value(row["reporter"]) is None:
                add(table, row, "no reporter named for the count")
    return pd.DataFrame(out, columns=UNRESOLVED_COLUMNS).astype(object)


def _points(casualties: pd.DataFrame) -> list[dict]:
    """Each incident with coordinates from the gazetteer (see `incident_points`), as records."""
    out: list[dict] = []
    for row in casualties.to_dict("records"):
        lat = lon = located = None
        for level in ("place", "region"):
            name = _value(row[level])
            found = lookup(name) if name else None
            if found is not None and found.lat is not None and found.lon is not None:
                lat, lon, located = found.lat, found.lon, level
                break
        label = _value(row["place"]) or _value(row["region"]) or "unknown place"
        out.append({"incident_id": row["incident_id"], "label": label, "lat": lat, "lon": lon,
                    "killed": _value(row["killed"]), "injured": _value(row["injured"]), "located": located})
    return out


def incident_points(casualties: pd.DataFrame) -> pd.DataFrame:
    """Each incident with coordinates from the gazetteer: its place where known, else its region's seat."""
    frame = pd.DataFrame(_points(casualties), columns=POINT_COLUMNS)
    for col in ("lat", "lon"):
        frame[col] = frame[col].astype("Float64")
    for col in ("killed", "injured"):
        frame[col] = frame[col].astype("Int64")
    return frame


def _row_label(table: str, row: dict) -> str:
    """A short label for a row on the timeline."""
    if table == "casualties":
        what = _value(row["place"]) or _value(row["region"]) or "unknown place"
    elif table == "drone_counts":
        what = _value(row["weapon"]) or row["weapon_class"]
    elif table == "statements":
        what = row["speaker"]
    else:
        what = f"{format_count(row['count'], row['count_qualifier'])} {row['force']}"
    return f"{row[ID_COLUMN[table]]} {what}"


def dated_rows(tables: Tables) -> pd.DataFrame:
    """Every row with a resolved date, across the four tables, in date order."""
    out = [{"table": table, "row": row[ID_COLUMN[table]], "date": row["date"], "label": _row_label(table, row)}
           for table in TABLES for row in getattr(tables, table).to_dict("records") if _value(row["date"]) is not None]
    frame = pd.DataFrame(out, columns=DATED_COLUMNS)
    frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d")
    return frame.sort_values(["date", "table", "row"], kind="stable").reset_index(drop=True)


def undated_count(tables: Tables) -> int:
    """Rows of the four tables with no resolved date."""
    return int(sum(getattr(tables, table)["date"].isna().sum() for table in TABLES))
