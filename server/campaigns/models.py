"""Survey campaigns and their anonymous answers, one row per respondent and item."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from server.schools.models import SchoolUnit

FIXED_ONCE_OPEN = ("opens_on", "closes_on", "unit", "respondent_group")
"""What a campaign cannot change once it has opened: moving its close date or its group
would let someone pick the moment its answers are published (DESIGN section 5)."""
FIXED_MESSAGE = (
    "Enkäten har öppnat: start- och slutdatum, skolenhet och svarsgrupp kan inte ändras. "
    "/ The campaign has opened: its dates, unit and group are fixed."
)


def local_today(now: datetime | None = None) -> date:
    """The date in Europe/Stockholm (settings.TIME_ZONE) at `now`, by default the present."""
    return timezone.localdate(now) if now is not None else timezone.localdate()


def campaign_opened(campaign: Campaign, now: datetime | None = None) -> bool:
    """True from 00:00 Stockholm time on the campaign's opens_on."""
    return campaign.opens_on <= local_today(now)


def campaign_closed(campaign: Campaign, now: datetime | None = None) -> bool:
    """True from 00:00 Stockholm time on the day after closes_on: from then on its answers
    are final and count in results; before, they reach nothing but counts."""
    return local_today(now) > campaign.closes_on


def campaign_is_open(campaign: Campaign, now: datetime | None = None) -> bool:
    """Takes answers: opened and not closed."""
    return campaign_opened(campaign, now) and not campaign_closed(campaign, now)


def closed_campaigns(
    queryset: models.QuerySet[Campaign] | None = None, *, now: datetime | None = None
) -> models.QuerySet[Campaign]:
    """The campaigns `campaign_closed` is true for, as a filter in SQL."""
    rows = Campaign.objects.all() if queryset is None else queryset
    return rows.filter(closes_on__lt=local_today(now))


def latest_closed_campaigns(*, now: datetime | None = None) -> models.QuerySet[Campaign]:
    """Per unit and respondent group, the closed campaign that closed last (the higher id
    on a tie): the one campaign whose answers make the group's result."""
    closed = closed_campaigns(now=now).order_by()
    later = closed.filter(
        unit=OuterRef("unit"), respondent_group=OuterRef("respondent_group")
    ).filter(
        Q(closes_on__gt=OuterRef("closes_on"))
        | Q(closes_on=OuterRef("closes_on"), id__gt=OuterRef("id"))
    )
    return closed.filter(~Exists(later))


class Campaign(models.Model):
    """A questionnaire opened for one school unit and one respondent group."""

    class Group(models.TextChoices):
        PUPILS = "pupils", "Elever"
        PARENTS = "parents", "Vårdnadshavare"

    code = models.CharField(max_length=16, unique=True, help_text="Public code in the link.")
    questionnaire = models.CharField(max_length=40, help_text="Questionnaire key in surveys/.")
    unit = models.ForeignKey(SchoolUnit, on_delete=models.PROTECT, related_name="campaigns")
    respondent_group = models.CharField(max_length=10, choices=Group.choices)
    years = models.CharField(max_length=16, blank=True, help_text="Pupils' school years, e.g. 4–9.")
    opens_on = models.DateField()
    closes_on = models.DateField()
    synthetic = models.BooleanField(default=False, help_text="Generated demo data.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "unit__name"]
        verbose_name = "enkätomgång"
        verbose_name_plural = "enkätomgångar"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_on__lte=models.F("closes_on")),
                name="campaign_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {self.get_respondent_group_display()} ({self.opens_on:%Y})"

    def fixed_fields_changed(self, now: datetime | None = None) -> list[str]:
        """The `FIXED_ONCE_OPEN` fields this instance changes although the stored campaign
        has opened; empty for a new campaign or one not yet open."""
        if self.pk is None:
            return []
        columns = [self._meta.get_field(name).attname for name in FIXED_ONCE_OPEN]
        stored = type(self).objects.filter(pk=self.pk).values(*columns).first()
        if stored is None or stored["opens_on"] > local_today(now):
            return []
        return [
            name
            for name, column in zip(FIXED_ONCE_OPEN, columns, strict=True)
            if getattr(self, column) != stored[column]
        ]

    def clean(self) -> None:
        super().clean()
        changed = self.fixed_fields_changed()
        if changed:
            raise ValidationError(dict.fromkeys(changed, FIXED_MESSAGE))

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Also here, not only in clean(): code that saves without validating must not
        # move an opened campaign's dates either.
        changed = self.fixed_fields_changed()
        fields = kwargs.get("update_fields")
        if fields is not None:
            named = {self._meta.get_field(name).name for name in fields}
            changed = [name for name in changed if name in named]
        if changed:
            raise ValidationError(dict.fromkeys(changed, FIXED_MESSAGE))
        super().save(*args, **kwargs)


class Response(models.Model):
    """One anonymous respondent: no name, address or device, and only the day of submission."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="responses")
    submitted_on = models.DateField()
    language = models.CharField(max_length=8)
    synthetic = models.BooleanField(default=False, help_text="Generated demo data.")

    class Meta:
        verbose_name = "svar"
        verbose_name_plural = "svar"

    def __str__(self) -> str:
        return f"svar {self.pk} ({self.campaign.code})"


class Answer(models.Model):
    """One answer to one item: 0 (inte alls) to 3 (helt och hållet), null = vet inte."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.CharField(max_length=50)
    # Denormalised from the questionnaire so indices aggregate with one GROUP BY.
    index = models.CharField(max_length=40)
    value = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(3)]
    )

    class Meta:
        verbose_name = "svar på påstående"
        verbose_name_plural = "svar på påståenden"
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="answer_unique_item"),
            models.CheckConstraint(
                condition=models.Q(value__isnull=True) | models.Q(value__lte=3),
                name="answer_value_range",
            ),
        ]
        indexes = [models.Index(fields=["index"], name="answer_index")]

    def __str__(self) -> str:
        return f"{self.item}={self.value}"


class RespondentCode(models.Model):
    """A one-time code printed on a slip and handed out in class: it lets one response in.

    Which response a code let in is not recorded, so slips handed out by name cannot be
    traced to answers; only whether the code has been spent.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=16)
    used = models.BooleanField(default=False)

    class Meta:
        verbose_name = "engångskod"
        verbose_name_plural = "engångskoder"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="respondent_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campaign.code}/{self.code}"


def this_year() -> int:
    """A row stored without a year is of the year it is stored (as migration 0003 rules)."""
    return timezone.localdate().year


class SurveyRound(models.TextChoices):
    SPRING = "vt", "vårtermin"
    AUTUMN = "ht", "hösttermin"
    NONE = "", "ej angiven"


class _PublishedResult(models.Model):
    """What an official result row holds, for a unit or for a reference (an aggregate)."""

    respondent_group = models.CharField(max_length=10, choices=Campaign.Group.choices)
    index = models.CharField(
        max_length=80, help_text="Our index code, or a context index's area name."
    )
    context = models.BooleanField(
        default=False,
        help_text="A question area with no counterpart among our indices: shown, never ranked.",
    )
    area = models.CharField(max_length=300, blank=True, help_text="The area(s) as published.")
    year = models.PositiveSmallIntegerField(
        default=this_year,
        help_text="The calendar year of the survey (an autumn round of 2024/25 is 2024).",
        validators=[MinValueValidator(1990), MaxValueValidator(2200)],
    )
    round = models.CharField(max_length=2, choices=SurveyRound.choices, blank=True, default="")
    grades = models.CharField(
        max_length=60, blank=True, help_text="The grade levels pooled into this row."
    )
    current = models.BooleanField(
        default=True, help_text="The year in use; other years are history."
    )
    mean = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    respondents = models.PositiveIntegerField(null=True, blank=True)
    sd = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(6)],
        help_text="Standard deviation of the respondents' index values (0-10), if reported.",
    )
    publisher = models.CharField(max_length=200, blank=True, help_text="The source (Källa).")
    source = models.CharField(max_length=200, help_text="File the row came from.")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    @property
    def period(self) -> str:
        return f"{self.round} {self.year}".strip()


class ImportedResult(_PublishedResult):
    """An official survey result (Skolenkäten, a regional survey) read from a spreadsheet.

    One row per unit, respondent group, index, year and round: the published index 0-10
    (grade levels pooled, weighted by answers), number of answers and spread if reported.
    `mean` is null where the source suppressed the value. Only `current` rows (the year
    chosen at import, newest by default) are used; the rest are history.
    """

    unit = models.ForeignKey(SchoolUnit, on_delete=models.CASCADE, related_name="imported_results")

    class Meta:
        verbose_name = "importerat enkätresultat"
        verbose_name_plural = "importerade enkätresultat"
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "respondent_group", "index", "year", "round"],
                name="imported_result_unique_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.respondent_group} {self.index} {self.period}"


class ImportedReference(_PublishedResult):
    """A published aggregate (the municipality, the region, the country) of official survey
    results: shown beside a school's result as a reference, never ranked."""

    class Level(models.TextChoices):
        MUNICIPALITY = "municipality", "kommunen"
        REGION = "region", "regionen"
        NATIONAL = "national", "riket"

    level = models.CharField(max_length=12, choices=Level.choices)
    name = models.CharField(max_length=200, help_text="As published, e.g. 'Riket'.")

    class Meta:
        verbose_name = "importerat referensvärde"
        verbose_name_plural = "importerade referensvärden"
        constraints = [
            models.UniqueConstraint(
                fields=["level", "name", "respondent_group", "index", "year", "round"],
                name="imported_reference_unique_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.respondent_group} {self.index} {self.period}"
