"""The report's plots as matplotlib figures (Agg, no pyplot state), and their deterministic PNG bytes.

Every label that comes from an article goes through `label()`, which escapes `$` so that mathtext never
parses article text (a stray `$\\frac` would otherwise raise and `$x$` would typeset).

Drawing is most of a report's time, so each figure is drawn once: its axes are placed by `_fit` from
the measured size of its labels (no layout engine, which would lay every text out again and draw the
figure a second time before saving), and the map's static layer (sea, outlines, names, axes) is drawn
once per extent and process (`_map_layer`): a map's PNG is that layer with its incidents drawn over it,
the same pixels as drawing the whole figure.
"""
from __future__ import annotations

import functools
import io
import math
import warnings
from collections import Counter
from contextlib import contextmanager
from typing import Iterator

import matplotlib
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.dates import AutoDateLocator, DateFormatter
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.image import imsave
from matplotlib.patches import Patch

from analysis.report.figures import dated_rows, format_count, incident_points, undated_count
from analysis.report.palette import (INJURED_COLOUR, KILLED_COLOUR, MODE_COLOURS, TABLE_COLOURS, TABLE_EDGES, TABLE_TITLES)
from analysis.language.places import lookup
from analysis.report import basemap
from analysis.tables.schema import MODES, TABLES, Tables

DPI = 100
WIDTH = 8.0  # inches
MAX_LABEL = 42
MAX_SPEAKERS = 15
MAX_TIMELINE_ROWS = 40
# rcParams under which every figure is built and drawn: no TeX, fixed SVG ids, a font every system has,
# unhinted glyphs.
RC = {"text.usetex": False, "svg.hashsalt": "war-news-report", "font.family": "DejaVu Sans",
      "font.size": 9, "axes.titlesize": 11, "axes.titleweight": "bold", "axes.spines.top": False,
      "axes.spines.right": False, "figure.dpi": DPI, "savefig.dpi": DPI,
      # Glyphs unhinted: text is most of a figure's drawing time, and FreeType's hinting costs a sixth
      # of a report's plotting (~45 ms) for a look at these sizes no better.
      "text.hinting": "no_hinting"}
MAP_MIN_EXTENT = (22.0, 41.0, 43.8, 53.0)  # lon0, lon1, lat0, lat1: Ukraine with Crimea at least
MAP_HEIGHT = 5.6  # inches
EDGE = 0.06  # inches of white beyond a figure's outermost label
RIGHT = 0.3  # inches right of the axes (room for the last tick label)
MAP_LAYER = "map-layer"  # gid of the artists a map shares with every map of its extent
# zlib level of the PNGs: 3 encodes a report's five figures about a third faster than the default 6, for
# files about 2% larger (the same pixels).
PNG_OPTIONS = {"compress_level": 3}


def label(text: object, limit: int = MAX_LABEL) -> str:
    """Article text made safe as a matplotlib label: one line, at most `limit` characters, `$` escaped."""
    words = " ".join(str(text).split())
    if len(words) > limit:
        words = words[: limit - 1].rstrip() + "…"
    return words.replace("$", r"\$")


@contextmanager
def _style() -> Iterator[None]:
    """The report's rcParams, with glyph warnings for scripts DejaVu lacks silenced."""
    with matplotlib.rc_context(RC), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        yield


def _figure(height: float) -> Figure:
    """A new Agg figure of the report's width (white; its axes are placed by `_fit`)."""
    fig = Figure(figsize=(WIDTH, height), facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def _text_height(fig: Figure, size: object) -> float:
    """Pixels of one line of text at a font size (digits and capitals)."""
    renderer = fig.canvas.get_renderer()
    _, height, _ = renderer.get_text_width_height_descent("0123456789Ag", FontProperties(size=size), ismath=False)
    return height


def _fit(fig: Figure, ax, below: float = 0.0, right: float = RIGHT) -> None:
    """Place the axes so that its tick labels, axis labels and title fit in the figure, from their measured
    sizes (`below`: pixels more at the bottom, for a figure legend)."""
    renderer = fig.canvas.get_renderer()
    rc = matplotlib.rcParams
    px = fig.dpi / 72  # pixels per point
    edge = EDGE * fig.dpi
    left = bottom = top = edge
    if ax.axison:
        labels = [t for t in ax.get_yticklabels() if t.get_text()]
        left += max([t.get_window_extent(renderer).width for t in labels], default=0.0)
        left += (rc["ytick.major.size"] + rc["ytick.major.pad"]) * px
        if ax.get_ylabel():
            left += ax.yaxis.label.get_window_extent(renderer).height + rc["axes.labelpad"] * px
        bottom += _text_height(fig, rc["xtick.labelsize"]) + (rc["xtick.major.size"] + rc["xtick.major.pad"]) * px
        if ax.get_xlabel():
            bottom += ax.xaxis.label.get_window_extent(renderer).height + rc["axes.labelpad"] * px
    if ax.get_title():
        top += ax.title.get_window_extent(renderer).height + rc["axes.titlepad"] * px
    width, height = fig.get_size_inches() * fig.dpi
    fig.subplots_adjust(left=left / width, right=1 - right * fig.dpi / width, bottom=(bottom + below) / height,
                        top=1 - top / height)


def _bars(ax, ys: list[float], widths: list[float], height: float, lefts: list[float] | None = None, **style) -> None:
    """Horizontal bars as one collection (one artist however many bars; zero-width bars left out), no edges
    (a hatch is drawn in the edge colour: white)."""
    lefts = lefts or [0.0] * len(ys)
    verts = [[(x, y - height / 2), (x + w, y - height / 2), (x + w, y + height / 2), (x, y + height / 2)]
             for y, w, x in zip(ys, widths, lefts) if w]
    ax.add_collection(PolyCollection(verts, linewidths=0, edgecolors="white", **style), autolim=False)


def _rows(ax, count: int, pad: float = 0.6) -> None:
    """The y range of `count` rows at 0 .. count - 1, with pad beyond the first and last."""
    ax.set_ylim(-pad, count - 1 + pad)


def _empty(fig: Figure, title: str, message: str) -> Figure:
    """A figure that says there is nothing to plot (its PNG memoised by `png_bytes`: see `_still_key`)."""
    ax = fig.subplots()
    ax.set_axis_off()
    ax.set_title(title)
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="#555555")
    _fit(fig, ax)
    setattr(fig, _STILL, True)
    return fig


# An `_empty` figure carries this attribute: a report has one or two of them (no drone counts, no dated row),
# each the same few words as in many other reports, so their PNGs are kept by what they show.
_STILL = "_analysis_still"
_STILL_PNGS: dict[tuple, bytes] = {}
MAX_STILL_PNGS = 256


def _still_key(fig: Figure) -> tuple | None:
    """What an `_empty` figure shows (size, title, texts, artist counts), or None for any other figure."""
    if not getattr(fig, _STILL, False) or len(fig.axes) != 1:
        return None
    ax = fig.axes[0]
    return (tuple(fig.get_size_inches()), ax.get_title(), tuple(t.get_text() for t in ax.texts),
            len(ax.get_children()), len(fig.get_children()))


def _int(value: object) -> int:
    """A count as an int, 0 where missing."""
    return 0 if value is None or pd.isna(value) else int(value)


def casualties_by_region(casualties: pd.DataFrame) -> Figure:
    """Killed and injured per region (bars), the children among them hatched."""
    title = "Casualties per region"
    with _style():
        if casualties.empty:
            return _empty(_figure(2.0), title, "No casualty figures in this article.")
        frame = casualties.assign(region=casualties["region"].fillna("unknown region").astype(object))
        regions = list(dict.fromkeys(frame["region"]))
        sums = {r: {c: sum(_int(v) for v in frame.loc[frame["region"] == r, c])
                    for c in ("killed", "injured", "children_killed", "children_injured")} for r in regions}
        fig = _figure(1.2 + 0.55 * len(regions))
        ax = fig.subplots()
        ys = list(range(len(regions)))[::-1]
        high = max([1] + [max(s["killed"], s["injured"]) for s in sums.values()])
        for offset, kind, colour in ((0.2, "killed", KILLED_COLOUR), (-0.2, "injured", INJURED_COLOUR)):
            at = [y + offset for y in ys]
            _bars(ax, at, [sums[r][kind] for r in regions], 0.38, facecolors=colour)
            children = [sums[r][f"children_{kind}"] for r in regions]
            _bars(ax, at, children, 0.38, facecolors=colour, hatch="////")
            for y, region, child in zip(at, regions, children):
                note = f"{kind} {sums[region][kind]:,}" + (f" (of them {child:,} children)" if child else "")
                ax.text(max(sums[region][kind], child) + high * 0.01, y, note, va="center", fontsize=8)
        ax.set_yticks(ys, [label(r) for r in regions])
        _rows(ax, len(regions))
        ax.set_xlim(0, high * 1.35)
        ax.set_xlabel("people (sum of the stated figures per region)")
        ax.set_title(title)
        ax.legend(handles=[Patch(color=KILLED_COLOUR, label="killed"), Patch(color=INJURED_COLOUR, label="injured"),
                           Patch(facecolor="#777777", hatch="////", edgecolor="white", label="of them children")],
                  loc="lower right", frameon=False)
        _fit(fig, ax)
        return fig


def launched_vs_destroyed(drone_counts: pd.DataFrame) -> Figure:
    """Launched against destroyed per weapon and reporter, with the share intercepted where both are stated."""
    title = "Launched against destroyed, per weapon and reporter"
    with _style():
        if drone_counts.empty:
            return _empty(_figure(2.0), title, "No drone or missile counts in this article.")
        fig = _figure(1.4 + 0.7 * len(drone_counts))
        ax = fig.subplots()
        rows = list(drone_counts.itertuples(index=False))
        ys = list(range(len(rows)))[::-1]
        high = max([1] + [max(_int(r.launched), _int(r.destroyed)) for r in rows])
        labels = []
        for y, row in zip(ys, rows):
            weapon = row.weapon if isinstance(row.weapon, str) else f"{row.weapon_class}s"
            side = row.attacker if isinstance(row.attacker, str) else "unattributed"
            reporter = row.reporter if isinstance(row.reporter, str) else "no reporter named"
            labels.append(f"{label(weapon, 20)} ({label(side, 12)})\nper {label(reporter, 30)}")
            if _int(row.launched) and not pd.isna(row.destroyed):
                share = f"intercepted {100 * _int(row.destroyed) / _int(row.launched):.0f}%"
            else:
                share = "interception share unknown"
            ax.text(high * 1.62, y, share, va="center", ha="right", fontsize=8, fontweight="bold")
        for offset, kind, colour in ((0.2, "launched", TABLE_EDGES["drone_counts"]),
                                     (-0.2, "destroyed", TABLE_COLOURS["drone_counts"])):
            values = [_int(getattr(row, kind)) for row in rows]
            _bars(ax, [y + offset for y in ys], values, 0.38, facecolors=colour)
            for y, row, value in zip(ys, rows, values):
                ax.text(value + high * 0.01, y + offset,
                        f"{kind} {format_count(getattr(row, kind), getattr(row, f'{kind}_qualifier'))}",
                        va="center", fontsize=8)
        ax.set_yticks(ys, labels)
        _rows(ax, len(rows))
        ax.set_xlim(0, high * 1.65)
        ax.set_xlabel("weapons (drones or missiles)")
        ax.set_title(title)
        _fit(fig, ax)
        return fig


def _speaker_modes(statements: pd.DataFrame) -> pd.DataFrame:
    """Statements per speaker (rows, in name order) and mode (columns, in MODES order), those without a
    speaker or a mode left out (what pandas.crosstab gives, without its cost per call)."""
    pairs = Counter((s, m) for s, m in zip(statements["speaker"], statements["mode"])
                    if isinstance(s, str) and isinstance(m, str))
    speakers = sorted({s for s, _ in pairs})
    modes = [m for m in MODES if any(mode == m for _, mode in pairs)]
    return pd.DataFrame([[pairs[(s, m)] for m in modes] for s in speakers], index=speakers, columns=modes,
                        dtype="int64")


def statements_by_speaker(statements: pd.DataFrame) -> Figure:
    """Statements per speaker, stacked by mode (direct, partial, reported, interview, question)."""
    title = "Statements per speaker, by mode"
    with _style():
        if statements.empty:
            return _empty(_figure(2.0), title, "No attributed statements in this article.")
        counts = _speaker_modes(statements)
        if counts.empty:
            return _empty(_figure(2.0), title, "No statement in this article names its speaker.")
        order = counts.sum(axis=1).sort_values(ascending=False, kind="stable")
        if len(order) > MAX_SPEAKERS:
            keep = list(order.index[: MAX_SPEAKERS - 1])
            others = counts.drop(index=keep).sum().rename(f"{len(order) - len(keep)} other speakers")
            counts = pd.concat([counts.loc[keep], others.to_frame().T])
        else:
            counts = counts.loc[list(order.index)]
        fig = _figure(1.2 + 0.32 * len(counts))
        ax = fig.subplots()
        ys = list(range(len(counts)))[::-1]
        left = [0] * len(counts)
        for mode in counts.columns:
            values = [int(v) for v in counts[mode]]
            _bars(ax, ys, values, 0.7, lefts=left, facecolors=MODE_COLOURS[mode])
            left = [a + b for a, b in zip(left, values)]
        for y, total in zip(ys, left):
            ax.text(total + 0.1, y, str(total), va="center", fontsize=8)
        ax.set_yticks(ys, [label(s) for s in counts.index])
        _rows(ax, len(counts))
        ax.set_xlim(0, max(left) * 1.15 + 1)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_xlabel("statements")
        ax.set_title(title)
        ax.legend(handles=[Patch(color=MODE_COLOURS[m], label=m) for m in counts.columns], title="mode",
                  loc="lower right", frameon=False)
        _fit(fig, ax)
        return fig


def timeline(tables: Tables) -> Figure:
    """Dated rows of the four tables on one time axis: one line per row, coloured by its table."""
    title = "Timeline of dated rows"
    undated = undated_count(tables)
    with _style():
        rows = dated_rows(tables)
        if rows.empty:
            return _empty(_figure(2.0), title, f"No row has a resolved date ({undated} undated rows).")
        rows = rows.iloc[:MAX_TIMELINE_ROWS]
        fig = _figure(1.3 + 0.27 * len(rows))
        ax = fig.subplots()
        ys = list(range(len(rows)))[::-1]
        for table in TABLES:
            mine = [(y, day) for y, day, t in zip(ys, rows["date"], rows["table"]) if t == table]
            if mine:
                ax.scatter([d for _, d in mine], [y for y, _ in mine], s=55, color=TABLE_COLOURS[table],
                           edgecolor=TABLE_EDGES[table], zorder=3, label=TABLE_TITLES[table])
        ax.hlines(ys, rows["date"].min(), rows["date"], color="#e6e6e6", linewidth=0.8, zorder=1)
        ax.set_yticks(ys, [label(text) for text in rows["label"]])
        for tick, table in zip(ax.get_yticklabels(), rows["table"]):
            tick.set_color(TABLE_EDGES[table])
        lo, hi = rows["date"].min(), rows["date"].max()
        pad = max(pd.Timedelta(days=1), (hi - lo) * 0.06)
        ax.set_xlim(lo - pad, hi + pad)
        ax.xaxis.set_major_locator(AutoDateLocator(minticks=3, maxticks=6))
        ax.xaxis.set_major_formatter(DateFormatter("%d %b %Y"))
        ax.grid(axis="x", color="#eeeeee")
        ax.set_xlabel(f"date the thing happened or was said ({undated} undated rows not shown)")
        ax.set_title(title)
        legend = fig.legend(loc="lower center", ncols=4, frameon=False, fontsize=8,
                            bbox_to_anchor=(0.5, EDGE / fig.get_figheight()))
        top = legend.get_window_extent(fig.canvas.get_renderer()).y1  # the legend's top, in pixels
        _fit(fig, ax, below=top - EDGE * fig.dpi, right=0.45)
        return fig


def _region_labels(casualties: pd.DataFrame, points: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """The regions of incidents placed by town or city, at their seat (a region-level point is labelled already)."""
    out: dict[str, tuple[float, float]] = {}
    named = set(points["label"])
    for region, located in zip(casualties["region"], points["located"]):
        if isinstance(region, str) and located == "place" and region not in out and region not in named:
            found = lookup(region)
            if found is not None and found.lat is not None and found.lon is not None:
                out[region] = (found.lon, found.lat)
    return out


def map_extent(located: pd.DataFrame) -> tuple[float, float, float, float]:
    """The map's lon0, lon1, lat0, lat1: Ukraine with Crimea at least, widened to a degree beyond every point."""
    lon0, lon1, lat0, lat1 = MAP_MIN_EXTENT
    if not located.empty:
        lon0, lon1 = min(lon0, float(located["lon"].min()) - 1), max(lon1, float(located["lon"].max()) + 1)
        lat0, lat1 = min(lat0, float(located["lat"].min()) - 1), max(lat1, float(located["lat"].max()) + 1)
    return lon0, lon1, lat0, lat1


def _map_frame(ax, extent: tuple[float, float, float, float]) -> None:
    """A map's limits, aspect, axis labels and title."""
    lon0, lon1, lat0, lat1 = extent
    ax.set_xlim(lon0, lon1)
    ax.set_ylim(lat0, lat1)
    ax.set_aspect(1 / math.cos(math.radians((lat0 + lat1) / 2)))
    ax.set_xlabel("longitude (°E); dot size: people killed or injured; Crimea counted in Ukraine")
    ax.set_ylabel("latitude (°N)")
    ax.set_title("Incidents on the map (gazetteer coordinates, Natural Earth borders)")


def _map_axes(fig: Figure, extent: tuple[float, float, float, float], margins: tuple | None = None):
    """The map's axes with what every map of this extent shares: sea, outlines, names, ticks, labels, title;
    placed by `margins` (left, right, bottom, top) where given, else fitted to its measured labels."""
    ax = fig.subplots()
    basemap.draw(ax, extent)
    _map_frame(ax, extent)
    if margins is None:
        _fit(fig, ax)
    else:
        left, right, bottom, top = margins
        fig.subplots_adjust(left=left, right=right, bottom=bottom, top=top)
    return ax


@functools.lru_cache(maxsize=8)
def _map_layer(extent: tuple[float, float, float, float]):
    """The shared part of every map of an extent, drawn once per process: (an Agg buffer region, the
    margins its labels were fitted to, which every map of the extent takes)."""
    with _style():
        fig = _figure(MAP_HEIGHT)
        _map_axes(fig, extent)
        fig.canvas.draw()
        params = fig.subplotpars
        return fig.canvas.copy_from_bbox(fig.bbox), (params.left, params.right, params.bottom, params.top)


def incident_map(casualties: pd.DataFrame) -> Figure:
    """Incidents on the packaged gazetteer's coordinates over Natural Earth country outlines (no tiles),
    sized by people killed and injured, with the names of their regions."""
    with _style():
        points = incident_points(casualties)
        located = points.dropna(subset=["lat", "lon"])
        fig = _figure(MAP_HEIGHT)
        extent = map_extent(located)
        ax = _map_axes(fig, extent, margins=_map_layer(extent)[1])
        shared = set(ax.get_children())
        for region, (lon, lat) in _region_labels(casualties, points).items():
            ax.annotate(label(region, 30), (lon, lat), xytext=(0, -11), textcoords="offset points", ha="center",
                        fontsize=6.5, style="italic", color="#555555", zorder=4)
        for (lat, lon), group in located.groupby(["lat", "lon"], sort=True):
            people = sum(_int(k) + _int(i) for k, i in zip(group["killed"], group["injured"]))
            ax.scatter([lon], [lat], s=40 + 25 * math.sqrt(people), color=TABLE_COLOURS["casualties"],
                       edgecolor=TABLE_EDGES["casualties"], linewidth=1.2, zorder=3, alpha=0.9)
            ids = ", ".join(str(i) for i in group["incident_id"])
            names = " / ".join(dict.fromkeys(str(n) for n in group["label"]))
            ax.annotate(f"{label(ids, 20)} {label(names, 30)}\n{people:,} killed or injured", (lon, lat),
                        xytext=(7, 5), textcoords="offset points", fontsize=7, zorder=5)
        missing = points[points["lat"].isna()]
        if not missing.empty:
            ax.text(0.01, 0.01, label("not on the map: " + ", ".join(str(i) for i in missing["incident_id"]), 80),
                    transform=ax.transAxes, fontsize=7, color="#555555", zorder=5)
        setattr(fig, _LAYER, (extent, [a for a in ax.get_children() if a not in shared]))
        return fig


# A map whose shared part is `_map_layer(extent)` carries (extent, the artists drawn over it) under this
# attribute: on the figure itself, so that it goes with the figure (a weak-keyed table would keep every
# map alive, its artists pointing back to their figure).
_LAYER = "_analysis_map_layer"


def _over_layer(fig: Figure) -> bytes:
    """A map's PNG: its extent's shared layer with the map's own artists drawn over it, in the order a
    whole draw would draw them (all lie above the layer)."""
    extent, own = getattr(fig, _LAYER)
    renderer = fig.canvas.get_renderer()
    renderer.restore_region(_map_layer(extent)[0])
    ax = fig.axes[0]
    ax.apply_aspect()
    for artist in sorted(own, key=lambda a: a.get_zorder()):
        artist.draw(renderer)
    buffer = io.BytesIO()
    imsave(buffer, renderer.buffer_rgba(), format="png", origin="upper", dpi=DPI, metadata={"Software": None},
           pil_kwargs=dict(PNG_OPTIONS))
    return buffer.getvalue()


def png_bytes(fig: Figure, whole: bool = False) -> bytes:
    """The figure as PNG at a fixed dpi with no timestamp or software tag: same input, same bytes (a map
    over its shared layer, a nothing-to-plot figure as drawn before with the same words, unless `whole`,
    which draws every artist)."""
    key = None if whole else _still_key(fig)
    if key is not None and key in _STILL_PNGS:
        return _STILL_PNGS[key]
    with _style():
        if hasattr(fig, _LAYER) and not whole:
            return _over_layer(fig)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None}, facecolor="white",
                    pil_kwargs=dict(PNG_OPTIONS))
    if key is not None:
        if len(_STILL_PNGS) >= MAX_STILL_PNGS:
            _STILL_PNGS.clear()
        _STILL_PNGS[key] = buffer.getvalue()
    return buffer.getvalue()


def image(fig: Figure, alt: str | None = None):
    """The figure as an IPython PNG image for a notebook output (alt text: the figure's title)."""
    from IPython.display import Image

    title = alt or (fig.axes[0].get_title() if fig.axes else "plot")
    return Image(data=png_bytes(fig), format="png", metadata={"alt": title})
