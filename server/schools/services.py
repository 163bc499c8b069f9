"""Writes to the reference data outside the importers."""

from __future__ import annotations

from shapely.geometry import shape

from server.schools.importing.geo import Locator
from server.schools.models import District, Site


def site_district_by_position(*, site: Site) -> District | None:
    """The finest imported district whose boundary holds the site's position, or None."""
    if site.lat is None or site.lon is None:
        return None
    districts = list(District.objects.exclude(boundary=None))
    found = Locator(districts).district_id(site.lat, site.lon)
    return next((d for d in districts if d.id == found), None)


def site_district_centre(*, site: Site) -> tuple[float, float] | None:
    """(lat, lon) inside the site's district, where a map picker may open; None without."""
    if site.district is None or not site.district.boundary:
        return None
    try:
        point = shape(site.district.boundary).representative_point()
    except (ValueError, TypeError, KeyError, IndexError):
        return None
    return point.y, point.x
