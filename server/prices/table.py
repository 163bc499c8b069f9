"""A price list as plain Python: the rates plans and cost estimates use, and how they are
brought to a plan's price year by the construction-cost index.

No Django here: the plan core (`server.planning.plan`, plain pandas) takes a `PriceTable`.
The database side (versions, import, the editable index) is in `models`, `selectors` and
`services`; a `PriceTable` is what they hand out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from shared.catalogue import Catalogue
from shared.grades import Grade

PRICED_GRADES: Final[tuple[str, ...]] = ("B", "C", "D")
"""Grades that have a repair (A costs nothing, N is not present)."""

DEFAULT_SOURCE: Final = (
    "Skolmiljö default (element catalogue 2026.1): rough planning estimates written with "
    "the catalogue, not taken from a published price book and not cross-checked"
)
"""The source of the shipped default rates: what they rest on, stated on every plan."""


@dataclass(frozen=True)
class Rate:
    """One repair rate: SEK per unit of the element, its source and its price year."""

    sek_per_unit: float
    source: str
    price_year: int


@dataclass(frozen=True)
class PriceTable:
    """Repair rates per (element, grade) of one price-list version.

    `target_year` is the price year the rates are expressed in after `in_year`; None
    while they stand in their own price years. `factors` maps each rate's price year to
    the index factor applied; `not_indexed` lists the price years that could not be
    scaled because the index lacks that year or the target year (those rates are used
    as they are, and the plan says so).
    """

    version: int
    rates: Mapping[tuple[str, str], Rate]
    currency: str = "SEK"
    vat_included: bool = True
    target_year: int | None = None
    factors: Mapping[int, float] = field(default_factory=dict)
    not_indexed: tuple[int, ...] = ()
    illustrative_index: bool = False

    def rate(self, element: str, grade: Grade | str) -> float:
        """SEK per unit for `element` at `grade`; 0 for A and N; KeyError if unpriced."""
        grade = Grade(grade).value
        if grade not in PRICED_GRADES:
            return 0.0
        try:
            return self.rates[(element, grade)].sek_per_unit
        except KeyError:
            raise KeyError(
                f"price list version {self.version} has no rate for {element} grade {grade}"
            ) from None

    def cost(self, element: str, grade: Grade | str, quantity: float) -> float:
        """Cost of bringing `quantity` units at `grade` back to A (0 for A and N)."""
        if quantity < 0:
            raise ValueError(f"quantity must not be negative, got {quantity}")
        return self.rate(element, grade) * quantity

    def top_rate(self, element: str) -> float:
        """The element's highest rate (the plausibility bound of a cost)."""
        return max(self.rate(element, g) for g in PRICED_GRADES)

    @property
    def price_years(self) -> list[int]:
        """The price years the rates were given in, oldest first."""
        return sorted({rate.price_year for rate in self.rates.values()})

    @property
    def sources(self) -> list[str]:
        """The distinct sources of the rates, in order of first appearance."""
        return list(dict.fromkeys(rate.source for rate in self.rates.values()))

    def in_year(
        self, year: int, index: Mapping[int, float], *, illustrative: bool = False
    ) -> PriceTable:
        """The rates scaled from their price years to `year`: rate x index[year] /
        index[price year]. A rate whose price year is `year` is kept as it is; one whose
        year (or `year` itself) is missing from the index is kept unscaled and its price
        year listed in `not_indexed` (nothing is invented). `illustrative` marks an index
        that is not an official series."""
        factors: dict[int, float] = {}
        missing: list[int] = []
        for price_year in self.price_years:
            if price_year == year:
                factors[price_year] = 1.0
            elif _usable(index.get(year)) and _usable(index.get(price_year)):
                factors[price_year] = index[year] / index[price_year]
            else:
                missing.append(price_year)
        scaled = {
            key: Rate(
                sek_per_unit=rate.sek_per_unit * factors.get(rate.price_year, 1.0),
                source=rate.source,
                price_year=rate.price_year,
            )
            for key, rate in self.rates.items()
        }
        used_index = any(y != year for y in factors)
        return PriceTable(
            version=self.version,
            rates=scaled,
            currency=self.currency,
            vat_included=self.vat_included,
            target_year=year,
            factors=factors,
            not_indexed=tuple(missing),
            illustrative_index=illustrative and used_index,
        )

    def assumptions(self) -> dict[str, object]:
        """What a plan states about its prices, JSON-ready (keys in English, as the plan's
        other assumptions)."""
        return {
            "price_list_version": self.version,
            "price_sources": self.sources,
            "rate_price_years": self.price_years,
            "price_year": self.target_year,
            "index_factors": {str(y): round(f, 6) for y, f in sorted(self.factors.items())},
            "not_indexed_price_years": list(self.not_indexed),
            "index_illustrative": self.illustrative_index,
            "vat_included": self.vat_included,
            "currency": self.currency,
        }


def _usable(value: float | None) -> bool:
    return value is not None and math.isfinite(value) and value > 0


def default_prices(catalogue: Catalogue) -> PriceTable:
    """Version 1, the shipped defaults: the catalogue's rates, which are only their seed.

    The catalogue keeps its rates so that its file and version stay as the tablets know
    them; from here on every cost is taken from a price list.
    """
    return PriceTable(
        version=1,
        rates={
            (element.code, grade): Rate(
                sek_per_unit=float(element.repair_rate.for_grade(grade)),
                source=DEFAULT_SOURCE,
                price_year=catalogue.price_year,
            )
            for element in catalogue.elements
            for grade in PRICED_GRADES
        },
        currency=catalogue.currency,
        vat_included=catalogue.vat_included,
    )
