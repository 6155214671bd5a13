"""The `coalition` command. Thin: parses arguments and delegates.

Subcommands:
    run       simulate a scenario (default: the embedded district baseline) and
              write Parquet tables, manifest.json and summary.png to a folder.
    validate  run a preset's baseline over several seeds and compare with the
              calibration targets; exit code 1 if a simulated target fails.
    compare   every scenario and its counterfactual over the same seeds (common
              random numbers): net effects with intervals, an HTML report.
    optimise  search the mix for the best expected objective, re-checked on
              fresh seeds against the scenario as given.
    claims    the four seed claims, each tested at defaults and in a failure region
              (experiments/claims/): holds, fails or inconclusive, with intervals.
    dashboard open the interactive dashboard (two scenarios side by side) in a browser.
    experiment  run, resume, inspect and analyse batch experiments (see docs/experiments.md).

User errors (bad scenario files, unknown parameters, bad argument values)
print one line `coalition: error: ...` and exit with code 2; nothing is written.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path

from sim.params import DEFAULT_PRESET, PRESETS, ParameterError

PROG = "coalition"
EXIT_USAGE = 2
MAX_MONTHS = 1200  # --months: 100 years, already far past any programme the model is for
EXIT_FAILED_RUNS = 3  # simulations failed (validate's 1 means a target failed)


class UserError(Exception):
    """A problem with what the user asked for; reported in one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line, like every other user error, and that
    takes no abbreviations (`--seed 3` must not silently mean `--seeds 3`); its
    subcommands' parsers are of this class too."""

    def __init__(self, *args, **kwargs):
        kwargs["allow_abbrev"] = False
        super().__init__(*args, **kwargs)

    def error(self, message: str):
        raise UserError(f"{message} (see '{self.prog} --help')")


def _int_at_least(minimum: int, maximum: int | None = None, why: str = ""):
    """An argparse type: a whole number >= `minimum` (and <= `maximum`, saying `why`)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be >= {minimum}, got {value}")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"must be <= {maximum}{why}, got {value}")
        return value

    return parse


def _add_backend(parser: argparse.ArgumentParser) -> None:
    """--backend, --workers and --scheduler: where the simulations run (sim.backends)."""
    from sim.backends import BACKENDS, default_workers

    parser.add_argument("--backend", choices=BACKENDS, help="serial, processes or dask "
                        "(default: processes, or serial with one worker); results do not "
                        "depend on it")
    parser.add_argument("--workers", type=_int_at_least(1), default=default_workers(),
                        help="worker processes (default: the CPUs this process may use)")
    parser.add_argument("--scheduler", help="address of a running Dask scheduler "
                        "(backend dask; default: a local cluster on loopback)")


def _backend(args: argparse.Namespace):
    """The Backend the arguments ask for."""
    from sim.backends import Backend

    name = args.backend or ("serial" if args.workers == 1 else "processes")
    try:
        return Backend(name, args.workers, args.scheduler)
    except ValueError as exc:
        raise UserError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    from sim.io import package_version

    parser = _Parser(prog=PROG, description="Agent-based model of a deprived district's "
                     "economy under regeneration regimes.")
    parser.add_argument("--version", action="version", version=f"{PROG} {package_version()}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for add in (_add_run, _add_validate, _add_compare, _add_optimise, _add_claims):
        add(sub)
    _add_district_commands(sub)
    from sim.viz.launch import add_parser as add_dashboard_parser

    add_dashboard_parser(sub)
    from sim.experiments.cli import add_parser as add_experiment_parser

    add_experiment_parser(sub)
    return parser


def _add_run(sub) -> None:
    run = sub.add_parser("run", help="simulate one scenario and write its outputs")
    run.add_argument("scenario", nargs="?", help="scenario TOML file (default: embedded "
                     "district baseline)")
    run.add_argument("--preset", choices=list(PRESETS), help="override the scenario's preset")
    run.add_argument("--seed", type=_int_at_least(0), help="override the scenario's seed")
    run.add_argument("--months", type=_int_at_least(1, MAX_MONTHS, " (100 years)"),
                     help=f"total months to simulate, at most {MAX_MONTHS} (burn-in "
                     "included; default: burn-in + programme)")
    run.add_argument("--out", type=Path, help="output folder (default: results/<name>-seed<N>)")


def _add_validate(sub) -> None:
    val = sub.add_parser("validate", help="compare a preset's baseline with the "
                         "calibration targets")
    val.add_argument("--preset", choices=list(PRESETS), default=DEFAULT_PRESET)
    val.add_argument("--seeds", type=_int_at_least(1), default=5, help="seeds 1..N (default 5)")
    _add_backend(val)
    val.add_argument("--json", action="store_true", help="print one JSON document")
    val.add_argument("--out", type=Path, help="folder that keeps finished runs, so that an "
                     "interrupted validation resumes (default: none)")
    val.add_argument("--district", type=Path, help="district file (coalition district build): "
                     "its neighbourhoods, and its local targets after the general ones")


def _add_compare(sub) -> None:
    cmp_ = sub.add_parser("compare", help="run scenarios and their counterfactual (no "
                          "programme) over the same seeds; net effects with intervals, a report")
    cmp_.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="scenario TOML files; "
                      "the first is the reference for differences between scenarios")
    cmp_.add_argument("--preset", choices=list(PRESETS), help="override every scenario's preset "
                      "(budgets scale with population)")
    cmp_.add_argument("--seeds", type=_seeds_or_auto, default=5,
                      help="paired runs, from the first scenario's seed (default 5), or "
                      "'auto': add seeds in batches of 5 until the headline interval (net "
                      "resident employment-years, and each difference from the first "
                      "scenario) is narrow enough")
    cmp_.add_argument("--target-half-width", default="10%", metavar="X",
                      help="with --seeds auto: stop when every headline 95%% interval's "
                      "half-width is below X, in net resident employment-years, or a "
                      "percentage of the difference's size such as 10%% (default 10%%)")
    cmp_.add_argument("--max-seeds", type=_int_at_least(2), default=40,
                      help="with --seeds auto: at most this many seeds (default 40)")
    cmp_.add_argument("--marginal", action=argparse.BooleanOptionalAction, default=None,
                      help="also measure each lever's marginal value (net outcome per "
                      "extra GBP 1m, paired runs; about 9 times the comparison's runs); "
                      "default: on with --json, off otherwise")
    cmp_.add_argument("--marginal-seeds", type=_int_at_least(2),
                      help="seeds for the marginal values (default: all the comparison's)")
    _add_backend(cmp_)
    cmp_.add_argument("--json", action="store_true", help="print one JSON document")
    cmp_.add_argument("--out", type=Path, help="report folder (default: "
                      "results/compare/<names>-seeds<N>): report.html, headline.csv, "
                      "additionality.csv, spending.csv, and units/ with every paired run's "
                      "tables; the same command resumes an interrupted comparison")
    cmp_.add_argument("--posterior", type=Path, help="posterior.parquet of `coalition "
                      "calibrate`: repeat the comparison at parameter sets drawn from it; "
                      "intervals include parameter uncertainty (one or two scenarios)")
    cmp_.add_argument("--draws", type=_int_at_least(2), default=8, help="posterior draws "
                      "with --posterior (default 8)")


def _seeds_or_auto(text: str):
    """--seeds of compare: a whole number >= 2 or 'auto'."""
    return "auto" if text == "auto" else _int_at_least(2)(text)


def _add_optimise(sub) -> None:
    opt = sub.add_parser("optimise", help="search the mix (and settings the scenario marks as "
                         "free) for the best expected objective; report it against the "
                         "scenario as given")
    opt.add_argument("scenario", help="scenario TOML file ([optimise] free = [...] lists "
                     "settings besides the mix that may change)")
    opt.add_argument("--budget", type=float, help="regeneration budget, GBP a year")
    opt.add_argument("--objective", default="reengaged", help="what to improve, net of the "
                     "counterfactual: reengaged (default), jobs, employment_deprived, wellbeing, "
                     "or any run outcome with a direction (e.g. crime_deprived_end, minimised)")
    opt.add_argument("--preset", choices=list(PRESETS), help="override the scenario's preset")
    opt.add_argument("--seeds", type=_int_at_least(2), default=4,
                     help="seeds per candidate in the first round (default 4)")
    opt.add_argument("--budget-evals", type=_int_at_least(4), default=24,
                     help="candidates to evaluate (default 24)")
    _add_backend(opt)
    opt.add_argument("--out", type=Path, help="folder for candidates.csv, result.txt and "
                     "units/ with every run's tables (default: results/optimise/"
                     "<name>-<objective>); the same command resumes an interrupted search")
    _add_robust(opt)


def _add_robust(opt) -> None:
    """optimise --robust: a mix that holds up across uncertain worlds (sim.analysis.robust)."""
    opt.add_argument("--robust", metavar="STUDY_OR_UNCERTAINTY_FILE", help="optimise a "
                     "robustness measure across worlds drawn from the uncertainties of this "
                     "experiment file (or the study folder it ran in)")
    opt.add_argument("--measure", default="percentile:10", help="with --robust: mean, "
                     "percentile:Q (default percentile:10, the worst decile), regret "
                     "(minimax regret) or satisfice:T (share of worlds meeting T)")
    opt.add_argument("--worlds", type=_int_at_least(2), help="with --robust: worlds in the "
                     "search and in the fresh re-check (default: the file's sample size)")


def _add_claims(sub) -> None:
    clm = sub.add_parser("claims", help="test the four seed claims at defaults and in their "
                         "failure regions (experiments/claims/claims.toml): holds, fails or "
                         "inconclusive, with 95%% intervals")
    clm.add_argument("--preset", choices=list(PRESETS), help="override every scenario's preset "
                     "(budgets scale with population; default: the scenarios' own, district)")
    clm.add_argument("--seeds", type=_int_at_least(2), default=10,
                     help="paired runs per comparison, seeds 1..N (default 10)")
    _add_backend(clm)
    clm.add_argument("--json", action="store_true", help="print one JSON document")
    clm.add_argument("--out", type=Path, help="folder for claims.txt, claims.json and units/ "
                     "with every paired run's tables (default: results/claims/"
                     "<preset>-seeds<N>); the same command resumes an interrupted run")


def _out_dir(args: argparse.Namespace, scenario, base_preset: str) -> Path:
    """--out, or a default under results/ (tagged with the preset if it was overridden)."""
    from sim.runner import default_out_dir

    if args.out is not None:
        out = args.out
    else:
        tag = scenario.preset if scenario.preset != base_preset else ""
        out = default_out_dir(scenario, args.months, tag=tag)
    return _folder(out)


def _folder(out: Path) -> Path:
    """An output folder argument: a folder or nothing yet, never a file."""
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} exists and is not a folder")
    return out


def compare_folder(names: list[str], seeds: int | str, preset: str | None = None) -> Path:
    """`results/compare/<names>[-<preset>]-seeds<N>`: one folder name however the scenarios
    are named (sim.io.safe_name), tagged with the preset when --preset overrides it."""
    from sim.io import safe_name

    joined = "-vs-".join(safe_name(n) for n in names)
    tag = f"-{preset}" if preset else ""
    return Path("results", "compare", f"{safe_name(joined)}{tag}-seeds{seeds}")


def cmd_run(args: argparse.Namespace, command_line: list[str]) -> int:
    """`coalition run`: simulate, save, print a short summary."""
    from sim.analysis.run_summary import format_run_summary
    from sim.io import check_replaceable
    from sim.progress import progress_bar
    from sim.runner import full_length, run_scenario, save_run
    from sim.scenario import load_default_scenario, load_scenario

    base = load_scenario(args.scenario) if args.scenario else load_default_scenario()
    scenario = base.with_changes(preset=args.preset, seed=args.seed)
    out = _out_dir(args, scenario, base.preset)
    check_replaceable(out)  # before simulating, not after
    months = args.months or full_length(scenario)
    with progress_bar(months, scenario.name, "month") as bar:
        result = run_scenario(scenario, months, progress=bar.update)
    folder = save_run(result, out, command_line)
    header = (f"Scenario {scenario.name!r}: preset {scenario.preset}, seed {scenario.seed}, "
              f"{months} months (burn-in {scenario.params.burn_in_months})")
    footer = [f"Wall time: {result.wall_seconds:.1f} s", f"Output: {folder}"]
    print(format_run_summary(result.monthly, header, footer))
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """`coalition validate`: print the target table (or JSON); 1 if a target fails."""
    from sim.analysis import validation

    out = _folder(args.out) if args.out is not None else None
    district = _district_file(args.district)
    table = validation.validate(args.preset, args.seeds, _backend(args), folder=out,
                                progress=True, district=district)
    label = args.preset if district is None else f"{args.preset}, district {district.name}"
    if args.json:
        print(validation.to_json(table, label, args.seeds))
    else:
        print(validation.format_table(table, label, args.seeds))
    return 0 if validation.all_pass(table) else 1


def cmd_compare(args: argparse.Namespace) -> int:
    """`coalition compare`: every scenario against its counterfactual, a report and CSVs."""
    from sim.analysis import compare, report, seeds
    from sim.scenario import load_scenario

    bases = [load_scenario(path) for path in args.scenarios]
    scenarios = [s.with_changes(preset=args.preset) for s in bases]
    names = [s.name for s in scenarios]
    if len(set(names)) < len(names):
        raise UserError(f"scenario names must differ, got {names}")
    overridden = args.preset if any(b.preset != args.preset for b in bases) else None
    out = _folder(args.out or compare_folder(names, args.seeds, overridden))
    try:
        seeds.Target.parse(args.target_half_width)
    except ValueError as exc:
        raise UserError(f"--target-half-width: {exc}") from None
    if args.posterior is not None:
        if args.seeds == "auto":
            raise UserError("--posterior needs a number of seeds, not --seeds auto")
        return compare_under_posterior(args, scenarios, out)
    backend = _backend(args)
    result = report.compare_scenarios(scenarios, seeds=args.seeds, backend=backend,
                                      folder=out, progress=True,
                                      target=args.target_half_width, max_seeds=args.max_seeds)
    marginal = args.json if args.marginal is None else args.marginal  # on for --json
    if marginal:
        report.add_marginal(result, backend, out, progress=True, seeds=args.marginal_seeds)
    # The intervals and charts take a while after the last simulation: say so.
    print(f"compare: writing the report, tables and charts into {out} ...", file=sys.stderr,
          flush=True)
    folder, summary = report.write_report(result, out)
    if args.json:
        print(report.to_json(result))
        return 0
    if len(scenarios) == 1:
        pairs = result.pairs[0]
        extra = compare.costs_and_ratios(pairs, scenarios[0].params.discount_rate)
        print(compare.format_comparison(compare.differences(pairs), extra, names[0],
                                        "no programme", result.seeds))
        print("\n" + report.seeds_and_marginal_text(result))
    else:
        print(summary)
    print(f"\nReport: {folder / 'report.html'}")
    return 0


def cmd_optimise(args: argparse.Namespace) -> int:
    """`coalition optimise`: best mix for a budget, re-checked on fresh seeds."""
    from sim.analysis import optimise
    from sim.io import safe_name
    from sim.params import ParameterError as _ParameterError
    from sim.scenario import load_scenario

    try:
        optimise.objective_of(args.objective)
    except ValueError as exc:
        raise UserError(f"--objective: {exc}") from None
    scenario = load_scenario(args.scenario).with_changes(preset=args.preset)
    if not scenario.policy.funded:
        raise UserError(f"{args.scenario}: the scenario has no regime (regime = 'none'): there "
                        "is no money to allocate")
    if args.budget is not None:
        try:
            params = scenario.params.replace(where="--budget", regeneration_budget=args.budget)
        except _ParameterError as exc:
            raise UserError(str(exc)) from None
        scenario = replace(scenario, params=params)
    if args.robust is not None:
        return _optimise_robust(args, scenario)
    out = _folder(args.out or Path("results", "optimise",
                                   safe_name(f"{safe_name(scenario.name)}-{args.objective}")))
    result = optimise.optimise(scenario, args.objective, args.seeds, args.budget_evals,
                               _backend(args), folder=out, progress=True)
    return _report_search(out, result.evaluated, optimise.format_result(result, scenario.name))


def _report_search(out: Path, evaluated, text: str) -> int:
    """Print a search's result and keep it with every candidate evaluated."""
    from sim.io import write_texts_atomic

    print(text)
    write_texts_atomic({out / "candidates.csv": evaluated.to_csv(index=False),
                        out / "result.txt": text + "\n"})
    print(f"\nOutput: {out}")
    return 0


def _optimise_robust(args: argparse.Namespace, scenario) -> int:
    """`optimise --robust`: the mix with the best robustness measure across worlds."""
    from sim.analysis import robust
    from sim.io import safe_name

    try:
        measure = robust.parse_measure(args.measure)
        robust.sample_worlds(args.robust, 2)  # the source is usable, before any run
    except (ValueError, FileNotFoundError) as exc:
        raise UserError(f"--robust/--measure: {exc}") from None
    name = safe_name(f"{safe_name(scenario.name)}-{args.objective}-robust-"
                     f"{args.measure.replace(':', '')}")
    out = _folder(args.out or Path("results", "optimise", name))
    result = robust.optimise_robust(scenario, args.robust, args.objective, measure,
                                    args.worlds, args.budget_evals, _backend(args),
                                    folder=out, progress=True)
    return _report_search(out, result.evaluated, robust.format_robust(result, scenario.name))


def cmd_claims(args: argparse.Namespace) -> int:
    """`coalition claims`: one line per claim and setting, or JSON; kept in --out."""
    from sim.analysis import claims
    from sim.io import write_texts_atomic

    try:
        definitions = claims.load_claims()
    except claims.ClaimsError as exc:
        raise UserError(str(exc)) from None
    preset = args.preset or definitions[0].defaults.a.preset
    out = _folder(args.out or Path("results", "claims", f"{preset}-seeds{args.seeds}"))
    verdicts = claims.run_claims(definitions, args.seeds, args.preset, _backend(args),
                                 progress=True, folder=out)
    text, document = claims.format_verdicts(verdicts, preset), claims.to_json(verdicts, preset)
    write_texts_atomic({out / "claims.txt": text + "\n", out / "claims.json": document + "\n"})
    print(document if args.json else f"{text}\n\nOutput: {out}")
    return 0


# --- District files and calibration (issue 14) ------------------------------------------
def _add_district_commands(sub) -> None:
    """`district build` and `calibrate`."""
    dist = sub.add_parser("district", help="build a district file from open-data tables")
    build = dist.add_subparsers(dest="district_command", required=True,
                                parser_class=_Parser).add_parser(
        "build", help="read IoD 2019 File 7, mid-year estimates and centroids (optionally UK "
        "Business Counts) in their published layouts; write district.toml")
    build.add_argument("--iod", type=Path, required=True, help="IoD 2019 File 7 CSV")
    build.add_argument("--population", type=Path, required=True, help="ONS LSOA mid-year "
                       "estimates CSV (persons, single year of age)")
    build.add_argument("--centroids", type=Path, required=True, help="ONS LSOA "
                       "population-weighted centroids CSV")
    build.add_argument("--business-counts", type=Path, help="Nomis UK Business Counts CSV "
                       "by LSOA (optional)")
    build.add_argument("--lad", help="local authority district code to select")
    build.add_argument("--name", help="the district's name (default: the authority's)")
    build.add_argument("--out", type=Path, required=True, help="folder for district.toml")
    cal = sub.add_parser("calibrate", help="fit parameters to the calibration targets (ABC "
                         "rejection on Optuna trials); write the posterior and diagnostics")
    cal.add_argument("--params", required=True, help="comma-separated registry names to fit "
                     "(each over its registry range)")
    cal.add_argument("--preset", choices=list(PRESETS), default=DEFAULT_PRESET)
    cal.add_argument("--district", type=Path, help="district file: its neighbourhoods and "
                     "its local targets")
    cal.add_argument("--targets", help="comma-separated targets (default: every target one "
                     "baseline run measures, local ones included)")
    cal.add_argument("--trials", type=_int_at_least(2), default=60, help="default 60")
    cal.add_argument("--replicates", type=_int_at_least(1), default=2,
                     help="seeds per trial, 1..N (default 2)")
    cal.add_argument("--accept", type=float, default=0.2, help="share of trials the "
                     "posterior keeps (default 0.2)")
    cal.add_argument("--sampler", choices=("qmc", "tpe"), default="qmc", help="qmc: Sobol "
                     "sample of the prior (valid ABC, default); tpe: optimiser (best point)")
    cal.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                     help="hold a parameter fixed (repeatable), e.g. programme_months=24")
    cal.add_argument("--ppc-draws", type=_int_at_least(0), default=8, help="posterior draws "
                     "for the predictive check (default 8)")
    cal.add_argument("--seed", type=_int_at_least(0), default=1)
    _add_backend(cal)
    cal.add_argument("--out", type=Path, help="output folder (default results/calibrate/"
                     "<preset or district>); the same command resumes")


def _district_file(path: Path | None):
    """The district file `--district` names, or None."""
    if path is None:
        return None
    from sim.district import DistrictError, load_district

    try:
        return load_district(path)
    except DistrictError as exc:
        raise UserError(f"--district: {exc}") from None


def _fixed_overrides(items: list[str]) -> dict:
    """`--set NAME=VALUE` pairs as parameter overrides (numbers or true/false)."""
    import tomllib

    fixed = {}
    for item in items:
        name, sep, value = item.partition("=")
        try:
            fixed[name.strip()] = tomllib.loads(f"v = {value.strip()}")["v"] if sep else None
        except tomllib.TOMLDecodeError:
            fixed[name.strip()] = None
        if fixed[name.strip()] is None:
            raise UserError(f"--set: expected NAME=VALUE with a number, got {item!r}")
    return fixed


def cmd_calibrate(args: argparse.Namespace) -> int:
    """`coalition calibrate`: the posterior, diagnostics and a calibrated scenario."""
    from sim.analysis import validation
    from sim.calibrate import CalibrationError, Problem, calibratable_targets
    from sim.calibrate.command import format_summary, run_calibration
    from sim.io import safe_name

    district = _district_file(args.district)
    fixed = _fixed_overrides(args.set)
    names = tuple(n.strip() for n in args.params.split(",") if n.strip())
    if district is not None and set(names) & set(district.params):
        raise UserError(f"--params: {sorted(set(names) & set(district.params))[0]} is set by "
                        "the district file")
    scenario = validation.baseline_scenario(args.preset, fixed, district)
    targets = calibratable_targets(validation.targets_for(district),
                                   scenario.params.programme_months)
    if args.targets:
        wanted = [t.strip() for t in args.targets.split(",") if t.strip()]
        unknown = sorted(set(wanted) - set(targets["target"]))
        if unknown:
            raise UserError(f"--targets: {unknown[0]!r} is not a calibratable target "
                            f"(allowed: {', '.join(targets['target'])})")
        targets = targets[targets["target"].isin(wanted)].reset_index(drop=True)
    if not 0 < args.accept <= 1:
        raise UserError(f"--accept must be in (0, 1], got {args.accept}")
    try:
        problem = Problem(scenario, names, targets, tuple(range(1, args.replicates + 1)))
    except CalibrationError as exc:
        raise UserError(str(exc)) from None
    label = args.preset if district is None else safe_name(district.name)
    out = _folder(args.out or Path("results", "calibrate", label))
    try:
        doc = run_calibration(problem, args.trials, out, args.accept, args.sampler, args.seed,
                              args.ppc_draws, _backend(args), fixed,
                              None if district is None else district.source, progress=True)
    except CalibrationError as exc:
        raise UserError(str(exc)) from None
    print(format_summary(doc, out))
    return 0


def compare_under_posterior(args: argparse.Namespace, scenarios: list, out: Path) -> int:
    """`compare --posterior`: differences over posterior draws and seeds, with the shares of
    their variance due to parameters and seeds (sim.analysis.posterior)."""
    from sim.analysis import posterior
    from sim.calibrate import Posterior

    if len(scenarios) > 2:
        raise UserError("--posterior compares one scenario with its counterfactual or two "
                        f"scenarios with each other, got {len(scenarios)}")
    try:
        draws = Posterior.read(args.posterior)
    except (OSError, KeyError, ValueError) as exc:
        raise UserError(f"--posterior: {args.posterior}: not a calibration posterior "
                        f"({exc})") from None
    seeds = range(scenarios[0].seed, scenarios[0].seed + args.seeds)
    table = posterior.compare_under_posterior(scenarios, draws, args.draws, seeds,
                                              _backend(args), out / "posterior-units",
                                              seed=scenarios[0].seed, progress=True)
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "posterior-differences.csv", index=False)
    if args.json:
        print(table.to_json(orient="records", indent=2))
    else:
        print(posterior.format_table(table, [s.name for s in scenarios], args.draws,
                                     args.seeds))
        print(f"\nTable: {out / 'posterior-differences.csv'}")
    return 0


def cmd_district(args: argparse.Namespace) -> int:
    """`coalition district build`: write the district file and say where it is."""
    from sim.district import DistrictError, build_district, load_district

    try:
        path = build_district(args.iod, args.population, args.centroids, args.out,
                              lad=args.lad, business_counts=args.business_counts,
                              name=args.name)
        district = load_district(path)
    except DistrictError as exc:
        raise UserError(str(exc)) from None
    print(f"{district.name}: {district.n} neighbourhoods ({int(district.deprived.sum())} in "
          f"IMD decile 1), {len(district.targets)} local targets\nDistrict file: {path}")
    return 0


def dispatch(args: argparse.Namespace, command_line: list[str]) -> int:
    """Run the subcommand `args` names."""
    if args.command == "experiment":
        from sim.experiments.cli import handle

        return handle(args)
    if args.command == "dashboard":
        from sim.viz.launch import handle as dashboard

        return dashboard(args)
    commands = {"run": lambda a: cmd_run(a, command_line), "compare": cmd_compare,
                "optimise": cmd_optimise, "validate": cmd_validate, "claims": cmd_claims,
                "district": cmd_district, "calibrate": cmd_calibrate}
    return commands[args.command](args)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `coalition` command.

    Args:
        argv: arguments without the program name (default: `sys.argv[1:]`).

    Returns:
        The exit code: 0 success, 1 validation failure, 2 user error, 3 simulations
        failed (the finished ones are kept; rerun to retry the others).
    """
    from sim.backends import BackendError
    from sim.evaluate import EvaluationError, FolderBusy
    from sim.experiments.fields import ExperimentError
    from sim.io import OutputFolderError
    from sim.scenario import ScenarioError

    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args = build_parser().parse_args(argv)
        return dispatch(args, [PROG, *argv])
    except (UserError, ScenarioError, ParameterError, ExperimentError, FolderBusy,
            OutputFolderError) as exc:
        for line in str(exc).splitlines():  # an experiment file may have several problems
            print(f"{PROG}: error: {line}", file=sys.stderr)
        return EXIT_USAGE
    except (EvaluationError, BackendError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_FAILED_RUNS
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; commands with an output folder (compare, optimise, "
              "validate --out, experiment run) resume when run again", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output piped into a reader that closed early (e.g. `| head`): stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as exc:  # a full disk or an unwritable output folder: one line
        from sim.io import describe_write_error, is_write_fault

        if not is_write_fault(exc):
            raise
        print(f"{PROG}: error: {describe_write_error(exc, '.')}", file=sys.stderr)
        return EXIT_FAILED_RUNS


if __name__ == "__main__":
    sys.exit(main())
