"""The construction-cost index: rates brought from their price year to the plan's."""

from __future__ import annotations

import dataclasses

import pytest

from server.core.municipality import current_municipality
from server.prices import selectors
from server.prices.models import CostIndexYear
from server.prices.selectors import prices_for_plan
from server.prices.table import PriceTable, Rate


def table(*years: int) -> PriceTable:
    return PriceTable(
        version=3,
        rates={
            (f"e{n}", "D"): Rate(sek_per_unit=1000.0, source="S", price_year=year)
            for n, year in enumerate(years)
        },
    )


def test_it_scales_a_rate_by_the_ratio_of_the_index_years() -> None:
    scaled = table(2024).in_year(2026, {2024: 200.0, 2026: 230.0})

    assert scaled.rate("e0", "D") == pytest.approx(1150.0)
    assert scaled.factors == {2024: pytest.approx(1.15)}
    assert scaled.not_indexed == ()
    assert scaled.rates[("e0", "D")].price_year == 2024  # its own year stays stated


def test_a_rate_of_the_plan_year_needs_no_index() -> None:
    scaled = table(2026).in_year(2026, {})

    assert scaled.rate("e0", "D") == 1000.0
    assert (scaled.factors, scaled.not_indexed) == ({2026: 1.0}, ())


@pytest.mark.parametrize(
    "index",
    [{2026: 230.0}, {2024: 200.0}, {2024: 0.0, 2026: 230.0}],
    ids=["rate year missing", "plan year missing", "unusable value"],
)
def test_it_keeps_a_rate_unscaled_and_says_so_when_a_year_is_missing(
    index: dict[int, float],
) -> None:
    scaled = table(2024, 2026).in_year(2026, index)

    assert scaled.rate("e0", "D") == 1000.0
    assert scaled.not_indexed == (2024,)
    assert scaled.assumptions()["not_indexed_price_years"] == [2024]


def test_it_states_version_sources_years_and_factors() -> None:
    scaled = table(2024).in_year(2026, {2024: 200.0, 2026: 250.0}, illustrative=True)

    assert scaled.assumptions() == {
        "price_list_version": 3,
        "price_sources": ["S"],
        "rate_price_years": [2024],
        "price_year": 2026,
        "index_factors": {"2024": 1.25},
        "not_indexed_price_years": [],
        "index_illustrative": True,
        "vat_included": True,
        "currency": "SEK",
    }


@pytest.mark.django_db
def test_plans_take_the_municipality_price_year_and_the_stored_index(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    municipality = dataclasses.replace(current_municipality(), price_year=2028)
    monkeypatch.setattr(selectors, "current_municipality", lambda: municipality)
    assert prices_for_plan().not_indexed == (2026,)  # no index yet: said, not invented
    CostIndexYear.objects.create(year=2026, value=100.0, source="Exempel", illustrative=True)
    CostIndexYear.objects.create(year=2028, value=110.0, source="Exempel", illustrative=True)

    prices = prices_for_plan()

    assert prices.target_year == 2028
    assert prices.rate("roof", "D") == pytest.approx(2500 * 1.1)
    assert prices.illustrative_index is True
    assert prices_for_plan(price_year=2026).rate("roof", "D") == 2500
    assert prices_for_plan(price_year=2026).illustrative_index is False
