"""Opening the store: engine, sessions, and bringing the schema up to date.

Every transaction starts with `BEGIN IMMEDIATE`. The sync runs in a background
thread next to the UI; with SQLite's default deferred transactions a reader that later
writes fails at once with "database is locked" when the other thread wrote meanwhile.
Taking the write lock up front (and waiting for it, see `busy_timeout`) avoids that;
WAL keeps readers outside a transaction unblocked.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from mobile.store.migrations import MIGRATIONS, Migration

BUSY_TIMEOUT_MS = 5_000


class StoreTooNewError(RuntimeError):
    """The file was written by a newer app version than this one.

    Raised instead of opening it: an older app would misread (and could damage) tables
    it does not know.
    """

    def __init__(self, path: str, found: int, known: int) -> None:
        super().__init__(
            f"{path} has schema version {found}, this app knows only up to {known}; update the app"
        )
        self.found = found
        self.known = known


def make_engine(path: Path) -> Engine:
    """An engine on the SQLite file at `path` (created if missing), WAL, foreign keys on."""
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite+pysqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Take transaction control away from pysqlite, which would not BEGIN before
        # DDL (migrations would not be atomic); `_on_begin` starts them instead.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """The sessionmaker the app makes once and hands to its controllers."""
    return sessionmaker(bind=engine)


def schema_version(connection: Connection) -> int:
    """The schema version written in the file (0 for a new, empty file)."""
    version = connection.exec_driver_sql("PRAGMA user_version").scalar_one()
    return int(version)


def migrate(engine: Engine, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Apply the migrations the file has not had yet; return the resulting version.

    All of them run in one transaction: if one fails, the file stays as it was. The
    version lives in `PRAGMA user_version`, which is written in the same transaction.
    """
    with engine.begin() as connection:
        found = schema_version(connection)
        if found > len(migrations):
            raise StoreTooNewError(str(engine.url.database), found, len(migrations))
        for version, migration in enumerate(migrations[found:], start=found + 1):
            migration(connection)
            # PRAGMA takes no bound parameters; `version` is an int we computed.
            connection.exec_driver_sql(f"PRAGMA user_version = {version:d}")
        if found < len(migrations):
            # A table rebuild with deferred foreign keys could leave dangling rows.
            problems = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
            if problems:
                raise RuntimeError(f"foreign key violations after migrating: {problems[:5]}")
        return len(migrations)


def init_store(path: Path, migrations: Sequence[Migration] = MIGRATIONS) -> sessionmaker[Session]:
    """Open (creating or migrating as needed) the store at `path`."""
    engine = make_engine(path)
    try:
        migrate(engine, migrations)
    except BaseException:
        engine.dispose()
        raise
    return make_session_factory(engine)


def close_store(session_factory: sessionmaker[Session]) -> None:
    """Close the pooled connections of a store opened with `init_store`."""
    bind = session_factory.kw.get("bind")
    if isinstance(bind, Engine):
        bind.dispose()
