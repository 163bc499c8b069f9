"""Versioned price lists and the construction-cost index.

A price list version is never edited once made: saved plans name the version they were
priced with. New prices come as a new version (`manage.py import_prices`), which copies
every rate of the previous version that the file does not give.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

MIN_PRICE_YEAR = 1990
MAX_RATE_SEK = 10_000_000
"""No repair of one unit (m2, piece, metre or a whole site) costs more than this."""
MAX_INDEX_VALUE = 1_000_000


class PriceList(models.Model):
    version = models.PositiveIntegerField(_("version"), unique=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("skapad av"),
    )
    origin = models.CharField(
        _("ursprung"),
        max_length=300,
        help_text=_("Filen prislistan importerades från, eller de medföljande standardpriserna."),
    )
    currency = models.CharField(_("valuta"), max_length=3, default="SEK")
    vat_included = models.BooleanField(_("moms ingår"), default=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("prislista")
        verbose_name_plural = _("prislistor")

    def __str__(self) -> str:
        return f"{self.version}: {self.origin}"


class PriceRate(models.Model):
    class Grade(models.TextChoices):
        B = "B", "B"
        C = "C", "C"
        D = "D", "D"

    price_list = models.ForeignKey(
        PriceList, on_delete=models.CASCADE, related_name="rates", verbose_name=_("prislista")
    )
    element = models.CharField(_("byggdel"), max_length=50)
    grade = models.CharField(_("betyg"), max_length=1, choices=Grade.choices)
    sek_per_unit = models.FloatField(
        _("kr per enhet"), validators=[MinValueValidator(0), MaxValueValidator(MAX_RATE_SEK)]
    )
    source = models.CharField(_("källa"), max_length=300)
    price_year = models.PositiveSmallIntegerField(
        _("prisår"), validators=[MinValueValidator(MIN_PRICE_YEAR), MaxValueValidator(2100)]
    )

    class Meta:
        ordering = ["price_list", "element", "grade"]
        verbose_name = _("à-pris")
        verbose_name_plural = _("à-priser")
        constraints = [
            models.UniqueConstraint(
                fields=["price_list", "element", "grade"], name="price_rate_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(sek_per_unit__gte=0, sek_per_unit__lte=MAX_RATE_SEK),
                name="price_rate_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.element} {self.grade}: {self.sek_per_unit:g} kr ({self.price_year})"


class CostIndexYear(models.Model):
    """One year of a construction-cost index; only ratios between years matter."""

    year = models.PositiveSmallIntegerField(
        _("år"),
        unique=True,
        validators=[MinValueValidator(MIN_PRICE_YEAR), MaxValueValidator(2100)],
    )
    value = models.FloatField(
        _("indexvärde"),
        validators=[MinValueValidator(0.001), MaxValueValidator(MAX_INDEX_VALUE)],
        help_text=_("Årets värde i ett byggkostnadsindex; bara kvoten mellan år används."),
    )
    source = models.CharField(
        _("källa"),
        max_length=300,
        help_text=_("Vilket index och var värdet kommer ifrån, t.ex. serie och tabell."),
    )
    illustrative = models.BooleanField(
        _("illustrativt"),
        default=False,
        help_text=_("Påhittat eller syntetiskt värde, inte en officiell serie."),
    )

    class Meta:
        ordering = ["year"]
        verbose_name = _("byggkostnadsindex (år)")
        verbose_name_plural = _("byggkostnadsindex")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value__gt=0, value__lte=MAX_INDEX_VALUE),
                name="cost_index_value_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.value:g}"
