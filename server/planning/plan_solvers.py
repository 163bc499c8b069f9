"""Choosing items within budgets: greedy by benefit per krona, the exact 0/1 knapsack of
one year (reduction plus HiGHS), and the quiet HiGHS call both use. Plain numpy/scipy.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, milp

# Candidates whose benefit is within this share of the LP bound's gap are kept for the
# solver rather than fixed: room for floating-point error in the exact reduction.
_REDUCTION_TOLERANCE: Final = 1e-9


_QUIET_LOCK: Final = threading.Lock()


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """File descriptor 1 sent to /dev/null while HiGHS runs.

    `disp=False` (scipy's default) turns HiGHS's log off, but HiGHS 1.x writes
    "HighsMipSolverData::transformNewIntegerFeasibleSolution tmpSolver.run();" with a
    bare C `printf` when a postsolved incumbent needs a repair solve; no option reaches
    it, so only the descriptor can. A lock keeps two solves from swapping descriptors
    under each other; Python's own `sys.stdout` is flushed first so nothing of ours is
    lost (output other threads write to fd 1 during a solve is, hence solves are short).
    """
    fd = 1  # C's stdout, whatever Python's sys.stdout is now
    with _QUIET_LOCK:
        if sys.stdout is not None:
            sys.stdout.flush()
        try:
            saved = os.dup(fd)
        except OSError:  # no descriptor to silence
            yield
            return
        try:
            with open(os.devnull, "wb") as devnull:
                os.dup2(devnull.fileno(), fd)
            yield
        finally:
            os.dup2(saved, fd)
            os.close(saved)


def quiet_milp(objective: np.ndarray, **arguments: Any) -> OptimizeResult:
    """`scipy.optimize.milp` without HiGHS's console output (see `_quiet_stdout`)."""
    options = {"disp": False, **arguments.pop("options", {})}
    with _quiet_stdout():
        return milp(objective, options=options, **arguments)


def by_value(benefit: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """Positions in order of benefit per krona (free first), ties by position."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(cost > 0, benefit / cost, np.inf)
    return np.lexsort((np.arange(len(cost)), -ratio))


def fill(cost: np.ndarray, capacity: int, order: np.ndarray) -> np.ndarray:
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
class Solve:
    status: str
    proved_optimal: bool
    core: int = 0
    seconds: float = 0.0


def greedy(benefit: np.ndarray, cost: np.ndarray, capacity: int) -> tuple[np.ndarray, Solve]:
    take = fill(cost, capacity, by_value(benefit, cost))
    return take, Solve("greedy", proved_optimal=False)


def knapsack(
    benefit: np.ndarray, cost: np.ndarray, capacity: int, time_limit_s: float
) -> tuple[np.ndarray, Solve]:
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
        return take, Solve("nothing else to fund" if not free.any() else "all fit", True)
    c, b = cost[open_], benefit[open_]
    if int(c.sum()) <= capacity:
        take[open_] = True
        return take, Solve("all fit", True)

    order = by_value(b, c)
    greedy = fill(c, capacity, order)
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
    solve = Solve("optimal", True)
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
) -> tuple[np.ndarray, Solve]:
    n = len(cost)
    # Scaled so that the largest benefit and the capacity are 1: HiGHS's tolerances are
    # absolute, and SEK amounts in the millions would swamp them.
    objective = -benefit / benefit.max()
    started = time.perf_counter()
    rhs = 1.0
    for _ in range(4):
        result = quiet_milp(
            objective,
            constraints=LinearConstraint((cost / capacity)[np.newaxis, :], -np.inf, rhs),
            integrality=np.ones(n),
            bounds=Bounds(0, 1),
            options={"time_limit": float(time_limit_s), "mip_rel_gap": 0.0},
        )
        seconds = time.perf_counter() - started
        if result.x is None:
            status = "time limit, no plan found" if result.status == 1 else result.message
            return np.zeros(n, dtype=bool), Solve(str(status), False, n, seconds)
        picked = np.asarray(result.x) > 0.5
        excess = int(cost[picked].sum()) - capacity
        if excess <= 0:
            optimal = result.status == 0
            status = "optimal" if optimal else "time limit, best plan found"
            return picked, Solve(status, optimal, n, seconds)
        rhs -= excess / capacity
    return np.zeros(n, dtype=bool), Solve("solver broke the budget", False, n, seconds)
