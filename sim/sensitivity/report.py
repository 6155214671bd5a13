"""`summary.md` of a sensitivity analysis: settings, runs, ranked factors, caveats.

Written for a reader who did not run the study: which method and settings
(from the manifest, never re-entered), how many runs succeeded and what was
done about the others, per outcome the factors ranked with their indices and
intervals, how much of the variance is seed noise, whether the indices have
converged, and what the numbers cannot say.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from sim.sensitivity.failures import Failures
from sim.sensitivity.study import Study

METHOD_TEXT = {
    "sobol": "Sobol' variance-based indices (Sobol 2001): S1 (first order) and ST (total) by the "
             "estimators of Saltelli et al. (2010), S2 by Saltelli (2002), on Saltelli's sampling "
             "scheme over a scrambled Sobol' sequence",
    "morris": "Morris elementary effects (Morris 1991) with mu* (Campolongo, Cariboni and "
              "Saltelli 2007)",
    "fast": "extended FAST variance-based indices (Saltelli, Tarantola and Chan 1999)",
    "grid": "a full-factorial grid, analysed descriptively",
    "lhs": "a Latin hypercube sample, analysed descriptively",
}
COLUMNS = {
    "sobol": (("S1", "S1_conf"), ("ST", "ST_conf")),
    "fast": (("S1", "S1_conf"), ("ST", "ST_conf")),
    "morris": (("mu_star", "mu_star_conf"), ("mu", None), ("sigma", None)),
    "grid": (("level_range", None), ("src", None)),
    "lhs": (("level_range", None), ("src", None)),
}
HOW_TO_READ = {
    "sobol": "S1 is the share of the output variance a factor explains on its own; ST adds "
             "everything it does together with other factors. ST near 0: the factor can be "
             "fixed anywhere in its range. ST much above S1: interactions. Intervals are 95% "
             "bootstrap intervals (value ± half-width).",
    "fast": "S1 is the share of the output variance a factor explains on its own; ST adds its "
            "interactions. SALib's eFAST intervals are indicative only (SALib issue 649).",
    "morris": "mu* ranks factors by their mean absolute elementary effect: the change in the "
              "outcome per step, scaled to the factor's whole range (outcome units). sigma "
              "large relative to mu* means non-linear effects or interactions; |mu| near mu* "
              "means the effect has one sign. Morris screens; it does not apportion variance.",
    "grid": "level_range: largest minus smallest mean of the outcome over the factor's levels "
            "(numeric factors with many values: quintile bins), a crude main effect in outcome "
            "units; the means are in describe_<outcome>.csv. SRC: change in the outcome, in "
            "standard deviations, per standard deviation of the factor, from a linear fit of "
            "the point means (a measure of importance only if R^2 is high).",
}
HOW_TO_READ["lhs"] = HOW_TO_READ["grid"]


POLICY_LABELS = {"targeting": "share of each lever's money aimed at deprived neighbourhoods",
                 "regime": "governance regime", "budget": "regeneration budget"}


def factor_label(name: str) -> str:
    """A factor's label from the registries: a parameter's description (sim.params), a
    lever's label for its mix share (`mix.<lever>`), else the name itself."""
    from sim.params import REGISTRY
    from sim.policy.levers import registry

    if name in REGISTRY:
        return REGISTRY[name].description
    lever = name.removeprefix("mix.").removeprefix("mix_")
    if lever != name and lever in registry.names():
        return f"share of the mix: {registry.get(lever).label.lower()}"
    return POLICY_LABELS.get(name, name)


def factor_unit(name: str) -> str:
    from sim.params import REGISTRY

    return REGISTRY[name].unit if name in REGISTRY else ""


def outcome_unit(info: dict) -> str:
    """The unit of a study outcome from the outcome registry (sim.outcomes): a run-summary
    key or a monthly column; "" where it is not registered (function models)."""
    from sim import outcomes

    for key, level in (("summary", outcomes.RUN), ("column", outcomes.MONTHLY),
                       ("key", outcomes.RUN)):
        if key in info:
            try:
                return outcomes.lookup(info[key], level).unit
            except KeyError:
                continue
    return ""


def write_summary(path: Path, study: Study, results: list, on_failure: str | None,
                  found: Failures) -> Path:
    """Write `summary.md` for the analysed outcomes of `study`."""
    lines = [*_header(study), *_runs(study, found, on_failure), *_factors(study)]
    for result in results:
        lines += _outcome(study, result, on_failure)
    lines += _caveats(study)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _header(study: Study) -> list[str]:
    d, m = study.design, study.manifest
    settings = [f"samples N = {d.get('samples')}", f"design points = {study.points}",
                f"replicates = {study.replicates}", f"factors = {len(study.factor_names)}",
                _seeds(d)]
    if study.method == "sobol":
        settings.insert(1, f"second order = {'yes' if d.get('second_order') else 'no'}")
    if study.method == "morris":
        settings.insert(1, f"levels = {d.get('levels')}")
    return [f"# Sensitivity analysis: {m.get('study', study.folder.parent.name)} "
            f"({m.get('run_id', study.folder.name)})", "",
            f"Method: {METHOD_TEXT[study.method]}.", "",
            f"Settings (from manifest.json): {', '.join(settings)}."
            + (" Bootstrap: 1000 resamples, 95% intervals." if study.X is not None else ""), ""]


def _seeds(design: dict) -> str:
    """The study seed, and the sampler's seed when the runner derived one from it."""
    master = design.get("master_seed", design.get("seed"))
    sampler = design.get("sampler_seed", design.get("seed"))
    return f"seed = {master}" + (f" (sampler seed {sampler})" if sampler != master else "")


def _runs(study: Study, found: Failures, on_failure: str | None) -> list[str]:
    ok = int((study.runs["status"] == "ok").sum())
    lines = ["## Runs", "", "| simulations | ok | failed | missing |", "|---:|---:|---:|---:|",
             f"| {found.total} | {ok} | {len(found.failed)} | {len(found.missing)} |", ""]
    if not found:
        return lines + ["Every run succeeded; every design point is the mean of all its "
                        "replicates.", ""]
    return lines + [f"**Failure policy on_failure={on_failure!r}: {found.describe()}.** "
                    f"{_policy_text(study.method, on_failure)}", ""]


def _policy_text(method: str, on_failure: str | None) -> str:
    if on_failure == "mean":
        return ("**Failed points were filled with the mean of the other points: this is not "
                "model output, and it pulls every index towards zero.**")
    if method == "morris":
        return "Morris trajectories through failed points were dropped."
    return "Failed points were dropped."


def _factors(study: Study) -> list[str]:
    lines = ["## Factors", "", "| factor | label (registry) | unit | role | kind | range in "
             "the design |", "|---|---|---|---|---|---|"]
    for name in study.factor_names:
        role = study.factor(name).get("role", "")
        lines.append(f"| {name} | {factor_label(name)} | {factor_unit(name)} | {role} | "
                     f"{study.kind(name)} | {_range(study, name)} |")
    return lines + [""]


def _range(study: Study, name: str) -> str:
    """A factor's range in words: its levels, its distribution, or its bounds."""
    factor, problem = study.factor(name), study.design.get("problem", {})
    if study.kind(name) == "categorical":
        return "levels " + ", ".join(str(v) for v in factor.get("levels", [])) or "see manifest"
    names = problem.get("names", [])
    if name not in names:
        return "see manifest"
    j = names.index(name)
    bounds, dist = problem["bounds"][j], (problem.get("dists") or ["unif"] * len(names))[j]
    if dist == "norm":
        return f"normal, mean {bounds[0]:g}, sd {bounds[1]:g}"
    if "low" in factor and "high" in factor:
        bounds = [factor["low"], factor["high"]]
    return f"{bounds[0]:g} to {bounds[1]:g}" + (" (triangular)" if dist == "triang" else "")


def _outcome(study: Study, result, on_failure: str | None) -> list[str]:
    info = next((o for o in study.manifest["outcomes"] if o["name"] == result.outcome), {})
    net = " (net of the counterfactual)" if info.get("net") else ""
    lines = [f"## {result.outcome}{net}", "", _moments(info, result.points), ""]
    if result.main is not None:
        lines += [*ranked_table(result.main, study.method), "", HOW_TO_READ[study.method], ""]
    lines.append(f"- Seed noise: {noise_text(result.noise, study.method)}")
    lines.append(f"- Convergence: {result.verdict}.")
    lines += [f"- {_policy_count(study, result.points, on_failure)}"] if result.points.bad.any() \
        else []
    lines += [f"- Note: {note}" for note in result.notes]
    return lines + [""]


def _moments(info: dict, pv) -> str:
    """The outcome's unit, and the mean and variance of the point values analysed: the
    variance the indices apportion."""
    y = pv.y[pv.keep]
    unit = outcome_unit(info) or "unit not registered"
    if len(y) < 2:
        return f"Unit: {unit}."
    return (f"Unit: {unit}. Over the {len(y)} design points analysed: mean {y.mean():.4g}, "
            f"variance {y.var(ddof=1):.4g} (sd {y.std(ddof=1):.3g}); the indices below are "
            "shares of this variance.")


def _policy_count(study: Study, pv, on_failure: str | None) -> str:
    bad, total = int(pv.bad.sum()), study.points
    if on_failure == "mean":
        return (f"**{bad} of {total} design points ({bad / total:.1%}) were imputed with the "
                "mean of the others.**")
    return f"{bad} of {total} design points had failures; {int(pv.keep.sum())} points were used."


def ranked_table(main: pd.DataFrame, method: str) -> list[str]:
    """The ranked indices as a markdown table, each index with its interval half-width."""
    cols = COLUMNS[method]
    lines = ["| rank | factor | " + " | ".join(c for c, _ in cols) + " |",
             "|---:|---|" + "---:|" * len(cols)]
    for row in main.itertuples(index=False):
        cells = [_value(getattr(row, c), getattr(row, conf) if conf else None) for c, conf in cols]
        lines.append(f"| {row.rank} | {row.factor} | " + " | ".join(cells) + " |")
    if method in ("grid", "lhs") and main["r2"].notna().any():
        lines.append(f"\nR^2 of the linear fit: {float(main['r2'].max()):.2f}")
    return lines


def _value(x: float, conf: float | None) -> str:
    if not math.isfinite(x):
        return "n/a"
    return f"{x:.3g}" if conf is None else f"{x:.3g} ± {conf:.2g}"


NOISE_EFFECT = {
    "sobol": "with independent seeds it adds to every ST and shrinks every S1",
    "fast": "with independent seeds it adds to every ST and shrinks every S1",
    "morris": "it adds to every elementary effect, inflating mu* and sigma of every factor",
    "grid": "it lowers R^2 and blurs the means by level",
    "lhs": "it lowers R^2 and blurs the means by level",
}


SEED_CASES = {
    True: "common seeds: replicate r ran with the same seed at every design point (common "
          "random numbers), so the part of the seed noise every point shares cancels between "
          "points and only the point-by-seed interaction reaches the indices",
    False: "independent seeds: each run had its own seed, so all the seed noise is variance "
           "no factor explains: it adds to every ST and lowers every S1",
}


def noise_text(noise: dict, method: str) -> str:
    """Seed noise in words: which case applies (common or independent seeds), its share of
    the run variance and what is left in point means."""
    size = _noise_size(noise, method)
    return f"case: {SEED_CASES[bool(noise['common_seeds'])]}. {size[0].upper()}{size[1:]}"


def _noise_size(noise: dict, method: str) -> str:
    if noise["replicates"] < 2 and noise["common_seeds"]:
        return ("not measured (one replicate per point). The seed's effect common to every "
                "point cancels between points; what differs between points (the point-by-seed "
                "interaction) stays in the variance analysed, and one replicate cannot tell it "
                "from factor effects. Run replicates to measure it.")
    if noise["replicates"] < 2:
        return ("not measured (one replicate per point). Seed noise is then part of the output "
                f"variance analysed: {NOISE_EFFECT[method]}. Run replicates to measure it.")
    if not math.isfinite(noise["within_share"]):
        return "none (the outcome does not vary)."
    text = (f"{noise['within_share']:.1%} of the variance of single runs is between replicates "
            f"of the same point (replicate sd {noise['replicate_sd']:.3g}); averaged over "
            f"{noise['replicates']} replicates, the noise left is "
            f"{noise['noise_share_of_means']:.1%} of the variance of the point means analysed "
            f"({NOISE_EFFECT[method]}).")
    if noise["common_seeds"]:
        text += (" Every point ran with the same seeds (common random numbers), so the part "
                 "of the noise a seed gives all points alike cancels; that share counts only "
                 "the part that differs between points.")
    if noise["noise_share_of_means"] > 0.1:
        text += (" **That is large: effects of this size cannot be told from noise; add "
                 "replicates.**")
    return text


def _caveats(study: Study) -> list[str]:
    kinds = {study.kind(n) for n in study.factor_names}
    lines = ["## Caveats", ""]
    if "categorical" in kinds:
        lines.append("- Categorical factors are sampled on a continuous range cut into one "
                     "interval per level: their indices measure the effect of switching level, "
                     "and depend on the order the levels are listed in (Morris especially).")
    if "int" in kinds:
        lines.append("- Integer factors are analysed on the continuous sample values; the "
                     "model used them rounded.")
    if study.method == "fast":
        lines.append("- eFAST intervals are bootstrap estimates SALib calls indicative only; "
                     "eFAST designs cannot be subsampled, so convergence was not checked.")
    lines.append("- Indices hold for the ranges in the design, the programme and preset of the "
                 "study, and the outcomes as defined; other ranges can rank factors differently.")
    return lines
