"""Inspections recorded on tablets, their element ratings, and content-addressed photos."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from server.accounts.models import Device
from server.schools.models import Site


class Assignment(models.Model):
    """An inspector is responsible for inspecting a site; the tablet lists these first."""

    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="assignments")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "uppdrag"
        verbose_name_plural = "uppdrag"
        constraints = [
            models.UniqueConstraint(fields=["inspector", "site"], name="assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.inspector} → {self.site}"


class Inspection(models.Model):
    """One visit of one inspector to one site; the tablet owns the UUID and revision."""

    uuid = models.UUIDField(unique=True)
    revision = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="inspections")
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspections",
    )
    device_name = models.CharField(max_length=100, blank=True)
    device = models.ForeignKey(
        Device,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspections",
        help_text="The tablet that sent this revision (none for demo data or older rows).",
    )
    catalogue_version = models.CharField(max_length=20)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the canonical form.")
    synthetic = models.BooleanField(default=False, help_text="Generated demo data.")
    received_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = "inventering"
        verbose_name_plural = "inventeringar"
        indexes = [models.Index(fields=["site", "finished_at"], name="inspection_site_finished")]

    def __str__(self) -> str:
        return f"{self.site} {self.started_at:%Y-%m-%d}"


class Rating(models.Model):
    """The grade of one element at one location in one inspection."""

    class Grade(models.TextChoices):
        A = "A", "A – bra"
        B = "B", "B – godtagbart"
        C = "C", "C – dåligt"
        D = "D", "D – mycket dåligt"
        N = "N", "N – finns inte"

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="ratings")
    # Denormalised from the inspection so "newest rating per site and element" is one index scan.
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="ratings")
    element = models.CharField(max_length=50)
    location = models.CharField(max_length=100, blank=True)
    grade = models.CharField(max_length=1, choices=Grade.choices)
    urgency = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    note = models.TextField(blank=True)
    quantity = models.FloatField(null=True, blank=True, validators=[MinValueValidator(0)])
    estimated_cost_sek = models.FloatField(
        null=True,
        blank=True,
        help_text="Quantity for cost x the current price list's rate (refreshed on a new one).",
    )
    cost_quantity = models.FloatField(
        null=True,
        blank=True,
        help_text="The quantity costs are computed from: the measured one, else the estimate "
        "from the site's size when the rating was received; none: no cost estimate.",
    )
    observed_at = models.DateTimeField()
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    accuracy_m = models.FloatField(null=True, blank=True)
    photos = models.JSONField(default=list, blank=True, help_text="SHA-256 hashes of photos.")

    class Meta:
        ordering = ["element", "location"]
        verbose_name = "bedömning"
        verbose_name_plural = "bedömningar"
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "element", "location"], name="rating_unique_per_inspection"
            ),
            models.CheckConstraint(
                condition=models.Q(urgency__isnull=True) | models.Q(urgency__gte=1, urgency__lte=4),
                name="rating_urgency_range",
            ),
        ]
        indexes = [
            models.Index(
                fields=["site", "element", "location", "-observed_at"], name="rating_newest"
            )
        ]

    def __str__(self) -> str:
        return f"{self.element} {self.location} {self.grade}".strip()


class PhotoQuerySet(models.QuerySet["Photo"]):
    def visible(self) -> PhotoQuerySet:
        """Photos that may be shown: neither hidden by an administrator nor deleted.

        Every page, API, report and e-mail that shows photos starts from this.
        """
        return self.filter(hidden_at__isnull=True, deleted_at__isnull=True)


class Photo(models.Model):
    """A photo stored once under its SHA-256, however many ratings or devices send it.

    An administrator may hide a photo (it shows an identifiable person); its file is
    deleted after a retention period, and the row is kept as a tombstone, so that a
    tablet sending the same bytes again cannot bring the photo back.
    """

    sha256 = models.CharField(max_length=64, primary_key=True)
    file = models.FileField(upload_to="photos/")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    hidden_at = models.DateTimeField(
        "dold", null=True, blank=True, help_text="When an administrator hid the photo."
    )
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="dold av",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deleted_at = models.DateTimeField(
        "raderad",
        null=True,
        blank=True,
        help_text="When the hidden photo's file was deleted; the row stays as a tombstone.",
    )

    objects = PhotoQuerySet.as_manager()

    class Meta:
        verbose_name = "foto"
        verbose_name_plural = "foton"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deleted_at__isnull=True) | models.Q(hidden_at__isnull=False),
                name="photo_deleted_only_when_hidden",
            )
        ]

    def __str__(self) -> str:
        return self.sha256[:12]


class InspectionRevision(models.Model):
    """A revision an update replaced: kept whole, so no tablet's earlier record is ever lost."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="history")
    revision = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=64)
    payload = models.JSONField(help_text="The replaced revision in the sync wire format.")
    # Who wrote the replaced revision (copied from the row it replaced); empty on rows
    # kept before the writer was recorded.
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    device_name = models.CharField(max_length=100, blank=True)
    device = models.ForeignKey(
        Device, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replaced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["inspection", "-revision"]
        verbose_name = "tidigare version"
        verbose_name_plural = "tidigare versioner"
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "revision"], name="inspection_revision_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.inspection} rev {self.revision}"
