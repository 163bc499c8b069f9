"""The municipality's settings: one row, edited in the admin (server.core.admin).

What pages and rules read is `server.core.municipality.current_municipality()`, which
falls back to the environment's seed while there is no row.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

SINGLETON_ID = 1
# Bumped when what is cached under it changes shape, so processes running an older
# release never read a newer one's entry (the cache may be a Redis they share).
CACHE_KEY = "core:municipality:v1"
ZOOM = (1, 18)
PRICE_YEARS = (2000, 2100)
SURVEY_THRESHOLD_MAX = 1000


class MunicipalitySettings(models.Model):
    """The one municipality this installation serves (one row, id 1)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID, editable=False)
    name = models.CharField(
        _("kommunens namn"),
        max_length=120,
        help_text=_(
            "Visas i sidornas rubrik, på enkätsidorna och i exporternas antaganden, "
            "t.ex. ”Göteborgs Stad” eller ”Lerums kommun”."
        ),
    )
    center_lat = models.FloatField(
        _("kartans mittpunkt, latitud"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_(
            "WGS84, −90 till 90, t.ex. 57.7089. Fyll i både latitud och longitud, eller "
            "lämna båda tomma: då visar kartorna alla skolor."
        ),
    )
    center_lon = models.FloatField(
        _("kartans mittpunkt, longitud"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text=_("WGS84, −180 till 180, t.ex. 11.9746."),
    )
    zoom = models.PositiveSmallIntegerField(
        _("kartans zoomnivå"),
        validators=[MinValueValidator(ZOOM[0]), MaxValueValidator(ZOOM[1])],
        help_text=_(
            "1 (hela världen) till 18 (enskilda hus); 11 visar en stad, 13 en stadsdel. "
            "Används bara med en mittpunkt."
        ),
    )
    price_year = models.PositiveSmallIntegerField(
        _("prisår"),
        validators=[MinValueValidator(PRICE_YEARS[0]), MaxValueValidator(PRICE_YEARS[1])],
        help_text=_(
            "Året vars prisnivå åtgärdsplanernas kostnader visas i (2000–2100); priser "
            "från andra år räknas om med byggkostnadsindex."
        ),
    )
    survey_threshold = models.PositiveSmallIntegerField(
        _("minsta antal svarande"),
        validators=[MaxValueValidator(SURVEY_THRESHOLD_MAX)],
        help_text=_(
            "Enkätresultat för en grupp med färre svarande visas aldrig. Får inte vara "
            "lägre än installationens golv (miljövariabeln SKOLMILJO_SURVEY_THRESHOLD)."
        ),
    )
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        verbose_name = _("kommunens inställningar")
        verbose_name_plural = _("kommunens inställningar")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id=SINGLETON_ID), name="core_municipality_one_row"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        self.name = (self.name or "").strip()
        if not self.name:
            errors["name"] = gettext("Ange kommunens namn, t.ex. ”Lerums kommun”.")
        if (self.center_lat is None) != (self.center_lon is None):
            missing = "center_lon" if self.center_lon is None else "center_lat"
            errors[missing] = gettext(
                "Ange både latitud och longitud för kartans mittpunkt, eller lämna båda "
                "tomma så att kartorna visar alla skolor."
            )
        floor = survey_threshold_floor()
        if self.survey_threshold is not None and self.survey_threshold < floor:
            errors["survey_threshold"] = gettext(
                "Gränsen får inte vara lägre än %(floor)s: installationen är inställd så "
                "(miljövariabeln SKOLMILJO_SURVEY_THRESHOLD = %(floor)s). Ange %(floor)s "
                "eller mer; ett lägre golv ställs in av den som driftar servern."
            ) % {"floor": floor}
        if errors:
            raise ValidationError(errors)


def survey_threshold_floor() -> int:
    """The environment's threshold, below which no administrator may go."""
    return int(settings.SURVEY_SUPPRESSION_THRESHOLD)


def forget_cached_municipality() -> None:
    cache.delete(CACHE_KEY)


@receiver(post_save, sender=MunicipalitySettings)
@receiver(post_delete, sender=MunicipalitySettings)
def _municipality_changed(**kwargs: Any) -> None:
    # Now, and again once the change is committed: another process may have cached the
    # old row between this delete and the commit. (A signal, not save(): loaddata, as a
    # backup's restore uses, saves raw and skips save().)
    forget_cached_municipality()
    transaction.on_commit(forget_cached_municipality)


class DataVersion(models.Model):
    """One row: how many writes that can change a ranking have been committed. Rankings
    are cached by it (server.core.data_version), so every server process sees a write at
    once, whatever cache it has."""

    number = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)
