"""Sign-in events in the log (`auth.login`), with no address or user name in clear.

One line per sign-in on /accounts/login/ or /admin/login/: `outcome` is `success` (with
the user's id), `failure`, or `locked_out` (django-axes refused the pair of user name and
address: it follows the failure that reached the limit, and every try during the
cool-off). User names and addresses appear only as `pseudonym()` hashes, so an operator
can see one name failing from one place without the log saying who or where.
"""

from __future__ import annotations

import logging
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from server.core.client import client_address
from server.core.logs import pseudonym

logger = logging.getLogger(__name__)


def _where(request: HttpRequest | None) -> dict[str, Any]:
    if request is None:  # authenticate() called outside a request: nothing to say
        return {"client_hash": None, "path": None}
    return {"client_hash": pseudonym(client_address(request)), "path": request.path or None}


@receiver(user_logged_in, dispatch_uid="skolmiljo.auth.login.success")
def log_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    logger.info(
        "auth.login",
        extra={
            "outcome": "success",
            "user_id": user.pk,
            "user_name_hash": pseudonym(user.get_username()),
            **_where(request),
        },
    )


@receiver(user_login_failed, dispatch_uid="skolmiljo.auth.login.failure")
def log_sign_in_failure(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django has already blanked the password in `credentials`; the name is hashed here.
    name = credentials.get("username")
    logger.info(
        "auth.login",
        extra={
            "outcome": "failure",
            "user_name_hash": pseudonym(name if isinstance(name, str) else None),
            **_where(request),
        },
    )


@receiver(user_locked_out, dispatch_uid="skolmiljo.auth.login.locked_out")
def log_lockout(
    sender: Any,
    request: HttpRequest | None = None,
    username: str | None = None,
    ip_address: str | None = None,
    **kwargs: Any,
) -> None:
    logger.warning(
        "auth.login",
        extra={
            "outcome": "locked_out",
            "user_name_hash": pseudonym(username),
            "client_hash": pseudonym(ip_address),
            "path": request.path if request is not None else None,
        },
    )


def axes_client_str(
    username: str | None,
    ip_address: str | None,
    user_agent: str | None,
    path_info: str | None,
    request: HttpRequest | None,
) -> str:
    """How django-axes names a client in its own log lines (settings.AXES_CLIENT_STR_CALLABLE):
    hashed like ours, where axes by default writes the user name and address in clear."""
    return (
        f"{{user_name_hash: {pseudonym(username)}, client_hash: {pseudonym(ip_address)}, "
        f"path: {path_info}}}"
    )
