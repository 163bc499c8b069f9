"""The action plan: which interventions to fund under a yearly budget, year by year.

Plain pandas/numpy/scipy, no Django (DESIGN section 6, issue 6): the planning app loads
`items` with a few aggregate queries and passes them in with the catalogue.

Input
-----
`items`, one row per candidate intervention: a (site, element, location) whose newest
grade is C or D. Columns (`ITEM_COLUMNS`):

- `site`, `element` (catalogue code), `location`: the key, unique together;
- `grade`: "C" or "D" (the newest observed grade);
- `urgency`: 1..4 or NaN (1 = safety);
- `quantity`: units of the element to repair (> 0, the catalogue's unit);
- per-site context, the same on every row of a site: `pupils` (>= 0), `experience_need`
  and `equity_need` (0..100 or NaN: the ranking's pillars, higher = more need).

`equity.equity_report` also needs `socioeconomic_need` (0..100 or NaN). A missing column
or a value out of range raises ValueError naming it.

The model
---------
- **Cost** of an item in a year = quantity x the price list's repair rate for its grade
  (`prices`, a `server.prices.table.PriceTable`: the caller's price list brought to the
  plan's price year by the construction-cost index; without it, the shipped defaults),
  in that price year and VAT basis (no inflation is added for later years), rounded to
  whole öre so that budget sums are exact.
- **Multiplier** of a site = w_condition + w_experience x experience_need/100
  + alpha x w_equity x equity_need/100, with the weights scaled to sum to 1 (the plan
  does not change with their scale, and benefit points stay comparable). A missing need
  counts as 0 here: an unsurveyed site gets no experience bonus, but its defects still
  count through w_condition.
- **Benefit** = pupils x element weight x severity removed (SEVERITY of the grade, as
  the repair brings it to A = 0) x multiplier, in "benefit points".
- **Deterioration** (expected grades): an item not funded in a year may drop from C to
  D, with the element's yearly probability `deterioration.C` from the catalogue (D stays
  D). An item's grade is a distribution (P(C), P(D)); year k of the plan (k = 0 first)
  sees the distribution after k transitions, and uses expected cost = quantity x
  (P(C) x rate C + P(D) x rate D) and expected severity = P(C) x 67 + P(D) x 100. The
  observed grade is taken to hold in the first year. Funding and budgets are in
  expected costs; `p_grade_d` in the result shows the chance an item has worsened.
- **Each year**: (1) every open urgency-1 item, safety first. If they all fit they are
  all funded; if not, they are funded in order of benefit per krona (ties by site,
  element, location), each that still fits, and the rest are reported in
  `unfunded_safety` and come first again next year: never dropped silently. (2) An
  exact 0/1 knapsack over the other open items with positive benefit and the budget
  left: maximise benefit, cost <= budget (see `_knapsack`). Unspent budget does not
  roll over to the next year.

Determinism
-----------
Items are put in a canonical order (site, element, location) before anything else, so
the same items in any row order give the same plan. The knapsack is solved by exact
reduction plus HiGHS (deterministic on the same input) with a zero relative gap; among
plans of exactly equal benefit the solver's choice on the canonical order stands. If the
time limit stops it first, the best plan found so far may vary with machine speed; that
year's `proved_optimal` is then False and says so.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp

from server.planning.ranking import DEFAULT_WEIGHTS, Weights
from server.prices.table import PriceTable, default_prices
from shared.catalogue import Catalogue
from shared.grades import SEVERITY, Grade

Method = Literal["milp", "greedy"]

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
    "reason",
)
"""Columns of `PlanResult.chosen`; `cumulative_spend` is the running total within the
year, `condition_benefit` the benefit without the site multiplier (for equity reports)."""

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
)

_SEVERITY_C: Final = float(SEVERITY[Grade.C])
_SEVERITY_D: Final = float(SEVERITY[Grade.D])
_ORE_PER_SEK: Final = 100
# Candidates whose benefit is within this share of the LP bound's gap are kept for the
# solver rather than fixed: room for floating-point error in the exact reduction.
_REDUCTION_TOLERANCE: Final = 1e-9


# ---------------------------------------------------------------------------------------
# Settings


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _is_whole(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


@dataclass(frozen=True, kw_only=True)
class PlanSettings:
    """What the planner chooses for an action plan; invalid values raise ValueError.

    `weights` are the ranking's pillar weights (any scale, not all zero); `alpha` scales
    the equity pillar in the site multiplier (0 = ignore equity); `time_limit_s` bounds
    each year's solve; `deterioration` False plans on today's grades for every year.
    """

    budget_per_year: float
    start_year: int
    years: int = 5
    weights: Weights = DEFAULT_WEIGHTS
    alpha: float = 1.0
    time_limit_s: float = 10.0
    deterioration: bool = True

    def __post_init__(self) -> None:
        budget = self.budget_per_year
        if not (_is_number(budget) and math.isfinite(budget) and budget > 0):
            raise ValueError(f"budget_per_year must be a positive number of SEK, got {budget!r}")
        if not (_is_whole(self.start_year) and 2000 <= self.start_year <= 2100):
            raise ValueError(
                f"start_year must be a whole year from 2000 to 2100, got {self.start_year!r}"
            )
        if not (_is_whole(self.years) and 1 <= self.years <= 10):
            raise ValueError(f"years must be a whole number from 1 to 10, got {self.years!r}")
        if not isinstance(self.weights, Weights):
            raise ValueError(
                f"weights must be a ranking.Weights (condition, experience, equity), "
                f"got {self.weights!r}"
            )
        alpha = self.alpha
        if not (_is_number(alpha) and math.isfinite(alpha) and alpha >= 0):
            raise ValueError(f"alpha must be a finite number >= 0, got {alpha!r}")
        limit = self.time_limit_s
        if not (_is_number(limit) and math.isfinite(limit) and limit > 0):
            raise ValueError(f"time_limit_s must be a positive number of seconds, got {limit!r}")
        if not isinstance(self.deterioration, bool):
            raise ValueError(f"deterioration must be True or False, got {self.deterioration!r}")

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
    several years appears once per year. `assumptions`: price year, VAT, budget, weights,
    alpha, deterioration and the rules above, JSON-ready.
    """

    chosen: pd.DataFrame
    totals: pd.DataFrame
    unfunded_safety: pd.DataFrame
    assumptions: dict[str, object]
    method: Method

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


# ---------------------------------------------------------------------------------------
# Validation and the per-item arrays


def _require(frame: pd.DataFrame, columns: Iterable[str], what: str = "items") -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{what} is missing required columns: {', '.join(missing)}")


def _numbers(frame: pd.DataFrame, column: str) -> np.ndarray:
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
    values = _numbers(frame, column)
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
    _require(items, ITEM_COLUMNS)
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
class _Items:
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


def _prepare(
    items: pd.DataFrame, catalogue: Catalogue, settings: PlanSettings, prices: PriceTable
) -> _Items:
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
    urgency = _numbers(frame, "urgency")
    if not np.isin(urgency[~np.isnan(urgency)], [1, 2, 3, 4]).all():
        raise ValueError("items.urgency must be 1, 2, 3, 4 or missing")
    quantity = _numbers(frame, "quantity")
    if not (quantity > 0).all():  # also catches NaN
        raise ValueError("items.quantity must be a positive number on every row")
    pupils = _numbers(frame, "pupils")
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
    return _Items(
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
    )


@dataclass(frozen=True)
class _Year:
    """Expected values of every item if it is still open in year k of the plan."""

    p_d: np.ndarray
    severity: np.ndarray
    cost_ore: np.ndarray  # int64, exact sums
    benefit: np.ndarray


def _p_grade_d(prepared: _Items, years_ahead: int) -> np.ndarray:
    # P(still C) after k years is (1 - p)^k; closed form, so no drift over the years.
    p_c: np.ndarray = (1 - prepared.p_d0) * (1 - prepared.worsen) ** years_ahead
    return 1 - p_c


def _year(prepared: _Items, years_ahead: int) -> _Year:
    p_d = _p_grade_d(prepared, years_ahead)
    p_c = 1 - p_d
    cost = prepared.quantity * (p_c * prepared.rate_c + p_d * prepared.rate_d)
    severity = p_c * _SEVERITY_C + p_d * _SEVERITY_D
    return _Year(
        p_d=p_d,
        severity=severity,
        cost_ore=np.rint(cost * _ORE_PER_SEK).astype(np.int64),
        benefit=prepared.base * severity,
    )


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
    if not (_is_whole(years_ahead) and years_ahead >= 0):
        raise ValueError(f"years_ahead must be a whole number >= 0, got {years_ahead!r}")
    prepared = _prepare(items, catalogue, settings, prices or default_prices(catalogue))
    year = _year(prepared, years_ahead)
    cost = year.cost_ore / _ORE_PER_SEK
    return prepared.frame.assign(
        multiplier=prepared.multiplier,
        p_grade_d=year.p_d,
        expected_severity=year.severity,
        cost=cost,
        benefit=year.benefit,
        benefit_per_ksek=_per_ksek(year.benefit, cost),
    )


def _per_ksek(benefit: np.ndarray, cost: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(cost > 0, benefit / cost * 1000, np.inf)


# ---------------------------------------------------------------------------------------
# Choosing within one budget


def _by_value(benefit: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """Positions in order of benefit per krona (free first), ties by position."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(cost > 0, benefit / cost, np.inf)
    return np.lexsort((np.arange(len(cost)), -ratio))


def _fill(cost: np.ndarray, capacity: int, order: np.ndarray) -> np.ndarray:
    """Take each item in `order` that still fits; exact in integer öre."""
    take = np.zeros(len(cost), dtype=bool)
    left = capacity
    costs = cost.tolist()
    cheapest = min(costs, default=0)
    for position in order.tolist():
        if costs[position] <= left:
            take[position] = True
            left -= costs[position]
            if left < cheapest:
                break
    return take


@dataclass(frozen=True)
class _Solve:
    status: str
    proved_optimal: bool
    core: int = 0
    seconds: float = 0.0


def _greedy(benefit: np.ndarray, cost: np.ndarray, capacity: int) -> tuple[np.ndarray, _Solve]:
    take = _fill(cost, capacity, _by_value(benefit, cost))
    return take, _Solve("greedy", proved_optimal=False)


def _knapsack(
    benefit: np.ndarray, cost: np.ndarray, capacity: int, time_limit_s: float
) -> tuple[np.ndarray, _Solve]:
    """The 0/1 choice of maximal total benefit with total cost <= capacity (öre).

    Exact in two steps, because HiGHS alone found no plan within 30 s for 50,000 binaries:

    1. Reduction (Dembo and Hammer 1980): with items in order of benefit per krona, the
       LP bound U takes them whole until the break item k, whose ratio is lambda. For any
       feasible choice, benefit <= U - sum over i of |b_i - lambda c_i| for each item i
       set against its LP value. So when |b_i - lambda c_i| > U - L, where L is the
       greedy plan's benefit, every optimal plan keeps item i as in the LP, and it is
       fixed. Of 15,000-42,000 candidates, some 100-1,200 near lambda stay open.
    2. `scipy.optimize.milp` (HiGHS) on those, relative gap 0 (HiGHS's absolute
       tolerance, 1e-6 of the largest open item's benefit, still applies), with the time
       limit. If it stops early, or its plan is worth less than greedy's, greedy's plan
       is kept, so a year's plan is never worse than greedy's.

    The budget check is exact in whole öre; a solver answer that breaks it by its
    tolerance is re-solved with the capacity tightened by the excess.
    """
    n = len(cost)
    take = np.zeros(n, dtype=bool)
    free = cost <= 0
    take[free] = True
    open_ = np.flatnonzero(~free & (cost <= capacity))
    if open_.size == 0:
        return take, _Solve("nothing else to fund" if not free.any() else "all fit", True)
    c, b = cost[open_], benefit[open_]
    if int(c.sum()) <= capacity:
        take[open_] = True
        return take, _Solve("all fit", True)

    order = _by_value(b, c)
    greedy = _fill(c, capacity, order)
    lower = float(b[greedy].sum())
    spent_before = np.concatenate(([0], np.cumsum(c[order])))
    k = int(np.searchsorted(spent_before[1:], capacity, side="right"))  # the break item
    ratio = b[order[k]] / c[order[k]]
    upper = float(b[order[:k]].sum()) + (capacity - int(spent_before[k])) * ratio
    reduced = b - ratio * c
    slack = upper - lower + _REDUCTION_TOLERANCE * max(abs(upper), 1.0)
    fixed_in = reduced > slack
    core = ~fixed_in & ~(-reduced > slack)
    residual = capacity - int(c[fixed_in].sum())
    if residual < 0:  # only by floating-point accident; solve everything instead
        fixed_in[:] = False
        core[:] = True
        residual = capacity
    core &= c <= residual
    chosen = fixed_in.copy()
    solve = _Solve("optimal", True)
    core_at = np.flatnonzero(core)
    if core_at.size and int(c[core_at].sum()) <= residual:
        chosen[core_at] = True
    elif core_at.size:
        picked, solve = _milp(b[core_at], c[core_at], residual, time_limit_s)
        chosen[core_at[picked]] = True
    if float(b[chosen].sum()) < lower:
        # The solver stopped before matching greedy (time limit): keep the better plan.
        chosen = greedy
        solve = dataclasses.replace(solve, status=f"{solve.status}; greedy plan kept")
    take[open_[chosen]] = True
    return take, solve


def _milp(
    benefit: np.ndarray, cost: np.ndarray, capacity: int, time_limit_s: float
) -> tuple[np.ndarray, _Solve]:
    n = len(cost)
    # Scaled so that the largest benefit and the capacity are 1: HiGHS's tolerances are
    # absolute, and SEK amounts in the millions would swamp them.
    objective = -benefit / benefit.max()
    started = time.perf_counter()
    rhs = 1.0
    for _ in range(4):
        result = milp(
            objective,
            constraints=LinearConstraint((cost / capacity)[np.newaxis, :], -np.inf, rhs),
            integrality=np.ones(n),
            bounds=Bounds(0, 1),
            options={"time_limit": float(time_limit_s), "mip_rel_gap": 0.0},
        )
        seconds = time.perf_counter() - started
        if result.x is None:
            status = "time limit, no plan found" if result.status == 1 else result.message
            return np.zeros(n, dtype=bool), _Solve(str(status), False, n, seconds)
        picked = np.asarray(result.x) > 0.5
        excess = int(cost[picked].sum()) - capacity
        if excess <= 0:
            optimal = result.status == 0
            status = "optimal" if optimal else "time limit, best plan found"
            return picked, _Solve(status, optimal, n, seconds)
        rhs -= excess / capacity
    return np.zeros(n, dtype=bool), _Solve("solver broke the budget", False, n, seconds)


# ---------------------------------------------------------------------------------------
# The plan


def plan(
    items: pd.DataFrame,
    catalogue: Catalogue,
    settings: PlanSettings,
    *,
    prices: PriceTable | None = None,
) -> PlanResult:
    """The action plan: safety first, then an exact knapsack per year (module docstring).
    `prices`: the rates to cost with; the shipped defaults if None."""
    return _plan(items, catalogue, settings, "milp", prices or default_prices(catalogue))


def greedy_plan(
    items: pd.DataFrame,
    catalogue: Catalogue,
    settings: PlanSettings,
    *,
    prices: PriceTable | None = None,
) -> PlanResult:
    """The same rules as `plan`, but each year's non-safety items are chosen greedily by
    benefit per krona (each that still fits): a baseline to compare `plan` with."""
    return _plan(items, catalogue, settings, "greedy", prices or default_prices(catalogue))


def _fmt_ratio(value: float) -> str:
    if math.isinf(value):
        return "free"
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 1:
        return f"{value:.1f}"
    return f"{value:.2g}"


def _plan(
    items: pd.DataFrame,
    catalogue: Catalogue,
    settings: PlanSettings,
    method: Method,
    prices: PriceTable,
) -> PlanResult:
    prepared = _prepare(items, catalogue, settings, prices)
    frame = prepared.frame
    n = len(frame)
    budget = math.floor(settings.budget_per_year * _ORE_PER_SEK + 1e-6)
    # No plan can spend more than the whole backlog; capping keeps öre sums in int64.
    capacity = min(budget, int(_year(prepared, settings.years).cost_ore.sum()) + 1)
    is_open = np.ones(n, dtype=bool)
    chosen_parts: list[pd.DataFrame] = []
    unfunded_parts: list[pd.DataFrame] = []
    totals: list[dict[str, object]] = []

    for k in range(settings.years):
        year_no = settings.start_year + k
        year = _year(prepared, k)
        cost = year.cost_ore

        # 1. Safety first.
        safety_at = np.flatnonzero(is_open & prepared.safety)
        safety_order = safety_at[_by_value(year.benefit[safety_at], cost[safety_at])]
        safety_take = _fill(cost[safety_order], capacity, np.arange(safety_order.size))
        funded_safety = safety_order[safety_take]
        unfunded = safety_order[~safety_take]
        left = capacity - int(cost[funded_safety].sum())

        # 2. The rest: exact knapsack (or greedy) over items worth something.
        rest_at = np.flatnonzero(is_open & ~prepared.safety & (year.benefit > 0))
        if method == "milp":
            picked, solve = _knapsack(
                year.benefit[rest_at], cost[rest_at], left, settings.time_limit_s
            )
        else:
            picked, solve = _greedy(year.benefit[rest_at], cost[rest_at], left)
        funded_rest = rest_at[picked]
        funded_rest = funded_rest[_by_value(year.benefit[funded_rest], cost[funded_rest])]

        funded = np.concatenate([funded_safety, funded_rest])
        is_open[funded] = False
        chosen_parts.append(
            _chosen_rows(
                prepared, year, year_no, funded, funded_safety.size, solve, method, settings
            )
        )
        unfunded_parts.append(_unfunded_rows(prepared, year, year_no, unfunded, budget))
        spent = int(cost[funded].sum())
        totals.append(
            {
                "year": year_no,
                "budget": budget / _ORE_PER_SEK,
                "spent": spent / _ORE_PER_SEK,
                "unspent": (budget - spent) / _ORE_PER_SEK,
                "benefit": float(year.benefit[funded].sum()),
                "items": int(funded.size),
                "safety_items": int(funded_safety.size),
                "safety_spent": int(cost[funded_safety].sum()) / _ORE_PER_SEK,
                "unfunded_safety": int(unfunded.size),
                "candidates": int(safety_at.size + rest_at.size),
                "solver_core": solve.core,
                "solver_status": solve.status,
                "proved_optimal": solve.proved_optimal,
                "solve_seconds": solve.seconds,
            }
        )

    return PlanResult(
        chosen=pd.concat(chosen_parts, ignore_index=True),
        totals=pd.DataFrame(totals, columns=list(TOTALS_COLUMNS)),
        unfunded_safety=pd.concat(unfunded_parts, ignore_index=True),
        assumptions=_assumptions(catalogue, settings, method, prices),
        method=method,
    )


def _rows(prepared: _Items, year: _Year, year_no: int, at: np.ndarray) -> pd.DataFrame:
    base = prepared.frame.iloc[at]
    cost = year.cost_ore[at] / _ORE_PER_SEK
    return pd.DataFrame(
        {
            "year": year_no,
            "site": base["site"].to_numpy(),
            "element": base["element"].to_numpy(),
            "location": base["location"].to_numpy(),
            "grade": base["grade"].astype(str).to_numpy(),
            "urgency": _numbers(base, "urgency"),
            "quantity": prepared.quantity[at],
            "safety": prepared.safety[at],
            "p_grade_d": year.p_d[at],
            "expected_severity": year.severity[at],
            "multiplier": prepared.multiplier[at],
            "cost": cost,
            "benefit": year.benefit[at],
            "condition_benefit": prepared.plain[at] * year.severity[at],
            "benefit_per_ksek": _per_ksek(year.benefit[at], cost),
        }
    )


def _chosen_rows(
    prepared: _Items,
    year: _Year,
    year_no: int,
    funded: np.ndarray,
    n_safety: int,
    solve: _Solve,
    method: Method,
    settings: PlanSettings,
) -> pd.DataFrame:
    rows = _rows(prepared, year, year_no, funded)
    rows["cumulative_spend"] = np.cumsum(year.cost_ore[funded]) / _ORE_PER_SEK
    first = settings.start_year
    if method == "greedy":
        why = f"next best benefit per krona that still fits the {year_no} budget"
    elif solve.proved_optimal:
        why = f"best benefit per krona within the {year_no} budget (proved optimal set)"
    else:
        why = f"best benefit per krona within the {year_no} budget ({solve.status})"
    reasons: list[str] = []
    for position, (ratio, p_d, p_d0) in enumerate(
        zip(
            rows["benefit_per_ksek"].tolist(),
            rows["p_grade_d"].tolist(),
            prepared.p_d0[funded].tolist(),
            strict=True,
        )
    ):
        if position < n_safety:
            reason = "urgency 1: safety"
            if year_no > first:
                reason += f", carried over since {first} (budget ran out)"
        elif math.isinf(ratio):
            reason = "costs nothing at its expected grade"
        else:
            reason = f"{why}: {_fmt_ratio(ratio)} benefit points per 1,000 SEK"
        if p_d > p_d0:
            reason += f"; expected cost allows a {p_d:.0%} chance it has worsened to D"
        reasons.append(reason)
    rows["reason"] = reasons
    return rows.loc[:, list(CHOSEN_COLUMNS)]


def _unfunded_rows(
    prepared: _Items, year: _Year, year_no: int, unfunded: np.ndarray, budget: int
) -> pd.DataFrame:
    rows = _rows(prepared, year, year_no, unfunded)
    rows["reason"] = [
        f"costs {cost:,.0f} SEK, more than a whole year's budget: needs a separate decision"
        if cost_ore > budget
        else f"does not fit: urgency-1 items with more benefit per krona used the "
        f"{year_no} budget; first in line next year"
        for cost, cost_ore in zip(
            rows["cost"].tolist(), year.cost_ore[unfunded].tolist(), strict=True
        )
    ]
    return rows.loc[:, list(UNFUNDED_COLUMNS)]


def _assumptions(
    catalogue: Catalogue, settings: PlanSettings, method: Method, prices: PriceTable
) -> dict[str, object]:
    price_year = prices.target_year
    if price_year is None:  # rates in their own years, not brought to one
        years = prices.price_years
        price_year = years[0] if len(years) == 1 else None
    return {
        "method": method,
        "catalogue_version": catalogue.version,
        **prices.assumptions(),
        "price_year": price_year,
        "budget_per_year": float(settings.budget_per_year),
        "start_year": settings.start_year,
        "years": settings.years,
        "weights": settings.weights.as_dict(),
        "weights_normalised": settings.normalised_weights,
        "alpha": float(settings.alpha),
        "deterioration": settings.deterioration,
        "time_limit_s": float(settings.time_limit_s),
        "costs": "expected cost at the expected grade, in the price year (rates scaled by "
        "the construction-cost index where it has the years), no inflation, rounded to "
        "whole öre",
        "missing_needs": "a missing experience or equity need counts as 0 in the multiplier",
        "budget_rollover": False,
        "safety_first": "urgency-1 items are funded before any other; those that do not "
        "fit are listed as unfunded and come first the next year",
    }
