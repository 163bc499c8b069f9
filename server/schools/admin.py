from __future__ import annotations

from django.contrib import admin

from server.schools.models import District, SchoolUnit, Site


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "official_code", "parent"]
    list_filter = ["kind", "parent"]
    search_fields = ["name", "code"]
    readonly_fields = ["boundary"]


class SchoolUnitInline(admin.TabularInline):
    model = SchoolUnit
    fields = ["code", "name", "school_form", "years", "pupils"]
    extra = 0
    show_change_link = True


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "district",
        "floor_area_m2",
        "yard_area_m2",
        "year_built",
        "replacement_value_sek",
        "attributes_synthetic",
        "removed_at",
    ]
    list_filter = ["district__parent", "district", "attributes_synthetic", "removed_at"]
    search_fields = ["name", "code", "units__name", "units__code"]
    list_select_related = ["district"]
    inlines = [SchoolUnitInline]


@admin.register(SchoolUnit)
class SchoolUnitAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "school_form",
        "years",
        "pupils",
        "site",
        "socioeconomic_need",
        "newly_arrived_share",
        "need_synthetic",
    ]
    list_filter = ["school_form", "site__district__parent", "site__district", "need_synthetic"]
    search_fields = ["name", "code", "site__name"]
    list_select_related = ["site"]
    autocomplete_fields = ["site"]
