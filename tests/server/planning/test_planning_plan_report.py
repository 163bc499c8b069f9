"""The plan's safety summary, read from a payload as the API answers it."""

from __future__ import annotations

from typing import Any

import pytest

from server.planning.plan_report import safety_summary, unfunded_safety_items, year_split


def payload() -> dict[str, Any]:
    """Three years of 100 kr: a roof waits two years and is done in 2029; a wall (150 kr,
    more than a year's budget) is never done; the fence (safety, 40 kr) fits in 2027."""
    roof = {"site": "a", "site_name": "A-skolan", "element": "roof", "location": "", "grade": "D"}
    wall = {
        "site": "b",
        "site_name": "B-skolan",
        "element": "facade",
        "location": "N",
        "grade": "D",
    }
    return {
        "years": [
            {"year": y, "budget": 100.0, "safety_spent": s, "spent": s}
            for y, s in ((2027, 40.0), (2028, 0.0), (2029, 90.0))
        ],
        "items": [
            {
                "year": 2027,
                "site": "c",
                "element": "fence",
                "location": "",
                "cost": 40.0,
                "safety": True,
            },
            {**roof, "year": 2029, "cost": 90.0, "safety": True},
            {
                "year": 2029,
                "site": "c",
                "element": "paint",
                "location": "",
                "cost": 5.0,
                "safety": False,
            },
        ],
        "unfunded_safety": [
            {**roof, "year": 2027, "cost": 80.0},
            {**roof, "year": 2028, "cost": 85.0},
            *({**wall, "year": y, "cost": 150.0} for y in (2027, 2028, 2029)),
        ],
    }


def test_it_lists_each_unfunded_item_once_with_its_years_and_later_funding() -> None:
    rows = {r["element"]: r for r in unfunded_safety_items(payload())}

    assert set(rows) == {"roof", "facade"}
    assert rows["roof"]["years"] == [2027, 2028] and rows["roof"]["funded_year"] == 2029
    assert rows["roof"]["cost"] == 85.0 and not rows["roof"]["over_budget"]
    assert rows["facade"]["years"] == [2027, 2028, 2029] and rows["facade"]["funded_year"] is None
    assert rows["facade"]["over_budget"]
    assert [r["element"] for r in unfunded_safety_items(payload())] == ["facade", "roof"]


def test_it_sums_the_backlog_and_the_yearly_need() -> None:
    summary = safety_summary(payload())

    assert not summary.covered
    assert (summary.backlog, summary.backlog_items) == (150.0, 1)
    assert summary.needed == 40.0 + 90.0 + 150.0
    # 280 over 3 years is 93.3 a year, but the wall alone needs 150 in one year.
    assert summary.needed_per_year == 150.0 and summary.dearest == 150.0


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        ({"budget": 100.0, "safety_spent": 40.0}, (40.0, 0.4, 60.0)),
        ({"budget": 100.0, "safety_spent": 0.0}, (0.0, 0.0, 100.0)),
        ({"budget": 0.0, "safety_spent": 0.0}, (0.0, None, 0.0)),
    ],
)
def test_it_splits_a_year_between_safety_and_the_weighted_choice(
    year: dict[str, float], expected: tuple[float, float | None, float]
) -> None:
    split = year_split(year)

    assert (split["safety_spent"], split["safety_share"], split["left_for_weighted"]) == expected
