"""The audit trail's glue to django-auditlog: who is the actor, from where, and masking.

Which models are logged, and which of their fields, is in settings
(`AUDITLOG_INCLUDE_TRACKING_MODELS`); the entries are read in the admin, by
administrators only (server.accounts.admin).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from auditlog.context import auditlog_value, set_extra_data
from auditlog.middleware import AuditlogMiddleware
from django.contrib.auth.models import User
from django.http import HttpRequest

from server.core.client import client_address

MASK = "********"


def mask(value: str) -> str:
    """What the log keeps of a secret's hash: that it changed, not half of it.

    (auditlog's own mask keeps the second half of the value.)
    """
    return MASK if value and value != "None" else value


class AuditMiddleware(AuditlogMiddleware):
    """auditlog's middleware, reading the client address the way the rate limits do.

    auditlog's own reading believes the first `X-Forwarded-For` entry, which any client
    can write; server.core.client believes only the proxies the deployment declares.
    """

    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> str | None:
        return client_address(request) or None

    @staticmethod
    def _get_remote_port(request: HttpRequest) -> int | None:
        # auditlog reads X-Forwarded-Port, which any client writes: keep no port at all.
        return None


@contextmanager
def audit_actor(user: User | None) -> Iterator[None]:
    """Attribute the audit entries written inside the block to `user`.

    For writes no signed-in user makes: a tablet's sync (its inspector), an enrollment
    (the code's inspector). Keeps the request's client address when there is one.

    auditlog's `set_actor` inside the middleware's own context leaves the context
    pointing at the inner one on exit, so the middleware's receiver would never be
    disconnected and the rest of the request would lose its actor; the outer context is
    put back here.
    """
    outer: dict[str, Any] | None = auditlog_value.get(None)
    context = {
        key: value for key, value in (outer or {}).items() if key in {"remote_addr", "remote_port"}
    }
    try:
        with set_extra_data(context_data={**context, "actor": user}):
            yield
    finally:
        if outer is not None:
            auditlog_value.set(outer)
