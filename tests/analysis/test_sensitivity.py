"""Sensitivity analysis of study folders: known answers, failures, replicates, checks."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from ishigami import ishigami, ishigami_indices, ishigami_problem
from sa_studies import design, salib_sample, write_shards, write_study

from sim.experiments.store import read_runs
from sim.sensitivity import AnalysisError, analyze_study, load_study, read_indices
from sim.sensitivity.convergence import convergence_verdict
from sim.sensitivity.indices import fast_indices, morris_indices

TOL = 0.02  # allowance beyond the bootstrap half-width

UNIT4 = {"num_vars": 4, "names": ["a", "b", "c", "d"], "bounds": [[0.0, 1.0]] * 4}


def linear(X: np.ndarray) -> np.ndarray:
    """3a + b^2 + 2c; d is inert."""
    return 3 * X[:, 0] + X[:, 1] ** 2 + 2 * X[:, 2]


@pytest.fixture(scope="module")
def ishigami_sobol(tmp_path_factory):
    """An Ishigami Sobol study (N=1024, second order) and its analysis folder."""
    d = design("sobol", ishigami_problem(), 1024, second_order=True, seed=7)
    folder = write_study(tmp_path_factory.mktemp("ish") / "run", d,
                         {"y": ishigami(salib_sample(d))})
    return folder, analyze_study(folder)


def test_sobol_recovers_analytic_ishigami_indices(ishigami_sobol):
    _, out = ishigami_sobol
    got = pd.read_csv(out / "sobol_y.csv").set_index("factor")
    true = ishigami_indices()
    for index in ("S1", "ST"):
        err = (got[index] - true[index]).abs()
        assert (err <= got[f"{index}_conf"] + TOL).all(), (index, got, true)
    s2 = pd.read_csv(out / "sobol2_y.csv").set_index(["factor", "other"])
    v13 = true.at["x1", "ST"] - true.at["x1", "S1"]
    assert abs(s2.at[("x1", "x3"), "S2"] - v13) <= s2.at[("x1", "x3"), "S2_conf"] + TOL
    assert list(got.index[:2]) == ["x1", "x2"]


def test_outputs_tables_figures_and_summary(ishigami_sobol):
    _, out = ishigami_sobol
    names = {p.name for p in out.iterdir()}
    assert {"sobol_y.csv", "sobol2_y.csv", "convergence_y.csv", "seed_noise.csv", "summary.md",
            "sobol_y.png", "convergence_y.png"} <= names
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".analysis")]
    summary = (out / "summary.md").read_text()
    assert "samples N = 1024" in summary and "second order = yes" in summary
    assert "Convergence: converged" in summary
    conv = pd.read_csv(out / "convergence_y.csv")
    assert sorted(set(conv["size"])) == [128, 256, 512, 1024]
    assert read_indices(out.parent, "y")["factor"].iloc[0] == "x1"


def test_morris_ranks_an_inert_factor_last_with_zero_mu_star(tmp_path):
    d = design("morris", UNIT4, 20, levels=4, seed=3)
    out = analyze_study(write_study(tmp_path / "m", d, {"y": linear(salib_sample(d))}))
    table = pd.read_csv(out / "morris_y.csv")
    assert table["factor"].iloc[-1] == "d"
    assert table["mu_star"].iloc[-1] == pytest.approx(0, abs=1e-12)
    assert table.set_index("factor").at["a", "mu_star"] == pytest.approx(3)
    assert (out / "morris_y.png").is_file() and (out / "convergence_y.png").is_file()


def test_efast_recovers_ishigami_first_order(tmp_path):
    d = design("fast", ishigami_problem(), 1025, seed=5)
    out = analyze_study(write_study(tmp_path / "f", d, {"y": ishigami(salib_sample(d))}))
    got = pd.read_csv(out / "fast_y.csv").set_index("factor")
    assert (got["S1"] - ishigami_indices()["S1"]).abs().max() < 0.05
    assert "eFAST designs cannot be subsampled" in (out / "summary.md").read_text()


def test_efast_leaves_numpy_global_random_state_alone():
    d = design("fast", ishigami_problem(), 257, seed=5)
    before = np.random.get_state()[1].copy()  # noqa: NPY002
    fast_indices(ishigami_problem(), ishigami(salib_sample(d)), 4, seed=11)
    assert (np.random.get_state()[1] == before).all()  # noqa: NPY002


def _sobol_unit4(tmp_path, n=64, **kw):
    d = design("sobol", UNIT4, n, seed=2, **kw)
    return d, salib_sample(d)


def test_failed_runs_are_refused_with_their_count_and_points(tmp_path):
    d, X = _sobol_unit4(tmp_path)
    folder = write_study(tmp_path / "s", d, {"y": linear(X)}, failed=((5, 0), (9, 0), (40, 0)))
    with pytest.raises(AnalysisError) as err:
        analyze_study(folder)
    text = str(err.value)
    assert f"3 of {len(X)} runs failed" in text and "points 5, 9, 40" in text
    assert "RuntimeError: boom" in text and "on_failure='mean'" in text
    assert not (folder / "analysis").exists()


def test_mean_policy_imputes_and_says_so_loudly(tmp_path):
    d, X = _sobol_unit4(tmp_path)
    folder = write_study(tmp_path / "s", d, {"y": linear(X)}, failed=((5, 0), (9, 0)))
    out = analyze_study(folder, on_failure="mean")
    summary = (out / "summary.md").read_text()
    assert "on_failure='mean'" in summary
    assert f"**2 of {len(X)} design points" in summary and "imputed" in summary
    assert np.isfinite(pd.read_csv(out / "sobol_y.csv")[["S1", "ST"]]).all().all()


@pytest.mark.parametrize("method", ["sobol", "fast"])
def test_drop_policy_is_refused_for_sobol_and_efast(tmp_path, method):
    d = design(method, UNIT4, 65 if method == "fast" else 16, seed=2)
    folder = write_study(tmp_path / "s", d, {"y": linear(salib_sample(d))}, failed=((1, 0),))
    with pytest.raises(AnalysisError, match=f"not valid for a {method} design"):
        analyze_study(folder, on_failure="drop")


def test_drop_policy_for_morris_drops_whole_trajectories(tmp_path):
    d = design("morris", UNIT4, 10, levels=4, seed=3)
    X = salib_sample(d)
    y = linear(X) + X[:, 3] * X[:, 0]
    folder = write_study(tmp_path / "m", d, {"y": y}, failed=((12, 0),))  # trajectory 2 of 10
    out = analyze_study(folder, on_failure="drop")
    keep = np.ones(len(X), bool)
    keep[10:15] = False
    expected = morris_indices(UNIT4, X[keep], y[keep], 4, seed=1)
    got = pd.read_csv(out / "morris_y.csv")
    assert np.allclose(got.set_index("factor")["mu_star"],
                       expected.set_index("factor").loc[got["factor"], "mu_star"])
    assert "trajectories through failed points were dropped" in (out / "summary.md").read_text()


def test_nonfinite_outcome_in_an_ok_run_is_refused(tmp_path):
    d, X = _sobol_unit4(tmp_path)
    y = linear(X)
    y[17] = np.inf
    with pytest.raises(AnalysisError, match="'y' is NaN or infinite in ok runs at point 17"):
        analyze_study(write_study(tmp_path / "s", d, {"y": y}))


def test_incomplete_study_in_shards_reports_missing_runs(tmp_path):
    d, X = _sobol_unit4(tmp_path, n=16)
    folder = write_study(tmp_path / "s", d, {"y": linear(X)})
    runs = pd.read_parquet(folder / "runs.parquet")
    write_shards(folder, runs, [0, 50, 90], replicates=1)
    with pytest.raises(AnalysisError, match=f"{len(X) - 90} of {len(X)} runs are missing"):
        analyze_study(folder)
    write_shards(folder, runs, [0, 50, 90, len(runs)], replicates=1)
    assert (analyze_study(folder) / "sobol_y.csv").is_file()


def test_a_retried_run_that_succeeded_replaces_its_failure(tmp_path):
    d, X = _sobol_unit4(tmp_path, n=16)
    folder = write_study(tmp_path / "s", d, {"y": linear(X)})
    runs = pd.read_parquet(folder / "runs.parquet")
    failed = runs.iloc[[3]].assign(status="failed", y=np.nan, error="MemoryError")
    write_shards(folder, pd.concat([failed, runs]), [0, 1, len(runs) + 1], replicates=1)
    assert (analyze_study(folder) / "sobol_y.csv").is_file()


@pytest.mark.parametrize("common", [False, True])
def test_replicates_are_averaged_and_seed_noise_measured(tmp_path, common):
    d, X = _sobol_unit4(tmp_path, n=32, replicates=2)
    f, half = linear(X), 0.25
    noisy = np.column_stack([f + half, f - half])  # within-point sd^2 = 2 half^2
    out = analyze_study(write_study(tmp_path / "r2", d, {"y": noisy}, common_seeds=common))
    d1 = {**d, "replicates": 1}
    clean = analyze_study(write_study(tmp_path / "r1", d1, {"y": f}))
    pd.testing.assert_frame_equal(pd.read_csv(out / "sobol_y.csv"),
                                  pd.read_csv(clean / "sobol_y.csv"))
    noise = pd.read_csv(out / "seed_noise.csv").iloc[0]
    ss_within, ss_between = 2 * len(f) * half**2, 2 * ((f - f.mean()) ** 2).sum()
    assert noise["within_share"] == pytest.approx(ss_within / (ss_within + ss_between))
    assert noise["replicate_sd"] == pytest.approx(np.sqrt(2) * half)
    # Replicate 0 is half above at every point: with common seeds that offset is shared by
    # all points and cancels; with independent seeds it is noise of variance half^2 per mean.
    left = 0.0 if common else half**2 / f.var(ddof=1)
    assert noise["noise_share_of_means"] == pytest.approx(left, abs=1e-12)
    assert bool(noise["common_seeds"]) == common
    assert "between replicates of the same point" in (out / "summary.md").read_text()


def test_noise_that_differs_between_points_survives_common_seeds(tmp_path):
    d, X = _sobol_unit4(tmp_path, n=32, replicates=2)
    f, half = linear(X), 0.25
    sign = np.where(np.arange(len(f)) % 2, 1.0, -1.0)  # the seed helps odd points, hurts even
    out = analyze_study(write_study(tmp_path / "s", d, {"y": np.column_stack(
        [f + sign * half, f - sign * half])}))
    noise = pd.read_csv(out / "seed_noise.csv").iloc[0]
    points = len(f)  # residual mean square 2 P half^2 / (P - 1), over R = 2 replicates
    expected = points * half**2 / (points - 1) / f.var(ddof=1)
    assert noise["noise_share_of_means"] == pytest.approx(expected)
    assert "the part that differs between points" in (out / "summary.md").read_text()


def test_runs_or_a_manifest_that_do_not_match_the_stored_sample_are_refused(tmp_path):
    d, X = _sobol_unit4(tmp_path, n=16)
    wrong = X.copy()
    wrong[7, 2] += 0.01
    folder = write_study(tmp_path / "s", d, {"y": linear(X)}, X=wrong)
    with pytest.raises(AnalysisError, match="factor 'c' differs in 1 of .* first at point 7"):
        analyze_study(folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["design"]["digest"] = "0" * 16  # the manifest of another sample
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(AnalysisError, match="design.parquet does not match the sample digest"):
        analyze_study(folder)


def test_integer_factors_may_be_rounded_in_the_runs(tmp_path):
    problem = {"num_vars": 2, "names": ["k", "x"], "bounds": [[1, 10], [0, 1]]}
    factors = [{"name": "k", "role": "lever", "kind": "int"},
               {"name": "x", "role": "uncertainty", "kind": "float"}]
    d = design("sobol", problem, 16, seed=4)
    X = salib_sample(d)
    out = analyze_study(write_study(tmp_path / "s", d, {"y": np.round(X[:, 0]) + X[:, 1]},
                                    factors=factors))
    assert "Integer factors are analysed on the continuous" in (out / "summary.md").read_text()


def test_policy_and_outcome_names_are_checked(tmp_path):
    d, X = _sobol_unit4(tmp_path, n=16)
    folder = write_study(tmp_path / "s", d, {"y": linear(X), "z": X[:, 0]})
    with pytest.raises(AnalysisError, match="scalar outcomes are"):
        analyze_study(folder, outcomes=["nope"])
    with pytest.raises(AnalysisError, match="on_failure must be one of"):
        analyze_study(folder, on_failure="ignore")
    out = analyze_study(folder, outcomes=["z"])
    assert (out / "sobol_z.csv").is_file() and not (out / "sobol_y.csv").exists()


def test_a_constant_outcome_is_reported_not_decomposed(tmp_path):
    d, X = _sobol_unit4(tmp_path, n=16)
    out = analyze_study(write_study(tmp_path / "s", d, {"y": linear(X), "flat": 0 * X[:, 0]}))
    assert not (out / "sobol_flat.csv").exists()
    assert "flat is constant over the design" in (out / "summary.md").read_text()


def test_lhs_design_gets_descriptive_tables_and_regression_coefficients(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.random((200, 4))
    d = {"method": "lhs", "samples": 200, "seed": 0, "replicates": 1, "points": 200,
         "problem": UNIT4}
    out = analyze_study(write_study(tmp_path / "l", d, {"y": 3 * X[:, 0] + X[:, 2]}, X=X))
    effects = pd.read_csv(out / "effects_y.csv").set_index("factor")
    assert effects.index[0] == "a" and effects["r2"].iloc[0] == pytest.approx(1)
    sd_y = np.sqrt(9 + 1)  # y = 3a + c with a, c uniform: SRC = coefficient * sd(x) / sd(y)
    assert effects["src"].to_dict() == pytest.approx({"a": 3 / sd_y, "b": 0, "c": 1 / sd_y,
                                                      "d": 0}, abs=0.05)
    levels = pd.read_csv(out / "describe_y.csv")
    assert set(levels["factor"]) == set(UNIT4["names"]) and (levels["n"] == 40).all()
    assert (out / "effects_y.png").is_file()


def test_grid_drop_policy_drops_points(tmp_path):
    grid = np.array([[a, b] for a in (0.0, 1.0, 2.0) for b in (0.0, 1.0)])
    problem = {"num_vars": 2, "names": ["a", "b"], "bounds": [[0, 2], [0, 1]]}
    d = {"method": "grid", "samples": 6, "seed": 0, "replicates": 1, "points": 6,
         "problem": problem}
    folder = write_study(tmp_path / "g", d, {"y": grid[:, 0] * 2}, X=grid, failed=((5, 0),))
    out = analyze_study(folder, on_failure="drop")
    levels = pd.read_csv(out / "describe_y.csv")
    assert levels["n"].sum() == 2 * 5
    assert "Failed points were dropped" in (out / "summary.md").read_text()
    effects = pd.read_csv(out / "effects_y.csv").set_index("factor")
    assert effects.at["a", "level_range"] == pytest.approx(4) and effects.index[0] == "a"


def test_grid_with_a_categorical_factor_ranks_it_by_its_level_means(tmp_path):
    grid = np.array([[a, m] for a in (0.0, 0.5, 1.0) for m in (0.25, 0.75)])
    problem = {"num_vars": 2, "names": ["a", "regime"], "bounds": [[0, 1], [0, 1]]}
    factors = [{"name": "a", "role": "uncertainty", "kind": "continuous"},
               {"name": "regime", "role": "lever", "kind": "categorical",
                "levels": ["lsp", "coalition"]}]
    d = {"method": "grid", "samples": 3, "seed": 0, "replicates": 1, "points": 6,
         "problem": problem}
    y = grid[:, 0] + 3 * (grid[:, 1] > 0.5)
    out = analyze_study(write_study(tmp_path / "g", d, {"y": y}, factors=factors, X=grid))
    effects = pd.read_csv(out / "effects_y.csv").set_index("factor")
    assert effects.index[0] == "regime" and effects.at["regime", "level_range"] == 3
    assert np.isnan(effects.at["regime", "src"])
    levels = pd.read_csv(out / "describe_y.csv").set_index(["factor", "level"])
    assert levels.at[("regime", "coalition"), "mean"] - levels.at[("regime", "lsp"), "mean"] == 3
    assert "levels lsp, coalition" in (out / "summary.md").read_text()


def test_convergence_verdict_flags_rank_changes_and_wide_intervals():
    def conv(half, full, conf):
        rows = [(0.5, 8, f, "ST", v, conf) for f, v in zip("ab", half, strict=True)]
        rows += [(1.0, 16, f, "ST", v, conf) for f, v in zip("ab", full, strict=True)]
        return pd.DataFrame(rows, columns=["fraction", "size", "factor", "index", "value",
                                           "conf"])
    assert convergence_verdict(conv((0.6, 0.2), (0.6, 0.2), 0.05), "sobol") == "converged"
    swapped = convergence_verdict(conv((0.2, 0.6), (0.6, 0.2), 0.05), "sobol")
    assert "ranking changed" in swapped and "a vs b" in swapped
    assert "wide intervals" in convergence_verdict(conv((0.6, 0.2), (0.6, 0.2), 0.3), "sobol")
    close = convergence_verdict(conv((0.3, 0.32), (0.32, 0.3), 0.05), "sobol")
    assert close.startswith("converged (order of a vs b changed")


def test_runs_are_read_from_runs_parquet_or_its_shards(tmp_path):
    d, X = _sobol_unit4(tmp_path, n=16)
    folder = write_study(tmp_path / "study" / "run", d, {"y": linear(X)})
    runs = read_runs(folder)
    write_shards(folder, runs, [0, 30, len(runs)], replicates=1)
    pd.testing.assert_frame_equal(load_study(folder).runs, runs)
    assert load_study(tmp_path / "study").folder == folder  # a study with one run resolves


def test_a_changed_stored_sample_is_refused(tmp_path):
    d, X = _sobol_unit4(tmp_path, n=16)
    folder = write_study(tmp_path / "s", d, {"y": linear(X)})
    assert np.array_equal(load_study(folder).X, X)
    kept = pd.read_parquet(folder / "design.parquet")
    kept.loc[3, "sample:b"] += 0.5
    kept.to_parquet(folder / "design.parquet")
    with pytest.raises(AnalysisError, match="design.parquet does not match the sample digest"):
        load_study(folder)
    (folder / "design.parquet").unlink()
    with pytest.raises(AnalysisError, match="lacks design.parquet"):
        load_study(folder)


@pytest.mark.parametrize("second_order", [False, True])
def test_leading_rows_of_a_saltelli_sample_are_the_smaller_design(second_order):
    """The convergence check relies on SALib ordering the Saltelli matrix by base row."""
    d = design("sobol", UNIT4, 64, seed=2, second_order=second_order)
    small = salib_sample({**d, "samples": 16})
    assert np.array_equal(salib_sample(d)[: len(small)], small)
