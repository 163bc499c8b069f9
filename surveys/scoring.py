"""Index scores 0-10 per school unit, respondent group and index, with suppression,
uncertainty and empirical-Bayes shrinkage (DESIGN section 5). Pure pandas, no Django.

Two ways in, one result:

- The server aggregates in SQL and passes one row per (unit, group, index) with
  `respondents`, `score_sum` and `score_sumsq` (`AGGREGATE_COLUMNS`). The query
  `AGGREGATE_SQL` shows what these are; the tests run it on SQLite and check it
  scores exactly like the pure path.
- Small uses and tests go from answer rows: `respondent_scores(answers)`, then
  `aggregate(...)`, or pass the respondent scores straight to `score_indices`.

A respondent's score on an index is the mean of their item scores on that index, each
answer value 0..3 mapped to 0, 10/3, 20/3, 10 (as `questionnaire.answer_score`). "Vet
inte" (NULL) answers are left out; a respondent whose every answer on the index is
"vet inte" does not count as a respondent on that index. Every respondent counts once
in their unit's index, however many items they answered.

Suppression: a (unit, group, index) with fewer respondents than the threshold gets no
mean, spread, interval or shrunk value (NaN, never a number), and its answers reach
nothing else either: the city mean, the between-unit variance and the pooled
within-unit variance are computed from shown units only. Its respondent count (and
response rate) stay, so a page can say "too few answers"; they are counts, not answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, get_args

import numpy as np
import pandas as pd
from scipy import stats

from surveys.questionnaire import ANSWER_VALUES, RespondentGroup

THRESHOLD_DEFAULT: Final = 5
"""Fewest respondents a (unit, group, index) needs to be shown; configurable per call."""

SCORE_MAX: Final = 10.0
"""Every index is on 0 (worst) to 10 (best)."""

KEYS: Final[tuple[str, ...]] = ("unit", "group", "index")
ANSWER_COLUMNS: Final[tuple[str, ...]] = ("response", *KEYS, "value")
RESPONDENT_COLUMNS: Final[tuple[str, ...]] = (*KEYS, "response", "score")
AGGREGATE_COLUMNS: Final[tuple[str, ...]] = (*KEYS, "respondents", "score_sum", "score_sumsq")
SCORED_COLUMNS: Final[tuple[str, ...]] = (
    *KEYS,
    "respondents",
    "mean",
    "sd",
    "se",
    "ci_low",
    "ci_high",
    "response_rate",
    "suppressed",
    "city_mean",
    "shrink_weight",
    "shrunk",
)
DISTRIBUTION_COLUMNS: Final[tuple[str, ...]] = (
    "group",
    "index",
    "units",
    "mean",
    "q1",
    "median",
    "q3",
)

GROUPS: Final[tuple[str, ...]] = get_args(RespondentGroup)

AGGREGATE_SQL: Final = """
WITH per_response AS (
    SELECT unit, "group", "index", response,
           AVG(value) * 10.0 / 3 AS score
    FROM answers
    WHERE value IS NOT NULL
    GROUP BY unit, "group", "index", response
)
SELECT unit, "group", "index",
       COUNT(*) AS respondents,
       SUM(score) AS score_sum,
       SUM(score * score) AS score_sumsq
FROM per_response
GROUP BY unit, "group", "index"
"""
"""What the server's query computes, over a flat `answers` table (one row per
response and item, with the item's index joined in): the contract for its columns."""

_MIN_THRESHOLD: Final = 2  # a spread, and so an interval, needs two respondents
_STEP: Final = SCORE_MAX / max(ANSWER_VALUES)


def _require(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{what} lack the columns {', '.join(missing)}")


def _check_groups(groups: pd.Series) -> None:
    unknown = sorted(map(str, set(groups.unique()) - set(GROUPS)))
    if unknown:
        raise ValueError(f"unknown respondent groups {unknown}; known: {', '.join(GROUPS)}")


def respondent_scores(answers: pd.DataFrame) -> pd.DataFrame:
    """Each respondent's score per index: the mean of their item scores, 0-10.

    `answers` has one row per response and item: `response`, `unit`, `group`
    ("pupils" | "parents"), `index` and `value` (0..3, or None/NaN for "vet inte").
    Item score = value * 10 / 3; score = mean of the respondent's item scores on the
    index, "vet inte" left out. A response is identified by (unit, group, response).
    Returns one row per (unit, group, index, response) with at least one scored answer,
    sorted; ValueError for a value outside 0..3 or an unknown group.
    """
    _require(answers, ANSWER_COLUMNS, "answers")
    raw = answers["value"]
    if pd.api.types.is_bool_dtype(raw) or (
        raw.dtype == object and raw.map(lambda v: isinstance(v, bool)).any()
    ):
        raise ValueError("answer values must be the numbers 0 to 3, not True/False")
    values = pd.to_numeric(raw, errors="coerce")
    bad = raw.notna() & ~values.isin(ANSWER_VALUES)
    if bad.any():
        examples = raw[bad].unique()[:5].tolist()
        raise ValueError(f"answer values must be {ANSWER_VALUES} or missing, got {examples}")
    _check_groups(answers["group"])
    given = values.notna()
    frame = answers.loc[given, [*KEYS, "response"]].assign(score=values[given] * _STEP)
    scores = frame.groupby([*KEYS, "response"], sort=True, observed=True)["score"].mean()
    return scores.reset_index()[list(RESPONDENT_COLUMNS)]


def aggregate(scores: pd.DataFrame) -> pd.DataFrame:
    """Per (unit, group, index): `respondents` = n, `score_sum` = sum of the respondent
    scores, `score_sumsq` = sum of their squares: what the server's SQL returns.

    `scores` is `respondent_scores`' output (one row per respondent and index; rows with
    a missing score are respondents who answered only "vet inte" and are left out).
    """
    _require(scores, RESPONDENT_COLUMNS, "respondent scores")
    scored = scores.loc[scores["score"].notna(), list(RESPONDENT_COLUMNS)]
    score = scored["score"].astype(float)
    if ((score < 0) | (score > SCORE_MAX)).any():
        raise ValueError(f"respondent scores must lie in 0..{SCORE_MAX:g}")
    if scored.duplicated([*KEYS, "response"]).any():
        raise ValueError("a respondent has more than one score on an index")
    _check_groups(scored["group"])
    grouped = scored.assign(score=score, square=score * score).groupby(
        list(KEYS), sort=True, observed=True
    )
    out = grouped.agg(
        respondents=("score", "size"), score_sum=("score", "sum"), score_sumsq=("square", "sum")
    )
    return out.reset_index()[list(AGGREGATE_COLUMNS)]


def _checked_aggregates(aggregates: pd.DataFrame) -> pd.DataFrame:
    """The aggregates as numbers, sorted, after checking they can be real sums."""
    _require(aggregates, AGGREGATE_COLUMNS, "aggregates")
    frame = aggregates[list(AGGREGATE_COLUMNS)].copy()
    if frame.duplicated(list(KEYS)).any():
        raise ValueError("aggregates have more than one row for a (unit, group, index)")
    _check_groups(frame["group"])
    n = pd.to_numeric(frame["respondents"], errors="coerce")
    if n.isna().any() or (n < 0).any() or (n != n.round()).any():
        raise ValueError("respondents must be whole numbers >= 0")
    frame["respondents"] = n.astype("int64")
    # Databases hand back sums as Decimal or float; both become float here.
    frame["score_sum"] = frame["score_sum"].astype(float).fillna(0.0)
    frame["score_sumsq"] = frame["score_sumsq"].astype(float).fillna(0.0)
    slack = 1e-9 * (frame["respondents"] + 1) * SCORE_MAX**2
    out_of_range = (
        (frame["score_sum"] < -slack)
        | (frame["score_sum"] > SCORE_MAX * frame["respondents"] + slack)
        | (frame["score_sumsq"] < -slack)
        | (frame["score_sumsq"] > SCORE_MAX**2 * frame["respondents"] + slack)
    )
    if out_of_range.any():
        raise ValueError(
            f"score_sum must lie in 0..{SCORE_MAX:g}*respondents and "
            f"score_sumsq in 0..{SCORE_MAX**2:g}*respondents"
        )
    return frame.sort_values(list(KEYS), kind="stable", ignore_index=True)


def score_indices(
    data: pd.DataFrame,
    *,
    threshold: int = THRESHOLD_DEFAULT,
    pupils: Mapping[Any, int] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Score each (unit, group, index): raw mean with its uncertainty, and a shrunk mean.

    `data` is either aggregates (`AGGREGATE_COLUMNS`, one row per unit, group and
    index) or respondent scores (`RESPONDENT_COLUMNS`), which are aggregated first.
    Returns `SCORED_COLUMNS`, one row per input (unit, group, index), sorted:

    - `respondents` n; `suppressed` = n < threshold. Every column below is NaN on a
      suppressed row, and nothing on any other row is computed from it.
    - `mean` = score_sum / n, the raw index 0-10.
    - `sd` = sqrt((score_sumsq - score_sum^2 / n) / (n - 1)), the spread of the
      respondent scores.
    - `se` = sqrt(max(sd^2, s_w^2) / n), where s_w^2 = sum((n_j - 1) sd_j^2) /
      sum(n_j - 1) is the within-unit variance pooled over the shown units of the same
      (group, index). The floor keeps a few respondents who happen to agree (sd 0,
      common at either end of a bounded scale) from being reported as certain.
    - `ci_low`, `ci_high` = mean -/+ t(confidence, n - 1) * se, clipped to 0..10.
    - `response_rate` = n / pupils[unit] when the unit's pupil count is known and
      positive, else NaN. For parents it is answers per pupil and may exceed 1.
    - `city_mean` = m = the unweighted mean of the shown units' means of the (group,
      index): each school counts once.
    - `shrink_weight` w = tau^2 / (tau^2 + se^2), with the between-unit variance by the
      method of moments over the shown units of the (group, index):
      tau^2 = max(0, var(means, ddof=1) - mean(se^2)); 0 with fewer than two shown
      units. w = 0 when tau^2 = 0: the units are no more different than their noise.
    - `shrunk` = m + w * (mean - m), the empirical-Bayes (posterior mean) estimate for
      ranking: a small school, with a large se, moves further toward the city mean;
      it always lies between `mean` and `city_mean`.

    ValueError for a threshold below 2 (a spread needs two respondents), a confidence
    outside (0, 1), missing columns, or sums that cannot come from 0-10 scores.
    """
    if threshold < _MIN_THRESHOLD:
        raise ValueError(f"threshold must be at least {_MIN_THRESHOLD}, got {threshold}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie between 0 and 1, got {confidence}")
    is_scores = "score" in data.columns and "response" in data.columns
    frame = _checked_aggregates(aggregate(data) if is_scores else data)

    n_all = frame["respondents"]
    shown = n_all >= threshold
    # Blank out suppressed rows first: from here on nothing can be computed from them.
    n = n_all.where(shown).astype(float)
    total = frame["score_sum"].where(shown)
    mean = (total / n).clip(0.0, SCORE_MAX)
    variance = ((frame["score_sumsq"].where(shown) - total * total / n) / (n - 1)).clip(lower=0)
    cell = frame.groupby(["group", "index"], sort=False, observed=True).ngroup()

    def per_cell(values: pd.Series, how: str) -> pd.Series:
        """`how` over each (group, index)'s shown units (NaN skipped), on every row."""
        return values.groupby(cell).transform(how)

    within = per_cell((n - 1) * variance, "sum") / per_cell(n - 1, "sum")
    se2 = np.fmax(variance, within) / n
    se = np.sqrt(se2)
    t = pd.Series(stats.t.ppf((1 + confidence) / 2, n - 1), index=frame.index)

    city_mean = per_cell(mean, "mean")
    between = per_cell(mean, "var") - per_cell(se2, "mean")
    tau2 = between.clip(lower=0).fillna(0.0)
    weight = pd.Series(np.where(tau2 > 0, tau2 / (tau2 + se2), 0.0), index=frame.index).where(shown)
    # Written as a step from the city mean and clipped to the segment, so rounding can
    # never carry a unit past the city mean or beyond its own raw mean.
    shrunk = (city_mean + weight * (mean - city_mean)).clip(
        np.fmin(mean, city_mean), np.fmax(mean, city_mean)
    )

    pupil_count = (
        frame["unit"].map(dict(pupils)).astype(float)
        if pupils is not None
        else pd.Series(np.nan, index=frame.index)
    )
    response_rate = n_all / pupil_count.where(pupil_count > 0)

    return pd.DataFrame(
        {
            "unit": frame["unit"],
            "group": frame["group"],
            "index": frame["index"],
            "respondents": n_all,
            "mean": mean,
            "sd": np.sqrt(variance),
            "se": se,
            "ci_low": (mean - t * se).clip(0.0, SCORE_MAX),
            "ci_high": (mean + t * se).clip(0.0, SCORE_MAX),
            "response_rate": response_rate,
            "suppressed": ~shown,
            "city_mean": city_mean,
            "shrink_weight": weight,
            "shrunk": shrunk,
        }
    )[list(SCORED_COLUMNS)]


def city_distribution(scored: pd.DataFrame) -> pd.DataFrame:
    """Per (group, index): how the shown units' raw means spread across the city.

    `units` counts the shown units; `mean` is their unweighted mean (the `city_mean`
    units are shrunk toward); `q1`, `median`, `q3` are quartiles (linear interpolation).
    Suppressed units are left out; a (group, index) with no shown unit has units 0 and
    NaN elsewhere.
    """
    _require(scored, ("group", "index", "mean", "suppressed"), "scored indices")
    cells = scored[["group", "index"]].drop_duplicates()
    cell_index = pd.MultiIndex.from_frame(cells).sort_values()
    shown = scored.loc[~scored["suppressed"].astype(bool)]
    grouped = shown.groupby(["group", "index"], sort=True, observed=True)["mean"]
    quartiles = grouped.quantile([0.25, 0.5, 0.75]).unstack()
    out = pd.DataFrame(
        {
            "units": grouped.count(),
            "mean": grouped.mean(),
            "q1": quartiles.get(0.25),
            "median": quartiles.get(0.5),
            "q3": quartiles.get(0.75),
        }
    ).reindex(cell_index)
    out = out.astype({column: float for column in ("mean", "q1", "median", "q3")})
    out["units"] = out["units"].fillna(0).astype("int64")
    return out.reset_index()[list(DISTRIBUTION_COLUMNS)]


# --- published results (Skolenkäten, regional surveys) ------------------------------

PUBLISHED_ROUNDING: Final = 0.05
"""Half the step a published index is rounded to (one decimal: 7,4)."""

OWN_SPREAD_MIN_DF: Final = 20
"""Degrees of freedom our own campaigns need before their spread stands in for a source's."""


def scale_sd_bound(mean: float, *, rounding: float = PUBLISHED_ROUNDING) -> float:
    """The largest spread any respondents on 0-10 can have with this published mean.

    Bhatia-Davis: a variable on [0, 10] with mean m has variance at most m * (10 - m); the
    published mean is rounded, so the bound is taken at the true mean within `rounding` of
    it that is nearest 5 (never 0: a published 10,0 may be 9,96). Holds for any answers.
    """
    m = min(max(float(mean), 0.0), SCORE_MAX)
    nearest_half = min(max(SCORE_MAX / 2, m - rounding), m + rounding)
    nearest_half = min(max(nearest_half, 0.0), SCORE_MAX)
    return float(np.sqrt(nearest_half * (SCORE_MAX - nearest_half)))


def conservative_sd(pooled_variance: float, df: float, *, confidence: float = 0.95) -> float:
    """An upper `confidence` bound on a spread estimated as `pooled_variance` from `df`
    degrees of freedom (chi-square): what our own campaigns' answers let us assume for a
    published result that reports none, erring wide."""
    if df <= 0 or not np.isfinite(pooled_variance):
        return float("nan")
    return float(np.sqrt(pooled_variance * df / stats.chi2.ppf(1 - confidence, df)))


def published_aggregate(mean: float, respondents: int, sd: float) -> tuple[float, float]:
    """(score_sum, score_sumsq) of `respondents` answers with this mean and spread: a
    published result as the aggregate row `score_indices` scores, so its interval and
    shrinkage are those of a campaign of ours with the same mean, spread and size.

    The spread is capped at what 0-10 allows for the mean, so the sums are ones real
    answers can have (`score_indices` checks that).
    """
    n = int(respondents)
    if n <= 0:
        return 0.0, 0.0
    m = min(max(float(mean), 0.0), SCORE_MAX)
    if n == 1:
        return m, m * m
    # Sample variance s^2 = (sumsq - n m^2) / (n - 1); its largest possible value on
    # [0, 10] is n m (10 - m) / (n - 1).
    cap = n * m * (SCORE_MAX - m) / (n - 1)
    variance = min(max(float(sd), 0.0) ** 2, cap)
    return n * m, n * m * m + (n - 1) * variance
