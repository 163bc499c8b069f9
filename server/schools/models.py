"""Districts, sites (skolhus) and school units: the reference data everything hangs on."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class District(models.Model):
    """A city area or a statistical district inside one; boundaries are optional GeoJSON."""

    class Kind(models.TextChoices):
        CITY_AREA = "city_area", "Stadsområde"
        DISTRICT = "district", "Mellanområde"

    code = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    official_code = models.IntegerField(null=True, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    boundary = models.JSONField(
        null=True, blank=True, help_text="GeoJSON geometry in WGS84 (Polygon or MultiPolygon)."
    )

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = "område"
        verbose_name_plural = "områden"

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    """The buildings and yard one or more school units use: what is inspected and renovated."""

    code = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    district = models.ForeignKey(
        District,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sites",
        help_text="Empty when the site lies in no imported district.",
    )
    # No position is better than an invented one: a site without one is listed as
    # "needs a position" and kept off the maps and the tablets until it has one.
    lat = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    lon = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    floor_area_m2 = models.FloatField(null=True, blank=True, validators=[MinValueValidator(0)])
    yard_area_m2 = models.FloatField(null=True, blank=True, validators=[MinValueValidator(0)])
    year_built = models.PositiveSmallIntegerField(null=True, blank=True)
    replacement_value_sek = models.BigIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0)]
    )
    attributes_synthetic = models.BooleanField(
        default=False,
        help_text="Floor and yard area, year built and replacement value are generated.",
    )
    removed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the site was withdrawn; it stays for history."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "skolhus"
        verbose_name_plural = "skolhus"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lat__isnull=True, lon__isnull=True)
                | models.Q(lat__isnull=False, lon__isnull=False),
                name="site_position_whole",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_position(self) -> bool:
        return self.lat is not None and self.lon is not None


class SchoolUnit(models.Model):
    """A school unit (skolenhet); surveys are per unit, renovation is per site."""

    class SchoolForm(models.TextChoices):
        GRUNDSKOLA = "grundskola", "Grundskola"
        ANPASSAD = "anpassad_grundskola", "Anpassad grundskola"

    code = models.CharField(
        max_length=100, unique=True, help_text="Skolverket's 8-digit code where known, else a slug."
    )
    name = models.CharField(max_length=200)
    school_form = models.CharField(max_length=24, choices=SchoolForm.choices)
    years = models.CharField(max_length=16, help_text="School years as published, e.g. F–6.")
    year_from = models.PositiveSmallIntegerField(
        help_text="First school year; F (förskoleklass) is 0."
    )
    year_to = models.PositiveSmallIntegerField()
    pupils = models.PositiveIntegerField(null=True, blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="units")
    socioeconomic_need = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="0 (least) to 100 (highest need), from pupils' socioeconomic background.",
    )
    newly_arrived_share = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Share of pupils who arrived in Sweden in the last four years (0 to 1).",
    )
    need_synthetic = models.BooleanField(
        default=False,
        help_text="Socioeconomic need and newly arrived share are generated demo values.",
    )
    removed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the unit left the imported list (import_schools --remove-missing).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "skolenhet"
        verbose_name_plural = "skolenheter"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year_from__lte=models.F("year_to")),
                name="unit_years_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name
