"""The screen of stored numbers in front of the ranking (plain pandas)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from server.planning.plausibility import screen_ratings, screen_sites

UNITS = {"roof": "m2", "accessibility": "site"}
TOP_RATES = {"roof": 2500.0, "accessibility": 500_000.0}


@pytest.mark.parametrize(
    ("column", "value", "flagged"),
    [
        ("replacement_value_sek", 80_000_000.0, False),
        ("replacement_value_sek", 0.0, True),
        ("replacement_value_sek", 1e308, True),
        ("replacement_value_sek", math.inf, True),
        ("replacement_value_sek", math.nan, False),  # unknown is not implausible
        ("yard_area_m2", 12_000.0, False),
        ("yard_area_m2", 5e6, True),
        ("yard_area_m2", -1.0, True),
        ("pupils", 450.0, False),
        ("pupils", 1e9, True),
        ("newly_arrived_share", 0.3, False),
        ("newly_arrived_share", 30.0, True),
    ],
)
def test_it_screens_each_site_fact(column: str, value: float, flagged: bool) -> None:
    sites = pd.DataFrame({column: [value, 1.0]}, index=["a", "b"])

    screened = screen_sites(sites)

    assert screened.loc["a", "implausible"] == ([column] if flagged else [])
    assert screened.loc["b", "implausible"] == []
    if flagged:
        assert math.isnan(screened.loc["a", column])


@pytest.mark.parametrize(
    ("element", "quantity", "cost", "flagged"),
    [
        ("roof", 1200.0, 1200.0 * 900, False),
        ("roof", 200_000.0, None, False),  # at the m² bound
        ("roof", 200_001.0, None, True),
        ("roof", 1e308, None, True),
        ("roof", None, math.inf, True),
        ("roof", None, -5.0, True),
        ("roof", None, 200_000 * 2500 + 1.0, True),  # more than the most roof at D rate
        ("accessibility", 1.0, 400_000.0, False),
        ("accessibility", 10.0, None, True),  # a lump sum for the site is 1, never 10
    ],
)
def test_it_screens_each_rating(
    element: str, quantity: float | None, cost: float | None, flagged: bool
) -> None:
    ratings = pd.DataFrame(
        {
            "site": ["a", "b"],
            "element": [element, "roof"],
            "quantity": [quantity, 10.0],
            "estimated_cost_sek": [cost, 9000.0],
        }
    )

    screened, flags = screen_ratings(ratings, UNITS, TOP_RATES)

    assert flags == ({"a": [f"ratings.{element}"]} if flagged else {})
    assert screened.loc[1, "estimated_cost_sek"] == 9000.0
    if flagged:
        assert math.isnan(screened.loc[0, "estimated_cost_sek"])
        assert math.isnan(screened.loc[0, "quantity"])
