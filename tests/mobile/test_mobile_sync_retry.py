"""Backoff with jitter, and which failures are worth another try."""

from __future__ import annotations

import socket

import httpx
import pytest

from mobile.sync.api import SyncApi
from mobile.sync.retry import Backoff, retryable, with_retries
from shared.errors import (
    AppError,
    BadRequest,
    Forbidden,
    PayloadTooLarge,
    TooManyRequests,
    Unauthorized,
)


@pytest.mark.parametrize(
    ("attempt", "ceiling"), [(0, 1.0), (1, 2.0), (2, 4.0), (5, 32.0), (6, 60.0), (10, 60.0)]
)
def test_it_doubles_the_ceiling_up_to_the_cap(attempt: int, ceiling: float) -> None:
    backoff = Backoff(base=1.0, cap=60.0)

    assert backoff.delay(attempt, rng=lambda: 1.0) == ceiling
    assert backoff.delay(attempt, rng=lambda: 0.0) == 0.0
    assert backoff.delay(attempt, rng=lambda: 0.5) == ceiling / 2


@pytest.mark.parametrize(
    ("error", "again"),
    [
        (httpx.ConnectError("refused"), True),
        (httpx.ReadTimeout("slow"), True),
        (AppError("boom"), True),
        (TooManyRequests("wait"), True),
        (Unauthorized("revoked"), False),
        (Forbidden("no"), False),
        (BadRequest("hash"), False),
        # Too large is too large the next time too: the sync splits the batch instead.
        (PayloadTooLarge("8 MiB"), False),
    ],
)
def test_it_retries_network_and_server_trouble_only(error: Exception, again: bool) -> None:
    assert retryable(error) is again


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_it_gives_up_after_the_last_attempt_against_a_dead_server() -> None:
    waits: list[float] = []
    api = SyncApi(f"http://127.0.0.1:{_closed_port()}", "token")

    with pytest.raises(httpx.ConnectError):
        with_retries(
            lambda: api.reference(None), Backoff(base=1, cap=8, attempts=4), sleep=waits.append
        )

    assert len(waits) == 3
    assert all(0 <= wait <= 8 for wait in waits)
    api.close()


def test_it_does_not_retry_an_authentication_refusal() -> None:
    calls: list[int] = []

    def refused() -> None:
        calls.append(1)
        raise Unauthorized("revoked")

    with pytest.raises(Unauthorized):
        with_retries(refused, Backoff(attempts=5), sleep=lambda _s: None)
    assert calls == [1]
