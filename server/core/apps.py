from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every app shares: the municipality's settings, and the backup and restore commands."""

    name = "server.core"
    label = "core"
    verbose_name = _("Gemensamt")
