"""Reading prices: the current price list, a given version, the index, a plan's prices."""

from __future__ import annotations

import dataclasses

from server.core.municipality import current_municipality
from server.prices.models import CostIndexYear, PriceList
from server.prices.table import PriceTable, Rate, default_prices
from shared.catalogue import load_catalogue


def price_table(price_list: PriceList) -> PriceTable:
    """One stored version as a `PriceTable` (rates in their own price years).

    An element or grade the version lacks (an element a later catalogue added) takes the
    shipped default rate, with its default source, so no cost is ever missing."""
    rates = dict(default_prices(load_catalogue()).rates)
    rates.update(
        {
            (r.element, r.grade): Rate(
                sek_per_unit=r.sek_per_unit, source=r.source, price_year=r.price_year
            )
            for r in price_list.rates.all()
        }
    )
    return PriceTable(
        version=price_list.version,
        rates=rates,
        currency=price_list.currency,
        vat_included=price_list.vat_included,
    )


def price_list_current() -> PriceTable:
    """The newest stored version; the shipped defaults (version 1) while none is stored.

    Version 1 is stored by the first import, not by `migrate`: a freshly migrated
    database stays empty, as `manage.py restore` requires."""
    newest = PriceList.objects.prefetch_related("rates").order_by("-version").first()
    if newest is None:
        return default_prices(load_catalogue())
    return price_table(newest)


def price_list_version(*, version: int) -> PriceTable | None:
    """The stored version `version`; None if there is none (version 1: the defaults)."""
    found = PriceList.objects.prefetch_related("rates").filter(version=version).first()
    if found is None:
        return default_prices(load_catalogue()) if version == 1 else None
    return price_table(found)


def cost_index() -> tuple[dict[int, float], set[int]]:
    """The construction-cost index by year, and the years whose value is illustrative."""
    rows = list(CostIndexYear.objects.values_list("year", "value", "illustrative"))
    return {year: value for year, value, _ in rows}, {year for year, _, ill in rows if ill}


def prices_for_plan(*, price_year: int | None = None) -> PriceTable:
    """The current price list brought to `price_year` (default: the municipality's) by
    the construction-cost index, as plans, rankings and cost estimates use it."""
    year = current_municipality().price_year if price_year is None else price_year
    index, illustrative_years = cost_index()
    scaled = price_list_current().in_year(year, index)
    scaled_from = [y for y in scaled.factors if y != year]
    illustrative = bool(scaled_from) and bool({year, *scaled_from} & illustrative_years)
    return dataclasses.replace(scaled, illustrative_index=illustrative)
