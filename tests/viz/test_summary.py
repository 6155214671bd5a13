"""summary.png names the regime, shades "programme" only when money is spent, reads in
years, and adds spending and re-engagement panels when a programme runs."""

import pytest
from town_scenarios import town_scenario

from sim.runner import run_scenario
from sim.viz.summary import plot_summary, summary_figure


@pytest.fixture(scope="module")
def runs():
    out = {}
    for regime in ("coalition", "none"):
        s = town_scenario(name=regime, regime=regime, burn_in=6, programme=12)
        out[regime] = run_scenario(s, 18).monthly
    return out


def _texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_a_coalition_run_is_titled_shaded_and_has_spending_panels(runs, tmp_path):
    fig = summary_figure(runs["coalition"], "coalition: preset town", "coalition")
    assert fig.get_suptitle().startswith("Growth coalition")
    assert len(fig.axes) == 7  # six panels and the businesses' twin axis
    assert "programme" in _texts(fig)
    titles = [ax.get_title() for ax in fig.axes]
    assert any("money spent" in t for t in titles) and any("Re-engagement" in t for t in titles)
    assert "years since the programme started" in fig.axes[-2].get_xlabel()
    assert plot_summary(runs["coalition"], tmp_path / "s.png", "x", "lsp").is_file()


def test_without_money_there_is_no_programme_shading_and_no_spending_panel(runs):
    fig = summary_figure(runs["none"], "none: preset town", "none")
    assert fig.get_suptitle().startswith("No programme")
    assert "programme" not in _texts(fig) and "no programme" in _texts(fig)
    assert len(fig.axes) == 5
