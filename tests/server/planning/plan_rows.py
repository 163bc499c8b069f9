"""Candidate items for the plan's pure tests (`server.planning.plan`'s `ITEM_COLUMNS`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from server.planning.plan import ITEM_COLUMNS


def item(
    site: str = "S1",
    element: str = "roof",
    location: str = "Hus A",
    *,
    grade: str = "C",
    urgency: float = np.nan,
    quantity: float = 100,
    pupils: float = 200,
    experience_need: float = np.nan,
    equity_need: float = np.nan,
) -> dict[str, Any]:
    """One candidate: a site's element at a location in grade C or D."""
    return {
        "site": site,
        "element": element,
        "location": location,
        "grade": grade,
        "urgency": urgency,
        "quantity": quantity,
        "pupils": pupils,
        "experience_need": experience_need,
        "equity_need": equity_need,
    }


def frame(*rows: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(ITEM_COLUMNS))
