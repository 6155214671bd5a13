"""The one parameter registry.

Every parameter of the model is declared here once, with its default, bounds,
unit, description and source ("[S]" published, "[S~]" secondary summary,
"[A]" assumption). Presets, scenario files, sensitivity problems and the
documentation tables are all projections of this registry; an unknown name is
an error that lists close matches.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any


class ParameterError(ValueError):
    """A parameter name or value a user gave is not allowed."""


@dataclass(frozen=True)
class Param:
    """One model parameter: its default, bounds and provenance."""

    name: str
    default: float | int | bool
    low: float | None
    high: float | None
    unit: str
    description: str
    source: str
    group: str

    @property
    def kind(self) -> type:
        return type(self.default)

    def check(self, value: Any, where: str = "") -> float | int | bool:
        """Return `value` coerced to this parameter's type, or raise ParameterError."""
        prefix = f"{where}: " if where else ""
        if self.kind is bool:
            if not isinstance(value, bool):
                raise ParameterError(f"{prefix}'{self.name}' must be true or false, got {value!r}")
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ParameterError(
                f"{prefix}'{self.name}' must be a number ({self.unit}), got {value!r}"
            )
        if not math.isfinite(value):  # NaN passes every comparison below
            raise ParameterError(f"{prefix}'{self.name}' must be a finite number in "
                                 f"[{self.low}, {self.high}] ({self.unit}), got {value!r}")
        if self.kind is int and float(value) != int(value):
            raise ParameterError(f"{prefix}'{self.name}' must be a whole number, got {value!r}")
        if (self.low is not None and value < self.low) or (
            self.high is not None and value > self.high
        ):
            raise ParameterError(
                f"{prefix}'{self.name}' = {value} is outside its allowed range "
                f"[{self.low}, {self.high}] ({self.unit})"
            )
        return self.kind(value)


_REGISTRY: dict[str, Param] = {}
_group = "general"


def _p(name, default, low, high, unit, description, source):
    _REGISTRY[name] = Param(name, default, low, high, unit, description, source, _group)


# --- Time and scale -------------------------------------------------------------
_group = "time and scale"
_p("burn_in_months", 36, 0, 240, "months", "months simulated before the programme starts "
   "(baseline services only)", "[A] model-spec section 2")
_p("programme_months", 120, 1, 600, "months", "length of the programme period", "[A] model-spec")
_p("n_neighbourhoods", 66, 2, 2000, "neighbourhoods", "neighbourhoods (LSOA-like) in the "
   "district; set by the preset", "[S] derived: 100,000 residents / 1,500 per LSOA")
_p("residents_per_neighbourhood", 1500, 1000, 3000, "residents", "all-age residents per "
   "neighbourhood", "[S] DWP / ONS LSOA design")
_p("persons_per_household", 2.36, 1.8, 3.0, "persons", "all-age persons per household",
   "[S~] Census 2001")
_p("working_age_share", 0.61, 0.58, 0.64, "share", "working-age share of residents; only "
   "working-age residents are simulated", "[A]")
_p("density_per_km2", 900.0, 100.0, 10000.0, "residents/km2", "residential density; sets the "
   "district's radius", "[A] typical English urban district")

# --- Space and access ------------------------------------------------------------
_group = "space and access"
_p("deprived_share", 0.25, 0.05, 0.6, "share", "share of neighbourhoods in the most deprived "
   "national decile", "[A]; >=20% qualified for the Working Neighbourhoods Fund [S]")
_p("ttwa_distance_km", 32.0, 5.0, 40.0, "km", "distance from the district centre to the "
   "travel-to-work area's job centre", "[A]; tuned to the mean commute target")
_p("no_car_share_deprived", 0.45, 0.35, 0.60, "share", "households without a car, deprived "
   "neighbourhoods", "[A]")
_p("no_car_share_rest", 0.18, 0.05, 0.35, "share", "households without a car, other "
   "neighbourhoods", "[A]; Census 2011 England about 0.26 overall")
_p("pt_reach_km", 6.0, 4.0, 10.0, "km", "job reach by public transport (about 45 minutes)",
   "[A]; JRF 2018: public transport constrains job access [S]")
_p("car_reach_km", 20.0, 15.0, 30.0, "km", "job reach by car", "[A]")
_p("search_distance_decay_km", 30.0, 2.0, 30.0, "km", "distance over which the attraction of "
   "a job zone falls by a factor e", "[A]; tuned to the mean commute target")

# --- People ------------------------------------------------------------------------
_group = "people"
_p("no_qual_share_rest", 0.09, 0.03, 0.2, "share", "working-age residents with no "
   "qualifications, other neighbourhoods", "[S~] APS 2010 England about 0.11")
_p("no_qual_ratio_deprived", 2.0, 1.0, 3.5, "ratio", "how many times more likely a deprived "
   "neighbourhood resident is to have no qualifications", "[S] OCSI / APS 2010")
_p("health_mean_deprived", 0.58, 0.3, 0.9, "0-1", "mean latent health, deprived "
   "neighbourhoods", "[A]")
_p("health_mean_rest", 0.76, 0.4, 0.95, "0-1", "mean latent health, other neighbourhoods", "[A]")
_p("caring_share", 0.28, 0.15, 0.4, "share", "share of non-health inactivity spells that are "
   "for caring (family/home)", "[S] LFS 1998-2019: 25-30% of inactive")
_p("student_share", 0.22, 0.1, 0.35, "share", "share of non-health inactivity spells that are "
   "study", "[S] LFS 1998-2019: about 25% of inactive")

# --- Labour market ---------------------------------------------------------------------
_group = "labour market"
_p("search_intensity", 0.2, 0.02, 1.0, "probability/month", "chance that an unemployed "
   "resident with average employability applies for a job in a month", "[A] calibrated to "
   "job_finding_rate_monthly")
_p("on_the_job_search", 0.02, 0.0, 0.2, "probability/month", "chance that an employed resident "
   "applies for another job in a month", "[S~] Longhi and Taylor 2007 (ISER 2007-06): in the "
   "LFS about as many employed as unemployed people look for work; about 7% of the employed "
   "times the unemployed's monthly application rate")
_p("job_switch_gain", 0.05, 0.0, 0.3, "share", "wage rise an employed searcher needs to take "
   "another job", "[S~] job-to-job movers gain about 5-10% in the LFS (Longhi and Taylor 2007); "
   "[A] the threshold")
_p("reservation_wage_ratio", 1.2, 1.0, 3.0, "ratio to benefits", "lowest wage an unemployed "
   "resident takes, as a multiple of benefit income", "[A] work must pay more than benefits")
_p("skill_wage_return", 0.08, 0.0, 0.2, "log points per level", "pay above (below) a job's "
   "posted wage per qualification level above (below) the job's", "[S~] UK returns to "
   "qualifications, about 8-12% per level (Dearden, McIntosh, Myck and Vignoles 2002)")
_p("wage_offer_step", 0.01, 0.0, 0.05, "share/month", "rise in a firm's posted wage for each "
   "month its vacancies go unfilled (and fall once they are filled)", "[A] posted-wage rule")
_p("wage_offer_max_rise", 0.1, 0.0, 0.5, "share", "largest rise of a posted wage over the "
   "firm's base wage", "[A]")
_p("wage_curve_elasticity", 0.1, 0.0, 0.3, "elasticity", "fall in the TTWA's wage level per "
   "proportional rise in its unemployment rate", "[S] Blanchflower and Oswald 1994, 1995 "
   "(British wage curve, about -0.1)")
_p("incommuter_search_weight", 0.1, 0.0, 1.0, "ratio", "how likely a TTWA job seeker is to "
   "apply for a given district vacancy rather than a given TTWA one (distance, knowledge)",
   "[A] calibrated to in_commuter_share_of_jobs")
_p("ttwa_population_ratio", 5.0, 0.5, 20.0, "ratio", "working-age people in the rest of the "
   "TTWA per working-age district resident",
   "[A] a TTWA of about six districts; tuned to mean_commute_km")
_p("ttwa_activity_rate", 0.77, 0.6, 0.9, "share", "economic activity rate in the rest of the TTWA",
   "[S] APS 2008-10: working-age activity rate in England about 76-77%")
_p("ttwa_unemployment_rate", 0.07, 0.02, 0.2, "share", "unemployment rate in the rest of the TTWA "
   "at the start", "[S] APS 2009-10: ILO unemployment rate in England about 7-8%")
_p("ttwa_separation_rate", 0.005, 0.001, 0.02, "probability/month", "job-to-unemployment hazard "
   "of people in the rest of the TTWA", "[S] ONS 2013 flows: about 1.4% of employed a quarter")
_p("recession_demand_fall", 0.3, 0.0, 1.0, "share at size 1", "fall in local, external and TTWA "
   "demand that a recession of size 1 works towards", "[A]; a size-0.3 recession (9% of "
   "demand) is about the 2008-09 fall in UK output (6%) plus its local amplification")
_p("recession_onset_months", 3.0, 1.0, 24.0, "months", "months for demand to close about 63% of "
   "the gap to the recession's depth", "[A] UK output fell over four to five quarters in 2008-09")
_p("recession_recovery_months", 24.0, 1.0, 120.0, "months", "months for demand to close about 63% "
   "of the gap back to its normal level after a recession", "[S~] UK output took about five "
   "years to regain its 2008 peak")
_p("employer_stigma", 0.0, 0.0, 1.0, "score units", "score discount employers apply to "
   "applicants from deprived neighbourhoods", "[A]; 0 = no postcode discrimination")
_p("skill_screen_penalty", 0.8, 0.0, 3.0, "per level", "fall in an under-qualified "
   "applicant's acceptance log-odds per skill level below the job's requirement", "[A]")
_p("separation_base", 0.0012, 0.0005, 0.01, "probability/month", "job-to-unemployment hazard "
   "after the first months of a job", "[A] calibrated to separation_rate_monthly")
_p("early_tenure_months", 6, 1, 24, "months", "length of the high-churn period of a new job",
   "[S~] DWP: many who leave benefits for work are back within six months")
_p("early_tenure_hazard", 0.065, 0.0, 0.2, "probability/month", "job-to-unemployment hazard "
   "in the first months in work after unemployment or inactivity", "[S] NAO 2007 / PAC 2008: "
   "about 40% of New Deal job entrants back on benefits within six months (about 8% a month, "
   "including exits to inactivity)")
_p("exit_to_inactivity", 0.0022, 0.0, 0.01, "probability/month", "job-to-inactivity hazard "
   "for caring, study and other reasons", "[S~] ONS flows: ~1.3%/quarter E->I")
_p("sickness_hazard", 0.1, 0.0, 0.2, "probability/month", "job-to-long-term-sickness hazard "
   "of a resident at zero health", "[A]")
_p("sick_health_threshold", 0.45, 0.2, 0.7, "0-1", "health below which residents can fall "
   "long-term sick", "[A]")
_p("discouragement_rate", 0.06, 0.0, 0.1, "probability/month", "unemployment-to-inactivity "
   "hazard of a resident with zero attachment", "[A]")
_p("activation_sick", 0.0015, 0.0, 0.05, "probability/month", "long-term sick resident at "
   "full health re-entering search", "[A]")
_p("activation_caring", 0.012, 0.0, 0.05, "probability/month", "carer re-entering search",
   "[A]")
_p("activation_student", 0.03, 0.0, 0.1, "probability/month", "student re-entering search",
   "[A]; about three years of study")
_p("activation_other", 0.02, 0.0, 0.1, "probability/month", "other inactive re-entering "
   "search", "[A]")
_p("attachment_decay", 0.01, 0.0, 0.1, "per month", "proportional fall in labour-market "
   "attachment per month out of work", "[A]")
_p("attachment_recovery", 0.1, 0.0, 0.5, "per month", "share of the gap to full attachment "
   "closed per month in work", "[A]")

# --- Businesses and the local multiplier ---------------------------------------------------
_group = "businesses"
_p("businesses_per_100k", 2700.0, 2000.0, 3500.0, "firms per 100k residents", "employing "
   "businesses", "[A]; UK about 34 enterprises per 1,000 residents [S~]")
_p("jobs_per_100k", 38000.0, 32000.0, 45000.0, "jobs per 100k residents", "employee jobs "
   "located in the district at the start", "[A]")
_p("tradable_share_of_firms", 0.27, 0.1, 0.5, "share", "share of businesses in tradable "
   "(export-base) sectors", "[A] tuned to tradable_share_of_jobs")
_p("tradable_size_ratio", 1.5, 1.0, 3.0, "ratio", "mean size of tradable relative to "
   "non-tradable firms", "[A]")
_p("firm_size_sigma", 2.0, 0.5, 3.0, "log units", "dispersion of the lognormal initial size "
   "distribution; with the mean fixed at jobs per firm it sets the micro share",
   "[S-derived] about 82% of UK employing businesses have 1-9 employees (BIS Business "
   "Population Estimates 2013); 2.0 gives 78% at the start and about 81% over the programme "
   "at 14 jobs per firm; heavy tail as in Axtell 2001 (Science)")
_p("wage_mean", 1900.0, 1200.0, 3000.0, "GBP/month", "mean gross monthly wage of district "
   "jobs", "[A] ASHE 2010 order of magnitude")
_p("labour_share", 0.62, 0.4, 0.8, "share", "wage bill as a share of a firm's revenue",
   "[A] UK labour share of GVA about 0.6")
_p("fixed_cost_workers", 0.3, 0.0, 3.0, "worker-revenues/month", "a firm's fixed monthly cost, "
   "in units of one worker's revenue", "[A]")
_p("health_time_lost", 0.2, 0.0, 0.5, "share of working time per unit of ill health",
   "working time lost to sickness absence and presenteeism per unit of a worker's health "
   "shortfall (1 - health); firms' productivity is measured at the TTWA's mean health "
   "(health_mean_rest), so only the gap to it moves a firm's capacity",
   "[S~] ONS Sickness absence in the labour market 2018: 2.0% of working hours, higher with "
   "long-term conditions; presenteeism costs about 1.5 times absence (Centre for Mental "
   "Health 2011; Hemp 2004, HBR); 0.2 loses 5% of working time at mean TTWA health; the "
   "linear gradient is [A]")
_p("ttwa_wage", 2100.0, 1200.0, 3500.0, "GBP/month", "mean wage of travel-to-work-area jobs",
   "[A]")
_p("benefit_per_month", 650.0, 300.0, 1200.0, "GBP/month", "income of a non-employed working-age "
   "resident (benefits)", "[A]")
_p("local_spend_share", 0.35, 0.1, 0.6, "share", "share of residents' income spent in "
   "district non-tradable businesses", "[A]")
_p("public_local_share", 0.58, 0.2, 0.8, "share", "share of mainstream public spending that "
   "buys local non-tradable services (schools, clinics, council services)", "[A]")
_p("tradable_erosion", 0.015, 0.0, 0.1, "share/year", "share of the district's external markets "
   "lost each year to competition and obsolescence; new projects replace them", "[A]")
_p("incommuter_spend_share", 0.08, 0.0, 0.3, "share", "share of in-commuters' wages spent in "
   "the district", "[A]")
_p("demand_volatility_young", 0.18, 0.0, 0.3, "log sd/month", "monthly volatility of a young "
   "firm's demand share (about 0.6 a year)", "[A] calibrated to firm_survival_5y and "
   "business_death_rate_annual; young firms' growth is far more dispersed than mature "
   "firms' (Jovanovic 1982 learning [S])")
_p("demand_volatility_mature", 0.035, 0.0, 0.2, "log sd/month", "monthly volatility of a "
   "mature firm's demand share", "[A]")
_p("young_firm_months", 36, 6, 120, "months", "age below which a firm counts as young", "[A]")
_p("startup_cash_months", 4.0, 0.0, 24.0, "months of costs", "founders' start-up capital (and "
   "incumbents' cash at the start): mean cash buffer in months of the firm's wage bill and "
   "fixed cost at its planned size", "[S~] UK start-up surveys put average start-up capital "
   "at about GBP 6,000 (Santander/OnePoll 2023) to GBP 21,000 (Capital on Tap); a two-job "
   "start-up costs about GBP 4,300 a month, so 1.5-5 months; calibrated to firm_survival_1y")
_p("startup_cash_cv", 0.5, 0.0, 3.0, "coefficient of variation", "spread of start-up capital "
   "between founders (gamma, mean 1)", "[A] among employing start-ups; at 1 (an exponential, "
   "as before) about 8% of births start with almost nothing and close before they hire")
_p("exogenous_exit_rate", 0.0045, 0.0, 0.02, "probability/month", "hazard of closing for "
   "reasons outside the accounts (owner retires, falls ill, moves on) for micro and small "
   "firms", "[A] calibrated to business_death_rate_annual and firm_survival_5y")
_p("exit_sale_size", 50.0, 1.0, 1000.0, "employees", "size at which the outside exit hazard is "
   "halved: owners of larger firms sell them as going concerns (a change of owner is not a "
   "death in ONS Business Demography)", "[A] 50 = the BIS medium-size threshold")
_p("dividend_payout_share", 0.25, 0.0, 1.0, "share/month", "share of a firm's cash above its "
   "buffer paid out to its owners each month (in the long run nearly all profit is paid out, "
   "with a lag of about 1 / share months)", "[A]; UK SMEs paid out 46-94% of profits as "
   "dividends in 2013-16 [S~] Moore Stephens 2015, 2016; HMRC Research Report 390 (2015)")
_p("dividend_buffer_months", 3.0, 0.0, 24.0, "months of costs", "cash a firm keeps before it "
   "pays out, in months of its current costs (wage bill and fixed cost)", "[A] the common "
   "advice of three to six months of operating costs")
_p("local_ownership_share", 0.5, 0.0, 1.0, "share", "share of firms' payouts (dividends, cash "
   "of firms that close, capital of new firms) that goes to or comes from district residents; "
   "the rest is outside owners'", "[A]; local ownership matters for small firms [S] "
   "Fleming and Goetz 2011, Rupasingha 2013 (no UK share found)")
_p("programme_local_share", 0.4, 0.0, 1.0, "share", "share of regeneration spending (levers, "
   "gap funding, one stop shop) that is spent in district non-tradable businesses and so "
   "enters the local demand pot; the rest is spent outside", "[A]")
_p("birth_rate", 0.1, 0.02, 0.3, "per firm per year", "business births per active firm at "
   "reference demand per firm", "[S] ONS Business Demography: 10-14%")
_p("entry_demand_elasticity", 2.0, 0.0, 5.0, "elasticity", "response of births to demand per "
   "firm relative to its starting level", "[A]")
_p("entry_size", 2.0, 1.0, 10.0, "jobs", "planned size of a new firm", "[A] most employer "
   "births are micro firms of 1-4 employees (ONS Business Demography; not checked against "
   "the tables)")
_p("layoff_speed", 0.25, 0.0, 1.0, "share/month", "share of a firm's excess workers laid off "
   "per month", "[A]")

# --- Investment projects ---------------------------------------------------------------------
_group = "investment"
_p("projects_per_year_per_100k", 12.0, 0.0, 50.0, "projects/year", "latent investment projects "
   "(expansions and inward investors)", "[A] 5-25 a year")
_p("project_jobs_median", 10.0, 2.0, 50.0, "jobs", "median jobs of a project (lognormal)", "[A]")
_p("project_jobs_mean", 25.0, 5.0, 100.0, "jobs", "mean jobs of a project (lognormal)", "[A]")
_p("inward_share", 0.4, 0.0, 1.0, "share", "share of projects from inward investors (rest are "
   "expansions of district firms)", "[A]")
_p("project_value_per_job", 30000.0, 5000.0, 100000.0, "GBP/job", "mean private net present "
   "value of a project per job before frictions", "[A]")
_p("project_value_sd", 0.8, 0.1, 2.0, "log units", "dispersion of project value per job", "[A]")
_p("capital_per_job", 60000.0, 10000.0, 200000.0, "GBP/job", "private capital invested per job "
   "of a project", "[A]")
_p("remediation_cost_per_job", 25000.0, 0.0, 100000.0, "GBP/job", "site preparation cost per "
   "job at a completely unready site", "[A]")
_p("planning_delay_months", 12.0, 6.0, 24.0, "months", "planning and land-assembly delay", "[A]")
_p("delay_cost_per_month", 0.015, 0.0, 0.05, "share of value/month", "value lost per month of "
   "delay", "[A] ~ discount rate of a private investor")
_p("recruitment_cost_per_job", 8000.0, 0.0, 50000.0, "GBP/job", "expected cost per job of "
   "recruiting when no reachable worker has the skills", "[A]")
_p("crime_cost_per_job", 4000.0, 0.0, 20000.0, "GBP/job", "cost per job of crime at twice the "
   "district's mean crime rate", "[A]")
_p("finance_premium_pp", 2.0, 0.0, 4.0, "percentage points", "extra cost of capital in deprived "
   "neighbourhoods", "[A]; direction [S] Lee and Cowling 2013")
_p("finance_horizon_years", 5.0, 1.0, 15.0, "years", "years over which a project counts its "
   "extra running costs (the finance premium, rent rises on its premises)", "[A]")

# --- Health, well-being, neighbourhoods ------------------------------------------------------
_group = "neighbourhoods"
_p("health_adjust_rate", 0.03, 0.0, 0.2, "share/month", "share of the gap to target health "
   "closed per month", "[A]")
_p("health_work_effect", 0.04, 0.0, 0.2, "0-1", "target health gain from being in work",
   "[S~] Waddell and Burton 2006: work is good for health")
_p("health_environment_effect", 0.06, 0.0, 0.3, "0-1", "target health loss from the worst "
   "housing and environment", "[A]")
_p("health_crime_effect", 0.03, 0.0, 0.2, "0-1", "target health loss at twice the mean crime "
   "rate", "[A]")
_p("health_noise", 0.01, 0.0, 0.05, "0-1/month", "monthly sd of health shocks", "[A]")
_p("move_out_rate_deprived", 0.045, 0.0, 0.08, "share/year", "households leaving the "
   "district each year from a deprived neighbourhood",
   "[S~] EHS 2021-22 household moves fact sheet: 22% of households moved in the last 3 years "
   "(about 8% a year, 17% of social renters); Census 1991 SAR and V360/Experian 2017-19: about "
   "60% of moves in deprived areas are short (under 5 km / 3 miles), so about 0.4 of 0.12 "
   "leaves the district")
_p("move_out_rate_rest", 0.04, 0.0, 0.08, "share/year", "households leaving the district "
   "each year from another neighbourhood",
   "[S~] as move_out_rate_deprived; affluent areas: about half of moves are short "
   "(V360/Experian: 37-50% within 3 miles), so about 0.5 of 0.08 leaves")
_p("move_within_rate_deprived", 0.075, 0.0, 0.12, "share/year", "households of a deprived "
   "neighbourhood moving to another dwelling in the district each year",
   "[S~] EHS / Census 1991 SAR distance of move: most moves are short-distance; 0.12 total "
   "moves a year, 0.6 of them within the district")
_p("move_within_rate_rest", 0.04, 0.0, 0.12, "share/year", "households of another "
   "neighbourhood moving to another dwelling in the district each year",
   "[S~] as move_within_rate_deprived: 0.08 total, half within the district")
_p("mover_income_effect", 0.25, 0.0, 2.0, "ratio", "extra out-move propensity of households with "
   "a worker (they can afford better areas)", "[A]")
_p("internal_sorting", 3.0, 0.0, 10.0, "per unit of quality", "how strongly households with a "
   "worker moving within the district choose better neighbourhoods: a dwelling's weight is "
   "exp(internal_sorting x quality)", "[A]; direction [S~] V360/Experian: affluent households "
   "choose areas, deprived ones move short distances")
_p("incommuter_move_in_rate", 0.03, 0.0, 0.2, "share/year", "share of in-commuters to district "
   "firms who move into the district each year, keeping their job, when a dwelling is free",
   "[A]")
_p("vacancy_move_in_rate", 0.05, 0.0, 0.5, "share/month", "share of district vacancies left "
   "unfilled after matching that are taken each month by a worker moving into the district "
   "for the job", "[A]")
_p("pressure_adjust", 0.1, 0.01, 1.0, "share/month", "share of the gap to the housing pressure "
   "set by job-led demand closed each month", "[A]")
_p("priced_out_effect", 1.0, 0.0, 5.0, "per unit of pressure", "rise in the log out-move "
   "probability of households without a worker per unit of excess housing pressure (priced "
   "out)", "[A]")
_p("deprived_allocation_effect", 1.4, 0.0, 3.0, "log-odds", "fall in the employment odds of "
   "in-movers to deprived neighbourhoods, where much housing is let by need", "[S~] most new "
   "social-housing lettings go to households with nobody in work (CORE lettings; Bailey and "
   "Livingston 2007 on selective migration from deprived areas); size [A] calibrated to "
   "employment_rate_deprived")
_p("pressure_employment_effect", 1.0, 0.0, 5.0, "logit per unit of pressure", "rise in the "
   "employment log-odds of in-movers per unit of excess housing pressure (where housing is "
   "scarce, those who can pay are those with jobs)", "[A]")
_p("crime_rate_deprived", 110.0, 40.0, 250.0, "crimes/1000 residents/yr", "recorded crime, "
   "deprived neighbourhoods, at the start", "[A] order of magnitude of police.uk data")
_p("crime_rate_rest", 55.0, 20.0, 150.0, "crimes/1000 residents/yr", "recorded crime, other "
   "neighbourhoods, at the start", "[A]")
_p("crime_adjust_rate", 0.05, 0.0, 0.5, "share/month", "share of the gap to the crime level set "
   "by worklessness and environment closed per month", "[A]")
_p("crime_worklessness_elasticity", 1.0, 0.0, 3.0, "elasticity", "response of the crime level "
   "to the neighbourhood's worklessness rate", "[A]")
_p("environment_deprived", 0.4, 0.0, 1.0, "0-1", "environment and housing quality, deprived "
   "neighbourhoods", "[A]")
_p("environment_rest", 0.7, 0.0, 1.0, "0-1", "environment and housing quality, others", "[A]")
_p("site_readiness_deprived", 0.35, 0.0, 1.0, "0-1", "site readiness for business premises, "
   "deprived neighbourhoods", "[A] brownfield-heavy")
_p("site_readiness_rest", 0.6, 0.0, 1.0, "0-1", "site readiness, others", "[A]")
# Place costs: what better and safer places change in firms' and residents' costs. Each is
# a change since the start (the levels are inside the calibrated fixed costs and margins).
_p("rent_environment_elasticity", 0.5, 0.0, 2.0, "share per unit of quality", "rise in a "
   "neighbourhood's rents (business and residential) per unit gain in environment quality "
   "since the start", "[S~] Rossi-Hansberg, Sarte and Owens 2010 (Richmond Neighborhoods in "
   "Bloom): land prices in targeted neighbourhoods rose 2-5% a year above control; "
   "Pittsburgh Hill District reinvestment (Housing Policy Debate 2020): +2.7% commercial "
   "prices and +0.55% rents per USD 10m; size [A]: a programme that lifts a deprived "
   "neighbourhood's quality by 0.14 (0.40 to 0.54 on town's well-being mix) raises its rents "
   "by 7%")
_p("premises_rent_per_job", 2000.0, 0.0, 6000.0, "GBP/job/year", "business premises rent per "
   "job, the base that rent rises apply to", "[A] about 15 sq m (160 sq ft) per job, the "
   "order of office and retail densities in the HCA Employment Density Guide (3rd edition, "
   "2015), at about GBP 12 per sq ft a year outside prime centres")
_p("business_crime_cost", 600.0, 0.0, 2000.0, "GBP/job/year", "crime's cost to firms per job "
   "(losses and prevention) at the district's mean crime; firms' costs move with the change "
   "in crime since the start", "[S~] BRC Retail Crime Survey 2019: GBP 1.9bn of crime and "
   "prevention costs, about 20% of retail profits, over about 3m retail jobs; Home Office "
   "Commercial Victimisation Survey 2022: 28% of premises (42% in retail) victims in a year")
_p("housing_cost_exposed_share", 0.07, 0.0, 0.25, "share of income", "share of residents' "
   "income paid in rents that follow local land values; a rent rise takes it from local "
   "spending", "[S~] English Housing Survey 2019-20: 19% of households rent privately and "
   "pay 32% of income in rent, 17% rent socially and pay 27%; [A] social rents follow "
   "property values for 30% of the formula rent: 0.19 x 0.32 + 0.17 x 0.27 x 0.3 = 0.07")
_p("wellbeing_employed", 0.5, 0.0, 2.0, "points (0-10)", "life satisfaction gain of work "
   "over inactivity", "[S~] ONS APS well-being; Clark and Oswald 1994")
_p("wellbeing_unemployed", -0.7, -2.0, 0.0, "points (0-10)", "life satisfaction loss of "
   "unemployment relative to inactivity", "[S~] Clark and Oswald 1994")
_p("wellbeing_health", 2.0, 0.0, 5.0, "points per unit health", "life satisfaction slope in "
   "health", "[A]")
_p("wellbeing_income", 0.3, 0.0, 1.0, "points per log GBP", "life satisfaction slope in log "
   "household income per adult", "[S~] Layard et al.")
_p("wellbeing_crime", 0.3, 0.0, 1.0, "points at 2x mean crime", "life satisfaction loss of "
   "crime", "[A]")
_p("wellbeing_environment", 0.5, 0.0, 2.0, "points per unit", "life satisfaction slope in "
   "environment quality", "[A]")

# --- Public bodies ---------------------------------------------------------------------------
_group = "public bodies"
_p("mainstream_per_resident", 7500.0, 3000.0, 12000.0, "GBP/resident/yr", "mainstream public "
   "spending", "[S-derived] Total Place pilots")

# --- Partnership and regimes -------------------------------------------------------------
_group = "partnership"
_p("regeneration_budget", 10e6, 0.0, 600e6, "GBP/year", "regeneration money for the district, "
   "all streams (presets scale it with population: town 1m, city 100m)",
   "[A]; NRF averaged GBP 4-6m per district a year, LEGI about GBP 4m [S-derived]")
_p("pooled_share", 0.8, 0.0, 1.0, "share", "coalition: share of each partner's regeneration "
   "stream pooled into the single pot", "[A]")
_p("growth_weight", 0.4, 0.0, 1.0, "0-1", "coalition: weight of economic growth in the board's "
   "objective; tilts the pot towards business support, sites and skills", "[A] 0.1-0.8")
_p("reward_grant_share", 0.025, 0.0, 0.1, "share of pot", "coalition: reward grant on shared "
   "targets, paid to partners by engagement when the target improved over the year",
   "[A]; local PSA reward grants [S~]")
_p("one_stop_shop_budget", 0.5e6, 0.0, 50e6, "GBP/year", "coalition: cost of the one stop shop "
   "for investors and residents, taken off the top of the pot (0 = none)", "[A]")
_p("conditional_share", 0.5, 0.0, 1.0, "share", "partners who are conditional co-operators",
   "[S] Fischbacher, Gachter and Fehr 2001")
_p("free_rider_share", 0.33, 0.0, 1.0, "share", "partners who are free riders (the rest are "
   "hump-shaped)", "[S] Fischbacher, Gachter and Fehr 2001")
_p("cooperation_slope", 0.85, 0.6, 1.0, "ratio", "how far a hump-shaped partner matches the "
   "others' mean engagement while fewer than half engage", "[A]; imperfect conditional "
   "co-operation [S] Fischbacher and Gachter 2010")
_p("cooperation_threshold", 0.25, 0.1, 0.6, "0-1", "others' mean engagement above which a "
   "conditional co-operator engages and below which it withdraws (its tipping point)",
   "[A]; threshold models of collective action [S] Granovetter 1978; LSPs in virtuous and "
   "vicious circles [S] ODPM national evaluation of LSPs 2006, Geddes, Davies and Fuller 2007")
_p("cooperation_width", 0.08, 0.01, 0.3, "0-1", "width of a conditional co-operator's "
   "threshold: others' engagement this far above it gives 73% of full engagement", "[A]")
_p("engagement_learning_rate", 0.2, 0.05, 0.4, "share/quarter", "share of the gap to its target "
   "engagement a partner closes each quarter", "[A]")
_p("transaction_cost", 0.03, 0.01, 0.08, "share of stream per unit engagement squared",
   "staff time of engaging: a partner engaging at e pays transaction_cost x e^2 of its own "
   "stream a year", "[A]")
_p("joint_benefit", 0.02, 0.0, 0.1, "share of stream per unit engagement", "a partner's own "
   "gain from joint work when fully engaged and every other partner is (it scales with the "
   "others' engagement and the partner's trust), under either regime", "[A]")
_p("contract_margin", 0.1, 0.0, 0.5, "share of money delivered", "a partner's own gain per GBP "
   "of regeneration money it delivers on its remit (overheads recovered, mission served); "
   "values the coalition's delivery contracts and reward grant", "[A]")
_p("mission_tolerance", 0.3, 0.0, 1.0, "share", "shortfall between a partner's stream and the "
   "money its mission gets back that it accepts before trust falls", "[A]")
_p("trust_rate", 0.1, 0.0, 0.5, "per quarter", "speed at which trust responds to shared gains "
   "and to an unfunded mission", "[A]")
_p("trust_collapse_quarters", 3, 1, 12, "quarters", "quarters in a row of a mission "
   "shortfall (beyond mission_tolerance) before a partner's trust collapses",
   "[A]; virtuous and vicious circles [S] ODPM national evaluation of LSPs 2006")
_p("trust_collapse_share", 0.5, 0.0, 1.0, "share", "share of its trust a partner loses when "
   "it collapses", "[A]")
_p("initial_engagement", 0.3, 0.0, 1.0, "0-1", "partners' mean engagement when the programme "
   "starts", "[A]")
_p("initial_trust", 0.5, 0.0, 1.0, "0-1", "partners' mean trust when the programme starts",
   "[A]")
_p("initial_spread", 0.15, 0.0, 0.5, "0-1", "half-width of the uniform spread of each "
   "partner's initial engagement and trust around their means, drawn per seed", "[A]; LSPs "
   "started from very different local contexts [S] ODPM national evaluation of LSPs 2006")
_p("alignable_share", 0.01, 0.0, 0.05, "share of mainstream budget", "share of a fully engaged "
   "and trusting partner's mainstream budget it bends to deprived neighbourhoods", "[A]; Total "
   "Place found most spending not aligned [S~]")
_p("mainstream_cost_per_reengaged", 100_000.0, 20_000.0, 1_000_000.0, "GBP/resident",
   "mainstream money at which the partners' mainstream services, at the margin, re-engage one "
   "workless resident (6 months in work) in the rest of their area: the opportunity cost of "
   "aligned money, valued at the mainstream services' own marginal productivity",
   "[A] from [S~]: the employment service's gross cost per job found, GBP 2,000-7,500 (Work "
   "Programme, Flexible New Deal; NDYP GBP 3,480: Work and Pensions Committee HC 472, 2010), "
   "at net impacts of 10-20%, gives about GBP 20k-40k; health, police, skills and council "
   "budgets (72% of aligned money) buy work only indirectly, put at GBP 300k; weighted by "
   "what each bends, about GBP 85k-100k")
_p("referral_precision_base", 0.6, 0.0, 1.0, "share", "share of programme places that reach "
   "someone the programme fits when partners do not engage; rises to 1 with engagement",
   "[A]")
_p("business_engagement_cost", 130.0, 0.0, 2000.0, "GBP/month", "time cost to a firm of "
   "engaging with the partnership", "[A]")
_p("brokered_recruit_value", 25.0, 0.0, 3000.0, "GBP per vacancy/month", "value to a firm of "
   "the partnership's employment brokerage per open vacancy (under either regime): recruits "
   "referred and vouched for", "[A]; recruitment costs about GBP 2,000-6,000 per hire [S~] "
   "CIPD resourcing surveys")
_p("peer_engagement_value", 200.0, 0.0, 2000.0, "GBP/month", "extra value of engaging when all "
   "firms in the neighbourhood engage (networks, referrals)", "[A]")
_p("brokerage_screening_cut", 0.5, 0.0, 1.0, "share", "cut in an engaged firm's screening of "
   "under-qualified local applicants: the brokerage vouches for the residents it refers", "[A]")
_p("oss_friction_cut", 0.3, 0.0, 0.6, "share", "one stop shop: cut in delay, site-search and "
   "recruitment frictions of a project it takes on as a case", "[A] 0-60%")
_p("oss_case_months", 1.0, 0.0, 6.0, "months", "one stop shop: time its case process adds "
   "to a project (intake, case meetings, referrals between agencies) whatever it cuts; the "
   "shop cuts frictions only as far as partners delegate their powers (their mean "
   "engagement), so where they do not it is 'one more stop'", "[A]; [S] World Bank/FIAS "
   "2009, How Many Stops in a One-Stop Shop? (agencies keep their procedures, the shop adds "
   "one); Minas Facil Expresso one-stop shops cut registrations in small municipalities "
   "(World Bank All About Finance blog, 'One-stop shops: do they or don't they increase "
   "business registration?')")
_p("oss_cost_per_case", 25000.0, 5000.0, 100000.0, "GBP/case", "one stop shop: caseworker "
   "time to account-manage one investment project (about five months of a caseworker with "
   "overheads); the budget buys budget / cost cases", "[A]; UKTI handled 759 inward "
   "investment projects in 2009/10 [S] BIS Committee 2011 (HC 735), no cost per case "
   "published")
_p("appraisal_error_sd", 0.3, 0.0, 0.5, "share of gross value", "gap funding: sd of the "
   "appraiser's error about a project's value after frictions, so projects that would go "
   "ahead anyway are funded (deadweight)", "[A]; 74% of investors supported by DIT would "
   "probably have invested anyway [S] NAO 2023, Supporting investment into the UK; HM "
   "Treasury Green Book: deadweight must be appraised")

# --- Levers ----------------------------------------------------------------------------------
_group = "levers"
_p("delivery_lag_months", 3, 0, 24, "months", "months between money being allocated and "
   "programmes delivering (places and works); sites and transport take three times as long",
   "[A]")
_p("diminishing_returns_coverage", 0.5, 0.05, 5.0, "share of eligible", "coverage of the "
   "eligible group at which a programme's effect per participant halves", "[A]")
# Repeat enrolment and the fading of people levers' effects (issue 10).
_p("reenrolment_gap_months", 24, 0, 60, "months", "least time between two starts of the same "
   "people lever by one resident", "[S~] DWP Work Programme guidance: one referral gives up to "
   "104 weeks of support and a second referral to the same provider is an error")
_p("max_enrolments", 2, 1, 10, "starts", "most starts of the same people lever by one resident",
   "[A] (the Work Programme allowed one referral)")
_p("search_help_fade", 0.5, 0.0, 1.0, "share/month", "share of the remaining job-search help "
   "lost each month after a programme ends", "[A]; [S~] Card, Kluve and Weber 2018: job search "
   "assistance works mainly in the short run")
_p("trained_skill_loss", 0.25, 0.0, 1.0, "probability/year out of work", "chance a year out of "
   "work takes away a skill level gained by training", "[S~] Edin and Gustavsson 2008 (ILR "
   "Review): a year out of work moves a person about 5 percentiles down the skill "
   "distribution; a level spans about 20")
_p("health_gain_half_life", 24, 6, 240, "months", "half-life of the health gain of a condition "
   "management place", "[S~] Dorsett 2008 (DWP RR 525): Pathways raised employment 7 pp at 18 "
   "months but its benefit-exit effect fell from 6 pp at 5 months to 1.5 pp; length [A]")
_p("employment_support_cost", 600.0, 300.0, 1000.0, "GBP/participant", "job search assistance, "
   "brokerage and outreach", "[A] cost; [S~] Card, Kluve and Weber 2018 profile")
_p("employment_support_boost", 0.3, 0.0, 2.0, "proportional", "rise in search effectiveness "
   "during support (3 months), fading after",
   "[A] calibrated to employment_support_effect_year1_pp (+2.5 pp [S~] CKW 2018)")
_p("outreach_share", 0.3, 0.0, 1.0, "share", "share of employment support places used for "
   "outreach to the inactive", "[A]")
_p("skills_cost", 4000.0, 2000.0, 6000.0, "GBP/place", "training place (mix of short and long "
   "courses)", "[A]; short GBP 2,000, long GBP 6,000")
_p("course_months", 6, 1, 24, "months", "length of a training course", "[A]")
_p("training_lock_in", 0.6, 0.0, 1.0, "share", "fall in search effort while on a course",
   "[A]; lock-in -10 to -20 pp [S~] Wunsch")
_p("training_completion", 0.7, 0.3, 1.0, "probability", "chance a trainee completes and gains "
   "one skill level", "[A]")
_p("training_attachment_gain", 0.55, 0.0, 1.0, "share", "share of the gap to full labour-market "
   "attachment that completing a course closes (confidence, routine, networks)", "[A] "
   "calibrated to training_effect_year2_pp and year3 (0.4 before trained skills faded)")
_p("employer_involvement_gain", 0.2, 0.0, 1.0, "probability", "extra completion chance when "
   "training is shaped by engaged employers (times the engaged share of firms)", "[S] What Works "
   "Centre: training works better with employer involvement; size [A]")
_p("wage_subsidy_cost", 1960.0, 1000.0, 4000.0, "GBP/subsidised hire", "GBP 60 a week for 26 "
   "weeks plus GBP 400 administration", "[S] New Deal for Young People subsidy")
_p("wage_subsidy_score", 1.0, 0.0, 3.0, "score units", "how much more an employer favours an "
   "applicant who brings a subsidy", "[A]")
_p("health_cost", 1500.0, 800.0, 3000.0, "GBP/participant", "condition management programme",
   "[S] Pathways to Work evaluations (DWP RR 488, 525)")
_p("health_gain", 0.15, 0.0, 0.3, "0-1", "rise in a participant's latent health (fading with "
   "health_gain_half_life)", "[A] calibrated towards +3 to +7 pp employment at 18 months [S] "
   "Pathways to Work (0.1 when gains lasted and places could be repeated)")
_p("childcare_cost", 2500.0, 1000.0, 8000.0, "GBP/place/year", "childcare place for a carer",
   "[A]")
_p("childcare_activation", 3.0, 1.0, 10.0, "ratio", "rise in a carer's chance of returning to "
   "search while childcare is funded", "[A]")
_p("safety_scale", 50.0, 10.0, 500.0, "GBP/resident/year", "community safety spend at which "
   "63% of the maximum crime cut is reached", "[A]; NDC/NRF: -10 to -20% [S~]")
_p("safety_max_cut", 0.25, 0.0, 0.6, "share", "largest cut in a neighbourhood's crime level from "
   "community safety", "[S~] NDC and NRF local reports")
_p("environment_cost", 2000.0, 200.0, 10000.0, "GBP/resident", "spend per resident that closes "
   "the gap to perfect environment quality by e^-1 (diminishing returns)", "[A]")
_p("environment_decay", 0.01, 0.0, 0.1, "share/year", "share of the gain in environment "
   "quality lost each year without upkeep", "[A]")
_p("business_advice_cost", 5000.0, 1000.0, 20000.0, "GBP/firm", "business advice for one firm",
   "[A]")
_p("advice_productivity_gain", 0.05, 0.0, 0.2, "proportional", "lasting productivity gain of an "
   "advised firm", "[S] What Works Centre: advice raises productivity more reliably than "
   "employment; size [A]")
_p("demand_price_elasticity", 1.5, 0.0, 4.0, "elasticity", "rise in an advised firm's demand "
   "per unit of productivity gain (cheaper, better products)", "[A]")
_p("gap_funding_share", 0.5, 0.0, 1.0, "share", "share of the business support budget kept for "
   "gap funding of investment projects", "[A]")
_p("gap_funding_max_per_job", 20000.0, 0.0, 100000.0, "GBP/job", "most gap funding offered per "
   "job of a project", "[A]; cost per net job GBP 25-40k [S] NAO")
_p("site_cost", 3e6, 2e5, 2e7, "GBP/neighbourhood", "spend on one neighbourhood that closes its "
   "site-readiness and transport gaps by e^-1", "[A]")


_group = "appraisal"
_p("discount_rate", 0.035, 0.0, 0.1, "share/year", "real rate at which costs and "
   "employment-years are discounted to the programme's first month in costs per net outcome "
   "(sim.analysis.value_for_money); it changes reports only, never the simulation",
   "[S] HM Treasury Green Book: Social Time Preference Rate 3.5% real for years 0-30 "
   "(gov.uk, Review of discounting in the Green Book: terms of reference, Dec 2025)")

REGISTRY = MappingProxyType(_REGISTRY)
_BUILT_IN = frozenset(_REGISTRY)

PRESETS: dict[str, dict[str, Any]] = {
    "town": {"n_neighbourhoods": 7, "density_per_km2": 150.0, "regeneration_budget": 1e6,
             "one_stop_shop_budget": 0.05e6},
    "district": {},
    "city": {"n_neighbourhoods": 666, "density_per_km2": 2500.0, "regeneration_budget": 100e6,
             "one_stop_shop_budget": 5e6},
}
DEFAULT_PRESET = "district"


def _unknown(name: str, valid, what: str, where: str = "") -> ParameterError:
    close = difflib.get_close_matches(name, list(valid), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    prefix = f"{where}: " if where else ""
    return ParameterError(f"{prefix}unknown {what} {name!r}{hint}")


SOURCE_MARKERS = ("[S", "[A", "assumption")


def validate_param(param: Param) -> None:
    """The rules every registered parameter follows (tests/test_docs.py checks the built-in
    ones): a Python identifier, a unit, description and source marked "[S..." or "[A...",
    and, if numeric, a range that holds the default.

    Raises:
        ParameterError: the first rule broken.
    """
    if not param.name.isidentifier():
        raise ParameterError(f"parameter name {param.name!r} must be a Python identifier")
    for field in ("unit", "description", "source", "group"):
        if not str(getattr(param, field)).strip():
            raise ParameterError(f"parameter {param.name!r} needs a {field}")
    if not any(marker in param.source for marker in SOURCE_MARKERS):
        raise ParameterError(f"parameter {param.name!r}: the source must contain '[S', '[A' "
                             f"or 'assumption', got {param.source!r}")
    if param.kind is not bool:
        if param.low is None or param.high is None or not param.low <= param.default <= param.high:
            raise ParameterError(f"parameter {param.name!r} needs a range [low, high] that holds "
                                 f"its default {param.default!r}")


def register_param(param: Param) -> None:
    """Add a plug-in's parameter (e.g. a new lever's cost) to the registry.

    Raises:
        ParameterError: the name is taken, or the parameter breaks a registry rule.
    """
    if param.name in _REGISTRY:
        raise ParameterError(f"parameter {param.name!r} is already registered")
    validate_param(param)
    _REGISTRY[param.name] = param


def unregister_param(name: str) -> None:
    """Remove a parameter added with register_param; built-in parameters stay."""
    if name in _BUILT_IN:
        raise ParameterError(f"parameter {name!r} is built in and cannot be removed")
    _REGISTRY.pop(name, None)


def lookup(name: str, where: str = "") -> Param:
    """The registered parameter called `name`; a clear error with close matches otherwise."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise _unknown(name, REGISTRY, "parameter", where) from None


class Params:
    """An immutable set of values for every registered parameter."""

    def __init__(self, values: dict[str, Any]):
        object.__setattr__(self, "_values", dict(values))
        # Plain attributes: the monthly step reads parameters thousands of times.
        self.__dict__.update(self._values)

    @classmethod
    def from_preset(cls, preset: str = DEFAULT_PRESET, overrides: dict | None = None,
                    where: str = "") -> Params:
        if preset not in PRESETS:
            raise _unknown(preset, PRESETS, "preset", where)
        values = {name: p.default for name, p in REGISTRY.items()}
        values.update(PRESETS[preset])
        return cls(values).replace(where=where, **(overrides or {}))

    def replace(self, where: str = "", **overrides) -> Params:
        """A copy with some values changed; each is checked against the registry."""
        values = dict(self._values)
        for name, value in overrides.items():
            values[name] = lookup(name, where).check(value, where)
        return Params(values)

    def __reduce__(self):
        return (Params, (self._values,))  # pickling for worker processes

    def __getattr__(self, name: str):  # only called for names that are not parameters
        if name.startswith("__") or name == "_values":
            raise AttributeError(name)
        raise _unknown(name, self._values, "parameter")

    def __setattr__(self, name, value):
        raise AttributeError("Params are immutable; use replace()")

    def to_dict(self) -> dict[str, Any]:
        return dict(self._values)

    def __eq__(self, other) -> bool:
        return isinstance(other, Params) and self._values == other._values

    def __repr__(self) -> str:
        return f"Params({len(self._values)} values)"

    # Derived quantities used by several modules
    @property
    def n_residents_all_ages(self) -> int:
        return int(self.n_neighbourhoods * self.residents_per_neighbourhood)

    @property
    def scale_per_100k(self) -> float:
        return self.n_residents_all_ages / 100_000


def _md_cell(value: Any) -> str:
    """A value as Markdown table cell text (pipes escaped, bools lower case)."""
    if isinstance(value, bool):
        text = str(value).lower()
    elif isinstance(value, float):
        text = f"{value:g}"
    else:
        text = str(value)
    return text.replace("|", "\\|")


def markdown_table(group: str | None = None) -> str:
    """The parameter registry as Markdown tables, one per group, in registry order.

    Args:
        group: only this group (e.g. "labour market"); default: every group.

    Returns:
        For each group a `#### <group>` heading and a table with the columns
        name, default, range, unit, description and source.

    Raises:
        ParameterError: `group` is not a registered group.
    """
    groups = list(dict.fromkeys(p.group for p in REGISTRY.values()))
    if group is not None:
        if group not in groups:
            raise _unknown(group, groups, "parameter group")
        groups = [group]
    blocks = []
    for g in groups:
        lines = [f"#### {g}", "",
                 "| name | default | range | unit | description | source |",
                 "|---|---|---|---|---|---|"]
        for p in REGISTRY.values():
            if p.group != g:
                continue
            low = "" if p.low is None else _md_cell(p.low)
            high = "" if p.high is None else _md_cell(p.high)
            span = f"{low} – {high}" if (low or high) else "–"
            cells = [f"`{p.name}`", _md_cell(p.default), span, _md_cell(p.unit),
                     _md_cell(p.description), _md_cell(p.source)]
            lines.append("| " + " | ".join(cells) + " |")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"
