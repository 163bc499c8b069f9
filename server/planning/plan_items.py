"""The plan's items: validation, canonical order, and each item's expected cost and
benefit in a given year of the plan (deterioration from the catalogue). Plain pandas,
no Django; the rules are described in `server.planning.plan`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from server.planning.plan_settings import (
    ITEM_COLUMNS,
    KEY_COLUMNS,
    ORE_PER_SEK,
    SITE_COLUMNS,
    CostOverride,
    Exclusion,
    Pin,
    PlanSettings,
    describe_target,
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
    pin_year: np.ndarray  # year index a pin puts the item in, -1 if not pinned
    cost_override_ore: np.ndarray  # int64, the planner's cost in öre, -1 if none
    top_quartile: np.ndarray  # bool: the site is in the top need quartile by pupils
    need_known: bool  # socioeconomic need known for some site (the quartiles exist)
    controls: list[dict[str, object]]  # one per control given, with the items it touched


def prepare(
    items: pd.DataFrame, catalogue: Catalogue, settings: PlanSettings, prices: PriceTable
) -> Items:
    frame = _canonical(items)
    quartile = _quartile_of_rows(items, frame)
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
    controls = resolve_controls(frame, urgency == 1, settings)
    keep = ~controls.excluded
    if not keep.all():
        frame = frame[keep].reset_index(drop=True)
        grade, urgency, quantity = grade[keep].reset_index(drop=True), urgency[keep], quantity[keep]
        pupils, experience, equity = pupils[keep], experience[keep], equity[keep]
        quartile = quartile[keep]

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
        pin_year=controls.pin_year[keep],
        cost_override_ore=controls.override_ore[keep],
        top_quartile=quartile == QUARTILES[-1],
        need_known=bool((quartile != "unknown").any()),
        controls=controls.report,
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
    cost_ore = np.rint(cost * ORE_PER_SEK).astype(np.int64)
    overridden = prepared.cost_override_ore >= 0
    cost_ore[overridden] = prepared.cost_override_ore[overridden]
    return Year(
        p_d=p_d,
        severity=severity,
        cost_ore=cost_ore,
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


# ---------------------------------------------------------------------------------------
# Planner controls


Control = Pin | Exclusion | CostOverride


@dataclass(frozen=True)
class Controls:
    """The controls of `PlanSettings` resolved onto the items (canonical order)."""

    pin_year: np.ndarray  # year index, -1 if not pinned
    excluded: np.ndarray  # bool
    override_ore: np.ndarray  # int64, -1 if none
    report: list[dict[str, object]]


def _matches(
    site: np.ndarray, element: np.ndarray, location: np.ndarray, control: Control
) -> np.ndarray:
    hit = site == control.site
    if control.element is not None:
        hit &= element == control.element
    if control.location is not None:
        hit &= location == control.location
    return hit


def _level(control: Control) -> int:
    """How specific a control is: 0 a school, 1 an element, 2 one item."""
    return (control.element is not None) + (control.location is not None)


def resolve_controls(frame: pd.DataFrame, safety: np.ndarray, settings: PlanSettings) -> Controls:
    """Pins, exclusions and cost overrides matched to the items.

    On each item the most specific pin or exclusion decides (a school's project pinned
    to 2028 with its roof pinned to 2027 does the roof in 2027; a school excluded but one
    of its items pinned does that item); two of equal specificity that disagree raise
    ValueError, as do a control that matches no item and an exclusion that would drop an
    urgency-1 item (safety work is never left out). A school's or an element's pin or
    exclusion leaves its urgency-1 items alone: they stay first in line, and only a pin of
    that one item moves one.
    """
    n = len(frame)
    site = frame["site"].astype(str).to_numpy()
    element = frame["element"].astype(str).to_numpy()
    location = frame["location"].astype(str).to_numpy()
    # decision per item: (level, year index or -2 for "exclude"), the most specific wins
    level = np.full(n, -1)
    decision = np.full(n, -1)
    report: list[dict[str, object]] = []
    unmatched: list[str] = []
    conflicts: list[str] = []
    decisions: Sequence[tuple[str, Pin | Exclusion, int]] = [
        *(("pin", pin, pin.year - settings.start_year) for pin in settings.pins),
        *(("exclusion", exclusion, -2) for exclusion in settings.exclusions),
    ]
    for kind, control, value in decisions:
        hit = _matches(site, element, location, control)
        if not hit.any():
            report.append(_control_row(kind, control, 0))
            unmatched.append(f"{kind}: no open item at {control.target}")
            continue
        at = _level(control)
        if at < 2:  # safety work is not swept into a project's year, nor left out with it
            hit = hit & ~safety
        report.append(_control_row(kind, control, int(hit.sum())))
        clash = hit & (level == at) & (decision != value)
        if clash.any():
            conflicts.append(control.target)
        wins = hit & (level < at)
        level[wins] = at
        decision[wins] = value
    override_ore = np.full(n, -1, dtype=np.int64)
    for override in settings.cost_overrides:
        hit = _matches(site, element, location, override)
        report.append(_control_row("override", override, int(hit.sum())))
        if not hit.any():
            unmatched.append(f"override: no open item at {override.target}")
        override_ore[hit] = round(override.cost_sek * ORE_PER_SEK)
    if unmatched:
        raise ValueError("; ".join(unmatched))
    if conflicts:
        raise ValueError(
            "pins and exclusions disagree at the same level for "
            + ", ".join(sorted(set(conflicts)))
        )
    excluded = decision == -2
    if (excluded & safety).any():
        dropped = [
            describe_target(site[i], element[i], location[i])
            for i in np.flatnonzero(excluded & safety)[:5]
        ]
        raise ValueError(
            "exclusion: urgency-1 (safety) items cannot be excluded: " + ", ".join(dropped)
        )
    pin_year = np.where(decision >= 0, decision, -1)
    return Controls(pin_year, excluded, override_ore, report)


def _control_row(kind: str, control: Control, items: int) -> dict[str, object]:
    return {
        "kind": kind,
        "site": control.site,
        "element": control.element,
        "location": control.location,
        "year": getattr(control, "year", None),
        "cost_sek": getattr(control, "cost_sek", None),
        "items": items,
    }


# ---------------------------------------------------------------------------------------
# Need quartiles by pupils

QUARTILES: Final[tuple[str, ...]] = ("Q1", "Q2", "Q3", "Q4")
"""Q1 the least socioeconomic need .. Q4 the most; "unknown" for sites without a value."""


def site_needs(items: pd.DataFrame) -> pd.DataFrame:
    """Per site (sorted): `need` (socioeconomic, NaN if unknown) and `pupils`, validated."""
    require_columns(items, ("site", "pupils", "socioeconomic_need"))
    try:
        need = pd.to_numeric(items["socioeconomic_need"], errors="raise").astype(float)
    except (TypeError, ValueError):
        raise ValueError("items.socioeconomic_need must hold numbers (or be missing)") from None
    if ((need < 0) | (need > 100) | np.isinf(need)).any():
        raise ValueError("items.socioeconomic_need must be from 0 to 100 or missing")
    grouped = need.groupby(items["site"], sort=True)
    if (grouped.nunique(dropna=False) > 1).any():
        raise ValueError("items.socioeconomic_need must be the same on every row of a site")
    pupils = pd.to_numeric(items["pupils"], errors="coerce").groupby(items["site"], sort=True)
    return pd.DataFrame({"need": grouped.first(), "pupils": pupils.first().fillna(0.0)})


def pupil_quartiles(items: pd.DataFrame) -> pd.Series:
    """Each site's quartile of socioeconomic need ("Q1".."Q4", or "unknown"), with equal
    numbers of pupils in each: sites with a known need sorted by need (ties by site), and
    a site falls in the quarter of the pupils its middle pupil is in. Without pupils at
    all, each site counts as one. Index: site (sorted)."""
    sites = site_needs(items)
    known = sites.dropna(subset=["need"]).sort_values("need", kind="mergesort")
    weight = known["pupils"].clip(lower=0).to_numpy(dtype=float)
    if weight.sum() <= 0:
        weight = np.ones(len(known))
    middle = np.cumsum(weight) - weight / 2
    position = np.minimum((middle * 4 / max(weight.sum(), 1e-300)).astype(int), 3)
    quartile = pd.Series("unknown", index=sites.index, dtype=object)
    quartile[known.index] = np.array(QUARTILES)[position]
    return quartile


def _quartile_of_rows(items: pd.DataFrame, frame: pd.DataFrame) -> np.ndarray:
    """The need quartile of each row of `frame` (canonical items); all "unknown" when
    `items` has no `socioeconomic_need` column."""
    if "socioeconomic_need" not in items.columns:
        return np.full(len(frame), "unknown", dtype=object)
    return frame["site"].map(pupil_quartiles(items)).to_numpy(dtype=object)
