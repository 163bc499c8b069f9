"""Submission limits for the public survey form, counted only in Django's cache.

Keyed on campaign and a salted hash of the client address, not on the address alone: a
whole class answers from behind one school router, so the limit is class-sized and per
campaign (settings.SURVEY_SUBMIT_RATE, "N/s|m|h|d"). The address itself is never
stored, and the hash lives only as a cache key until the window ends.

With settings.REDIS_URL the cache is one Redis, so every server process adds to the same
count: `add` creates a window's key only when missing, and `incr` is atomic both in Redis
and in the local-memory cache, so concurrent submissions are each counted once.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from server.core.client import client_address

_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


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


def _client_key(request: HttpRequest, campaign_code: str, window: int) -> str:
    address = client_address(request)
    digest = hashlib.sha256(f"{settings.SECRET_KEY}|{address}".encode()).hexdigest()[:24]
    return f"survey-submit:{campaign_code}:{digest}:{window}"


def seconds_to_next_window() -> int:
    """How long until the current window ends and submissions count from zero again."""
    rate = parse_rate(settings.SURVEY_SUBMIT_RATE)
    return rate.seconds - int(time.time()) % rate.seconds


def submission_allowed(request: HttpRequest, campaign_code: str) -> bool:
    """Count one submission; False once this campaign and address are over the rate."""
    rate = parse_rate(settings.SURVEY_SUBMIT_RATE)
    window = int(time.time()) // rate.seconds
    key = _client_key(request, campaign_code, window)
    cache.add(key, 0, timeout=rate.seconds + 1)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr: a new window
        cache.set(key, 1, timeout=rate.seconds + 1)
        used = 1
    return used <= rate.count
