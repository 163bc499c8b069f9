"""Inspectors' tablets (devices) and the one-time codes that enroll them.

Neither secret is stored: a device keeps the SHA-256 of its bearer token, a code a keyed
hash of the code, so a copy of the database lets nobody sync or enroll.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Device(models.Model):
    """An inspector's tablet; it syncs with `Authorization: Bearer <token>` until revoked."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="devices",
        help_text="The inspector the tablet acts for.",
    )
    name = models.CharField(max_length=100, help_text="As the tablet called itself.")
    token_hash = models.CharField(
        max_length=64,
        unique=True,
        help_text="SHA-256 (hex) of the bearer token; the token itself is never stored.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "enhet"
        verbose_name_plural = "enheter"

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class EnrollmentCode(models.Model):
    """A short one-time code an administrator gives an inspector to enroll one tablet."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enrollment_codes",
        help_text="The inspector the enrolled tablet will act for.",
    )
    code_hash = models.CharField(
        max_length=64, unique=True, help_text="Keyed hash of the code; the code is never stored."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # One code enrolls one tablet, and a tablet comes from one code.
    device = models.OneToOneField(
        Device,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enrollment_code",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "registreringskod"
        verbose_name_plural = "registreringskoder"

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"
