"""Retrying what the network breaks: exponential backoff with full jitter."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import httpx

from shared.errors import AppError, Forbidden, Unauthorized

T = TypeVar("T")


@dataclass(frozen=True)
class Backoff:
    """Waits of `uniform(0, min(cap, base * 2**attempt))` seconds, at most `attempts` tries.

    Full jitter: many tablets coming back online at the same moment (a school's wifi
    returning) do not all knock again in step.
    """

    base: float = 1.0
    cap: float = 60.0
    attempts: int = 6

    def delay(self, attempt: int, rng: Callable[[], float] = random.random) -> float:
        return float(rng() * min(self.cap, self.base * 2**attempt))


def retryable(error: BaseException) -> bool:
    """Network trouble, server trouble and rate limits are worth another try; the rest not."""
    if isinstance(error, Unauthorized | Forbidden):
        return False
    if isinstance(error, httpx.TransportError):
        return True
    return isinstance(error, AppError) and (error.status >= 500 or error.status == 429)


def with_retries(
    call: Callable[[], T],
    backoff: Backoff,
    *,
    sleep: Callable[[float], None] = time.sleep,
    on_retry: Callable[[int, BaseException, float], None] | None = None,
) -> T:
    """`call()`, again after a backoff while it fails with a retryable error."""
    attempt = 0
    while True:
        try:
            return call()
        except Exception as error:
            attempt += 1
            if not retryable(error) or attempt >= backoff.attempts:
                raise
            delay = backoff.delay(attempt - 1)
            if on_retry is not None:
                on_retry(attempt, error, delay)
            sleep(delay)
