"""Cell values of an import file: numbers, school years, school forms and positions.

Each parser returns the value or raises `BadValue` with a reason a person can act on.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any

from server.core.tables import norm


class BadValue(ValueError):
    """A cell that cannot be used; the message says why."""


def number(text: str, *, low: float, high: float, what: str) -> float:
    """A decimal number in [low, high]; a decimal comma, spaces and a trailing unit are fine."""
    cleaned = re.sub(r"(?i)\s*(kr|sek|m2|m²|kvm)$", "", text.replace("\u00a0", "").strip())
    cleaned = cleaned.replace(" ", "").replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        raise BadValue(f"{what} {text!r} is not a number") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise BadValue(f"{what} {text!r} is outside {low:g}–{high:g}")
    return value


def whole(text: str, *, low: int, high: int, what: str) -> int:
    value = number(text, low=low, high=high, what=what)
    if not value.is_integer():
        raise BadValue(f"{what} {text!r} is not a whole number")
    return int(value)


def share(text: str, *, what: str) -> float:
    """A share 0–1, or a percentage written with % (e.g. '12 %')."""
    if text.strip().endswith("%"):
        return number(text.strip().rstrip("%"), low=0, high=100, what=what) / 100
    return number(text, low=0, high=1, what=what)


SCHOOL_FORMS = {
    "grundskola": "grundskola",
    "gr": "grundskola",
    "compulsory school": "grundskola",
    "anpassad grundskola": "anpassad_grundskola",
    "anpassad grundskola grundsärskola": "anpassad_grundskola",
    "grundsärskola": "anpassad_grundskola",
    "gran": "anpassad_grundskola",
    "grs": "anpassad_grundskola",
    "adapted compulsory school": "anpassad_grundskola",
}


def school_form(text: str) -> str | None:
    """'Grundskola' -> 'grundskola'; None for a form we do not hold (e.g. gymnasieskola)."""
    return SCHOOL_FORMS.get(norm(text).replace("anpassad_", "anpassad "))


_YEAR = r"(f|fk|fklass|förskoleklass|\d{1,2})"
_RANGE = re.compile(rf"^{_YEAR}\s*(?:[–—-]\s*{_YEAR})?$")
HIGHEST_YEAR = 9


def _year(token: str) -> int:
    return 0 if not token.isdigit() else int(token)


def years(text: str) -> tuple[int, int]:
    """'F–6' -> (0, 6), '7-9', '1,2,3', 'F', 'åk 4–6'; F (förskoleklass) is year 0."""
    value = re.sub(r"^(åk|årskurs|årskurser|years?|grades?)\.?\s*", "", text.strip().lower())
    parts = [p.strip() for p in re.split(r"[,;/]|\s+och\s+", value) if p.strip()]
    found: list[int] = []
    for part in parts:
        match = _RANGE.match(part)
        if not match:
            break
        first = _year(match.group(1))
        last = _year(match.group(2)) if match.group(2) else first
        if first > last:
            raise BadValue(f"school years {text!r} run backwards")
        found += [first, last]
    else:
        if found and max(found) <= HIGHEST_YEAR:
            return min(found), max(found)
        if found:
            raise BadValue(f"school years {text!r} go beyond year {HIGHEST_YEAR}")
    raise BadValue(
        f"school years {text!r} are not written like 'F–6', '7-9', '1,2,3' or 'F' "
        "(F is förskoleklass)"
    )


# SWEREF 99 TM (EPSG:3006) covers Sweden with northings of about 6.1–7.7 million metres
# and eastings of about 0.26–0.92 million; these generous boxes tell it from degrees.
_NORTHING = (6_000_000.0, 7_800_000.0)
_EASTING = (150_000.0, 1_000_000.0)


def _within(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]


@lru_cache(maxsize=1)
def _sweref_to_wgs84() -> Any:
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True)


def sweref(a: float, b: float) -> tuple[float, float]:
    """(lat, lon) from SWEREF 99 TM metres given in either order (x/y naming varies:
    surveyors' x is the northing, GIS's x the easting); BadValue when neither fits."""
    if _within(a, _NORTHING) and _within(b, _EASTING):
        north, east = a, b
    elif _within(b, _NORTHING) and _within(a, _EASTING):
        north, east = b, a
    else:
        raise BadValue(
            f"coordinates {a:g}, {b:g} are not SWEREF 99 TM metres in Sweden "
            "(northing 6 000 000–7 800 000, easting 150 000–1 000 000)"
        )
    lon, lat = _sweref_to_wgs84().transform(east, north)
    return round(lat, 6), round(lon, 6)


def position(lat: str, lon: str, x: str, y: str) -> tuple[float, float] | None:
    """(lat, lon) in WGS84 degrees from lat/lon degrees or SWEREF 99 TM x/y metres, or
    None when the row gives no position; BadValue for half a position or nonsense."""
    if lat or lon:
        if not (lat and lon):
            raise BadValue("give both lat and lon, or neither")
        a = number(lat, low=-1e8, high=1e8, what="lat")
        b = number(lon, low=-1e8, high=1e8, what="lon")
        if abs(a) <= 90 and abs(b) <= 180:
            if a == 0 and b == 0:
                raise BadValue("position 0, 0 is a placeholder, not a school")
            return round(a, 6), round(b, 6)
        if abs(a) > 1000 and abs(b) > 1000:  # metres in the degree columns
            return sweref(a, b)
        raise BadValue(f"position {lat}, {lon} is not latitude (−90–90) and longitude (−180–180)")
    if x or y:
        if not (x and y):
            raise BadValue("give both x and y (SWEREF 99 TM), or neither")
        return sweref(number(x, low=0, high=1e8, what="x"), number(y, low=0, high=1e8, what="y"))
    return None


def slug(text: str) -> str:
    """ASCII slug that keeps Swedish names readable: 'Kålltorp-Torpa' -> 'kalltorp-torpa'."""
    table = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})
    text = text.lower().translate(table)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")
