from __future__ import annotations

from django.contrib import admin

from server.inspections.models import Assignment, Inspection, InspectionRevision, Photo, Rating


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["inspector", "site", "created_at"]
    list_filter = ["inspector"]
    search_fields = ["site__name", "inspector__username"]
    autocomplete_fields = ["site"]


class RatingInline(admin.TabularInline):
    model = Rating
    fields = ["element", "location", "grade", "urgency", "quantity", "estimated_cost_sek", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = [
        "site",
        "started_at",
        "finished_at",
        "inspector",
        "revision",
        "catalogue_version",
        "synthetic",
    ]
    list_filter = ["synthetic", "catalogue_version", "site__district__parent", "inspector"]
    search_fields = ["site__name", "site__code", "uuid"]
    date_hierarchy = "started_at"
    list_select_related = ["site", "inspector"]
    readonly_fields = ["uuid", "content_hash", "received_at", "updated_at"]
    raw_id_fields = ["device"]
    inlines = [RatingInline]


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["site", "element", "location", "grade", "urgency", "observed_at"]
    list_filter = ["grade", "urgency", "element"]
    search_fields = ["site__name", "element", "location", "note"]
    list_select_related = ["site"]
    raw_id_fields = ["inspection", "site"]


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ["sha256", "content_type", "size", "created_at"]
    search_fields = ["sha256"]
    readonly_fields = ["sha256", "content_type", "size", "created_at"]


@admin.register(InspectionRevision)
class InspectionRevisionAdmin(admin.ModelAdmin):
    list_display = ["inspection", "revision", "inspector", "device_name", "replaced_at"]
    search_fields = ["inspection__uuid", "inspection__site__name"]
    readonly_fields = [
        "inspection",
        "revision",
        "inspector",
        "device",
        "device_name",
        "content_hash",
        "payload",
        "replaced_at",
    ]
