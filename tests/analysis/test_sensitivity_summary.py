"""Sensitivity summaries for researchers: inadmissible estimates explained by whether their
intervals cover the admissible value, the seed-noise case named, factor labels from the
registry, and a convergence figure with both indices and the threshold."""

import numpy as np
import pandas as pd

from sim.params import REGISTRY
from sim.sensitivity import plots, report
from sim.sensitivity.convergence import WIDE_CI
from sim.sensitivity.indices import index_notes


def _table(rows):
    return pd.DataFrame(rows, columns=["factor", "S1", "S1_conf", "ST", "ST_conf"])


def test_inadmissible_estimates_within_their_intervals_are_called_estimator_noise():
    notes = index_notes(_table([("a", -0.02, 0.05, 0.1, 0.05), ("b", 0.5, 0.1, 1.04, 0.1),
                                ("c", 0.32, 0.05, 0.3, 0.05)]), "sobol")
    assert len(notes) == 3 and all("estimator noise" in n for n in notes)
    assert "covers 0" in notes[0] and "covers 1" in notes[1] and "S1 = ST" in notes[2]


def test_inadmissible_estimates_beyond_their_intervals_ask_for_more_samples():
    notes = index_notes(_table([("a", -0.3, 0.05, 0.1, 0.05), ("c", 0.6, 0.05, 0.3, 0.05)]),
                        "sobol")
    assert len(notes) == 2 and all("beyond its interval" in n for n in notes)
    assert index_notes(_table([("a", 0.2, 0.05, 0.3, 0.05)]), "sobol") == []


def test_the_seed_noise_case_is_named():
    base = {"replicates": 1, "within_share": np.nan, "replicate_sd": np.nan,
            "noise_share_of_means": np.nan}
    common = report.noise_text({**base, "common_seeds": True}, "sobol")
    independent = report.noise_text({**base, "common_seeds": False}, "sobol")
    assert "case: common seeds" in common and "with independent seeds" not in common
    assert "case: independent seeds" in independent and "adds to every ST" in independent


def test_factor_labels_and_units_come_from_the_registries():
    assert report.factor_label("search_intensity") == REGISTRY["search_intensity"].description
    assert report.factor_unit("search_intensity") == REGISTRY["search_intensity"].unit
    assert report.factor_label("mix.skills").endswith("skills")
    assert report.outcome_unit({"summary": "reengaged_6m"}) == "residents"
    assert report.factor_label("x1") == "x1"  # a function model's own factor


def test_the_convergence_figure_shows_s1_and_st_on_log_axes_with_the_threshold(tmp_path):
    rows = [{"fraction": f, "size": int(64 * f), "factor": name, "index": index,
             "value": v, "conf": 0.4 * f ** -0.5 * 0.1}
            for f in (0.125, 0.25, 0.5, 1.0) for name, v in (("search_intensity", 0.6),
                                                              ("x2", 0.2))
            for index in ("S1", "ST")]
    path = plots.plot_convergence(pd.DataFrame(rows), tmp_path / "c.png", "y")
    assert path.is_file()
    fig = plots.convergence_figure(pd.DataFrame(rows), "y")
    titles = [ax.get_title() for ax in fig.axes]
    assert any(t.startswith("S1") for t in titles) and any(t.startswith("ST") for t in titles)
    assert all(ax.get_xscale() == "log" for ax in fig.axes)
    drawn = [line.get_ydata()[0] for ax in fig.axes for line in ax.get_lines()
             if line.get_linestyle() == "--"]
    assert WIDE_CI in drawn
    legend = fig.axes[1].get_legend()
    assert any(REGISTRY["search_intensity"].description[:20] in t.get_text()
               for t in legend.get_texts())
