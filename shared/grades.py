"""Condition grades and urgency classes of a rating (DESIGN section 3).

Grades follow the condition-survey convention A (good) to D (bad); `N` marks an
element that is not present at the site and is never scored.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum, StrEnum
from types import MappingProxyType
from typing import Final


class Grade(StrEnum):
    """Condition grade of one element at one location; the wire value is the letter."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    N = "N"

    @property
    def meaning_sv(self) -> str:
        """What the grade means, in Swedish, as shown to inspectors and planners."""
        return _GRADE_MEANINGS[self][0]

    @property
    def meaning_en(self) -> str:
        """What the grade means, in English."""
        return _GRADE_MEANINGS[self][1]


_GRADE_MEANINGS: Final[Mapping[Grade, tuple[str, str]]] = MappingProxyType(
    {
        Grade.A: ("Bra", "Good"),
        Grade.B: ("Godtagbart: mindre slitage", "Satisfactory: minor wear"),
        Grade.C: (
            "Dåligt: större brister eller fungerar inte som avsett",
            "Poor: major defects or not working as intended",
        ),
        Grade.D: (
            "Mycket dåligt: uttjänt eller risk för akut haveri",
            "Bad: life expired or risk of imminent failure",
        ),
        Grade.N: ("Finns inte: bedöms inte", "Not present: not scored"),
    }
)

SEVERITY: Final[Mapping[Grade, int]] = MappingProxyType(
    {Grade.A: 0, Grade.B: 33, Grade.C: 67, Grade.D: 100}
)
"""Severity 0..100 of each scored grade. `N` is absent on purpose: it is not scored."""


class Urgency(IntEnum):
    """How soon a defect should be dealt with; 1 is the most urgent (a safety risk)."""

    SAFETY = 1
    WITHIN_1_YEAR = 2
    WITHIN_3_YEARS = 3
    WITHIN_5_YEARS = 4

    @property
    def meaning_sv(self) -> str:
        """What the urgency class means, in Swedish."""
        return _URGENCY_MEANINGS[self][0]

    @property
    def meaning_en(self) -> str:
        """What the urgency class means, in English."""
        return _URGENCY_MEANINGS[self][1]


_URGENCY_MEANINGS: Final[Mapping[Urgency, tuple[str, str]]] = MappingProxyType(
    {
        Urgency.SAFETY: ("Säkerhet: åtgärda omedelbart", "Safety: act now"),
        Urgency.WITHIN_1_YEAR: ("Inom ett år", "Within a year"),
        Urgency.WITHIN_3_YEARS: ("Inom 1–3 år", "Within 1–3 years"),
        Urgency.WITHIN_5_YEARS: ("Inom 5 år", "Within 5 years"),
    }
)


def urgency_asked(grade: Grade) -> bool:
    """Whether the app asks the inspector for an urgency (it stays optional for every grade)."""
    return grade in (Grade.C, Grade.D)
