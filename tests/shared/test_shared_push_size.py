"""One inspection with every list and text at its bound fits in one push body.

Otherwise a tablet could record an inspection no push can carry: the server would answer
413 to it alone, for ever. Worst case: each character of each text escaped to a
`\\uXXXX` sequence (6 bytes; control characters, and any non-ASCII character in
`ensure_ascii` JSON), or to a surrogate pair of them (12 bytes; a character outside the
Basic Multilingual Plane in `ensure_ascii` JSON).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from shared.bounds import (
    MAX_ACCURACY_M,
    MAX_CATALOGUE_VERSION_LENGTH,
    MAX_ELEMENT_CODE_LENGTH,
    MAX_LOCATION_LENGTH,
    MAX_NOTE_LENGTH,
    MAX_PHOTOS_PER_RATING,
    MAX_PUSH_BYTES,
    MAX_QUANTITY,
    MAX_RATINGS,
    MAX_REVISION,
    MAX_SITE_CODE_LENGTH,
)
from shared.sync import InspectionIn

# Awkward times and floats print long: microseconds, an offset, 17 significant digits.
WHEN = "2026-09-14T08:00:00.123456+14:00"


def worst_inspection(char: str) -> InspectionIn:
    """Every rating, photo and character the wire allows, texts made of `char`."""
    ratings = [
        {
            "element": "a" * MAX_ELEMENT_CODE_LENGTH,
            # Unique per rating, the rest as long and as escaped as allowed.
            "location": f"{n:04d}" + char * (MAX_LOCATION_LENGTH - 4),
            "grade": "D",
            "urgency": 4,
            "note": char * MAX_NOTE_LENGTH,
            "quantity": MAX_QUANTITY - 2.9103830456733704e-11,
            "observed_at": WHEN,
            "position": {
                "lat": -89.99999999999999,
                "lon": -179.99999999999997,
                "accuracy_m": MAX_ACCURACY_M - 1.8189894035458565e-12,
            },
            "photos": [f"{n:032x}{p:032x}" for p in range(MAX_PHOTOS_PER_RATING)],
        }
        for n in range(MAX_RATINGS)
    ]
    return InspectionIn.model_validate(
        {
            "uuid": "8f7c1f9e-1111-4c2b-9a51-2f3d5e6a7b80",
            "revision": MAX_REVISION,
            "site": char * MAX_SITE_CODE_LENGTH,
            "catalogue_version": char * MAX_CATALOGUE_VERSION_LENGTH,
            "started_at": WHEN,
            "finished_at": datetime(2026, 9, 14, 23, 59, 59, 999999, tzinfo=UTC).isoformat(),
            "ratings": ratings,
        }
    )


def push_body(record: str) -> bytes:
    return ('{"inspections":[' + record + "]}").encode("utf-8")


@pytest.mark.parametrize(
    ("char", "escaped"),
    [("\x01", "\\u0001"), ("\x7f", "\x7f"), ("\u2028", "\u2028"), ("😀", "😀")],
)
def test_it_fits_the_worst_inspection_as_the_tablet_serialises_it(char: str, escaped: str) -> None:
    record = worst_inspection(char).model_dump_json()

    assert escaped * 10 in record
    assert len(push_body(record)) <= MAX_PUSH_BYTES


@pytest.mark.parametrize(("char", "escaped"), [("å", "\\u00e5"), ("😀", "\\ud83d\\ude00")])
def test_it_fits_the_worst_inspection_in_ascii_only_json(char: str, escaped: str) -> None:
    record = json.dumps(worst_inspection(char).model_dump(mode="json"), ensure_ascii=True)

    assert escaped * 10 in record
    assert len(push_body(record)) <= MAX_PUSH_BYTES
