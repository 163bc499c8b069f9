"""A page and the map iframe it embeds are two requests for the same computation (a
ranking with 200 draws, or a whole plan). The page builds the map once and leaves it
here; the iframe's request, which follows at once, takes it instead of computing again.
A miss (another process, expiry, a map opened on its own) just builds the map."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.utils.translation import get_language

TIMEOUT_S = 300


def _key(name: str, query: str) -> str:
    digest = hashlib.sha256(query.encode()).hexdigest()
    return f"map-handoff:{name}:{get_language() or 'sv'}:{digest}"


def map_leave(name: str, query: str, html: str) -> None:
    cache.set(_key(name, query), html, TIMEOUT_S)


def map_take(name: str, query: str, build: Callable[[], str]) -> str:
    html = cache.get(_key(name, query))
    return html if isinstance(html, str) else build()
