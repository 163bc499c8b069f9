"""The joint plan: one model over all years (scipy `milp`, HiGHS). Plain numpy/scipy.

Formulation (n items, T years, S schools; costs in öre, budget B a year):

- x[i, t] binary: item i is repaired in year t of the plan; sum over t of x[i, t] <= 1.
- y[s, t] binary: school s has a project (is mobilised) in year t; x[i, t] <= y[s(i), t].
- r[t], only with carry-over: money carried from year t into year t + 1 (>= 0, or >= the
  debt the fixed spend alone leaves when pins overspend).
- Budget of year t: sum_i c[i, t] x[i, t] + M y[s, t] + r[t] - r[t - 1] <= B - F[t]
  (without carry-over r is 0, and the right side at least 0): c[i, t] is the expected
  cost in year t (it rises as the item may worsen, `plan_items.year_values`; a planner's
  cost override holds in every year), M the mobilisation per school and year, F[t] the
  fixed spend below.
- Objective: maximise sum v[i, t] x[i, t], v the weighted pupil-years of repairing i in
  year t (`plan_items.pupil_years`): earlier repairs count more years, later ones remove
  a higher expected severity at a higher cost.
- Equity floor (optional): spend on the top need quartile (items and their schools'
  mobilisation, fixed spend included) >= share x all spend, one linear row; with it
  y[s, t] <= sum of x[i, t] at s, so mobilising a school for nothing cannot buy share.

Fixed before the model (spend F): urgency-1 items, most severe first, then most pupils,
each in the earliest year the budget (and what is already put there) allows, with their
schools' mobilisation; then the planner's pins, in their years whatever the budget (a
pinned year may overspend: the planner decided it; the model then adds nothing to that
year, or with carry-over the debt rolls forward). Safety items no year can fund are
returned as unfunded, never dropped.

Warm start: scipy's `milp` takes no starting solution (its options are `disp`,
`presolve`, `time_limit`, `node_limit`, `mip_rel_gap`), so two plans are made first and
the best is kept when HiGHS stops with nothing better: the greedy plan over the same
years, and the LP relaxation's whole part topped up greedily. When the latter is within
`mip_rel_gap` of the LP bound HiGHS's search is not started at all (on a demo-sized city
it is within some 0.05 % in half a second, where HiGHS took 10 s to reach the same).
The gap reported is the kept plan's distance from the best bound known.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog

from server.planning.plan_solvers import quiet_milp

_REPAIR_ROUNDS = 4
# Above this many binaries the LP relaxation first fixes those it decides, and its
# whole part, topped up greedily, is the incumbent to beat (from 0: always; HiGHS alone
# spent its whole time limit at the root on 1,200 binaries with mobilisation).
_FIXING_FROM = 0
_REDUCTION_TOLERANCE = 1e-9
# Above this many open binaries after fixing, HiGHS's search is not started.
_SEARCH_UP_TO = 60_000
_PROVED_GAP = 1e-9
# The floor is checked in whole öre; HiGHS may miss it by its tolerance, so much is allowed.
_FLOOR_TOLERANCE_ORE = 100


@dataclass(frozen=True)
class JointSolve:
    """The joint plan's choice: `year_of[i]` the year index of item i, or -1."""

    year_of: np.ndarray
    mobilised: np.ndarray  # (T, S) bool: school s has work in year t
    status: str
    proved_optimal: bool
    mip_gap: float
    core: int  # binaries in the model
    seconds: float


class _Budget:
    """What each year may still spend, in öre; with carry-over, money left in a year
    rolls forward, so a year may spend what the years up to it have not."""

    def __init__(self, budget: int, years: int, carry_over: bool) -> None:
        self.budget = budget
        self.carry_over = carry_over
        self.spend = np.zeros(years, dtype=np.int64)

    def fits(self, year: int, amount: int) -> bool:
        if not self.carry_over:
            return int(self.spend[year]) + amount <= self.budget
        # Spending more in `year` leaves less for every later year: each prefix must hold.
        cumulative = np.cumsum(self.spend)[year:] + amount
        allowed = self.budget * np.arange(year + 1, len(self.spend) + 1, dtype=np.int64)
        return bool((cumulative <= allowed).all())

    def add(self, year: int, amount: int) -> None:
        self.spend[year] += amount


def _place(
    order: np.ndarray,
    cost: np.ndarray,
    site_no: np.ndarray,
    mobilisation: int,
    budget: _Budget,
    mobilised: np.ndarray,
    year_of: np.ndarray,
    years: range,
) -> None:
    """Each item in `order`, in the first of `years` where it fits with its school's
    mobilisation (if the school has no work that year yet)."""
    for i in order.tolist():
        s = site_no[i]
        for t in years:
            amount = int(cost[t, i]) + (0 if mobilised[t, s] else mobilisation)
            if budget.fits(t, amount):
                budget.add(t, amount)
                mobilised[t, s] = True
                year_of[i] = t
                break


def _greedy_years(
    value: np.ndarray,
    cost: np.ndarray,
    candidates: np.ndarray,
    site_no: np.ndarray,
    mobilisation: int,
    budget: _Budget,
    mobilised: np.ndarray,
    year_of: np.ndarray,
) -> None:
    """Year by year, open candidates by pupil-years per krona, each that still fits."""
    for t in range(cost.shape[0]):
        open_ = candidates[year_of[candidates] < 0]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(cost[t, open_] > 0, value[t, open_] / cost[t, open_], np.inf)
        order = open_[np.lexsort((open_, -ratio))]
        _place(order, cost, site_no, mobilisation, budget, mobilised, year_of, range(t, t + 1))


@dataclass(frozen=True)
class JointProblem:
    """The joint plan's input: `value` and `cost` are (T, n), pupil-years and expected
    cost in öre (int64) of item i repaired in year t; `pin_year[i]` the year index a
    planner's pin puts item i in (-1: none); `budget` öre a year."""

    value: np.ndarray
    cost: np.ndarray
    safety: np.ndarray
    severity0: np.ndarray
    pupils: np.ndarray
    site_no: np.ndarray
    pin_year: np.ndarray
    budget: int
    carry_over: bool
    mobilisation: int
    time_limit_s: float
    mip_rel_gap: float


@dataclass(frozen=True)
class _Floor:
    """At least `share` of the whole plan's spend on items with `top` (their schools)."""

    top: np.ndarray
    share: float


@dataclass(frozen=True)
class _Fixed:
    """What is decided before the model: urgency-1 items, then pinned items."""

    year_of: np.ndarray
    mobilised: np.ndarray  # (T, S)
    spend: np.ndarray  # (T,) öre
    candidates: np.ndarray  # the items left to the model


def _fixed(problem: JointProblem) -> _Fixed:
    cost, site_no, pin_year = problem.cost, problem.site_no, problem.pin_year
    years, n = cost.shape
    sites = int(site_no.max()) + 1 if n else 0
    year_of = np.full(n, -1, dtype=np.int64)
    mobilised = np.zeros((years, sites), dtype=bool)
    fixed = _Budget(problem.budget, years, problem.carry_over)
    # 1. Urgency 1: most severe, then most pupils, each in its earliest affordable year
    # (one the planner pinned waits for its year).
    safety_at = np.flatnonzero(problem.safety & (pin_year < 0))
    order = safety_at[
        np.lexsort((safety_at, -problem.pupils[safety_at], -problem.severity0[safety_at]))
    ]
    _place(order, cost, site_no, problem.mobilisation, fixed, mobilised, year_of, range(years))
    # 2. Pins, after the year's safety work and whatever the budget: the planner's call.
    for i in np.flatnonzero(pin_year >= 0).tolist():
        t, s = int(pin_year[i]), site_no[i]
        fixed.add(t, int(cost[t, i]) + (0 if mobilised[t, s] else problem.mobilisation))
        mobilised[t, s] = True
        year_of[i] = t
    candidates = np.flatnonzero(
        ~problem.safety
        & (pin_year < 0)
        & (problem.value[0] > 0)
        & (cost.min(axis=0) <= problem.budget * years)
    )
    return _Fixed(year_of, mobilised, fixed.spend.copy(), candidates)


def joint_solve(problem: JointProblem) -> JointSolve:
    """The joint plan (module docstring)."""
    solve = _joint_solve(problem, None)
    assert solve is not None  # without a floor there is always a plan (greedy's)
    return solve


def _joint_solve(problem: JointProblem, floor: _Floor | None) -> JointSolve | None:
    """The joint plan; with `floor`, None when no plan meeting it was found."""
    started = time.perf_counter()
    value, cost, site_no = problem.value, problem.cost, problem.site_no
    budget, carry_over, mobilisation = problem.budget, problem.carry_over, problem.mobilisation
    years, n = cost.shape
    sites = int(site_no.max()) + 1 if n else 0
    fixed = _fixed(problem)
    year_of = fixed.year_of.copy()
    candidates = fixed.candidates

    greedy_of = year_of.copy()
    greedy_budget = _Budget(budget, years, carry_over)
    greedy_budget.spend = fixed.spend.copy()
    _greedy_years(
        value,
        cost,
        candidates,
        site_no,
        mobilisation,
        greedy_budget,
        fixed.mobilised.copy(),
        greedy_of,
    )
    greedy_ok = floor is None or _floor_holds(problem, greedy_of, floor)
    greedy_value = _value(value, greedy_of, candidates) if greedy_ok else -np.inf
    if candidates.size == 0:
        if not greedy_ok:
            return None
        return _answer(
            year_of, site_no, years, sites, "nothing else to fund", True, 0.0, 0, started
        )

    fixed_in = 0
    if floor is not None:
        fixed_in = _spend_on(problem, fixed.year_of, floor.top)
    picked, status, optimal, gap, core = _milp_over_years(
        value[:, candidates],
        cost[:, candidates],
        site_no[candidates],
        fixed.mobilised,
        fixed.spend,
        budget,
        carry_over,
        mobilisation,
        problem.time_limit_s,
        problem.mip_rel_gap,
        max(greedy_value, 0.0),
        None
        if floor is None
        else (floor.top[candidates], floor.share, fixed_in, int(fixed.spend.sum())),
    )
    if picked is not None:
        year_of[candidates] = picked
    milp_value = _value(value, year_of, candidates) if picked is not None else -np.inf
    if not np.isfinite(milp_value) and not np.isfinite(greedy_value):
        return None  # only with a floor: neither plan meets it
    if milp_value < greedy_value * (1 - 1e-12):
        year_of = greedy_of
        bound = gap.bound if gap.bound is not None else np.nan
        reached = (bound - greedy_value) / greedy_value if greedy_value > 0 else 0.0
        if not status.startswith("greedy plan"):
            status = f"{status}; greedy plan kept"
        optimal, mip_gap = False, max(reached, 0.0)
    else:
        mip_gap = gap.gap
    return _answer(year_of, site_no, years, sites, status, optimal, mip_gap, core, started)


def _spend_on(problem: JointProblem, year_of: np.ndarray, top: np.ndarray) -> int:
    """Öre the plan `year_of` spends on items with `top`, their schools' mobilisation
    included."""
    done = np.flatnonzero((year_of >= 0) & top)
    spend = int(problem.cost[year_of[done], done].sum())
    projects = {(int(year_of[i]), int(problem.site_no[i])) for i in done.tolist()}
    return spend + len(projects) * problem.mobilisation


def _floor_holds(problem: JointProblem, year_of: np.ndarray, floor: _Floor) -> bool:
    everything = np.ones_like(floor.top)
    total = _spend_on(problem, year_of, everything)
    return _spend_on(problem, year_of, floor.top) >= floor.share * total - _FLOOR_TOLERANCE_ORE


def top_share(solve: JointSolve, problem: JointProblem, top: np.ndarray) -> float:
    """The share of the plan's whole spend (mobilisation included) on items with `top`;
    0 when it spends nothing."""
    total = _spend_on(problem, solve.year_of, np.ones_like(top))
    return _spend_on(problem, solve.year_of, top) / total if total > 0 else 0.0


def joint_solve_with_floor(
    problem: JointProblem, top: np.ndarray, share: float
) -> tuple[JointSolve | None, str | None]:
    """The joint plan with at least `share` of the whole plan's spend on items with `top`
    (the top need quartile): (plan, None), or (None, the reason in English, with its
    numbers) when it cannot hold or no plan meeting it was found in the time limit."""
    fixed = _fixed(problem)
    years = problem.cost.shape[0]
    fixed_total = int(fixed.spend.sum())
    fixed_in = _spend_on(problem, fixed.year_of, top)
    open_top = fixed.candidates[top[fixed.candidates]]
    top_sites = np.unique(problem.site_no[open_top]).size
    # An upper bound on more spend in the top quartile: all its open work at its dearest
    # year with a project for each of its schools every year, and no more than the
    # budgets leave.
    top_work = int(problem.cost[:, open_top].max(axis=0).sum()) if open_top.size else 0
    top_work += top_sites * years * problem.mobilisation if open_top.size else 0
    left = int(np.maximum(problem.budget - fixed.spend, 0).sum())
    more = min(top_work, left)
    reachable = (fixed_in + more) / (fixed_total + more) if fixed_total + more > 0 else 0.0

    def reason(opening: str) -> str:
        return (
            f"{opening}: urgency-1 and pinned work already costs {fixed_total / 100:,.0f} SEK, "
            f"{fixed_in / 100:,.0f} SEK of it in the top need quartile; the top quartile's "
            f"other open work costs at most {top_work / 100:,.0f} SEK and the budgets leave "
            f"{left / 100:,.0f} SEK, so its share of the spend can reach at most "
            f"{reachable:.1%}"
        )

    if reachable < share * (1 - 1e-9):
        return None, reason(f"the floor of {share:.0%} of the spend cannot hold")
    solve = _joint_solve(problem, _Floor(top, share))
    if solve is None:
        return None, reason(
            f"no plan within the budgets and the time limit reaches the floor of {share:.0%}"
        )
    return solve, None


def _value(value: np.ndarray, year_of: np.ndarray, at: np.ndarray) -> float:
    done = at[year_of[at] >= 0]
    return float(value[year_of[done], done].sum())


def _answer(
    year_of: np.ndarray,
    site_no: np.ndarray,
    years: int,
    sites: int,
    status: str,
    optimal: bool,
    mip_gap: float,
    core: int,
    started: float,
) -> JointSolve:
    mobilised = np.zeros((years, sites), dtype=bool)
    done = year_of >= 0
    mobilised[year_of[done], site_no[done]] = True  # only schools with work pay
    return JointSolve(
        year_of, mobilised, status, optimal, mip_gap, core, time.perf_counter() - started
    )


@dataclass(frozen=True)
class _Gap:
    gap: float
    bound: float | None  # the dual bound in pupil-years


def _milp_over_years(
    value: np.ndarray,
    cost: np.ndarray,
    site_no: np.ndarray,
    premobilised: np.ndarray,
    fixed_spend: np.ndarray,
    budget: int,
    carry_over: bool,
    mobilisation: int,
    time_limit_s: float,
    mip_rel_gap: float,
    lower_bound: float,
    floor: tuple[np.ndarray, float, int, int] | None = None,
) -> tuple[np.ndarray | None, str, bool, _Gap, int]:
    """x, y, r as in the module docstring over the candidates; returns each candidate's
    year (-1: not done), or None when HiGHS found no plan. `floor`: (top per candidate,
    share, fixed spend on the top quartile, fixed spend in all, öre) adds the equity
    floor's row, and rows that let a school pay mobilisation only with work that year."""
    years, n = cost.shape
    local_sites, site_local = np.unique(site_no, return_inverse=True)
    n_sites = local_sites.size
    # Schools whose mobilisation is paid already by safety work that year: free there.
    mobilise_cost = np.where(premobilised[:, local_sites], 0, mobilisation)  # (T, sites)
    use_y = mobilisation > 0
    n_x = n * years
    n_y = n_sites * years if use_y else 0
    n_r = years if carry_over else 0
    n_vars = n_x + n_y + n_r
    x_at = np.arange(n_x).reshape(n, years)  # x[i, t] at i * T + t
    y_at = n_x + np.arange(n_y).reshape(n_sites, years) if use_y else None
    r_at = n_x + n_y + np.arange(n_r)

    scale = max(float(value.max()), 1e-300)
    objective = np.zeros(n_vars)
    objective[:n_x] = -(value.T / scale).ravel()

    # Budget rows, in units of one year's budget (HiGHS's tolerances are absolute).
    rows, cols, data = [], [], []
    for t in range(years):
        rows.append(np.full(n, t))
        cols.append(x_at[:, t])
        data.append(cost[t] / budget)
        if use_y:
            assert y_at is not None
            rows.append(np.full(n_sites, t))
            cols.append(y_at[:, t])
            data.append(mobilise_cost[t] / budget)
        if carry_over:
            rows.append(np.array([t]))
            cols.append(r_at[t : t + 1])
            data.append(np.array([1.0]))
        if carry_over and t > 0:
            rows.append(np.array([t]))
            cols.append(r_at[t - 1 : t])
            data.append(np.array([-1.0]))
    budget_matrix = sparse.csr_array(
        (np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))),
        shape=(years, n_vars),
    )
    once = sparse.csr_array(
        (np.ones(n_x), (np.repeat(np.arange(n), years), x_at.ravel())), shape=(n, n_vars)
    )
    constraints = [LinearConstraint(once, -np.inf, 1.0)]
    if use_y:
        assert y_at is not None
        link_rows = np.arange(n_x)
        link = sparse.csr_array(
            (
                np.concatenate([np.ones(n_x), -np.ones(n_x)]),
                (
                    np.concatenate([link_rows, link_rows]),
                    np.concatenate(
                        [
                            x_at.ravel(),
                            y_at[np.repeat(site_local, years), np.tile(np.arange(years), n)],
                        ]
                    ),
                ),
            ),
            shape=(n_x, n_vars),
        )
        constraints.append(LinearConstraint(link, -np.inf, 0.0))
    floor_rhs = 0.0
    if floor is not None:
        top, share, fixed_in, fixed_total = floor
        # Spend on the top quartile >= share x all spend, as sum (top - share) x spend >=
        # share x fixed - fixed on top, in units of one year's budget.
        weight = top.astype(float) - share
        floor_row = np.zeros(n_vars)
        floor_row[x_at] = (weight[:, np.newaxis] * cost.T) / budget
        if use_y:
            assert y_at is not None
            site_top = np.zeros(n_sites)
            site_top[site_local] = top
            floor_row[y_at] = (site_top - share)[:, np.newaxis] * mobilise_cost.T / budget
            # A school pays its mobilisation only in a year with work there, so the
            # floor cannot be met by mobilising schools for nothing.
            pairs = y_at[np.repeat(site_local, years), np.tile(np.arange(years), n)]
            only_with_work = sparse.csr_array(
                (
                    np.concatenate([np.ones(n_y), -np.ones(n_x)]),
                    (
                        np.concatenate([np.arange(n_y), pairs.ravel() - n_x]),
                        np.concatenate([y_at.ravel(), x_at.ravel()]),
                    ),
                ),
                shape=(n_y, n_vars),
            )
            constraints.append(LinearConstraint(only_with_work, -np.inf, 0.0))
        floor_rhs = (share * fixed_total - fixed_in) / budget
    integrality = np.concatenate([np.ones(n_x + n_y), np.zeros(n_r)])
    # Money a year may spend on these items, in öre: its budget less the fixed safety
    # and pinned spend. Without carry-over a year that pins overspend has nothing left;
    # with it the r variables move money between years, and may go below zero only by
    # the debt the fixed spend alone leaves (the pins' overspend rolls forward).
    rhs_ore = budget - fixed_spend.astype(np.int64)
    if not carry_over:
        rhs_ore = np.maximum(rhs_ore, 0)
    lower = np.concatenate([np.zeros(n_x + n_y), np.minimum(np.cumsum(rhs_ore), 0)[:n_r]])
    upper = np.concatenate([np.ones(n_x + n_y), np.full(n_r, np.inf)])
    deadline = time.perf_counter() + time_limit_s

    def within(year_of: np.ndarray) -> np.ndarray:
        """Öre by which the plan breaks each budget row (<= 0: within), and the floor."""
        excess = _excess(
            cost, site_no, year_of, premobilised, fixed_spend, budget, carry_over, mobilisation
        )
        if floor is None:
            return excess
        top, share, fixed_in, fixed_total = floor
        done = np.flatnonzero(year_of >= 0)
        spend = cost[year_of[done], done]
        projects = np.zeros_like(premobilised)
        projects[year_of[done], site_no[done]] = True
        projects &= ~premobilised
        site_top = np.zeros(premobilised.shape[1], dtype=bool)
        site_top[site_no[top]] = True
        on_top = fixed_in + int(spend[top[done]].sum())
        on_top += int(projects[:, site_top].sum()) * mobilisation
        total = fixed_total + int(spend.sum()) + int(projects.sum()) * mobilisation
        short = share * total - on_top - _FLOOR_TOLERANCE_ORE
        return np.append(excess, math.ceil(short))

    def floor_constraints(extra: float) -> list[LinearConstraint]:
        if floor is None:
            return []
        return [LinearConstraint(floor_row[np.newaxis, :], floor_rhs + extra, np.inf)]

    def filled(year_of: np.ndarray) -> np.ndarray:
        """`year_of` with what still fits added, year by year by pupil-years per krona."""
        done = np.flatnonzero(year_of >= 0)
        state = _Budget(budget, years, carry_over)
        state.spend = fixed_spend.astype(np.int64).copy()
        np.add.at(state.spend, year_of[done], cost[year_of[done], done])
        projects = premobilised.copy()
        projects[year_of[done], site_no[done]] = True
        state.spend += (projects & ~premobilised).sum(axis=1).astype(np.int64) * mobilisation
        more = year_of.copy()
        _greedy_years(value, cost, np.arange(n), site_no, mobilisation, state, projects, more)
        return more

    rounded_plan: list[tuple[float, np.ndarray]] = []  # (pupil-years, year_of), the best

    def rounded_value(x: np.ndarray) -> float | None:
        """The scaled objective of the LP solution's whole part with what still fits
        added (greedy), if within the rows; kept as a plan in `rounded_plan`."""
        take = x[:n_x].reshape(n, years) > 1 - 1e-6
        whole = np.where(take.any(axis=1), take.argmax(axis=1), -1)
        for year_of in (filled(whole), whole):
            if (within(year_of) <= 0).all():
                worth = _value(value, year_of, np.arange(n))
                rounded_plan.append((worth, year_of))
                return -worth / scale
        return None

    lp_bound: float | None = None
    if n_x > _FIXING_FROM:
        lower, upper, lp_bound = _fix_by_reduced_cost(
            objective,
            [
                *constraints,
                LinearConstraint(budget_matrix, -np.inf, rhs_ore / budget),
                *floor_constraints(0.0),
            ],
            lower,
            upper,
            -lower_bound / scale,
            rounded_value,
            deadline - time.perf_counter(),
        )
        if lp_bound is None and n_x > _SEARCH_UP_TO:
            status = "LP relaxation unfinished within the time limit"
            return None, status, False, _Gap(np.nan, None), 0
        if lp_bound is not None and rounded_plan and rounded_plan[-1][0] > lower_bound:
            worth, year_of = rounded_plan[-1]
            reached = max((-lp_bound * scale - worth) / worth, 0.0)
            if reached <= mip_rel_gap:
                # The LP's whole part, topped up greedily, is within the target already.
                status = f"LP rounding within {reached:.3%} of the LP bound"
                optimal = reached <= _PROVED_GAP
                return year_of, status, optimal, _Gap(reached, -lp_bound * scale), 0
        if lp_bound is not None and lower_bound > 0:
            reached = (-lp_bound * scale - lower_bound) / lower_bound
            open_binaries = int((upper[:n_x] > lower[:n_x]).sum())
            if reached <= mip_rel_gap or open_binaries > _SEARCH_UP_TO:
                # Greedy is within the target of the LP bound, or the search too large to
                # end within the time limit (HiGHS overran 60 s by minutes on 200,000):
                # the better of greedy and the LP rounding stands.
                if rounded_plan and rounded_plan[-1][0] > lower_bound:
                    worth, year_of = rounded_plan[-1]
                    reached = max((-lp_bound * scale - worth) / worth, 0.0)
                    status = f"LP rounding within {reached:.3%} of the LP bound"
                    return year_of, status, False, _Gap(reached, -lp_bound * scale), 0
                status = f"greedy plan within {reached:.3%} of the LP bound"
                return None, status, False, _Gap(reached, -lp_bound * scale), 0

    def search() -> tuple[np.ndarray | None, str, bool, _Gap, int]:
        """HiGHS's branch and bound, the budget (and floor) rows tightened by what it
        broke within its tolerance."""
        rhs = rhs_ore
        floor_extra = 0.0
        for _ in range(_REPAIR_ROUNDS):
            result = quiet_milp(
                objective,
                constraints=[
                    *constraints,
                    LinearConstraint(budget_matrix, -np.inf, rhs / budget),
                    *floor_constraints(floor_extra),
                ],
                integrality=integrality,
                bounds=Bounds(lower, upper),
                options={
                    "time_limit": max(deadline - time.perf_counter(), 0.01),
                    "mip_rel_gap": float(mip_rel_gap),
                },
            )
            bound = getattr(result, "mip_dual_bound", None)
            bound_value = -float(bound) * scale if bound is not None else None
            if lp_bound is not None and not (bound_value is not None and np.isfinite(bound_value)):
                bound_value = -lp_bound * scale  # HiGHS stopped before a bound of its own
            if result.x is None:
                status = "time limit, no plan found" if result.status == 1 else str(result.message)
                return None, status, False, _Gap(np.nan, bound_value), n_x + n_y
            take = np.asarray(result.x[:n_x]).reshape(n, years) > 0.5
            year_of = np.where(take.any(axis=1), take.argmax(axis=1), -1)
            broken = within(year_of)
            excess = broken[:years]
            gap = float(getattr(result, "mip_gap", np.nan) or 0.0)
            if (broken <= 0).all():
                # Proved optimal only when HiGHS closed the gap, not merely met the target.
                optimal = result.status == 0 and gap <= _PROVED_GAP
                if result.status != 0:
                    status = "time limit, best plan found"
                elif optimal:
                    status = "optimal"
                else:
                    status = f"within {mip_rel_gap:.2%} of optimal"
                return (
                    year_of,
                    status,
                    optimal,
                    _Gap(gap, bound_value),
                    n_x + n_y,
                )
            # HiGHS met the budget (or the floor) only within its tolerance: tighten the rows
            # it broke.
            rhs = rhs - np.maximum(excess, 0)
            if broken.size > years and broken[years] > 0:
                floor_extra += float(broken[years]) / budget
        return None, "solver broke the budget", False, _Gap(np.nan, None), n_x + n_y

    answer = search()
    if rounded_plan and (
        answer[0] is None or _value(value, answer[0], np.arange(n)) < rounded_plan[-1][0]
    ):
        worth, year_of = rounded_plan[-1]
        bound_value = answer[3].bound
        reached = (bound_value - worth) / worth if bound_value is not None and worth > 0 else np.nan
        status = f"{answer[1]}; LP rounding kept"
        return year_of, status, False, _Gap(max(reached, 0.0), bound_value), answer[4]
    return answer


def _fix_by_reduced_cost(
    objective: np.ndarray,
    constraints: list[LinearConstraint],
    lower: np.ndarray,
    upper: np.ndarray,
    incumbent: float,
    rounded_value: Callable[[np.ndarray], float | None],
    time_limit_s: float,
) -> tuple[np.ndarray, np.ndarray, float | None]:
    """Bounds with binaries fixed where the LP relaxation proves their value.

    HiGHS alone finds no plan within minutes for 200,000 binaries (5,000 schools x 5
    years), as with the one-year knapsack. Reduced-cost fixing (the many-year form of the
    reduction in `plan_solvers.knapsack`): with z the LP optimum (minimising) and d_j a
    binary's reduced cost, every plan that moves x_j off its LP bound costs at least
    z + |d_j|; where that is worse than the greedy plan (`incumbent`), no better plan
    moves it, so it is fixed. Also returns the LP bound (None if the LP failed).
    """
    # linprog takes rows <= rhs: a row with a lower bound (the floor's) enters negated.
    parts, rhs = [], []
    for c in constraints:
        matrix = sparse.csr_array(c.A)
        ub = np.broadcast_to(c.ub, matrix.shape[0])
        lb = np.broadcast_to(c.lb, matrix.shape[0])
        if np.isfinite(ub).any():
            parts.append(matrix)
            rhs.append(ub)
        if np.isfinite(lb).any():
            parts.append(-matrix)
            rhs.append(-lb)
    rows = sparse.vstack(parts).tocsr()
    upper_rhs = np.concatenate(rhs)
    relaxed = linprog(
        objective,
        A_ub=rows,
        b_ub=upper_rhs,
        bounds=np.column_stack([lower, upper]),
        method="highs",
        options={"time_limit": max(time_limit_s, 0.01)},
    )
    if relaxed.status != 0:
        return lower, upper, None
    # The LP's whole part is a plan too (few of its binaries are fractional), and
    # usually far closer to the bound than greedy's: the tighter incumbent fixes more.
    rounded = rounded_value(np.asarray(relaxed.x))
    if rounded is not None:
        incumbent = min(incumbent, rounded)
    slack = incumbent - relaxed.fun
    tolerance = _REDUCTION_TOLERANCE * max(abs(incumbent), 1.0)
    binary = np.isfinite(upper) & (upper == 1)
    at_zero = np.asarray(relaxed.lower.marginals)  # >= 0 where x sits at its lower bound
    at_one = -np.asarray(relaxed.upper.marginals)  # >= 0 where x sits at its upper bound
    to_zero = binary & (relaxed.x < 0.5) & (at_zero > slack + tolerance)
    to_one = binary & (relaxed.x > 0.5) & (at_one > slack + tolerance)
    lower, upper = lower.copy(), upper.copy()
    upper[to_zero] = 0.0
    lower[to_one] = 1.0
    return lower, upper, float(relaxed.fun)


def _excess(
    cost: np.ndarray,
    site_no: np.ndarray,
    year_of: np.ndarray,
    premobilised: np.ndarray,
    fixed_spend: np.ndarray,
    budget: int,
    carry_over: bool,
    mobilisation: int,
) -> np.ndarray:
    """Öre by which each year's exact spend on these items breaks what the year may
    spend after the fixed (safety and pinned) spend (<= 0: within). Without carry-over a
    year may spend its budget less the fixed spend, or nothing if that is overspent;
    with it, the years up to each may spend what their budgets leave after theirs."""
    done = np.flatnonzero(year_of >= 0)
    spend = np.zeros(cost.shape[0], dtype=np.int64)
    np.add.at(spend, year_of[done], cost[year_of[done], done])
    new_site_years = np.zeros_like(premobilised)
    new_site_years[year_of[done], site_no[done]] = True
    new_site_years &= ~premobilised
    spend += new_site_years.sum(axis=1).astype(np.int64) * mobilisation
    left = budget - fixed_spend.astype(np.int64)
    if not carry_over:
        return spend - np.maximum(left, 0)
    return np.cumsum(spend) - np.maximum(np.cumsum(left), 0)
