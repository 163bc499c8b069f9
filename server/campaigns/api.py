"""Survey campaigns and results. Who may call: signed-in planners and administrators.

The public form is not here: it is server-rendered at /s/<code> (views.py).
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from server.accounts.auth import planner_auth
from server.campaigns import exports, poster, selectors, services
from server.campaigns.presenters import campaign_out
from server.campaigns.schemas import (
    CampaignDatesIn,
    CampaignIn,
    CampaignOut,
    CityResultOut,
    ResultsOut,
)
from server.core.errors import ErrorOut

router = Router(tags=["surveys"], auth=planner_auth)
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}


@router.post("/campaigns", response={201: CampaignOut, **ERRORS})
def create_campaign(request: HttpRequest, payload: CampaignIn) -> Status[Any]:
    """Open a campaign for a school unit and respondent group; it gets a public code and
    link, a poster with a QR code and, if asked, one-time codes to hand out."""
    campaign = services.campaign_create(
        data=services.NewCampaign(
            unit_code=payload.unit,
            respondent_group=payload.respondent_group,
            opens_on=payload.opens_on,
            closes_on=payload.closes_on,
            questionnaire=payload.questionnaire,
            years=payload.years,
            respondent_codes=payload.respondent_codes,
        )
    )
    return Status(201, campaign_out(campaign))


@router.get("/campaigns", response={200: list[CampaignOut], **ERRORS})
def list_campaigns(request: HttpRequest, unit: str | None = None) -> Any:
    """Every campaign, newest first; `unit` filters by school-unit code."""
    campaigns = selectors.campaigns_annotated()
    if unit:
        campaigns = campaigns.filter(unit__code=unit)
    return [campaign_out(c) for c in campaigns]


@router.get("/campaigns/{code}", response={200: CampaignOut, 404: ErrorOut, **ERRORS})
def get_campaign(request: HttpRequest, code: str) -> Any:
    return campaign_out(services.campaign_get(code=code))


@router.patch(
    "/campaigns/{code}", response={200: CampaignOut, 404: ErrorOut, 409: ErrorOut, **ERRORS}
)
def change_campaign_dates(request: HttpRequest, code: str, payload: CampaignDatesIn) -> Any:
    """Move a campaign that has not opened yet. Once it has opened (from 00:00 Stockholm
    time on opens_on) its dates are fixed: 409 `campaign_fixed`."""
    campaign = services.campaign_dates_change(
        campaign=services.campaign_get(code=code),
        opens_on=payload.opens_on,
        closes_on=payload.closes_on,
    )
    return campaign_out(campaign)


@router.get(
    "/campaigns/{code}/poster",
    response={200: None, 404: ErrorOut, **ERRORS},
    url_name="campaign_poster",
)
def campaign_poster(
    request: HttpRequest, code: str, format: Literal["png", "pdf"] = "png"
) -> HttpResponse:
    """An A4 poster with the campaign's QR code and link, as PNG or PDF."""
    campaign = services.campaign_get(code=code)
    body = poster.poster_render(campaign, fmt=format)
    response = HttpResponse(
        body, content_type="image/png" if format == "png" else "application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="enkat-{campaign.code}.{format}"'
    return response


@router.get(
    "/campaigns/{code}/slips",
    response={200: None, 404: ErrorOut, **ERRORS},
    url_name="campaign_slips",
)
def campaign_slips(request: HttpRequest, code: str) -> HttpResponse:
    """The campaign's unused one-time codes as slips to cut apart (PDF)."""
    campaign = services.campaign_get(code=code)
    unused = list(campaign.codes.filter(used=False).order_by("id").values_list("code", flat=True))
    body = poster.slips_render(campaign, unused, fmt="pdf")
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="koder-{campaign.code}.pdf"'
    return response


@router.get("/survey-results", response={200: ResultsOut, **ERRORS})
def survey_results(request: HttpRequest, site: str | None = None) -> Any:
    """Index results per school unit and respondent group, 0-10 (10 best): raw mean with
    its 95 % interval, and shrunk toward the city mean for ranking. A group or index
    with fewer respondents than `threshold` is marked suppressed and has no numbers."""
    unit_ids = None
    if site:
        unit_ids = selectors.unit_ids_of_site(site_code=site)
    return {
        "threshold": selectors.threshold(),
        "results": selectors.unit_results(unit_ids=unit_ids),
    }


@router.get("/survey-results/city", response={200: list[CityResultOut], **ERRORS})
def survey_results_city(request: HttpRequest) -> Any:
    """How the shown units' indices spread across the city, per group and index."""
    return selectors.city_results()


@router.get("/survey-results/export", response={200: None, **ERRORS})
def survey_results_export(
    request: HttpRequest, format: Literal["csv", "xlsx"] = "csv"
) -> HttpResponse:
    """The results as CSV (Swedish Excel) or XLSX, suppressed values left blank."""
    body, content_type = exports.results_file(fmt=format)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="skolmiljo-enkatresultat.{format}"'
    return response
