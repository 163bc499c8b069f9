"""Opening the store: engine settings, schema versions, migrations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from store_factories import inspection_create, rating_create, site_create

from mobile.store import (
    Base,
    Inspection,
    InspectionState,
    SettingKey,
    Site,
    StoreTooNewError,
    close_store,
    init_store,
    make_engine,
    setting_get,
    setting_set,
)
from mobile.store.migrations import MIGRATIONS, Migration


def _version(path: Path) -> int:
    engine = make_engine(path)
    try:
        with engine.connect() as connection:
            return int(connection.exec_driver_sql("PRAGMA user_version").scalar_one())
    finally:
        engine.dispose()


def _table_names(path: Path) -> set[str]:
    engine = make_engine(path)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _columns(path: Path, table: str) -> set[str]:
    engine = make_engine(path)
    try:
        return {column["name"] for column in inspect(engine).get_columns(table)}
    finally:
        engine.dispose()


def _with_store(
    path: Path, migrations: tuple[Migration, ...], work: Callable[[Session], object]
) -> None:
    factory = init_store(path, migrations)
    try:
        with factory.begin() as session:
            work(session)
    finally:
        close_store(factory)


def _add_site_note(connection: Connection) -> None:
    connection.exec_driver_sql("ALTER TABLE sites ADD COLUMN note TEXT NOT NULL DEFAULT ''")


def test_it_creates_a_new_store_at_the_latest_version(store_path: Path) -> None:
    close_store(init_store(store_path))

    assert store_path.exists()
    assert _version(store_path) == len(MIGRATIONS)
    assert _table_names(store_path) == {
        "settings",
        "sites",
        "inspections",
        "ratings",
        "photos",
        "rating_photos",
        "catalogue_elements",
        "outbox",
    }


def test_it_uses_wal_and_enforces_foreign_keys(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert session.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
        session.add(
            Inspection(
                site_code="NO-SUCH-SITE",
                catalogue_version="2025.1",
                started_at=datetime.now(UTC),
            )
        )
        with pytest.raises(IntegrityError, match="FOREIGN KEY"):
            session.flush()


def test_it_keeps_data_when_the_store_is_reopened(store_path: Path) -> None:
    def write(session: Session) -> None:
        site = site_create(session, code="S1", name="Bräckeskolan")
        inspection = inspection_create(session, site=site, state=InspectionState.WAITING)
        rating_create(session, inspection=inspection, element="roof", grade="C", urgency=2)
        setting_set(session, SettingKey.SERVER_URL, "https://skolmiljo.example.se")

    _with_store(store_path, MIGRATIONS, write)

    factory = init_store(store_path)
    with factory() as session:
        inspection = session.scalars(select(Inspection)).one()
        assert inspection.site.name == "Bräckeskolan"
        assert inspection.state is InspectionState.WAITING
        assert [(r.element, r.grade, r.urgency) for r in inspection.ratings] == [("roof", "C", 2)]
        assert setting_get(session, SettingKey.SERVER_URL) == "https://skolmiljo.example.se"
    close_store(factory)


def test_it_migrates_an_existing_store_and_keeps_its_data(store_path: Path) -> None:
    _with_store(store_path, MIGRATIONS, lambda session: site_create(session, code="S1"))
    assert "note" not in _columns(store_path, "sites")

    # An app update that ships one more migration.
    close_store(init_store(store_path, (*MIGRATIONS, _add_site_note)))

    assert _version(store_path) == len(MIGRATIONS) + 1
    assert "note" in _columns(store_path, "sites")
    engine = make_engine(store_path)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT code, note FROM sites")).all()
    engine.dispose()
    assert [tuple(row) for row in rows] == [("S1", "")]


def test_it_runs_each_migration_only_once(store_path: Path) -> None:
    runs: list[int] = []

    def counted(connection: Connection) -> None:
        runs.append(1)

    for _ in range(3):
        close_store(init_store(store_path, (*MIGRATIONS, counted)))

    assert runs == [1]


def test_it_rolls_back_a_failing_migration(store_path: Path) -> None:
    _with_store(store_path, MIGRATIONS, lambda session: site_create(session, code="S1"))

    def half_done(connection: Connection) -> None:
        _add_site_note(connection)
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        init_store(store_path, (*MIGRATIONS, half_done))

    assert _version(store_path) == len(MIGRATIONS)
    assert "note" not in _columns(store_path, "sites")
    _with_store(store_path, MIGRATIONS, lambda s: None)  # still opens as before
    engine = make_engine(store_path)
    with Session(engine) as session:
        assert session.scalars(select(Site.code)).all() == ["S1"]
    engine.dispose()


def test_it_refuses_a_store_written_by_a_newer_app(store_path: Path) -> None:
    close_store(init_store(store_path, (*MIGRATIONS, _add_site_note)))

    with pytest.raises(StoreTooNewError) as refused:
        init_store(store_path, MIGRATIONS)

    assert (refused.value.found, refused.value.known) == (len(MIGRATIONS) + 1, len(MIGRATIONS))


def _pragma(engine: Engine, statement: str) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.exec_driver_sql(statement)]


def _schema_of(engine: Engine, table: str) -> dict[str, object]:
    inspector = inspect(engine)
    return {
        "columns": {
            column["name"]: (column["nullable"], type(column["type"]).__name__.upper())
            for column in inspector.get_columns(table)
        },
        "primary_key": sorted(inspector.get_pk_constraint(table)["constrained_columns"]),
        # From SQLite itself: SQLAlchemy's reflection misses ON DELETE on inline REFERENCES.
        "foreign_keys": sorted(
            tuple(row[2:7]) for row in _pragma(engine, f"PRAGMA foreign_key_list({table})")
        ),
        "unique": sorted(tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)),
        "indexes": sorted(tuple(i["column_names"]) for i in inspector.get_indexes(table)),
        "checks": sorted(str(c["name"]) for c in inspector.get_check_constraints(table)),
    }


def test_it_builds_the_tables_the_models_describe(store_path: Path, tmp_path: Path) -> None:
    """The migrations and `models.py` must not drift apart."""
    close_store(init_store(store_path))
    migrated = make_engine(store_path)
    declared = make_engine(tmp_path / "declared.sqlite3")
    Base.metadata.create_all(declared)

    tables = set(Base.metadata.tables)
    assert set(inspect(migrated).get_table_names()) == tables
    for table in sorted(tables):
        assert _schema_of(migrated, table) == _schema_of(declared, table), table
    migrated.dispose()
    declared.dispose()
