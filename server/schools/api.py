"""Read endpoints for districts, sites and school units.

Who may call: anyone (public data: names, forms, years, pupils, districts, positions and
building facts). The planning figures are for planners, at /planning/sites and
/planning/units (server.planning.api).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from server.core.errors import ErrorOut
from server.core.pagination import paginate
from server.schools import selectors
from server.schools.schemas import (
    DistrictDetailOut,
    DistrictFilters,
    DistrictPage,
    SiteDetailOut,
    SiteFilters,
    SitePage,
    UnitFilters,
    UnitOut,
    UnitPage,
)

router = Router(tags=["schools"])

LIST_ERRORS: dict[int, Any] = {404: ErrorOut, 422: ErrorOut}
DETAIL_ERRORS: dict[int, Any] = {404: ErrorOut}


@router.get("/districts", response={200: DistrictPage, **LIST_ERRORS})
def list_districts(request: HttpRequest, filters: Query[DistrictFilters]) -> dict[str, Any]:
    """City areas and statistical districts. 404 past the last page, 422 for bad filters."""
    qs = selectors.district_list(kind=filters.kind, parent=filters.parent)
    return paginate(qs, page=filters.page, page_size=filters.page_size)


@router.get("/districts/{code}", response={200: DistrictDetailOut, **DETAIL_ERRORS})
def get_district(request: HttpRequest, code: str) -> Any:
    """One district with its GeoJSON boundary."""
    return selectors.district_get(code=code)


@router.get("/sites", response={200: SitePage, **LIST_ERRORS})
def list_sites(request: HttpRequest, filters: Query[SiteFilters]) -> dict[str, Any]:
    """Sites (skolhus): the buildings and yards that are inspected and renovated."""
    qs = selectors.site_list(**filters.filters())
    return paginate(qs, page=filters.page, page_size=filters.page_size)


@router.get("/sites/{code}", response={200: SiteDetailOut, **DETAIL_ERRORS})
def get_site(request: HttpRequest, code: str) -> Any:
    """One site with the school units on it."""
    return selectors.site_get(code=code)


@router.get("/units", response={200: UnitPage, **LIST_ERRORS})
def list_units(request: HttpRequest, filters: Query[UnitFilters]) -> dict[str, Any]:
    """School units (skolenheter)."""
    qs = selectors.unit_list(**filters.filters())
    return paginate(qs, page=filters.page, page_size=filters.page_size)


@router.get("/units/{code}", response={200: UnitOut, **DETAIL_ERRORS})
def get_unit(request: HttpRequest, code: str) -> Any:
    """One school unit."""
    return selectors.unit_get(code=code)
