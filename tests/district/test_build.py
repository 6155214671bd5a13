"""`coalition district build`: the publishers' layouts in, a district the model runs."""

import numpy as np
import pandas as pd
import pytest
from district_example import CENTROIDS, IOD, LAD, POPULATION, short_scenario

from sim.district import DistrictError, build_district, load_district
from sim.evaluate import build_model
from sim.scenario import ScenarioError, load_scenario


def test_example_builds_a_district_of_its_local_authority(example_district):
    district = load_district(example_district)
    assert district.n == 8 and district.deprived.sum() == 2
    assert district.params["n_neighbourhoods"] == 8
    assert district.params["deprived_share"] == pytest.approx(0.25)
    # Working age is the sum of ages 16-64 of the mid-year estimates.
    raw = pd.read_csv(POPULATION).set_index("LSOA Code")
    code = district.table["lsoa_code"].iloc[0]
    expected = raw.loc[code, [str(a) for a in range(16, 65)]].sum()
    assert district.table["population_working_age"].iloc[0] == expected


def test_positions_are_zero_for_the_rest_and_one_for_the_deprived_on_average(example_district):
    district = load_district(example_district)
    for column in ("crime_position", "environment_position", "skills_position",
                   "health_position"):
        values = district.column(column)
        assert values[district.deprived].mean() == pytest.approx(1.0)
        assert values[~district.deprived].mean() == pytest.approx(0.0, abs=1e-12)


def _broken_copy(tmp_path, source, change):
    frame = pd.read_csv(source, dtype=str)
    path = tmp_path / source.name
    change(frame).to_csv(path, index=False)
    return path


def test_a_missing_column_is_one_line_naming_file_and_column(tmp_path):
    iod = _broken_copy(tmp_path, IOD, lambda f: f.drop(columns=["Crime Score"]))
    with pytest.raises(DistrictError) as err:
        build_district(iod, POPULATION, CENTROIDS, tmp_path / "out", lad=LAD)
    message = str(err.value)
    assert "\n" not in message and str(iod) in message and "'Crime Score' missing" in message


def test_a_value_that_is_not_a_number_names_its_column_and_row(tmp_path):
    def spoil(frame):
        frame.loc[2, "Living Environment Score"] = "n/a"
        return frame

    iod = _broken_copy(tmp_path, IOD, spoil)
    with pytest.raises(DistrictError, match=r"'Living Environment Score', data row 3: expected "
                                            r"a number, got 'n/a'"):
        build_district(iod, POPULATION, CENTROIDS, tmp_path / "out", lad=LAD)


def test_an_lsoa_missing_from_the_population_table_is_named(tmp_path):
    population = _broken_copy(tmp_path, POPULATION, lambda f: f.iloc[1:])
    with pytest.raises(DistrictError, match=r"column 'LSOA Code': no row for LSOA 'E01999001'"):
        build_district(IOD, population, CENTROIDS, tmp_path / "out", lad=LAD)


def test_missing_working_ages_are_named(tmp_path):
    population = _broken_copy(tmp_path, POPULATION, lambda f: f.drop(columns=["40"]))
    with pytest.raises(DistrictError, match=r"column '40' missing: expected single-year"):
        build_district(IOD, population, CENTROIDS, tmp_path / "out", lad=LAD)


def test_a_file_of_several_districts_needs_a_choice(tmp_path):
    with pytest.raises(DistrictError, match="holds 2 districts: choose one with --lad"):
        build_district(IOD, POPULATION, CENTROIDS, tmp_path / "out")


def test_a_scenario_on_the_district_builds_its_neighbourhoods(example_district):
    scenario = load_scenario(short_scenario(example_district))
    district = scenario.district
    model = build_model(scenario)
    hoods = model.hoods
    assert hoods.n == 8 and (hoods.deprived == district.deprived).all()
    # Households follow each LSOA's population; crime its Crime score.
    per_hood = np.bincount(model.households.hood, minlength=8)
    pop = district.column("population_all_ages")
    assert np.corrcoef(per_hood, pop)[0, 1] > 0.99
    score = district.table["crime_score"].to_numpy()
    assert np.argmax(hoods.crime) == np.argmax(score) and np.argmin(hoods.crime) == np.argmin(score)
    # Residents of the LSOA with the worst Education score have fewer qualifications.
    res = model.residents
    worst, best = np.argmax(district.column("skills_position")), np.argmin(
        district.column("skills_position"))
    assert res.skill[res.hood == worst].mean() < res.skill[res.hood == best].mean()


def test_a_scenario_cannot_override_what_the_tables_set(example_district):
    path = short_scenario(example_district, "bad", "n_neighbourhoods = 20")
    with pytest.raises(ScenarioError, match="n_neighbourhoods is set by the district file"):
        load_scenario(path)


def test_the_district_changes_the_resume_key(example_district):
    from dataclasses import replace

    from sim.evaluate import Run

    scenario = load_scenario(short_scenario(example_district))
    assert Run(scenario, 1).key != Run(replace(scenario, district=None), 1).key
