"""`coalition claims`: the four seed claims tested at defaults and in failure regions."""

from __future__ import annotations

import json

import pytest

from sim.analysis import claims
from sim.cli import main
from sim.model import LocalEconomy
from sim.outcomes import run_summary
from sim.policy import engagement


@pytest.fixture(scope="module")
def definitions():
    return claims.load_claims()


def test_four_claims_with_two_settings_each(definitions):
    assert [c.number for c in definitions] == [1, 2, 3, 4]
    for c in definitions:
        assert c.holds_if in claims.DIRECTIONS
        # a failure region is another setting, not the defaults' files again
        assert c.failure.key != c.defaults.key


def test_failure_pairs_change_both_sides_alike(definitions):
    """Within a failure pair both scenarios carry the region's parameter change, so the
    pair differs only in what the claim is about (regime, shop, mix)."""
    for c in definitions:
        for setting in (c.defaults, c.failure):
            if setting.b is None:
                continue
            changed = {k for k, v in setting.a.overrides.items()
                       if k in setting.b.overrides and setting.b.overrides[k] != v}
            assert changed <= {"one_stop_shop_budget"}, (c.number, changed)
            region = set(c.failure.a.overrides) - set(c.defaults.a.overrides)
            if setting is c.failure:
                assert region and region <= set(setting.b.overrides), (c.number, region)


def _short_town_run(scenario, seed=1, **params):
    """Two programme years of a claim scenario on the town preset."""
    s = scenario.with_changes(preset="town")
    p = s.params.replace(burn_in_months=6, programme_months=24, **params)
    return LocalEconomy(p, rng=seed, policy=s.policy).run()


def test_claim_1_region_starves_the_coalitions_missions_not_the_lsps(definitions):
    """Claim 1's failure region bites through a mechanism both regimes have: a partner whose
    mission gets back less of its stream than it tolerates loses trust. Guarding missions
    more tightly than the default tolerance (30%) starves more coalition partners and
    lowers coalition trust further; LSP partners keep their streams. Fails if the region
    stops starving missions, if the tolerance no longer matters, or if the LSP's missions
    were starved too."""
    region = definitions[0].failure
    coalition, lsp = _short_town_run(region.a), _short_town_run(region.b)
    tolerant = _short_town_run(region.a, mission_tolerance=0.3)  # the default tolerance

    def starved(model):
        return sum(engagement.mission_shortfall(model.p, b) > 0 for b in model.partners)

    def trust(model):
        return sum(b.trust for b in model.partners) / len(model.partners)

    assert starved(lsp) == 0
    assert starved(coalition) > starved(tolerant) > 0
    assert trust(coalition) < trust(tolerant) < trust(lsp)
    assert trust(coalition) < trust(lsp) - 0.1


def test_claim_4_region_tips_the_lsp_while_the_coalition_aligns_more(definitions):
    """Claim 4's failure region works through engagement and aligned money: partners slow to
    co-operate tip the LSP into its vicious circle while the coalition's contracts keep its
    partners engaged, so the coalition bends more mainstream money (whose opportunity cost the
    outcome counts). Fails if the LSP no longer tips, or aligned money stops following
    engagement and trust."""
    region = definitions[3].failure
    # seed 2: at defaults this LSP partnership ends in a virtuous circle
    coalition, lsp = _short_town_run(region.a, seed=2), _short_town_run(region.b, seed=2)

    def engaged(model):
        return sum(b.engagement for b in model.partners) / len(model.partners)

    assert engaged(lsp) < engaged(coalition) / 2  # at defaults: 0.34 against 0.49
    aligned = {m: run_summary(m)["mainstream_aligned_spend"] for m in (coalition, lsp)}
    assert aligned[coalition] > aligned[lsp] > 0


@pytest.mark.parametrize(("low", "high", "holds_if", "expected"), [
    (0.1, 0.5, "higher", "holds"), (-0.5, -0.1, "higher", "fails"),
    (-0.1, 0.5, "higher", "inconclusive"), (-0.5, -0.1, "lower", "holds"),
    (0.1, 0.5, "lower", "fails"), (float("nan"), float("nan"), "higher", "inconclusive")])
def test_verdict_from_interval(low, high, holds_if, expected):
    assert claims.verdict(low, high, holds_if) == expected


def test_bad_definitions_are_named(tmp_path):
    bad = tmp_path / "claims.toml"
    bad.write_text('[[claim]]\nnumber = 1\nstatement = "x"\noutcome = "happiness"\n'
                   'holds_if = "higher"\ndefaults = { a = "a.toml", about = "" }\n'
                   'failure = { a = "a.toml", about = "" }\n')
    with pytest.raises(claims.ClaimsError, match="happiness"):
        claims.load_claims(bad)


@pytest.mark.parametrize("argv", [["claims", "--seeds", "1"], ["claims", "--preset", "moon"],
                                  ["claims", "--workers", "0"], ["claims", "--bogus"]])
def test_bad_options_exit_2_in_one_line(capsys, argv):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert err.startswith("coalition: error: ")


def _short_claims(folder):
    """The shipped claim definitions with every scenario cut to two programme years."""
    folder.mkdir()
    for source in claims.CLAIMS_FILE.parent.glob("*.toml"):
        text = source.read_text()
        if source != claims.CLAIMS_FILE:
            short = "burn_in_months = 6\nprogramme_months = 24\n"
            text = (text.replace("[params]\n", "[params]\n" + short, 1) if "[params]\n" in text
                    else text.replace("[policy]\n", "[params]\n" + short + "\n[policy]\n", 1))
        (folder / source.name).write_text(text)
    return folder / claims.CLAIMS_FILE.name


def test_command_on_town_reports_every_claim_and_setting_and_resumes(capsys, tmp_path,
                                                                     monkeypatch):
    monkeypatch.setattr(claims, "CLAIMS_FILE", _short_claims(tmp_path / "definitions"))
    assert all(c.defaults.a.params.programme_months == 24 for c in claims.load_claims())
    argv = ["claims", "--preset", "town", "--seeds", "2", "--backend", "serial",
            "--workers", "1", "--json", "--out", str(tmp_path / "claims")]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    doc = json.loads(printed)
    assert json.loads((tmp_path / "claims" / "claims.json").read_text()) == doc
    assert "Claim 4:" in (tmp_path / "claims" / "claims.txt").read_text()
    # the same command again runs nothing: every pair is kept in --out
    from sim.backends import Backend

    def no_runs(*args, **kwargs):
        raise AssertionError("a kept pair ran again")

    monkeypatch.setattr(Backend, "run", no_runs)
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out) == doc
    rows = doc["claims"]
    assert doc["preset"] == "town"
    assert [(r["claim"], r["setting"]) for r in rows] == [
        (n, s) for n in (1, 2, 3, 4) for s in claims.SETTINGS]
    for r in rows:
        assert r["seeds"] == [1, 2]
        assert r["difference"] == pytest.approx(r["a_mean"] - r["b_mean"], rel=1e-9, abs=1e-9)
        assert r["result"] == claims.verdict(
            r["ci_low"] if r["ci_low"] is not None else float("nan"),
            r["ci_high"] if r["ci_high"] is not None else float("nan"), r["holds_if"])
    # claims 1 and 4 judge the same default pair (run once) on different outcomes
    one, four = rows[0], rows[6]
    assert (one["a"], one["b"]) == (four["a"], four["b"])


def test_text_has_one_line_per_claim_and_setting(definitions):
    verdicts = [claims.Verdict(c, s, [1, 2], 1.0, 0.5, 0.5, 0.1, 0.9)
                for c in definitions for s in claims.SETTINGS]
    text = claims.format_verdicts(verdicts, "town")
    for c in definitions:
        assert f"Claim {c.number}: {c.statement}" in text
    assert text.count("HOLDS") == 8
