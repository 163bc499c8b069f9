"""The plan's reasons in Swedish. The planning core writes them in English (its tests and
the API keep that text); the pages show them in the reader's language."""

from __future__ import annotations

import re
from typing import Final

_SV: Final[tuple[tuple[re.Pattern[str], str], ...]] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"urgency 1: safety", "brådska 1: säkerhet"),
        (r"carried over since (\d+) \(budget ran out\)", r"flyttad från \1 (budgeten räckte inte)"),
        (r"costs nothing at its expected grade", "kostar inget vid förväntat skick"),
        (
            r"next best benefit per krona that still fits the (\d+) budget",
            r"näst bästa nytta per krona som ryms i budgeten för \1",
        ),
        (
            r"best benefit per krona within the (\d+) budget \(proved optimal set\)",
            r"bästa nytta per krona inom budgeten för \1 (bevisat optimalt urval)",
        ),
        (
            r"best benefit per krona within the (\d+) budget",
            r"bästa nytta per krona inom \1 års budget",
        ),
        (r"([\d.,]+) benefit points per 1,000 SEK", r"\1 nyttopoäng per 1 000 kr"),
        (
            r"expected cost allows a (\d+)% chance it has worsened to D",
            r"förväntad kostnad räknar med \1 % risk att skicket har blivit D",
        ),
    )
)


def reason_sv(reason: str) -> str:
    """`reason` with every known English phrase replaced by its Swedish one."""
    for pattern, replacement in _SV:
        reason = pattern.sub(replacement, reason)
    return reason
