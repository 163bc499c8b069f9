"""What an action plan is asked for and what it answers: `PlanSettings`, `PlanResult`
and the columns of their tables. Plain Python and pandas, no Django; the model itself
is described in `server.planning.plan`.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
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
)

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
    """

    budget_per_year: float
    start_year: int
    years: int = 5
    weights: Weights = DEFAULT_WEIGHTS
    alpha: float = 1.0
    time_limit_s: float = 10.0
    deterioration: bool = True
    method: SolverMethod = "yearly"
    carry_over: bool = False
    horizon_years: int | None = None
    mobilisation_sek: float = DEFAULT_MOBILISATION_SEK
    mip_rel_gap: float = 1e-4

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
