"""The posterior: ABC rejection over the trials, with kernel weights.

With the default sampler the trials are a scrambled Sobol sample of the uniform prior over
the registry's ranges, so keeping the trials whose distance is below the `accept`
quantile epsilon is ABC rejection sampling (Pritchard et al. 1999); Epanechnikov weights
w = 1 - (d / epsilon)^2 smooth the cut (Beaumont, Zhang and Balding 2002). With the TPE
sampler the proposal is not the prior and the same weights give an approximation that is
too concentrated (there is no proposal density to correct by): use it to find the best
point, not for the posterior's width.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

WEIGHT = "weight"
DISTANCE = "distance"


@dataclass(frozen=True)
class Posterior:
    """Accepted parameter sets with weights.

    Attributes:
        samples: one row per accepted trial: the parameters, `distance`, `weight` (sum 1).
        names: the calibrated parameters.
        epsilon: the acceptance distance.
        acceptance: accepted trials / finished trials.
    """

    samples: pd.DataFrame
    names: tuple[str, ...]
    epsilon: float
    acceptance: float

    @property
    def ess(self) -> float:
        """Kish's effective sample size, (sum w)^2 / sum w^2."""
        w = self.samples[WEIGHT].to_numpy(float)
        return float(w.sum() ** 2 / (w**2).sum())

    def best(self) -> dict[str, float]:
        """The accepted parameter set closest to the targets."""
        row = self.samples.loc[self.samples[DISTANCE].idxmin()]
        return {n: row[n].item() for n in self.names}

    def interval(self, name: str, level: float = 0.9) -> tuple[float, float]:
        """The central weighted interval of one parameter."""
        tail = (1 - level) / 2
        return (weighted_quantile(self.samples[name], self.samples[WEIGHT], tail),
                weighted_quantile(self.samples[name], self.samples[WEIGHT], 1 - tail))

    def draw(self, n: int, rng: np.random.Generator) -> pd.DataFrame:
        """`n` parameter sets resampled by weight (with replacement)."""
        w = self.samples[WEIGHT].to_numpy(float)
        rows = rng.choice(len(w), size=n, p=w / w.sum())
        return self.samples.iloc[rows][list(self.names)].reset_index(drop=True)

    @classmethod
    def read(cls, path) -> Posterior:
        """A posterior written by `coalition calibrate` (posterior.parquet)."""
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        meta = {k.decode(): v.decode() for k, v in (table.schema.metadata or {}).items()}
        names = tuple(meta["names"].split(","))
        return cls(table.to_pandas(), names, float(meta["epsilon"]), float(meta["acceptance"]))

    def write(self, path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(self.samples, preserve_index=False)
        meta = {"names": ",".join(self.names), "epsilon": repr(self.epsilon),
                "acceptance": repr(self.acceptance), "method": "ABC rejection, "
                "Epanechnikov weights on distance / epsilon"}
        pq.write_table(table.replace_schema_metadata(meta), path)


def weighted_quantile(values, weights, q: float) -> float:
    """The q-quantile of a weighted sample (midpoint rule on the sorted cumulative weights)."""
    v, w = np.asarray(values, float), np.asarray(weights, float)
    order = np.argsort(v, kind="stable")
    v, w = v[order], w[order]
    cum = (np.cumsum(w) - 0.5 * w) / w.sum()
    return float(np.interp(q, cum, v))


def posterior_from_trials(trials: pd.DataFrame, names, accept: float) -> Posterior:
    """Keep the `accept` share of finished trials closest to the targets, weighted.

    Args:
        trials: one row per finished trial: the parameters and `distance`.
        names: the calibrated parameters.
        accept: share of trials kept (0 < accept <= 1); at least two are kept.
    """
    finite = trials[np.isfinite(trials[DISTANCE])]
    if len(finite) < 2:
        undefined = sorted(c for c in trials.columns if c not in (*names, DISTANCE, "trial")
                           and trials[c].isna().any())
        raise ValueError(f"{len(finite)} of {len(trials)} trials have a finite distance: "
                         f"targets undefined in some trial: {', '.join(undefined) or 'none'}")
    keep = max(2, int(np.ceil(accept * len(finite))))
    ranked = finite.sort_values(DISTANCE, kind="stable")
    # epsilon: the distance of the first rejected trial, so accepted trials weigh > 0
    kept = ranked.iloc[:keep]
    epsilon = float(ranked[DISTANCE].iloc[keep] if keep < len(ranked)
                    else kept[DISTANCE].max() * 1.05)
    epsilon = max(epsilon, 1e-12)
    weight = np.maximum(1 - (kept[DISTANCE].to_numpy(float) / epsilon) ** 2, 0.0)
    if weight.sum() == 0:
        weight = np.ones(len(kept))
    samples = kept[[*names, DISTANCE, *(c for c in ("trial",) if c in kept)]].copy()
    samples[WEIGHT] = weight / weight.sum()
    return Posterior(samples.reset_index(drop=True), tuple(names), epsilon,
                     keep / len(trials))
