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
from datetime import UTC, datetime
from enum import Enum
from typing import Any
from uuid import UUID

from shared.sync import InspectionIn

_EXCLUDED = frozenset({"revision"})


def canonical_inspection(insp: InspectionIn) -> bytes:
    """The canonical bytes of `insp` (see the module docstring for the format)."""
    data = insp.model_dump(mode="python", exclude=set(_EXCLUDED))
    ratings = [_normalise(rating) for rating in data.pop("ratings")]
    for rating in ratings:
        rating["photos"] = sorted(rating["photos"])
    ratings.sort(key=lambda rating: (rating["element"], rating["location"]))
    canonical = _normalise(data)
    canonical["ratings"] = ratings
    return json.dumps(
        canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def content_hash(insp: InspectionIn) -> str:
    """SHA-256 (lowercase hex) of `canonical_inspection(insp)`."""
    return hashlib.sha256(canonical_inspection(insp)).hexdigest()


def _normalise(value: Any) -> Any:
    # Generic on purpose: a field added to InspectionIn or RatingIn is hashed
    # without anyone remembering to list it here (and an unknown type fails loudly).
    # Exact types go through a table first: the sync endpoint hashes every record.
    convert = _BY_TYPE.get(type(value))
    if convert is not None:
        return convert(value)
    if isinstance(value, Enum):
        return _normalise(value.value)
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, datetime):
        return _utc_text(value)
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(key): _normalise(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_normalise(item) for item in value]
    raise TypeError(f"no canonical form for {type(value).__name__}")


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() else value


def _utc_text(value: datetime) -> str:
    if value.tzinfo is None or value.utcoffset() is None:
        # InspectionIn refuses naive datetimes; this guards model_construct() callers.
        raise ValueError("cannot canonicalise a datetime without a time zone")
    utc = value.astimezone(UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="microseconds") + "Z"


_BY_TYPE: dict[type, Any] = {
    type(None): lambda value: None,
    bool: lambda value: value,
    str: lambda value: value,
    int: lambda value: value,
    float: _number,
    datetime: _utc_text,
    UUID: str,
    dict: lambda value: {str(key): _normalise(item) for key, item in value.items()},
    list: lambda value: [_normalise(item) for item in value],
}
