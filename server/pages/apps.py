from __future__ import annotations

from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "server.pages"
    label = "pages"
    verbose_name = "Planerarsidor"
