"""Outcomes that need both runs of a pair, or every seed of a comparison.

They are declared here, beside the others, and computed where the runs are: pair
outcomes by `sim.evaluate.units.Pair` (both models in hand) and
`sim.analysis.compare.participant_employment` (the matched panel); comparison
outcomes by `sim.analysis.compare.additionality` (ratios of means across seeds).
"""

from __future__ import annotations

from sim.outcomes.base import COMPARISON, HIGHER, LOWER, PAIR, Group, o


def _pair():
    return (o("assisted_jobs", "jobs in the firms the scenario assisted (last month)", "jobs",
              HIGHER, True),
            o("assisted_incommuter_share", "in-commuters' share of the assisted firms' jobs",
              "share"),
            o("participant_employment", "participants in work 6-12 months after their "
              "programme (matched)", "share", HIGHER, True),
            o("nonparticipants", "residents who never took a place, there from before the "
              "programme to the end in both runs", "residents"),
            # lower than without the programme: crowding-out; higher: spillover
            o("nonparticipant_employment", "non-participants in work at the end (residents "
              "throughout)", "share", HIGHER, True))


def _comparison():
    return (o("cost_per_net_job", "public cost per net additional district job", "GBP", LOWER),
            o("cost_per_net_reengaged", "public cost per net re-engaged resident (net of "
              "those forgone elsewhere)", "GBP", LOWER),
            o("private_leverage", "private GBP per public GBP (helped projects)", "ratio",
              HIGHER),
            o("deadweight_participants", "deadweight: participants' work anyway", "share",
              LOWER),
            o("deadweight_projects", "deadweight: helped projects going ahead anyway", "share",
              LOWER),
            o("displacement", "displacement: jobs lost elsewhere per assisted job", "ratio",
              LOWER),
            o("leakage", "leakage: in-commuter share of assisted firms' jobs", "share", LOWER))


PAIRED_GROUPS = (
    Group("pair", PAIR, _pair, where="sim.evaluate.units.Pair, "
          "sim.analysis.compare.participant_employment"),
    Group("additionality", COMPARISON, _comparison, where="sim.analysis.compare.additionality"),
)
