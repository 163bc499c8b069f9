"""Reads of survey answers, aggregated in SQL (answers run to millions of rows)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import pandas as pd
from django.conf import settings
from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from server.campaigns.models import (
    Campaign,
    ImportedReference,
    ImportedResult,
    RespondentCode,
    Response,
    campaign_closed,
    closed_campaigns,
    latest_closed_campaigns,
)
from server.core.municipality import current_municipality
from server.schools.models import SchoolUnit
from surveys.areas import AreaMapping, AreaMappingError, load_area_mapping
from surveys.questionnaire import load_common, localize
from surveys.scoring import (
    AGGREGATE_COLUMNS,
    KEYS,
    OWN_SPREAD_MIN_DF,
    SCORED_COLUMNS,
    city_distribution,
    conservative_sd,
    published_aggregate,
    scale_sd_bound,
    score_indices,
)

# surveys.scoring.AGGREGATE_SQL over this project's tables: per unit, respondent group and
# index, the number of respondents and the sum and sum of squares of their 0-10 scores,
# over the answers of the campaigns that `{campaigns}` (a subquery of campaign ids) selects.
_AGGREGATES = """
WITH per_response AS (
    SELECT c.unit_id AS unit, c.respondent_group AS grp, a."index" AS idx,
           a.response_id AS response,
           AVG(a.value * 1.0) * 10.0 / 3 AS score
    FROM campaigns_answer a
    JOIN campaigns_response r ON r.id = a.response_id
    JOIN campaigns_campaign c ON c.id = r.campaign_id
    WHERE a.value IS NOT NULL AND c.id IN ({campaigns})
    GROUP BY c.unit_id, c.respondent_group, a."index", a.response_id
)
SELECT unit, grp, idx, COUNT(*), SUM(score), SUM(score * score)
FROM per_response
GROUP BY unit, grp, idx
"""


def _aggregates_of(campaigns: QuerySet[Campaign]) -> pd.DataFrame:
    # The campaign filter is the ORM's own SQL (portable to SQLite and PostgreSQL), so the
    # closing rule is written once, in models.closed_campaigns.
    subquery, params = campaigns.order_by().values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(_AGGREGATES.format(campaigns=subquery), params)
        rows = cursor.fetchall()
    frame = pd.DataFrame.from_records(rows, columns=list(AGGREGATE_COLUMNS))
    for column in ("score_sum", "score_sumsq"):
        frame[column] = frame[column].astype(float)
    frame["respondents"] = frame["respondents"].astype(int)
    return frame


def survey_aggregates(*, now: datetime | None = None) -> pd.DataFrame:
    """One row per (unit id, group, index): respondents, score_sum, score_sumsq.

    Only each unit and group's latest closed campaign counts, scored on its own: pooling
    campaigns, or counting an open one, would let two states of a result be differenced
    into one respondent's answers.
    """
    return _aggregates_of(latest_closed_campaigns(now=now))


def own_spreads(own: pd.DataFrame, *, limit: int) -> dict[tuple[str, str], float]:
    """Per (group, index), the within-unit spread our own campaigns' answers show, as a
    conservative stand-in for a published result that reports none: the upper 95 % bound
    of the pooled within-unit standard deviation over shown units (n >= the threshold), when
    they give at least `OWN_SPREAD_MIN_DF` degrees of freedom."""
    if own.empty:
        return {}
    shown = own[own["respondents"] >= max(limit, 2)]
    n = shown["respondents"].astype(float)
    within = (shown["score_sumsq"] - shown["score_sum"] ** 2 / n).clip(lower=0)
    frame = shown.assign(ss=within, df=n - 1).groupby(["group", "index"])[["ss", "df"]].sum()
    return {
        key: conservative_sd(row.ss / row.df, row.df)
        for key, row in frame.iterrows()
        if row.df >= OWN_SPREAD_MIN_DF
    }


def imported_spread(
    *, mean: float, sd: float | None, group: str, index: str, own: dict[tuple[str, str], float]
) -> float:
    """The spread an imported result is scored with (README, "Uncertainty of imported
    results"): the reported one; else our own campaigns' conservative spread for the same
    group and index; else the largest spread the 0-10 scale allows for the mean."""
    if sd is not None and math.isfinite(sd):
        return float(sd)
    bound = scale_sd_bound(mean)
    stand_in = own.get((group, index))
    return bound if stand_in is None or not math.isfinite(stand_in) else min(stand_in, bound)


def _imported_frame(rows: Any, own: dict[tuple[str, str], float]) -> pd.DataFrame:
    records = []
    for unit, group, index, n, mean, sd in rows:
        if mean is None or not n:
            records.append((unit, group, index, 0, 0.0, 0.0))
            continue
        spread = imported_spread(mean=mean, sd=sd, group=group, index=index, own=own)
        records.append((unit, group, index, int(n), *published_aggregate(mean, int(n), spread)))
    frame = pd.DataFrame.from_records(records, columns=list(AGGREGATE_COLUMNS))
    frame["respondents"] = frame["respondents"].astype(int)
    return frame


def imported_aggregates(*, own: pd.DataFrame, context: bool = False) -> pd.DataFrame:
    """Imported official results of the year in use, as aggregate rows
    (`AGGREGATE_COLUMNS`), by unit id: our indices, or with `context` the context indices.

    A published index of n answers becomes n respondents with that mean and the spread of
    `imported_spread`, so it gets an interval and shrinkage like a campaign of ours. A
    result the source suppressed (no index), or one without a count of answers, counts as
    0 respondents: never shown, never used.
    """
    rows = ImportedResult.objects.filter(current=True, context=context)
    spreads = own_spreads(own, limit=threshold())
    return _imported_frame(
        rows.values_list("unit_id", "respondent_group", "index", "respondents", "mean", "sd"),
        spreads,
    )


def result_aggregates(*, now: datetime | None = None) -> pd.DataFrame:
    """Our own campaigns' aggregates, plus imported results for every unit and group that
    has no closed campaign of ours (an open one does not count yet)."""
    own = survey_aggregates(now=now)
    imported = imported_aggregates(own=own)
    if imported.empty:
        return own
    ours = set(closed_campaigns(now=now).values_list("unit_id", "respondent_group").distinct())
    fresh = imported[
        [pair not in ours for pair in zip(imported["unit"], imported["group"], strict=True)]
    ]
    if own.empty:
        return fresh.reset_index(drop=True)
    return pd.concat([own, fresh], ignore_index=True)


def _period_label(publisher: str, round_: str, year: int, grades: str = "") -> str:
    """ "Skolinspektionen, vt 2025, åk 5, 8-9": where and when a published result is from."""
    parts = (publisher, f"{round_} {year}".strip(), f"åk {grades}" if grades else "")
    return ", ".join(part for part in parts if part)


def _origins(*, unit_ids: list[int], context: bool) -> dict[tuple[int, str, str], tuple[str, str]]:
    """(unit id, group, index) -> (where and when it was published, its grade levels), for
    the imported results in use of these units."""
    rows = ImportedResult.objects.filter(unit_id__in=unit_ids, current=True, context=context)
    return {
        (unit, group, index): (_period_label(publisher, round_, year, grades), grades)
        for unit, group, index, publisher, round_, year, grades in rows.values_list(
            "unit_id", "respondent_group", "index", "publisher", "round", "year", "grades"
        )
    }


def imported_origins(
    *, unit_ids: list[int], now: datetime | None = None
) -> dict[tuple[int, str, str], str]:
    """(unit id, group, index) -> where its result comes from ("Skolinspektionen, vt 2025"),
    for the imported results in use: those of units and groups with no closed campaign of
    ours (the same rule as `result_aggregates`)."""
    ours = set(
        closed_campaigns(now=now)
        .filter(unit_id__in=unit_ids)
        .values_list("unit_id", "respondent_group")
        .distinct()
    )
    return {
        key: label
        for key, (label, _) in _origins(unit_ids=unit_ids, context=False).items()
        if key[:2] not in ours
    }


def context_results(*, unit_ids: list[int]) -> list[dict[str, Any]]:
    """The context indices in use for these units: question areas of imported results with
    no counterpart among our indices, published by the same rule as ours (`publishable`:
    group and index threshold, interval) among all units that have them, and never fed
    to the ranking. A suppressed one has no number, not even its count."""
    # Context indices are no index of ours: our campaigns' spreads do not stand in for theirs.
    no_own = pd.DataFrame(columns=list(AGGREGATE_COLUMNS))
    frame = imported_aggregates(own=no_own, context=True)
    shown = publishable(frame, responses={}, threshold=threshold())
    mine = shown[shown["unit"].isin(set(unit_ids))]
    if mine.empty:
        return []
    labels = _origins(unit_ids=unit_ids, context=True)
    out = []
    for row in mine.itertuples():
        origin, grades = labels.get((row.unit, row.group, row.index), ("", ""))
        out.append(
            {
                "unit": int(row.unit),
                "group": row.group,
                "index": row.index,
                "respondents": _whole(row.respondents),
                "suppressed": bool(row.suppressed),
                "mean": _round(row.mean),
                "ci_low": _round(row.ci_low),
                "ci_high": _round(row.ci_high),
                "origin": origin,
                "grades": grades,
            }
        )
    return out


def reference_values() -> dict[tuple[str, str], dict[str, tuple[str, float]]]:
    """(group, index) -> level -> (name, mean) of the published aggregates in use (the
    municipality, the region, the country), each with at least the threshold's answers."""
    limit = threshold()
    out: dict[tuple[str, str], dict[str, tuple[str, float]]] = {}
    rows = ImportedReference.objects.filter(
        current=True, mean__isnull=False, respondents__gte=limit
    ).order_by("level", "name")
    for level, name, group, index, mean in rows.values_list(
        "level", "name", "respondent_group", "index", "mean"
    ):
        out.setdefault((group, index), {}).setdefault(level, (name, round(float(mean), 2)))
    return out


def context_index_names(*, lang: str) -> Callable[[str], str]:
    """A context index's name in `lang`: Swedish as published, English from the area mapping
    file (its Swedish name when the file gives none or cannot be read)."""
    if not lang.startswith("en"):
        return lambda name: name
    path = Path(settings.SURVEY_AREA_MAPPING)
    try:
        mapping = _mapping_as_of(path, path.stat().st_mtime_ns)
    except (OSError, AreaMappingError):
        return lambda name: name
    return mapping.english


@lru_cache(maxsize=4)
def _mapping_as_of(path: Path, modified_ns: int) -> AreaMapping:
    """The mapping file read once per version of it (pages ask on every request; an edited
    file is read again, since its modification time is part of the key)."""
    return load_area_mapping(path)


def threshold() -> int:
    """Fewest respondents before a result is shown: the municipality's, never below the
    environment's floor (server.core.municipality)."""
    return current_municipality().survey_threshold


def scored_results(*, now: datetime | None = None) -> pd.DataFrame:
    """Every (unit id, group, index) scored index by index (`SCORED_COLUMNS`), from each
    unit and group's latest closed campaign (or its imported result). The raw scoring,
    for tests and benchmarks: what is published, and so what every page, export and the
    ranking read, is `shown_results`."""
    aggregates = result_aggregates(now=now)
    if aggregates.empty:
        return pd.DataFrame(columns=list(SCORED_COLUMNS))
    pupils = dict(SchoolUnit.objects.filter(pupils__gt=0).values_list("id", "pupils"))
    scored = score_indices(aggregates, threshold=threshold(), pupils=pupils)
    # A response rate only means something for pupils: parents' answers per pupil is not one.
    scored["response_rate"] = scored["response_rate"].where(scored["group"] == "pupils")
    return scored


SHOWN_COLUMNS: Final[tuple[str, ...]] = (
    "unit",
    "group",
    "index",
    "respondents",
    "group_respondents",
    "suppressed",
    "mean",
    "ci_low",
    "ci_high",
    "shrunk",
    "city_mean",
    "response_rate",
)
_SHOWN_NUMBERS = ("mean", "ci_low", "ci_high", "shrunk", "city_mean")


def shown_results(*, now: datetime | None = None) -> pd.DataFrame:
    """What is published of each (unit id, group, index): the one reading of survey
    results that the results pages and API, exports, the site page and the ranking share.

    The publication rule: each unit and group's latest closed campaign, or its imported
    result where it has no closed campaign of ours; then the threshold, as `publishable`
    applies it (columns `SHOWN_COLUMNS`).
    """
    aggregates = result_aggregates(now=now)
    pupils = dict(SchoolUnit.objects.filter(pupils__gt=0).values_list("id", "pupils"))
    return publishable(
        aggregates,
        responses=_campaign_respondents(now=now),
        threshold=threshold(),
        pupils=pupils,
    )


def publishable(
    aggregates: pd.DataFrame,
    *,
    responses: Mapping[tuple[int, str], int],
    threshold: int,
    pupils: Mapping[int, int] | None = None,
) -> pd.DataFrame:
    """Aggregates (`AGGREGATE_COLUMNS`) after the threshold, one row per input row:

    - `group_respondents`: the group's count. For a unit and group in `responses` (its
      result is a campaign of ours) the responses in that campaign; else (imported) the
      largest count published for any of its indices.
    - `respondents`: the row's count: the group's for a campaign of ours, the published
      one for an imported index.
    - `suppressed`: the group has fewer than `threshold` respondents, or the index has
      (`score_indices`, which counts only those who answered more than "vet inte").
    - `mean`, `ci_low`, `ci_high` (raw, 95 %), `shrunk` toward `city_mean`, and
      `response_rate` (`respondents` per pupil, pupils only).

    A suppressed row has every number blank (NaN, or <NA> for the counts), and a
    suppressed group is left out of the scoring, so its answers reach no other row
    (city mean, pooled spread, shrinkage).
    """
    if aggregates.empty:
        return pd.DataFrame(columns=list(SHOWN_COLUMNS))
    frame = aggregates.reset_index(drop=True)
    pairs = zip(frame["unit"], frame["group"], strict=True)
    ours = pd.Series([responses.get(pair) for pair in pairs], index=frame.index, dtype=float)
    published = frame["respondents"].astype(float)
    largest = published.groupby([frame["unit"], frame["group"]]).transform("max")
    group_n = ours.fillna(largest)
    row_n = ours.fillna(published)
    small_group = group_n < threshold
    kept = frame[~small_group]
    scored = (
        score_indices(kept, threshold=threshold)
        if not kept.empty
        else pd.DataFrame(columns=list(SCORED_COLUMNS))
    )
    out = frame[list(KEYS)].merge(
        scored[[*KEYS, "suppressed", *_SHOWN_NUMBERS]], on=list(KEYS), how="left"
    )
    hidden = small_group | out["suppressed"].isna() | out["suppressed"].astype(bool)
    out["suppressed"] = hidden
    for column in _SHOWN_NUMBERS:
        out[column] = out[column].astype(float).where(~hidden)
    pupil_count = out["unit"].map(dict(pupils or {})).astype(float)
    # A response rate only means something for pupils: parents' answers per pupil is not one.
    rate = row_n / pupil_count.where(pupil_count > 0)
    out["response_rate"] = rate.where(~hidden & (out["group"] == "pupils"))
    out["respondents"] = row_n.where(~hidden).astype("Int64")
    out["group_respondents"] = group_n.where(~small_group).astype("Int64")
    return out[list(SHOWN_COLUMNS)].sort_values(list(KEYS), ignore_index=True)


def _campaign_respondents(*, now: datetime | None = None) -> dict[tuple[int, str], int]:
    """Responses per (unit id, group) in the campaign that makes its result."""
    rows = (
        Response.objects.filter(campaign__in=latest_closed_campaigns(now=now))
        .values("campaign__unit_id", "campaign__respondent_group")
        .annotate(n=Count("id"))
        .values_list("campaign__unit_id", "campaign__respondent_group", "n")
    )
    return {(unit, group): n for unit, group, n in rows}


def _round(value: Any, digits: int = 2) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return round(number, digits) if math.isfinite(number) else None


def _whole(value: Any) -> int | None:
    return None if pd.isna(value) else int(value)


def _index_out(row: Any) -> dict[str, Any]:
    """One published index (a `shown_results` row); a suppressed one has no number."""
    return {
        "index": row.index,
        "name": _index_name(row.index),
        "suppressed": bool(row.suppressed),
        "respondents": _whole(row.respondents),
        "raw": _round(row.mean),
        "ci_low": _round(row.ci_low),
        "ci_high": _round(row.ci_high),
    }


def _index_name(code: str) -> str:
    common = load_common()
    return localize(common.indices[code].name, "sv") if code in common.indices else code


def unit_results(
    *,
    unit_ids: list[int] | None = None,
    shown: pd.DataFrame | None = None,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Results per unit and respondent group, ready for a page, the API or an export.

    A suppressed group or index carries `suppressed: True` and no number at all, not
    even its respondent count: only "too few answers". `shown` saves reading again
    what the caller already read with `shown_results` (with the same `now`).
    """
    shown = shown_results(now=now) if shown is None else shown
    if unit_ids is not None:
        shown = shown[shown["unit"].isin(set(unit_ids))]
    if shown.empty:
        return []
    units = {
        u.id: u
        for u in SchoolUnit.objects.filter(id__in=shown["unit"].unique().tolist()).select_related(
            "site"
        )
    }
    out = []
    for (unit_id, group), rows in shown.groupby(["unit", "group"], sort=False):
        unit = units[unit_id]
        counts = rows["group_respondents"].dropna()
        respondents = None if counts.empty else int(counts.max())
        indices = [
            {
                **_index_out(row),
                "shrunk": _round(row.shrunk),
                "city_mean": _round(row.city_mean),
                "response_rate": _round(row.response_rate, 3),
            }
            for row in rows.sort_values("index").itertuples()
        ]
        out.append(
            {
                "unit": unit.code,
                "unit_name": unit.name,
                "site": unit.site.code,
                "site_name": unit.site.name,
                "group": group,
                "group_label": dict(Campaign.Group.choices).get(group, group),
                "suppressed": respondents is None,
                "respondents": respondents,
                "response_rate": None
                if respondents is None or group != "pupils" or not unit.pupils
                else round(respondents / unit.pupils, 3),
                "indices": indices,
            }
        )
    out.sort(key=lambda r: (r["site_name"], r["unit_name"], r["group"]))
    return out


def campaign_results(campaign: Campaign, *, now: datetime | None = None) -> dict[str, Any] | None:
    """A closed campaign's own results, as history: its indices scored on its answers
    alone (raw mean and interval; shrinking toward a city mean is the ranking's business),
    by the same threshold as everywhere (`publishable`). None while the campaign is not
    closed: an open campaign shows counts only.
    """
    if not campaign_closed(campaign, now):
        return None
    aggregates = _aggregates_of(Campaign.objects.filter(pk=campaign.pk))
    responses = {(campaign.unit_id, campaign.respondent_group): campaign.responses.count()}
    shown = publishable(aggregates, responses=responses, threshold=threshold())
    counts = shown["group_respondents"].dropna()
    if counts.empty:
        return {"suppressed": True, "respondents": None, "indices": []}
    indices = [_index_out(row) for row in shown.sort_values("index").itertuples()]
    return {"suppressed": False, "respondents": int(counts.max()), "indices": indices}


def city_results(
    *, shown: pd.DataFrame | None = None, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Per group and index: how the shown units' raw means spread across the city."""
    shown = shown_results(now=now) if shown is None else shown
    if shown.empty:
        return []
    frame = city_distribution(shown)
    return [
        {
            "group": row.group,
            "index": row.index,
            "name": _index_name(row.index),
            "units": int(row.units),
            "mean": _round(row.mean),
            "q1": _round(row.q1),
            "median": _round(row.median),
            "q3": _round(row.q3),
        }
        for row in frame.itertuples()
    ]


def unit_ids_of_site(*, site_code: str) -> list[int]:
    return list(SchoolUnit.objects.filter(site__code=site_code).values_list("id", flat=True))


def any_synthetic() -> bool:
    return Response.objects.filter(synthetic=True).exists()


def daily_response_counts(*, day: date) -> list[tuple[Campaign, int]]:
    """Every campaign open on `day` with the number of responses submitted that day, by
    code: the daily figure operators may log instead of a line per response."""
    campaigns = (
        Campaign.objects.filter(opens_on__lte=day, closes_on__gte=day)
        .select_related("unit")
        .annotate(n_day=Coalesce(_count(Response, submitted_on=day), 0))
        .order_by("code")
    )
    return [(campaign, int(campaign.n_day)) for campaign in campaigns]


def _count(model: Any, **filters: Any) -> Subquery:
    # One subquery per count: joining responses and codes at once would multiply rows.
    rows = model.objects.filter(campaign=OuterRef("pk"), **filters).order_by()
    return Subquery(
        rows.values("campaign").annotate(n=Count("pk")).values("n"), output_field=IntegerField()
    )


def campaigns_annotated() -> Any:
    """Campaigns newest first, with their response and code counts in one query."""
    return (
        Campaign.objects.select_related("unit")
        .annotate(
            n_responses=Coalesce(_count(Response), 0),
            n_codes=Coalesce(_count(RespondentCode), 0),
            n_unused=Coalesce(_count(RespondentCode, used=False), 0),
        )
        .order_by("-opens_on", "unit__name", "respondent_group")
    )
