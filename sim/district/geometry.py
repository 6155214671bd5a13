"""The model's neighbourhoods from a district file (the hook `sim.space` offers)."""

from __future__ import annotations

import numpy as np

from sim.district.files import District
from sim.params import Params
from sim.space import Neighbourhoods, place_zones


def between(position: np.ndarray, rest: float, deprived: float) -> np.ndarray:
    """The level at `position` on the line from the other neighbourhoods' level (0) to the
    deprived ones' (1); positions outside [0, 1] extrapolate."""
    return rest + position * (deprived - rest)


def district_neighbourhoods(p: Params, rng: np.random.Generator,
                            district: District) -> Neighbourhoods:
    """Neighbourhoods placed at the district's centroids (km, centred on the population-
    weighted centre), with levels of crime and environment, households and the residents'
    profiles set by the district's domain positions (sim.district.build)."""
    pop = district.column("population_all_ages")
    x, y = district.column("x_km"), district.column("y_km")
    x, y = x - np.average(x, weights=pop), y - np.average(y, weights=pop)
    deprived = district.deprived
    decile = district.table["imd_decile"].to_numpy().astype(np.int8)
    area = p.n_residents_all_ages / p.density_per_km2
    crime = np.maximum(between(district.column("crime_position"), p.crime_rate_rest,
                               p.crime_rate_deprived), 0.0)
    hoods = place_zones(p, rng, x, y, deprived, decile, area, float(np.sqrt(area / np.pi)),
                        crime=crime)
    hoods.environment = np.clip(between(district.column("environment_position"),
                                        p.environment_rest, p.environment_deprived), 0.0, 1.0)
    hoods.households = np.maximum(np.round(pop / p.persons_per_household), 1).astype(np.int64)
    hoods.skills_profile = np.clip(district.column("skills_position"), 0.0, 1.0)
    hoods.health_profile = np.clip(district.column("health_position"), 0.0, 1.0)
    return hoods
