from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "server.accounts"
    label = "accounts"
    verbose_name = "Konton och enheter"

    def ready(self) -> None:
        # Connects the sign-in log's receivers.
        from server.accounts import signals  # noqa: F401
