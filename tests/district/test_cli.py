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
