"""The month's schedule is data, and docs/odd.md section 3 describes it as it runs."""

import re
from pathlib import Path

from sim.model import SCHEDULE, LocalEconomy
from sim.policy.spec import Policy

ODD = Path(__file__).resolve().parent.parent / "docs" / "odd.md"


def _section_3() -> str:
    text = ODD.read_text(encoding="utf-8")
    return text[text.index("### 3 Process overview"):text.index("## II. Design concepts")]


def test_odd_section_3_lists_the_stages_in_the_order_step_runs_them():
    block = re.search(r"```\n(.*?)```", _section_3(), re.DOTALL).group(1)
    listed = [line.split()[0] for line in block.splitlines() if line.strip()]
    assert listed == [stage.name for stage in SCHEDULE]


def test_odd_section_3_describes_each_stage_under_its_name_in_order():
    text = _section_3()
    positions = [text.find(f"**`{stage.name}`") for stage in SCHEDULE]
    assert -1 not in positions and positions == sorted(positions)


def test_step_runs_the_plan(town_params, monkeypatch):
    model = LocalEconomy(town_params, rng=1)
    assert model.plan() == [(s.name, s.description) for s in SCHEDULE]
    assert all(description for _, description in model.plan())
    ran = []
    monkeypatch.setattr(model, "schedule", tuple(
        stage.__class__(stage.name, lambda m, name=stage.name: ran.append(name), "")
        for stage in SCHEDULE))
    model.step()
    assert ran == [stage.name for stage in SCHEDULE]


def test_the_cohort_is_fixed_before_the_partnership_stage_from_the_end_of_burn_in(
        town_params):
    """The cohort is every deprived resident out of work (students apart) at the end of
    burn-in, fixed before anything of programme month 1 happens."""
    import numpy as np

    from sim.population import EMPLOYED, INACTIVE, STUDENT

    short = town_params.replace(burn_in_months=2, programme_months=3)
    model = LocalEconomy(short, rng=1, policy=Policy("coalition")).run(2)
    res = model.residents
    out_of_work = (res.status != EMPLOYED) & ~((res.status == INACTIVE)
                                                & (res.reason == STUDENT))
    expected = np.flatnonzero(res.deprived & out_of_work)
    names = [stage.name for stage in SCHEDULE]
    assert model.cohort is None and names.index("cohort") < names.index("partnership")
    model.step()
    assert np.array_equal(model.cohort.slot, expected)
