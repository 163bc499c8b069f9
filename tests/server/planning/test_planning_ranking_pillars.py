"""The three need pillars, computed by hand on small cities (server/planning/ranking.py)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from server.planning.ranking import condition_pillar, equity_pillar, experience_pillar

NAN = math.nan
WEIGHTS = {"roof": 2.0, "windows": 1.0, "yard_surface": 1.0}


def sites_frame(rows: dict[str, dict[str, Any]]) -> pd.DataFrame:
    defaults: dict[str, Any] = {
        "name": "Skola",
        "pupils": NAN,
        "replacement_value_sek": NAN,
        "yard_area_m2": NAN,
        "socioeconomic_need": NAN,
        "newly_arrived_share": NAN,
        "district": "Centrum",
        "school_forms": "grundskola",
    }
    frame = pd.DataFrame.from_dict(
        {code: {**defaults, **row} for code, row in rows.items()}, orient="index"
    )
    return frame.rename_axis("code")


def ratings_frame(rows: list[tuple[str, str, str, str, float, float]]) -> pd.DataFrame:
    """Rows of (site, element, location, grade, urgency, estimated_cost_sek)."""
    return pd.DataFrame(
        rows, columns=["site", "element", "location", "grade", "urgency", "estimated_cost_sek"]
    )


def experience_frame(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["site", "group", "index_mean"])
    return frame.assign(respondents=20)


# --- condition -----------------------------------------------------------------------


@pytest.fixture
def condition() -> pd.DataFrame:
    sites = sites_frame(
        {
            "mixed": {"replacement_value_sek": 20_000_000},
            "worn": {"replacement_value_sek": 20_000_000},
            "never": {"replacement_value_sek": 20_000_000},
            "uncosted": {"replacement_value_sek": 20_000_000},
            "unvalued": {},
        }
    )
    ratings = ratings_frame(
        [
            ("mixed", "roof", "main", "B", NAN, 600_000),
            ("mixed", "windows", "main", "D", 2, 1_200_000),
            ("mixed", "windows", "annex", "A", NAN, NAN),
            ("mixed", "yard_surface", "yard", "N", NAN, 0),
            ("worn", "roof", "main", "D", 1, 9_000_000),
            ("uncosted", "roof", "main", "C", NAN, NAN),
            ("unvalued", "roof", "main", "A", NAN, 0),
            ("elsewhere", "roof", "main", "D", 1, 1_000),  # a site not asked for: ignored
        ]
    )
    return condition_pillar(sites, ratings, WEIGHTS)


def test_it_weights_severity_by_element_and_counts_each_location(condition: pd.DataFrame) -> None:
    # roof B 2 x 33 + windows/main D 1 x 100 + windows/annex A 1 x 0; N not scored
    # = 166 / (2 + 1 + 1) = 41.5
    assert condition.loc["mixed", "severity"] == pytest.approx(41.5)


def test_it_scores_fci_linearly_up_to_thirty_percent(condition: pd.DataFrame) -> None:
    # (600,000 + 1,200,000) / 20,000,000 = 0.09 -> 0.09 / 0.30 x 100 = 30
    # condition = 0.5 x 41.5 + 0.5 x 30 = 35.75
    assert condition.loc["mixed", "fci"] == pytest.approx(0.09)
    assert condition.loc["mixed", "condition"] == pytest.approx(35.75)


def test_it_caps_fci_above_thirty_percent_at_full_need(condition: pd.DataFrame) -> None:
    # 9,000,000 / 20,000,000 = 0.45 -> 100; severity D = 100; condition 100
    assert condition.loc["worn", "fci"] == pytest.approx(0.45)
    assert condition.loc["worn", "condition"] == pytest.approx(100.0)


def test_it_flags_a_site_without_ratings_instead_of_scoring_it_zero(
    condition: pd.DataFrame,
) -> None:
    assert not condition.loc["never", "inspected"]
    assert np.isnan(condition.loc["never", "condition"])
    assert np.isnan(condition.loc["never", "severity"])
    assert condition.loc[["mixed", "worn", "uncosted", "unvalued"], "inspected"].all()


def test_it_lets_severity_carry_the_pillar_when_no_cost_or_value_is_known(
    condition: pd.DataFrame,
) -> None:
    # No estimated cost: FCI unknown, condition = severity C = 67.
    assert np.isnan(condition.loc["uncosted", "fci"])
    assert condition.loc["uncosted", "condition"] == pytest.approx(67.0)
    # No replacement value: FCI unknown, condition = severity A = 0 (a real zero).
    assert np.isnan(condition.loc["unvalued", "fci"])
    assert condition.loc["unvalued", "condition"] == pytest.approx(0.0)


def test_it_returns_one_row_per_site_in_the_sites_order(condition: pd.DataFrame) -> None:
    assert list(condition.index) == ["mixed", "worn", "never", "uncosted", "unvalued"]
    assert list(condition.columns) == ["severity", "fci", "condition", "inspected"]


def test_it_mixes_severity_and_fci_by_the_given_share() -> None:
    sites = sites_frame({"s": {"replacement_value_sek": 1_000_000}})
    ratings = ratings_frame([("s", "roof", "main", "C", NAN, 150_000)])

    result = condition_pillar(sites, ratings, WEIGHTS, severity_share=0.25)

    # severity 67, FCI 0.15 -> 50; 0.25 x 67 + 0.75 x 50 = 16.75 + 37.5 = 54.25
    assert result.loc["s", "condition"] == pytest.approx(54.25)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("s", "chimney", "main", "C", NAN, NAN)], "elements without a weight: chimney"),
        ([("s", "roof", "main", "E", NAN, NAN)], "ratings.grade must be one of A, B, C, D, N"),
        ([("s", "roof", "main", "C", 5, NAN)], "ratings.urgency must be 1, 2, 3, 4"),
        ([("s", "roof", "main", "C", NAN, -1.0)], "ratings.estimated_cost_sek must be in"),
        (
            [("s", "roof", "main", "C", NAN, NAN), ("s", "roof", "main", "D", NAN, NAN)],
            "one (the newest) rating per site, element and location; repeated: s, roof, main",
        ),
    ],
)
def test_it_rejects_ratings_it_cannot_score(
    rows: list[tuple[str, str, str, str, float, float]], message: str
) -> None:
    sites = sites_frame({"s": {"replacement_value_sek": 1_000_000}})

    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        condition_pillar(sites, ratings_frame(rows), WEIGHTS)


def test_it_names_the_missing_columns() -> None:
    sites = sites_frame({"s": {}})
    ratings = ratings_frame([]).drop(columns=["grade", "urgency"])

    with pytest.raises(ValueError, match="ratings is missing required columns: grade, urgency"):
        condition_pillar(sites, ratings, WEIGHTS)


def test_it_rejects_repeated_site_codes() -> None:
    sites = pd.concat([sites_frame({"s": {}}), sites_frame({"s": {}})])

    with pytest.raises(ValueError, match="one row per site code; repeated: s"):
        condition_pillar(sites, ratings_frame([]), WEIGHTS)


# --- experience ----------------------------------------------------------------------


@pytest.fixture
def survey() -> tuple[pd.DataFrame, pd.DataFrame]:
    sites = sites_frame({"both": {}, "parents_only": {}, "none": {}, "content": {}})
    experience = experience_frame(
        [
            ("both", "pupils", 7.0),
            ("both", "parents", 8.5),
            ("parents_only", "parents", 4.0),  # the pupils' result is suppressed: absent
            ("content", "pupils", 10.0),
            ("elsewhere", "pupils", 0.0),
        ]
    )
    return sites, experience


def test_it_weights_pupils_above_parents(survey: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    result = experience_pillar(*survey)

    # pupils (10 - 7) / 10 x 100 = 30, parents (10 - 8.5) / 10 x 100 = 15
    # 2/3 x 30 + 1/3 x 15 = 20 + 5 = 25
    assert result.loc["both", "experience"] == pytest.approx(25.0)


def test_it_renormalises_over_the_groups_shown(
    survey: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    result = experience_pillar(*survey)

    # parents only: (10 - 4) / 10 x 100 = 60, counted in full, not diluted by a zero
    assert result.loc["parents_only", "experience"] == pytest.approx(60.0)
    assert result.loc["content", "experience"] == pytest.approx(0.0)
    assert result.loc[["both", "parents_only", "content"], "has_survey"].all()


def test_it_flags_a_site_without_survey_results(
    survey: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    result = experience_pillar(*survey)

    assert not result.loc["none", "has_survey"]
    assert np.isnan(result.loc["none", "experience"])
    assert list(result.index) == ["both", "parents_only", "none", "content"]


def test_it_takes_the_pupils_weight_as_given(survey: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    result = experience_pillar(*survey, pupil_weight=0.5)

    # 0.5 x 30 + 0.5 x 15 = 22.5
    assert result.loc["both", "experience"] == pytest.approx(22.5)


@pytest.mark.parametrize(
    ("rows", "pupil_weight", "message"),
    [
        ([("s", "teachers", 5.0)], 2 / 3, "experience.group must be 'pupils' or 'parents'"),
        ([("s", "pupils", 10.5)], 2 / 3, r"experience.index_mean must be in \[0, 10\]"),
        ([("s", "pupils", 5.0), ("s", "pupils", 6.0)], 2 / 3, "at most one row per site"),
        ([("s", "pupils", 5.0)], 1.5, "pupil_weight must be a number from 0 to 1"),
    ],
)
def test_it_rejects_experience_it_cannot_use(
    rows: list[tuple[str, str, float]], pupil_weight: float, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        experience_pillar(sites_frame({"s": {}}), experience_frame(rows), pupil_weight)


# --- equity --------------------------------------------------------------------------


@pytest.fixture
def equity() -> pd.DataFrame:
    sites = sites_frame(
        {
            "full": {
                "socioeconomic_need": 40.0,
                "newly_arrived_share": 0.15,
                "yard_area_m2": 6_000,
                "pupils": 400,
            },
            "spacious": {"newly_arrived_share": 0.45, "yard_area_m2": 16_000, "pupils": 400},
            "unknown": {"yard_area_m2": 5_000},
            "need_only": {"socioeconomic_need": 90.0},
        }
    )
    return equity_pillar(sites)


def test_it_averages_need_newly_arrived_and_yard_shortfall(equity: pd.DataFrame) -> None:
    # yard 6,000 / 400 = 15 m2 per pupil -> (1 - 15 / 30) x 100 = 50
    # newly arrived 0.15 / 0.30 x 100 = 50; need 40 -> (40 + 50 + 50) / 3 = 46.667
    assert equity.loc["full", "yard_per_pupil"] == pytest.approx(15.0)
    assert equity.loc["full", "equity"] == pytest.approx(140 / 3)


def test_it_skips_missing_equity_parts(equity: pd.DataFrame) -> None:
    # 0.45 -> capped at 100; 40 m2 per pupil -> no shortfall 0; need unknown
    # (100 + 0) / 2 = 50
    assert equity.loc["spacious", "equity"] == pytest.approx(50.0)
    assert equity.loc["need_only", "equity"] == pytest.approx(90.0)


def test_it_leaves_equity_missing_when_no_part_is_known(equity: pd.DataFrame) -> None:
    # yard known but pupils not: no area per pupil
    assert np.isnan(equity.loc["unknown", "yard_per_pupil"])
    assert np.isnan(equity.loc["unknown", "equity"])


def test_it_measures_the_yard_against_the_given_guideline() -> None:
    sites = sites_frame({"s": {"yard_area_m2": 6_000, "pupils": 400}})

    # 15 m2 per pupil against 20: (1 - 15 / 20) x 100 = 25
    assert equity_pillar(sites, 20.0).loc["s", "equity"] == pytest.approx(25.0)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"socioeconomic_need": 101.0}, r"sites.socioeconomic_need must be in \[0, 100\]"),
        ({"newly_arrived_share": -0.1}, r"sites.newly_arrived_share must be in \[0, 1\]"),
        ({"pupils": 0}, r"sites.pupils must be in \(0, inf\]"),
        ({"yard_area_m2": -5.0}, r"sites.yard_area_m2 must be in \[0, inf\]"),
        ({"socioeconomic_need": "high"}, "sites.socioeconomic_need must hold numbers"),
    ],
)
def test_it_rejects_site_values_out_of_range(row: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        equity_pillar(sites_frame({"s": row}))
