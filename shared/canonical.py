"""The canonical form of an inspection: what "same content" means in the sync protocol.

Tablet and server both call `content_hash`; equal hashes mean equal content. The
canonical form is compact JSON (keys sorted, no whitespace, UTF-8, non-ASCII kept
as is) of every field of `InspectionIn` except `revision`, normalised so that
representation does not matter:

- ratings sorted by (element, location), by code point; each rating's photos sorted;
- every datetime in UTC as `YYYY-MM-DDTHH:MM:SS.ffffffZ` (always six fractional
  digits), so `10:00+01:00` and `09:00Z` are the same;
- every number that is a whole number written as an integer (`12`, `12.0` and
  `-0.0` -> `12`, `12`, `0`), any other as Python's shortest round-trip decimal;
- the UUID lowercase with hyphens, enums as their wire values.

`revision` is left out because it numbers versions of the content rather than
being content: the server compares content only between records of the same UUID
and revision, and a tablet can compare an edited inspection with what was last
acknowledged without first guessing the next revision number. Changing this
format changes every stored hash: treat it as part of the protocol.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from shared.sync import InspectionIn, Position, RatingIn


def canonical_inspection(insp: InspectionIn) -> bytes:
    """The canonical bytes of `insp` (see the module docstring for the format)."""
    ratings = [_rating(rating) for rating in insp.ratings]
    ratings.sort(key=lambda rating: (rating["element"], rating["location"]))
    # Keys are written in sorted order here, so json.dumps need not sort them.
    canonical = {
        "catalogue_version": insp.catalogue_version,
        "finished_at": None if insp.finished_at is None else _utc_text(insp.finished_at),
        "ratings": ratings,
        "site": insp.site,
        "started_at": _utc_text(insp.started_at),
        "uuid": str(insp.uuid),
    }
    return json.dumps(canonical, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode(
        "utf-8"
    )


def content_hash(insp: InspectionIn) -> str:
    """SHA-256 (lowercase hex) of `canonical_inspection(insp)`."""
    return hashlib.sha256(canonical_inspection(insp)).hexdigest()


# Field by field rather than a generic walk over model_dump(): the sync endpoint hashes
# every record, and this is several times faster. A test checks that the canonical
# form names every wire field (except revision), so a field added to InspectionIn,
# RatingIn or Position cannot be left out of the hash unnoticed.
def _rating(rating: RatingIn) -> dict[str, Any]:
    position, quantity, urgency = rating.position, rating.quantity, rating.urgency
    return {
        "element": rating.element,
        "grade": rating.grade.value,
        "location": rating.location,
        "note": rating.note,
        "observed_at": _utc_text(rating.observed_at),
        "photos": sorted(rating.photos),
        "position": None if position is None else _position(position),
        "quantity": None if quantity is None else _number(quantity),
        "urgency": None if urgency is None else int(urgency),
    }


def _position(position: Position) -> dict[str, Any]:
    accuracy = position.accuracy_m
    return {
        "accuracy_m": None if accuracy is None else _number(accuracy),
        "lat": _number(position.lat),
        "lon": _number(position.lon),
    }


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() else value


def _utc_text(value: datetime) -> str:
    offset = value.utcoffset()
    if offset is None:
        # InspectionIn refuses naive datetimes; this guards model_construct() callers.
        raise ValueError("cannot canonicalise a datetime without a time zone")
    return (value.replace(tzinfo=None) - offset).isoformat(timespec="microseconds") + "Z"
