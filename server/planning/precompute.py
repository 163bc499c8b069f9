"""The pillar matrix: every active site's pillars, breakdown and top defects, and the
ratings and prices behind them, computed once per data version and price year. Any
ranking (other weights, method, filters, draws) is a vectorised pass over it.

Kept in two places: this process's memory (a few entries, no copying) and Django's cache,
which is Redis shared by every process and the task worker in production. The worker
computes the matrix and the default ranking after data change
(`tasks.recompute_rankings`); without a worker (the demo) the first request that needs
them computes them in-process.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import pandas as pd
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from server.core.data_version import Version, current_version
from server.planning import loading
from server.planning.plausibility import FLAGS_COLUMN, screen_ratings
from server.planning.pricing import priced
from server.planning.ranking import DEFAULT_WEIGHTS, rank
from server.prices.selectors import prices_for_plan
from server.prices.table import PriceTable
from shared.catalogue import load_catalogue

log = logging.getLogger(__name__)
Progress = Callable[[float], None]
CACHE_SECONDS: Final = 24 * 3600
QUEUED_SECONDS: Final = 600
"""A recompute queued longer ago than this counts as lost: requests compute themselves."""
MEMO_ENTRIES: Final = 24
# Bumped when what is cached changes shape, so processes of another release never read it.
PREFIX: Final = "ranking:v1"
STATUS_KEY: Final = f"{PREFIX}:status"
QUEUED_KEY: Final = f"{PREFIX}:queued"
SITE_EXTRAS: Final = (
    "lat",
    "lon",
    "city_area",
    "district_code",
    "synthetic",
    "socioeconomic_need",
)


@dataclass(frozen=True)
class Matrix:
    frame: pd.DataFrame
    """`rank` at the default weights for every active site, with `SITE_EXTRAS` and the
    implausible-fact flags."""
    ratings: pd.DataFrame
    prices: PriceTable
    version: str
    computed_at: datetime


def _quiet(share: float) -> None:
    pass


def build_matrix(*, price_year: int | None, version: str, progress: Progress = _quiet) -> Matrix:
    """Load every active site, its newest ratings (priced in `price_year`, screened for
    implausible values) and its shown survey results, and score the pillars."""
    sites = loading.load_sites()
    progress(0.2)
    site_ids = sites["id"].tolist()
    catalogue = load_catalogue()
    prices = prices_for_plan(price_year=price_year)
    ratings, rating_flags = screen_ratings(
        priced(loading.load_ratings(site_ids=site_ids), prices),
        units={e.code: e.unit for e in catalogue.elements},
        top_rates={e.code: prices.top_rate(e.code) for e in catalogue.elements},
    )
    progress(0.5)
    experience = loading.load_experience(site_ids=site_ids)
    progress(0.7)
    ranked = rank(
        sites,
        ratings,
        experience,
        DEFAULT_WEIGHTS,
        element_weights={e.code: e.weight for e in catalogue.elements},
    )
    flags = sites[FLAGS_COLUMN].copy()
    for code, elements in rating_flags.items():  # only the few flagged sites
        if code in flags.index:
            flags.at[code] = [*flags.at[code], *elements]
    ranked = ranked.join(sites[list(SITE_EXTRAS)])
    ranked[FLAGS_COLUMN] = flags.reindex(ranked.index)
    progress(0.8)
    return Matrix(
        frame=ranked,
        ratings=ratings,
        prices=prices,
        version=version,
        computed_at=timezone.now(),
    )


# ---------------------------------------------------------------------------------------
# Where results are kept


_memo: OrderedDict[str, Any] = OrderedDict()
_memo_lock = threading.Lock()


def stored(key: str) -> Any:
    """What `store` kept under `key`: from this process's memory, else the shared cache
    (then remembered here too); None if neither has it."""
    with _memo_lock:
        if key in _memo:
            _memo.move_to_end(key)
            return _memo[key]
    value = cache.get(key)
    if value is not None:
        _remember(key, value)
    return value


def store(key: str, value: Any) -> None:
    _remember(key, value)
    cache.set(key, value, CACHE_SECONDS)


def remember(key: str, value: Any) -> None:
    """Keep `value` in this process's memory only."""
    _remember(key, value)


def _remember(key: str, value: Any) -> None:
    with _memo_lock:
        _memo[key] = value
        _memo.move_to_end(key)
        while len(_memo) > MEMO_ENTRIES:
            _memo.popitem(last=False)


def forget_all() -> None:
    """Empty this process's memory (the tests, between tests)."""
    with _memo_lock:
        _memo.clear()


def price_year_of(price_year: int | None) -> int:
    from server.core.municipality import current_municipality

    return price_year or current_municipality().price_year


def matrix_key(version: str, price_year: int) -> str:
    return f"{PREFIX}:matrix:{version}:{price_year}"


def latest_key(price_year: int) -> str:
    return f"{PREFIX}:latest:{price_year}"


def matrix_get(*, version: Version, price_year: int | None) -> tuple[Matrix, bool]:
    """The matrix of `version`, and whether it is of an earlier version instead.

    Without a worker (no task queue) a missing matrix is computed here and now. With one,
    the request does not wait for a recompute it does not need: while the worker computes
    the new matrix, one of an earlier version is served, marked stale. It is computed here
    after all when there is none (a first start), when the recompute cannot be queued (the
    broker is down), or when it was queued longer than `QUEUED_SECONDS` ago (a worker that
    is down or lost it).
    """
    year = price_year_of(price_year)
    found = stored(matrix_key(version.key, year))
    if found is not None:
        return found, False
    if has_worker():
        queued = _queue(version.key)
        if queued is not None and (timezone.now() - queued).total_seconds() < QUEUED_SECONDS:
            previous = stored(latest_key(year))
            earlier = None if previous is None else stored(matrix_key(previous, year))
            if earlier is not None:
                return earlier, True
    return matrix_compute(version=version, price_year=year), False


def matrix_compute(*, version: Version, price_year: int, progress: Progress = _quiet) -> Matrix:
    matrix = build_matrix(price_year=price_year, version=version.key, progress=progress)
    store(matrix_key(version.key, price_year), matrix)
    store(latest_key(price_year), version.key)
    return matrix


# ---------------------------------------------------------------------------------------
# The recompute, in the background


def has_worker() -> bool:
    """A task queue with a worker (Redis), or tasks run in-process (the demo)."""
    return not settings.CELERY_TASK_ALWAYS_EAGER


def schedule_recompute() -> None:
    """Queue one recompute after data change. Without a worker nothing is queued: the
    next request that needs a ranking computes it (a tablet's push never waits for it)."""
    if has_worker():
        _queue(current_version().key)


def _queue(version: str) -> datetime | None:
    """Queue the recompute of `version` unless it is queued already; when it was queued,
    or None when the broker refused it (then requests compute for themselves)."""
    key = f"{QUEUED_KEY}:{version}"
    now = timezone.now()
    if cache.add(key, now, CACHE_SECONDS):
        from server.planning.tasks import recompute_rankings

        try:
            recompute_rankings.delay()
        except Exception:  # the broker is down: nothing waits for a task never sent
            cache.delete(key)
            log.warning("ranking.recompute_not_queued", exc_info=True)
            return None
        return now
    queued = cache.get(key)
    return queued if isinstance(queued, datetime) else None


def status() -> dict[str, Any]:
    """The last recompute's state: `running`, `progress` (0-1), `version`, `started_at`,
    `finished_at` (ISO times); empty before any."""
    found = cache.get(STATUS_KEY)
    return dict(found) if isinstance(found, dict) else {}


def recompute(*, on_done: Callable[[Matrix], None]) -> str:
    """Compute the current version's matrix, then `on_done` (the default ranking), noting
    progress for the pages. Returns the version computed."""
    version = current_version()
    started = timezone.now().isoformat()
    state: dict[str, Any] = {"running": True, "version": version.key, "started_at": started}

    def progress(share: float) -> None:
        cache.set(STATUS_KEY, {**state, "progress": round(share, 2)}, CACHE_SECONDS)

    progress(0.0)
    year = price_year_of(None)
    try:
        matrix = matrix_compute(version=version, price_year=year, progress=progress)
        on_done(matrix)
    finally:
        state["running"] = False
        cache.set(
            STATUS_KEY,
            {**state, "progress": 1.0, "finished_at": timezone.now().isoformat()},
            CACHE_SECONDS,
        )
    return version.key
