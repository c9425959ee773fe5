"""Country outlines under the report's map: the packaged, pre-simplified Natural Earth borders (see
`maps/README.md`), read once per process and drawn with matplotlib. No tiles; nothing is fetched.

Crimea lies inside Ukraine's outline, as the spec counts it.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath

BORDERS = Path(__file__).resolve().parent / "maps" / "borders.geojson"
FILL = {"Ukraine": "#dce8f4", "Russia": "#f1e6dc", "Belarus": "#ece6ee"}
OTHER_FILL = "#f3f3f1"
EDGE = "#6b6b6b"
SEA = "#eef4f8"
# Names that orient a reader where no outline says them (lon, lat).
PLACE_LABELS = (("Black Sea", 31.6, 44.3, "sea"), ("Sea of Azov", 36.55, 46.15, "sea"),
                ("Crimea", 34.25, 45.3, "region"))


@dataclass(frozen=True)
class Country:
    """One country's outline as a matplotlib path, and where its name goes."""

    name: str
    path: MplPath
    label: tuple[float, float]
    bounds: tuple[float, float, float, float]  # lon0, lat0, lon1, lat1


def _ring_path(rings: list[list[list[float]]]) -> tuple[list[tuple[float, float]], list[int]]:
    """Vertices and codes of one polygon (outer ring, then holes) for a compound path."""
    vertices: list[tuple[float, float]] = []
    codes: list[int] = []
    for ring in rings:
        vertices.extend((x, y) for x, y in ring)
        codes.extend([MplPath.MOVETO] + [MplPath.LINETO] * (len(ring) - 2) + [MplPath.CLOSEPOLY])
    return vertices, codes


def _country(feature: dict) -> Country:
    """A GeoJSON feature (Polygon or MultiPolygon) as a Country."""
    geometry = feature["geometry"]
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    vertices: list[tuple[float, float]] = []
    codes: list[int] = []
    for rings in polygons:
        v, c = _ring_path(rings)
        vertices.extend(v)
        codes.extend(c)
    label = feature["properties"]["label"]
    path = MplPath(vertices, codes)
    box = path.get_extents()
    return Country(feature["properties"]["name"], path, (float(label[0]), float(label[1])),
                   (box.x0, box.y0, box.x1, box.y1))


@functools.lru_cache(maxsize=2)
def countries(path: Path = BORDERS) -> tuple[Country, ...]:
    """The packaged outlines, read once per process."""
    collection = json.loads(path.read_text(encoding="utf-8"))
    return tuple(_country(f) for f in collection["features"])


def source(path: Path = BORDERS) -> dict[str, str]:
    """Where the outlines come from and how they were made (the file's `source` member)."""
    return json.loads(path.read_text(encoding="utf-8"))["source"]


def country_at(lon: float, lat: float) -> str | None:
    """The country whose outline holds the point, or None (sea, or outside the packaged area)."""
    for country in countries():
        if country.path.contains_point((lon, lat)):
            return country.name
    return None


def _inside(x: float, y: float, extent: tuple[float, float, float, float], margin: float = 0.6) -> bool:
    """Whether a point lies inside (lon0, lon1, lat0, lat1), a margin away from the edges."""
    lon0, lon1, lat0, lat1 = extent
    return lon0 + margin <= x <= lon1 - margin and lat0 + margin <= y <= lat1 - margin


def draw(ax, extent: tuple[float, float, float, float]) -> None:
    """Sea, country fills, borders and names under a map whose axes show `extent` (lon0, lon1, lat0, lat1)."""
    ax.set_facecolor(SEA)
    lon0, lon1, lat0, lat1 = extent
    for country in countries():
        x0, y0, x1, y1 = country.bounds
        if x1 < lon0 or x0 > lon1 or y1 < lat0 or y0 > lat1:
            continue  # off the map: not drawn at all
        # add_artist, not add_patch: the map sets its own limits, so the outline's extent need not be measured
        patch = ax.add_artist(PathPatch(country.path, facecolor=FILL.get(country.name, OTHER_FILL), edgecolor=EDGE,
                                        linewidth=0.7, zorder=1))
        patch.set_in_layout(False)  # clipped to the axes: the layout need not measure it
        x, y = country.label
        if _inside(x, y, extent):
            ax.text(x, y, country.name.upper(), ha="center", va="center", fontsize=8, color="#8a8a8a",
                    fontweight="bold", zorder=2)
    for name, x, y, kind in PLACE_LABELS:
        if _inside(x, y, extent, margin=0.3):
            ax.text(x, y, name, ha="center", va="center", fontsize=7, color="#5c7f9c" if kind == "sea" else "#6b6b6b",
                    style="italic", zorder=2)
