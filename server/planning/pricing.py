"""Ratings priced with a price list (the plan's price year), not with their stored estimate."""

from __future__ import annotations

import numpy as np
import pandas as pd

from server.prices.table import PriceTable


def priced(ratings: pd.DataFrame, prices: PriceTable) -> pd.DataFrame:
    """The ratings with their cost as quantity x `prices` (the stored estimate may be of
    another price year); a rating with no quantity behind it keeps its stored value."""
    if ratings.empty:
        return ratings
    known = pd.Series({key: rate.sek_per_unit for key, rate in prices.rates.items()})
    pairs = pd.MultiIndex.from_arrays([ratings["element"], ratings["grade"]])
    rate = known.reindex(pairs).to_numpy(dtype=float, na_value=float("nan"))
    rate[ratings["grade"].isin(["A", "N"]).to_numpy()] = 0.0
    quantity = pd.to_numeric(ratings["cost_quantity"], errors="coerce").to_numpy(dtype=float)
    cost = quantity * rate
    out = ratings.copy()
    stored = pd.to_numeric(ratings["estimated_cost_sek"], errors="coerce").to_numpy(dtype=float)
    out["estimated_cost_sek"] = np.where(np.isnan(cost), stored, cost)
    return out
