from __future__ import annotations

from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "server.inspections"
    label = "inspections"
    verbose_name = "Inventeringar"

    def ready(self) -> None:
        # Stored cost estimates follow a new price list (server.prices sends the signal).
        from server.inspections import signals  # noqa: F401
