"""Weights, the priority, its breakdown and the rank (server/planning/ranking.py)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from server.planning.ranking import PILLARS, Weights, rank

NAN = math.nan
ELEMENT_WEIGHTS = {"facade": 1.5, "roof": 2.0, "windows": 1.0, "yard_surface": 1.0}


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
        {code: {**defaults, "name": f"Skolan {code}", **row} for code, row in rows.items()},
        orient="index",
    )
    return frame.rename_axis("code")


def ratings_frame(rows: list[tuple[str, str, str, str, float, float]]) -> pd.DataFrame:
    """Rows of (site, element, location, grade, urgency, estimated_cost_sek)."""
    return pd.DataFrame(
        rows, columns=["site", "element", "location", "grade", "urgency", "estimated_cost_sek"]
    )


def experience_frame(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["site", "group", "index_mean"]).assign(respondents=20)


@pytest.fixture
def city() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Five sites, listed out of code order on purpose.

    kv1: equity only (need 60)                                   -> priority 60
    ab1: condition 100, experience 50, equity (20 + 0 + 0) / 3   -> 64.167
    cd1, cd0: the same data: condition 67, equity 50             -> 61.333 each
    zz9: nothing known                                           -> no priority, last
    """
    sites = sites_frame(
        {
            "kv1": {"socioeconomic_need": 60.0},
            "ab1": {
                "replacement_value_sek": 20_000_000,
                "socioeconomic_need": 20.0,
                "newly_arrived_share": 0.0,
                "pupils": 100,
                "yard_area_m2": 3_000,
            },
            "cd1": {"socioeconomic_need": 0.0, "newly_arrived_share": 0.3},
            "cd0": {"socioeconomic_need": 0.0, "newly_arrived_share": 0.3},
            "zz9": {},
        }
    )
    ratings = ratings_frame(
        [
            ("ab1", "roof", "main", "D", 2, 6_000_000),  # severity 100, FCI 0.30 -> 100
            ("cd1", "roof", "main", "C", 1, NAN),  # severity 67, no cost; urgency 1
            ("cd0", "roof", "main", "C", NAN, NAN),
        ]
    )
    experience = experience_frame([("ab1", "pupils", 5.0)])  # (10 - 5) / 10 x 100 = 50
    return sites, ratings, experience


@pytest.fixture
def ranked(city: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]) -> pd.DataFrame:
    return rank(*city, Weights(), element_weights=ELEMENT_WEIGHTS)


def test_it_ranks_by_priority_most_need_first_with_ties_by_site_code(
    ranked: pd.DataFrame,
) -> None:
    assert list(ranked.index) == ["ab1", "cd0", "cd1", "kv1", "zz9"]
    assert list(ranked["rank"]) == [1, 2, 3, 4, 5]
    assert ranked.index.name == "site"


def test_it_computes_the_weighted_sum_over_the_pillars_a_site_has(ranked: pd.DataFrame) -> None:
    # ab1: 0.5 x 100 + 0.25 x 50 + 0.25 x 6.667 = 50 + 12.5 + 1.667 = 64.167
    assert ranked.loc["ab1", "priority"] == pytest.approx(50 + 12.5 + 0.25 * 20 / 3)
    # cd0: no survey; (0.5 x 67 + 0.25 x 50) / (0.5 + 0.25) = 46 / 0.75 = 61.333
    assert ranked.loc["cd0", "priority"] == pytest.approx(46 / 0.75)
    # kv1: equity alone; 0.25 x 60 / 0.25 = 60
    assert ranked.loc["kv1", "priority"] == pytest.approx(60.0)
    assert np.isnan(ranked.loc["zz9", "priority"])


def test_it_splits_the_priority_into_pillar_contributions(ranked: pd.DataFrame) -> None:
    contributions = ranked[[f"contrib_{pillar}" for pillar in PILLARS]]

    assert list(contributions.loc["ab1"]) == pytest.approx([50.0, 12.5, 0.25 * 20 / 3])
    # cd0: 0.5 x 67 / 0.75 = 44.667, experience missing, 0.25 x 50 / 0.75 = 16.667
    assert contributions.loc["cd0", "contrib_condition"] == pytest.approx(33.5 / 0.75)
    assert np.isnan(contributions.loc["cd0", "contrib_experience"])
    assert contributions.loc["cd0", "contrib_equity"] == pytest.approx(12.5 / 0.75)
    known = ranked["priority"].notna()
    assert contributions[known].sum(axis=1).to_numpy() == pytest.approx(
        ranked.loc[known, "priority"].to_numpy()
    )


def test_it_lists_the_missing_pillars_and_the_input_flags(ranked: pd.DataFrame) -> None:
    assert ranked["missing"].to_dict() == {
        "ab1": [],
        "cd0": ["experience"],
        "cd1": ["experience"],
        "kv1": ["condition", "experience"],
        "zz9": ["condition", "experience", "equity"],
    }
    assert ranked["inspected"].to_dict() == {
        "ab1": True,
        "cd0": True,
        "cd1": True,
        "kv1": False,
        "zz9": False,
    }
    assert list(ranked.index[ranked["has_survey"]]) == ["ab1"]
    assert ranked["imputed"].map(len).sum() == 0


def test_it_puts_any_urgency_one_site_on_the_act_now_list(ranked: pd.DataFrame) -> None:
    assert list(ranked.index[ranked["act_now"]]) == ["cd1"]


def test_it_carries_the_sites_descriptive_columns(ranked: pd.DataFrame) -> None:
    assert ranked.loc["ab1", "name"] == "Skolan ab1"
    assert ranked.loc["ab1", "district"] == "Centrum"
    assert ranked.loc["ab1", "school_forms"] == "grundskola"
    assert ranked.loc["ab1", "yard_per_pupil"] == pytest.approx(30.0)
    assert ranked.loc["ab1", "fci"] == pytest.approx(0.30)


def test_it_follows_the_planners_weights(
    city: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame],
) -> None:
    ranked = rank(
        *city, Weights(condition=0, experience=0, equity=1), element_weights=ELEMENT_WEIGHTS
    )

    # equity only: kv1 60, cd0 = cd1 50, ab1 6.667; zz9 none
    assert list(ranked.index) == ["kv1", "cd0", "cd1", "ab1", "zz9"]
    assert ranked.loc["cd0", "contrib_condition"] == 0.0


def test_it_gives_no_priority_to_a_site_whose_only_pillars_weigh_nothing(
    city: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame],
) -> None:
    ranked = rank(
        *city, Weights(condition=1, experience=0, equity=0), element_weights=ELEMENT_WEIGHTS
    )

    assert np.isnan(ranked.loc["kv1", "priority"])
    assert list(ranked.index) == ["ab1", "cd0", "cd1", "kv1", "zz9"]


def test_it_lists_the_three_worst_defects_by_element_weight_times_severity() -> None:
    sites = sites_frame({"s": {}})
    ratings = ratings_frame(
        [
            ("s", "roof", "main", "B", NAN, NAN),  # 2 x 33 = 66
            ("s", "windows", "main", "D", NAN, NAN),  # 1 x 100 = 100
            ("s", "windows", "annex", "D", NAN, NAN),  # 100, ties by location: annex first
            ("s", "yard_surface", "yard", "C", NAN, NAN),  # 1 x 67 = 67
            ("s", "facade", "main", "A", NAN, NAN),  # no defect
            ("s", "facade", "annex", "N", NAN, NAN),  # not present
        ]
    )

    ranked = rank(sites, ratings, experience_frame([]), element_weights=ELEMENT_WEIGHTS)

    assert ranked.loc["s", "top_defects"] == [
        ("windows", "annex", "D"),
        ("windows", "main", "D"),
        ("yard_surface", "yard", "C"),
    ]


def test_it_lists_no_defects_for_a_site_in_good_order(ranked: pd.DataFrame) -> None:
    assert ranked.loc["kv1", "top_defects"] == []
    assert ranked.loc["ab1", "top_defects"] == [("roof", "main", "D")]


def test_it_imputes_missing_pillars_with_the_median_for_topsis_only() -> None:
    sites = sites_frame(
        {
            "max": {"replacement_value_sek": 1_000_000, "socioeconomic_need": 100.0},
            "min": {"replacement_value_sek": 1_000_000, "socioeconomic_need": 0.0},
            "mid": {"socioeconomic_need": 50.0},
        }
    )
    ratings = ratings_frame(
        [
            ("max", "roof", "main", "D", NAN, 300_000),  # condition 100
            ("min", "roof", "main", "A", NAN, 0),  # condition 0
        ]
    )
    experience = experience_frame(
        [("max", "pupils", 0.0), ("min", "pupils", 10.0), ("mid", "pupils", 5.0)]
    )

    ranked = rank(sites, ratings, experience, method="topsis", element_weights=ELEMENT_WEIGHTS)

    # mid's condition is imputed with the median of 100 and 0 = 50, so mid is (50, 50, 50):
    # half-way between the ideal (100, 100, 100) and the anti-ideal (0, 0, 0) after any
    # per-column scaling, hence closeness 0.5 and priority 50.
    assert ranked["priority"].to_dict() == pytest.approx({"max": 100.0, "mid": 50.0, "min": 0.0})
    assert ranked["imputed"].to_dict() == {"max": [], "mid": ["condition"], "min": []}
    assert ranked.loc["mid", "missing"] == ["condition"]
    assert np.isnan(ranked.loc["mid", "condition"])  # shown as missing, not as 50
    contributions = ranked.loc["mid", [f"contrib_{pillar}" for pillar in PILLARS]]
    # attribution in proportion to w x pillar: 0.5 x 50, 0.25 x 50, 0.25 x 50 of 50
    assert list(contributions) == pytest.approx([25.0, 12.5, 12.5])


def test_it_rejects_an_unknown_method(
    city: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame],
) -> None:
    with pytest.raises(
        ValueError, match="unknown method 'electre'; use one of weighted_sum, topsis"
    ):
        rank(*city, method="electre", element_weights=ELEMENT_WEIGHTS)  # type: ignore[arg-type]


def test_it_names_the_site_columns_it_lacks(
    city: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame],
) -> None:
    sites, ratings, experience = city

    with pytest.raises(ValueError, match="sites is missing required columns: pupils, district"):
        rank(
            sites.drop(columns=["district", "pupils"]),
            ratings,
            experience,
            element_weights=ELEMENT_WEIGHTS,
        )


def test_it_ranks_an_empty_city() -> None:
    ranked = rank(
        sites_frame({}).reindex(columns=list(sites_frame({"x": {}}).columns)),
        ratings_frame([]),
        experience_frame([]),
        element_weights=ELEMENT_WEIGHTS,
    )

    assert len(ranked) == 0
    assert {"rank", "priority", "contrib_condition", "top_defects"} <= set(ranked.columns)


# --- weights -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"condition": -0.1}, "weight 'condition' must not be negative, got -0.1"),
        ({"experience": NAN}, "weight 'experience' must be finite, got nan"),
        ({"equity": math.inf}, "weight 'equity' must be finite, got inf"),
        ({"condition": "0.5"}, "weight 'condition' must be a number, got '0.5'"),
        ({"condition": True}, "weight 'condition' must be a number, got True"),
        (
            {"condition": 0, "experience": 0, "equity": 0},
            "at least one pillar weight must be positive; all are zero",
        ),
    ],
)
def test_it_rejects_unusable_weights(given: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Weights(**given)


@pytest.mark.parametrize(
    "given",
    [{}, {"condition": 0, "experience": 0, "equity": 1}, {"condition": 2, "experience": 1}],
)
def test_it_accepts_weights_on_any_scale(given: dict[str, float]) -> None:
    weights = Weights(**given)

    assert weights.as_dict() == {
        "condition": float(given.get("condition", 0.5)),
        "experience": float(given.get("experience", 0.25)),
        "equity": float(given.get("equity", 0.25)),
    }


def test_it_ranks_the_same_under_proportional_weights(
    city: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame],
) -> None:
    one = rank(*city, Weights(0.5, 0.25, 0.25), element_weights=ELEMENT_WEIGHTS)
    four = rank(*city, Weights(2, 1, 1), element_weights=ELEMENT_WEIGHTS)

    assert list(one.index) == list(four.index)
    assert one["priority"].to_numpy() == pytest.approx(four["priority"].to_numpy(), nan_ok=True)
