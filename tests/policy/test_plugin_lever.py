"""A tenth lever registered at run time reaches every consumer of the lever registry."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from mentoring_lever import MENTORING
from town_scenarios import town_scenario

from sim.cohort import participant_table
from sim.experiments.factors import local_economy_target
from sim.model import LocalEconomy
from sim.params import REGISTRY, Params
from sim.policy.levers import registry
from sim.policy.spec import parse_policy
from sim.rng import STREAMS, Streams
from sim.viz.controls import model_params

MIX = {"employment_support": 0.2, "skills": 0.2, "health": 0.1, "community_safety": 0.1,
       "business_support": 0.1, "mentoring": 0.3}


def mentored(**settings):
    """A town coalition scenario whose mix funds mentoring (register the lever first)."""
    mix = "[policy.mix]\n" + "".join(f"{lever} = {share}\n" for lever, share in MIX.items())
    return town_scenario(name="mentored", seed=4, extra=mix, **settings)


@pytest.fixture
def mentoring():
    with registry.registered(MENTORING) as lever:
        yield lever


def _run(policy) -> LocalEconomy:
    params = Params.from_preset("town").replace(burn_in_months=6, programme_months=18)
    return LocalEconomy(params, rng=4, policy=policy).run()


def test_a_registered_lever_is_funded_delivered_and_logged(mentoring):
    policy, _ = parse_policy({"regime": "coalition", "mix": MIX})
    assert policy.mix["mentoring"] == 0.3 and "mentoring" in policy.targeting
    model = _run(policy)
    assert model.levers[-1] is mentoring and model.ledger.spent.shape[-1] == 10
    monthly = pd.DataFrame(model.records["monthly"])
    assert monthly["spend_mentoring"].sum() > 0
    partners = [b.name for b in model.partners if "mentoring" in b.remit]
    assert partners == ["voluntary_sector"]
    table = participant_table(model)
    mentored = table[table["lever"] == "mentoring"]
    assert len(mentored) > 0 and (mentored["status_at_start"] == 1).all()
    left = set(np.unique(model.residents.mentoring_left))  # the progress hook counts down
    assert {1, 2} <= left <= {0, 1, 2}  # 3 on delivery, 2 after the same month's hook


def test_dashboard_and_experiments_see_the_new_lever(mentoring):
    slider = model_params()["share_mentoring"]
    assert slider["label"] == "Mentoring" and slider["value"] == 0.0
    assert "volunteer mentoring" in slider["tooltip"]
    target = local_economy_target("mix.mentoring")
    assert target.sets == "policy" and target.default_role == "lever"
    assert local_economy_target("mentoring_cost").sets == "param"


def test_unregistering_leaves_no_trace():
    with registry.registered(MENTORING):
        assert "mentoring_cost" in REGISTRY and "lever_mentoring" in STREAMS
    assert "mentoring" not in registry.names() and "mentoring_cost" not in REGISTRY
    assert "share_mentoring" not in model_params()
    with pytest.raises(KeyError, match="lever_mentoring"):
        Streams(1)["lever_mentoring"]
    assert sum(registry.default_mix().values()) == pytest.approx(1.0)


def test_a_lever_no_partner_delivers_is_refused_at_registration():
    with pytest.raises(ValueError, match="mentoring"):
        registry.register(replace(MENTORING, remit=()))
    with pytest.raises(ValueError, match="unknown partner"):
        registry.register(replace(MENTORING, remit=("chamber_of_commerce",)))
    assert "mentoring" not in registry.names() and "mentoring_cost" not in REGISTRY


def test_remits_must_cover_every_lever():
    with pytest.raises(ValueError, match="skills"):
        registry.check_remits(["police", "health_body"])
    registry.check_remits(["local_authority", "health_body", "skills_provider",
                           "employment_service", "development_agency"])


def test_a_model_refuses_a_policy_for_levers_it_does_not_have():
    """A share for a lever that is not registered must not vanish into the others."""
    with registry.registered(MENTORING):
        policy, _ = parse_policy({"regime": "coalition", "mix": MIX})
    params = Params.from_preset("town").replace(burn_in_months=1, programme_months=1)
    with pytest.raises(ValueError, match="not registered: mentoring"):
        LocalEconomy(params, rng=1, policy=policy)


def test_a_failed_registration_leaves_nothing_behind():
    clash = replace(MENTORING, streams=(("training", "clashes with skills' stream"),))
    with pytest.raises(ValueError, match="training"):
        registry.register(clash)
    assert "mentoring_cost" not in REGISTRY and STREAMS["training"].owner == "lever skills"
    with registry.registered(MENTORING):  # the real one can still come in
        assert "mentoring" in registry.names()


def test_a_lever_cannot_take_the_name_of_a_spending_column():
    with pytest.raises(ValueError, match="spend_regeneration"):
        registry.register(replace(MENTORING, name="regeneration"))
    assert "mentoring_cost" not in REGISTRY


def test_built_in_levers_cannot_be_removed():
    with pytest.raises(ValueError, match="built in"):
        registry.unregister("skills")
    assert "skills" in registry.names()


def test_a_plug_in_runs_the_same_on_worker_processes(mentoring):
    """Workers start with the built-in levers only; each unit brings its plug-ins."""
    from sim.backends import Backend
    from sim.evaluate import Run, evaluate

    runs = [Run(mentored(burn_in=3, programme=9), seed) for seed in (1, 2)]
    serial = evaluate(runs)
    parallel = evaluate(runs, Backend("processes", 2))
    for a, b in zip(serial, parallel, strict=True):
        pd.testing.assert_frame_equal(a.summary, b.summary)
        assert a.value("spend_mentoring") > 0


def test_a_lever_needs_a_registered_cost_parameter_and_a_default_mix_summing_to_one():
    with pytest.raises(ValueError, match="cost parameter"):
        registry.register(replace(MENTORING, params=(), state=()))
    with pytest.raises(ValueError, match="sum to"):
        registry.register(replace(MENTORING, default_share=0.1))
    assert "mentoring" not in registry.names()


def test_built_in_levers_eligibility_points_at_their_units(town_run):
    sizes = {"residents": town_run.residents.n, "firms": town_run.firms.n,
             "neighbourhoods": town_run.hoods.n}
    for lever in town_run.levers:
        rows = lever.eligible(town_run)
        assert rows.ndim == 1 and ((rows >= 0) & (rows < sizes[lever.unit])).all(), lever.name
        assert np.all(np.diff(rows) > 0), lever.name


def test_plug_in_parameters_follow_the_registry_rules():
    from sim.params import ParameterError, register_param, unregister_param

    cost = MENTORING.params[0]
    with pytest.raises(ParameterError, match="source"):
        register_param(replace(cost, source="made up"))
    with pytest.raises(ParameterError, match="range"):
        register_param(replace(cost, default=5000.0))
    with pytest.raises(ParameterError, match="already registered"):
        register_param(replace(cost, name="skills_cost"))
    with pytest.raises(ParameterError, match="built in"):
        unregister_param("skills_cost")
    assert "mentoring_cost" not in REGISTRY


def test_the_comparison_report_and_the_outcome_registry_see_the_new_lever(mentoring,
                                                                          tmp_path):
    from sim import outcomes
    from sim.analysis import report

    comparison = report.compare_scenarios([mentored(programme=18)], seeds=2)
    folder, _ = report.write_report(comparison, tmp_path / "report")
    spending = pd.read_csv(folder / "spending.csv").set_index("lever")
    assert spending.loc["mentoring", "label"] == "Mentoring"
    assert spending.loc["mentoring", "spent"] > 0
    assert "Mentoring" in (folder / "report.html").read_text()
    assert outcomes.lookup("spend_mentoring", outcomes.MONTHLY).unit == "GBP a month"
    assert "spend_mentoring" in outcomes.names(outcomes.RUN)


def test_a_worker_refuses_to_run_plug_ins_in_another_order():
    second = replace(MENTORING, name="coaching", cost_param="coaching_cost",
                     params=(replace(MENTORING.params[0], name="coaching_cost"),),
                     state=(("coaching_left", "int16"),),
                     streams=(("lever_coaching", "who gets a coach"),))
    wanted = (*registry.BUILT_IN, MENTORING, second)
    with registry.registered(second), pytest.raises(ValueError, match="differ"):
        with registry.using(wanted):  # here `coaching` came first
            pass
    assert registry.names() == tuple(lv.name for lv in registry.BUILT_IN)


def test_threads_of_one_worker_share_the_plug_ins_they_use():
    import threading

    wanted = (*registry.BUILT_IN, MENTORING)
    inside, leave = threading.Event(), threading.Event()

    def other_unit():
        with registry.using(wanted):
            inside.set()
            leave.wait(10)

    thread = threading.Thread(target=other_unit)
    thread.start()
    inside.wait(10)
    with registry.using(wanted):
        pass  # this unit ends first: the other one still needs mentoring
    assert "mentoring" in registry.names()
    leave.set()
    thread.join()
    assert "mentoring" not in registry.names()
