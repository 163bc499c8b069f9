"""Store v3: each inspection knows its inspector; a v2 file's rows are the enrolled one's."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from mobile.store import close_store, init_store, make_engine
from mobile.store.migrations import MIGRATIONS


def test_it_gives_a_v2_stores_inspections_to_the_enrolled_inspector(store_path: Path) -> None:
    engine = make_engine(store_path)
    with engine.begin() as connection:
        MIGRATIONS[0](connection)
        MIGRATIONS[1](connection)
        connection.exec_driver_sql("PRAGMA user_version = 2")
        connection.exec_driver_sql("INSERT INTO settings VALUES ('inspector', 'inga')")
        connection.exec_driver_sql("INSERT INTO sites (code, name) VALUES ('S1', 'Bräcke')")
        connection.exec_driver_sql(
            "INSERT INTO inspections (uuid, site_code, revision, catalogue_version, state, "
            "started_at, updated_at) VALUES ('u1', 'S1', 2, '2025.1', 'refused', "
            "'2025-05-12 09:30:00', '2025-05-12 09:30:00')"
        )
    engine.dispose()

    factory = init_store(store_path)
    with factory() as session:
        row = session.execute(text("SELECT uuid, revision, state, inspector FROM inspections"))
        assert [tuple(r) for r in row] == [("u1", 2, "refused", "inga")]
    close_store(factory)
