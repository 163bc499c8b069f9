from __future__ import annotations

from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "server.planning"
    label = "planning"
    verbose_name = "Prioritering och åtgärdsplan"

    def ready(self) -> None:
        from server.planning.writers import connect_writers

        connect_writers()
