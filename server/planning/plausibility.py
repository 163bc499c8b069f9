"""Screen stored numbers before they reach the ranking: one absurd value (a quantity of
1e308 m², a replacement value of 0) is left out and its site flagged, so the pages keep
working for the whole city. Plain pandas, no Django.

Values enter through bounded forms, imports and the sync API; these checks catch what
is stored already (written before a bound existed, or by hand in the database).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import numpy as np
import pandas as pd

from shared.bounds import MAX_QUANTITY, quantity_bound

SITE_BOUNDS: Final[Mapping[str, tuple[float, float]]] = {
    # A Swedish school site: up to a few billion kronor to rebuild; 100 billion is absurd.
    "replacement_value_sek": (1.0, 1e11),
    # 100 hectares is a very large campus; more is a typing error (m² for dm², etc.).
    "yard_area_m2": (0.0, 1e6),
    # The largest Swedish schools have about 2,000 pupils; a site may hold several units.
    "pupils": (0.0, 20_000.0),
    "socioeconomic_need": (0.0, 100.0),
    "newly_arrived_share": (0.0, 1.0),
}
"""Plausible ranges of the site facts the ranking reads (inclusive)."""

FLAGS_COLUMN: Final = "implausible"
"""The column that names, per site, the values left out because they are implausible."""


def _outside(values: pd.Series, low: float, high: float) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce").astype(float)
    known = values.notna()
    return known & ~(np.isfinite(numbers) & (numbers >= low) & (numbers <= high))


def screen_sites(sites: pd.DataFrame) -> pd.DataFrame:
    """`sites` with implausible facts set to NaN and named in the `implausible` column."""
    screened = sites.copy()
    flags = pd.Series([[] for _ in range(len(sites))], index=sites.index, dtype=object)
    for column, (low, high) in SITE_BOUNDS.items():
        if column not in screened:
            continue
        bad = _outside(screened[column], low, high)
        if bad.any():
            screened[column] = screened[column].astype(float).where(~bad)
            for position in np.flatnonzero(bad.to_numpy()):
                flags.iloc[position] = [*flags.iloc[position], column]
    screened[FLAGS_COLUMN] = flags
    return screened


def screen_ratings(
    ratings: pd.DataFrame, units: Mapping[str, str], top_rates: Mapping[str, float]
) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Ratings with implausible quantities and costs left out (NaN), and per site the
    elements whose values were left out.

    `units` maps element code to catalogue unit and `top_rates` to its highest repair
    rate per unit: no true cost exceeds the unit's largest quantity at that rate.
    """
    if ratings.empty:
        return ratings, {}
    element = ratings["element"]
    # Per element code, not per row: the ranking reads millions of ratings at city scale.
    bounds = {code: quantity_bound(unit) for code, unit in units.items()}
    max_quantity = element.map(bounds).fillna(MAX_QUANTITY).astype(float)
    max_cost = max_quantity * element.map(top_rates).fillna(0).astype(float)
    quantity = pd.to_numeric(ratings["quantity"], errors="coerce").astype(float)
    cost = pd.to_numeric(ratings["estimated_cost_sek"], errors="coerce").astype(float)
    bad_quantity = ratings["quantity"].notna() & ~(
        np.isfinite(quantity) & (quantity >= 0) & (quantity <= max_quantity)
    )
    bad_cost = ratings["estimated_cost_sek"].notna() & ~(
        np.isfinite(cost) & (cost >= 0) & (cost <= max_cost)
    )
    bad = bad_quantity | bad_cost
    if not bad.any():
        return ratings, {}
    screened = ratings.copy()
    screened["quantity"] = quantity.where(~bad)
    screened["estimated_cost_sek"] = cost.where(~bad)
    flags: dict[str, list[str]] = {}
    for site, code in ratings.loc[bad, ["site", "element"]].itertuples(index=False):
        flags.setdefault(site, []).append(f"ratings.{code}")
    return screened, flags
