"""Reading and writing device settings."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy.orm import Session

from mobile.store.models import Setting


class SettingKey(StrEnum):
    SERVER_URL = "server_url"
    DEVICE_TOKEN = "device_token"
    DEVICE_NAME = "device_name"
    INSPECTOR = "inspector"
    REFERENCE_CURSOR = "reference_cursor"
    CATALOGUE_VERSION = "catalogue_version"
    # Set when the server refused the token: syncing stops until the tablet is enrolled again.
    AUTH_ERROR = "auth_error"
    LAST_SYNC_AT = "last_sync_at"
    LAST_SYNC_ERROR = "last_sync_error"


def setting_get(session: Session, key: SettingKey) -> str | None:
    setting = session.get(Setting, str(key))
    return None if setting is None else setting.value


def setting_set(session: Session, key: SettingKey, value: str | None) -> None:
    """Store `value` under `key`; `None` removes the setting."""
    setting = session.get(Setting, str(key))
    if value is None:
        if setting is not None:
            session.delete(setting)
    elif setting is None:
        session.add(Setting(key=str(key), value=value))
    else:
        setting.value = value
    session.flush()
