"""Survey campaigns and results. Who may call: signed-in planners and administrators.

The public form is not here: it is server-rendered at /s/<code> (views.py).
"""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router, Status

from server.accounts.auth import planner_auth
from server.campaigns import exports, poster, selectors, services
from server.campaigns.models import Campaign, RespondentCode, Response
from server.campaigns.schemas import (
    CampaignIn,
    CampaignOut,
    CityResultOut,
    ResultsOut,
)
from server.core.errors import ErrorOut

router = Router(tags=["surveys"], auth=planner_auth)
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}


def campaign_out(campaign: Campaign) -> dict[str, Any]:
    codes = getattr(campaign, "n_codes", None)
    unused = getattr(campaign, "n_unused", None)
    if codes is None:
        codes = campaign.codes.count()
        unused = campaign.codes.filter(used=False).count()
    responses = getattr(campaign, "n_responses", None)
    if responses is None:
        responses = campaign.responses.count()
    return {
        "code": campaign.code,
        "url": poster.campaign_url(campaign),
        "unit": campaign.unit.code,
        "unit_name": campaign.unit.name,
        "respondent_group": campaign.respondent_group,
        "questionnaire": campaign.questionnaire,
        "years": campaign.years,
        "opens_on": campaign.opens_on,
        "closes_on": campaign.closes_on,
        "is_open": services.campaign_is_open(campaign),
        "responses": responses,
        "respondent_codes": codes,
        "respondent_codes_unused": unused,
        "poster_png": reverse("api-v1:campaign_poster", args=[campaign.code]) + "?format=png",
        "poster_pdf": reverse("api-v1:campaign_poster", args=[campaign.code]) + "?format=pdf",
        "slips_pdf": reverse("api-v1:campaign_slips", args=[campaign.code]) if codes else None,
        "synthetic": campaign.synthetic,
    }


def _count(model: Any, **filters: Any) -> Subquery:
    # One subquery per count: joining responses and codes at once would multiply rows.
    rows = model.objects.filter(campaign=OuterRef("pk"), **filters).order_by()
    return Subquery(
        rows.values("campaign").annotate(n=Count("pk")).values("n"), output_field=IntegerField()
    )


def campaigns_annotated() -> Any:
    return (
        Campaign.objects.select_related("unit")
        .annotate(
            n_responses=Coalesce(_count(Response), 0),
            n_codes=Coalesce(_count(RespondentCode), 0),
            n_unused=Coalesce(_count(RespondentCode, used=False), 0),
        )
        .order_by("-opens_on", "unit__name", "respondent_group")
    )


@router.post("/campaigns", response={201: CampaignOut, **ERRORS})
def create_campaign(request: HttpRequest, payload: CampaignIn) -> Status[Any]:
    """Open a campaign for a school unit and respondent group; it gets a public code and
    link, a poster with a QR code and, if asked, one-time codes to hand out."""
    campaign = services.campaign_create(
        data=services.CampaignIn(
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
    campaigns = campaigns_annotated()
    if unit:
        campaigns = campaigns.filter(unit__code=unit)
    return [campaign_out(c) for c in campaigns]


@router.get("/campaigns/{code}", response={200: CampaignOut, 404: ErrorOut, **ERRORS})
def get_campaign(request: HttpRequest, code: str) -> Any:
    return campaign_out(services.campaign_get(code=code))


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
