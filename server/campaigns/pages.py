"""Planner pages for campaigns and survey results. Who may call: planners and administrators."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from server.accounts.decorators import planner_only
from server.campaigns import selectors, services
from server.campaigns.forms import CampaignForm
from server.campaigns.presenters import campaign_out
from shared.errors import AppError, NotFound


@planner_only
def campaign_list(request: HttpRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(
                data=services.NewCampaign(
                    unit_code=data["unit"].code,
                    respondent_group=data["respondent_group"],
                    opens_on=data["opens_on"],
                    closes_on=data["closes_on"],
                    years=data["years"],
                    respondent_codes=data["respondent_codes"],
                )
            )
        except AppError as exc:
            for detail in getattr(exc, "details", []):
                field = detail.field if detail.field in form.fields else None
                form.add_error(field, detail.message)
        else:
            return redirect("campaign-detail", code=campaign.code)
    campaigns = [campaign_out(c) for c in selectors.campaigns_annotated()[:300]]
    return render(
        request,
        "campaigns/campaign_list.html",
        {
            "form": form,
            "campaigns": campaigns,
            "synthetic": any(c["synthetic"] for c in campaigns),
        },
        status=400 if request.method == "POST" else 200,
    )


@planner_only
def campaign_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        campaign = services.campaign_get(code=code)
    except NotFound:
        return render(request, "campaigns/planner_missing.html", {}, status=404)
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "campaign": campaign_out(campaign),
            "results": selectors.campaign_results(campaign),
            "survey_threshold": selectors.threshold(),
            "synthetic": campaign.synthetic,
        },
    )


@planner_only
def results(request: HttpRequest) -> HttpResponse:
    site = request.GET.get("site") or None
    unit_ids = selectors.unit_ids_of_site(site_code=site) if site else None
    shown = selectors.shown_results()  # once for the city and the units
    city = [
        {**row, "iqr": (row["q3"] - row["q1"]) if row["units"] else None}
        for row in selectors.city_results(shown=shown)
    ]
    return render(
        request,
        "campaigns/results.html",
        {
            "survey_results": selectors.unit_results(unit_ids=unit_ids, shown=shown),
            "site": site,
            "survey_threshold": selectors.threshold(),
            "city": city,
            "synthetic": selectors.any_synthetic(),
        },
    )
