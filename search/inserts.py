"""Rows written in bulk without model instances: what an ingest writes most of.

``bulk_create`` builds a model instance for each row and runs every field of it through Django's
compiler; at a few hundred determinations a second that was a sixth of the storing process's
time. Here each column's value is prepared once, by its own field, only where the database
needs it prepared (dates and JSON), and the rows go in as a few multi-row statements.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from itertools import chain
from typing import Any

from django.db import connection, models

# The fields whose values pass to the database as they are: text, numbers, booleans, keys.
_AS_IS = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.ForeignKey,
          models.FileField)


def _preparer(field: models.Field) -> Callable[[Any], Any] | None:
    if isinstance(field, _AS_IS):
        return None
    return lambda value: field.get_db_prep_save(value, connection)


def prepared(model: type[models.Model], names: Sequence[str], rows: list[tuple]) -> list[tuple]:
    """``rows`` (values of ``model``'s fields ``names``, as Python holds them) as the database takes them."""
    preparers = [_preparer(model._meta.get_field(name)) for name in names]
    if not any(preparers):
        return rows
    return [tuple(value if prepare is None else prepare(value) for prepare, value in zip(preparers, row))
            for row in rows]


def _insert_into(model: type[models.Model], names: Sequence[str]) -> str:
    """``INSERT INTO table (columns)`` for the fields ``names`` of ``model``."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in names)
    return f"INSERT INTO {quote(model._meta.db_table)} ({columns})"


def insert(model: type[models.Model], names: Sequence[str], rows: list[tuple]) -> None:
    """``rows`` (values of the fields ``names``, as the database holds them) into ``model``'s table,
    in one statement run for each row."""
    if not rows:
        return
    sql = f"{_insert_into(model, names)} VALUES ({', '.join(['%s'] * len(names))})"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def insert_returning(model: type[models.Model], names: Sequence[str], rows: list[tuple]) -> list[int]:
    """``insert``, returning the new rows' primary keys in the order of ``rows``: multi-row
    INSERT ... RETURNING statements, each as large as the database's limit on parameters allows.
    Needs ``connection.features.can_return_rows_from_bulk_insert`` (SQLite 3.35+, PostgreSQL),
    the order of the keys returned being the order of the rows, as ``bulk_create`` relies on too."""
    if not rows:
        return []
    head, pk = _insert_into(model, names), connection.ops.quote_name(model._meta.pk.column)
    one = f"({', '.join(['%s'] * len(names))})"
    per_statement = max(1, max_parameters() // len(names))
    keys: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start:start + per_statement]
            cursor.execute(f"{head} VALUES {', '.join([one] * len(chunk))} RETURNING {pk}",
                           list(chain.from_iterable(chunk)))
            keys.extend(key for key, in cursor.fetchall())
    return keys


POSTGRESQL_PARAMETERS = 65535  # the protocol's count of a statement's parameters is 16 bits


def max_parameters() -> int:
    """The most parameters one statement may have on this connection's database."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return connection.features.max_query_params or POSTGRESQL_PARAMETERS
