"""What a plan's or ranking's costs rest on, in sentences for the page (price list,
sources, price year, index, what was not indexed)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _


def _years(values: Any) -> str:
    return ", ".join(str(v) for v in values or [])


def price_notes(assumptions: Mapping[str, Any]) -> list[str]:
    """Sentences stating the price list, its sources and price year, the index factors,
    the years that could not be indexed and whether the index is illustrative."""
    if assumptions.get("price_list_version") is None:
        return []
    notes = [
        _("Prislista version %(version)s. Källa: %(sources)s.")
        % {
            "version": assumptions["price_list_version"],
            "sources": "; ".join(str(s) for s in assumptions.get("price_sources") or []),
        }
    ]
    year = assumptions.get("price_year")
    factors = {
        y: f for y, f in (assumptions.get("index_factors") or {}).items() if str(y) != str(year)
    }
    vat = _("moms ingår") if assumptions.get("vat_included") else _("exklusive moms")
    if year is not None:
        notes.append(
            _("Kostnaderna är i %(year)s års priser, %(vat)s.") % {"year": year, "vat": vat}
        )
    if factors:
        notes.append(
            _("À-priser från %(years)s är omräknade med byggkostnadsindex (faktor %(factors)s).")
            % {
                "years": _years(factors),
                "factors": ", ".join(f"{y}: {float(f):.3f}" for y, f in factors.items()),
            }
        )
    not_indexed = assumptions.get("not_indexed_price_years") or []
    if not_indexed:
        notes.append(
            _(
                "À-priser från %(years)s är inte indexerade: byggkostnadsindex saknar de åren "
                "eller %(year)s. De används oräknade; fyll i indexet i administrationen."
            )
            % {"years": _years(not_indexed), "year": year}
        )
    if assumptions.get("index_illustrative"):
        notes.append(
            _("Byggkostnadsindexet är illustrativt (påhittade värden), inte en officiell serie.")
        )
    return notes
