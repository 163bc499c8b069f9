"""The limits of every number and text a tablet may send, in one place (DESIGN section 4).

"Every number on the wire has a finite, plausible bound": the wire models in
`shared.sync` take their limits from here, the server checks what only it can judge
(a quantity against its element's unit) with the same numbers, and the tablet can
refuse a value before it queues a record the server would refuse. Plain constants,
no pydantic, so anything may import them.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

# Quantity of one element at one location of one site, by the catalogue unit. Generous:
# a bound catches a slip of the thumb (an extra zero or three) or a broken client, never
# a real school. Each is at least ten times the largest real case we know of.
MAX_QUANTITY_BY_UNIT: Final[Mapping[str, float]] = MappingProxyType(
    {
        # Square metres: the largest school sites have about 20,000 m2 of floor area and
        # a few hectares of yard; 200,000 m2 (20 ha) is more than any one site.
        "m2": 200_000,
        # Metres (fencing and the like): 50 km is far more than any site's perimeter.
        "m": 50_000,
        # Pieces (windows, toilets, benches): a large school has a few thousand windows.
        "st": 10_000,
        # A lump sum for the whole site: the whole site is 1, a part of it less.
        "site": 1,
    }
)
MAX_QUANTITY: Final[float] = max(MAX_QUANTITY_BY_UNIT.values())
"""The largest quantity of any unit: what the wire model can check without the catalogue."""


def quantity_bound(unit: str) -> float:
    """The most of `unit` one rating may report; KeyError for a unit with no bound."""
    try:
        return MAX_QUANTITY_BY_UNIT[unit]
    except KeyError:
        raise KeyError(
            f"no quantity bound for unit {unit!r} (known: {', '.join(MAX_QUANTITY_BY_UNIT)})"
        ) from None


MAX_ACCURACY_M: Final = 10_000
"""Position accuracy in metres: a fix worse than 10 km does not even place the city."""

MAX_REVISION: Final = 2**31 - 1
"""Revisions are stored in a 32-bit integer column."""
MAX_FIRST_REVISION: Final = 1000
"""A new inspection starts at revision 1 on the tablet; more than 1,000 is a broken client."""
MAX_REVISION_STEP: Final = 1000
"""A revision may rise by at most 1,000 at a time, so the 32-bit column never runs out."""

MAX_PUSH_BATCH: Final = 200
"""Most inspections in one `POST /api/v1/sync/inspections`."""
MAX_PUSH_BYTES: Final = 8 * 1024 * 1024
"""Largest push body (8 MiB); the tablet splits its batches by size as well as by count.

One inspection with every list and text at its bound must fit, however a client escapes
its JSON (a test checks): with a 2,000-character note, that is what bounds the ratings
and photos below.
"""
MAX_RATINGS: Final = 300
"""Most ratings in one inspection: the 25 catalogue elements at a dozen locations each.

At its worst (every text at its bound, each character escaped as a UTF-16 surrogate
pair, 12 bytes) a rating takes about 27 kB of JSON, so 300 fit in MAX_PUSH_BYTES.
"""
MAX_PHOTOS_PER_RATING: Final = 20
"""Most photos of one rating: a rating rarely has more than a handful."""

MAX_ELEMENT_CODE_LENGTH: Final = 50
"""A catalogue code is a short snake_case word; the database column is 50 characters."""
MAX_LOCATION_LENGTH: Final = 100
"""A place label such as "Hus B plan 2"; the database column is 100 characters."""
MAX_NOTE_LENGTH: Final = 2000
"""A note is a few sentences; a page of text belongs in a report, not a rating."""
MAX_SITE_CODE_LENGTH: Final = 100
"""A site's stable code; the database column is 100 characters."""
MAX_CATALOGUE_VERSION_LENGTH: Final = 20
"""A catalogue version such as "2026.1"; the database column is 20 characters."""
MAX_ENROLLMENT_CODE_LENGTH: Final = 100
"""A one-time enrolment code is short; anything longer is not one of ours."""
MAX_DEVICE_NAME_LENGTH: Final = 100
"""What the tablet calls itself; the database column is 100 characters."""
MAX_CURSOR_LENGTH: Final = 100
"""A reference-pull cursor is a short token the server made."""
