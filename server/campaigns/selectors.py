"""Reads of survey answers, aggregated in SQL (answers run to millions of rows)."""

from __future__ import annotations

import pandas as pd
from django.db import connection

from surveys.scoring import AGGREGATE_COLUMNS

# surveys.scoring.AGGREGATE_SQL over this project's tables: per unit, respondent group and
# index, the number of respondents and the sum and sum of squares of their 0-10 scores.
_AGGREGATES = """
WITH per_response AS (
    SELECT c.unit_id AS unit, c.respondent_group AS grp, a."index" AS idx,
           a.response_id AS response,
           AVG(a.value * 1.0) * 10.0 / 3 AS score
    FROM campaigns_answer a
    JOIN campaigns_response r ON r.id = a.response_id
    JOIN campaigns_campaign c ON c.id = r.campaign_id
    WHERE a.value IS NOT NULL
    GROUP BY c.unit_id, c.respondent_group, a."index", a.response_id
)
SELECT unit, grp, idx, COUNT(*), SUM(score), SUM(score * score)
FROM per_response
GROUP BY unit, grp, idx
"""


def survey_aggregates() -> pd.DataFrame:
    """One row per (unit id, group, index): respondents, score_sum, score_sumsq."""
    with connection.cursor() as cursor:
        cursor.execute(_AGGREGATES)
        rows = cursor.fetchall()
    frame = pd.DataFrame.from_records(rows, columns=list(AGGREGATE_COLUMNS))
    for column in ("score_sum", "score_sumsq"):
        frame[column] = frame[column].astype(float)
    frame["respondents"] = frame["respondents"].astype(int)
    return frame
