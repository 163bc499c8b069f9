from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from server.campaigns.models import Answer, Campaign, ImportedResult, Response


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

    @admin.display(description="svar", ordering="n_responses")
    def response_count(self, obj: Campaign) -> int:
        return int(getattr(obj, "n_responses", 0))


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = ["item", "index", "value"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["id", "campaign", "submitted_on", "language", "synthetic"]
    list_filter = ["language", "synthetic", "submitted_on"]
    search_fields = ["campaign__code", "campaign__unit__name"]
    raw_id_fields = ["campaign"]
    inlines = [AnswerInline]


@admin.register(ImportedResult)
class ImportedResultAdmin(admin.ModelAdmin):
    list_display = ["unit", "respondent_group", "index", "mean", "respondents", "source"]
    list_filter = ["respondent_group", "index", "source"]
    search_fields = ["unit__name", "unit__code"]
    raw_id_fields = ["unit"]
