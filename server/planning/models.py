"""Saved action plans: inputs, data date and result, so two can be compared later."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SavedPlan(models.Model):
    name = models.CharField(max_length=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="plans"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    inputs = models.JSONField(help_text="Budget, years, weights, alpha and filters.")
    data_date = models.DateTimeField(help_text="The newest observation the plan rests on.")
    result = models.JSONField(help_text="Chosen items per year, totals and the equity report.")
    synthetic = models.BooleanField(default=False, help_text="Planned on synthetic demo data.")
    price_list_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The price-list version its costs were made with."
    )
    price_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The price year its costs are in."
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "sparad plan"
        verbose_name_plural = "sparade planer"

    def __str__(self) -> str:
        return self.name
