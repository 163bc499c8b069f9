"""Submission limits for the public survey form, counted only in Django's cache.

Keyed on campaign and a salted hash of the client address, not on the address alone: a
whole school often answers from behind one city address, so the limit is school-sized
and per campaign. settings.SURVEY_SUBMIT_RATE is "auto" (the default), max(40, 1.2 x the
unit's pupils) a day, or an explicit "N/s|m|h|d". Submissions and wrong one-time codes
count alike, so codes cannot be guessed past the limit. The address itself is never
stored, and the hash lives only as a cache key until the window ends.

With settings.REDIS_URL the cache is one Redis, so every server process adds to the same
count: `add` creates a window's key only when missing, and `incr` is atomic both in Redis
and in the local-memory cache, so concurrent submissions are each counted once.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from server.core.client import client_address

if TYPE_CHECKING:
    from server.campaigns.models import Campaign

_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
AUTO = "auto"
AUTO_FLOOR = 40
"""The fewest submissions a day "auto" allows: a small unit still fits a class or two."""


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


def parse_rate(rate: str) -> Rate:
    """`"300/h"` -> Rate(300, 3600); ValueError for anything else."""
    count, _, period = rate.partition("/")
    period = period.strip()
    unit = period[-1:] if period else ""
    multiple = period[:-1] or "1"
    if not count.strip().isdigit() or unit not in _SECONDS or not multiple.isdigit():
        raise ValueError(f"rate {rate!r} is not of the form N/s, N/m, N/h or N/d (e.g. 300/h)")
    return Rate(int(count), int(multiple) * _SECONDS[unit])


def campaign_rate(campaign: Campaign) -> Rate:
    """The campaign's limit per address: with "auto", max(40, 1.2 x the unit's pupils) a
    day (a whole school may share one address, and some answer twice by mistake); else
    the setting."""
    setting = settings.SURVEY_SUBMIT_RATE
    if setting.strip().lower() != AUTO:
        return parse_rate(setting)
    pupils = campaign.unit.pupils or 0
    return Rate(max(AUTO_FLOOR, -(-pupils * 6 // 5)), _SECONDS["d"])  # ceil(1.2 x pupils)


def _client_key(request: HttpRequest, campaign_code: str, window: int) -> str:
    address = client_address(request)
    digest = hashlib.sha256(f"{settings.SECRET_KEY}|{address}".encode()).hexdigest()[:24]
    return f"survey-submit:{campaign_code}:{digest}:{window}"


def _window_key(request: HttpRequest, campaign: Campaign, rate: Rate) -> str:
    return _client_key(request, campaign.code, int(time.time()) // rate.seconds)


def seconds_to_next_window(campaign: Campaign) -> int:
    """How long until the current window ends and submissions count from zero again."""
    rate = campaign_rate(campaign)
    return rate.seconds - int(time.time()) % rate.seconds


def submissions_exhausted(request: HttpRequest, campaign: Campaign) -> bool:
    """True once this campaign and address have used up the window, counting nothing."""
    rate = campaign_rate(campaign)
    return int(cache.get(_window_key(request, campaign, rate), 0)) >= rate.count


def submission_allowed(request: HttpRequest, campaign: Campaign) -> bool:
    """Count one submission (or wrong one-time code); False once this campaign and address
    are over the rate."""
    rate = campaign_rate(campaign)
    key = _window_key(request, campaign, rate)
    cache.add(key, 0, timeout=rate.seconds + 1)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr: a new window
        cache.set(key, 1, timeout=rate.seconds + 1)
        used = 1
    return used <= rate.count
