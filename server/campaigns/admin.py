"""Administrators' view of campaigns: counts only, never a single response.

Responses and answers have no admin at all (no list, add, change or view): one response
shown answer by answer, in a group under the threshold, is what suppression hides.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from server.campaigns.models import (
    FIXED_ONCE_OPEN,
    Campaign,
    ImportedReference,
    ImportedResult,
    campaign_opened,
)


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = [
        "unit",
        "respondent_group",
        "questionnaire",
        "code",
        "opens_on",
        "closes_on",
        "response_count",
        "synthetic",
    ]
    list_filter = ["respondent_group", "questionnaire", "synthetic", "opens_on"]
    search_fields = ["unit__name", "code"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Campaign]:
        return super().get_queryset(request).annotate(n_responses=Count("responses"))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fixed = list(FIXED_ONCE_OPEN) if obj is not None and campaign_opened(obj) else []
        return [*super().get_readonly_fields(request, obj), *fixed, "response_count"]

    @admin.display(description="svar", ordering="n_responses")
    def response_count(self, obj: Campaign) -> int:
        count = getattr(obj, "n_responses", None)
        if count is None:  # the change form's own object, not annotated
            count = obj.responses.count() if obj.pk else 0
        return int(count)


@admin.register(ImportedResult)
class ImportedResultAdmin(admin.ModelAdmin):
    list_display = [
        "unit", "respondent_group", "index", "context", "year", "round", "grades", "mean",
        "respondents", "sd", "current", "publisher", "source",
    ]  # fmt: skip
    list_filter = ["current", "context", "year", "respondent_group", "index", "publisher"]
    search_fields = ["unit__name", "unit__code", "area"]
    raw_id_fields = ["unit"]


@admin.register(ImportedReference)
class ImportedReferenceAdmin(admin.ModelAdmin):
    list_display = [
        "name", "level", "respondent_group", "index", "year", "round", "grades", "mean",
        "respondents", "current", "publisher", "source",
    ]  # fmt: skip
    list_filter = ["current", "level", "year", "respondent_group", "index"]
    search_fields = ["name", "area"]
