"""API schemas for districts, sites and school units.

The public shapes (`SiteOut`, `UnitOut`) carry names, forms, years, pupils, districts,
positions and building facts. Planning figures, a site's replacement value and a unit's
capacity, socioeconomic need and newly arrived share, are only in the `*PlanningOut`
shapes of `server.planning.schemas`, which only planners read (DESIGN section 8).
"""

from __future__ import annotations

from typing import Any, Literal

from ninja import Field, Schema

from server.core.pagination import PageMeta, PageParams

SchoolForm = Literal["grundskola", "anpassad_grundskola"]
DistrictKind = Literal["city_area", "district"]


class DistrictFilters(PageParams):
    kind: DistrictKind | None = Field(None, description="city_area or district.")
    parent: str | None = Field(
        None, description="The city area the districts lie in: its code or name, in any case."
    )


class DistrictOut(Schema):
    code: str
    name: str
    kind: DistrictKind
    official_code: int | None
    parent: str | None = Field(None, description="Code of the enclosing city area.")
    has_boundary: bool

    @staticmethod
    def resolve_parent(obj: Any) -> str | None:
        return obj.parent.code if obj.parent_id else None

    @staticmethod
    def resolve_has_boundary(obj: Any) -> bool:
        return obj.boundary is not None


class DistrictDetailOut(DistrictOut):
    boundary: dict[str, Any] | None = Field(None, description="GeoJSON geometry, WGS84.")


class DistrictPage(PageMeta):
    results: list[DistrictOut]


class SiteFilters(PageParams):
    district: str | None = Field(
        None,
        description="District or city area, by code or name in any case (the ranking gives "
        "names); a city area includes its districts.",
    )
    school_form: SchoolForm | None = Field(None, description="Sites with a unit of this form.")
    q: str | None = Field(None, max_length=100, description="Part of the site or unit name.")
    include_removed: bool = Field(False, description="Also list withdrawn sites.")


class UnitBriefOut(Schema):
    code: str
    name: str
    school_form: SchoolForm
    years: str
    pupils: int | None


class SiteOut(Schema):
    code: str
    name: str
    district: str | None = Field(description="District code; null when it lies in none.")
    district_name: str | None
    city_area: str | None = Field(description="City-area code.")
    lat: float | None = Field(description="WGS84; null until the site has a position.")
    lon: float | None
    needs_position: bool = Field(
        description="True when the site has no position yet: it is left off the maps."
    )
    pupils: int | None = Field(description="Pupils of all units on the site.")
    unit_count: int
    floor_area_m2: float | None
    yard_area_m2: float | None
    year_built: int | None
    attributes_synthetic: bool = Field(
        description="True when floor and yard area, year built (and, for planners, the "
        "replacement value) are generated demo values."
    )
    removed: bool

    @staticmethod
    def resolve_district(obj: Any) -> str | None:
        return obj.district.code if obj.district_id else None

    @staticmethod
    def resolve_district_name(obj: Any) -> str | None:
        return obj.district.name if obj.district_id else None

    @staticmethod
    def resolve_city_area(obj: Any) -> str | None:
        return obj.district.parent.code if obj.district_id and obj.district.parent_id else None

    @staticmethod
    def resolve_needs_position(obj: Any) -> bool:
        return not obj.has_position

    @staticmethod
    def resolve_removed(obj: Any) -> bool:
        return obj.removed_at is not None


class SiteDetailOut(SiteOut):
    units: list[UnitBriefOut]

    @staticmethod
    def resolve_units(obj: Any) -> list[Any]:
        return list(obj.units.all())  # the selector prefetches the active units only


class SitePage(PageMeta):
    results: list[SiteOut]


class UnitFilters(PageParams):
    site: str | None = Field(None, description="Site code.")
    district: str | None = Field(
        None, description="District or city area, by code or name in any case."
    )
    school_form: SchoolForm | None = None
    q: str | None = Field(None, max_length=100, description="Part of the unit name.")


class UnitOut(UnitBriefOut):
    year_from: int = Field(description="First school year; F is 0.")
    year_to: int
    site: str = Field(description="Site code.")
    site_name: str
    district: str | None

    @staticmethod
    def resolve_site(obj: Any) -> str:
        return str(obj.site.code)

    @staticmethod
    def resolve_site_name(obj: Any) -> str:
        return str(obj.site.name)

    @staticmethod
    def resolve_district(obj: Any) -> str | None:
        return obj.site.district.code if obj.site.district_id else None


class UnitPage(PageMeta):
    results: list[UnitOut]
