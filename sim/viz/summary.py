"""The one-page summary figure of a run (`summary.png`).

Panels a regeneration strategist reads first: employment rate in the deprived
neighbourhoods against the rest, district jobs by sector with the business count,
crime, and well-being; and, when a programme runs (money is spent), its spending by
lever group and the re-engagement of the cohort. The title names the regime; the x axis
is in years since the programme started (burn-in negative), and "programme" is shaded
only when a programme runs. Drawn with the Agg canvas directly, so no display and no
global backend switch is needed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter, StrMethodFormatter

from sim.analysis.run_summary import programme_start
from sim.analysis.value_for_money import BUSINESS, PEOPLE, PLACE, money_group

DEPRIVED = "#c0392b"
REST = "#2c7fb8"
DPI = 150
GROUP_COLORS = {PEOPLE: "#1b9e77", PLACE: "#7570b3", BUSINESS: "#d95f02"}


def regime_title(regime: str | None) -> str:
    """"LSP", "Growth coalition" or "No programme": the regime as a title names it."""
    if regime is None:
        return ""
    from sim.policy import regimes

    return {"lsp": "LSP", "none": "No programme"}.get(
        regime, regimes.lookup(regime).description.split(":")[0].capitalize())


def programme_runs(monthly: pd.DataFrame) -> bool:
    """Whether a programme runs: a programme phase in which public money is spent."""
    if programme_start(monthly) is None:
        return False
    spend = [c for c in ("spend_regeneration", "spend_mainstream_aligned",
                         "one_stop_shop_spend") if c in monthly]
    return bool(spend) and float(monthly[spend].to_numpy(float).sum()) > 0


def plot_summary(monthly: pd.DataFrame, path: str | Path, title: str = "",
                 regime: str | None = None) -> Path:
    """Draw the summary of a run's monthly table and save it as a PNG: 2x2 panels, 3x2 with
    spending and re-engagement when a programme runs.

    Args:
        monthly: the monthly table (one row per month, `LocalEconomy` column names).
        path: where to write the PNG.
        title: figure title, e.g. the scenario name, preset and seed.
        regime: the scenario's regime (sim.policy.regimes), named first in the title.

    Returns:
        The path written.
    """
    summary_figure(monthly, title, regime).savefig(path, dpi=DPI)
    return Path(path)


def summary_figure(monthly: pd.DataFrame, title: str = "", regime: str | None = None
                   ) -> Figure:
    """The summary figure itself (see `plot_summary`)."""
    runs = programme_runs(monthly)
    fig = Figure(figsize=(11, 10.5 if runs else 7.5), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(3 if runs else 2, 2, sharex=True)
    start = programme_start(monthly)
    x = _years(monthly, start)
    _employment(axes[0, 0], monthly, x)
    _jobs(axes[0, 1], monthly, x)
    _pair(axes[1, 0], monthly, x, "crime", "Recorded crime", "crimes per 1,000 residents a year")
    _pair(axes[1, 1], monthly, x, "wellbeing", "Well-being", "mean life satisfaction (0-10)")
    if runs:
        _spending(axes[2, 0], monthly, x)
        _reengagement(axes[2, 1], monthly, x)
    for ax in axes.flat:
        _mark_programme(ax, x, start is not None, runs)
    for ax in axes[-1]:
        ax.set_xlabel("years since the programme started" if start is not None
                      else "years of simulation")
    name = regime_title(regime)
    heading = f"{name} \u2014 {title}" if name and title else (name or title)
    fig.suptitle(heading or "Run summary", fontsize=13, fontweight="bold")
    return fig


def _years(monthly: pd.DataFrame, start: int | None) -> np.ndarray:
    """Month ends as years since the programme started (or since the run started)."""
    return (monthly["month"].to_numpy(float) - (start or 0)) / 12.0


def _spending(ax: Axes, monthly: pd.DataFrame, x: np.ndarray) -> None:
    """Public money spent a month by lever group (regeneration and aligned money)."""
    groups = dict.fromkeys((PEOPLE, PLACE, BUSINESS), 0.0)
    for column in monthly.columns:
        lever = column.removeprefix("spend_")
        if column.startswith("spend_") and lever not in ("regeneration", "mainstream_aligned"):
            groups[money_group(lever)] = groups[money_group(lever)] + monthly[column]
    groups[BUSINESS] = groups[BUSINESS] + monthly.get("one_stop_shop_spend", 0.0)
    stacked = [np.broadcast_to(np.asarray(v, float), x.shape) / 1e3 for v in groups.values()]
    ax.stackplot(x, *stacked, labels=[f"{g} levers" for g in groups],
                 colors=[GROUP_COLORS[g] for g in groups], alpha=0.8)
    ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    ax.set_title("Public money spent (regeneration and aligned)")
    ax.set_ylabel("GBP thousand a month")
    ax.legend(loc="lower right", fontsize=8)


def _reengagement(ax: Axes, monthly: pd.DataFrame, x: np.ndarray) -> None:
    """The cohort (out of work in deprived areas at the start) re-engaged for 6 months."""
    ax.plot(x, monthly["reengaged_6m_share"], color=DEPRIVED, label="6 months in work")
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=None))
    ax.set_title("Re-engagement of the cohort out of work at the start")
    ax.set_ylabel("% of the cohort")
    ax.legend(loc="lower right", fontsize=8)


def _employment(ax: Axes, monthly: pd.DataFrame, x: np.ndarray) -> None:
    """Employment rate (% of working-age residents), deprived vs rest vs district."""
    ax.plot(x, monthly["employment_rate_deprived"], color=DEPRIVED,
            label="deprived neighbourhoods")
    ax.plot(x, monthly["employment_rate_rest"], color=REST,
            label="other neighbourhoods")
    if "employment_rate_district" in monthly:
        ax.plot(x, monthly["employment_rate_district"], color="0.4",
                linestyle=":", label="district")
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=None))
    ax.set_title("Employment rate (working-age residents in work)")
    ax.set_ylabel("% of working-age residents")
    ax.legend(loc="best", fontsize=8)


def _jobs(ax: Axes, monthly: pd.DataFrame, x: np.ndarray) -> None:
    """Jobs located in the district by sector; live businesses on a twin axis."""
    ax.plot(x, monthly["jobs_total"], color="black", label="all jobs")
    ax.plot(x, monthly["jobs_tradable"], color="#1b9e77", label="tradable")
    ax.plot(x, monthly["jobs_nontradable"], color="#d95f02",
            label="non-tradable (local services)")
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    ax.set_title("Jobs in the district and businesses")
    ax.set_ylabel("jobs")
    twin = ax.twinx()
    twin.plot(x, monthly["businesses"], color="#7570b3", linestyle="--",
              label="businesses (right axis)")
    twin.set_ylim(bottom=0)
    twin.set_ylabel("live businesses", color="#7570b3")
    twin.tick_params(axis="y", colors="#7570b3")
    lines = ax.get_lines() + twin.get_lines()
    ax.legend(lines, [line.get_label() for line in lines], loc="lower center", ncol=2,
              fontsize=8)
    _headroom(twin)


def _pair(ax: Axes, monthly: pd.DataFrame, x: np.ndarray, stem: str, title: str,
          unit: str) -> None:
    """`<stem>_deprived` against `<stem>_rest`."""
    ax.plot(x, monthly[f"{stem}_deprived"], color=DEPRIVED,
            label="deprived neighbourhoods")
    ax.plot(x, monthly[f"{stem}_rest"], color=REST, label="other neighbourhoods")
    ax.set_title(f"{title}, deprived vs other neighbourhoods")
    ax.set_ylabel(unit)
    ax.legend(loc="best", fontsize=8)


def _headroom(ax: Axes, share: float = 0.12) -> None:
    """Raise the top of the y axis so labels along the top edge clear the lines."""
    low, high = ax.get_ylim()
    ax.set_ylim(low, high + share * (high - low))


def _mark_programme(ax: Axes, x: np.ndarray, has_start: bool, runs: bool) -> None:
    """Mark where the burn-in ends; shade and label "programme" only when one runs."""
    ax.grid(alpha=0.3)
    _headroom(ax)
    if not has_start:
        return
    ax.axvline(0, color="0.3", linestyle="--", linewidth=1)
    if runs:
        ax.axvspan(0, x.max(), color="#e8f1f8", zorder=0)
    labels = (("burn-in", -3, "right"), ("programme" if runs else "no programme", 3, "left"))
    for text, dx, align in labels:
        ax.annotate(text, xy=(0, 1), xycoords=("data", "axes fraction"),
                    xytext=(dx, -3), textcoords="offset points", ha=align, va="top",
                    fontsize=8, color="0.3",
                    bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none",
                          "alpha": 0.7})
