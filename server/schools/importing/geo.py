"""Boundaries: checking an imported geometry, and finding the district a point lies in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry import Point, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.prepared import PreparedGeometry, prep

from server.schools.importing.values import BadValue, _sweref_to_wgs84
from server.schools.models import District

DECIMALS = 6
"""About 0.1 m: finer than any boundary file is drawn, and stable from run to run."""


def _rounded(geometry: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geometry, lambda xy: np.round(xy, DECIMALS))


def boundary(geometry: Any) -> dict[str, Any]:
    """A GeoJSON Polygon or MultiPolygon in WGS84, rounded; SWEREF 99 TM metres are
    converted. BadValue for anything else (a point, an empty or unreadable geometry)."""
    if not isinstance(geometry, dict):
        raise BadValue("the feature has no geometry")
    if geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise BadValue(f"geometry type {geometry.get('type')!r} is not Polygon or MultiPolygon")
    try:
        shaped = shape(geometry)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise BadValue(f"the geometry cannot be read ({exc})") from None
    if shaped.is_empty:
        raise BadValue("the geometry is empty")
    west, south, east, north = shaped.bounds
    if west >= -180 and east <= 180 and south >= -90 and north <= 90:
        pass
    elif west >= 150_000 and east <= 1_000_000 and south >= 6_000_000 and north <= 7_800_000:
        to_wgs84 = _sweref_to_wgs84()
        shaped = shapely.transform(
            shaped, lambda xy: np.column_stack(to_wgs84.transform(xy[:, 0], xy[:, 1]))
        )
    else:
        raise BadValue(
            "the coordinates are neither WGS84 degrees nor SWEREF 99 TM metres "
            f"(bounds {west:g}, {south:g}, {east:g}, {north:g}); reproject the file to WGS84"
        )
    # A JSON round trip, so the stored value compares equal to what the next run makes.
    out = mapping(_rounded(shaped))
    return _plain(out)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class _Area:
    district_id: int
    fine: bool
    size: float
    shape: PreparedGeometry


class Locator:
    """Which imported district a point lies in: the finest one (a district before its
    city area, the smallest where boundaries overlap). Built once per import."""

    def __init__(self, districts: list[District]) -> None:
        areas = []
        for d in districts:
            if not d.boundary:
                continue
            try:
                geometry = shape(d.boundary)
            except (ValueError, TypeError, KeyError, IndexError):
                continue  # an unreadable stored boundary places nothing
            fine = d.kind == District.Kind.DISTRICT
            areas.append(_Area(d.id, fine, geometry.area, prep(geometry)))
        self._areas = sorted(areas, key=lambda a: (not a.fine, a.size))

    def district_id(self, lat: float, lon: float) -> int | None:
        point = Point(lon, lat)
        for area in self._areas:
            if area.shape.covers(point):
                return area.district_id
        return None
