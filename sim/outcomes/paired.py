"""Outcomes that need both runs of a pair, or every seed of a comparison.

They are declared here, beside the others, and computed where the runs are: pair
outcomes by `sim.evaluate.units.Pair` (both models in hand) and
`sim.analysis.compare.participant_employment` (the matched panel); comparison
outcomes by `sim.analysis.compare.additionality` (ratios of means across seeds) and
`sim.analysis.value_for_money.cost_table` (discounted costs per net outcome).
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
              "throughout)", "share", HIGHER, True),
            *_account())


def _account():
    """What the additionality account (sim.analysis.additionality) is built from, counted
    in the last month (sim.evaluate.account)."""
    return (o("assisted_jobs_start", "jobs in the assisted firms alive before the programme, "
              "at its start", "jobs"),
            o("other_firms_jobs_gained", "jobs gained in firms the scenario did not assist, "
              "against the comparison (summed over markets that gained)", "jobs"),
            o("other_firms_jobs_lost", "jobs lost in firms the scenario did not assist, "
              "against the comparison (summed over markets that lost)", "jobs"),
            o("employed_residents_last", "residents in work (last month)", "residents", HIGHER,
              True),
            o("residents_in_district_jobs_last", "residents in district jobs (last month)",
              "residents", HIGHER, True),
            o("residents_in_ttwa_jobs_last", "residents in jobs elsewhere in the "
              "travel-to-work area (last month)", "residents", net=True),
            o("jobs_last", "district jobs (last month)", "jobs", HIGHER, True),
            o("incommuter_jobs_last", "district jobs held by in-commuters (last month)", "jobs",
              net=True),
            o("participants_matched", "the scenario's participants living in the district "
              "before the programme and at the end of both runs", "residents"),
            o("participants_employed_last", "of those, in work (last month)", "residents",
              HIGHER, True),
            o("unmatched_employed_last", "residents in work not matched across the runs "
              "(in-movers, people in one run only; last month)", "residents", net=True),
            o("nonparticipants_gained_work", "matched non-participants in work in the scenario "
              "but not in the comparison (last month)", "residents"),
            o("nonparticipants_lost_work", "matched non-participants in work in the comparison "
              "but not in the scenario (last month)", "residents"))


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


def _value_for_money():
    """Discounted costs, net outcomes and costs per net outcome across the seeds of a
    comparison (costs: scenario minus counterfactual, realised, discounted)."""
    return (o("cost_total", "public cost, discounted (realised regeneration, one stop shop "
              "and aligned money)", "GBP", LOWER),
            o("cost_people", "public cost of the people levers, discounted", "GBP", LOWER),
            o("cost_place", "public cost of the place levers, discounted", "GBP", LOWER),
            o("cost_business", "public cost of the business levers and one stop shop, "
              "discounted", "GBP", LOWER),
            o("unspent", "money allocated but unspent at the end (balances and pipeline; "
              "not a cost)", "GBP"),
            o("net_employment_years", "net resident employment-years over the programme, "
              "discounted", "employment-years", HIGHER),
            o("net_in_work_12m", "net participants in work 12 months after their programme",
              "enrolments", HIGHER),
            o("net_in_work_24m", "net participants in work 24 months after their programme",
              "enrolments", HIGHER),
            o("net_reengaged", "net re-engaged residents (6 months), less those forgone "
              "elsewhere", "residents", HIGHER),
            o("net_assisted_jobs", "net jobs in assisted firms less jobs lost in other firms",
              "jobs", HIGHER),
            o("cost_per_net_employment_year", "public cost per net resident employment-year "
              "(discounted)", "GBP", LOWER),
            o("cost_per_net_in_work_12m", "people levers' cost per net participant in work "
              "at 12 months", "GBP", LOWER),
            o("cost_per_net_in_work_24m", "people levers' cost per net participant in work "
              "at 24 months", "GBP", LOWER),
            o("cost_per_net_reengaged_discounted", "public cost (discounted) per net "
              "re-engaged resident", "GBP", LOWER),
            o("cost_per_net_assisted_job", "business levers' cost per net assisted-firm job, "
              "net of displacement", "GBP", LOWER))


PAIRED_GROUPS = (
    Group("pair", PAIR, _pair, where="sim.evaluate.units.Pair, "
          "sim.analysis.compare.participant_employment"),
    Group("additionality", COMPARISON, _comparison, where="sim.analysis.compare.additionality"),
    Group("value_for_money", COMPARISON, _value_for_money,
          where="sim.analysis.value_for_money.cost_table"),
)
