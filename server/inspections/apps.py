from __future__ import annotations

from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "server.inspections"
    label = "inspections"
    verbose_name = "Inventeringar"
