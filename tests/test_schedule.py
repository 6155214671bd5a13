"""The month's schedule is data, and docs/odd.md section 3 describes it as it runs."""

import re
from pathlib import Path

from sim.model import SCHEDULE, LocalEconomy

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


def test_the_cohort_is_fixed_in_its_own_stage_at_programme_month_one(town_params):
    short = town_params.replace(burn_in_months=2, programme_months=3)
    model = LocalEconomy(short, rng=1).run(2)
    assert model.cohort is None
    form = next(stage for stage in SCHEDULE if stage.name == "cohort")
    model.step()
    assert model.cohort is not None and form.run.__module__ == "sim.cohort"
