"""Need ranking of a city's school sites: three pillars, a priority, its breakdown, its stability.

Plain pandas/numpy, no Django: the planning app loads the frames below with a few
aggregate queries and passes them in (DESIGN section 6, issue 6).

Inputs
------
`sites`
    Index: the site code (unique). Columns: `name`; `pupils` (> 0, NaN if unknown);
    `replacement_value_sek` (NaN if unknown); `yard_area_m2` (>= 0, NaN if unknown);
    `socioeconomic_need` (0-100, pupil-weighted over the site's units, NaN if unknown);
    `newly_arrived_share` (0-1, NaN if unknown); `district`; `school_forms` (str).
`ratings`
    The newest finished rating per (site, element, location), one row each. Columns:
    `site`, `element` (catalogue code), `location`, `grade` ("A".."D", or "N" for not
    present), `urgency` (1-4 or NaN), `estimated_cost_sek` (>= 0 or NaN).
`experience`
    One row per (site, group) whose survey result is shown. Columns: `site`, `group`
    ("pupils" or "parents"), `index_mean` (0-10, already shrunk and pupil-weighted over
    the site's units and indices; 10 = no need), `respondents` (informative only). A
    suppressed group is absent, never a value, so no score can reveal it.
`element_weights`
    Catalogue element code -> weight (> 0).

Rows of `ratings` and `experience` for sites not in `sites` are ignored, so a caller may
filter `sites` alone (district, school form). A frame that lacks a required column, or
holds a value outside its range, raises ValueError naming the column.

Scales
------
Every pillar is 0..100, higher = more need, on a fixed anchored scale (grade severities,
FCI 30 % = 100, index 10 = no need, newly arrived 30 % = 100, 30 m2 yard per pupil = no
shortfall), never min-max of the current sample: a site's pillars depend on its own data
only, so adding or removing a school never reorders the others under the weighted sum.

Missing data is never zero need
-------------------------------
A site with no rating is not inspected (`inspected` False, condition NaN); a site with no
shown survey result has no experience pillar (`has_survey` False, experience NaN). The
weighted sum then averages over the pillars the site has (`missing` names the others);
a site with none, or only pillars weighted zero, has no priority and ranks last.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields
from typing import Final, Literal

import numpy as np
import pandas as pd

from server.planning.topsis import topsis
from shared.grades import SEVERITY, Grade

Method = Literal["weighted_sum", "topsis"]
METHODS: Final[tuple[str, ...]] = ("weighted_sum", "topsis")
PILLARS: Final[tuple[str, str, str]] = ("condition", "experience", "equity")

SITE_COLUMNS: Final = (
    "name",
    "pupils",
    "replacement_value_sek",
    "yard_area_m2",
    "socioeconomic_need",
    "newly_arrived_share",
    "district",
    "school_forms",
)
RATING_COLUMNS: Final = ("site", "element", "location", "grade", "urgency", "estimated_cost_sek")
EXPERIENCE_COLUMNS: Final = ("site", "group", "index_mean")
EXPERIENCE_GROUPS: Final = ("pupils", "parents")

FCI_FULL_NEED: Final = 0.30
"""A facility condition index (repair cost / replacement value) at or above this is 100."""
NEWLY_ARRIVED_FULL_NEED: Final = 0.30
"""A newly arrived share at or above this is 100."""
YARD_GUIDELINE_M2_PER_PUPIL: Final = 30.0
"""The national guideline for schoolyard area per pupil (Boverket)."""
TOP_DEFECTS: Final = 3

_GRADES: Final = ("A", "B", "C", "D", "N")
_SEVERITIES: Final = np.array(
    [SEVERITY[Grade(grade)] if grade != "N" else np.nan for grade in _GRADES], dtype=float
)
_CELLS_PER_CHUNK: Final = 400_000
"""Draws x sites ranked at once by `stability` (a few arrays of this size)."""
_CELLS_PER_BUFFER: Final = 25_000_000
"""Sites x draws of int32 ranks `stability` keeps before compacting them (100 MB)."""
_THREADS: Final = 2
"""Threads `stability` ranks its chunks of draws on."""


# ---------------------------------------------------------------------------------------
# Validation helpers


def _require(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{what} is missing required columns: {', '.join(missing)}")


def _check_site_index(sites: pd.DataFrame) -> None:
    if not sites.index.is_unique:
        duplicated = sites.index[sites.index.duplicated()].unique()[:5]
        raise ValueError(
            f"sites must have one row per site code; repeated: {', '.join(map(str, duplicated))}"
        )


def _numbers(series: pd.Series, what: str) -> np.ndarray:
    try:
        values = np.asarray(pd.to_numeric(series, errors="raise"), dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must hold numbers (or be missing)") from None
    if np.isinf(values).any():
        raise ValueError(f"{what} must be finite")
    return values


def _check_range(
    values: np.ndarray, what: str, low: float, high: float, *, low_open: bool = False
) -> None:
    known = values[~np.isnan(values)]
    too_low = known <= low if low_open else known < low
    if too_low.any() or (known > high).any():
        bad = known[too_low | (known > high)][0]
        bound = f"({low}, {high}]" if low_open else f"[{low}, {high}]"
        raise ValueError(f"{what} must be in {bound} or missing, got {bad:g}")


def _check_share(value: float, what: str) -> None:
    if not (isinstance(value, int | float) and 0 <= value <= 1):
        raise ValueError(f"{what} must be a number from 0 to 1, got {value!r}")


def _check_positive(value: float, what: str) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
        raise ValueError(f"{what} must be a positive finite number, got {value!r}")


def _available_mean(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Row-wise sum(w * v) / sum(w) over the known (non-NaN) values; NaN when no weight is."""
    known = ~np.isnan(values)
    numerator = np.where(known, values, 0.0) @ weights
    denominator = known @ weights
    mean: np.ndarray = np.divide(
        numerator, denominator, out=np.full(len(values), np.nan), where=denominator > 0
    )
    return mean


# ---------------------------------------------------------------------------------------
# Ratings, validated once and shared by the condition pillar, act-now and top defects


@dataclass(frozen=True)
class _Ratings:
    site: np.ndarray  # position of the site in `sites`
    element: np.ndarray  # element codes (str)
    element_order: np.ndarray  # alphabetical order of the element code
    location: np.ndarray
    location_order: np.ndarray
    grade: np.ndarray  # "A".."D", "N"
    severity: np.ndarray  # NaN for N
    weight: np.ndarray
    urgency: np.ndarray
    cost: np.ndarray


def _prepare_ratings(
    sites: pd.DataFrame, ratings: pd.DataFrame, element_weights: Mapping[str, float]
) -> _Ratings:
    _require(ratings, RATING_COLUMNS, "ratings")
    codes = sorted(element_weights)
    weights = np.array([element_weights[code] for code in codes], dtype=float)
    if not np.isfinite(weights).all() or (weights <= 0).any():
        wrong = [code for code, weight in zip(codes, weights, strict=True) if not weight > 0]
        raise ValueError(f"element weights must be positive and finite: {', '.join(wrong)}")

    site = sites.index.get_indexer(ratings["site"])
    ours = ratings.loc[site >= 0]
    site = site[site >= 0]

    element = pd.Categorical(ours["element"], categories=codes)
    unknown = ours["element"][element.codes < 0]
    if len(unknown):
        names = ", ".join(map(str, pd.unique(unknown)[:5]))
        raise ValueError(f"ratings name elements without a weight: {names}")
    grade = pd.Categorical(ours["grade"], categories=_GRADES)
    if (grade.codes < 0).any():
        bad = ", ".join(map(str, pd.unique(ours["grade"][grade.codes < 0])[:5]))
        raise ValueError(f"ratings.grade must be one of {', '.join(_GRADES)}, got {bad}")
    urgency = _numbers(ours["urgency"], "ratings.urgency")
    known_urgency = urgency[~np.isnan(urgency)]
    if not np.isin(known_urgency, (1, 2, 3, 4)).all():
        raise ValueError("ratings.urgency must be 1, 2, 3, 4 or missing")
    cost = _numbers(ours["estimated_cost_sek"], "ratings.estimated_cost_sek")
    _check_range(cost, "ratings.estimated_cost_sek", 0, math.inf)
    location_order, _ = pd.factorize(ours["location"], sort=True)

    keys = pd.DataFrame({"s": site, "e": element.codes, "l": location_order})
    repeated = keys.duplicated()
    if repeated.any():
        first = ours[repeated.to_numpy()].iloc[0]
        raise ValueError(
            "ratings must hold one (the newest) rating per site, element and location; "
            f"repeated: {first['site']}, {first['element']}, {first['location']}"
        )
    return _Ratings(
        site=site,
        element=np.asarray(element.astype(object)),
        element_order=element.codes,
        location=ours["location"].to_numpy(),
        location_order=location_order,
        grade=np.asarray(grade.astype(object)),
        severity=_SEVERITIES[grade.codes],
        weight=weights[element.codes],
        urgency=urgency,
        cost=cost,
    )


# ---------------------------------------------------------------------------------------
# The pillars


def condition_pillar(
    sites: pd.DataFrame,
    ratings: pd.DataFrame,
    weights: Mapping[str, float],
    *,
    severity_share: float = 0.5,
    fci_full_need: float = FCI_FULL_NEED,
) -> pd.DataFrame:
    """Columns `severity`, `fci`, `condition`, `inspected`, indexed as `sites`.

    `severity` is the mean grade severity (A 0, B 33, C 67, D 100; N not scored) over the
    site's ratings, each location counting once, weighted by the element's weight.
    `fci` is the sum of the known estimated costs over the replacement value (NaN if no
    cost or no positive value is known); it scores linearly, `fci_full_need` (30 %) and
    above counting 100. `condition` = severity_share x severity + (1 - severity_share) x
    FCI score. Half and half by default: severity says how bad the elements are, FCI how
    much that costs against what the site is worth, and neither has a better claim; when
    one is unknown the other carries the pillar. No rating: NaN, `inspected` False.
    """
    _check_share(severity_share, "severity_share")
    _check_positive(fci_full_need, "fci_full_need")
    _require(sites, ("replacement_value_sek",), "sites")
    _check_site_index(sites)
    return _condition(
        sites, _prepare_ratings(sites, ratings, weights), severity_share, fci_full_need
    )


def _condition(
    sites: pd.DataFrame, ratings: _Ratings, severity_share: float, fci_full_need: float
) -> pd.DataFrame:
    n = len(sites)
    scored = ~np.isnan(ratings.severity)
    site = ratings.site[scored]
    weight_sum = np.bincount(site, weights=ratings.weight[scored], minlength=n)
    weighted_severity = np.bincount(
        site, weights=ratings.weight[scored] * ratings.severity[scored], minlength=n
    )
    severity = np.divide(
        weighted_severity, weight_sum, out=np.full(n, np.nan), where=weight_sum > 0
    )

    costed = ~np.isnan(ratings.cost)
    cost = np.bincount(ratings.site[costed], weights=ratings.cost[costed], minlength=n)
    has_cost = np.bincount(ratings.site[costed], minlength=n) > 0
    value = _numbers(sites["replacement_value_sek"], "sites.replacement_value_sek")
    fci = np.divide(cost, value, out=np.full(n, np.nan), where=has_cost & (value > 0))
    fci_score = np.clip(fci / fci_full_need, 0.0, 1.0) * 100.0

    condition = _available_mean(
        np.column_stack([severity, fci_score]), np.array([severity_share, 1 - severity_share])
    )
    inspected = np.bincount(ratings.site, minlength=n) > 0
    return pd.DataFrame(
        {"severity": severity, "fci": fci, "condition": condition, "inspected": inspected},
        index=sites.index,
    )


def experience_pillar(
    sites: pd.DataFrame, experience: pd.DataFrame, pupil_weight: float = 2 / 3
) -> pd.DataFrame:
    """Columns `experience`, `has_survey`, indexed as `sites`.

    Each shown group's need is (10 - index) / 10 x 100; pupils count `pupil_weight` and
    parents the rest, renormalised over the groups shown. `has_survey` says a group is
    shown; with none, experience is NaN (not zero need).
    """
    _check_share(pupil_weight, "pupil_weight")
    _require(experience, EXPERIENCE_COLUMNS, "experience")
    _check_site_index(sites)
    site = sites.index.get_indexer(experience["site"])
    ours = experience.loc[site >= 0]
    site = site[site >= 0]
    group = pd.Categorical(ours["group"], categories=EXPERIENCE_GROUPS).codes
    if (group < 0).any():
        bad = pd.unique(ours["group"][group < 0])[:5]
        raise ValueError(
            f"experience.group must be 'pupils' or 'parents', got {', '.join(map(str, bad))}"
        )
    index = _numbers(ours["index_mean"], "experience.index_mean")
    _check_range(index, "experience.index_mean", 0, 10)
    if pd.DataFrame({"s": site, "g": group}).duplicated().any():
        raise ValueError("experience must hold at most one row per site and group")

    need = np.full((len(sites), len(EXPERIENCE_GROUPS)), np.nan)
    need[site, group] = (10.0 - index) / 10.0 * 100.0
    shown = ~np.isnan(need)
    return pd.DataFrame(
        {
            "experience": _available_mean(need, np.array([pupil_weight, 1 - pupil_weight])),
            "has_survey": shown.any(axis=1),
        },
        index=sites.index,
    )


def equity_pillar(
    sites: pd.DataFrame,
    guideline_m2_per_pupil: float = YARD_GUIDELINE_M2_PER_PUPIL,
    *,
    newly_arrived_full_need: float = NEWLY_ARRIVED_FULL_NEED,
) -> pd.DataFrame:
    """Columns `equity`, `yard_per_pupil`, indexed as `sites`.

    The mean of the known parts, each 0..100: `socioeconomic_need` as it is; the newly
    arrived share, `newly_arrived_full_need` (30 %) and above counting 100; and the yard
    shortfall max(0, 1 - yard per pupil / guideline) x 100. NaN when no part is known.
    """
    _check_positive(guideline_m2_per_pupil, "guideline_m2_per_pupil")
    _check_positive(newly_arrived_full_need, "newly_arrived_full_need")
    _require(
        sites,
        ("pupils", "yard_area_m2", "socioeconomic_need", "newly_arrived_share"),
        "sites",
    )
    _check_site_index(sites)
    socioeconomic = _numbers(sites["socioeconomic_need"], "sites.socioeconomic_need")
    _check_range(socioeconomic, "sites.socioeconomic_need", 0, 100)
    newly_arrived = _numbers(sites["newly_arrived_share"], "sites.newly_arrived_share")
    _check_range(newly_arrived, "sites.newly_arrived_share", 0, 1)
    pupils = _numbers(sites["pupils"], "sites.pupils")
    _check_range(pupils, "sites.pupils", 0, math.inf, low_open=True)
    yard = _numbers(sites["yard_area_m2"], "sites.yard_area_m2")
    _check_range(yard, "sites.yard_area_m2", 0, math.inf)

    yard_per_pupil = yard / pupils
    parts = np.column_stack(
        [
            socioeconomic,
            np.clip(newly_arrived / newly_arrived_full_need, 0.0, 1.0) * 100.0,
            np.clip(1.0 - yard_per_pupil / guideline_m2_per_pupil, 0.0, 1.0) * 100.0,
        ]
    )
    return pd.DataFrame(
        {"equity": _available_mean(parts, np.ones(3)), "yard_per_pupil": yard_per_pupil},
        index=sites.index,
    )


# ---------------------------------------------------------------------------------------
# Weights, priority and rank


@dataclass(frozen=True)
class Weights:
    """The planner's pillar weights: finite, not negative, not all zero (any scale)."""

    condition: float = 0.5
    experience: float = 0.25
    equity: float = 0.25

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, int | float | np.number):
                raise ValueError(f"weight {field.name!r} must be a number, got {value!r}")
            if not math.isfinite(value):
                raise ValueError(f"weight {field.name!r} must be finite, got {value}")
            if value < 0:
                raise ValueError(f"weight {field.name!r} must not be negative, got {value}")
        if not any(getattr(self, pillar) > 0 for pillar in PILLARS):
            raise ValueError("at least one pillar weight must be positive; all are zero")

    def as_dict(self) -> dict[str, float]:
        """Pillar name -> weight, in pillar order."""
        return {pillar: float(getattr(self, pillar)) for pillar in PILLARS}

    def as_array(self) -> np.ndarray:
        """The weights as a float array in `PILLARS` order."""
        return np.array([getattr(self, pillar) for pillar in PILLARS], dtype=float)


DEFAULT_WEIGHTS: Final = Weights()


def _weighted_sum(known_values: np.ndarray, known: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """Priorities (draws x sites) for weight rows `draws` (draws x pillars); NaN if none.

    Written out per pillar rather than as a matrix product so that `rank` and `stability`
    add the same terms in the same order and agree to the last bit on ties.
    """
    numerator = np.zeros((len(draws), len(known_values)))
    denominator = np.zeros_like(numerator)
    term = np.empty_like(numerator)
    for j in range(known_values.shape[1]):  # the pillars, not the draws
        numerator += np.multiply(draws[:, j : j + 1], known_values[:, j], out=term)
        denominator += np.multiply(draws[:, j : j + 1], known[:, j], out=term)
    return np.divide(
        numerator, denominator, out=np.full_like(numerator, np.nan), where=denominator > 0
    )


def _site_order(index: pd.Index) -> np.ndarray:
    """Positions of the sites sorted by code: the tie-break of every rank."""
    return np.asarray(index.argsort(kind="stable"))


def _ranks(priority: np.ndarray) -> np.ndarray:
    """Ranks (1 = most need) of each row of `priority` (draws x sites), NaN last.

    The columns must already be in site-code order: equal priorities rank in code order.
    numpy's unstable argsort is several times faster than a stable one, so ties (rare but
    real: equal pillars, or no priority at all) are put back in code order afterwards.
    """
    key = np.negative(priority)
    key[np.isnan(key)] = np.inf
    order = np.argsort(key, axis=1)
    ordered = np.take_along_axis(key, order, axis=1)
    tie = ordered[:, 1:] == ordered[:, :-1]
    if tie.any():
        rows, cols = np.nonzero(tie)
        tied = np.zeros(ordered.shape, dtype=bool)
        tied[rows, cols] = tied[rows, cols + 1] = True
        # A run of equal keys is contiguous after the sort: number the runs, then sort
        # each run's sites by code position.
        starts = np.ones(ordered.shape, dtype=bool)
        starts[:, 1:] = ~tie
        rows, cols = np.nonzero(tied)
        run = np.cumsum(starts.ravel())[rows * ordered.shape[1] + cols]
        sites = order[rows, cols]
        order[rows, cols] = sites[np.lexsort((sites, run))]
    ranks = np.empty(order.shape, dtype=np.int32)
    positions = np.arange(1, priority.shape[1] + 1, dtype=np.int32)
    np.put_along_axis(ranks, order, np.broadcast_to(positions, order.shape), axis=1)
    return ranks


def _top_defects(ratings: _Ratings, n: int) -> list[list[tuple[str, str, str]]]:
    defective = ratings.severity > 0  # A (0) is no defect; N (NaN) is not present
    site = ratings.site[defective]
    score = (ratings.weight * ratings.severity)[defective]
    # Most severe first; ties by element code, then location: deterministic.
    order = np.lexsort(
        (ratings.location_order[defective], ratings.element_order[defective], -score, site)
    )
    site = site[order]
    first = np.searchsorted(site, site, side="left")
    keep = order[np.arange(len(site)) - first < TOP_DEFECTS]
    triples = list(
        zip(
            ratings.element[defective][keep],
            ratings.location[defective][keep],
            ratings.grade[defective][keep],
            strict=True,
        )
    )
    kept_sites = ratings.site[defective][keep]
    bounds = np.searchsorted(kept_sites, np.arange(n + 1), side="left")
    return [triples[bounds[i] : bounds[i + 1]] for i in range(n)]


def _check_method_and_weights(method: object, weights: object) -> None:
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    if not isinstance(weights, Weights):
        raise ValueError(f"weights must be a Weights, got {type(weights).__name__}")


def rank(
    sites: pd.DataFrame,
    ratings: pd.DataFrame,
    experience: pd.DataFrame,
    weights: Weights = DEFAULT_WEIGHTS,
    *,
    method: Method = "weighted_sum",
    element_weights: Mapping[str, float],
    pupil_weight: float = 2 / 3,
    severity_share: float = 0.5,
    guideline_m2_per_pupil: float = YARD_GUIDELINE_M2_PER_PUPIL,
) -> pd.DataFrame:
    """Every site's pillars, priority, breakdown and rank, most need first.

    Index: the site code. Columns: `name`, `district`, `school_forms`, `pupils`; `rank`
    (1 = most need, ties by site code); `priority` (0..100); the pillars `condition`,
    `experience`, `equity`; `contrib_<pillar>` (summing to the priority; NaN for a missing
    pillar); `missing` and `imputed` (lists of pillar names); `act_now` (an urgency-1
    rating); `inspected`, `has_survey`; `severity`, `fci`, `yard_per_pupil`; and
    `top_defects`, up to three (element, location, grade) with the highest element weight
    x severity.

    `method="weighted_sum"` (the default): priority = sum(w x pillar) / sum(w) over the
    pillars the site has, so a missing pillar is neither zero need nor full need.

    `method="topsis"`: the pillars are TOPSIS criteria, each a benefit criterion in the
    sense that the ideal site is the one of most need (the one a planner would renovate
    first): priority = 100 x closeness to that ideal. TOPSIS needs every value, so a
    missing pillar is imputed with the median of the sites given (`imputed` names it);
    a pillar no site has is left out. TOPSIS is relative to the sites given, so adding
    one may reorder others. Its contributions split the priority in proportion to w x
    pillar: an attribution, since TOPSIS does not decompose additively.
    """
    _check_method_and_weights(method, weights)
    _require(sites, SITE_COLUMNS, "sites")
    _check_site_index(sites)
    _check_share(severity_share, "severity_share")
    prepared = _prepare_ratings(sites, ratings, element_weights)
    condition = _condition(sites, prepared, severity_share, FCI_FULL_NEED)
    survey = experience_pillar(sites, experience, pupil_weight)
    equity = equity_pillar(sites, guideline_m2_per_pupil)

    n = len(sites)
    values = np.column_stack([condition["condition"], survey["experience"], equity["equity"]])
    names = np.array(PILLARS, dtype=object)
    pillars = pd.DataFrame(
        {
            "name": sites["name"].to_numpy(),
            "district": sites["district"].to_numpy(),
            "school_forms": sites["school_forms"].to_numpy(),
            "pupils": sites["pupils"].to_numpy(),
            **{pillar: values[:, j] for j, pillar in enumerate(PILLARS)},
            "missing": [list(names[np.isnan(row)]) for row in values],
            "act_now": np.bincount(prepared.site[prepared.urgency == 1], minlength=n) > 0,
            "inspected": condition["inspected"].to_numpy(),
            "has_survey": survey["has_survey"].to_numpy(),
            "severity": condition["severity"].to_numpy(),
            "fci": condition["fci"].to_numpy(),
            "yard_per_pupil": equity["yard_per_pupil"].to_numpy(),
            "top_defects": _top_defects(prepared, n),
        },
        index=sites.index.rename("site"),
    )
    return rerank(pillars, weights, method=method)


WEIGHTED_COLUMNS: Final = (
    "rank",
    "priority",
    *(f"contrib_{pillar}" for pillar in PILLARS),
    "imputed",
)
"""The columns of `rank`'s result that depend on the weights and the method."""


def rerank(
    pillars: pd.DataFrame, weights: Weights, *, method: Method = "weighted_sum"
) -> pd.DataFrame:
    """`pillars` (a `rank` result, or its pillar columns) ranked again with other weights
    or another method: the `WEIGHTED_COLUMNS` recomputed from the pillars alone, in a
    vectorised pass, most need first. What `rank` returns for the same sites and inputs.

    The pillars and everything else stay as they are, so a ranking with a planner's own
    weights reuses the pillars computed once (the expensive part) for all sites.
    """
    _check_method_and_weights(method, weights)
    _require(pillars, PILLARS, "pillars")
    _check_site_index(pillars)
    n = len(pillars)
    values = np.column_stack([pillars[pillar].to_numpy(dtype=float) for pillar in PILLARS])
    known = ~np.isnan(values)
    w = weights.as_array()
    imputed = np.zeros_like(known)
    if method == "weighted_sum":
        priority = _weighted_sum(np.where(known, values, 0.0), known, w[None, :])[0]
        contributions = (
            np.where(known, values * w, np.nan)
            / np.where(np.isnan(priority), np.nan, (known * w).sum(axis=1))[:, None]
        )
    else:
        priority, contributions, imputed = _topsis_priority(values, known, w)

    by_code = _site_order(pillars.index)
    ranks = np.empty(n, dtype=np.int64)
    ranks[by_code] = _ranks(priority[None, by_code])[0]
    names = np.array(PILLARS, dtype=object)
    result = pillars.drop(columns=[c for c in WEIGHTED_COLUMNS if c in pillars.columns])
    weighted = {
        "rank": ranks,
        "priority": priority,
        **{f"contrib_{pillar}": contributions[:, j] for j, pillar in enumerate(PILLARS)},
        "imputed": [list(names[row]) for row in imputed],
    }
    result = result.assign(**weighted)
    order = [c for c in _COLUMN_ORDER if c in result.columns]
    result = result[order + [c for c in result.columns if c not in order]]
    return result.sort_values("rank", kind="stable")


_COLUMN_ORDER: Final = (
    "name",
    "district",
    "school_forms",
    "pupils",
    "rank",
    "priority",
    *PILLARS,
    *(f"contrib_{pillar}" for pillar in PILLARS),
    "missing",
    "imputed",
    "act_now",
    "inspected",
    "has_survey",
    "severity",
    "fci",
    "yard_per_pupil",
    "top_defects",
)


def _topsis_priority(
    values: np.ndarray, known: np.ndarray, w: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = len(values)
    usable = known.any(axis=0) & (w > 0)  # a pillar no site has cannot be a criterion
    if not usable.any():
        nothing = np.full(n, np.nan)
        return nothing, np.full(values.shape, np.nan), np.zeros_like(known)
    medians = np.array(
        [np.median(values[known[:, j], j]) if usable[j] else np.nan for j in range(len(w))]
    )
    filled = np.where(known, values, medians)
    imputed = ~known & usable
    columns = [pillar for pillar, use in zip(PILLARS, usable, strict=True) if use]
    closeness = topsis(
        pd.DataFrame(filled[:, usable], columns=columns),
        dict(zip(columns, w[usable], strict=True)),
        dict.fromkeys(columns, True),
    ).to_numpy()
    priority = 100.0 * closeness
    weighted = np.where(usable, filled * w, np.nan)
    total = np.nansum(weighted, axis=1)
    # Proportional attribution; a site at zero on every weighted pillar splits by weight.
    share = np.where(
        total[:, None] > 0,
        weighted / np.where(total > 0, total, 1.0)[:, None],
        np.where(usable, w, np.nan) / w[usable].sum(),
    )
    return priority, share * priority[:, None], imputed


# ---------------------------------------------------------------------------------------
# Stability


def stability(
    pillars: pd.DataFrame,
    weights: Weights,
    *,
    draws: int = 1000,
    spread: float = 0.2,
    top_n: int = 10,
    seed: int = 0,
) -> pd.DataFrame:
    """How far each site's weighted-sum rank moves when the weights vary around `weights`.

    `pillars` has the columns `condition`, `experience`, `equity` (NaN = missing), one
    row per site; `rank`'s result will do. Each draw multiplies every weight by its own
    uniform factor in [1 - spread, 1 + spread] and ranks all sites as `rank` does.
    Returns, indexed as `pillars`: `rank_p05` and `rank_p95`, the 5th and 95th
    percentiles of the site's rank over the draws (numpy's "lower" and "higher" methods:
    whole ranks, the interval widened outwards), and `p_top_n`, the share of draws that
    rank it `top_n` or better. Deterministic for a given `seed`. Draws are processed in
    chunks so memory stays bounded for 100,000 sites.
    """
    _require(pillars, PILLARS, "pillars")
    if not isinstance(weights, Weights):
        raise ValueError(f"weights must be a Weights, got {type(weights).__name__}")
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 1:
        raise ValueError(f"draws must be a positive whole number, got {draws!r}")
    if isinstance(top_n, bool) or not isinstance(top_n, int) or top_n < 1:
        raise ValueError(f"top_n must be a positive whole number, got {top_n!r}")
    if not (isinstance(spread, int | float) and 0 <= spread < 1):
        raise ValueError(f"spread must be a number from 0 up to (not including) 1, got {spread!r}")
    if not pillars.index.is_unique:
        raise ValueError("pillars must have one row per site")
    values = np.column_stack([_numbers(pillars[pillar], f"pillars.{pillar}") for pillar in PILLARS])
    _check_range(values, "pillars", 0, 100)
    n = len(pillars)
    by_code = _site_order(pillars.index)
    known = ~np.isnan(values[by_code])  # sites in code order from here on
    # A site with no weighted pillar has no priority in any draw (the draws only scale
    # weights): it ranks after the others, in code order, always; only the rest are sorted.
    valid = (known & (weights.as_array() > 0)).any(axis=1)
    known_values = np.where(known, values[by_code], 0.0)[valid]
    known = known[valid]
    m = int(valid.sum())

    rng = np.random.default_rng(seed)
    all_weights = weights.as_array() * rng.uniform(1 - spread, 1 + spread, size=(draws, 3))
    # numpy's "lower" 5th and "higher" 95th percentiles are the order statistics at
    # `low_index` and `high_index`. Only each site's `low_keep` smallest and `high_keep`
    # largest ranks decide them, so a bounded buffer keeps those plus the newest chunks,
    # never the whole draws x sites matrix (400 MB for 100,000 sites).
    low_index = (draws - 1) * 5 // 100  # floor((draws - 1) x 0.05)
    high_index = -(-(draws - 1) * 95 // 100)  # ceil((draws - 1) x 0.95)
    low_keep, high_keep = low_index + 1, draws - high_index
    kept = low_keep + high_keep
    chunk = max(1, _CELLS_PER_CHUNK // max(m, 1))
    capacity = max(kept + chunk, min(draws, _CELLS_PER_BUFFER // max(m, 1)))
    buffer = np.empty((m, capacity), dtype=np.int32)
    filled = 0
    in_top = np.zeros(m, dtype=np.int64)

    def chunk_ranks(start: int) -> np.ndarray:
        return _ranks(_weighted_sum(known_values, known, all_weights[start : start + chunk]))

    # numpy sorts without the GIL: chunks are ranked on two threads (two cores here).
    with ThreadPoolExecutor(max_workers=_THREADS) as pool:
        for ranks in pool.map(chunk_ranks, range(0, draws, chunk) if m else ()):
            in_top += (ranks <= top_n).sum(axis=0)
            if filled + len(ranks) > capacity:
                # Here filled > kept, so the two kept sets are disjoint; whatever lies
                # between them can never be one of the order statistics sought.
                buffer[:, :filled].partition([low_keep - 1, filled - high_keep], axis=1)
                buffer[:, low_keep:kept] = buffer[:, filled - high_keep : filled]
                filled = kept
            buffer[:, filled : filled + len(ranks)] = ranks.T
            filled += len(ranks)
    in_code_order = np.empty((n, 3))
    if m:
        ordered = np.partition(buffer[:, :filled], [low_keep - 1, filled - high_keep], axis=1)
        in_code_order[valid, 0] = ordered[:, low_keep - 1]
        in_code_order[valid, 1] = ordered[:, filled - high_keep]
        in_code_order[valid, 2] = in_top / draws
    last = np.arange(m + 1, n + 1)
    in_code_order[~valid, 0] = in_code_order[~valid, 1] = last
    in_code_order[~valid, 2] = last <= top_n
    result = np.empty((n, 3))
    result[by_code] = in_code_order
    return pd.DataFrame(
        {
            "rank_p05": result[:, 0].astype(np.int64),
            "rank_p95": result[:, 1].astype(np.int64),
            "p_top_n": result[:, 2],
        },
        index=pillars.index,
    )
