"""The versioned element catalogue: what an inspector grades, and what repairs cost.

The catalogue is data (`catalogue.json` next to this module), validated by the
models here when loaded. Rates are per unit of the element, in the catalogue's
currency and price year, VAT as stated by `vat_included`.

The rates here are only the seed of the server's price list version 1 (the shipped
defaults): the server costs everything with its versioned price list (`server.prices`),
which a municipality replaces with its own without touching this file, so a price change
never changes the catalogue or its version, which tablets' queued records are checked
against.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from pathlib import Path
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from shared.grades import Grade

ElementGroup = Literal["building", "yard"]
Unit = Literal["m2", "st", "m", "site"]
"""`m2` square metres, `st` pieces, `m` metres, `site` a lump sum for the whole site."""
QuantityBasis = Literal[
    "roof_area", "facade_area", "floor_area", "yard_area", "count", "length", "site"
]
"""What an element's quantity measures; must fit its unit (see `_BASES_BY_UNIT`)."""

_BASES_BY_UNIT: Final[dict[str, frozenset[str]]] = {
    "m2": frozenset({"roof_area", "facade_area", "floor_area", "yard_area"}),
    "st": frozenset({"count"}),
    "m": frozenset({"length"}),
    "site": frozenset({"site"}),
}
_SNAKE_CASE: Final = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_CATALOGUE_FILE: Final = "catalogue.json"


def _number(value: float) -> str:
    """A rate as a person writes it: 2500 rather than 2500.0."""
    return str(int(value)) if value.is_integer() else str(value)


class _CatalogueModel(BaseModel):
    # A typo in a hand-edited data file must fail loudly, not vanish; frozen because
    # the packaged catalogue is one cached object shared by every caller.
    model_config = ConfigDict(extra="forbid", frozen=True)


class RepairRates(_CatalogueModel):
    """Repair cost per unit of the element for each scored grade (A is always 0)."""

    A: float = Field(ge=0, allow_inf_nan=False)
    B: float = Field(ge=0, allow_inf_nan=False)
    C: float = Field(ge=0, allow_inf_nan=False)
    D: float = Field(ge=0, allow_inf_nan=False)

    @model_validator(mode="after")
    def _check_order(self) -> RepairRates:
        if self.A != 0:
            raise PydanticCustomError(
                "rate_a_not_zero",
                "the rate for grade A must be 0, got {rate}",
                {"rate": _number(self.A)},
            )
        if not self.A <= self.B <= self.C <= self.D:
            raise PydanticCustomError(
                "rates_decreasing",
                "rates must not decrease from A to D, got A={A}, B={B}, C={C}, D={D}",
                {grade: _number(getattr(self, grade)) for grade in "ABCD"},
            )
        return self

    def for_grade(self, grade: Grade | str) -> float:
        """The rate for `grade` ("A".."D" or a Grade); 0 for `N` (not present)."""
        grade = Grade(grade)
        if grade is Grade.N:
            return 0.0
        rate: float = getattr(self, grade.value)
        return rate


class Deterioration(_CatalogueModel):
    """Yearly probability that an unrepaired element drops one grade (D stays D)."""

    A: float = Field(ge=0, le=1)
    B: float = Field(ge=0, le=1)
    C: float = Field(ge=0, le=1)

    def for_grade(self, grade: Grade) -> float:
        """The probability for `grade`; 0 for D (nothing worse) and N (not present)."""
        if grade in (Grade.D, Grade.N):
            return 0.0
        probability: float = getattr(self, grade.value)
        return probability


class QuantityEstimate(_CatalogueModel):
    """A rule of thumb for demo data: quantity = `factor` x the site's `per` area in m2.

    With `per="site"` the quantity is `factor` itself (usually 1, a lump sum).
    """

    per: Literal["floor_area", "yard_area", "site"]
    factor: float = Field(gt=0, allow_inf_nan=False)

    def quantity(self, *, floor_area: float, yard_area: float) -> float:
        """The estimated quantity for a site with the given areas (m2)."""
        if self.per == "floor_area":
            return self.factor * floor_area
        if self.per == "yard_area":
            return self.factor * yard_area
        return self.factor


class Element(_CatalogueModel):
    """One gradable element of a site's buildings or yard."""

    code: str = Field(min_length=1, max_length=50)
    group: ElementGroup
    name_sv: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    description_sv: str = Field(min_length=1)
    description_en: str = Field(min_length=1)
    weight: float = Field(gt=0, allow_inf_nan=False)
    safety_relevant: bool = False
    """Whether a defect of this element can injure someone on site before a planned repair:
    falling parts (roof, facade, trees), falls and collapsing equipment (play, sports,
    surfacing), fire, electricity, glass, traffic and dark paths. Not health or comfort over
    time (air, water, heat), wear or missing amenities. The demo generator puts urgency 1
    (safety) only on these; it does not limit what an inspector may mark as a safety risk.
    Optional, so that a catalogue file without it still loads; it never goes to tablets and
    changes no code, unit or rate, so it leaves the catalogue version alone."""
    unit: Unit
    repair_rate: RepairRates
    quantity_basis: QuantityBasis
    quantity_estimate: QuantityEstimate
    deterioration: Deterioration

    @field_validator("code")
    @classmethod
    def _check_code(cls, code: str) -> str:
        if not _SNAKE_CASE.match(code):
            raise PydanticCustomError(
                "code_not_snake_case",
                "code '{code}' is not snake_case (lowercase letters and digits, "
                "words joined by single underscores, starting with a letter)",
                {"code": code},
            )
        return code

    @model_validator(mode="after")
    def _check_basis_fits_unit(self) -> Element:
        allowed = _BASES_BY_UNIT[self.unit]
        if self.quantity_basis not in allowed:
            raise PydanticCustomError(
                "basis_unit_mismatch",
                "quantity_basis '{basis}' does not fit unit '{unit}' (allowed: {allowed})",
                {
                    "basis": self.quantity_basis,
                    "unit": self.unit,
                    "allowed": ", ".join(sorted(allowed)),
                },
            )
        return self

    def repair_cost(self, grade: Grade | str, quantity: float) -> float:
        """Cost at the shipped default rate of bringing `quantity` units at `grade` back to A
        (0 for A and N); the server uses its price list instead."""
        if quantity < 0:
            raise ValueError(f"quantity must not be negative, got {quantity}")
        return self.repair_rate.for_grade(grade) * quantity


class Catalogue(_CatalogueModel):
    """A versioned element catalogue with its price basis."""

    version: str = Field(min_length=1, max_length=20)
    price_year: int = Field(ge=2000, le=2100)
    vat_included: bool
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    elements: tuple[Element, ...] = Field(min_length=1)

    @field_validator("elements")
    @classmethod
    def _check_unique_codes(cls, elements: tuple[Element, ...]) -> tuple[Element, ...]:
        seen: set[str] = set()
        for element in elements:
            if element.code in seen:
                raise PydanticCustomError(
                    "duplicate_code",
                    "element code '{code}' appears more than once",
                    {"code": element.code},
                )
            seen.add(element.code)
        return elements

    @property
    def codes(self) -> list[str]:
        """Element codes in catalogue order."""
        return [element.code for element in self.elements]

    @functools.cached_property
    def elements_by_code(self) -> dict[str, Element]:
        """Element by code: looked up once per rating on the sync path."""
        return {element.code: element for element in self.elements}

    def element(self, code: str) -> Element:
        """The element with `code`; KeyError naming the code and version if there is none."""
        try:
            return self.elements_by_code[code]
        except KeyError:
            raise KeyError(f"no element {code!r} in catalogue version {self.version}") from None

    def by_group(self, group: ElementGroup) -> list[Element]:
        """The elements of `group` in catalogue order; ValueError for an unknown group."""
        if group not in ("building", "yard"):
            raise ValueError(f"unknown element group {group!r}; expected 'building' or 'yard'")
        return [element for element in self.elements if element.group == group]


def load_catalogue(path: Path | None = None) -> Catalogue:
    """Load and validate a catalogue file; without `path`, the packaged one (cached).

    Raises `pydantic.ValidationError` naming the offending field when the file is
    not a valid catalogue, and `OSError` when it cannot be read.
    """
    if path is None:
        return _packaged_catalogue()
    return Catalogue.model_validate_json(path.read_bytes())


@functools.cache
def _packaged_catalogue() -> Catalogue:
    # importlib.resources rather than __file__: works when the app is zipped (Android).
    data = resources.files("shared").joinpath(_CATALOGUE_FILE).read_bytes()
    return Catalogue.model_validate_json(data)


CATALOGUE_VERSION: Final[str] = load_catalogue().version
"""Version of the packaged catalogue; a tablet sends it with each inspection."""
