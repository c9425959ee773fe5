"""Colours and display names of the four tables, shared by the plots, the tables and the highlighted article."""
from __future__ import annotations

from analysis.tables.schema import TABLES

# One colour per table: light enough to sit behind text, dark enough to tell apart in a plot.
TABLE_COLOURS: dict[str, str] = {
    "casualties": "#f2a7a0",
    "drone_counts": "#9ec5f0",
    "statements": "#f5dc8a",
    "deployments": "#a9dba0",
}
# A darker shade of each, for lines, markers and borders.
TABLE_EDGES: dict[str, str] = {
    "casualties": "#b2372b",
    "drone_counts": "#2c6db3",
    "statements": "#a67c00",
    "deployments": "#2f7d32",
}
TABLE_TITLES: dict[str, str] = {
    "casualties": "Casualties",
    "drone_counts": "Drone and missile counts",
    "statements": "Statements",
    "deployments": "Deployments",
}
# Which table's colour a passage takes when several tables' rows cite it: the most specific first.
HIGHLIGHT_ORDER: tuple[str, ...] = ("casualties", "drone_counts", "deployments", "statements")
KILLED_COLOUR = "#8c1c13"
INJURED_COLOUR = "#f08a24"
MODE_COLOURS: dict[str, str] = {
    "direct": "#1b6ca8",
    "partial": "#6aa9d8",
    "reported": "#a0a0a0",
    "interview": "#e08e0b",
    "question": "#f6c667",
}

assert set(TABLE_COLOURS) == set(TABLES) == set(HIGHLIGHT_ORDER)
