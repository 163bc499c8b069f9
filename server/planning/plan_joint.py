"""The joint plan: one model over all years (scipy `milp`, HiGHS). Plain numpy/scipy.

Formulation (n items, T years, S schools; costs in öre, budget B a year):

- x[i, t] binary: item i is repaired in year t of the plan; sum over t of x[i, t] <= 1.
- y[s, t] binary: school s has a project (is mobilised) in year t; x[i, t] <= y[s(i), t].
- r[t] >= 0, only with carry-over: money carried from year t into year t + 1.
- Budget of year t: sum_i c[i, t] x[i, t] + M y[s, t] + r[t] - r[t - 1] <= B (without
  carry-over r is 0): c[i, t] is the expected cost in year t (it rises as the item may
  worsen, `plan_items.year_values`), M the mobilisation per school and year.
- Objective: maximise sum v[i, t] x[i, t], v the weighted pupil-years of repairing i in
  year t (`plan_items.pupil_years`): earlier repairs count more years, later ones remove
  a higher expected severity at a higher cost.

Urgency-1 items are not left to the objective: before the model they are put, most severe
first, then most pupils, each in the earliest year the budget (and what is already put
there) allows, with their schools' mobilisation; they are fixed, and their money leaves
the budget rows. Those no year can fund are returned as unfunded, never dropped.

Warm start: scipy's `milp` takes no starting solution (its options are `disp`,
`presolve`, `time_limit`, `node_limit`, `mip_rel_gap`), so the greedy plan over the same
years is computed too and kept when HiGHS stops with nothing better; the gap reported is
then greedy's distance from HiGHS's bound.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog

from server.planning.plan_solvers import quiet_milp

_REPAIR_ROUNDS = 4
# Above this many binaries the LP relaxation first fixes those it decides.
_FIXING_FROM = 2_000
_REDUCTION_TOLERANCE = 1e-9
# Above this many open binaries after fixing, HiGHS's search is not started.
_SEARCH_UP_TO = 60_000
_PROVED_GAP = 1e-9


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


def joint_solve(
    *,
    value: np.ndarray,
    cost: np.ndarray,
    safety: np.ndarray,
    severity0: np.ndarray,
    pupils: np.ndarray,
    site_no: np.ndarray,
    budget: int,
    carry_over: bool,
    mobilisation: int,
    time_limit_s: float,
    mip_rel_gap: float,
) -> JointSolve:
    """The joint plan (module docstring). `value` and `cost` are (T, n): pupil-years and
    expected cost in öre (int64) of item i repaired in year t."""
    started = time.perf_counter()
    years, n = cost.shape
    sites = int(site_no.max()) + 1 if n else 0
    year_of = np.full(n, -1, dtype=np.int64)
    mobilised = np.zeros((years, sites), dtype=bool)
    fixed = _Budget(budget, years, carry_over)

    # 1. Urgency 1: most severe, then most pupils, each in its earliest affordable year.
    safety_at = np.flatnonzero(safety)
    order = safety_at[np.lexsort((safety_at, -pupils[safety_at], -severity0[safety_at]))]
    _place(order, cost, site_no, mobilisation, fixed, mobilised, year_of, range(years))
    safety_spend = fixed.spend.copy()
    safety_mobilised = mobilised.copy()

    # 2. The rest: candidates worth something that some year could afford alone.
    candidates = np.flatnonzero(~safety & (value[0] > 0) & (cost.min(axis=0) <= budget * years))
    greedy_of = year_of.copy()
    greedy_budget = _Budget(budget, years, carry_over)
    greedy_budget.spend = safety_spend.copy()
    _greedy_years(
        value,
        cost,
        candidates,
        site_no,
        mobilisation,
        greedy_budget,
        safety_mobilised.copy(),
        greedy_of,
    )
    greedy_value = _value(value, greedy_of, candidates)
    if candidates.size == 0:
        return _answer(
            year_of, site_no, years, sites, "nothing else to fund", True, 0.0, 0, started
        )

    picked, status, optimal, gap, core = _milp_over_years(
        value[:, candidates],
        cost[:, candidates],
        site_no[candidates],
        safety_mobilised,
        safety_spend,
        budget,
        carry_over,
        mobilisation,
        time_limit_s,
        mip_rel_gap,
        greedy_value,
    )
    if picked is not None:
        year_of[candidates] = picked
    milp_value = _value(value, year_of, candidates) if picked is not None else -np.inf
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
) -> tuple[np.ndarray | None, str, bool, _Gap, int]:
    """x, y, r as in the module docstring over the candidates; returns each candidate's
    year (-1: not done), or None when HiGHS found no plan."""
    years, n = cost.shape
    local_sites, site_local = np.unique(site_no, return_inverse=True)
    n_sites = local_sites.size
    # Schools whose mobilisation is paid already by safety work that year: free there.
    mobilise_cost = np.where(premobilised[:, local_sites], 0, mobilisation)  # (T, sites)
    use_y = mobilisation > 0
    n_x = n * years
    n_y = n_sites * years if use_y else 0
    n_r = years - 1 if carry_over else 0
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
        if carry_over and t < years - 1:
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
    integrality = np.concatenate([np.ones(n_x + n_y), np.zeros(n_r)])
    lower = np.zeros(n_vars)
    upper = np.concatenate([np.ones(n_x + n_y), np.full(n_r, np.inf)])
    # Money a year may spend on these items, in öre: its budget less the fixed safety
    # spend; with carry-over the r variables move the rest between years.
    rhs_ore = budget - fixed_spend.astype(np.int64)
    deadline = time.perf_counter() + time_limit_s

    def rounded_value(x: np.ndarray) -> float | None:
        """The scaled objective of the LP solution's whole part, if within budget."""
        take = x[:n_x].reshape(n, years) > 1 - 1e-6
        year_of = np.where(take.any(axis=1), take.argmax(axis=1), -1)
        excess = _excess(
            cost, site_no, year_of, premobilised, fixed_spend, budget, carry_over, mobilisation
        )
        return float(objective[:n_x][take.ravel()].sum()) if (excess <= 0).all() else None

    lp_bound: float | None = None
    if n_x > _FIXING_FROM:
        lower, upper, lp_bound = _fix_by_reduced_cost(
            objective,
            [*constraints, LinearConstraint(budget_matrix, -np.inf, rhs_ore / budget)],
            lower,
            upper,
            -lower_bound / scale,
            rounded_value,
            deadline - time.perf_counter(),
        )
        if lp_bound is None and n_x > _SEARCH_UP_TO:
            status = "LP relaxation unfinished within the time limit"
            return None, status, False, _Gap(np.nan, None), 0
        if lp_bound is not None and lower_bound > 0:
            reached = (-lp_bound * scale - lower_bound) / lower_bound
            open_binaries = int((upper[:n_x] > lower[:n_x]).sum())
            if reached <= mip_rel_gap or open_binaries > _SEARCH_UP_TO:
                # Greedy is within the target of the LP bound, or the search too large to
                # end within the time limit (HiGHS overran 60 s by minutes on 200,000).
                status = f"greedy plan within {reached:.3%} of the LP bound"
                return None, status, False, _Gap(reached, -lp_bound * scale), 0
    for _ in range(_REPAIR_ROUNDS):
        result = quiet_milp(
            objective,
            constraints=[*constraints, LinearConstraint(budget_matrix, -np.inf, rhs_ore / budget)],
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
        excess = _excess(
            cost, site_no, year_of, premobilised, fixed_spend, budget, carry_over, mobilisation
        )
        gap = float(getattr(result, "mip_gap", np.nan) or 0.0)
        if (excess <= 0).all():
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
        # HiGHS met the budget only within its tolerance: tighten the years it broke.
        rhs_ore = rhs_ore - np.maximum(excess, 0)
    return None, "solver broke the budget", False, _Gap(np.nan, None), n_x + n_y


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
    rows = sparse.vstack([c.A for c in constraints]).tocsr()
    upper_rhs = np.concatenate([np.broadcast_to(c.ub, c.A.shape[0]) for c in constraints])
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
    """Öre by which each year's exact spend breaks its budget (<= 0: within)."""
    years = cost.shape[0]
    done = np.flatnonzero(year_of >= 0)
    spend = fixed_spend.astype(np.int64).copy()
    np.add.at(spend, year_of[done], cost[year_of[done], done])
    new_site_years = np.zeros_like(premobilised)
    new_site_years[year_of[done], site_no[done]] = True
    new_site_years &= ~premobilised
    spend += new_site_years.sum(axis=1).astype(np.int64) * mobilisation
    if not carry_over:
        return spend - budget
    allowed = budget * np.arange(1, years + 1, dtype=np.int64)
    return np.cumsum(spend) - allowed
