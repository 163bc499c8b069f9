from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PricesConfig(AppConfig):
    name = "server.prices"
    label = "prices"
    verbose_name = _("Priser")
