"""The municipality's settings in the admin: one page, no list, no add once saved, no delete."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from server.core.models import SINGLETON_ID, MunicipalitySettings
from server.core.municipality import municipality_initial


@admin.register(MunicipalitySettings)
class MunicipalitySettingsAdmin(admin.ModelAdmin):
    fieldsets = [
        (None, {"fields": ["name", "updated_at"]}),
        (_("Kartor"), {"fields": ["center_lat", "center_lon", "zoom"]}),
        (_("Planer och enkäter"), {"fields": ["price_year", "survey_threshold"]}),
    ]
    readonly_fields = ["updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # The one row is made by saving the seeded form; after that it is only changed.
        exists = MunicipalitySettings.objects.filter(pk=SINGLETON_ID).exists()
        return not exists and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        # Until an administrator saves, the installation runs on the environment's values:
        # the form starts from them, so saving unchanged changes nothing anyone sees.
        return municipality_initial()

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """No list of one row: straight to the row, or to the seeded form for it."""
        if MunicipalitySettings.objects.filter(pk=SINGLETON_ID).exists():
            url = reverse("admin:core_municipalitysettings_change", args=[SINGLETON_ID])
        else:
            url = reverse("admin:core_municipalitysettings_add")
        return HttpResponseRedirect(url)
