"""The bounds of a planner's numbers, shared by the API's schemas, the pages' forms and the
ranking query (no Ninja here: services and selectors read them too)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Bound:
    """The closed interval [low, high] a planner's number must lie in.

    The API's schemas and the planner pages' forms both take their limits from the
    bounds below, so a value one accepts the other accepts too.
    """

    low: float
    high: float


WEIGHT: Final = Bound(0, 100)
"""Each pillar weight (any scale, at least one above 0): 0-100 reads as a percentage."""
ALPHA: Final = Bound(0, 10)
"""Equity alpha: at 10, full equity need already multiplies a school's benefit up to 11-fold."""
BUDGET: Final = Bound(1, 1e11)
"""Budget per year in kronor: 100 billion is more than a city spends on all its schools."""
YEARS: Final = Bound(1, 10)
"""Years planned: further ahead, the grades the plan rests on are guesses."""
START_YEAR: Final = Bound(2000, 2100)
"""The plan's first year: the catalogue's price years are bounded the same way."""
TOP_N: Final = Bound(1, 1000)
"""N of the probability of being in the top N: more than any city's number of schools."""
EQUITY_FLOOR: Final = Bound(0, 100)
"""The plan's equity floor: percent of the whole plan's spend for the quarter of pupils
with the highest need."""
MOBILISATION: Final = Bound(0, 10_000_000)
"""Mobilisation per school and year in kronor (site set-up, permits, procurement)."""
COST_OVERRIDE: Final = Bound(0, 1e9)
"""A planner's own cost for one item in kronor: a billion is a whole new school."""
CONTROLS: Final = 1000
"""At most this many pins, exclusions and cost overrides each in one plan request."""
