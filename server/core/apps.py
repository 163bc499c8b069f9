from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app shares; an app only for its management commands (backup, restore)."""

    name = "server.core"
    label = "core"
    verbose_name = "Gemensamt"
