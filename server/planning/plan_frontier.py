"""The equity frontier: the plan solved at each equity weight alpha, to show a board what
fairness costs. Each point gives the plan's total benefit, valued at alpha = 0 so that
the points compare (a plan that favours need is measured on the same yardstick as one
that does not), and the share of spend and of benefit that reaches the quarter of pupils
with the highest socioeconomic need. Plain pandas, no Django.

Speed: a demo-sized city (about 140 schools, 2,000 items, 5 years) takes HiGHS some 8-10 s
per joint plan to close the gap to 0.01 %, too slow for ten points. Each point is solved
with the gap at least `FRONTIER_MIP_GAP` and at most `FRONTIER_TIME_LIMIT_S` seconds
(the joint plan keeps its greedy warm start when HiGHS stops first), so the points are
within about that gap of their optimum. So that this noise never shows as a point that
is worse at its own alpha than another point's plan, every plan found is valued at every
alpha, and each alpha keeps the best of them for its own objective (the constraints do not
depend on alpha, so each is a valid plan there): the frontier is never beaten by a plan
it already holds.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from server.planning.plan import PlanResult, PlanSettings, costed_items, plan
from server.planning.plan_items import QUARTILES, pupil_quartiles
from server.prices.table import PriceTable, default_prices
from shared.catalogue import Catalogue

__all__ = [
    "FRONTIER_ALPHAS",
    "FRONTIER_MIP_GAP",
    "FRONTIER_TIME_LIMIT_S",
    "FrontierPoint",
    "equity_frontier",
    "pupil_quartiles",
]

FRONTIER_ALPHAS: Final = (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0)
FRONTIER_MIP_GAP: Final = 0.005
"""The relative optimality gap each point is solved to (or the plan's, if looser)."""
FRONTIER_TIME_LIMIT_S: Final = 1.0
"""Seconds each point's solve may take at most (or the plan's limit, if shorter)."""
TOP: Final = QUARTILES[-1]


@dataclass(frozen=True)
class FrontierPoint:
    """One plan of the frontier."""

    alpha: float
    total_benefit: float
    """Weighted pupil-years valued at alpha = 0 (comparable across points)."""
    top_quartile_spend_share: float
    """0..1 of all spend (safety and mobilisation included) going to the top need quartile."""
    top_quartile_benefit_share: float
    """0..1 of `total_benefit` going to the top need quartile."""


def equity_frontier(
    items: pd.DataFrame,
    catalogue: Catalogue,
    settings: PlanSettings,
    *,
    prices: PriceTable | None = None,
    alphas: Sequence[float] = FRONTIER_ALPHAS,
    progress: Callable[[int, int], None] | None = None,
    time_limit_s: float = FRONTIER_TIME_LIMIT_S,
    mip_rel_gap: float = FRONTIER_MIP_GAP,
) -> list[FrontierPoint]:
    """The plan at each of `alphas`, `settings` otherwise (pins, floor and all), each
    solved to at least `mip_rel_gap` in at most `time_limit_s` (the settings' own, if
    tighter or shorter). `progress(done, total)` is called after each point. `items`
    needs `socioeconomic_need` (the quartiles)."""
    prices = prices or default_prices(catalogue)
    quartile = pupil_quartiles(items)
    point_settings = dataclasses.replace(
        settings,
        time_limit_s=min(settings.time_limit_s, time_limit_s),
        mip_rel_gap=max(settings.mip_rel_gap, mip_rel_gap),
    )
    # The multiplier per site at alpha = 0 (the yardstick every point is valued on) and at
    # 1: it is linear in alpha.
    multiplier0, multiplier1 = (
        costed_items(items, catalogue, dataclasses.replace(point_settings, alpha=a))
        .groupby("site")["multiplier"]
        .first()
        for a in (0.0, 1.0)
    )
    total_weight = sum(element.weight for element in catalogue.elements)
    results = []
    for done, alpha in enumerate(alphas, start=1):
        results.append(
            plan(
                items,
                catalogue,
                dataclasses.replace(point_settings, alpha=float(alpha)),
                prices=prices,
            )
        )
        if progress is not None:
            progress(done, len(alphas))
    points = []
    for own, alpha in enumerate(alphas):
        multiplier = multiplier0 + float(alpha) * (multiplier1 - multiplier0)
        values = [_value(r, multiplier, total_weight, point_settings) for r in results]
        # The best plan found for this alpha's objective; its own on a tie.
        best = max(range(len(results)), key=lambda j: (values[j], j == own))
        points.append(
            _point(float(alpha), results[best], quartile, multiplier0, total_weight, point_settings)
        )
    return points


def _value(
    result: PlanResult, multiplier: pd.Series, total_weight: float, settings: PlanSettings
) -> float:
    """The plan's weighted pupil-years with the sites' multipliers `multiplier`."""
    return float(_item_values(result, multiplier, total_weight, settings).sum())


def _item_values(
    result: PlanResult, multiplier: pd.Series, total_weight: float, settings: PlanSettings
) -> np.ndarray:
    # pupil-years = condition benefit / total weight / 100 x multiplier x years left
    chosen = result.chosen
    years_left = settings.horizon - (chosen["year"].to_numpy() - settings.start_year)
    return (
        chosen["condition_benefit"].to_numpy()
        / total_weight
        / 100
        * chosen["site"].map(multiplier).to_numpy(dtype=float)
        * years_left
    )


def _point(
    alpha: float,
    result: PlanResult,
    quartile: pd.Series,
    multiplier0: pd.Series,
    total_weight: float,
    settings: PlanSettings,
) -> FrontierPoint:
    chosen = result.chosen
    top = (chosen["site"].map(quartile) == TOP).to_numpy(dtype=bool)
    value0 = _item_values(result, multiplier0, total_weight, settings)
    # Mobilisation (joint plan only) is paid once per school and year with work.
    mobilisation = float(settings.mobilisation_sek) if result.method == "joint" else 0.0
    projects = chosen[["year", "site"]].drop_duplicates()
    top_projects = int((projects["site"].map(quartile) == TOP).sum())
    spend = float(chosen["cost"].sum()) + len(projects) * mobilisation
    top_spend = float(chosen["cost"].to_numpy()[top].sum()) + top_projects * mobilisation
    total = float(value0.sum())
    return FrontierPoint(
        alpha=alpha,
        total_benefit=total,
        top_quartile_spend_share=top_spend / spend if spend > 0 else 0.0,
        top_quartile_benefit_share=float(value0[top].sum()) / total if total > 0 else 0.0,
    )
