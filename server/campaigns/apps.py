from __future__ import annotations

from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "server.campaigns"
    label = "campaigns"
    verbose_name = "Enkäter"
