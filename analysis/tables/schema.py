"""The four tables' columns, types and validation (see shared spec tables.md)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

QUALIFIERS = ("exact", "at_least", "approx", "at_most", "vague")
VICTIM_TYPES = ("civilian", "military", "police", "mixed", "unknown")
WEAPONS = ("missile", "drone", "shelling", "airstrike", "glide bomb", "debris", "strike")
MODES = ("direct", "partial", "reported", "interview", "question")
SPEAKER_TYPES = ("person", "organization", "role")
SIDES = ("Russia", "Ukraine")

COMMON = ["article_id", "date", "date_text", "evidence", "char_start", "char_end"]

# column -> pandas dtype; order is the CSV column order.
COLUMNS: dict[str, dict[str, str]] = {
    "casualties": {
        "article_id": "string", "incident_id": "string",
        "country": "string", "region": "string", "place": "string",
        "date": "string", "date_text": "string",
        "killed": "Int64", "killed_qualifier": "string",
        "injured": "Int64", "injured_qualifier": "string",
        "children_killed": "Int64", "children_injured": "Int64",
        "victims": "string", "victim_type": "string", "weapon": "string",
        "perpetrator": "string", "source": "string",
        "evidence": "string", "char_start": "Int64", "char_end": "Int64",
    },
    "drone_counts": {
        "article_id": "string", "claim_id": "string",
        "attacker": "string", "weapon_class": "string", "weapon": "string",
        "date": "string", "date_text": "string",
        "launched": "Int64", "launched_qualifier": "string",
        "destroyed": "Int64", "destroyed_qualifier": "string",
        "diverted": "Int64", "area": "string", "reporter": "string",
        "evidence": "string", "char_start": "Int64", "char_end": "Int64",
    },
    "statements": {
        "article_id": "string", "statement_id": "string",
        "speaker": "string", "speaker_role": "string", "speaker_type": "string",
        "channel": "string", "mode": "string", "cue": "string", "text": "string",
        "date": "string", "date_text": "string",
        "evidence": "string", "char_start": "Int64", "char_end": "Int64",
    },
    "deployments": {
        "article_id": "string", "deployment_id": "string",
        "force": "string", "count": "Int64", "count_qualifier": "string",
        "location": "string", "source": "string",
        "date": "string", "date_text": "string",
        "evidence": "string", "char_start": "Int64", "char_end": "Int64",
    },
}
TABLES = tuple(COLUMNS)
ID_COLUMN = {"casualties": "incident_id", "drone_counts": "claim_id",
             "statements": "statement_id", "deployments": "deployment_id"}

# Columns whose values come from a closed vocabulary.
ALLOWED: dict[str, dict[str, tuple[str, ...]]] = {
    "casualties": {"killed_qualifier": QUALIFIERS, "injured_qualifier": QUALIFIERS,
                   "victim_type": VICTIM_TYPES, "weapon": WEAPONS, "perpetrator": SIDES},
    "drone_counts": {"attacker": SIDES, "weapon_class": ("drone", "missile"),
                     "launched_qualifier": QUALIFIERS, "destroyed_qualifier": QUALIFIERS},
    "statements": {"speaker_type": SPEAKER_TYPES, "mode": MODES},
    "deployments": {"count_qualifier": QUALIFIERS},
}
REQUIRED = {"casualties": ("incident_id", "country"), "drone_counts": ("claim_id", "weapon_class"),
            "statements": ("statement_id", "speaker", "speaker_type", "mode", "text"),
            "deployments": ("deployment_id", "force")}
COUNT_COLUMNS = {"casualties": ("killed", "injured", "children_killed", "children_injured"),
                 "drone_counts": ("launched", "destroyed", "diverted"),
                 "statements": (), "deployments": ("count",)}


@dataclass(frozen=True)
class Tables:
    """The four tables of one article."""

    casualties: pd.DataFrame
    drone_counts: pd.DataFrame
    statements: pd.DataFrame
    deployments: pd.DataFrame

    def items(self) -> list[tuple[str, pd.DataFrame]]:
        """(table name, frame) pairs in the spec's order."""
        return [(name, getattr(self, name)) for name in TABLES]


# Text columns use pandas' string dtype with Python storage: several times faster to build from
# short lists than the Arrow-backed default, and equal to "string" for every check.
_DTYPES = {"string": pd.StringDtype("python"), "Int64": pd.Int64Dtype()}
_STRING_ARRAY = _DTYPES["string"].construct_array_type()


def empty_frame(table: str) -> pd.DataFrame:
    """An empty frame with the table's columns and dtypes."""
    return to_frame(table, [])


# Each table's column labels, made once: inferring a label index costs more than a small frame's
# data (and its first use imports pyarrow's pandas support), so every frame takes a copy of this.
_COLUMN_INDEX = {table: pd.Index(list(cols)) for table, cols in COLUMNS.items()}


def to_frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """Rows (dicts, as check_rows passes them) as a frame with exactly the table's columns and
    dtypes: each column's array made from its values and handed over as it is, since the checks
    pd.array and the DataFrame constructor would repeat were made by check_rows."""
    arrays = [_column([r.get(c) for r in rows], kind) for c, kind in COLUMNS[table].items()] if rows \
        else _EMPTY_ARRAYS[table]
    return _frame(arrays, _COLUMN_INDEX[table].copy(), len(rows))


def _frame(arrays: list, columns: pd.Index, length: int) -> pd.DataFrame:
    """A frame of column arrays under the given labels, with a 0..length-1 index."""
    if _internals is not None:
        try:
            return _internals.frame(arrays, columns, length)
        except (TypeError, ValueError, AttributeError):
            pass
    return pd.DataFrame(dict(zip(columns, arrays)), columns=columns, index=pd.RangeIndex(length), copy=False)


def _column(values: list, kind: str) -> pd.api.extensions.ExtensionArray:
    """One column's values (str or int, None for missing) as a nullable string or Int64 array."""
    if kind == "string":
        data = np.empty(len(values), dtype=object)
        data[:] = [pd.NA if v is None else v for v in values]
        return _internals.strings(data) if _internals is not None else _STRING_ARRAY(data, dtype=_DTYPES["string"])
    mask = np.array([v is None for v in values], dtype=bool)
    ints = np.array([0 if v is None else v for v in values], dtype="int64")
    return _internals.integers(ints, mask) if _internals is not None else pd.arrays.IntegerArray(ints, mask)


class _Internals:
    """pandas' own constructors below its checks (private; the same from pandas 2.2 to 3): a frame
    of one block per column and arrays over data that check_rows has already checked. A frame of
    21 short columns: ~60 µs this way against ~190 µs through the public constructors."""

    def __init__(self) -> None:
        from pandas._libs.internals import BlockPlacement
        from pandas.core.internals.blocks import ExtensionBlock
        from pandas.core.internals.managers import BlockManager

        self._block, self._manager = ExtensionBlock, BlockManager
        self._places = [BlockPlacement(slice(i, i + 1)) for i in range(max(map(len, COLUMNS.values())))]
        self._string_new = _STRING_ARRAY._simple_new
        self._int_new = pd.arrays.IntegerArray._simple_new
        self._from_mgr = pd.DataFrame._from_mgr

    def strings(self, data: np.ndarray) -> pd.api.extensions.ExtensionArray:
        """A string array over an object array of str and pd.NA."""
        return self._string_new(data, _DTYPES["string"])

    def integers(self, values: np.ndarray, mask: np.ndarray) -> pd.api.extensions.ExtensionArray:
        """An Int64 array of int64 values and their missing mask."""
        return self._int_new(values, mask)

    def frame(self, arrays: list, columns: pd.Index, length: int) -> pd.DataFrame:
        """A frame of one extension block per column."""
        blocks = tuple(self._block(a, self._places[i], 2) for i, a in enumerate(arrays))
        manager = self._manager(blocks, [columns, pd.RangeIndex(length)], verify_integrity=False)
        return self._from_mgr(manager, axes=manager.axes)


def _load_internals() -> _Internals | None:
    """pandas' private constructors, or None where this pandas lacks them (the public ones serve)."""
    try:
        return _Internals()
    except (ImportError, AttributeError):
        return None


_internals = _load_internals()

# A table without rows (most articles have no deployments) takes these: an array of no values can
# be shared by every frame, nothing can be written into it in place.
_EMPTY_ARRAYS = {table: [_column([], kind) for kind in cols.values()] for table, cols in COLUMNS.items()}


class SchemaViolation(ValueError):
    """A row that breaks its table's declared schema."""


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def check_rows(table: str, rows: list[dict]) -> list[dict]:
    """The rows, checked against the declared schema in pure Python (fast path of `validate`)."""
    cols, allowed, counts = COLUMNS[table], ALLOWED[table], COUNT_COLUMNS[table]
    texts = [col for col, kind in cols.items() if kind == "string"]
    seen: set = set()
    for row in rows:
        extra = set(row) - set(cols)
        if extra:
            raise SchemaViolation(f"{table}: unknown columns {sorted(extra)}")
        for col in REQUIRED[table]:
            if row.get(col) in (None, ""):
                raise SchemaViolation(f"{table}: {col} is required")
        for col in texts:
            if row.get(col) is not None and not isinstance(row[col], str):
                raise SchemaViolation(f"{table}: {col}={row[col]!r} is not text")
        for col, values in allowed.items():
            if row.get(col) is not None and row[col] not in values:
                raise SchemaViolation(f"{table}: {col}={row[col]!r} not in {values}")
        for col in (*counts, "char_start", "char_end"):
            value = row.get(col)
            if value is not None and (not isinstance(value, int) or value < 0):
                raise SchemaViolation(f"{table}: {col}={value!r} is not a count")
        if row.get("date") is not None and not _DATE.match(row["date"]):
            raise SchemaViolation(f"{table}: date {row['date']!r} is not ISO")
        if row.get("char_start", 0) > row.get("char_end", 0):
            raise SchemaViolation(f"{table}: char_start after char_end")
        key = row.get(ID_COLUMN[table])
        if key in seen:
            raise SchemaViolation(f"{table}: duplicate id {key!r}")
        seen.add(key)
    return rows


@lru_cache(maxsize=None)
def pandera_schema(table: str):
    """The pandera schema of a table (built on first use; pandera is slow to import)."""
    import pandera.pandas as pa

    checks = ALLOWED[table]
    columns = {}
    for col, dtype in COLUMNS[table].items():
        col_checks = []
        if col in checks:
            col_checks.append(pa.Check.isin(list(checks[col])))
        if col in COUNT_COLUMNS[table] or col in ("char_start", "char_end"):
            col_checks.append(pa.Check.ge(0))
        if col == "date":
            col_checks.append(pa.Check.str_matches(r"^\d{4}-\d{2}-\d{2}$"))
        columns[col] = pa.Column(_DTYPES[dtype], checks=col_checks, nullable=col not in REQUIRED[table])
    unique = [ID_COLUMN[table]]
    return pa.DataFrameSchema(columns, strict=True, ordered=True, unique=unique,
                              checks=[pa.Check(lambda df: (df["char_start"] <= df["char_end"]).all(),
                                               error="char_start after char_end")])


def validate(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame, checked against its table's pandera schema (raises on a violation)."""
    return pandera_schema(table).validate(frame)
