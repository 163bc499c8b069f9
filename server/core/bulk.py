"""A lean bulk INSERT for hot write paths, without the ORM's per-row model objects."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection
from django.db.models import DateTimeField, DecimalField, JSONField, Model, UUIDField

# Fields whose values the database driver cannot take as Python gives them.
_PREPARED = (DateTimeField, JSONField, UUIDField, DecimalField)


def insert_rows(model: type[Model], rows: Iterable[Mapping[str, Any]]) -> int:
    """Insert rows given as {attname: value} (every concrete field but the auto id).

    Values needing adaptation go through the field's own `get_db_prep_save`, as the ORM
    would, and constraints still hold (a violation raises IntegrityError). PostgreSQL
    takes the rows with COPY, its fastest way in; SQLite, in process, a prepared statement
    per row. Primary keys are not read back.
    """
    fields = [f for f in model._meta.concrete_fields if f.attname != "id"]
    prepare = [(f.attname, f if isinstance(f, _PREPARED) else None) for f in fields]
    values = [
        [
            row[name] if field is None else field.get_db_prep_save(row[name], connection)
            for name, field in prepare
        ]
        for row in rows
    ]
    if not values:
        return 0
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)
    return len(values)
