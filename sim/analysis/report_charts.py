"""The comparison report's charts, each returned as a base64 PNG so that the page embeds
it and opens offline: trajectories, people- and place-based effects, the additionality
account as a waterfall, and the marginal value of each lever."""

from __future__ import annotations

import base64
import io as _io

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from sim.evaluate import COMPARISON, Result

COLORS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02"]
YEARS = "years since the programme started"


def png(fig: Figure) -> str:
    buf = _io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def years(n_months: int, burn_in: int) -> np.ndarray:
    """Month ends 1..n as years since the programme started (burn-in negative)."""
    return (np.arange(1, n_months + 1) - burn_in) / 12.0


def _band(ax, series: list[np.ndarray], burn_in: int, label: str, color, style="-") -> None:
    """Mean over seeds with a 5-95% band."""
    data = np.vstack(series)
    x = years(data.shape[1], burn_in)
    ax.plot(x, data.mean(axis=0), style, color=color, label=label, lw=1.6)
    low, high = np.percentile(data, [5, 95], axis=0)
    ax.fill_between(x, low, high, color=color, alpha=0.15, lw=0)


def trajectories_chart(comparison) -> str:
    """Employment deprived vs rest (bands over seeds), each scenario and the counterfactual."""
    n = len(comparison.scenarios)
    fig = _figure(5.2 * n, 3.8)
    for ax, s, pairs in zip(np.atleast_1d(fig.subplots(1, n)), comparison.scenarios,
                            comparison.pairs, strict=True):
        burn = s.params.burn_in_months
        for col, color in (("employment_rate_deprived", "#c0392b"),
                           ("employment_rate_rest", "#2c7fb8")):
            where = col.rsplit("_", 1)[-1]
            _band(ax, [p.series(col) for p in pairs], burn, where, color)
            _band(ax, [p.series(col, COMPARISON) for p in pairs], burn,
                  f"{where}, no programme", color, "--")
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_title(f"{s.name} ({s.policy.regime})", fontsize=10)
        ax.set_xlabel(YEARS)
        ax.set_ylabel("employment rate of working-age residents")
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.legend(fontsize=7)
    return png(fig)


def _net_series(pair: Result, column: str) -> np.ndarray:
    return pair.series(column) - pair.series(column, COMPARISON)


def people_place_chart(comparison) -> str:
    """People-based (cohort re-engaged) beside place-based (deprived employment) effects."""
    fig = _figure(10, 3.8)
    people, place = fig.subplots(1, 2)
    for i, (s, pairs) in enumerate(zip(comparison.scenarios, comparison.pairs, strict=True)):
        c, burn = COLORS[i % len(COLORS)], s.params.burn_in_months
        _band(people, [np.nan_to_num(_net_series(p, "reengaged_6m_share")) for p in pairs],
              burn, s.name, c)
        _band(place, [_net_series(p, "employment_rate_deprived") for p in pairs], burn,
              s.name, c)
    people.set_title("People-based: the cohort, wherever they live", fontsize=10)
    people.set_ylabel("net share of the cohort re-engaged\n(percentage points)")
    place.set_title("Place-based: whoever lives in the deprived areas", fontsize=10)
    place.set_ylabel("net employment rate, deprived areas\n(percentage points)")
    for ax in (people, place):
        ax.axhline(0, color="grey", lw=0.8)
        ax.axvline(0, color="grey", lw=0.8, ls=":")
        ax.set_xlabel(YEARS)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, symbol=""))
        ax.legend(fontsize=7)
    return png(fig)


def _waterfall(ax, terms: pd.DataFrame, title: str) -> None:
    """One account as a waterfall: +/- terms float from the running total, "=" lines (sign
    0) stand from zero; error bars are the terms' 95% t intervals."""
    running, labels = 0.0, []
    for x, t in enumerate(terms.itertuples()):
        if t.sign is None or not np.isfinite(t.sign):
            labels.append(f"{t.measure}\n(not measured)")
            continue
        value = float(t.estimate)
        base = 0.0 if t.sign == 0 else (running if t.sign > 0 else running - value)
        end = base if t.sign < 0 else base + value  # where the running total moves to
        color = "#555555" if t.sign == 0 else ("#1b9e77" if t.sign > 0 else "#d95f02")
        err = [[value - t.ci_low], [t.ci_high - value]] if np.isfinite(t.ci_low) else None
        ax.bar(x, value, bottom=base, color=color, width=0.7)
        if err is not None:
            ax.errorbar(x, end, yerr=np.abs(err), color="black", capsize=3, lw=0.8)
        running = value if t.sign == 0 else running + t.sign * value
        labels.append(("= " if t.sign == 0 else ("+ " if t.sign > 0 else "\u2212 "))
                      + t.measure.replace("_", " "))
    ax.set_xticks(range(len(labels)), labels, rotation=35, ha="right", fontsize=7)
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_title(title, fontsize=10)
    ax.set_ylabel("jobs or residents in work, last month")


def waterfall_chart(extra: pd.DataFrame) -> str:
    """The jobs and people accounts of every scenario as waterfalls (green adds, orange
    takes away, grey: the total the lines before it add up to)."""
    accounts = [t for t in extra["table"].unique() if t.endswith("account")]
    scenarios = list(extra["scenario"].unique())
    fig = _figure(5.2 * len(accounts), 3.9 * len(scenarios))
    axes = np.atleast_2d(fig.subplots(len(scenarios), len(accounts), squeeze=False))
    for row, scenario in zip(axes, scenarios, strict=True):
        for ax, name in zip(row, accounts, strict=True):
            terms = extra[(extra["scenario"] == scenario) & (extra["table"] == name)]
            _waterfall(ax, terms, f"{scenario}: {name}")
    return png(fig)


def marginal_chart(marginal: dict[str, pd.DataFrame]) -> str:
    """Net resident employment-years per extra GBP 1m on each lever, sorted, with 95% t
    intervals; "grow" or "cut" only where the interval excludes zero."""
    fig = _figure(5.4 * len(marginal), 0.45 * max(len(m) // 2 for m in marginal.values())
                  + 1.6)
    for ax, (name, table) in zip(np.atleast_1d(fig.subplots(1, len(marginal))),
                                 marginal.items(), strict=True):
        head = table[table["outcome"] == "net_employment_years"].iloc[::-1]
        y = np.arange(len(head))
        est = head["estimate"].to_numpy(float)
        err = np.abs(np.vstack([est - head["ci_low"], head["ci_high"] - est]))
        colors = ["#1b9e77" if v == "grow" else "#d95f02" if v == "cut" else "#999999"
                  for v in head["verdict"]]
        ax.barh(y, est, xerr=np.nan_to_num(err), color=colors, capsize=3)
        ax.set_yticks(y, [f"{lab}  {v}".strip() for lab, v in zip(head["label"],
                                                                  head["verdict"], strict=True)],
                      fontsize=8)
        ax.axvline(0, color="black", lw=0.8)
        ax.set_xlabel("net resident employment-years per extra GBP 1m")
        ax.set_title(name, fontsize=10)
    return png(fig)
