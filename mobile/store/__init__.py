"""The tablet's offline store: SQLAlchemy 2.0 models over one SQLite file.

Functions here take a `Session`; the caller owns the transaction.
"""

from __future__ import annotations

from mobile.store.db import (
    StoreTooNewError,
    close_store,
    init_store,
    make_engine,
    make_session_factory,
    migrate,
    schema_version,
)
from mobile.store.models import (
    PENDING_STATES,
    Base,
    CatalogueElement,
    Inspection,
    InspectionState,
    OutboxEntry,
    Photo,
    Rating,
    Setting,
    Site,
)
from mobile.store.selectors import inspection_count_by_state, site_count
from mobile.store.settings import SettingKey, setting_get, setting_set

__all__ = [
    "PENDING_STATES",
    "Base",
    "CatalogueElement",
    "Inspection",
    "InspectionState",
    "OutboxEntry",
    "Photo",
    "Rating",
    "Setting",
    "SettingKey",
    "Site",
    "StoreTooNewError",
    "close_store",
    "init_store",
    "inspection_count_by_state",
    "make_engine",
    "make_session_factory",
    "migrate",
    "schema_version",
    "setting_get",
    "setting_set",
    "site_count",
]
