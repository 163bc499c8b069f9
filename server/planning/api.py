"""Ranking, action plan, and sites and units with their planning figures.

Who may call: signed-in planners and administrators. The planning figures (a site's
replacement value; a unit's capacity, socioeconomic need and newly arrived share) are
read here only; /sites and /units show everyone the rest (DESIGN section 8).
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from server.accounts.auth import planner_auth
from server.core.errors import ErrorOut
from server.core.exports import to_csv, to_xlsx
from server.core.municipality import current_municipality
from server.core.pagination import paginate
from server.planning import services
from server.planning.frontier import frontier_request
from server.planning.plan_inputs import PlanInputs, plan_inputs
from server.planning.popup import site_popup_html
from server.planning.schemas import (
    FrontierOut,
    PlanBody,
    PlanComparisonOut,
    PlanOut,
    PlanParams,
    RankingOut,
    RankingParams,
    RankingStatusOut,
    SavedPlanDetailOut,
    SavedPlanOut,
    SavePlanIn,
    SitePlanningDetailOut,
    SitePlanningPage,
    UnitPlanningOut,
    UnitPlanningPage,
)
from server.planning.selectors import Ranking, RankingQuery, ranking_get, recompute_status
from server.schools import selectors as schools
from server.schools.schemas import SiteFilters, UnitFilters

router = Router(tags=["planning"], auth=planner_auth)
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}
READ_ERRORS: dict[int, Any] = {404: ErrorOut, **ERRORS}
FILE_TYPES = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "csv-comma": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


def _ranking(params: RankingParams) -> Ranking:
    return ranking_get(RankingQuery.from_query(params.dict()))


@router.get("/ranking", response={200: RankingOut, **ERRORS})
def get_ranking(request: HttpRequest, params: Query[RankingParams]) -> dict[str, Any]:
    """Every site ranked by need (1 = most), with pillars, breakdown, rank interval as the
    weights vary ±20 %, and the act-now flag for urgency-1 defects."""
    ranking = _ranking(params)
    return {
        "method": params.method,
        "weights": {
            "condition": params.condition,
            "experience": params.experience,
            "equity": params.equity,
        },
        "data_date": ranking.data_date,
        "synthetic": ranking.synthetic,
        "computed_at": ranking.computed_at,
        "stale": ranking.stale,
        "sites": services.ranking_records(ranking),
    }


@router.get(
    "/ranking/status", response={200: RankingStatusOut, **ERRORS}, url_name="ranking_status"
)
def get_ranking_status(request: HttpRequest) -> dict[str, Any]:
    """Whether the ranking is being computed after data change, and how far it has come:
    pages poll it while they show the previous numbers."""
    return recompute_status()


@router.get("/sites/{code}/popup", response={200: None, 404: ErrorOut, **ERRORS})
def get_site_popup(request: HttpRequest, code: str, params: Query[RankingParams]) -> HttpResponse:
    """The site's map popup as an HTML fragment (name, rank and interval, pillars, top
    defects, survey, link to the site page), fetched by the map on click. It ranks the
    site in the ranking the query asks for (the map's own: weights, method, filters), so
    it shows the numbers of the page the map is on."""
    html = site_popup_html(code=code, query=RankingQuery.from_query(params.dict()))
    return HttpResponse(html, content_type="text/html; charset=utf-8")


@router.get("/ranking/export", response={200: None, **ERRORS})
def export_ranking(
    request: HttpRequest,
    params: Query[RankingParams],
    format: Literal["csv", "csv-comma", "xlsx"] = "csv",
) -> HttpResponse:
    """The ranking as CSV for Swedish Excel (`csv`: BOM, `;`), plain CSV (`csv-comma`) or
    XLSX with an assumptions sheet; headers and words in the request's language (the
    language cookie, else Accept-Language; Swedish by default)."""
    ranking = _ranking(params)
    table = services.ranking_export_frame(ranking)
    if format == "xlsx":
        body = to_xlsx(
            {_("Rangordning"): table},
            services.ranking_export_assumptions(ranking),
            municipality=current_municipality().name,
        )
    else:
        body = to_csv(table, dialect="excel-sv" if format == "csv" else "comma")
    content_type, ext = FILE_TYPES[format]
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="skolmiljo-rangordning.{ext}"'
    return response


def _inputs(params: PlanParams) -> PlanInputs:
    weights = services.weights_from(
        condition=params.condition, experience=params.experience, equity=params.equity
    )
    controls: dict[str, Any] = {}
    if isinstance(params, PlanBody):
        controls = {
            "pins": [pin.dict() for pin in params.pins],
            "exclusions": [exclusion.dict() for exclusion in params.exclusions],
            "overrides": [override.dict() for override in params.overrides],
        }
    return plan_inputs(
        budget_per_year=params.budget,
        years=params.years,
        alpha=params.alpha,
        weights=weights,
        start_year=params.start_year or timezone.localdate().year + 1,
        district=params.district,
        school_form=params.school_form,
        price_year=params.price_year,
        method=params.method,
        floor=params.floor,
        mobilisation=params.mobilisation,
        carry_over=params.carry_over,
        **controls,
    )


def _plan(params: PlanParams) -> services.Plan:
    return services.plan_from_inputs(_inputs(params))


@router.get("/plan", response={200: PlanOut, **ERRORS})
def get_plan(request: HttpRequest, params: Query[PlanParams]) -> dict[str, Any]:
    """The action plan (default `method=joint`: one model over all years in weighted
    pupil-years, a project per school and year): urgency-1 items first, most severe and
    most pupils first (those no year can fund listed, never dropped), on expected grades
    under the yearly budget; with the equity report against the plan without equity, and
    its equity frontier (queued on the task queue; `equity_frontier.status` says when)."""
    return services.plan_payload(_plan(params), frontier="request")


@router.post("/plan", response={200: PlanOut, **ERRORS})
def post_plan(request: HttpRequest, body: PlanBody) -> dict[str, Any]:
    """The action plan as `GET /plan`, with the planner's controls in a JSON body: pins
    (an item, or a school's whole project, to a year), exclusions and cost overrides; the
    answer's `controls` says what each touched. A control naming no open item is a 422."""
    return services.plan_payload(_plan(body), frontier="request")


@router.get("/plan/frontier", response={200: FrontierOut, **ERRORS})
def get_plan_frontier(request: HttpRequest, params: Query[PlanParams]) -> dict[str, Any]:
    """The plan's equity frontier alone: the plan solved for alpha 0, 0.5 .. 5, each point
    its total benefit (weighted pupil-years, valued at alpha 0) and the highest-need
    quartile's share of spend and of benefit. Queued on the first request; poll until
    `status` is `ready`."""
    return frontier_request(_inputs(params))


@router.get("/plan/export", response={200: None, **ERRORS})
def export_plan(
    request: HttpRequest,
    params: Query[PlanParams],
    format: Literal["csv", "csv-comma", "xlsx"] = "csv",
) -> HttpResponse:
    """The plan as CSV (`csv` for Swedish Excel, `csv-comma`) or XLSX with the assumptions,
    per-year totals, unfunded safety items and the equity report on their own sheets;
    headers and words in the request's language (as the ranking export)."""
    payload = services.plan_payload(_plan(params))
    tables = services.plan_export_tables(payload)
    if format == "xlsx":
        assumptions = services.plan_export_assumptions(
            payload, district=params.district, school_form=params.school_form
        )
        body = to_xlsx(tables, assumptions, municipality=current_municipality().name)
    else:
        plan_sheet = next(iter(tables.values()))
        body = to_csv(plan_sheet, dialect="excel-sv" if format == "csv" else "comma")
    content_type, ext = FILE_TYPES[format]
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="skolmiljo-atgardsplan.{ext}"'
    return response


@router.post("/plans", response={201: SavedPlanOut, **ERRORS})
def save_plan(request: HttpRequest, payload: SavePlanIn) -> Status[Any]:
    """Save a plan: its inputs, the data date and the result, to compare later."""
    result = services.plan_payload(_plan(payload.params), frontier="peek")
    saved = services.saved_plan_create(
        name=payload.name,
        inputs=payload.params.dict(),
        payload=result,
        user=request.auth,  # type: ignore[attr-defined]
    )
    return Status(201, saved)


@router.get("/plans", response={200: list[SavedPlanOut], **ERRORS})
def list_plans(request: HttpRequest) -> Any:
    """Saved plans, newest first."""
    return list(services.saved_plan_list())


@router.get("/plans/compare", response={200: PlanComparisonOut, 404: ErrorOut, **ERRORS})
def compare_plans(request: HttpRequest, a: int, b: int) -> Any:
    """Two saved plans side by side: spend and benefit per year, items only one funds."""
    return services.saved_plans_compare(
        a=services.saved_plan_get(plan_id=a), b=services.saved_plan_get(plan_id=b)
    )


@router.get("/plans/{plan_id}", response={200: SavedPlanDetailOut, 404: ErrorOut, **ERRORS})
def get_saved_plan(request: HttpRequest, plan_id: int) -> Any:
    """One saved plan with its result."""
    return services.saved_plan_get(plan_id=plan_id)


@router.get("/planning/sites", response={200: SitePlanningPage, **READ_ERRORS})
def list_planning_sites(request: HttpRequest, filters: Query[SiteFilters]) -> dict[str, Any]:
    """Sites as /sites lists them (same filters and pages), with their replacement value."""
    qs = schools.site_list(**filters.filters())
    return paginate(qs, page=filters.page, page_size=filters.page_size)


@router.get("/planning/sites/{code}", response={200: SitePlanningDetailOut, **READ_ERRORS})
def get_planning_site(request: HttpRequest, code: str) -> Any:
    """One site with its replacement value and the school units on it."""
    return schools.site_get(code=code)


@router.get("/planning/units", response={200: UnitPlanningPage, **READ_ERRORS})
def list_planning_units(request: HttpRequest, filters: Query[UnitFilters]) -> dict[str, Any]:
    """School units as /units lists them (same filters and pages), with capacity,
    socioeconomic need and newly arrived share."""
    qs = schools.unit_list(**filters.filters())
    return paginate(qs, page=filters.page, page_size=filters.page_size)


@router.get("/planning/units/{code}", response={200: UnitPlanningOut, **READ_ERRORS})
def get_planning_unit(request: HttpRequest, code: str) -> Any:
    """One school unit with capacity, socioeconomic need and newly arrived share."""
    return schools.unit_get(code=code)
