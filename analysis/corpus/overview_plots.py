"""The corpus overview's plots (Agg figures, no pyplot state); every label from an article goes through
`plots.label`, which escapes `$` for mathtext."""
from __future__ import annotations

import matplotlib
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from analysis.report.palette import INJURED_COLOUR, KILLED_COLOUR, TABLE_EDGES
from analysis.report.plots import RC, WIDTH, label

MAX_REGIONS = 8  # regions drawn in the daily series; the rest are in the table
MAX_SOURCES = 8
SERIES_COLOURS = ("#1b6ca8", "#b2372b", "#2f7d32", "#a67c00", "#6a3d9a", "#e08e0b", "#17becf", "#7f7f7f")
WEAPON_CLASS_COLOURS = {"drone": TABLE_EDGES["drone_counts"], "missile": KILLED_COLOUR}


def _figure(height: float) -> Figure:
    """A new Agg figure of the report's width."""
    fig = Figure(figsize=(WIDTH, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _empty(title: str, message: str) -> Figure:
    """A figure that says there is nothing to plot."""
    with matplotlib.rc_context(RC):
        fig = _figure(1.6)
        ax = fig.subplots()
        ax.set_axis_off()
        ax.set_title(title)
        ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="#555555")
    return fig


def _days(values: pd.Series) -> pd.Series:
    """ISO day strings as timestamps."""
    return pd.to_datetime(values, errors="coerce")


def _date_axis(ax) -> None:
    """Concise date ticks on the x axis."""
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    locator = AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))


def daily_casualties(daily: pd.DataFrame) -> Figure:
    """Killed and injured per day for the regions with most casualties; a band where sources differ."""
    title = "Casualties per day by region (band: range where sources differ)"
    if daily.empty:
        return _empty(title, "No dated casualty figures in this corpus.")
    frame = daily.assign(day=_days(daily["day"]))
    totals = frame.groupby("region")[["killed_high", "injured_high"]].sum().sum(axis=1).sort_values(ascending=False)
    regions = list(totals.index[:MAX_REGIONS])
    with matplotlib.rc_context(RC):
        fig = _figure(5.2)
        killed_ax, injured_ax = fig.subplots(2, 1, sharex=True)
        for ax, kind, colour in ((killed_ax, "killed", KILLED_COLOUR), (injured_ax, "injured", INJURED_COLOUR)):
            for n, region in enumerate(regions):
                part = frame[frame["region"] == region].sort_values("day")
                low = part[f"{kind}_low"].astype("Float64").fillna(0).to_numpy(dtype=float)
                high = part[f"{kind}_high"].astype("Float64").fillna(0).to_numpy(dtype=float)
                shade = SERIES_COLOURS[n % len(SERIES_COLOURS)]
                ax.plot(part["day"], high, marker="o", ms=3, lw=1.2, color=shade, label=label(region))
                ax.fill_between(part["day"], low, high, color=shade, alpha=0.2, lw=0)
            ax.set_ylabel(f"{kind} per day")
            ax.set_ylim(bottom=0)
            ax.spines["left"].set_color(colour)
        killed_ax.set_title(title)
        killed_ax.legend(fontsize=7, frameon=False, ncols=2)
        _date_axis(injured_ax)
    return fig


def air_defence(daily: pd.DataFrame) -> Figure:
    """Drones and missiles launched against destroyed per day, with the interception share."""
    title = "Launched and destroyed per day, with the share intercepted"
    if daily.empty:
        return _empty(title, "No dated launch or interception counts in this corpus.")
    frame = daily.assign(day=_days(daily["day"]))
    classes = [c for c in ("drone", "missile") if c in set(frame["weapon_class"])] or list(frame["weapon_class"].unique())
    with matplotlib.rc_context(RC):
        fig = _figure(2.4 + 2.0 * len(classes))
        axes = fig.subplots(len(classes), 1, sharex=True, squeeze=False)[:, 0]
        for ax, weapon_class in zip(axes, classes):
            part = frame[frame["weapon_class"] == weapon_class].sort_values("day")
            colour = WEAPON_CLASS_COLOURS.get(weapon_class, "#555555")
            launched = part["launched_high"].astype("Float64").fillna(0).to_numpy(dtype=float)
            destroyed = part["destroyed_high"].astype("Float64").fillna(0).to_numpy(dtype=float)
            ax.bar(part["day"], launched, width=0.8, color=colour, alpha=0.35, label="launched")
            ax.bar(part["day"], destroyed, width=0.5, color=colour, label="destroyed")
            ax.set_ylabel(f"{label(weapon_class)}s")
            share = ax.twinx()
            low = part["interception_share_low"].astype("Float64").to_numpy(dtype=float, na_value=float("nan"))
            high = part["interception_share_high"].astype("Float64").to_numpy(dtype=float, na_value=float("nan"))
            share.plot(part["day"], high * 100, "k.-", lw=0.8, ms=4, label="share intercepted")
            share.fill_between(part["day"], low * 100, high * 100, color="black", alpha=0.1, lw=0)
            share.set_ylim(0, 105)
            share.set_ylabel("% intercepted")
            share.spines["right"].set_visible(True)
            ax.legend(loc="upper left", fontsize=7, frameon=False)
        axes[0].set_title(title)
        _date_axis(axes[-1])
    return fig


def top_speakers(speakers: pd.DataFrame) -> Figure:
    """Statements per speaker, most frequent first."""
    title = "Most frequent speakers"
    if speakers.empty:
        return _empty(title, "No statements in this corpus.")
    with matplotlib.rc_context(RC):
        fig = _figure(1.0 + 0.3 * len(speakers))
        ax = fig.subplots()
        ys = list(range(len(speakers)))[::-1]
        ax.barh(ys, speakers["statements"].astype(int), color=TABLE_EDGES["statements"])
        ax.set_yticks(ys, [f"{label(s)} ({a} art.)" for s, a in zip(speakers["speaker"], speakers["articles"])])
        ax.set_xlabel("statements")
        ax.set_title(title)
    return fig


def force_sizes(sizes: pd.DataFrame) -> Figure:
    """Reported force sizes over time, one colour per source."""
    title = "Force sizes reported, by source"
    frame = sizes.dropna(subset=["day", "count"]) if not sizes.empty else sizes
    if frame.empty:
        return _empty(title, "No dated force sizes in this corpus.")
    frame = frame.assign(day=_days(frame["day"]), count=frame["count"].astype(float))
    sources = list(frame["source"].value_counts().index[:MAX_SOURCES])
    with matplotlib.rc_context(RC):
        fig = _figure(3.6)
        ax = fig.subplots()
        for n, source in enumerate(sources):
            part = frame[frame["source"] == source].sort_values("day")
            ax.plot(part["day"], part["count"], "o-", ms=5, lw=1, color=SERIES_COLOURS[n % len(SERIES_COLOURS)],
                    label=label(source))
            for _, row in part.iterrows():
                ax.annotate(label(row["force"], 28), (row["day"], row["count"]), fontsize=6,
                            xytext=(3, 3), textcoords="offset points")
        ax.set_ylabel("reported size")
        ax.set_ylim(bottom=0)
        ax.set_title(title)
        ax.legend(fontsize=7, frameon=False)
        _date_axis(ax)
    return fig
