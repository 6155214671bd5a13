"""The shipped made-up example tables, and a short scenario on a district built from them."""

from pathlib import Path

EXAMPLE = Path(__file__).parents[2] / "sim" / "data" / "example"
IOD = EXAMPLE / "MADE-UP-IoD2019_File_7_scores.csv"
POPULATION = EXAMPLE / "MADE-UP-sape-mid-2019-lsoa-persons.csv"
CENTROIDS = EXAMPLE / "MADE-UP-LSOA_Dec_2011_population_weighted_centroids.csv"
BUSINESSES = EXAMPLE / "MADE-UP-uk-business-counts-lsoa.csv"
LAD = "E06999999"


def short_scenario(district: Path, name: str = "madeup", extra: str = "") -> Path:
    """A short LSP scenario on the district (12 + 24 months), written next to it."""
    path = district.parent / f"{name}.toml"
    path.write_text(f'name = "{name}"\npreset = "town"\ndistrict = "{district.name}"\n'
                    '[params]\nburn_in_months = 12\nprogramme_months = 24\n'
                    f'{extra}\n[policy]\nregime = "lsp"\n', encoding="utf-8")
    return path
