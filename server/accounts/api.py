"""Tablet enrollment. Who may call: anyone holding a valid one-time enrollment code."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router
from ninja.throttling import AnonRateThrottle

from server.accounts import services
from server.core.client import client_address
from server.core.errors import ErrorOut
from server.core.logs import pseudonym
from shared.errors import InvalidInput
from shared.sync import EnrollIn, EnrollOut

router = Router(tags=["devices"])
logger = logging.getLogger(__name__)


def _log_refusal(request: HttpRequest, reason: str) -> None:
    logger.info(
        "device.enroll",
        extra={
            "outcome": "refused",
            "reason": reason,
            "client_hash": pseudonym(client_address(request)),
        },
    )


class EnrollThrottle(AnonRateThrottle):
    """Enrollment attempts per client address, at settings.ENROLL_RATE."""

    scope = "enroll"

    def __init__(self) -> None:
        super().__init__(settings.ENROLL_RATE)

    def get_ident(self, request: HttpRequest) -> str:
        # Ninja's own reading trusts X-Forwarded-For by default: one answer for every limit.
        return client_address(request)

    def allow_request(self, request: HttpRequest) -> bool:
        allowed = super().allow_request(request)
        if not allowed:
            _log_refusal(request, "throttled")
        return allowed


@router.post(
    "/devices/enroll",
    response={200: EnrollOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    auth=None,  # the code is the credential; stays open if the API gets a default auth
    throttle=[EnrollThrottle()],
)
def enroll_device(request: HttpRequest, payload: EnrollIn) -> EnrollOut:
    """Trade a one-time enrollment code for this tablet's bearer token.

    Who may call: anyone holding a valid code (an administrator makes one for an
    inspector; the QR code holds it). The code may be typed in any case, with or without
    its dash. The token is in this answer only: the server keeps just its hash. 401 when
    the code is unknown, already used or expired (the message says which); 422 for a
    malformed body; 429 (with Retry-After) after too many attempts from one address.
    """
    try:
        device, token = services.device_enroll(code=payload.code, device_name=payload.device_name)
    except services.EnrollmentRefused as exc:
        _log_refusal(request, exc.reason)
        raise
    except InvalidInput:
        _log_refusal(request, "invalid")
        raise
    logger.info(
        "device.enroll",
        extra={
            "outcome": "enrolled",
            "device_id": device.pk,
            "inspector_id": device.user_id,
            "client_hash": pseudonym(client_address(request)),
        },
    )
    return EnrollOut(token=token, inspector=device.user.get_username(), server_time=timezone.now())
