"""The store's schema history: one function per version, applied in order.

A migration is a plain function of a `Connection`, run inside the migration
transaction; entry N of `MIGRATIONS` brings the file from schema version N to N + 1.
Never edit a migration that has shipped: tablets in the field already ran it. Add a
new one instead, and update `models.py` to match (a test compares the two).

The DDL is written out rather than taken from the models on purpose: migration 1 must
build today's tables even after the models have moved on.

For changes SQLite's ALTER TABLE cannot make, use the table rebuild of
https://sqlite.org/lang_altertable.html#otheralter with `PRAGMA defer_foreign_keys = ON`
(`PRAGMA foreign_keys` cannot change inside a transaction).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import Connection

Migration = Callable[[Connection], None]


def _execute_all(connection: Connection, statements: Sequence[str]) -> None:
    for statement in statements:
        connection.exec_driver_sql(statement)


def v1_initial_schema(connection: Connection) -> None:
    """Settings, sites, inspections, ratings and photos."""
    _execute_all(
        connection,
        [
            """
            CREATE TABLE settings (
                "key" VARCHAR(64) NOT NULL PRIMARY KEY,
                value TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE sites (
                code VARCHAR(64) NOT NULL PRIMARY KEY,
                name VARCHAR(200) NOT NULL,
                district VARCHAR(200) NOT NULL DEFAULT '',
                lat FLOAT,
                lon FLOAT,
                assigned BOOLEAN NOT NULL DEFAULT 0,
                removed BOOLEAN NOT NULL DEFAULT 0
            )
            """,
            """
            CREATE TABLE inspections (
                uuid VARCHAR(36) NOT NULL PRIMARY KEY,
                site_code VARCHAR(64) NOT NULL
                    REFERENCES sites (code) ON DELETE RESTRICT,
                revision INTEGER NOT NULL DEFAULT 1,
                catalogue_version VARCHAR(32) NOT NULL,
                state VARCHAR(20) NOT NULL DEFAULT 'draft',
                started_at DATETIME NOT NULL,
                finished_at DATETIME,
                refusal_reason TEXT,
                updated_at DATETIME NOT NULL,
                CONSTRAINT ck_inspections_revision CHECK (revision >= 1)
            )
            """,
            "CREATE INDEX ix_inspections_site_code ON inspections (site_code)",
            "CREATE INDEX ix_inspections_state ON inspections (state)",
            """
            CREATE TABLE ratings (
                id INTEGER NOT NULL PRIMARY KEY,
                inspection_uuid VARCHAR(36) NOT NULL
                    REFERENCES inspections (uuid) ON DELETE CASCADE,
                element VARCHAR(64) NOT NULL,
                location VARCHAR(200) NOT NULL DEFAULT '',
                grade VARCHAR(1) NOT NULL,
                urgency INTEGER,
                note TEXT NOT NULL DEFAULT '',
                quantity FLOAT,
                observed_at DATETIME NOT NULL,
                lat FLOAT,
                lon FLOAT,
                accuracy_m FLOAT,
                CONSTRAINT uq_ratings_element UNIQUE (inspection_uuid, element, location),
                CONSTRAINT ck_ratings_grade CHECK (grade IN ('A', 'B', 'C', 'D', 'N')),
                CONSTRAINT ck_ratings_urgency CHECK (urgency BETWEEN 1 AND 4)
            )
            """,
            """
            CREATE TABLE photos (
                sha256 VARCHAR(64) NOT NULL PRIMARY KEY,
                path TEXT NOT NULL,
                taken_at DATETIME NOT NULL,
                uploaded BOOLEAN NOT NULL DEFAULT 0,
                CONSTRAINT ck_photos_sha256 CHECK (length(sha256) = 64)
            )
            """,
            """
            CREATE TABLE rating_photos (
                rating_id INTEGER NOT NULL REFERENCES ratings (id) ON DELETE CASCADE,
                photo_sha256 VARCHAR(64) NOT NULL
                    REFERENCES photos (sha256) ON DELETE RESTRICT,
                PRIMARY KEY (rating_id, photo_sha256)
            )
            """,
            "CREATE INDEX ix_rating_photos_photo_sha256 ON rating_photos (photo_sha256)",
        ],
    )


def v2_field_work(connection: Connection) -> None:
    """The cached catalogue, paused inspections, what the server acknowledged, the outbox.

    Only added tables and columns: every v1 row stays as it was.
    """
    _execute_all(
        connection,
        [
            "ALTER TABLE sites ADD COLUMN unit_names TEXT NOT NULL DEFAULT ''",
            """
            CREATE TABLE catalogue_elements (
                code VARCHAR(64) NOT NULL PRIMARY KEY,
                "group" VARCHAR(16) NOT NULL,
                name_sv VARCHAR(200) NOT NULL,
                name_en VARCHAR(200) NOT NULL,
                weight FLOAT NOT NULL,
                unit VARCHAR(8) NOT NULL,
                position INTEGER NOT NULL
            )
            """,
            "ALTER TABLE inspections ADD COLUMN paused_at DATETIME",
            "ALTER TABLE inspections ADD COLUMN acked_revision INTEGER",
            "ALTER TABLE inspections ADD COLUMN acked_hash VARCHAR(64)",
            "ALTER TABLE photos ADD COLUMN size INTEGER NOT NULL DEFAULT 0",
            """
            CREATE TABLE outbox (
                id INTEGER NOT NULL PRIMARY KEY,
                inspection_uuid VARCHAR(36) NOT NULL
                    REFERENCES inspections (uuid) ON DELETE RESTRICT,
                revision INTEGER NOT NULL,
                payload TEXT NOT NULL,
                content_hash VARCHAR(64) NOT NULL,
                created_at DATETIME NOT NULL,
                attempts INTEGER NOT NULL,
                last_error TEXT,
                acked_at DATETIME,
                CONSTRAINT uq_outbox_revision UNIQUE (inspection_uuid, revision)
            )
            """,
            "CREATE INDEX ix_outbox_acked_at ON outbox (acked_at)",
        ],
    )


def v3_inspection_owner(connection: Connection) -> None:
    """Whose each inspection is: the inspector the tablet was enrolled for when it began.

    Rows already on the tablet were begun under the current enrollment (there was only
    ever one before this version), so they are that inspector's.
    """
    _execute_all(
        connection,
        [
            "ALTER TABLE inspections ADD COLUMN inspector VARCHAR(150)",
            "UPDATE inspections SET inspector = "
            "(SELECT value FROM settings WHERE \"key\" = 'inspector')",
        ],
    )


MIGRATIONS: tuple[Migration, ...] = (v1_initial_schema, v2_field_work, v3_inspection_owner)
