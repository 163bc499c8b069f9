from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "server.demo"
    label = "demo"
    verbose_name = "Demodata"
