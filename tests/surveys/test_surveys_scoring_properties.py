"""Properties of index scoring (surveys/scoring.py) over generated answers (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.scoring import (
    SCORE_MAX,
    aggregate,
    city_distribution,
    respondent_scores,
    score_indices,
)

TOLERANCE = 1e-9
# Each example runs the whole pipeline (~30 ms of pandas overhead on tiny frames).
PROPERTY = settings(deadline=None, max_examples=50)
VALUES = st.sampled_from([0, 1, 2, 3, None])


@st.composite
def survey_answers(draw: st.DrawFn) -> pd.DataFrame:
    """Answers of up to 8 units, both groups, two indices; 0-12 respondents per unit and
    group, each answering 1-3 items per index (sometimes "vet inte")."""
    rows = []
    response = 0
    for unit in range(draw(st.integers(1, 8))):
        for group in ("pupils", "parents"):
            # Some units lean high or low, so units really differ now and then.
            lean = draw(st.sampled_from([None, 0, 3]))
            for _ in range(draw(st.integers(0, 12))):
                response += 1
                for index in ("toilets", "safety"):
                    for _item in range(draw(st.integers(1, 3))):
                        value = draw(VALUES if lean is None else st.sampled_from([lean, 1, 2]))
                        rows.append((response, unit, group, index, value))
    return pd.DataFrame(rows, columns=["response", "unit", "group", "index", "value"])


THRESHOLDS = st.integers(2, 6)
CONFIDENCES = st.sampled_from([0.5, 0.9, 0.95, 0.99])


def within(values: pd.Series, low: pd.Series | float, high: pd.Series | float) -> bool:
    return bool(((values >= low - TOLERANCE) & (values <= high + TOLERANCE)).all())


@PROPERTY
@given(survey_answers(), THRESHOLDS, CONFIDENCES)
def test_it_keeps_every_index_within_0_to_10(
    answers: pd.DataFrame, threshold: int, confidence: float
) -> None:
    scored = score_indices(respondent_scores(answers), threshold=threshold, confidence=confidence)
    shown = scored[~scored["suppressed"]]
    distribution = city_distribution(scored)

    for column in ("mean", "ci_low", "ci_high", "city_mean", "shrunk"):
        assert within(shown[column], 0, SCORE_MAX), column
    for column in ("mean", "q1", "median", "q3"):
        assert within(distribution[column].dropna(), 0, SCORE_MAX), column


@PROPERTY
@given(survey_answers(), THRESHOLDS, CONFIDENCES)
def test_it_shows_nothing_but_counts_below_the_threshold(
    answers: pd.DataFrame, threshold: int, confidence: float
) -> None:
    scored = score_indices(respondent_scores(answers), threshold=threshold, confidence=confidence)
    hidden = ["mean", "sd", "se", "ci_low", "ci_high", "shrink_weight", "shrunk"]

    assert (scored["suppressed"] == (scored["respondents"] < threshold)).all()
    assert scored.loc[scored["suppressed"], hidden].isna().all().all()
    assert scored.loc[~scored["suppressed"], hidden].notna().all().all()


@PROPERTY
@given(survey_answers(), THRESHOLDS, CONFIDENCES)
def test_it_puts_the_interval_around_the_mean(
    answers: pd.DataFrame, threshold: int, confidence: float
) -> None:
    scored = score_indices(respondent_scores(answers), threshold=threshold, confidence=confidence)
    shown = scored[~scored["suppressed"]]

    assert (shown["ci_low"] <= shown["mean"]).all()
    assert (shown["mean"] <= shown["ci_high"]).all()


@PROPERTY
@given(survey_answers(), THRESHOLDS)
def test_it_shrinks_to_between_the_raw_mean_and_the_city_mean(
    answers: pd.DataFrame, threshold: int
) -> None:
    shown = score_indices(respondent_scores(answers), threshold=threshold).query("~suppressed")
    low = np.fmin(shown["mean"], shown["city_mean"])
    high = np.fmax(shown["mean"], shown["city_mean"])

    # Exactly, not within a tolerance: a unit never crosses the city mean.
    assert ((shown["shrunk"] >= low) & (shown["shrunk"] <= high)).all()
    assert within(shown["shrink_weight"], 0, 1)


@PROPERTY
@given(survey_answers(), THRESHOLDS)
def test_it_gives_the_more_uncertain_unit_the_smaller_weight(
    answers: pd.DataFrame, threshold: int
) -> None:
    shown = score_indices(respondent_scores(answers), threshold=threshold).query("~suppressed")

    for _, cell in shown.groupby(["group", "index"]):
        by_se = cell.sort_values("se", kind="stable")
        assert (by_se["shrink_weight"].diff().dropna() <= TOLERANCE).all()


@PROPERTY
@given(survey_answers(), THRESHOLDS)
def test_it_scores_answers_scores_and_aggregates_alike(
    answers: pd.DataFrame, threshold: int
) -> None:
    scores = respondent_scores(answers)

    pd.testing.assert_frame_equal(
        score_indices(scores, threshold=threshold),
        score_indices(aggregate(scores), threshold=threshold),
    )


@PROPERTY
@given(survey_answers(), THRESHOLDS)
def test_it_takes_the_city_distribution_from_shown_units(
    answers: pd.DataFrame, threshold: int
) -> None:
    scored = score_indices(respondent_scores(answers), threshold=threshold)
    distribution = city_distribution(scored).set_index(["group", "index"])

    for (group, index), cell in scored.groupby(["group", "index"]):
        shown = cell[~cell["suppressed"]]
        assert distribution.loc[(group, index), "units"] == len(shown)
        if len(shown):
            assert np.isclose(distribution.loc[(group, index), "mean"], shown["mean"].mean())
            assert np.allclose(shown["city_mean"], shown["mean"].mean())
