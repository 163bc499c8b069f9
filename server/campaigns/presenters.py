"""How a campaign is shown to planners, on the pages and in the API alike."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from server.campaigns import poster
from server.campaigns.models import Campaign, campaign_closed, campaign_is_open


def campaign_out(campaign: Campaign) -> dict[str, Any]:
    """A campaign with its counts: the number of responses and, for pupils, the response
    rate. Never a result: those come from the closed campaign (selectors)."""
    codes = getattr(campaign, "n_codes", None)
    unused = getattr(campaign, "n_unused", None)
    if codes is None:
        codes = campaign.codes.count()
        unused = campaign.codes.filter(used=False).count()
    responses = getattr(campaign, "n_responses", None)
    if responses is None:
        responses = campaign.responses.count()
    pupils = campaign.unit.pupils
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
        "is_open": campaign_is_open(campaign),
        "is_closed": campaign_closed(campaign),
        "responses": responses,
        "response_rate": round(responses / pupils, 3)
        if campaign.respondent_group == Campaign.Group.PUPILS and pupils
        else None,
        "respondent_codes": codes,
        "respondent_codes_unused": unused,
        "poster_png": reverse("api-v1:campaign_poster", args=[campaign.code]) + "?format=png",
        "poster_pdf": reverse("api-v1:campaign_poster", args=[campaign.code]) + "?format=pdf",
        "slips_pdf": reverse("api-v1:campaign_slips", args=[campaign.code]) if codes else None,
        "synthetic": campaign.synthetic,
    }
