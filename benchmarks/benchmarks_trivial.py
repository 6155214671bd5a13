"""A function model that costs nothing, to measure the experiment runner's own overhead.

A module of its own so spawned worker processes can import it (`bench_experiments`
puts this folder on sys.path, and spawned processes inherit it).
"""


def trivial(x: float, seed: int = 0) -> dict:
    """Returns x."""
    return {"y": x}
