"""Migration 0003: results imported before it keep their values and get a year."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.server.factories import make_unit

BEFORE = [("campaigns", "0002_codes_and_imported_results")]
AFTER = [("campaigns", "0003_imported_results_by_period")]


@pytest.mark.django_db(transaction=True)
def test_existing_imported_rows_get_the_year_they_were_imported_and_stay_in_use() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    unit = make_unit()  # only campaigns is migrated back: the schools tables are current
    Imported = old.get_model("campaigns", "ImportedResult")
    row = Imported.objects.create(
        unit_id=unit.pk, respondent_group="pupils", index="safety", mean=7.4, respondents=40,
        source="old.csv",
    )  # fmt: skip
    Imported.objects.filter(pk=row.pk).update(imported_at=datetime(2024, 5, 3, tzinfo=UTC))

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    migrated = new.get_model("campaigns", "ImportedResult").objects.get(pk=row.pk)

    assert (migrated.year, migrated.round, migrated.current, migrated.context) == (
        2024, "", True, False,
    )  # fmt: skip
    assert (migrated.mean, migrated.respondents, migrated.source) == (7.4, 40, "old.csv")

    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
