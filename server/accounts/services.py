"""Enrolling inspectors' tablets and authenticating them by their bearer token."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from importlib import import_module
from typing import Final
from urllib.parse import quote, urlencode

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.crypto import salted_hmac

from server.accounts.models import Device, EnrollmentCode
from server.accounts.selectors import user_is_inspector
from server.core.audit import audit_actor
from server.core.codes import ALPHABET, normalize
from server.core.roles import INSPECTOR
from shared.errors import ErrorDetail, InvalidInput, Unauthorized

CODE_ALPHABET: Final = ALPHABET
CODE_LENGTH: Final = 8
LAST_SEEN_RESOLUTION: Final = timedelta(minutes=1)
"""`last_seen_at` is written at most this often, not on every request."""

UNKNOWN_TOKEN: Final = "Unknown or revoked device token: enroll the tablet again."


def normalize_code(code: str) -> str:
    """The canonical form of a typed code: any case, with or without the dash or spaces."""
    return normalize(code)


def format_code(code: str) -> str:
    """How a code is shown to people: `ABCD-EFGH`."""
    plain = normalize_code(code)
    return f"{plain[:4]}-{plain[4:]}"


def code_hash(code: str) -> str:
    # Keyed with SECRET_KEY: a code has only about 40 bits, so a plain SHA-256 of the
    # unused codes in a leaked database could be reversed by brute force.
    return salted_hmac(
        "skolmiljo.accounts.enrollment-code", normalize_code(code), algorithm="sha256"
    ).hexdigest()


def token_hash(token: str) -> str:
    # A token has 256 random bits, so an unkeyed hash cannot be reversed.
    return hashlib.sha256(token.encode()).hexdigest()


def enrollment_uri(code: str) -> str:
    """What the enrollment QR code holds: the server's address and the code.

    `skolmiljo://enroll?server=<PUBLIC_URL>&code=<CODE>`, query-encoded (":" and "/"
    left readable), for the tablet to parse with `urllib.parse.parse_qs`.
    """
    query = urlencode({"server": settings.PUBLIC_URL, "code": code}, safe=":/", quote_via=quote)
    return f"skolmiljo://enroll?{query}"


def enrollment_code_create(
    *, user: User, created_by: User | None = None, hours: int | None = None
) -> tuple[EnrollmentCode, str]:
    """Make a one-time code that enrolls one tablet for the inspector `user`.

    Returns the stored row and the code as shown to people (`ABCD-EFGH`); only the code's
    hash is kept, so this is the one chance to show it. Valid for `hours`
    (default: settings.ENROLLMENT_CODE_HOURS).
    """
    hours = settings.ENROLLMENT_CODE_HOURS if hours is None else hours
    if not user_is_inspector(user=user):
        raise InvalidInput(
            f"'{user.get_username()}' is not an active inspector: add the user to the "
            f"'{INSPECTOR}' group first.",
            [ErrorDetail(field="user", message="not an active inspector")],
        )
    if hours < 1:
        raise InvalidInput(
            "An enrollment code must be valid for at least one hour.",
            [ErrorDetail(field="hours", message="must be at least 1")],
        )
    plain = format_code("".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)))
    now = timezone.now()
    with transaction.atomic():
        code = EnrollmentCode.objects.create(
            user=user,
            code_hash=code_hash(plain),
            created_by=created_by,
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    return code, plain


class EnrollmentRefused(Unauthorized):
    """An enrollment refused (401), with a short `reason` for the log: `unknown_code`,
    `used_code`, `expired_code` or `inactive_inspector`."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def _refusal(hashed: str) -> EnrollmentRefused:
    """Why a code could not be claimed, for a person to act on."""
    code = EnrollmentCode.objects.filter(code_hash=hashed).first()
    if code is None:
        return EnrollmentRefused(
            "This enrollment code is not known: check it for typos, or ask for a new one.",
            reason="unknown_code",
        )
    if code.used_at is not None:
        return EnrollmentRefused(
            "This enrollment code has already been used; ask for a new one.", reason="used_code"
        )
    return EnrollmentRefused(
        "This enrollment code has expired; ask for a new one.", reason="expired_code"
    )


def device_enroll(*, code: str, device_name: str) -> tuple[Device, str]:
    """Spend a one-time code on a new device; returns it and its bearer token.

    The token is returned only here: the server keeps its SHA-256. Unknown, used or
    expired codes raise EnrollmentRefused (an Unauthorized), saying which.
    """
    name = device_name.strip()
    if not name:
        raise InvalidInput(
            "The device needs a name.",
            [ErrorDetail(field="device_name", message="must not be blank")],
        )
    hashed = code_hash(code)
    with transaction.atomic():
        now = timezone.now()
        # A conditional UPDATE, not read-then-write: of two racing enrollments with
        # one code, the database lets exactly one claim it.
        claimed = EnrollmentCode.objects.filter(
            code_hash=hashed, used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
        if claimed != 1:
            raise _refusal(hashed)
        enrollment = EnrollmentCode.objects.select_related("user").get(code_hash=hashed)
        if not user_is_inspector(user=enrollment.user):
            # Raising rolls the claim back; the code works again if the role comes back.
            raise EnrollmentRefused(
                "The inspector account of this enrollment code is not active; "
                "ask an administrator.",
                reason="inactive_inspector",
            )
        token = secrets.token_urlsafe(32)
        # Nobody is signed in: the audit trail names the inspector the code was made for.
        with audit_actor(enrollment.user):
            device = Device.objects.create(
                user=enrollment.user, name=name, token_hash=token_hash(token), created_at=now
            )
            enrollment.device = device
            enrollment.save(update_fields=["device"])
    return device, token


def device_revoke(*, device: Device) -> None:
    """Stop the device's token from working; revoking again keeps the first time."""
    with transaction.atomic():
        # Saved, not updated by a query, so the audit trail sees who revoked it; the row
        # lock (SQLite: the immediate transaction) keeps the first revocation's time.
        locked = Device.objects.select_for_update().get(pk=device.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
        device.revoked_at = locked.revoked_at


def device_for_token(*, token: str) -> Device:
    """The active device holding this bearer token, with its user loaded.

    Raises Unauthorized for an unknown or revoked token, or when the inspector's account
    is no longer active or no longer an inspector. Notes the time the device was seen,
    at most once a minute so that syncing does not write on every request.
    """
    if not token:
        raise Unauthorized(UNKNOWN_TOKEN)
    is_inspector = Exists(
        User.groups.through.objects.filter(user_id=OuterRef("user_id"), group__name=INSPECTOR)
    )
    device = (
        Device.objects.select_related("user")
        .annotate(user_is_inspector=is_inspector)
        .filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .first()
    )
    if device is None:
        raise Unauthorized(UNKNOWN_TOKEN)
    if not (device.user.is_active and getattr(device, "user_is_inspector", False)):
        raise Unauthorized(
            "The inspector account of this device is not active; ask an administrator."
        )
    now = timezone.now()
    if device.last_seen_at is None or now - device.last_seen_at >= LAST_SEEN_RESOLUTION:
        Device.objects.filter(pk=device.pk).update(last_seen_at=now)
        device.last_seen_at = now
    return device


ENROLLMENT_CODES_KEPT: Final = timedelta(days=30)
"""How long past its expiry an enrollment code is kept: long enough for an administrator
to see in the admin why an enrollment failed ("expired"), and no use after that."""

_LOCKOUT_MODELS: Final = ("AccessAttempt", "AccessFailureLog", "AccessLog")


def enrollment_codes_purge(*, now: datetime, dry_run: bool = False) -> int:
    """Delete enrollment codes that expired more than `ENROLLMENT_CODES_KEPT` ago, used or
    not (the tablet a code enrolled keeps its Device row); returns how many (would) go."""
    due = EnrollmentCode.objects.filter(expires_at__lt=now - ENROLLMENT_CODES_KEPT)
    if dry_run:
        return due.count()
    return due.delete()[1].get(EnrollmentCode._meta.label, 0)


def sessions_purge(*, now: datetime, dry_run: bool = False) -> int | None:
    """Delete expired sign-in sessions, as `manage.py clearsessions` does; returns how many
    (would) go, or None where the session engine keeps no rows to count (cache or
    cookie sessions, which expire by themselves)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        if not dry_run:
            store.clear_expired()
        return None
    due = store.get_model_class().objects.filter(expire_date__lt=now)
    return due.count() if dry_run else due.delete()[0]


def lockouts_purge(*, now: datetime, dry_run: bool = False) -> int | None:
    """Delete django-axes' records of sign-in attempts older than
    `settings.RETAIN_LOCKOUT_DAYS` (attempts, failure and access logs); returns how many
    (would) go, or None when axes is not installed.

    The models are looked up by name, so this module runs with or without axes.
    """
    if not apps.is_installed("axes"):
        return None
    cutoff = now - timedelta(days=settings.RETAIN_LOCKOUT_DAYS)
    total = 0
    for name in _LOCKOUT_MODELS:
        model = apps.get_model("axes", name)
        due = model.objects.filter(attempt_time__lt=cutoff)
        total += due.count() if dry_run else due.delete()[1].get(model._meta.label, 0)
    return total
