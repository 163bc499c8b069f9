"""The plan's items: validation, canonical order, and each item's expected cost and
benefit in a given year of the plan (deterioration from the catalogue). Plain pandas,
no Django; the rules are described in `server.planning.plan`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from server.planning.plan_settings import (
    ITEM_COLUMNS,
    KEY_COLUMNS,
    ORE_PER_SEK,
    SITE_COLUMNS,
    PlanSettings,
    is_whole,
)
from server.prices.table import PriceTable, default_prices
from shared.catalogue import Catalogue
from shared.grades import SEVERITY, Grade

_SEVERITY_C: Final = float(SEVERITY[Grade.C])
_SEVERITY_D: Final = float(SEVERITY[Grade.D])


def require_columns(frame: pd.DataFrame, columns: Iterable[str], what: str = "items") -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{what} is missing required columns: {', '.join(missing)}")


def numeric_column(frame: pd.DataFrame, column: str) -> np.ndarray:
    try:
        values: np.ndarray = pd.to_numeric(frame[column], errors="raise").to_numpy(
            dtype=float, na_value=np.nan
        )
    except (TypeError, ValueError):
        raise ValueError(f"items.{column} must hold numbers (or be missing)") from None
    if np.isinf(values).any():
        raise ValueError(f"items.{column} must be finite")
    return values


def _need(frame: pd.DataFrame, column: str) -> np.ndarray:
    values = numeric_column(frame, column)
    bad = values[~np.isnan(values) & ((values < 0) | (values > 100))]
    if bad.size:
        raise ValueError(f"items.{column} must be from 0 to 100 or missing, got {bad[0]:g}")
    return values


def _check_per_site(frame: pd.DataFrame, columns: Iterable[str]) -> None:
    for column in columns:
        counts = frame.groupby("site", sort=True)[column].nunique(dropna=False)
        if (counts > 1).any():
            sites = ", ".join(str(site) for site in counts.index[counts > 1][:5])
            raise ValueError(
                f"items.{column} must be the same on every row of a site; differs for {sites}"
            )


def _canonical(items: pd.DataFrame) -> pd.DataFrame:
    """Validated items in canonical (site, element, location) order, index 0..n-1."""
    if not isinstance(items, pd.DataFrame):
        raise ValueError(f"items must be a pandas DataFrame, got {type(items).__name__}")
    require_columns(items, ITEM_COLUMNS)
    frame = items.loc[:, list(ITEM_COLUMNS)]
    if frame[list(KEY_COLUMNS)].isna().any().any():
        raise ValueError("items.site, items.element and items.location must not be missing")
    try:
        frame = frame.sort_values(list(KEY_COLUMNS), kind="mergesort")
    except TypeError:
        raise ValueError(
            "items.site, items.element and items.location must each hold values of one "
            "comparable type"
        ) from None
    frame = frame.reset_index(drop=True)
    duplicated = frame.duplicated(list(KEY_COLUMNS))
    if duplicated.any():
        site, element, location = frame.loc[duplicated.idxmax(), list(KEY_COLUMNS)]
        raise ValueError(
            f"items must hold one row per (site, element, location); "
            f"({site!r}, {element!r}, {location!r}) appears more than once"
        )
    return frame


@dataclass(frozen=True)
class Items:
    """Validated items in canonical order and the arrays the planner works on."""

    frame: pd.DataFrame
    quantity: np.ndarray
    rate_c: np.ndarray
    rate_d: np.ndarray
    worsen: np.ndarray  # yearly probability C -> D
    p_d0: np.ndarray  # probability of D in the first year (0 or 1)
    base: np.ndarray  # pupils x element weight x multiplier; x severity = benefit
    plain: np.ndarray  # pupils x element weight; x severity = condition benefit
    multiplier: np.ndarray
    safety: np.ndarray
    pupils: np.ndarray
    site_no: np.ndarray  # 0..sites-1, sites in sorted order
    # pupils x element weight share (of the catalogue's total) x multiplier / 100; x
    # severity x years = weighted pupil-years
    pupil_year_base: np.ndarray


def prepare(
    items: pd.DataFrame, catalogue: Catalogue, settings: PlanSettings, prices: PriceTable
) -> Items:
    frame = _canonical(items)
    grade = frame["grade"].astype(str)
    wrong_grade = ~grade.isin([Grade.C.value, Grade.D.value])
    if wrong_grade.any():
        raise ValueError(
            f"items.grade must be 'C' or 'D' (only those are candidates), "
            f"got {grade[wrong_grade].iloc[0]!r}"
        )
    elements = {element.code: element for element in catalogue.elements}
    unknown = sorted(set(frame["element"].astype(str)) - set(elements))
    if unknown:
        raise ValueError(
            f"items.element names codes not in catalogue {catalogue.version}: "
            f"{', '.join(unknown[:10])}"
        )
    urgency = numeric_column(frame, "urgency")
    if not np.isin(urgency[~np.isnan(urgency)], [1, 2, 3, 4]).all():
        raise ValueError("items.urgency must be 1, 2, 3, 4 or missing")
    quantity = numeric_column(frame, "quantity")
    if not (quantity > 0).all():  # also catches NaN
        raise ValueError("items.quantity must be a positive number on every row")
    pupils = numeric_column(frame, "pupils")
    if not (pupils >= 0).all():
        raise ValueError("items.pupils must be a number >= 0 on every row")
    experience = _need(frame, "experience_need")
    equity = _need(frame, "equity_need")
    _check_per_site(frame, SITE_COLUMNS)

    codes = frame["element"].astype(str)
    table = pd.DataFrame(
        {
            "weight": [element.weight for element in catalogue.elements],
            "rate_c": [prices.rate(element.code, Grade.C) for element in catalogue.elements],
            "rate_d": [prices.rate(element.code, Grade.D) for element in catalogue.elements],
            "worsen": [element.deterioration.C for element in catalogue.elements],
        },
        index=[element.code for element in catalogue.elements],
    ).loc[codes]
    weights = settings.normalised_weights
    multiplier = (
        weights["condition"]
        + weights["experience"] * np.nan_to_num(experience, nan=0.0) / 100
        + settings.alpha * weights["equity"] * np.nan_to_num(equity, nan=0.0) / 100
    )
    plain = pupils * table["weight"].to_numpy()
    worsen = table["worsen"].to_numpy() if settings.deterioration else np.zeros(len(frame))
    return Items(
        frame=frame,
        quantity=quantity,
        rate_c=table["rate_c"].to_numpy(),
        rate_d=table["rate_d"].to_numpy(),
        worsen=worsen,
        p_d0=(grade == Grade.D.value).to_numpy(dtype=float),
        base=plain * multiplier,
        plain=plain,
        multiplier=multiplier,
        safety=urgency == 1,
        pupils=pupils,
        site_no=pd.factorize(frame["site"], sort=True)[0],
        pupil_year_base=plain / sum(e.weight for e in catalogue.elements) * multiplier / 100,
    )


@dataclass(frozen=True)
class Year:
    """Expected values of every item if it is still open in year k of the plan."""

    p_d: np.ndarray
    severity: np.ndarray
    cost_ore: np.ndarray  # int64, exact sums
    benefit: np.ndarray


def _p_grade_d(prepared: Items, years_ahead: int) -> np.ndarray:
    # P(still C) after k years is (1 - p)^k; closed form, so no drift over the years.
    p_c: np.ndarray = (1 - prepared.p_d0) * (1 - prepared.worsen) ** years_ahead
    return 1 - p_c


def year_values(prepared: Items, years_ahead: int) -> Year:
    p_d = _p_grade_d(prepared, years_ahead)
    p_c = 1 - p_d
    cost = prepared.quantity * (p_c * prepared.rate_c + p_d * prepared.rate_d)
    severity = p_c * _SEVERITY_C + p_d * _SEVERITY_D
    return Year(
        p_d=p_d,
        severity=severity,
        cost_ore=np.rint(cost * ORE_PER_SEK).astype(np.int64),
        benefit=prepared.base * severity,
    )


def pupil_years(prepared: Items, year: Year, years_ahead: int, horizon: int) -> np.ndarray:
    """Weighted pupil-years of each item if repaired `years_ahead` years into the plan:
    pupils x element weight share x expected severity removed / 100 x the years left in
    the evaluation horizon x the site multiplier. Repairing earlier earns more years."""
    return prepared.pupil_year_base * year.severity * max(horizon - years_ahead, 0)


def costed_items(
    items: pd.DataFrame,
    catalogue: Catalogue,
    settings: PlanSettings,
    *,
    years_ahead: int = 0,
    prices: PriceTable | None = None,
) -> pd.DataFrame:
    """The items (canonical order) with what the plan would use for them `years_ahead`
    years after `settings.start_year` if still unfunded: `multiplier`, `p_grade_d`,
    `expected_severity`, `cost` (SEK, whole öre), `benefit`, `benefit_per_ksek`."""
    if not (is_whole(years_ahead) and years_ahead >= 0):
        raise ValueError(f"years_ahead must be a whole number >= 0, got {years_ahead!r}")
    prepared = prepare(items, catalogue, settings, prices or default_prices(catalogue))
    year = year_values(prepared, years_ahead)
    cost = year.cost_ore / ORE_PER_SEK
    return prepared.frame.assign(
        multiplier=prepared.multiplier,
        p_grade_d=year.p_d,
        expected_severity=year.severity,
        cost=cost,
        benefit=year.benefit,
        benefit_per_ksek=per_ksek(year.benefit, cost),
    )


def per_ksek(benefit: np.ndarray, cost: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(cost > 0, benefit / cost * 1000, np.inf)
