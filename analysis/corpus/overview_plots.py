"""The corpus overview's plots (Agg figures, no pyplot state); every label from an article goes through
`plots.label`, which escapes `$` for mathtext.

The statistical views are seaborn's: casualties per day and region with the range band where sources
differ (`lineplot`, the band spanning each day's lowest to highest sum), a region-by-week heat map
(`heatmap`) and the interception share by reporter (`barplot` of the median with the range, every report
a dot from `stripplot`). seaborn draws into the figure's axes; no global theme is set.
"""
from __future__ import annotations

import matplotlib
import pandas as pd
import seaborn as sns
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from analysis.report.palette import INJURED_COLOUR, KILLED_COLOUR, TABLE_EDGES
from analysis.report.plots import RC, WIDTH, label

MAX_REGIONS = 8  # regions drawn in the daily series; the rest are in the table
MAX_HEAT_REGIONS = 14  # rows of the heat map
MAX_REPORTERS = 12
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


def _series_wide(frame: pd.DataFrame, kind: str, regions: list[str]) -> pd.DataFrame:
    """One kind's daily low and high sums per region, every day of the corpus's span present (0 on a day
    with no report there, so no line bridges a gap): columns day, region, low, high."""
    days = pd.date_range(frame["day"].min(), frame["day"].max(), freq="D")
    grid = pd.MultiIndex.from_product([days, regions], names=["day", "region"])
    sums = frame.groupby(["day", "region"])[[f"{kind}_low", f"{kind}_high"]].sum(min_count=1)
    out = sums.astype("Float64").reindex(grid).fillna(0).astype(float).reset_index()
    return out.rename(columns={f"{kind}_low": "low", f"{kind}_high": "high"})


def daily_casualties(daily: pd.DataFrame) -> Figure:
    """Killed and injured per day for the regions with most casualties (seaborn lines of the highest
    figures), with a band down to the lowest where sources differ. The band is drawn from the day's low
    and high sums directly: seaborn's own interval would aggregate every day of every region again."""
    title = "Casualties per day by region (band: range where sources differ)"
    if daily.empty:
        return _empty(title, "No dated casualty figures in this corpus.")
    frame = daily.assign(day=_days(daily["day"]), region=daily["region"].map(label))
    totals = frame.groupby("region")[["killed_high", "injured_high"]].sum().sum(axis=1).sort_values(ascending=False)
    regions = list(totals.index[:MAX_REGIONS])
    frame = frame[frame["region"].isin(regions)]
    palette = dict(zip(regions, SERIES_COLOURS))
    with matplotlib.rc_context(RC):
        fig = _figure(5.2)
        killed_ax, injured_ax = fig.subplots(2, 1, sharex=True)
        for ax, kind, colour in ((killed_ax, "killed", KILLED_COLOUR), (injured_ax, "injured", INJURED_COLOUR)):
            series = _series_wide(frame, kind, regions)
            sns.lineplot(data=series, x="day", y="high", hue="region", hue_order=regions, palette=palette,
                         estimator=None, linewidth=1.2, ax=ax, legend=ax is killed_ax)
            for region in regions:
                part = series[series["region"] == region]
                ax.fill_between(part["day"], part["low"], part["high"], color=palette[region], alpha=0.2, linewidth=0)
            ax.set_ylabel(f"{kind} per day")
            ax.set_xlabel("")
            ax.set_ylim(bottom=0)
            ax.yaxis.get_major_locator().set_params(integer=True)
            ax.spines["left"].set_color(colour)
        killed_ax.set_title(title)
        killed_ax.legend(fontsize=7, frameon=False, ncols=2, title=None)
        _date_axis(injured_ax)
    return fig


def weekly_heatmap(weekly: pd.DataFrame) -> Figure:
    """People killed or injured per region and week (highest figures), as a seaborn heat map with the
    numbers written in."""
    title = "Killed and injured by region and week (highest figures)"
    if weekly.empty:
        return _empty(title, "No dated casualty figures in this corpus.")
    frame = weekly.assign(region=weekly["region"].map(label), people=weekly["people"].astype(int))
    order = frame.groupby("region")["people"].sum().sort_values(ascending=False, kind="stable").index
    grid = frame.pivot_table(index="region", columns="week", values="people", aggfunc="sum", fill_value=0)
    grid = grid.loc[list(order[:MAX_HEAT_REGIONS])]
    grid.columns = [f"week of {w}" for w in grid.columns]
    with matplotlib.rc_context(RC):
        fig = _figure(1.4 + 0.32 * len(grid))
        ax = fig.subplots()
        sns.heatmap(grid, annot=True, fmt="d", cmap="Reds", linewidths=0.5, linecolor="white", ax=ax,
                    cbar_kws={"label": "people killed or injured"}, annot_kws={"fontsize": 7})
        ax.set_xlabel("")
        ax.set_ylabel("")
        ax.tick_params(axis="x", labelrotation=30, labelsize=7)
        ax.tick_params(axis="y", labelsize=7)
        ax.set_title(title)
    return fig


def interception_by_reporter(shares: pd.DataFrame) -> Figure:
    """Share of launched weapons destroyed, per reporter and weapon class: the median as a bar, the range
    as its line, every report a dot."""
    title = "Share intercepted, by reporter"
    if shares.empty:
        return _empty(title, "No report in this corpus gives both launched and destroyed counts.")
    frame = shares.assign(reporter=shares["reporter"].map(lambda r: label(r, 36)),
                          percent=shares["share"].astype(float) * 100)
    reporters = list(frame["reporter"].value_counts().index[:MAX_REPORTERS])
    frame = frame[frame["reporter"].isin(reporters)]
    classes = [c for c in ("drone", "missile") if c in set(frame["weapon_class"])]
    palette = {c: WEAPON_CLASS_COLOURS.get(c, "#555555") for c in classes}
    with matplotlib.rc_context(RC):
        fig = _figure(1.4 + 0.45 * len(reporters))
        ax = fig.subplots()
        sns.barplot(data=frame, x="percent", y="reporter", hue="weapon_class", order=reporters, hue_order=classes,
                    palette=palette, estimator="median", errorbar=("pi", 100), alpha=0.45, ax=ax,
                    err_kws={"linewidth": 1.2})
        sns.stripplot(data=frame, x="percent", y="reporter", hue="weapon_class", order=reporters,
                      hue_order=classes, palette=palette, dodge=True, jitter=False, size=4, ax=ax, legend=False)
        ax.set_xlim(0, 105)
        ax.set_xlabel("% of launched drones or missiles destroyed (bar: median, line: range, dot: one report)")
        ax.set_ylabel("")
        sns.move_legend(ax, "upper left", bbox_to_anchor=(1.0, 1.0), title="weapon class", fontsize=7, frameon=False)
        ax.set_title(title)
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
