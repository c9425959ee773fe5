"""The report map's country outlines: the packaged Natural Earth copy (provenance, Crimea in Ukraine, places
in their countries), the script that builds it, and the map drawn over it."""
from __future__ import annotations

import importlib.util
import json
from importlib.machinery import SourceFileLoader
from pathlib import Path

import pytest
from matplotlib.patches import PathPatch

from analysis.language.places import lookup, places_table
from analysis.report import basemap, plots
from analysis.tables.schema import to_frame

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def build():
    """scripts/build-borders as a module."""
    loader = SourceFileLoader("build_borders", str(ROOT / "scripts" / "build-borders"))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(module)
    return module


def test_packaged_outlines_are_small_and_say_where_they_come_from():
    assert basemap.BORDERS.stat().st_size < 200_000
    source = basemap.source()
    assert "Natural Earth" in source["data"] and "4.1.0" in source["data"] and "public domain" in source["data"]
    assert "world-atlas@2.0.2" in source["via"] and "sha256" in source["via"]
    assert source["made_by"] == "scripts/build-borders" and "Crimea" in source["changes"]
    names = {c.name for c in basemap.countries()}
    assert {"Ukraine", "Russia", "Belarus", "Moldova", "Poland", "Romania", "Georgia", "Turkey"} <= names


def test_crimea_and_sevastopol_lie_within_ukraine():
    crimean = [p for p in places_table() if p.region in ("Crimea", "Sevastopol") and p.lat is not None]
    found = [basemap.country_at(p.lon, p.lat) for p in crimean]
    assert len(crimean) >= 5 and "Russia" not in found, list(zip([p.name for p in crimean], found))
    assert found.count("Ukraine") >= 0.8 * len(found), "coastal towns may fall in the sea, none in Russia"
    for name in ("Simferopol", "Sevastopol", "Kerch"):
        place = lookup(name)
        assert basemap.country_at(place.lon, place.lat) == "Ukraine", name


def test_gazetteer_places_fall_in_their_own_country():
    places = [p for p in places_table() if p.lat is not None and 10 < p.lon < 75 and 36 < p.lat < 70
              and p.kind != "country"]
    found = [(p, basemap.country_at(p.lon, p.lat)) for p in places]
    wrong = [(p.name, p.country, country) for p, country in found if country not in (p.country, None)]
    at_sea = [p.name for p, country in found if country is None]
    assert len(places) > 500
    assert len(wrong) <= 0.005 * len(places), wrong  # villages on the border, within the 2 km of simplification
    assert len(at_sea) <= 0.02 * len(places), at_sea  # ports within 2 km of a simplified coast


def _topology() -> dict:
    """A tiny quantised TopoJSON: a square 'Ukraine' sharing one arc with 'Russia', whose second part is an
    island on the Crimean peninsula, and a third country cut at the antimeridian."""
    scale = 0.01
    def arc(*points):  # absolute points in degrees -> delta-encoded integer arc
        q = [(round((x + 180) / scale), round((y + 90) / scale)) for x, y in points]
        return [list(q[0])] + [[b[0] - a[0], b[1] - a[1]] for a, b in zip(q, q[1:])]
    arcs = [
        arc((30, 50), (30, 46), (33, 46), (33, 50)),  # 0: Ukraine's west, south and east... east shared below
        arc((33, 50), (30, 50)),                      # 1: Ukraine's north
        arc((33, 50), (33, 46)),                      # 2: the shared border (Russia's west)
        arc((33, 50), (38, 50), (38, 46), (33, 46)),  # 3: Russia's north, east and south
        arc((33.5, 44.6), (35.5, 44.6), (35.5, 45.6), (33.5, 45.6), (33.5, 44.6)),  # 4: Crimea
        arc((170, 60), (180, 60), (180, 65), (170, 65), (170, 60)),  # 5: a far-east part, not in the box
    ]
    return {"type": "Topology", "transform": {"scale": [scale, scale], "translate": [-180, -90]}, "arcs": arcs,
            "objects": {"countries": {"type": "GeometryCollection", "geometries": [
                {"type": "Polygon", "arcs": [[0, 1]], "properties": {"name": "Ukraine"}},
                {"type": "MultiPolygon", "arcs": [[[~2, 3]], [[4]], [[5]]], "properties": {"name": "Russia"}},
            ]}}}


def test_build_script_moves_crimea_into_ukraine_and_keeps_shared_borders(build):
    from shapely.geometry import Point, shape

    topology = _topology()
    shapes = build.crimea_into_ukraine(build.countries(topology, build.decode_arcs(topology, build.TOLERANCE)))
    assert shapes["Ukraine"].contains(Point(34.5, 45.0)) and not shapes["Russia"].contains(Point(34.5, 45.0))
    assert shapes["Russia"].contains(Point(36, 48)) and shapes["Ukraine"].contains(Point(31, 48))
    shared = shapes["Ukraine"].intersection(shapes["Russia"])
    assert shared.length == pytest.approx(4.0, abs=0.05) and shared.area == 0, "one common border, no gap"
    features = {f["properties"]["name"]: f for f in build.features(shapes)}
    assert set(features) == {"Ukraine", "Russia"}
    ukraine = shape(features["Ukraine"]["geometry"])
    assert ukraine.geom_type == "MultiPolygon" and len(ukraine.geoms) == 2, "mainland and Crimea"
    assert shape(features["Russia"]["geometry"]).bounds[2] <= build.BOX[2], "clipped to the box"
    assert ukraine.contains(Point(*features["Ukraine"]["properties"]["label"]))


def test_build_script_refuses_a_source_whose_digest_differs(build, tmp_path):
    other = tmp_path / "countries-50m.json"
    other.write_text(json.dumps(_topology()), encoding="utf-8")
    with pytest.raises(SystemExit, match="is not the expected"):
        build.read_topology(other)


def test_incident_map_draws_outlines_names_and_incidents():
    rows = [{"article_id": "a", "incident_id": "c1", "country": "Ukraine", "region": "Kharkiv Oblast",
             "place": "Kupiansk", "killed": 2, "injured": 3, "evidence": "e", "char_start": 0, "char_end": 1},
            {"article_id": "a", "incident_id": "c2", "country": "Ukraine", "region": "Crimea", "place": None,
             "killed": 1, "injured": 0, "evidence": "e", "char_start": 0, "char_end": 1}]
    fig = plots.incident_map(to_frame("casualties", rows))
    ax = fig.axes[0]
    outlines = [p for p in ax.patches if isinstance(p, PathPatch)]
    assert len(outlines) >= 8, "Ukraine and its neighbours"
    texts = [t.get_text() for t in ax.texts]
    assert {"UKRAINE", "RUSSIA", "BELARUS", "Black Sea", "Crimea"} <= set(texts)
    annotations = [c.get_text() for c in ax.get_children() if type(c).__name__ == "Annotation"]
    assert any(a.startswith("c1 Kupiansk") for a in annotations) and "Kharkiv Oblast" in annotations
    assert any(a.startswith("c2 Crimea") for a in annotations)
    assert not any(c.get_offsets().shape[0] > 5 for c in ax.collections), "no cloud of gazetteer dots"


def test_incident_map_of_an_empty_table_still_shows_the_countries():
    fig = plots.incident_map(to_frame("casualties", []))
    assert "UKRAINE" in [t.get_text() for t in fig.axes[0].texts]
    assert len([p for p in fig.axes[0].patches if isinstance(p, PathPatch)]) >= 8


def test_a_map_over_its_extents_shared_layer_is_the_picture_a_whole_draw_makes():
    from analysis import extract_tables, read_article

    seed = extract_tables(read_article(str(ROOT / "seeds" / "000_acd56b5fc5c58b51.txt")).text, published="2024-11-02")
    far = [{"article_id": "a", "incident_id": "c1", "country": "Russia", "region": "Belgorod Oblast", "place": "Belgorod",
            "killed": 1, "injured": 2, "evidence": "e", "char_start": 0, "char_end": 1},
           {"article_id": "a", "incident_id": "c2", "country": "Ukraine", "region": "Nowhere Oblast", "place": "Nowhere",
            "killed": 3, "injured": 0, "evidence": "e", "char_start": 0, "char_end": 1}]
    plots._map_layer.cache_clear()
    for casualties in (seed.casualties, to_frame("casualties", far), to_frame("casualties", [])):
        fig = plots.incident_map(casualties)
        assert plots.png_bytes(fig) == plots.png_bytes(fig, whole=True), "layer plus incidents = the whole figure"
    extents = {plots.map_extent(plots.incident_points(c).dropna(subset=["lat", "lon"]))
               for c in (seed.casualties, to_frame("casualties", far), to_frame("casualties", []))}
    assert plots._map_layer.cache_info().currsize == len(extents), "one shared layer per extent, drawn once"


def test_a_drawn_map_is_freed_with_its_figure():
    import gc
    import weakref

    rows = [{"article_id": "a", "incident_id": "c1", "country": "Ukraine", "region": "Kharkiv Oblast",
             "place": "Kupiansk", "killed": 2, "injured": 3, "evidence": "e", "char_start": 0, "char_end": 1}]
    fig = plots.incident_map(to_frame("casualties", rows))
    plots.png_bytes(fig)
    alive = weakref.ref(fig)
    del fig
    gc.collect()
    assert alive() is None, "nothing in the plots module keeps a map (a batch kernel draws one per article)"
