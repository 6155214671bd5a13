"""Neighbourhoods, distances, reach and the travel-to-work area.

The district is a disc of neighbourhoods (LSOA-like) placed at random; the
deprived ones form a contiguous cluster (estates and inner areas), as they do
in English districts. The travel-to-work area (TTWA) is one external zone. The
neighbourhoods and the TTWA are the cells of a `mesa.discrete_space.Network`
in which households and businesses live. Zone index `n` (one past the last
neighbourhood) is the TTWA.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
from mesa.discrete_space import Network

from sim.params import Params

PT, CAR = 0, 1


@dataclass
class Neighbourhoods:
    """Per-neighbourhood state (arrays of length n) and the zone geometry."""

    x: np.ndarray
    y: np.ndarray
    deprived: np.ndarray
    decile: np.ndarray
    crime: np.ndarray
    environment: np.ndarray
    site_readiness: np.ndarray
    pt_access: np.ndarray
    distance: np.ndarray  # [n, n + 1] km from each neighbourhood to each zone
    reach: np.ndarray  # [2, n, n + 1] bool: zone reachable by mode (PT, CAR)
    ttwa_xy: tuple[float, float]
    safety_stock: np.ndarray  # GBP per resident a year of community safety spend (2-year memory)
    crime_reference: float  # the district's mean crime rate at the start
    # Set only for a district file (sim.district): crime at the start, households per
    # neighbourhood, and the chance that a resident has the deprived skills (health) profile.
    crime_start: np.ndarray | None = None
    households: np.ndarray | None = None
    skills_profile: np.ndarray | None = None
    health_profile: np.ndarray | None = None

    @property
    def n(self) -> int:
        return len(self.x)

    @property
    def ttwa(self) -> int:
        return self.n


def _positions(n: int, radius: float, rng: np.random.Generator):
    r = radius * np.sqrt(rng.random(n))
    angle = 2 * np.pi * rng.random(n)
    return r * np.cos(angle), r * np.sin(angle)


def build_neighbourhoods(p: Params, rng: np.random.Generator) -> Neighbourhoods:
    n = p.n_neighbourhoods
    area = p.n_residents_all_ages / p.density_per_km2
    radius = float(np.sqrt(area / np.pi))
    x, y = _positions(n, radius, rng)
    # Deprived neighbourhoods: the ones nearest a cluster centre in the inner half.
    cx, cy = _positions(1, radius / 2, rng)
    from_cluster = np.hypot(x - cx, y - cy)
    n_deprived = max(1, int(round(p.deprived_share * n)))
    deprived = np.zeros(n, bool)
    deprived[np.argsort(from_cluster, kind="stable")[:n_deprived]] = True
    rank = np.argsort(np.argsort(from_cluster, kind="stable"), kind="stable") / max(n - 1, 1)
    decile = np.where(deprived, 1, np.clip(2 + np.floor(rank * 9), 2, 10)).astype(np.int8)

    return place_zones(p, rng, x, y, deprived, decile, area, radius)


def place_zones(p: Params, rng: np.random.Generator, x, y, deprived, decile, area: float,
                radius: float, crime=None) -> Neighbourhoods:
    """The zones around placed neighbourhoods: the TTWA, distances, public transport access
    and the starting levels of crime (by default the registry's two levels), environment and
    site readiness."""
    n = len(x)
    angle = 2 * np.pi * rng.random()
    ttwa_xy = (p.ttwa_distance_km * np.cos(angle), p.ttwa_distance_km * np.sin(angle))
    zx = np.append(x, ttwa_xy[0])
    zy = np.append(y, ttwa_xy[1])
    distance = np.hypot(x[:, None] - zx[None, :], y[:, None] - zy[None, :])
    # Trips within a neighbourhood: about half the neighbourhood's width.
    distance[np.arange(n), np.arange(n)] = 0.5 * np.sqrt(area / n)

    centre_dist = np.hypot(x, y) / max(radius, 1e-9)
    pt_access = np.clip(1.0 - 0.6 * centre_dist + 0.15 * rng.standard_normal(n), 0.05, 1.0)

    start = np.where(deprived, p.crime_rate_deprived, p.crime_rate_rest) if crime is None \
        else crime
    hoods = Neighbourhoods(
        x=x, y=y, deprived=deprived, decile=decile,
        crime=start.astype(float),
        environment=np.where(deprived, p.environment_deprived, p.environment_rest).astype(float),
        site_readiness=np.where(deprived, p.site_readiness_deprived,
                                p.site_readiness_rest).astype(float),
        pt_access=pt_access, distance=distance, reach=None, ttwa_xy=ttwa_xy,
        safety_stock=np.zeros(n),
        crime_reference=float(start.mean()),
        crime_start=None if crime is None else start.astype(float),
    )
    update_reach(hoods, p)
    return hoods


def update_reach(hoods: Neighbourhoods, p: Params) -> None:
    """Which zones each neighbourhood reaches, by mode (after transport improves, again).

    The TTWA is a whole labour market: by car it is always in reach, by public
    transport only from neighbourhoods with a good (rail or express bus) link [A].
    """
    n = hoods.n
    pt_range = p.pt_reach_km * (0.5 + hoods.pt_access)
    reach = np.stack([hoods.distance <= pt_range[:, None], hoods.distance <= p.car_reach_km])
    reach[CAR, :, n] = True
    reach[PT, :, n] = hoods.pt_access >= 0.7
    hoods.reach = reach


def build_network(hoods: Neighbourhoods, rng, k: int = 4) -> Network:
    """The Mesa network: each neighbourhood linked to its k nearest, the TTWA to its nearest."""
    n = hoods.n
    graph = nx.Graph()
    positions = {i: (float(hoods.x[i]), float(hoods.y[i])) for i in range(n)}
    positions[n] = hoods.ttwa_xy
    graph.add_nodes_from(positions)
    d = hoods.distance[:, :n]
    for i in range(n):
        for j in np.argsort(d[i], kind="stable")[1 : k + 1]:
            graph.add_edge(i, int(j))
    for i in np.argsort(hoods.distance[:, n], kind="stable")[: min(3, n)]:
        graph.add_edge(n, int(i))
    return Network(graph, random=rng, layout=positions)
