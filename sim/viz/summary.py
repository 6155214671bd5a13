"""The one-page summary figure of a run (`summary.png`).

Four panels a regeneration strategist reads first: employment rate in the
deprived neighbourhoods against the rest, district jobs by sector with the
business count, crime, and well-being; each with the burn-in shaded and the
programme start marked. Drawn with the Agg canvas directly, so no display and
no global backend switch is needed.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter, StrMethodFormatter

from sim.analysis.run_summary import programme_start

DEPRIVED = "#c0392b"
REST = "#2c7fb8"
DPI = 150


def plot_summary(monthly: pd.DataFrame, path: str | Path, title: str = "") -> Path:
    """Draw the 2x2 summary of a run's monthly table and save it as a PNG.

    Args:
        monthly: the monthly table (one row per month, `LocalEconomy` column names).
        path: where to write the PNG.
        title: figure title, e.g. the scenario name, preset and seed.

    Returns:
        The path written.
    """
    fig = Figure(figsize=(11, 7.5), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(2, 2, sharex=True)
    start = programme_start(monthly)
    _employment(axes[0, 0], monthly)
    _jobs(axes[0, 1], monthly)
    _pair(axes[1, 0], monthly, "crime", "Recorded crime", "crimes per 1,000 residents a year")
    _pair(axes[1, 1], monthly, "wellbeing", "Well-being", "mean life satisfaction (0-10)")
    for ax in axes.flat:
        _mark_programme(ax, monthly, start)
    for ax in axes[1]:
        ax.set_xlabel("month of simulation")
    fig.suptitle(title or "Run summary", fontsize=13, fontweight="bold")
    fig.savefig(path, dpi=DPI)
    return Path(path)


def _employment(ax: Axes, monthly: pd.DataFrame) -> None:
    """Employment rate (% of working-age residents), deprived vs rest vs district."""
    ax.plot(monthly["month"], monthly["employment_rate_deprived"], color=DEPRIVED,
            label="deprived neighbourhoods")
    ax.plot(monthly["month"], monthly["employment_rate_rest"], color=REST,
            label="other neighbourhoods")
    if "employment_rate_district" in monthly:
        ax.plot(monthly["month"], monthly["employment_rate_district"], color="0.4",
                linestyle=":", label="district")
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=None))
    ax.set_title("Employment rate (working-age residents in work)")
    ax.set_ylabel("% of working-age residents")
    ax.legend(loc="best", fontsize=8)


def _jobs(ax: Axes, monthly: pd.DataFrame) -> None:
    """Jobs located in the district by sector; live businesses on a twin axis."""
    ax.plot(monthly["month"], monthly["jobs_total"], color="black", label="all jobs")
    ax.plot(monthly["month"], monthly["jobs_tradable"], color="#1b9e77", label="tradable")
    ax.plot(monthly["month"], monthly["jobs_nontradable"], color="#d95f02",
            label="non-tradable (local services)")
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    ax.set_title("Jobs in the district and businesses")
    ax.set_ylabel("jobs")
    twin = ax.twinx()
    twin.plot(monthly["month"], monthly["businesses"], color="#7570b3", linestyle="--",
              label="businesses (right axis)")
    twin.set_ylim(bottom=0)
    twin.set_ylabel("live businesses", color="#7570b3")
    twin.tick_params(axis="y", colors="#7570b3")
    lines = ax.get_lines() + twin.get_lines()
    ax.legend(lines, [line.get_label() for line in lines], loc="lower center", ncol=2,
              fontsize=8)
    _headroom(twin)


def _pair(ax: Axes, monthly: pd.DataFrame, stem: str, title: str, unit: str) -> None:
    """`<stem>_deprived` against `<stem>_rest`."""
    ax.plot(monthly["month"], monthly[f"{stem}_deprived"], color=DEPRIVED,
            label="deprived neighbourhoods")
    ax.plot(monthly["month"], monthly[f"{stem}_rest"], color=REST, label="other neighbourhoods")
    ax.set_title(f"{title}, deprived vs other neighbourhoods")
    ax.set_ylabel(unit)
    ax.legend(loc="best", fontsize=8)


def _headroom(ax: Axes, share: float = 0.12) -> None:
    """Raise the top of the y axis so labels along the top edge clear the lines."""
    low, high = ax.get_ylim()
    ax.set_ylim(low, high + share * (high - low))


def _mark_programme(ax: Axes, monthly: pd.DataFrame, start: int | None) -> None:
    """Shade the burn-in and draw a line, labelled either side, where the programme starts."""
    ax.grid(alpha=0.3)
    _headroom(ax)
    if start is None:
        return
    ax.axvspan(monthly["month"].min() - 1, start, color="0.92", zorder=0)
    ax.axvline(start, color="0.3", linestyle="--", linewidth=1)
    for text, dx, align in (("burn-in", -3, "right"), ("programme", 3, "left")):
        ax.annotate(text, xy=(start, 1), xycoords=("data", "axes fraction"),
                    xytext=(dx, -3), textcoords="offset points", ha=align, va="top",
                    fontsize=8, color="0.3",
                    bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none",
                          "alpha": 0.7})
