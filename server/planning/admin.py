from __future__ import annotations

from django.contrib import admin

from server.planning.models import SavedPlan


@admin.register(SavedPlan)
class SavedPlanAdmin(admin.ModelAdmin):
    list_display = ["name", "created_by", "created_at", "data_date", "synthetic"]
    list_filter = ["synthetic", "created_by"]
    search_fields = ["name"]
    readonly_fields = ["inputs", "result", "data_date", "created_at"]
