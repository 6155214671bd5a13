"""The district commands from the command line."""

from district_example import BUSINESSES, CENTROIDS, IOD, LAD, POPULATION

from sim.cli import main


def test_district_build_writes_a_district_file(tmp_path, capsys):
    code = main(["district", "build", "--iod", str(IOD), "--population", str(POPULATION),
                 "--centroids", str(CENTROIDS), "--business-counts", str(BUSINESSES),
                 "--lad", LAD, "--out", str(tmp_path)])
    assert code == 0 and (tmp_path / "district.toml").exists()
    assert "8 neighbourhoods (2 in IMD decile 1), 3 local targets" in capsys.readouterr().out


def test_district_build_reports_a_bad_table_in_one_line(tmp_path, capsys):
    code = main(["district", "build", "--iod", str(POPULATION), "--population",
                 str(POPULATION), "--centroids", str(CENTROIDS), "--out", str(tmp_path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "'LSOA code (2011)' missing" in err[0]


def test_calibrate_writes_posterior_diagnostics_and_a_scenario_at_the_best_point(
        example_district, tmp_path, capsys):
    import json

    from sim.calibrate import Posterior
    from sim.scenario import load_scenario

    out = tmp_path / "cal"
    code = main(["calibrate", "--district", str(example_district), "--preset", "town",
                 "--params", "search_intensity", "--targets",
                 "job_finding_rate_monthly,local_employment_deprivation_deprived",
                 "--trials", "3", "--replicates", "1", "--accept", "0.5", "--ppc-draws", "1",
                 "--set", "burn_in_months=6", "--set", "programme_months=6", "--out", str(out)])
    assert code == 0 and "effective sample size" in capsys.readouterr().out
    for name in ("posterior.parquet", "trials.parquet", "diagnostics.png",
                 "predictive-check.csv", "calibrated.toml"):
        assert (out / name).exists(), name
    doc = json.loads((out / "diagnostics.json").read_text())
    posterior = Posterior.read(out / "posterior.parquet")
    assert doc["effective_sample_size"] == posterior.ess and len(posterior.samples) == 2
    scenario = load_scenario(out / "calibrated.toml")
    assert scenario.params.search_intensity == posterior.best()["search_intensity"]
    assert scenario.district is not None and scenario.params.programme_months == 6


def test_calibrate_refuses_a_parameter_the_district_sets(example_district, capsys):
    code = main(["calibrate", "--district", str(example_district), "--params",
                 "deprived_share", "--trials", "2"])
    assert code == 2 and "deprived_share is set by the district file" in capsys.readouterr().err
