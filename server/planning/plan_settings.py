"""What an action plan is asked for and what it answers: `PlanSettings`, `PlanResult`
and the columns of their tables. Plain Python and pandas, no Django; the model itself
is described in `server.planning.plan`.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import Final, Literal

import pandas as pd

from server.planning.ranking import DEFAULT_WEIGHTS, Weights

SolverMethod = Literal["joint", "yearly", "greedy"]
"""How the plan is chosen (not the ranking's `ranking.Method`): `joint` one model over all
years, `yearly` an exact knapsack year by year, `greedy` benefit per krona year by year."""
SOLVER_METHODS: Final[tuple[str, ...]] = ("joint", "yearly", "greedy")

DEFAULT_MOBILISATION_SEK: Final = 50_000.0
"""Mobilisation ("etablering") per school and year in the joint plan: site set-up,
fencing, sheds, project management and procurement for one project, about what a small
school project carries before any repair starts. An assumption, not a price-list rate."""

HORIZON_EXTRA_YEARS: Final = 5
"""The evaluation horizon is the plan's years and this many after: a repair done in the
plan's last year still counts for these years."""

KEY_COLUMNS: Final[tuple[str, str, str]] = ("site", "element", "location")
SITE_COLUMNS: Final[tuple[str, ...]] = ("pupils", "experience_need", "equity_need")
ITEM_COLUMNS: Final[tuple[str, ...]] = (
    *KEY_COLUMNS,
    "grade",
    "urgency",
    "quantity",
    *SITE_COLUMNS,
)

CHOSEN_COLUMNS: Final[tuple[str, ...]] = (
    "year",
    *KEY_COLUMNS,
    "grade",
    "urgency",
    "quantity",
    "safety",
    "p_grade_d",
    "expected_severity",
    "multiplier",
    "cost",
    "benefit",
    "condition_benefit",
    "benefit_per_ksek",
    "cumulative_spend",
    "pupil_years",
    "reason",
    "reason_code",
    "reason_data",
)
"""Columns of `PlanResult.chosen`; `cumulative_spend` is the running total within the
year, `condition_benefit` the benefit without the site multiplier (for equity reports),
`pupil_years` the weighted pupil-years the repair gains over the evaluation horizon (see
`plan_items.Items.pupil_year_base`), whichever method chose it."""

UNFUNDED_COLUMNS: Final[tuple[str, ...]] = (
    "year",
    *KEY_COLUMNS,
    "grade",
    "urgency",
    "quantity",
    "p_grade_d",
    "cost",
    "benefit",
    "reason",
    "reason_code",
    "reason_data",
)
"""Columns of `PlanResult.unfunded_safety`; `reason_code` is "over_budget" or "no_room"
(`CHOSEN_REASON_CODES` for chosen rows), `reason_data` a JSON-ready dict of its numbers."""

CHOSEN_REASON_CODES: Final[tuple[str, ...]] = ("safety", "safety_late", "pinned", "free", "chosen")
UNFUNDED_REASON_CODES: Final[tuple[str, ...]] = ("over_budget", "no_room")
CHOSEN_REASON_KEYS: Final[tuple[str, ...]] = (
    "year",
    "element",
    "grade",
    "pupils",
    "need",
    "pupil_years",
    "benefit_per_ksek",
    "p_grade_d",
    "worsened",
    "with_elements",
    "first_year",
    "method",
)
"""Keys of a chosen row's `reason_data`, always present (None when unknown)."""
UNFUNDED_REASON_KEYS: Final[dict[str, tuple[str, ...]]] = {
    "over_budget": ("cost", "budget", "mobilisation"),
    "no_room": ("year", "last_year"),
}

TOTALS_COLUMNS: Final[tuple[str, ...]] = (
    "year",
    "budget",
    "spent",
    "unspent",
    "benefit",
    "items",
    "safety_items",
    "safety_spent",
    "unfunded_safety",
    "candidates",
    "solver_core",
    "solver_status",
    "proved_optimal",
    "solve_seconds",
    "carried_in",
    "mobilisation_spent",
    "pupil_years",
)

ORE_PER_SEK: Final = 100
"""Costs and budgets are summed in whole öre (int64), so budget checks are exact."""


def is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def is_whole(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


MAX_OVERRIDE_SEK: Final = 1e9


def _text(value: object) -> bool:
    return isinstance(value, str)


def _check_target(kind: str, site: object, element: object, location: object) -> None:
    if not (_text(site) and site):
        raise ValueError(f"{kind}: site must be a non-empty string, got {site!r}")
    if element is not None and not (_text(element) and element):
        raise ValueError(f"{kind}: element must be a catalogue code or None, got {element!r}")
    if location is not None and not _text(location):
        raise ValueError(f"{kind}: location must be a string or None, got {location!r}")
    if element is None and location is not None:
        raise ValueError(f"{kind}: a location needs an element (site {site})")


def describe_target(site: str, element: str | None, location: str | None) -> str:
    """ "site 1234", "site 1234 element roof" or "site 1234 element roof location ''"."""
    text = f"site {site}"
    if element is not None:
        text += f" element {element}"
    if location is not None:
        text += f" location {location!r}"
    return text


@dataclass(frozen=True)
class Pin:
    """Do this in `year` (a calendar year inside the plan): one item, every location of
    an element (`location` None), or the school's whole project (`element` None: all its
    open items). A more specific control on an item wins over a broader one."""

    site: str
    year: int
    element: str | None = None
    location: str | None = None

    def __post_init__(self) -> None:
        _check_target("pin", self.site, self.element, self.location)
        if not is_whole(self.year):
            raise ValueError(f"pin: year must be a whole year, got {self.year!r}")

    @property
    def target(self) -> str:
        return describe_target(self.site, self.element, self.location)


@dataclass(frozen=True)
class Exclusion:
    """Never fund this (an item, an element's locations, or a whole school); not allowed
    for urgency-1 items (the plan raises ValueError)."""

    site: str
    element: str | None = None
    location: str | None = None

    def __post_init__(self) -> None:
        _check_target("exclusion", self.site, self.element, self.location)

    @property
    def target(self) -> str:
        return describe_target(self.site, self.element, self.location)


@dataclass(frozen=True)
class CostOverride:
    """The planner's own cost for one item, SEK at the plan's price year, used in every
    year instead of the catalogue estimate (no deterioration of the cost)."""

    site: str
    element: str
    location: str
    cost_sek: float

    def __post_init__(self) -> None:
        _check_target("override", self.site, self.element, self.location)
        if self.element is None or self.location is None:
            raise ValueError("override: site, element and location are all needed")
        cost = self.cost_sek
        if not (is_number(cost) and math.isfinite(cost) and 0 <= cost <= MAX_OVERRIDE_SEK):
            raise ValueError(f"override: cost_sek must be from 0 to 1e9 SEK, got {cost!r}")

    @property
    def target(self) -> str:
        return describe_target(self.site, self.element, self.location)


@dataclass(frozen=True, kw_only=True)
class PlanSettings:
    """What the planner chooses for an action plan; invalid values raise ValueError.

    `weights` are the ranking's pillar weights (any scale, not all zero); `alpha` scales
    the equity pillar in the site multiplier (0 = ignore equity); `time_limit_s` bounds
    each year's solve (`yearly`) or the whole solve (`joint`); `deterioration` False
    plans on today's grades for every year.

    `method` (`SolverMethod`) chooses the solver. `carry_over` lets a year's unspent
    budget roll into the next (every method). `horizon_years` is the evaluation horizon
    of weighted pupil-years (None: `years` + `HORIZON_EXTRA_YEARS`; at least `years`).
    The joint plan alone also takes `mobilisation_sek`, charged once per school and year
    with any work (default `DEFAULT_MOBILISATION_SEK`, 0 turns it off), and
    `mip_rel_gap`, the relative optimality gap at which HiGHS may stop (0 = prove it
    optimal, or run to the time limit).

    Planner controls (every method honours them; `plan_items.resolve_controls`):
    `pins` fund an item or a school's project in a given year (after that year's
    urgency-1 items, whatever the budget: a pinned year may overspend, and `totals`
    shows it), `exclusions` never fund an item or a school, `cost_overrides` replace an
    item's estimated cost. `equity_floor` (0..1, joint plan only): at least this share of
    the whole plan's spend, urgency-1 work and mobilisation included, goes to the
    quarter of pupils with the highest socioeconomic need (`plan_items.pupil_quartiles`).
    """

    budget_per_year: float
    start_year: int
    years: int = 5
    weights: Weights = DEFAULT_WEIGHTS
    alpha: float = 1.0
    time_limit_s: float = 10.0
    deterioration: bool = True
    method: SolverMethod = "joint"
    carry_over: bool = False
    horizon_years: int | None = None
    mobilisation_sek: float = DEFAULT_MOBILISATION_SEK
    mip_rel_gap: float = 1e-3
    pins: tuple[Pin, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    cost_overrides: tuple[CostOverride, ...] = ()
    equity_floor: float | None = None

    def __post_init__(self) -> None:
        budget = self.budget_per_year
        if not (is_number(budget) and math.isfinite(budget) and budget > 0):
            raise ValueError(f"budget_per_year must be a positive number of SEK, got {budget!r}")
        if not (is_whole(self.start_year) and 2000 <= self.start_year <= 2100):
            raise ValueError(
                f"start_year must be a whole year from 2000 to 2100, got {self.start_year!r}"
            )
        if not (is_whole(self.years) and 1 <= self.years <= 10):
            raise ValueError(f"years must be a whole number from 1 to 10, got {self.years!r}")
        if not isinstance(self.weights, Weights):
            raise ValueError(
                f"weights must be a ranking.Weights (condition, experience, equity), "
                f"got {self.weights!r}"
            )
        alpha = self.alpha
        if not (is_number(alpha) and math.isfinite(alpha) and alpha >= 0):
            raise ValueError(f"alpha must be a finite number >= 0, got {alpha!r}")
        limit = self.time_limit_s
        if not (is_number(limit) and math.isfinite(limit) and limit > 0):
            raise ValueError(f"time_limit_s must be a positive number of seconds, got {limit!r}")
        if not isinstance(self.deterioration, bool):
            raise ValueError(f"deterioration must be True or False, got {self.deterioration!r}")
        if self.method not in SOLVER_METHODS:
            raise ValueError(
                f"method must be one of {', '.join(SOLVER_METHODS)}, got {self.method!r}"
            )
        if not isinstance(self.carry_over, bool):
            raise ValueError(f"carry_over must be True or False, got {self.carry_over!r}")
        horizon = self.horizon_years
        if horizon is not None and not (is_whole(horizon) and self.years <= horizon <= 50):
            raise ValueError(
                f"horizon_years must be a whole number from years ({self.years}) to 50, "
                f"got {horizon!r}"
            )
        mobilisation = self.mobilisation_sek
        if not (is_number(mobilisation) and math.isfinite(mobilisation) and mobilisation >= 0):
            raise ValueError(f"mobilisation_sek must be a number of SEK >= 0, got {mobilisation!r}")
        gap = self.mip_rel_gap
        if not (is_number(gap) and 0 <= gap < 1):
            raise ValueError(f"mip_rel_gap must be a number from 0 to below 1, got {gap!r}")
        self._check_controls()
        floor = self.equity_floor
        if floor is not None:
            if not (is_number(floor) and 0 <= floor <= 1):
                raise ValueError(
                    f"equity_floor must be a number from 0 to 1 or None, got {floor!r}"
                )
            if self.method != "joint":
                raise ValueError(f"the equity floor needs method joint (method is {self.method})")

    def _check_controls(self) -> None:
        for name, kind in (
            ("pins", Pin),
            ("exclusions", Exclusion),
            ("cost_overrides", CostOverride),
        ):
            given = getattr(self, name)
            if not isinstance(given, tuple) or not all(isinstance(c, kind) for c in given):
                raise ValueError(f"{name} must be a tuple of {kind.__name__}, got {given!r}")
        last = self.start_year + self.years - 1
        for pin in self.pins:
            if not self.start_year <= pin.year <= last:
                raise ValueError(
                    f"pin: year {pin.year} for {pin.target} is outside the plan "
                    f"({self.start_year}-{last})"
                )
        keys = [(o.site, o.element, o.location) for o in self.cost_overrides]
        twice = sorted({key for key in keys if keys.count(key) > 1})
        if twice:
            raise ValueError(f"override: more than one cost for {describe_target(*twice[0])}")

    @property
    def horizon(self) -> int:
        """The evaluation horizon of weighted pupil-years, in years from the first."""
        if self.horizon_years is None:
            return self.years + HORIZON_EXTRA_YEARS
        return self.horizon_years

    @property
    def normalised_weights(self) -> dict[str, float]:
        """The pillar weights scaled to sum to 1."""
        given = self.weights.as_dict()
        total = sum(given.values())
        return {pillar: weight / total for pillar, weight in given.items()}


# ---------------------------------------------------------------------------------------
# Result


@dataclass(frozen=True, eq=False)
class PlanResult:
    """A multi-year action plan.

    `chosen`: the funded items (`CHOSEN_COLUMNS`), by year, safety first, then by benefit
    per krona. `totals`: one row per year (`TOTALS_COLUMNS`). `unfunded_safety`: for each
    year, the urgency-1 items that did not fit (`UNFUNDED_COLUMNS`); an item unfunded for
    several years appears once per year. `totals.spent` includes `mobilisation_spent`
    (joint plan only); `carried_in` is what the year before left (with `carry_over`).
    `assumptions`: price year, VAT, budget, weights,
    alpha, deterioration and the rules above, JSON-ready.
    """

    chosen: pd.DataFrame
    totals: pd.DataFrame
    unfunded_safety: pd.DataFrame
    assumptions: dict[str, object]
    method: SolverMethod
    mip_gap: float | None = None
    """The joint plan's relative optimality gap reached (0 = proved optimal); None for the
    year-by-year methods, whose per-year proof is in `totals.proved_optimal`."""
    floor: dict[str, object] | None = None
    """None without an equity floor, else {"share", "reached", "status": "met" |
    "infeasible", "reason"}: `reached` the top need quartile's share of the whole plan's
    spend; when the floor cannot hold the plan is made without it and `reason` says why."""
    controls: list[dict[str, object]] = field(default_factory=list)
    """One per planner control given: {"kind": "pin" | "exclusion" | "override", "site",
    "element", "location", "year", "cost_sek", "items": how many items it matched}."""

    @property
    def total_benefit_pupil_years(self) -> float:
        """Weighted pupil-years the whole plan gains over the evaluation horizon."""
        return float(self.chosen["pupil_years"].sum())

    @property
    def total_cost(self) -> float:
        """Expected cost of the whole plan, SEK."""
        return float(self.totals["spent"].sum())

    @property
    def total_benefit(self) -> float:
        """Benefit points of the whole plan."""
        return float(self.totals["benefit"].sum())

    @property
    def proved_optimal(self) -> bool:
        """Whether every year's choice is proved optimal for that year."""
        return bool(self.totals["proved_optimal"].all())
