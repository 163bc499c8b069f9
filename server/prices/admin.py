"""Price lists are shown, not edited (saved plans name their version; new prices come as a
new version by `manage.py import_prices`); the construction-cost index is edited here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from server.prices.models import CostIndexYear, PriceList, PriceRate


class PriceRateInline(admin.TabularInline):
    model = PriceRate
    fields = ["element", "grade", "sek_per_unit", "price_year", "source"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PriceList)
class PriceListAdmin(admin.ModelAdmin):
    list_display = ["version", "origin", "created_at", "created_by", "vat_included"]
    readonly_fields = ["version", "origin", "created_at", "created_by", "currency", "vat_included"]
    inlines = [PriceRateInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CostIndexYear)
class CostIndexYearAdmin(admin.ModelAdmin):
    list_display = ["year", "value", "source", "illustrative"]
    list_editable = ["value", "illustrative"]
    list_filter = ["illustrative"]
    search_fields = ["source"]
