"""Writing prices: a new price-list version from a municipality's file.

A file gives some rates (element, grade, SEK per unit, source, price year); the new
version holds those and, for every element and grade the file does not give, the
previous version's rate. Bad rows are reported with line, column and reason and left
out; the file is refused whole only when no row can be used (or no header is found).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from server.prices.models import MAX_RATE_SEK, MIN_PRICE_YEAR, PriceList, PriceRate
from server.prices.reading import MalformedFile, Problem, find_header, norm, read_table
from server.prices.selectors import price_list_current
from server.prices.table import PRICED_GRADES, PriceTable, Rate
from shared.catalogue import Catalogue, load_catalogue

DEFAULTS_ORIGIN = "shipped defaults (Skolmiljö, element catalogue 2026.1)"

price_list_created = Signal()
"""Sent with `version` (int) after a new price-list version is stored; apps that keep
cost estimates (inspections) refresh them. A signal, so prices need not know them."""


@dataclass(frozen=True)
class RateChange:
    element: str
    grade: str
    old: Rate | None
    new: Rate


@dataclass
class PriceImportReport:
    version: int | None
    """The new version (None when nothing changed); with `dry_run`, the one it would be."""
    dry_run: bool
    rows: int = 0
    """Good rows in the file."""
    changes: list[RateChange] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    kept: int = 0
    """Rates carried over unchanged from the previous version."""


def _element_codes(catalogue: Catalogue) -> dict[str, str]:
    """Code, Swedish and English name (normalised) -> code."""
    codes: dict[str, str] = {}
    for element in catalogue.elements:
        for name in (element.name_sv, element.name_en, element.code):
            codes[norm(name)] = element.code
    return codes


def _parse_number(cell: Any) -> float | None:
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return float(cell)
    text = str(cell).strip().lower().removesuffix("kr").removesuffix("sek").strip()
    text = text.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def _cell(row: list[Any], position: int | None) -> Any:
    if position is None or position >= len(row):
        return None
    value = row[position]
    return None if value is None or (isinstance(value, str) and not value.strip()) else value


def _rate_row(
    row: list[Any],
    line: int,
    found: Mapping[str, int],
    headers: Mapping[str, str],
    *,
    elements: Mapping[str, str],
    defaults: Mapping[str, Any],
    catalogue: Catalogue,
) -> tuple[tuple[str, str], Rate] | list[Problem]:
    """The rate of one row, or what is wrong with it (every problem, not just the first)."""
    problems: list[Problem] = []
    element_cell = _cell(row, found.get("element"))
    code = elements.get(norm(element_cell)) if element_cell is not None else None
    if element_cell is None:
        problems.append(Problem(line, headers["element"], "no element code"))
    elif code is None:
        problems.append(
            Problem(
                line,
                headers["element"],
                f"unknown element code {str(element_cell)!r}: not in catalogue "
                f"{catalogue.version} (codes such as {', '.join(catalogue.codes[:3])}, ...)",
            )
        )
    grade = str(_cell(row, found.get("grade")) or "").strip().upper()
    if grade in ("A", "N"):
        problems.append(
            Problem(
                line,
                headers["grade"],
                f"grade {grade} has no repair ({'nothing to do' if grade == 'A' else 'not present'}"
                "); give rates for B, C and D only",
            )
        )
    elif grade not in PRICED_GRADES:
        shown = grade or "empty"
        problems.append(
            Problem(line, headers["grade"], f"grade {shown!r} is not a grade; give B, C or D")
        )
    price_cell = _cell(row, found.get("sek_per_unit"))
    price = None if price_cell is None else _parse_number(price_cell)
    if price_cell is None:
        problems.append(Problem(line, headers["sek_per_unit"], "no price"))
    elif price is None or not math.isfinite(price):
        problems.append(
            Problem(line, headers["sek_per_unit"], f"{str(price_cell)!r} is not a number")
        )
    elif price < 0:
        problems.append(Problem(line, headers["sek_per_unit"], f"negative price {price:g}"))
    elif price > MAX_RATE_SEK:
        problems.append(
            Problem(
                line,
                headers["sek_per_unit"],
                f"{price:,.0f} SEK per unit is not plausible (at most {MAX_RATE_SEK:,}); "
                "check the unit and the decimal separator",
            )
        )
    source = _cell(row, found.get("source"))
    source_text = str(source).strip()[:300] if source is not None else defaults["source"]
    if not source_text:
        problems.append(
            Problem(
                line,
                headers.get("source", "source"),
                "no source: say where the price comes from (a source column or --source)",
            )
        )
    year_cell = _cell(row, found.get("price_year"))
    given_year = defaults["price_year"] if year_cell is None else _parse_number(year_cell)
    year = None if given_year is None else float(given_year)
    last_year = timezone.localdate().year + 1
    column = headers.get("price_year", "price_year")
    if year is None:
        problems.append(
            Problem(
                line,
                column,
                "no price year (a price-year column or --price-year)"
                if year_cell is None
                else f"{str(year_cell)!r} is not a year",
            )
        )
    elif not (year.is_integer() and MIN_PRICE_YEAR <= year <= last_year):
        problems.append(
            Problem(
                line, column, f"price year {year:g} is not from {MIN_PRICE_YEAR} to {last_year}"
            )
        )
    if problems:
        return problems
    assert code is not None and price is not None and year is not None
    return (code, grade), Rate(sek_per_unit=price, source=source_text, price_year=int(year))


def prices_import(
    path: Path,
    *,
    columns: Mapping[str, str] | None = None,
    sheet: str | None = None,
    source: str = "",
    price_year: int | None = None,
    dry_run: bool = False,
    user: Any = None,
) -> PriceImportReport:
    """A new price-list version from `path`; with `dry_run` only the report.

    `source` and `price_year` stand in for a file without those columns (or a row with
    the cell empty). Raises MalformedFile when no row can be imported.
    """
    table = read_table(path, sheet=sheet)
    header_row, found, cells = find_header(table, columns)
    headers = {name: cells[position] or name for name, position in found.items()}
    catalogue = load_catalogue()
    elements = _element_codes(catalogue)
    defaults = {"source": source.strip()[:300], "price_year": price_year}
    given: dict[tuple[str, str], Rate] = {}
    first_line: dict[tuple[str, str], int] = {}
    problems: list[Problem] = []
    for offset, row in enumerate(table[header_row + 1 :], start=header_row + 2):
        if all(_cell(row, i) is None for i in range(len(row))):
            continue  # blank line
        parsed = _rate_row(
            row, offset, found, headers, elements=elements, defaults=defaults, catalogue=catalogue
        )
        if isinstance(parsed, list):
            problems.extend(parsed)
            continue
        key, rate = parsed
        if key in given:
            problems.append(
                Problem(
                    offset,
                    headers["element"],
                    f"{key[0]} grade {key[1]} was already given on line {first_line[key]}; "
                    "this row is left out",
                )
            )
            continue
        given[key], first_line[key] = rate, offset
    if not given:
        if not problems:
            problems.append(Problem(0, "", "the file holds no rows of prices"))
        raise MalformedFile(problems)

    with transaction.atomic():
        previous = price_list_current()
        changes = [
            RateChange(element=e, grade=g, old=previous.rates.get((e, g)), new=rate)
            for (e, g), rate in sorted(given.items())
            if previous.rates.get((e, g)) != rate
        ]
        merged = {**previous.rates, **given}
        report = PriceImportReport(
            version=previous.version + 1 if changes else None,
            dry_run=dry_run,
            rows=len(given),
            changes=changes,
            problems=problems,
            warnings=_order_warnings(merged, catalogue),
            kept=len(merged) - len(given),
        )
        if dry_run or not changes:
            return report
        _store(previous, origin=DEFAULTS_ORIGIN, user=None, exists_ok=True)
        _store(
            PriceTable(
                version=previous.version + 1,
                rates=merged,
                currency=previous.currency,
                vat_included=previous.vat_included,
            ),
            origin=path.name,
            user=user,
        )
        # Inside the transaction: the stored estimates change with the prices or not at all.
        price_list_created.send(sender=PriceList, version=previous.version + 1)
    return report


def _order_warnings(rates: Mapping[tuple[str, str], Rate], catalogue: Catalogue) -> list[str]:
    """Elements whose rates fall from a worse grade to a better one: allowed (rates of
    different sources and years), but most likely a mistake worth a look."""
    warnings = []
    for element in catalogue.elements:
        values = [rates[(element.code, g)].sek_per_unit for g in PRICED_GRADES]
        if not values[0] <= values[1] <= values[2]:
            shown = ", ".join(f"{g}={v:g}" for g, v in zip(PRICED_GRADES, values, strict=True))
            warnings.append(f"{element.code}: rates do not rise from B to D ({shown})")
    return warnings


def _store(table: PriceTable, *, origin: str, user: Any, exists_ok: bool = False) -> None:
    if exists_ok and PriceList.objects.filter(version=table.version).exists():
        return
    price_list = PriceList.objects.create(
        version=table.version,
        origin=origin,
        created_by=user if getattr(user, "pk", None) else None,
        currency=table.currency,
        vat_included=table.vat_included,
    )
    PriceRate.objects.bulk_create(
        PriceRate(
            price_list=price_list,
            element=element,
            grade=grade,
            sek_per_unit=rate.sek_per_unit,
            source=rate.source,
            price_year=rate.price_year,
        )
        for (element, grade), rate in sorted(table.rates.items())
    )
