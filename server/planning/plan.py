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

`socioeconomic_need` (0..100 or NaN, per site) is optional for the plan (the equity floor
needs it) and required by `equity.equity_report`. A missing column or a value out of
range raises ValueError naming it.

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
  left: maximise benefit, cost <= budget (see `plan_solvers.knapsack`). Unspent budget
  rolls over to the next year only with `carry_over`.
- **Weighted pupil-years** ("viktade elevår", `pupil_years` on every chosen row): pupils
  x element weight share (of the catalogue's total weight) x expected severity removed
  / 100 x the years left in the evaluation horizon (plan years + 5 by default) x the
  multiplier. A unit a board can read, and one that rewards repairing earlier.
- **The joint plan** (`method="joint"`, the default; `plan_joint`): one HiGHS model over
  all years that maximises weighted pupil-years, with a mobilisation cost per school and
  year (`mobilisation_sek`) so work at one school groups into one project; urgency-1
  items are placed before it, most severe and most pupils first, in the earliest year
  they fit. `mip_gap` in the result and the assumptions is the relative gap it reached.
  `yearly` (safety, then an exact knapsack each year) and `greedy` are the baselines.
- **Planner controls** (`PlanSettings.pins`, `exclusions`, `cost_overrides`; every
  method): a pinned item is done in its year right after that year's urgency-1 items,
  whatever the budget (an overspent year shows in `totals`: `spent` above `budget`,
  `unspent` below zero, rolled forward as debt with `carry_over`); an excluded item is
  never done (urgency-1 items cannot be excluded); an override replaces the item's
  expected cost in every year. `PlanResult.controls` lists each with the items it
  matched; one matching nothing raises ValueError.
- **Equity floor** (`equity_floor`, joint plan only): at least that share of the whole
  plan's spend (safety and mobilisation included) on the top need quartile by pupils
  (`plan_items.pupil_quartiles`, from the optional `socioeconomic_need` column). When it
  cannot hold, the plan is made without it and `PlanResult.floor` says why, with numbers.
- **Reasons**: every chosen and unfunded row has `reason_code` and `reason_data` (the
  numbers; `plan_settings.CHOSEN_REASON_KEYS`), rendered in the user's language by the
  pages; the English `reason` stays for the API and old saved plans.

Determinism
-----------
Items are put in a canonical order (site, element, location) before anything else, so
the same items in any row order give the same plan. The knapsack is solved by exact
reduction plus HiGHS (deterministic on the same input) with a zero relative gap; among
plans of exactly equal benefit the solver's choice on the canonical order stands. If the
time limit stops it first, the best plan found so far may vary with machine speed; that
year's `proved_optimal` is then False and says so.

Layout: `plan_settings` (settings, controls, result, columns), `plan_items` (validation,
controls resolved onto items, need quartiles, costs and benefits per year),
`plan_solvers` (greedy, knapsack, HiGHS), `plan_joint` (the model over all years),
`plan_frontier` (the plan at each alpha); this module runs the plan over the years and
writes its rows, reasons and assumptions.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Final

import numpy as np
import pandas as pd

from server.planning.plan_items import (
    Items,
    Year,
    costed_items,
    numeric_column,
    per_ksek,
    prepare,
    pupil_years,
    year_values,
)
from server.planning.plan_joint import (
    JointProblem,
    JointSolve,
    joint_solve,
    joint_solve_with_floor,
    top_share,
)
from server.planning.plan_settings import (
    CHOSEN_COLUMNS,
    ITEM_COLUMNS,
    KEY_COLUMNS,
    ORE_PER_SEK,
    SITE_COLUMNS,
    TOTALS_COLUMNS,
    UNFUNDED_COLUMNS,
    PlanResult,
    PlanSettings,
    SolverMethod,
)
from server.planning.plan_solvers import Solve, by_value, fill, greedy, knapsack
from server.prices.table import PriceTable, default_prices
from shared.catalogue import Catalogue

HIGH_NEED: Final = 67.0
MEDIUM_NEED: Final = 33.0
"""A site's equity need in `reason_data["need"]`: "high" from 67, "medium" from 33."""

__all__ = [
    "CHOSEN_COLUMNS",
    "ITEM_COLUMNS",
    "KEY_COLUMNS",
    "SITE_COLUMNS",
    "TOTALS_COLUMNS",
    "UNFUNDED_COLUMNS",
    "PlanResult",
    "PlanSettings",
    "SolverMethod",
    "costed_items",
    "greedy_plan",
    "plan",
]


def plan(
    items: pd.DataFrame,
    catalogue: Catalogue,
    settings: PlanSettings,
    *,
    prices: PriceTable | None = None,
) -> PlanResult:
    """The action plan by `settings.method`: `joint` (default) one model over all years
    (`plan_joint`); `yearly` safety first, then an exact knapsack per year; `greedy` as
    `greedy_plan`. `prices`: the rates to cost with; the shipped defaults if None."""
    prices = prices or default_prices(catalogue)
    if settings.method == "joint":
        return _joint_plan(items, catalogue, settings, prices)
    return _plan(items, catalogue, settings, settings.method, prices)


def greedy_plan(
    items: pd.DataFrame,
    catalogue: Catalogue,
    settings: PlanSettings,
    *,
    prices: PriceTable | None = None,
) -> PlanResult:
    """The same rules as `plan`, but each year's non-safety items are chosen greedily by
    benefit per krona (each that still fits): a baseline to compare `plan` with."""
    greedy_settings = dataclasses.replace(settings, method="greedy")
    return _plan(items, catalogue, greedy_settings, "greedy", prices or default_prices(catalogue))


def _fmt_ratio(value: float) -> str:
    if math.isinf(value):
        return "free"
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 1:
        return f"{value:.1f}"
    return f"{value:.2g}"


def _to_ore(sek: float) -> int:
    return math.floor(sek * ORE_PER_SEK + 1e-6)


def _plan(
    items: pd.DataFrame,
    catalogue: Catalogue,
    settings: PlanSettings,
    method: SolverMethod,
    prices: PriceTable,
) -> PlanResult:
    prepared = prepare(items, catalogue, settings, prices)
    n = len(prepared.frame)
    budget = _to_ore(settings.budget_per_year)
    # No plan can spend more than the whole backlog; capping keeps öre sums in int64.
    cap = int(year_values(prepared, settings.years).cost_ore.sum()) + 1
    carried = 0
    is_open = np.ones(n, dtype=bool)
    pinned = prepared.pin_year >= 0
    chosen_parts: list[pd.DataFrame] = []
    unfunded_parts: list[pd.DataFrame] = []
    totals: list[dict[str, object]] = []

    for k in range(settings.years):
        year = year_values(prepared, k)
        cost = year.cost_ore
        capacity = max(min(budget + carried, cap), 0)

        # 1. Safety first (a pinned urgency-1 item waits for its pinned year).
        safety_at = np.flatnonzero(is_open & prepared.safety & ~pinned)
        safety_order = safety_at[by_value(year.benefit[safety_at], cost[safety_at])]
        safety_take = fill(cost[safety_order], capacity, np.arange(safety_order.size))
        funded_safety = safety_order[safety_take]
        unfunded = safety_order[~safety_take]
        left = capacity - int(cost[funded_safety].sum())

        # 2. Pins of this year, whatever the budget: the planner decided them.
        funded_pins = np.flatnonzero(prepared.pin_year == k)
        left = max(left - int(cost[funded_pins].sum()), 0)

        # 3. The rest: exact knapsack (or greedy) over items worth something.
        rest_at = np.flatnonzero(is_open & ~prepared.safety & ~pinned & (year.benefit > 0))
        if method == "yearly":
            picked, solve = knapsack(
                year.benefit[rest_at], cost[rest_at], left, settings.time_limit_s
            )
        else:
            picked, solve = greedy(year.benefit[rest_at], cost[rest_at], left)
        funded_rest = rest_at[picked]
        funded_rest = funded_rest[by_value(year.benefit[funded_rest], cost[funded_rest])]

        funded = np.concatenate([funded_safety, funded_pins, funded_rest])
        codes = ["safety"] * funded_safety.size + ["pinned"] * funded_pins.size
        codes += ["chosen"] * funded_rest.size
        is_open[funded] = False
        chosen_parts.append(_chosen_rows(prepared, year, k, funded, codes, solve, method, settings))
        unfunded_parts.append(_unfunded_rows(prepared, year, k, unfunded, budget, settings))
        spent = int(cost[funded].sum())
        totals.append(
            _totals_row(
                prepared,
                year,
                k,
                settings,
                funded=funded,
                safety=funded_safety,
                unfunded=unfunded,
                candidates=int(safety_at.size + funded_pins.size + rest_at.size),
                solve=solve,
                budget=budget,
                carried=carried,
                spent=spent,
                mobilised=0,
                pupil_years=pupil_years(prepared, year, k, settings.horizon),
            )
        )
        carried = budget + carried - spent if settings.carry_over else 0

    return PlanResult(
        chosen=_with_reason_data(chosen_parts, prepared, settings, method),
        totals=pd.DataFrame(totals, columns=list(TOTALS_COLUMNS)),
        unfunded_safety=pd.concat(unfunded_parts, ignore_index=True),
        assumptions=_assumptions(catalogue, settings, method, prices),
        method=method,
        controls=prepared.controls,
    )


def _totals_row(
    prepared: Items,
    year: Year,
    k: int,
    settings: PlanSettings,
    *,
    funded: np.ndarray,
    safety: np.ndarray,
    unfunded: np.ndarray,
    candidates: int,
    solve: Solve,
    budget: int,
    carried: int,
    spent: int,
    mobilised: int,
    pupil_years: np.ndarray,
) -> dict[str, object]:
    """One row of `PlanResult.totals` (`TOTALS_COLUMNS`); amounts in öre in, SEK out."""
    return {
        "year": settings.start_year + k,
        "budget": budget / ORE_PER_SEK,
        "spent": spent / ORE_PER_SEK,
        "unspent": (budget + carried - spent) / ORE_PER_SEK,
        "benefit": float(year.benefit[funded].sum()),
        "items": int(funded.size),
        "safety_items": int(safety.size),
        "safety_spent": int(year.cost_ore[safety].sum()) / ORE_PER_SEK,
        "unfunded_safety": int(unfunded.size),
        "candidates": candidates,
        "solver_core": solve.core,
        "solver_status": solve.status,
        "proved_optimal": solve.proved_optimal,
        "solve_seconds": solve.seconds,
        "carried_in": carried / ORE_PER_SEK,
        "mobilisation_spent": mobilised / ORE_PER_SEK,
        "pupil_years": float(pupil_years[funded].sum()),
    }


def _joint_plan(
    items: pd.DataFrame, catalogue: Catalogue, settings: PlanSettings, prices: PriceTable
) -> PlanResult:
    """One model over all years (`plan_joint`), written out as the yearly plans are."""
    prepared = prepare(items, catalogue, settings, prices)
    years = settings.years
    per_year = [year_values(prepared, k) for k in range(years)]
    cost = np.stack([year.cost_ore for year in per_year])
    value = np.stack(
        [pupil_years(prepared, y, k, settings.horizon) for k, y in enumerate(per_year)]
    )
    budget = _to_ore(settings.budget_per_year)
    mobilisation = _to_ore(settings.mobilisation_sek)
    sites = int(prepared.site_no.max()) + 1 if len(prepared.frame) else 0
    # No plan can spend more than the whole backlog; capping keeps öre sums in int64.
    cap = int(cost.max(axis=0).sum()) + mobilisation * sites + 1 if cost.size else 1
    problem = JointProblem(
        value=value,
        cost=cost,
        safety=prepared.safety,
        severity0=per_year[0].severity,
        pupils=prepared.pupils,
        site_no=prepared.site_no,
        pin_year=prepared.pin_year,
        budget=min(budget, cap),
        carry_over=settings.carry_over,
        mobilisation=mobilisation,
        time_limit_s=settings.time_limit_s,
        mip_rel_gap=settings.mip_rel_gap,
    )
    solve, floor = _solve_with_floor(problem, prepared, settings)
    year_of = solve.year_of
    chosen_parts, unfunded_parts, totals = [], [], []
    carried = 0
    first = Solve(solve.status, solve.proved_optimal, solve.core, solve.seconds)
    later = Solve(solve.status, solve.proved_optimal)
    for k, year in enumerate(per_year):
        now = np.flatnonzero(year_of == k)
        is_pin = prepared.pin_year[now] == k
        funded_safety = now[prepared.safety[now] & ~is_pin]
        funded_pins = now[is_pin]
        funded_rest = now[~prepared.safety[now] & ~is_pin]
        funded_rest = funded_rest[by_value(value[k, funded_rest], cost[k, funded_rest])]
        funded = np.concatenate([funded_safety, funded_pins, funded_rest])
        codes = ["safety"] * funded_safety.size + ["pinned"] * funded_pins.size
        codes += ["chosen"] * funded_rest.size
        # Safety items still open this year: placed later, or in no year at all (a pinned
        # one is not waiting for money but for its year).
        unfunded = np.flatnonzero(
            prepared.safety & (prepared.pin_year < 0) & ((year_of > k) | (year_of < 0))
        )
        solve_k = first if k == 0 else later
        chosen_parts.append(
            _chosen_rows(prepared, year, k, funded, codes, solve_k, "joint", settings)
        )
        unfunded_parts.append(
            _unfunded_rows(
                prepared,
                year,
                k,
                unfunded,
                budget,
                settings,
                why="more severe urgency-1 items, or with more pupils, used the",
                setup=mobilisation,
            )
        )
        mobilised = int(solve.mobilised[k].sum()) * mobilisation if solve.mobilised.size else 0
        spent = int(cost[k, funded].sum()) + mobilised
        totals.append(
            _totals_row(
                prepared,
                year,
                k,
                settings,
                funded=funded,
                safety=funded_safety,
                unfunded=unfunded,
                candidates=int(((year_of < 0) | (year_of >= k)).sum()),
                solve=solve_k,
                budget=budget,
                carried=carried,
                spent=spent,
                mobilised=mobilised,
                pupil_years=value[k],
            )
        )
        carried = budget + carried - spent if settings.carry_over else 0
    assumptions = _assumptions(catalogue, settings, "joint", prices)
    assumptions["mip_gap"] = solve.mip_gap
    return PlanResult(
        chosen=_with_reason_data(chosen_parts, prepared, settings, "joint"),
        totals=pd.DataFrame(totals, columns=list(TOTALS_COLUMNS)),
        unfunded_safety=pd.concat(unfunded_parts, ignore_index=True),
        assumptions=assumptions,
        method="joint",
        mip_gap=solve.mip_gap,
        floor=floor,
        controls=prepared.controls,
    )


def _solve_with_floor(
    problem: JointProblem, prepared: Items, settings: PlanSettings
) -> tuple[JointSolve, dict[str, object] | None]:
    """The joint solve, with the equity floor when one is asked for and it can hold;
    otherwise without it, and `floor` says why (status "infeasible")."""
    share = settings.equity_floor
    if share is None:
        return joint_solve(problem), None
    top = prepared.top_quartile
    floored: JointSolve | None = None
    reason: str | None = None
    if share > 0 and not prepared.need_known:
        reason = (
            "no site has a known socioeconomic need, so there is no top need quartile "
            "to give a share of the spend to"
        )
    elif share > 0:  # a floor of 0 always holds
        floored, reason = joint_solve_with_floor(problem, top, share)
    solve = floored if floored is not None else joint_solve(problem)
    return solve, _floor(share, solve, problem, top, reason)


def _floor(
    share: float,
    solve: JointSolve,
    problem: JointProblem,
    top: np.ndarray,
    reason: str | None,
) -> dict[str, object]:
    reached = top_share(solve, problem, top)
    return {
        "share": float(share),
        "reached": reached,
        "status": "met" if reason is None else "infeasible",
        "reason": reason,
    }


def _rows(
    prepared: Items, year: Year, k: int, at: np.ndarray, settings: PlanSettings
) -> pd.DataFrame:
    year_no = settings.start_year + k
    base = prepared.frame.iloc[at]
    cost = year.cost_ore[at] / ORE_PER_SEK
    return pd.DataFrame(
        {
            "year": year_no,
            "site": base["site"].to_numpy(),
            "element": base["element"].to_numpy(),
            "location": base["location"].to_numpy(),
            "grade": base["grade"].astype(str).to_numpy(),
            "urgency": numeric_column(base, "urgency"),
            "quantity": prepared.quantity[at],
            "safety": prepared.safety[at],
            "p_grade_d": year.p_d[at],
            "expected_severity": year.severity[at],
            "multiplier": prepared.multiplier[at],
            "cost": cost,
            "benefit": year.benefit[at],
            "condition_benefit": prepared.plain[at] * year.severity[at],
            "benefit_per_ksek": per_ksek(year.benefit[at], cost),
            "pupil_years": pupil_years(prepared, year, k, settings.horizon)[at],
        }
    )


def _chosen_rows(
    prepared: Items,
    year: Year,
    k: int,
    funded: np.ndarray,
    codes: list[str],
    solve: Solve,
    method: SolverMethod,
    settings: PlanSettings,
) -> pd.DataFrame:
    """The year's funded rows in order, with `reason` (English) and `reason_code`;
    `codes` says for each whether it is "safety", "pinned" or "chosen"."""
    year_no = settings.start_year + k
    rows = _rows(prepared, year, k, funded, settings)
    rows["cumulative_spend"] = np.cumsum(year.cost_ore[funded]) / ORE_PER_SEK
    first = settings.start_year
    if method == "joint":
        why = f"chosen for {year_no} by the plan over all years ({solve.status})"
    elif method == "greedy":
        why = f"next best benefit per krona that still fits the {year_no} budget"
    elif solve.proved_optimal:
        why = f"best benefit per krona within the {year_no} budget (proved optimal set)"
    else:
        why = f"best benefit per krona within the {year_no} budget ({solve.status})"
    reasons: list[str] = []
    reason_codes: list[str] = []
    for code, ratio, pupil_years_k, p_d, p_d0 in zip(
        codes,
        rows["benefit_per_ksek"].tolist(),
        rows["pupil_years"].tolist(),
        rows["p_grade_d"].tolist(),
        prepared.p_d0[funded].tolist(),
        strict=True,
    ):
        if code == "safety":
            reason = "urgency 1: safety"
            if year_no > first:
                reason += f", carried over since {first} (budget ran out)"
                code = "safety_late"
        elif code == "pinned":
            reason = f"pinned to {year_no} by the planner"
        elif math.isinf(ratio):
            reason = "costs nothing at its expected grade"
            code = "free"
        elif method == "joint":
            reason = f"{why}: {pupil_years_k:,.1f} weighted pupil-years"
        else:
            reason = f"{why}: {_fmt_ratio(ratio)} benefit points per 1,000 SEK"
        if p_d > p_d0:
            reason += f"; expected cost allows a {p_d:.0%} chance it has worsened to D"
        reasons.append(reason)
        reason_codes.append(code)
    rows["reason"] = reasons
    rows["reason_code"] = reason_codes
    rows["reason_data"] = None
    return rows.loc[:, list(CHOSEN_COLUMNS)]


def _need_level(need: float) -> str | None:
    if math.isnan(need):
        return None
    return "high" if need >= HIGH_NEED else "medium" if need >= MEDIUM_NEED else "low"


def _with_reason_data(
    parts: list[pd.DataFrame], prepared: Items, settings: PlanSettings, method: SolverMethod
) -> pd.DataFrame:
    """The chosen rows of every year, each with its `reason_data` (`CHOSEN_REASON_KEYS`):
    the numbers its reason is made of, and the other elements done at its school that
    year (one project)."""
    chosen = pd.concat(parts, ignore_index=True)
    if chosen.empty:
        return chosen
    elements = chosen.groupby(["year", "site"])["element"].agg(lambda codes: sorted(set(codes)))
    sites = prepared.frame["site"]
    need = pd.Series(numeric_column(prepared.frame, "equity_need")).groupby(sites).first()
    site_need = chosen["site"].map(need).to_numpy(dtype=float)
    pupils = chosen["site"].map(pd.Series(prepared.pupils).groupby(sites).first())
    data = []
    for row, site_need_k, pupils_k in zip(
        chosen.itertuples(index=False), site_need.tolist(), pupils.tolist(), strict=True
    ):
        ratio = float(row.benefit_per_ksek)
        observed = 1.0 if row.grade == "D" else 0.0
        data.append(
            {
                "year": int(row.year),
                "element": str(row.element),
                "grade": str(row.grade),
                "pupils": int(pupils_k),
                "need": _need_level(site_need_k),
                "pupil_years": float(row.pupil_years),
                "benefit_per_ksek": None if math.isinf(ratio) else ratio,
                "p_grade_d": float(row.p_grade_d),
                "worsened": bool(row.p_grade_d > observed),
                "with_elements": [
                    code for code in elements[(row.year, row.site)] if code != row.element
                ],
                "first_year": settings.start_year,
                "method": method,
            }
        )
    chosen["reason_data"] = data
    return chosen


def _unfunded_rows(
    prepared: Items,
    year: Year,
    k: int,
    unfunded: np.ndarray,
    budget: int,
    settings: PlanSettings,
    why: str = "urgency-1 items with more benefit per krona used the",
    setup: int = 0,
) -> pd.DataFrame:
    """`setup`: the school's mobilisation in öre (joint plan), which an item alone at its
    school pays too: an item is over budget when the two exceed a year's budget."""
    year_no = settings.start_year + k
    last_year = k == settings.years - 1
    rows = _rows(prepared, year, k, unfunded, settings)
    reasons, codes, data = [], [], []
    for cost, cost_ore in zip(rows["cost"].tolist(), year.cost_ore[unfunded].tolist(), strict=True):
        if cost_ore + setup > budget:
            # The mobilisation named only where it is what puts the item over the budget.
            named = setup if cost_ore <= budget else 0
            with_setup = cost + named / ORE_PER_SEK
            reasons.append(
                f"costs {with_setup:,.0f} SEK"
                + (f" with the school's mobilisation ({named / ORE_PER_SEK:,.0f})" if named else "")
                + ", more than a whole year's budget: needs a separate decision"
            )
            codes.append("over_budget")
            data.append(
                {
                    "cost": float(with_setup),
                    "budget": budget / ORE_PER_SEK,
                    "mobilisation": named / ORE_PER_SEK,
                }
            )
            continue
        if last_year:
            reasons.append(f"does not fit the {year_no} budget, the last year of the plan")
        else:
            reasons.append(f"does not fit: {why} {year_no} budget; first in line next year")
        codes.append("no_room")
        data.append({"year": year_no, "last_year": last_year})
    rows["reason"] = reasons
    rows["reason_code"] = codes
    rows["reason_data"] = data if data else None
    return rows.loc[:, list(UNFUNDED_COLUMNS)]


def _assumptions(
    catalogue: Catalogue, settings: PlanSettings, method: SolverMethod, prices: PriceTable
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
        "horizon_years": settings.horizon,
        "benefit_unit": "weighted pupil-years: pupils x element weight share x severity "
        "removed / 100 x years left in the horizon x the site multiplier",
        "mobilisation_per_school_year": float(settings.mobilisation_sek)
        if method == "joint"
        else None,
        "mip_rel_gap_target": float(settings.mip_rel_gap) if method == "joint" else None,
        "costs": "expected cost at the expected grade, in the price year (rates scaled by "
        "the construction-cost index where it has the years), no inflation, rounded to "
        "whole öre",
        "missing_needs": "a missing experience or equity need counts as 0 in the multiplier",
        "budget_rollover": settings.carry_over,
        "safety_first": "urgency-1 items are funded before any other; those that do not "
        "fit are listed as unfunded and come first the next year",
    }
