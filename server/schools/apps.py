from __future__ import annotations

from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "server.schools"
    label = "schools"
    verbose_name = "Skolor och skolhus"
