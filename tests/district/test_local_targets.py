"""Local targets: the district's tables give targets that validation reports."""

import numpy as np
import pandas as pd
import pytest
from district_example import BUSINESSES, CENTROIDS, IOD, LAD, POPULATION

from sim.analysis import validation
from sim.district import build_district, load_district
from sim.population import SICK, UNEMPLOYED
from sim.scenario import load_scenario

SHORT = {"burn_in_months": 12, "programme_months": 12}


def test_local_targets_come_from_the_tables(example_district):
    district = load_district(example_district)
    targets = district.targets.set_index("target")
    iod = pd.read_csv(IOD)
    dep = iod[(iod["Local Authority District code (2019)"] == LAD)
              & (iod.iloc[:, 6] == 1)]
    rate = targets.loc["local_employment_deprivation_deprived", "value"]
    assert dep["Employment Score (rate)"].min() <= rate <= dep["Employment Score (rate)"].max()
    counts = pd.read_csv(BUSINESSES)
    mine = counts["GEOGRAPHY_CODE"].isin(district.table["lsoa_code"])
    units = counts[mine & (counts["EMPLOYMENT_SIZEBAND_NAME"] != "Total")]["OBS_VALUE"].sum()
    per_1000 = 1000 * units / district.column("population_working_age").sum()
    assert targets.loc["local_businesses_per_1000_working_age", "value"] == pytest.approx(
        per_1000, rel=1e-5)


def test_without_business_counts_there_are_no_business_targets(tmp_path):
    path = build_district(IOD, POPULATION, CENTROIDS, tmp_path, lad=LAD)
    assert list(load_district(path).targets["target"]) == [
        "local_employment_deprivation_deprived"]


def test_the_model_counterpart_of_the_employment_score_counts_residents(example_district):
    """The monthly-column formula equals a direct count of unemployed and long-term sick
    residents of deprived neighbourhoods over their working-age residents."""
    from district_example import short_scenario

    from sim.evaluate import build_model

    model = build_model(load_scenario(short_scenario(example_district))).run(months=14)
    res = model.residents
    dep = res.deprived
    direct = np.count_nonzero(dep & ((res.status == UNEMPLOYED) | (res.reason == SICK)))
    row = pd.DataFrame(model.records["monthly"][-1:])
    assert validation._employment_deprivation(row) == pytest.approx(direct / dep.sum())


def test_validate_with_a_district_reports_its_local_targets(example_district):
    district = load_district(example_district)
    table = validation.validate("town", 1, overrides=SHORT, district=district)
    local = table[table["target"].str.startswith("local_")].set_index("target")
    assert list(local.index) == list(district.targets["target"])
    assert local["status"].isin([validation.PASS, validation.FAIL]).all()
    assert np.isfinite(local["mean"]).all()
    assert len(table) == len(validation.load_targets()) + len(district.targets)
