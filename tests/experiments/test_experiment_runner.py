"""The runner: identical tables on every backend, failures isolated, Mesa models as plug-ins."""

from __future__ import annotations

import json
import os

import numpy as np
import pandas as pd
import pytest
from exp_helpers import ISHIGAMI, TOWN, env_with_test_doubles, function_experiment

from sim.experiments import StudyError, load_experiment, read_runs, run_study, study_status
from sim.experiments.store import read_series
from sim.io import REPO_ROOT

BOLTZMANN = "mesa.examples.basic.boltzmann_wealth_model.model:BoltzmannWealth"


def table(folder) -> pd.DataFrame:
    """The runs table without wall times (the only column that may differ between runs)."""
    return read_runs(folder).drop(columns="wall_seconds")


def run(path, tmp_path, tag: str, **kwargs):
    return run_study(path, out_root=tmp_path / tag, progress=False, **kwargs)


@pytest.fixture(scope="module")
def scheduler():
    """A two-process Dask cluster on loopback; tests connect to it by address."""
    from distributed import LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address="127.0.0.1:0")
    yield cluster.scheduler_address
    cluster.close()


def test_function_model_gives_identical_tables_on_every_backend(write, tmp_path, scheduler):
    path = write(ISHIGAMI)
    serial = table(run(path, tmp_path, "serial", backend="serial"))
    processes = table(run(path, tmp_path, "proc", backend="processes", workers=2, batch=7))
    dask = table(run(path, tmp_path, "dask", backend="dask", scheduler=scheduler, batch=5))
    assert len(serial) == 16 * 5 and (serial["status"] == "ok").all()
    pd.testing.assert_frame_equal(serial, processes)
    pd.testing.assert_frame_equal(serial, dask)
    assert list(serial.columns[:6]) == ["point", "replicate", "seed", "x1", "x2", "x3"]


def test_short_town_runs_identical_on_every_backend_with_net_and_series(write, tmp_path,
                                                                        scheduler):
    scenario = REPO_ROOT / "experiments" / "lsp-baseline.toml"
    path = write(TOWN.format(scenario=scenario))
    folders = {"serial": run(path, tmp_path, "s", backend="serial"),
               "processes": run(path, tmp_path, "p", backend="processes", workers=2),
               "dask": run(path, tmp_path, "d", backend="dask", scheduler=scheduler)}
    tables = {k: table(f) for k, f in folders.items()}
    base = tables["serial"]
    assert len(base) == 2 * 2 * 2 and (base["status"] == "ok").all()
    for name in ("processes", "dask"):
        pd.testing.assert_frame_equal(base, tables[name])
        pd.testing.assert_frame_equal(read_series(folders["serial"]),
                                      read_series(folders[name]))
    series = read_series(folders["serial"])
    assert list(series.columns) == ["point", "replicate", "seed", "outcome", "month", "value"]
    assert len(series) == 8 * 6 and set(series["outcome"]) == {"jobs"}
    # Common random numbers: every point of a replicate has the replicate's seed.
    assert base.groupby("replicate")["seed"].nunique().eq(1).all()
    assert base["seed"].nunique() == 2
    manifest = json.loads((folders["serial"] / "manifest.json").read_text())
    assert manifest["levers"] == ["regime"] and manifest["uncertainties"] == ["search_intensity"]
    assert manifest["counts"] == {"simulations": 8, "done": 8, "failed": 0, "remaining": 0}
    assert manifest["state"] == "complete" and manifest["git"]["commit"]


def test_default_dask_local_cluster(write, tmp_path):
    folder = run(write(function_experiment("noisy_linear", n=6, extra="[outcomes.seed_echo]")),
                 tmp_path, "d", backend="dask", workers=2)
    runs = read_runs(folder)
    assert (runs["status"] == "ok").all() and (runs["seed_echo"] == runs["seed"]).all()


def test_a_raising_simulation_is_recorded_and_the_others_carry_on(write, tmp_path):
    folder = run(write(function_experiment("sometimes_fails", n=11)), tmp_path, "f",
                 backend="processes", workers=2, batch=3)
    runs = read_runs(folder)
    failed = runs[runs["status"] == "failed"]
    assert failed["x"].tolist() == runs.loc[runs["x"] > 0.7, "x"].tolist()
    assert len(failed) == 4  # 0.7000000000000001, 0.8, 0.9, 1.0
    assert failed["y"].isna().all()
    assert failed["error"].str.startswith("ValueError: x = ").all()
    assert failed["traceback"].str.contains("sometimes_fails").all()
    ok = runs[runs["status"] == "ok"]
    np.testing.assert_allclose(ok["y"], ok["x"] ** 2)
    assert ok["error"].isna().all()
    status = study_status(folder)
    assert (status["failed"], status["ok"], status["remaining"]) == (4, 7, 0)
    assert status["nan"] == {"y": 0}


def test_a_worker_that_dies_neither_hangs_the_study_nor_loses_the_others(write, tmp_path):
    folder = run(write(function_experiment("dies", n=10)), tmp_path, "k",
                 backend="processes", workers=2, batch=3)
    runs = read_runs(folder)
    assert len(runs) == 10
    dead = runs[runs["status"] == "failed"]
    assert dead["x"].tolist() == [1.0]
    assert "worker process died" in dead["error"].iloc[0] and "2 times" in dead["error"].iloc[0]
    ok = runs[runs["status"] == "ok"]
    np.testing.assert_allclose(ok["y"], 2 * ok["x"])


def test_a_worker_that_dies_on_dask_is_recorded(write, tmp_path):
    folder = run(write(function_experiment("dies", n=5)), tmp_path, "kd", backend="dask",
                 workers=2, batch=2)
    runs = read_runs(folder)
    assert runs.loc[runs["status"] == "failed", "x"].tolist() == [1.0]
    assert (runs["status"] == "ok").sum() == 4


def test_retry_failed_runs_only_the_failed_simulations_again(write, tmp_path, monkeypatch):
    path = write(function_experiment("flaky", n=6))
    monkeypatch.setenv("SIM_TEST_FLAKY", "1")
    folder = run(path, tmp_path, "r", backend="serial")
    assert (read_runs(folder)["status"] == "failed").sum() == 3
    monkeypatch.delenv("SIM_TEST_FLAKY")
    run(path, tmp_path, "r", backend="serial")  # resume: nothing left to do
    assert (read_runs(folder)["status"] == "failed").sum() == 3
    run(path, tmp_path, "r", backend="serial", retry_failed=True)
    runs = read_runs(folder)
    assert len(runs) == 6 and (runs["status"] == "ok").all()
    sessions = json.loads((folder / "manifest.json").read_text())["sessions"]
    assert [s["simulations_run"] for s in sessions] == [6, 0, 3]


@pytest.mark.parametrize("outcomes", [
    '[outcomes.gini]\nattribute = "gini"\n[outcomes.gini_reporter]\nreporter = "Gini"\n'
    '[outcomes.gini_function]\nfunction = "function_models:boltzmann_gini"\n'
    '[outcomes.gini_mean]\nreporter = "Gini"\nstat = "mean"\n'])
def test_mesa_boltzmann_wealth_runs_as_a_plug_in(write, tmp_path, outcomes):
    text = f"""
    name = "boltzmann"
    [model]
    kind = "mesa"
    class = "{BOLTZMANN}"
    steps = 15
    [factors.n]
    low = 20
    high = 60
    [factors.width]
    levels = [5, 10]
    [fixed]
    height = 8
    [design]
    method = "grid"
    samples = 3
    replicates = 2
    {outcomes}
    """
    folder = run(write(text), tmp_path, "m", backend="processes", workers=2)
    runs = read_runs(folder)
    assert len(runs) == 3 * 2 * 2 and (runs["status"] == "ok").all()
    np.testing.assert_allclose(runs["gini"], runs["gini_reporter"])
    np.testing.assert_allclose(runs["gini"], runs["gini_function"])
    assert runs["gini"].between(0, 1).all() and runs["gini"].nunique() > 1
    assert sorted(runs["n"].unique()) == [20, 40, 60]


def test_mesa_model_with_keyword_parameters(write, tmp_path):
    text = """
    [model]
    kind = "mesa"
    class = "mesa_models:RandomWalkers"
    steps = 10
    [factors.step_size]
    low = 0.5
    high = 2.0
    [fixed]
    n = 50
    [design]
    method = "lhs"
    samples = 5
    [outcomes.spread]
    attribute = "spread"
    """
    runs = read_runs(run(write(text), tmp_path, "w", backend="serial"))
    assert (runs["status"] == "ok").all() and runs["spread"].gt(0).all()


def test_a_study_locked_by_a_live_process_is_refused(write, tmp_path):
    from lock_holder import lock_held

    path = write(function_experiment("trivial", n=3))
    exp = load_experiment(path)
    folder = tmp_path / "l" / exp.name / exp.run_id
    with lock_held(folder) as other:
        with pytest.raises(StudyError, match=f"is in use by PID {other.pid} on "):
            run(path, tmp_path, "l", backend="serial")


def test_a_lock_file_nobody_holds_never_blocks(write, tmp_path):
    """An empty lock file, or one naming a live process that holds no OS lock, is stale."""
    path = write(function_experiment("trivial", n=3))
    exp = load_experiment(path)
    folder = tmp_path / "s" / exp.name / exp.run_id
    folder.mkdir(parents=True)
    (folder / "study.lock").write_text(json.dumps({"host": "here", "pid": os.getppid()}))
    run(path, tmp_path, "s", backend="serial")
    assert not (folder / "study.lock").exists()


def test_a_changed_design_is_refused_on_resume(write, tmp_path):
    path = write(function_experiment("trivial", n=3))
    folder = run(path, tmp_path, "c", backend="serial")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["design"]["digest"] = "0" * 16
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(StudyError, match="differs from the stored one"):
        run(path, tmp_path, "c", backend="serial")


def test_workers_that_cannot_start_stop_the_study_with_a_clear_error(write, tmp_path):
    """A study started from standard input cannot be re-imported by spawned workers."""
    import subprocess
    import sys

    path = write(function_experiment("trivial", n=4))
    script = (f"from sim.experiments import run_study\n"
              f"run_study({str(path)!r}, backend='processes', workers=2, "
              f"out_root={str(tmp_path)!r}, progress=False)\n")
    done = subprocess.run([sys.executable, "-"], input=script, capture_output=True, text=True,
                          timeout=120, check=False, env=env_with_test_doubles())
    assert done.returncode == 1
    assert "StudyError: worker processes die before they can run anything" in done.stderr
