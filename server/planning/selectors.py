"""The one ranking: a query object every page, API call, export, map and popup builds, and
the one function that answers it from the pillar matrix (server.planning.precompute),
cached by the query and the data version (server.core.data_version).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Final
from urllib.parse import quote, urlencode

import pandas as pd

from server.core.data_version import current_version
from server.planning import precompute
from server.planning.bounds import TOP_N, WEIGHT, Bound
from server.planning.ranking import (
    DEFAULT_WEIGHTS,
    METHODS,
    Method,
    Weights,
    rerank,
    stability,
)
from server.prices.table import PriceTable
from server.schools.models import SchoolUnit
from server.schools.selectors import district_for_filter
from shared.errors import ErrorDetail, InvalidInput

STABILITY_DRAWS: Final = 1000
"""Weight draws behind every rank interval a planner sees (pages, API, exports, popups)."""
DEFAULT_TOP_N: Final = 10
DISTRICT_MAX: Final = 200
"""Longer than any district's code or name (a longer one cannot match)."""


@dataclass(frozen=True)
class RankingQuery:
    """What a ranking is asked for. Built from a URL's query (`from_query`) and written
    back into one (`as_query`), so a page's export links, its map and the map's popups
    ask for exactly the ranking the page shows."""

    weights: Weights = DEFAULT_WEIGHTS
    method: Method = "weighted_sum"
    district: str | None = None
    """A district or a city area (with its districts), by code or name."""
    school_form: str | None = None
    draws: int = STABILITY_DRAWS
    top_n: int = DEFAULT_TOP_N
    price_year: int | None = None
    """Costs in this year's prices (the plan's choice); None: the municipality's."""

    @classmethod
    def from_query(cls, data: Mapping[str, Any]) -> RankingQuery:
        """The query a URL's parameters ask for (strings, or the API's parsed values):
        unknown parameters are ignored, a missing one takes its default, and a bad value
        raises InvalidInput naming the parameter, with the API's bounds."""
        problems: list[ErrorDetail] = []

        def number(name: str, default: float, bound: Bound, kind: type = float) -> Any:
            raw = data.get(name)
            if raw is None or raw == "":
                return default
            try:
                value = kind(raw) if kind is float else _whole(raw)
            except (TypeError, ValueError):
                problems.append(ErrorDetail(field=name, message=f"{raw!r} is not a number"))
                return default
            if not (math.isfinite(value) and bound.low <= value <= bound.high):
                problems.append(
                    ErrorDetail(
                        field=name,
                        message=f"must be from {bound.low:g} to {bound.high:g}, got {raw}",
                    )
                )
                return default
            return value

        def choice(name: str, allowed: tuple[str, ...]) -> str | None:
            raw = data.get(name)
            if raw is None or raw == "":
                return None
            if str(raw) not in allowed:
                problems.append(
                    ErrorDetail(field=name, message=f"must be one of {', '.join(allowed)}")
                )
                return None
            return str(raw)

        weights = {
            pillar: number(pillar, default, WEIGHT)
            for pillar, default in DEFAULT_WEIGHTS.as_dict().items()
        }
        method = choice("method", METHODS) or "weighted_sum"
        school_form = choice("school_form", tuple(SchoolUnit.SchoolForm.values))
        top_n = number("top_n", DEFAULT_TOP_N, TOP_N, int)
        district = str(data.get("district") or "").strip()[:DISTRICT_MAX] or None
        if problems:
            raise InvalidInput(
                "The ranking cannot be made: "
                + "; ".join(f"{p.field} {p.message}" for p in problems),
                problems,
            )
        try:
            parsed = Weights(**weights)
        except ValueError as exc:
            raise InvalidInput(
                f"The weights cannot be used: {exc}",
                [ErrorDetail(field="weights", message=str(exc))],
            ) from None
        return cls(
            weights=parsed,
            method=method,  # type: ignore[arg-type]
            district=district,
            school_form=school_form,
            top_n=top_n,
        )

    def as_query(self) -> str:
        """The URL query that `from_query` reads back as this query (defaults left out;
        draws and price year are not a URL's to choose)."""
        values: dict[str, Any] = {
            pillar: _number(weight)
            for pillar, weight in self.weights.as_dict().items()
            if weight != DEFAULT_WEIGHTS.as_dict()[pillar]
        }
        if self.method != "weighted_sum":
            values["method"] = self.method
        if self.district:
            values["district"] = self.district
        if self.school_form:
            values["school_form"] = self.school_form
        if self.top_n != DEFAULT_TOP_N:
            values["top_n"] = self.top_n
        return urlencode(values)

    @property
    def key(self) -> str:
        """The cache key part: every field, in a fixed order (the district quoted: a cache
        key holds no spaces or other letters a memcached-style backend refuses)."""
        w = self.weights
        district = quote(self.district or "", safe="")
        return (
            f"{w.condition!r},{w.experience!r},{w.equity!r}|{self.method}|{district}"
            f"|{self.school_form or ''}|{self.draws}|{self.top_n}|{self.price_year or ''}"
        )


def _number(value: float) -> str:
    """Short ("1", "0.25") where that is exact; else every digit, so it reads back equal."""
    short = f"{value:g}"
    return short if float(short) == value else repr(float(value))


def _whole(raw: Any) -> int:
    """A whole number from a URL ("10", "10.0") or the API (10); ValueError otherwise."""
    value = float(raw)
    if not value.is_integer():
        raise ValueError(raw)
    return int(value)


@dataclass(frozen=True)
class Ranking:
    query: RankingQuery
    frame: pd.DataFrame
    """The ranked sites (`rank`'s columns, the rank interval unless draws is 0, positions,
    district and city area, flags), most need first."""
    ratings: pd.DataFrame
    """The newest rating per site, element and location of the ranked sites, priced."""
    data_date: datetime | None
    synthetic: bool
    prices: PriceTable
    """The price list (in the query's price year) the ratings' costs were computed with."""
    computed_at: datetime
    """When the pillars behind it were computed from the data."""
    version: str
    """The data version it was computed from (`server.core.data_version`)."""
    stale: bool = False
    """Of an earlier data version, served while the new one is computed."""
    records_cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


def ranking_get(query: RankingQuery) -> Ranking:
    """The ranking `query` asks for: from the cache when the data have not changed since
    it was computed; else from the pillar matrix, with no database read but the filter's
    district. A district or city area that does not exist raises InvalidInput."""
    version = current_version()
    key = f"{precompute.PREFIX}:result:{version.key}:{query.key}"
    found = precompute.stored(key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    matrix, stale = precompute.matrix_get(version=version, price_year=query.price_year)
    if stale:  # the previous numbers, once, while the worker computes the new
        marked = f"{precompute.PREFIX}:stale:{matrix.version}:{query.key}"
        if (found := precompute.stored(marked)) is not None:
            return found  # type: ignore[no-any-return]
        key = f"{precompute.PREFIX}:result:{matrix.version}:{query.key}"
        if (previous := precompute.stored(key)) is not None:
            found = replace(previous, stale=True)
            precompute.remember(marked, found)
            return found  # type: ignore[no-any-return]
    ranking = ranking_from_matrix(matrix, query, stale=stale)
    if query == RankingQuery():
        precompute.store(key, ranking)  # the one other processes ask for most
    else:
        # Kept in this process only: each holds its sites' ratings, too many to copy
        # through Redis for every planner's weights.
        precompute.remember(key, ranking)
    return ranking


def ranking_from_matrix(
    matrix: precompute.Matrix, query: RankingQuery, *, stale: bool = False
) -> Ranking:
    """`query` answered from `matrix`: filter, rank again, and the rank interval."""
    frame = matrix.frame
    if query.district:
        found = district_for_filter(value=query.district)
        frame = frame[(frame["district_code"] == found.code) | (frame["city_area"] == found.code)]
    if query.school_form:
        forms = frame["school_forms"].fillna("").str.split(",")  # a site may have no unit
        frame = frame[forms.map(lambda names: query.school_form in names)]
    ranked = rerank(frame, query.weights, method=query.method)
    if len(ranked) and query.draws:
        ranked = ranked.join(
            stability(ranked, query.weights, draws=query.draws, top_n=min(query.top_n, len(ranked)))
        )
    ratings = matrix.ratings
    if len(ranked) < len(matrix.frame):
        ratings = ratings[ratings["site"].isin(ranked.index)]
    data_date = ratings["observed_at"].max() if len(ratings) else None
    return Ranking(
        query=query,
        frame=ranked,
        ratings=ratings,
        data_date=None if pd.isna(data_date) else data_date,
        synthetic=bool(ranked["synthetic"].any()),
        prices=matrix.prices,
        computed_at=matrix.computed_at,
        version=matrix.version,
        stale=stale,
    )


def default_ranking_compute(matrix: precompute.Matrix) -> None:
    """The ranking most pages show (default query), computed and stored with the matrix."""
    ranking = ranking_from_matrix(matrix, RankingQuery())
    precompute.store(f"{precompute.PREFIX}:result:{matrix.version}:{RankingQuery().key}", ranking)


def recompute_status() -> dict[str, Any]:
    """For the pages: when the ranking's numbers were computed and whether a recompute
    runs (with its progress)."""
    state = precompute.status()
    running = bool(state.get("running"))
    return {
        "running": running,
        "progress": state.get("progress") if running else None,
        "version": current_version().key,
        "computed_version": state.get("version"),
    }
