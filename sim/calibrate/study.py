"""The Optuna study: proposals, replicate runs on any backend, resume, progress."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from sim.calibrate.abc import DISTANCE
from sim.calibrate.problem import CalibrationError, Problem
from sim.evaluate import evaluate

SAMPLERS = ("qmc", "tpe")
JOURNAL = "study.journal"
UNDEFINED = 1e12  # the distance told to Optuna for a trial with an undefined target


def _sampler(name: str, seed: int):
    import optuna

    if name == "qmc":  # a low-discrepancy sample of the uniform prior: ABC rejection is valid
        return optuna.samplers.QMCSampler(qmc_type="sobol", scramble=True, seed=seed,
                                          warn_independent_sampling=False)
    if name == "tpe":  # an optimiser: finds the best point faster, biases the posterior
        return optuna.samplers.TPESampler(seed=seed)
    raise CalibrationError(f"--sampler: {name!r} is not one of {', '.join(SAMPLERS)}")


def open_study(folder: Path, sampler: str, seed: int):
    """The study kept in `folder/study.journal` (created, or loaded to resume)."""
    import optuna
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    folder.mkdir(parents=True, exist_ok=True)
    storage = JournalStorage(JournalFileBackend(str(folder / JOURNAL)))
    return optuna.create_study(study_name="calibration", storage=storage, direction="minimize",
                               sampler=_sampler(sampler, seed), load_if_exists=True)


def _suggest(trial, problem: Problem) -> dict:
    from sim.params import REGISTRY

    values = {}
    for name, (low, high) in problem.bounds().items():
        values[name] = (trial.suggest_int(name, int(low), int(high))
                        if REGISTRY[name].kind is int else trial.suggest_float(name, low, high))
    return values


def _record(study, trial, problem: Problem, results) -> None:
    """The trial's simulated targets (as user attributes) and its distance."""
    simulated = problem.simulated(results)
    distance = problem.distance(simulated)
    for target, value in simulated.items():
        trial.set_user_attr(target, value)
    study.tell(trial, distance if math.isfinite(distance) else UNDEFINED)


def calibrate(problem: Problem, trials: int, folder: str | Path, sampler: str = "qmc",
              seed: int = 1, backend=None, batch: int | None = None,
              progress: bool = False) -> pd.DataFrame:
    """Run (or resume) the study until `trials` trials have finished; return them.

    Each batch of proposals (as many as the backend has workers) runs as one evaluation,
    so the runs of a batch go to the backend together; finished runs are kept in
    `folder/units`, so an interrupted calibration resumes without re-running them.

    Returns:
        One row per finished trial: `trial`, the parameters, `distance` and each target's
        simulated mean.
    """
    import optuna

    from sim.progress import progress_bar

    folder = Path(folder)
    study = open_study(folder, sampler, seed)
    batch = batch or getattr(backend, "workers", 1) or 1
    # Trials left running by an interrupted call are finished first, with their own values
    # (a Trial handle rebuilt from the stored trial's id, as Optuna's ask() builds one).
    pending = [(optuna.trial.Trial(study, t._trial_id), t.params) for t in study.get_trials(
        deepcopy=False, states=(optuna.trial.TrialState.RUNNING,))]
    done = len(study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,)))
    with progress_bar(trials, "calibrate", "trial", progress,
                      initial=min(done, trials)) as bar:
        while done < trials:
            while len(pending) < batch and done + len(pending) < trials:
                trial = study.ask()
                pending.append((trial, _suggest(trial, problem)))
            units = [problem.units(values) for _, values in pending]
            flat = evaluate([u for us in units for u in us], backend, folder / "units")
            n = len(problem.seeds)
            for k, (trial, _) in enumerate(pending):
                _record(study, trial, problem, flat[k * n:(k + 1) * n])
            done += len(pending)
            bar.update(len(pending))
            pending = []
    return trials_table(study, problem)


def trials_table(study, problem: Problem) -> pd.DataFrame:
    """The finished trials as a table (parameters, distance, simulated targets)."""
    import optuna

    rows = []
    for t in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,)):
        rows.append({"trial": t.number, **{n: t.params[n] for n in problem.names},
                     DISTANCE: t.value if t.value < UNDEFINED else math.inf, **t.user_attrs})
    return pd.DataFrame(rows)
