"""The equity report (server.planning.equity): spending and benefit by quartile of
socioeconomic need, beside the same budget planned with the equity weight at zero."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from server.planning.equity import REPORT_COLUMNS, equity_report, site_quartiles
from server.planning.plan import ITEM_COLUMNS, PlanSettings, plan
from shared.catalogue import load_catalogue

CATALOGUE = load_catalogue()
SETTINGS = PlanSettings(budget_per_year=400_000, start_year=2027, years=1, method="yearly")


def city(needs: list[float | None], pupils: list[int]) -> pd.DataFrame:
    """One roof in grade C (100 m2, 90,000 SEK) per site; equity need = socioeconomic need."""
    rows: list[dict[str, Any]] = [
        {
            "site": f"S{n}",
            "element": "roof",
            "location": "Hus A",
            "grade": "C",
            "urgency": np.nan,
            "quantity": 100,
            "pupils": count,
            "experience_need": np.nan,
            "equity_need": need,
            "socioeconomic_need": need,
        }
        for n, (need, count) in enumerate(zip(needs, pupils, strict=True))
    ]
    return pd.DataFrame(rows, columns=[*ITEM_COLUMNS, "socioeconomic_need"])


# Low-need sites have a few more pupils, so without the equity lens they win.
ITEMS = city([10, 20, 30, 40, 60, 70, 80, 90], [215, 215, 215, 215, 200, 200, 200, 200])


def test_it_sums_each_share_to_one_and_shows_the_zero_equity_plan() -> None:
    report = equity_report(ITEMS, CATALOGUE, SETTINGS)
    assert list(report.columns) == list(REPORT_COLUMNS)
    assert report["quartile"].tolist() == ["Q1", "Q2", "Q3", "Q4"]
    for column in (
        "spend_share",
        "benefit_share",
        "spend_share_no_equity",
        "benefit_share_no_equity",
    ):
        assert report[column].sum() == pytest.approx(1.0)


def test_it_shows_what_the_equity_lens_moves_and_to_whom() -> None:
    # Budget for four roofs: with equity, the four neediest (Q3, Q4); without, Q1, Q2.
    report = equity_report(ITEMS, CATALOGUE, SETTINGS).set_index("quartile")
    assert report["sites"].tolist() == [2, 2, 2, 2]
    assert report["spend"].tolist() == [0, 0, 180_000, 180_000]
    assert report["spend_share"].tolist() == [0, 0, 0.5, 0.5]
    assert report["spend_share_no_equity"].tolist() == [0.5, 0.5, 0, 0]
    # Benefit on one yardstick (no multiplier): 2 roofs x 200 pupils x 3 x 67.
    assert report.loc["Q4", "benefit"] == pytest.approx(2 * 200 * 3 * 67)
    assert report.loc["Q1", "benefit_no_equity"] == pytest.approx(2 * 215 * 3 * 67)
    assert report.loc["Q1", "need_from"] == 10
    assert report.loc["Q4", "need_to"] == 90


def test_it_reports_sites_without_a_need_apart() -> None:
    items = city([10, 20, None, 40, 50], [100] * 5)
    quartiles = site_quartiles(items)
    assert quartiles["quartile"].to_dict() == {
        "S0": "Q1",
        "S1": "Q2",
        "S2": "unknown",
        "S3": "Q3",
        "S4": "Q4",
    }
    report = equity_report(items, CATALOGUE, SETTINGS)
    assert report["quartile"].tolist() == ["Q1", "Q2", "Q3", "Q4", "unknown"]
    assert report["spend_share"].sum() == pytest.approx(1.0)


def test_it_splits_sites_into_equal_quartiles_ties_by_site() -> None:
    items = city([50] * 8, [100] * 8)
    assert site_quartiles(items)["quartile"].tolist() == ["Q1", "Q1", "Q2", "Q2"] + [
        "Q3",
        "Q3",
        "Q4",
        "Q4",
    ]


def test_it_uses_a_given_plan_instead_of_planning_again() -> None:
    planned = plan(ITEMS, CATALOGUE, SETTINGS)
    # Drop the plan's first choice: the report must show the plan it was given.
    trimmed = type(planned)(
        chosen=planned.chosen.iloc[1:],
        totals=planned.totals,
        unfunded_safety=planned.unfunded_safety,
        assumptions=planned.assumptions,
        method=planned.method,
    )
    report = equity_report(ITEMS, CATALOGUE, SETTINGS, planned=trimmed)
    assert report["spend"].sum() == planned.chosen["cost"].iloc[1:].sum()


def test_it_gives_no_shares_when_nothing_is_funded() -> None:
    tight = PlanSettings(budget_per_year=1_000, start_year=2027, years=1, method="yearly")
    report = equity_report(ITEMS, CATALOGUE, tight)
    assert report["spend_share"].isna().all()


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (ITEMS.drop(columns="socioeconomic_need"), "items is missing required columns: "),
        (ITEMS.assign(socioeconomic_need=150), "items.socioeconomic_need must be from 0 to 100"),
        (
            pd.concat([ITEMS.iloc[:1], ITEMS.iloc[:1].assign(location="B", socioeconomic_need=5)]),
            "items.socioeconomic_need must be the same on every row of a site",
        ),
    ],
)
def test_it_rejects_invalid_needs(items: pd.DataFrame, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{message}"):
        equity_report(items, CATALOGUE, SETTINGS)
