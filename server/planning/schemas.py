"""API schemas of the ranking, the plan, and sites and units with their planning figures."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema

from server.core.pagination import PageMeta
from server.planning.bounds import (
    ALPHA,
    BUDGET,
    CONTROLS,
    COST_OVERRIDE,
    EQUITY_FLOOR,
    MOBILISATION,
    START_YEAR,
    TOP_N,
    WEIGHT,
    YEARS,
)
from server.schools.schemas import SchoolForm, SiteOut, UnitBriefOut, UnitOut


def _weight(default: float, pillar: str) -> Any:
    return Field(
        default,
        ge=WEIGHT.low,
        le=WEIGHT.high,
        allow_inf_nan=False,
        description=f"Weight of the {pillar} pillar ({WEIGHT.low:g}-{WEIGHT.high:g}).",
    )


class RankingParams(Schema):
    condition: float = _weight(0.5, "condition")
    experience: float = _weight(0.25, "experience")
    equity: float = _weight(0.25, "equity")
    method: Literal["weighted_sum", "topsis"] = Field("weighted_sum")
    district: str | None = Field(
        None,
        description="District or city area, by code or name in any case; a city area "
        "includes its districts.",
    )
    school_form: SchoolForm | None = None
    top_n: int = Field(
        10, ge=TOP_N.low, le=TOP_N.high, description="N of the probability of top N."
    )


class DefectOut(Schema):
    element: str
    location: str
    grade: str


class RankedSiteOut(Schema):
    code: str
    name: str
    district: str = Field(
        description="District name (the `district` filter takes it too); empty when none."
    )
    rank: int | None
    priority: float | None
    condition: float | None
    experience: float | None
    equity: float | None
    contrib_condition: float | None
    contrib_experience: float | None
    contrib_equity: float | None
    rank_p05: int | None = Field(description="5th percentile of the rank as weights vary ±20 %.")
    rank_p95: int | None
    p_top_n: float | None = Field(description="Probability of being in the top N.")
    act_now: bool = Field(description="An urgency-1 (safety) defect: act now, whatever the rank.")
    inspected: bool
    has_survey: bool
    missing: list[str] = Field(description="Pillars without data (not counted as zero need).")
    implausible: list[str] = Field(
        description="Stored values left out because they are out of range (e.g. "
        "`replacement_value_sek`, `ratings.roof`): fix them in the admin or the next inspection."
    )
    top_defects: list[DefectOut]
    pupils: float | None
    lat: float | None = Field(description="Null until the site has a position (not on maps).")
    lon: float | None
    synthetic: bool


class RankingOut(Schema):
    method: str
    weights: dict[str, float]
    data_date: datetime | None = Field(description="The newest observation the ranking uses.")
    synthetic: bool = Field(description="True when any input is generated demo data.")
    computed_at: datetime = Field(description="When the pillars behind it were computed.")
    stale: bool = Field(
        description="True while data changed since are being computed in the background: "
        "these are the previous numbers."
    )
    sites: list[RankedSiteOut]


class RankingStatusOut(Schema):
    running: bool = Field(description="A recompute after data change is running.")
    progress: float | None = Field(description="How far it has come, 0-1, while running.")
    version: str = Field(description="The data version now.")
    computed_version: str | None = Field(
        description="The data version the last recompute was of (none before the first)."
    )


class PlanParams(Schema):
    budget: float = Field(
        ge=BUDGET.low,
        le=BUDGET.high,
        allow_inf_nan=False,
        description="Budget per year in SEK (in the plan's price year).",
    )
    years: int = Field(5, ge=YEARS.low, le=YEARS.high)
    alpha: float = Field(
        1.0,
        ge=ALPHA.low,
        le=ALPHA.high,
        allow_inf_nan=False,
        description="How strongly equity need scales benefit.",
    )
    start_year: int | None = Field(
        None, ge=START_YEAR.low, le=START_YEAR.high, description="Default: next year."
    )
    price_year: int | None = Field(
        None,
        ge=1990,
        le=2100,
        description="The price year of the costs (rates scaled by the construction-cost "
        "index). Default: the municipality's.",
    )
    condition: float = _weight(0.5, "condition")
    experience: float = _weight(0.25, "experience")
    equity: float = _weight(0.25, "equity")
    district: str | None = Field(
        None,
        description="District or city area, by code or name in any case; a city area "
        "includes its districts.",
    )
    school_form: SchoolForm | None = None
    method: Literal["joint", "yearly", "greedy"] = Field(
        "joint",
        description="joint: one model over all years (weighted pupil-years, projects per "
        "school); yearly: an exact choice year by year; greedy: best benefit per krona.",
    )
    floor: float | None = Field(
        None,
        ge=EQUITY_FLOOR.low,
        le=EQUITY_FLOOR.high,
        allow_inf_nan=False,
        description="Equity floor: at least this percent of the whole plan's spend (safety "
        "included) goes to the quarter of pupils with the highest need (joint only).",
    )
    mobilisation: float | None = Field(
        None,
        ge=MOBILISATION.low,
        le=MOBILISATION.high,
        allow_inf_nan=False,
        description="Mobilisation cost per school and year in SEK (joint only; default "
        "50,000; 0 turns project grouping off).",
    )
    carry_over: bool = Field(False, description="Unspent budget rolls into the next year.")


_CODE = Field(min_length=1, max_length=64)
_OPTIONAL_CODE = Field(None, min_length=1, max_length=64)


class PinIn(Schema):
    site: str = _CODE
    year: int = Field(ge=START_YEAR.low, le=START_YEAR.high, description="A year of the plan.")
    element: str | None = Field(
        None, min_length=1, max_length=64, description="Empty: the school's whole project."
    )
    location: str | None = Field(
        None, max_length=120, description="Empty: every location of the element."
    )


class ExclusionIn(Schema):
    site: str = _CODE
    element: str | None = _OPTIONAL_CODE
    location: str | None = Field(None, max_length=120)


class CostOverrideIn(Schema):
    site: str = _CODE
    element: str = _CODE
    location: str = Field("", max_length=120)
    cost_sek: float = Field(
        ge=COST_OVERRIDE.low,
        le=COST_OVERRIDE.high,
        allow_inf_nan=False,
        description="The item's cost in SEK at the plan's price year, in every year.",
    )


class PlanBody(PlanParams):
    """The plan with the planner's own controls (POST /plan)."""

    pins: list[PinIn] = Field(
        default_factory=list, max_length=CONTROLS, description="Items or projects set to a year."
    )
    exclusions: list[ExclusionIn] = Field(
        default_factory=list, max_length=CONTROLS, description="Items or schools never funded."
    )
    overrides: list[CostOverrideIn] = Field(
        default_factory=list, max_length=CONTROLS, description="The planner's own costs."
    )


class FrontierPointOut(Schema):
    alpha: float
    total_benefit: float = Field(description="Weighted pupil-years, valued at alpha 0.")
    top_quartile_spend_share: float = Field(description="0-1, safety spend included.")
    top_quartile_benefit_share: float


class FrontierOut(Schema):
    status: Literal["ready", "queued", "running", "failed"]
    points: list[FrontierPointOut] | None
    computed_at: datetime | None = None
    progress: float | None = Field(None, description="0-1 while running.")
    error: str | None = None


class PlanOut(Schema):
    assumptions: dict[str, Any] = Field(description="Price year, VAT, budget, weights, alpha…")
    data_date: datetime | None
    synthetic: bool
    years: list[dict[str, Any]] = Field(description="Per year: budget, spent, benefit, solver.")
    items: list[dict[str, Any]] = Field(description="Chosen interventions with cost and reason.")
    unfunded_safety: list[dict[str, Any]] = Field(
        description="Urgency-1 items that did not fit a year's budget: never dropped silently."
    )
    equity: list[dict[str, Any]] = Field(
        description="Spending and benefit by quartile of need, against the plan without equity."
    )
    total_benefit_pupil_years: float = Field(
        description="Weighted pupil-years the whole plan gains over the evaluation horizon."
    )
    mip_gap: float | None = Field(
        description="The joint plan's optimality gap reached (0: proved optimal)."
    )
    floor: dict[str, Any] | None = Field(
        description="The equity floor asked for: share, reached, met or infeasible and why."
    )
    controls: list[dict[str, Any]] = Field(description="Pins, exclusions and overrides honoured.")
    equity_frontier: FrontierOut = Field(
        description="The plan solved for alpha 0..5: benefit against the highest-need "
        "quartile's share (computed on the task queue; status says when it is ready)."
    )


class SavePlanIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    params: PlanBody


class SavedPlanOut(Schema):
    id: int
    name: str
    created_by: str | None
    created_at: datetime
    data_date: datetime
    inputs: dict[str, Any]
    synthetic: bool
    price_list_version: int | None = Field(
        description="The price-list version its costs were made with (null: before versions)."
    )
    price_year: int | None

    @staticmethod
    def resolve_created_by(obj: Any) -> str | None:
        return obj.created_by.username if obj.created_by_id else None


class SavedPlanDetailOut(SavedPlanOut):
    result: dict[str, Any]


class PlanComparisonOut(Schema):
    a: SavedPlanOut
    b: SavedPlanOut
    inputs: list[dict[str, Any]] = Field(
        description="Both plans' inputs (name, a, b, differs), the floor and controls included."
    )
    years: list[dict[str, Any]] = Field(description="Spent and benefit per year, side by side.")
    schools: list[dict[str, Any]] = Field(description="Spend per school in each plan.")
    only_in_a: list[dict[str, Any]]
    only_in_b: list[dict[str, Any]]


class SitePlanningOut(SiteOut):
    """A site as /sites shows it, with its replacement value (for the condition index)."""

    replacement_value_sek: int | None


class SitePlanningDetailOut(SitePlanningOut):
    units: list[UnitBriefOut]

    @staticmethod
    def resolve_units(obj: Any) -> list[Any]:
        return list(obj.units.all())


class SitePlanningPage(PageMeta):
    results: list[SitePlanningOut]


class UnitPlanningOut(UnitOut):
    """A unit as /units shows it, with the equity inputs and its capacity."""

    capacity: int | None
    socioeconomic_need: float | None = Field(description="0 (least) to 100 (highest need).")
    newly_arrived_share: float | None = Field(description="0 to 1.")
    need_synthetic: bool = Field(
        description="True when need and newly arrived share are generated demo values."
    )


class UnitPlanningPage(PageMeta):
    results: list[UnitPlanningOut]
