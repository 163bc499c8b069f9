from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Avg, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from maps.tiles import TILES_ATTRIBUTION, TILES_URL
from server.core.municipality import current_municipality
from server.schools.models import District, SchoolUnit, Site
from server.schools.services import site_district_by_position, site_district_centre


class PositionFilter(admin.SimpleListFilter):
    """Sites (or units, through their site) that still need a position."""

    title = _("Position")
    parameter_name = "position"
    prefix = ""

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("missing", _("Saknar position")), ("set", _("Har position"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "missing":
            return queryset.filter(**{f"{self.prefix}lat__isnull": True})
        if self.value() == "set":
            return queryset.filter(**{f"{self.prefix}lat__isnull": False})
        return queryset


class UnitPositionFilter(PositionFilter):
    prefix = "site__"


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "official_code", "parent"]
    list_filter = ["kind", "parent"]
    search_fields = ["name", "code"]
    readonly_fields = ["boundary"]


class SchoolUnitInline(admin.TabularInline):
    model = SchoolUnit
    fields = ["code", "name", "school_form", "years", "pupils", "removed_at"]
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
        "has_position",
        "removed_at",
    ]
    list_filter = [
        PositionFilter,
        "district__parent",
        "district",
        "attributes_synthetic",
        "removed_at",
    ]
    search_fields = ["name", "code", "units__name", "units__code"]
    list_select_related = ["district"]
    inlines = [SchoolUnitInline]
    show_facets = admin.ShowFacets.ALWAYS  # the filter shows how many need a position
    change_form_template = "admin/schools/site/change_form.html"

    @admin.display(boolean=True, description=_("Position"))
    def has_position(self, obj: Site) -> bool:
        return obj.has_position

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Site | None = None,
    ) -> Any:
        context["position_map"] = _map_view(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request: HttpRequest, obj: Site, form: Any, change: bool) -> None:
        # A position set on the map places a site that lies in no district yet.
        if obj.district_id is None and obj.has_position:
            obj.district = site_district_by_position(site=obj)
        super().save_model(request, obj, form, change)


def _map_view(site: Site | None) -> dict[str, Any]:
    """Where the map picker opens when the site has no position: its district, else the
    middle of the city's placed sites, else the municipality's map centre, else Sweden.
    (The imported schools come before the configured centre, which may still be the
    environment's default.)"""
    centre = None
    if site is not None and not site.has_position:
        centre = site_district_centre(site=site)
    if site is not None and site.has_position:
        lat, lon, zoom = site.lat, site.lon, 16  # the picker starts at its marker anyway
    elif centre is not None:
        (lat, lon), zoom = centre, 14
    else:
        middle = Site.objects.filter(lat__isnull=False).aggregate(lat=Avg("lat"), lon=Avg("lon"))
        municipality = current_municipality()
        if middle["lat"] is not None:
            lat, lon, zoom = middle["lat"], middle["lon"], municipality.zoom
        elif municipality.center is not None:
            (lat, lon), zoom = municipality.center, municipality.zoom
        else:
            lat, lon, zoom = 62.0, 16.0, 5
    return {
        "lat": round(lat, 6),
        "lon": round(lon, 6),
        "zoom": zoom,
        "tiles": TILES_URL,
        "attribution": TILES_ATTRIBUTION,
    }


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
        "removed_at",
    ]
    list_filter = [
        "school_form",
        UnitPositionFilter,
        "site__district__parent",
        "site__district",
        "need_synthetic",
        "removed_at",
    ]
    search_fields = ["name", "code", "site__name"]
    list_select_related = ["site"]
    autocomplete_fields = ["site"]
