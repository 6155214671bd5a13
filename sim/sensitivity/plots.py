"""Figures of a sensitivity analysis, drawn on the Agg canvas (no global backend switch).

* `<method>_<outcome>.png`: Sobol'/eFAST S1 and ST per factor with their
  intervals as error bars, largest ST at the top;
* `morris_<outcome>.png`: mu* against sigma with factor labels and the mu*
  interval; the lines sigma/mu* = 0.1, 0.5 and 1 separate near-linear,
  monotonic and non-linear or interacting effects (Garcia Sanchez et al. 2014);
* `convergence_<outcome>.png`: each factor's S1 and ST (Morris: mu*) against the
  size of the leading part of the sample used (log scale), and below them the
  intervals' half-widths with the convergence threshold drawn (WIDE_CI);
* `effects_<outcome>.png`: range of the outcome's mean over each factor's
  levels or bins (grid and LHS).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from sim.sensitivity.convergence import WIDE_CI
from sim.sensitivity.report import factor_label
from sim.sensitivity.study import safe_name

DPI = 150
S1_COLOUR, ST_COLOUR = "#2c7fb8", "#c0392b"
RATIOS = (0.1, 0.5, 1.0)
LABEL_CHARS = 45


def label(factor: str) -> str:
    """A factor's registry label, shortened for an axis, with its name."""
    text = factor_label(factor)
    text = text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "\u2026"
    return text if text == factor else f"{text} ({factor})"


def _figure(rows: int, width: float = 7.0) -> Figure:
    """A figure sized for `rows` horizontal bars, attached to an Agg canvas."""
    fig = Figure(figsize=(width, 1.2 + 0.4 * max(rows, 3)), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def plot_outcome(folder: Path, method: str, result) -> list[Path]:
    """Draw the figures of one outcome's analysis into `folder`; returns the paths."""
    if result.main is None:
        return []
    stem = safe_name(result.outcome)
    paths = []
    if method in ("sobol", "fast"):
        paths.append(plot_indices(result.main, folder / f"{method}_{stem}.png", result.outcome))
    elif method == "morris":
        paths.append(plot_morris(result.main, folder / f"morris_{stem}.png", result.outcome))
    else:
        paths.append(plot_effects(result.main, folder / f"effects_{stem}.png", result.outcome))
    if result.convergence is not None and not result.convergence.empty:
        paths.append(plot_convergence(result.convergence, folder / f"convergence_{stem}.png",
                                      result.outcome))
    return paths


def plot_indices(table: pd.DataFrame, path: Path, title: str) -> Path:
    """S1 and ST per factor as horizontal bars with interval error bars."""
    fig = _figure(len(table))
    ax = fig.subplots()
    pos = np.arange(len(table))[::-1]
    for offset, index, colour in ((0.2, "S1", S1_COLOUR), (-0.2, "ST", ST_COLOUR)):
        ax.barh(pos + offset, table[index], height=0.38, xerr=table[f"{index}_conf"],
                color=colour, label=index, capsize=3, error_kw={"elinewidth": 1})
    ax.set_yticks(pos, [label(f) for f in table["factor"]], fontsize=7)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("share of output variance (bars: 95% bootstrap interval)")
    ax.set_title(title)
    ax.legend(loc="lower right")
    fig.savefig(path)
    return path


def plot_morris(table: pd.DataFrame, path: Path, title: str) -> Path:
    """mu* against sigma, labelled, with mu* intervals and sigma/mu* reference lines."""
    fig = _figure(6, width=6.5)
    ax = fig.subplots()
    ax.errorbar(table["mu_star"], table["sigma"], xerr=table["mu_star_conf"], fmt="o",
                color=ST_COLOUR, ecolor="grey", capsize=3)
    for row in table.itertuples():
        ax.annotate(label(row.factor), (row.mu_star, row.sigma), textcoords="offset points",
                    xytext=(4, 4), fontsize=8)
    top = 1.05 * float(max((table["mu_star"] + table["mu_star_conf"]).max(), 1e-12))
    for ratio in RATIOS:
        ax.plot([0, top], [0, ratio * top], linestyle=":", color="grey", linewidth=0.8)
        ax.annotate(f"σ/μ* = {ratio:g}", (top, ratio * top), fontsize=7, color="grey",
                    ha="right", va="bottom")
    ax.set_xlim(0, top)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("μ* (mean absolute elementary effect)")
    ax.set_ylabel("σ (spread of elementary effects)")
    ax.set_title(title)
    fig.savefig(path)
    return path


def plot_convergence(conv: pd.DataFrame, path: Path, title: str) -> Path:
    """Draw `convergence_figure` into `path`."""
    convergence_figure(conv, title).savefig(path)
    return path


def convergence_figure(conv: pd.DataFrame, title: str) -> Figure:
    """Each factor's indices (S1 and ST; Morris mu*) against the sample size used, on log
    axes, and below them the intervals' half-widths with the threshold WIDE_CI beyond which
    the convergence check calls an interval too wide (Morris: relative to the largest mu*)."""
    morris = "mu_star" in set(conv["index"])
    indices = ["mu_star"] if morris else ["S1", "ST"]
    fig = Figure(figsize=(5.2 * len(indices) + 3.2, 7.0), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(2, len(indices), squeeze=False, sharex=True)
    full = conv[conv["fraction"] == conv["fraction"].max()]
    scale = float(full.loc[full["index"] == "mu_star", "value"].abs().max()) if morris else 1.0
    for col, index in enumerate(indices):
        top, bottom = axes[0, col], axes[1, col]
        for factor, rows in conv[conv["index"] == index].groupby("factor", sort=False):
            line = top.plot(rows["size"], rows["value"], marker="o", label=label(factor))[0]
            top.fill_between(rows["size"], rows["value"] - rows["conf"],
                             rows["value"] + rows["conf"], color=line.get_color(), alpha=0.12)
            bottom.plot(rows["size"], rows["conf"] / (scale or 1.0), marker="o",
                        color=line.get_color())
        top.set_title(f"{index}: estimate (band: 95% bootstrap interval)", fontsize=9)
        top.axhline(0, color="black", linewidth=0.6)
        bottom.axhline(WIDE_CI, color="black", linestyle="--", linewidth=1)
        bottom.annotate(f"threshold {WIDE_CI:g}", (1, WIDE_CI), xycoords=("axes fraction",
                        "data"), ha="right", va="bottom", fontsize=7)
        bottom.set_yscale("log")
        bottom.set_ylabel("half-width" + (" / largest mu*" if morris else ""))
        bottom.set_xlabel("trajectories used" if morris else "base rows used (N)")
        for ax in (top, bottom):
            ax.set_xscale("log", base=2)
            ax.grid(alpha=0.3, which="both")
    axes[0, -1].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    fig.suptitle(f"{title}: convergence")
    return fig


def plot_effects(table: pd.DataFrame, path: Path, title: str) -> Path:
    """Range of the outcome's level means per factor, as horizontal bars (grid, LHS)."""
    fig = _figure(len(table))
    ax = fig.subplots()
    pos = np.arange(len(table))[::-1]
    ax.barh(pos, table["level_range"], color=S1_COLOUR)
    ax.set_yticks(pos, [label(f) for f in table["factor"]], fontsize=7)
    ax.set_xlabel("largest minus smallest mean of the outcome over the factor's levels")
    ax.set_title(title)
    fig.savefig(path)
    return path
