"""A short plain-text summary of one run's monthly table: programme start vs end.

`programme_start` is shared with the summary figure (`sim.viz.summary`): viz reads
analysis helpers, never the other way round.
"""

from __future__ import annotations

import math

import pandas as pd

# (label, monthly column, format) in display order.
LINES = (
    ("Employment rate, deprived", "employment_rate_deprived", "{:.1%}"),
    ("Employment rate, rest", "employment_rate_rest", "{:.1%}"),
    ("Employment rate, district", "employment_rate_district", "{:.1%}"),
    ("Jobs in the district", "jobs_total", "{:,.0f}"),
    ("  tradable", "jobs_tradable", "{:,.0f}"),
    ("  non-tradable", "jobs_nontradable", "{:,.0f}"),
    ("Businesses", "businesses", "{:,.0f}"),
    ("Crime, deprived (per 1,000/yr)", "crime_deprived", "{:.1f}"),
    ("Crime, rest (per 1,000/yr)", "crime_rest", "{:.1f}"),
    ("Well-being, deprived (0-10)", "wellbeing_deprived", "{:.2f}"),
    ("Well-being, rest (0-10)", "wellbeing_rest", "{:.2f}"),
    ("Cohort re-engaged, 6 months in work", "reengaged_6m_share", "{:.1%}"),
    ("Partner engagement (0-1)", "partner_engagement_mean", "{:.2f}"),
    ("Businesses engaged", "business_engagement_share", "{:.1%}"),
)


def programme_start(monthly: pd.DataFrame) -> int | None:
    """The last burn-in month (the programme starts right after it), or None if never."""
    if "phase" not in monthly or not (monthly["phase"] == "programme").any():
        return None
    return int(monthly.loc[monthly["phase"] == "programme", "month"].min()) - 1


def start_and_end(monthly: pd.DataFrame) -> tuple[pd.Series, pd.Series, bool]:
    """The rows at the programme start (last burn-in month) and the last month.

    Returns:
        (start row, end row, whether the programme was reached); without a
        programme period the first month stands in for the start.
    """
    start = programme_start(monthly)
    if start is None or start < monthly["month"].min():
        return monthly.iloc[0], monthly.iloc[-1], start is not None
    return monthly.loc[monthly["month"] == start].iloc[0], monthly.iloc[-1], True


def _cell(row: pd.Series, column: str, fmt: str) -> str:
    value = row.get(column, math.nan)
    return "n/a" if value is None or pd.isna(value) else fmt.format(value)


def format_run_summary(monthly: pd.DataFrame, header: str, footer: list[str]) -> str:
    """The start-vs-end table of a run, between a header line and footer lines.

    Args:
        monthly: the run's monthly table (at least one row).
        header: first line, e.g. scenario, preset, seed and months.
        footer: closing lines, e.g. wall time and output folder.
    """
    start, end, reached = start_and_end(monthly)
    first = "programme start" if reached else "first month"
    lines = [header]
    if not reached:
        lines.append("(the run ended before the programme started: burn-in only)")
    lines.append(f"{'':36}{first + ' (m' + str(int(start['month'])) + ')':>18}"
                 f"{'end (m' + str(int(end['month'])) + ')':>14}")
    for label, column, fmt in LINES:
        lines.append(f"{label:36}{_cell(start, column, fmt):>18}{_cell(end, column, fmt):>14}")
    if "spend_regeneration" in monthly:
        regeneration = monthly["spend_regeneration"].sum()
        aligned = monthly["spend_mainstream_aligned"].sum()
        lines.append(f"Programme spend: GBP {regeneration:,.0f} regeneration, "
                     f"GBP {aligned:,.0f} aligned mainstream")
    return "\n".join(lines + footer)
