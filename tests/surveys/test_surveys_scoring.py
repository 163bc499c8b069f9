"""Index scoring (surveys/scoring.py) on small cases worked out by hand.

Scores are on 0-10: answer values 0..3 score 0, 10/3, 20/3, 10. In the aggregate cases
a unit with n respondents, mean m and variance v has score_sum = n*m and
score_sumsq = (n - 1)*v + n*m^2.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Hashable, Sequence

import numpy as np
import pandas as pd
import pytest

from surveys.questionnaire import ANSWER_VALUES, answer_score
from surveys.scoring import (
    AGGREGATE_COLUMNS,
    AGGREGATE_SQL,
    DISTRIBUTION_COLUMNS,
    SCORED_COLUMNS,
    THRESHOLD_DEFAULT,
    aggregate,
    city_distribution,
    respondent_scores,
    score_indices,
)

T_975_4 = 2.7764451051977987  # t quantile 0.975 with 4 degrees of freedom
Row = tuple[Hashable, str, str, int, Sequence[object]]
"""(unit, group, index, response, [value per item]); None is "vet inte"."""
HIDDEN = ["mean", "sd", "se", "ci_low", "ci_high", "shrink_weight", "shrunk"]


def answers(rows: Sequence[Row]) -> pd.DataFrame:
    """Answer rows, one per response and item."""
    return pd.DataFrame(
        [
            {"response": response, "unit": unit, "group": group, "index": index, "value": value}
            for unit, group, index, response, values in rows
            for value in values
        ],
        columns=["response", "unit", "group", "index", "value"],
    )


def cell(unit: Hashable, n: int, mean: float, variance: float, **keys: str) -> dict[str, object]:
    """One aggregate row for n respondents with this mean and variance (see module doc)."""
    return {
        "unit": unit,
        "group": keys.get("group", "pupils"),
        "index": keys.get("index", "toilets"),
        "respondents": n,
        "score_sum": n * mean,
        "score_sumsq": (n - 1) * variance + n * mean**2,
    }


def row(scored: pd.DataFrame, unit: Hashable) -> pd.Series:
    (position,) = np.flatnonzero(scored["unit"] == unit)
    return scored.iloc[position]


# Unit A, pupils, toilets, two items per respondent:
#   r1 [3, 3] -> 10;  r2 [2, 2] -> 20/3;  r3 [3, 1] -> 20/3;  r4 [2, vet inte] -> 20/3;
#   r5 [1, 1] -> 10/3;  r6 [vet inte, vet inte] -> no score, not a respondent.
# n = 5, mean = (10 + 20/3 * 3 + 10/3) / 5 = 20/3,
# squared deviations (10/3)^2 + 0 + 0 + 0 + (10/3)^2 = 200/9, variance = 200/9 / 4 = 50/9,
# sd = sqrt(50/9) = 2.3570, se = sqrt(50/9 / 5) = sqrt(10/9) = 1.0541 (the only shown
# unit, so the pooled within-unit variance is its own), half-width t(0.975, 4) * se.
SCHOOL_A: list[Row] = [
    ("A", "pupils", "toilets", 1, [3, 3]),
    ("A", "pupils", "toilets", 2, [2, 2]),
    ("A", "pupils", "toilets", 3, [3, 1]),
    ("A", "pupils", "toilets", 4, [2, None]),
    ("A", "pupils", "toilets", 5, [1, 1]),
    ("A", "pupils", "toilets", 6, [None, None]),
]


def test_it_scores_each_respondent_as_the_mean_of_their_item_scores() -> None:
    scores = respondent_scores(answers(SCHOOL_A))

    assert scores.columns.tolist() == ["unit", "group", "index", "response", "score"]
    assert scores["response"].tolist() == [1, 2, 3, 4, 5]
    assert scores["score"].tolist() == pytest.approx([10, 20 / 3, 20 / 3, 20 / 3, 10 / 3])


@pytest.mark.parametrize("value", ANSWER_VALUES)
def test_it_scores_an_answer_as_the_questionnaire_does(value: int) -> None:
    scores = respondent_scores(answers([("A", "pupils", "safety", 1, [value])]))

    assert scores["score"].tolist() == [answer_score(value)]


def test_it_aggregates_respondent_scores_to_count_sum_and_sum_of_squares() -> None:
    aggregates = aggregate(respondent_scores(answers(SCHOOL_A)))

    assert aggregates.columns.tolist() == list(AGGREGATE_COLUMNS)
    assert len(aggregates) == 1
    # 10 + 3 * 20/3 + 10/3 = 100/3;  100 + 3 * 400/9 + 100/9 = 2200/9
    assert aggregates.loc[0, "respondents"] == 5
    assert aggregates.loc[0, "score_sum"] == pytest.approx(100 / 3)
    assert aggregates.loc[0, "score_sumsq"] == pytest.approx(2200 / 9)


def test_it_scores_a_unit_by_hand() -> None:
    scored = score_indices(answers(SCHOOL_A).pipe(respondent_scores))

    assert scored.columns.tolist() == list(SCORED_COLUMNS)
    a = row(scored, "A")
    assert a["respondents"] == 5
    assert not a["suppressed"]
    assert a["mean"] == pytest.approx(20 / 3)
    assert a["sd"] == pytest.approx(math.sqrt(50 / 9))
    assert a["se"] == pytest.approx(math.sqrt(10 / 9))
    assert a["ci_low"] == pytest.approx(20 / 3 - T_975_4 * math.sqrt(10 / 9))  # 3.7400
    assert a["ci_high"] == pytest.approx(20 / 3 + T_975_4 * math.sqrt(10 / 9))  # 9.5933
    # One shown unit: it is the city, and there is no between-unit variance to estimate.
    assert a["city_mean"] == pytest.approx(20 / 3)
    assert a["shrink_weight"] == 0
    assert a["shrunk"] == pytest.approx(20 / 3)


def test_it_leaves_vet_inte_out_as_if_the_item_were_unanswered() -> None:
    without = [(u, g, i, r, [v for v in vs if v is not None]) for u, g, i, r, vs in SCHOOL_A]

    assert_frame_equal = pd.testing.assert_frame_equal
    assert_frame_equal(
        score_indices(respondent_scores(answers(SCHOOL_A))),
        score_indices(respondent_scores(answers(without))),
    )
    # Scored as 0 instead, r4 would be 10/3 and r6 a sixth respondent at 0.
    assert row(score_indices(respondent_scores(answers(SCHOOL_A))), "A")["respondents"] == 5


def test_it_counts_a_respondent_once_per_index_however_many_items_they_answered() -> None:
    many = [("A", "pupils", "safety", 1, [3] * 6), ("A", "pupils", "safety", 2, [0])]

    aggregates = aggregate(respondent_scores(answers(many)))

    assert aggregates["respondents"].tolist() == [2]
    assert aggregates["score_sum"].tolist() == pytest.approx([10.0])  # 10 + 0, not 6 * 10


def test_it_keeps_units_groups_and_indices_apart() -> None:
    rows = [
        ("A", "pupils", "toilets", 1, [3]),
        ("A", "pupils", "safety", 1, [0]),
        ("A", "parents", "toilets", 2, [1]),
        ("B", "pupils", "toilets", 3, [2]),
    ]

    aggregates = aggregate(respondent_scores(answers(rows)))

    assert aggregates[["unit", "group", "index", "respondents", "score_sum"]].to_dict(
        "records"
    ) == [
        {
            "unit": "A",
            "group": "parents",
            "index": "toilets",
            "respondents": 1,
            "score_sum": 10 / 3,
        },
        {"unit": "A", "group": "pupils", "index": "safety", "respondents": 1, "score_sum": 0.0},
        {"unit": "A", "group": "pupils", "index": "toilets", "respondents": 1, "score_sum": 10.0},
        {"unit": "B", "group": "pupils", "index": "toilets", "respondents": 1, "score_sum": 20 / 3},
    ]


# Shrinkage, four units in one (group, index), all with respondent variance 5:
#   U1 n=5 mean 4, U2 n=20 mean 4, U3 n=5 mean 8, U4 n=20 mean 8.
# Pooled within-unit variance 5, so se^2 = 5/n: 1, 0.25, 1, 0.25.
# City mean (4 + 4 + 8 + 8) / 4 = 6; variance of the unit means (4 * 2^2) / 3 = 16/3;
# mean se^2 = 2.5 / 4 = 0.625; tau^2 = 16/3 - 5/8 = 113/24.
# w(n=5) = (113/24) / (113/24 + 1) = 113/137; w(n=20) = (113/24) / (113/24 + 1/4) = 113/119.
# shrunk = 6 + w * (mean - 6): U1 6 - 226/137, U2 6 - 226/119, U3 6 + 226/137, U4 6 + 226/119.
FOUR_UNITS = pd.DataFrame(
    [cell("U1", 5, 4, 5), cell("U2", 20, 4, 5), cell("U3", 5, 8, 5), cell("U4", 20, 8, 5)]
)


def test_it_shrinks_toward_the_city_mean_by_hand() -> None:
    scored = score_indices(FOUR_UNITS)

    assert scored["city_mean"].tolist() == pytest.approx([6, 6, 6, 6])
    assert scored["se"].tolist() == pytest.approx([1, 0.5, 1, 0.5])
    assert scored["shrink_weight"].tolist() == pytest.approx([113 / 137, 113 / 119] * 2)
    assert scored["shrunk"].tolist() == pytest.approx(
        [6 - 226 / 137, 6 - 226 / 119, 6 + 226 / 137, 6 + 226 / 119]
    )


def test_it_moves_small_schools_more_than_large_ones() -> None:
    scored = score_indices(FOUR_UNITS).set_index("unit")
    moved = (scored["shrunk"] - scored["mean"]).abs()

    # Same distance from the city mean (2), four times fewer respondents.
    assert moved["U1"] > moved["U2"] > 0
    assert moved["U3"] > moved["U4"] > 0
    assert moved["U1"] == pytest.approx(2 * (1 - 113 / 137))  # 0.350
    assert moved["U2"] == pytest.approx(2 * (1 - 113 / 119))  # 0.101


def test_it_shrinks_everything_to_the_city_mean_when_units_differ_no_more_than_noise() -> None:
    # Means 5.5 and 6.5: variance of the means 0.5 < mean se^2 = 5/5 = 1, so tau^2 = 0.
    scored = score_indices(pd.DataFrame([cell("U1", 5, 5.5, 5), cell("U2", 5, 6.5, 5)]))

    assert scored["shrink_weight"].tolist() == [0.0, 0.0]
    assert scored["shrunk"].tolist() == pytest.approx([6.0, 6.0])
    assert scored["mean"].tolist() == pytest.approx([5.5, 6.5])  # the raw values stay


def test_it_floors_the_uncertainty_of_a_unit_whose_respondents_all_agree() -> None:
    # U1: five respondents all at 10 (variance 0); U2: n=5, mean 5, variance 5.
    # Pooled within-unit variance (4*0 + 4*5) / 8 = 2.5, so U1's se = sqrt(2.5/5) = sqrt(0.5).
    # City mean 7.5; variance of the means 2 * 2.5^2 / 1 = 12.5; mean se^2 = (0.5 + 1) / 2;
    # tau^2 = 11.75; w1 = 11.75 / 12.25; w2 = 11.75 / 12.75.
    scored = score_indices(pd.DataFrame([cell("U1", 5, 10, 0), cell("U2", 5, 5, 5)]))
    u1, u2 = row(scored, "U1"), row(scored, "U2")

    assert u1["sd"] == 0
    assert u1["se"] == pytest.approx(math.sqrt(0.5))
    assert u1["ci_low"] == pytest.approx(10 - T_975_4 * math.sqrt(0.5))  # 8.037, not 10
    assert u1["ci_high"] == 10
    assert u2["se"] == pytest.approx(1.0)  # its own variance is above the pooled one
    assert u1["shrink_weight"] == pytest.approx(11.75 / 12.25)
    assert u1["shrunk"] == pytest.approx(7.5 + 2.5 * 11.75 / 12.25)  # 9.898
    assert u2["shrunk"] == pytest.approx(7.5 - 2.5 * 11.75 / 12.75)  # 5.196


def test_it_clips_the_interval_to_the_scale() -> None:
    # n=5, mean 1, variance 20: se = 2, half-width t * 2 = 5.55, so 1 - 5.55 clips to 0.
    scored = score_indices(pd.DataFrame([cell("U1", 5, 1, 20)]))

    assert scored.loc[0, "ci_low"] == 0
    assert scored.loc[0, "ci_high"] == pytest.approx(1 + T_975_4 * 2)


def test_it_widens_the_interval_with_the_confidence() -> None:
    narrow = score_indices(FOUR_UNITS, confidence=0.8)
    wide = score_indices(FOUR_UNITS, confidence=0.99)

    assert (wide["ci_low"] < narrow["ci_low"]).all()
    assert (wide["ci_high"] > narrow["ci_high"]).all()


@pytest.mark.parametrize("threshold", [2, THRESHOLD_DEFAULT, 10])
def test_it_suppresses_a_unit_below_the_threshold_and_shows_one_at_it(threshold: int) -> None:
    aggregates = pd.DataFrame(
        [cell("below", threshold - 1, 7, 4), cell("at", threshold, 3, 4), cell("big", 30, 5, 4)]
    )

    scored = score_indices(aggregates, threshold=threshold)
    below, at = row(scored, "below"), row(scored, "at")

    assert below["suppressed"]
    assert below[HIDDEN].isna().all()
    assert below["respondents"] == threshold - 1  # a count, so the page can say why
    assert not at["suppressed"]
    assert at[HIDDEN].notna().all()
    assert at["mean"] == pytest.approx(3)


def test_it_uses_five_as_the_default_threshold() -> None:
    scored = score_indices(pd.DataFrame([cell("four", 4, 5, 1), cell("five", 5, 5, 1)]))

    assert THRESHOLD_DEFAULT == 5
    assert scored.set_index("unit")["suppressed"].to_dict() == {"five": False, "four": True}


def test_it_lets_nothing_of_a_suppressed_unit_reach_the_other_units() -> None:
    shown = FOUR_UNITS
    with_low = pd.concat([shown, pd.DataFrame([cell("S", 4, 0, 0)])], ignore_index=True)
    with_high = pd.concat([shown, pd.DataFrame([cell("S", 4, 10, 0)])], ignore_index=True)

    low, high, alone = score_indices(with_low), score_indices(with_high), score_indices(shown)

    pd.testing.assert_frame_equal(low, high)
    pd.testing.assert_frame_equal(low[low["unit"] != "S"].reset_index(drop=True), alone)
    pd.testing.assert_frame_equal(city_distribution(low), city_distribution(alone))


def test_it_gives_the_response_rate_where_the_pupil_count_is_known() -> None:
    aggregates = pd.DataFrame(
        [cell("A", 5, 5, 1), cell("B", 5, 5, 1), cell("C", 5, 5, 1), cell("D", 3, 5, 1)]
    )

    scored = score_indices(aggregates, pupils={"A": 20, "C": 0, "D": 12}).set_index("unit")

    assert scored.loc["A", "response_rate"] == 0.25  # 5 / 20
    assert math.isnan(scored.loc["B", "response_rate"])  # not in the mapping
    assert math.isnan(scored.loc["C", "response_rate"])  # no pupils recorded
    assert scored.loc["D", "response_rate"] == 0.25  # 3 / 12, suppressed but a count
    assert score_indices(aggregates)["response_rate"].isna().all()


def test_it_describes_the_city_distribution_of_shown_units_only() -> None:
    aggregates = pd.concat(
        [FOUR_UNITS, pd.DataFrame([cell("S", 4, 10, 0), cell("S", 4, 10, 0, index="safety")])],
        ignore_index=True,
    )

    distribution = city_distribution(score_indices(aggregates))

    assert distribution.columns.tolist() == list(DISTRIBUTION_COLUMNS)
    safety, toilets = distribution.to_dict("records")
    # Means 4, 4, 8, 8 (S's 10 left out); quartiles by linear interpolation at
    # positions 0.75, 1.5 and 2.25 of the four sorted.
    assert toilets == {"group": "pupils", "index": "toilets", "units": 4, "mean": 6.0} | {
        "q1": 4.0,
        "median": 6.0,
        "q3": 8.0,
    }
    # Only S answered on safety: the index is listed, with nothing to describe.
    assert (safety["group"], safety["index"], safety["units"]) == ("pupils", "safety", 0)
    assert all(math.isnan(safety[key]) for key in ("mean", "q1", "median", "q3"))


def test_it_leaves_suppressed_rows_out_of_the_distribution_even_with_a_mean() -> None:
    # A frame edited or built by hand; the flag, not the NaN, decides.
    scored = score_indices(FOUR_UNITS)
    leaked = pd.concat(
        [scored, scored.iloc[[0]].assign(unit="S", mean=10.0, suppressed=True)],
        ignore_index=True,
    )

    pd.testing.assert_frame_equal(city_distribution(leaked), city_distribution(scored))


def test_it_gives_the_same_results_from_answers_scores_and_aggregates() -> None:
    scores = respondent_scores(
        answers(SCHOOL_A + [(u, g, "safety", r, v) for u, g, _, r, v in SCHOOL_A])
    )

    pd.testing.assert_frame_equal(score_indices(scores), score_indices(aggregate(scores)))


def random_answers(seed: int, units: int = 40) -> pd.DataFrame:
    """Answers of 0-30 respondents per unit and group, 2 items on each of 3 indices."""
    rng = np.random.default_rng(seed)
    rows = []
    response = 0
    for unit in range(units):
        for group in ("pupils", "parents"):
            level = rng.uniform(0.5, 2.5)  # units really differ
            for _ in range(rng.integers(0, 30)):
                response += 1
                for index in ("toilets", "safety", "schoolyard"):
                    for _item in range(2):
                        value = int(np.clip(round(rng.normal(level, 1)), 0, 3))
                        rows.append(
                            (response, unit, group, index, None if rng.random() < 0.15 else value)
                        )
    return pd.DataFrame(rows, columns=["response", "unit", "group", "index", "value"])


def test_it_scores_the_servers_sql_aggregates_like_the_pure_path() -> None:
    raw = random_answers(seed=7)
    with sqlite3.connect(":memory:") as db:
        raw.to_sql("answers", db, index=False)
        from_sql = pd.read_sql_query(AGGREGATE_SQL, db)
    pupils = {unit: 25 for unit in range(0, 40, 2)}

    pure = score_indices(respondent_scores(raw), pupils=pupils)
    server = score_indices(from_sql, pupils=pupils)

    assert pure["suppressed"].any() and not pure["suppressed"].all()
    assert (pure["shrink_weight"] > 0).any()
    pd.testing.assert_frame_equal(pure, server, check_exact=False, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(
    ("value", "message"),
    [(4, "answer values must be"), (-1, "answer values must be"), (1.5, "answer values must be")],
)
def test_it_refuses_an_answer_value_off_the_scale(value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        respondent_scores(answers([("A", "pupils", "toilets", 1, [3, value])]))


def test_it_refuses_true_and_false_as_answers() -> None:
    frame = answers([("A", "pupils", "toilets", 1, [3])]).assign(value=[True])

    with pytest.raises(ValueError, match="not True/False"):
        respondent_scores(frame)


def test_it_refuses_an_unknown_respondent_group() -> None:
    with pytest.raises(ValueError, match="unknown respondent groups \\['teachers'\\]"):
        respondent_scores(answers([("A", "teachers", "toilets", 1, [3])]))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"score_sum": 60.0}, "score_sum must lie in"),  # 5 respondents cannot sum past 50
        ({"score_sumsq": -1.0}, "score_sum must lie in"),
        ({"respondents": 4.5}, "whole numbers"),
    ],
)
def test_it_refuses_aggregates_no_scores_can_give(change: dict[str, float], message: str) -> None:
    aggregates = pd.DataFrame([cell("A", 5, 5, 1) | change])

    with pytest.raises(ValueError, match=message):
        score_indices(aggregates)


def test_it_refuses_two_rows_for_one_unit_group_and_index() -> None:
    with pytest.raises(ValueError, match="more than one row"):
        score_indices(pd.DataFrame([cell("A", 5, 5, 1), cell("A", 6, 5, 1)]))


def test_it_refuses_missing_columns() -> None:
    with pytest.raises(ValueError, match="lack the columns score_sumsq"):
        score_indices(pd.DataFrame([cell("A", 5, 5, 1)]).drop(columns="score_sumsq"))


@pytest.mark.parametrize(
    ("options", "message"),
    [({"threshold": 1}, "threshold must be at least 2"), ({"confidence": 1.0}, "confidence")],
)
def test_it_refuses_options_that_make_no_sense(options: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        score_indices(FOUR_UNITS, **options)  # type: ignore[arg-type]


def test_it_accepts_sums_the_database_returns_as_decimals() -> None:
    from decimal import Decimal

    as_decimals = FOUR_UNITS.astype({"score_sum": object, "score_sumsq": object})
    as_decimals["score_sum"] = [Decimal(str(v)) for v in FOUR_UNITS["score_sum"]]
    as_decimals["score_sumsq"] = [Decimal(str(v)) for v in FOUR_UNITS["score_sumsq"]]

    pd.testing.assert_frame_equal(score_indices(as_decimals), score_indices(FOUR_UNITS))


def test_it_scores_no_rows_to_an_empty_frame_with_every_column() -> None:
    scored = score_indices(FOUR_UNITS.iloc[:0])

    assert scored.columns.tolist() == list(SCORED_COLUMNS)
    assert scored.empty
    assert city_distribution(scored).columns.tolist() == list(DISTRIBUTION_COLUMNS)
