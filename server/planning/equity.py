"""What the equity lens moves, and to whom: a plan's spending and benefit by quartile of
socioeconomic need, beside the same budget planned with the equity weight at zero.

Plain pandas, no Django; `items` as for `plan.plan`, plus `socioeconomic_need`.
"""

from __future__ import annotations

import dataclasses
from typing import Final

import numpy as np
import pandas as pd

from server.planning.plan import PlanResult, PlanSettings, plan
from server.planning.plan_items import QUARTILES, pupil_quartiles, site_needs
from server.prices.table import PriceTable
from shared.catalogue import Catalogue

REFERENCE_TIME_LIMIT_S: Final = 3.0
"""Seconds the condition-only plan the report compares with may take at most."""

REPORT_COLUMNS: Final[tuple[str, ...]] = (
    "quartile",
    "sites",
    "need_from",
    "need_to",
    "spend",
    "spend_share",
    "benefit",
    "benefit_share",
    "spend_no_equity",
    "spend_share_no_equity",
    "benefit_no_equity",
    "benefit_share_no_equity",
)


def site_quartiles(items: pd.DataFrame) -> pd.DataFrame:
    """Each candidate site's socioeconomic need and its quartile ("Q1".."Q4", or "unknown").

    Index: site (sorted). Quartiles hold equal numbers of pupils, not of sites
    (`plan_items.pupil_quartiles`): the sites with a known need sorted by need (ties by
    site), each in the quarter of the pupils its middle pupil falls in. Equal needs at a
    boundary may fall in neighbouring quartiles, but always the same way.
    """
    sites = site_needs(items)
    return pd.DataFrame({"need": sites["need"], "quartile": pupil_quartiles(items)})


def equity_report(
    items: pd.DataFrame,
    catalogue: Catalogue,
    settings: PlanSettings,
    *,
    planned: PlanResult | None = None,
    prices: PriceTable | None = None,
) -> pd.DataFrame:
    """Shares of spending and of benefit per quartile of socioeconomic need, for the plan
    and for the same budget planned with the equity weight at zero (`*_no_equity`).

    One row per quartile Q1..Q4 (and "unknown" when a site lacks a need); each share
    column sums to 1 over the rows (NaN if that plan funds nothing). Benefit here is the
    condition benefit, pupils x element weight x severity removed, without the site
    multiplier: both plans are measured on the same yardstick, so the comparison shows
    where the repairs land, not how the weights value them. The zero-equity plan sets
    alpha to 0, which takes the equity term out of the multiplier exactly as a zero
    equity weight would (the other weights keep their ratio, so the plan is the same).
    Pass `planned`, the result of `plan(items, catalogue, settings)`, to avoid planning
    it twice.
    """
    sites = site_quartiles(items)
    if planned is None:
        planned = plan(items, catalogue, settings, prices=prices)
    # The reference plan is a yardstick, not a decision: it may take less time than the plan
    # (on the demo city the joint plan runs to its limit; this halves a page's wait).
    reference = dataclasses.replace(
        settings,
        alpha=0.0,
        equity_floor=None,
        time_limit_s=min(settings.time_limit_s, REFERENCE_TIME_LIMIT_S),
    )
    without = plan(items, catalogue, reference, prices=prices)
    rows = [*QUARTILES, *(["unknown"] if (sites["quartile"] == "unknown").any() else [])]
    grouped = sites.groupby("quartile")["need"]
    report = pd.DataFrame({"quartile": rows})
    report["sites"] = grouped.size().reindex(rows, fill_value=0).to_numpy()
    report["need_from"] = grouped.min().reindex(rows).to_numpy()
    report["need_to"] = grouped.max().reindex(rows).to_numpy()
    for suffix, result in (("", planned), ("_no_equity", without)):
        quartile = result.chosen["site"].map(sites["quartile"])
        sums = result.chosen.groupby(quartile)[["cost", "condition_benefit"]].sum()
        spend = sums["cost"].reindex(rows, fill_value=0.0).to_numpy()
        benefit = sums["condition_benefit"].reindex(rows, fill_value=0.0).to_numpy()
        report[f"spend{suffix}"] = spend
        report[f"spend_share{suffix}"] = _shares(spend)
        report[f"benefit{suffix}"] = benefit
        report[f"benefit_share{suffix}"] = _shares(benefit)
    return report.loc[:, list(REPORT_COLUMNS)]


def _shares(values: np.ndarray) -> np.ndarray:
    total = values.sum()
    return values / total if total > 0 else np.full(len(values), np.nan)
