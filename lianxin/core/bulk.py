"""Inserting many new rows of one model at once, for batch actions (central assignment).

`insert(objs)` writes unsaved model instances as `bulk_create` does, without signals, and sets
each instance's primary key from `INSERT … RETURNING` (PostgreSQL; SQLite 3.35+, which Django
5.2 requires). It exists because `bulk_create` prepares every value of every row through the
query compiler, which costs more than the database's own work at ten thousand rows: here each
column's values are prepared once per distinct value (a batch's rows share their timestamp,
actor, labels and due dates) and the statements are as large as the database accepts."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Sequence

from django.db import connections, router
from django.db.models import Model

# Values prepared once per batch and column when they repeat; anything else (JSON, arrays) is
# prepared for every row.
_SHARED = (str, int, bool, float, decimal.Decimal, dt.date, dt.time, uuid.UUID, type(None))
# PostgreSQL accepts 65,535 parameters in one statement; rows per statement beyond a thousand
# gain nothing measurable.
_MAX_ROWS = 1000


def _max_params(connection) -> int:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        # Django assumes SQLite's old default of 999; the library in use says what it allows.
        raw = connection.connection
        if hasattr(raw, "getlimit"):
            import sqlite3

            return raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        return connection.features.max_query_params or 999
    return connection.features.max_query_params or 65535


def insert(objs: Sequence[Model]) -> list[Model]:
    """Insert these unsaved instances of one model and set their automatic keys (a key that is
    not automatic, such as a one-to-one primary key, must be set). Must run inside the caller's
    transaction when it is part of an action."""
    if not objs:
        return list(objs)
    model = type(objs[0])
    meta = model._meta
    if any(type(o) is not model for o in objs):
        raise TypeError("bulk.insert writes rows of one model")
    pk = meta.pk
    # An auto key comes back from the database; any other key (a one-to-one primary key) is
    # written with the row.
    auto = meta.auto_field is not None and meta.auto_field is pk
    if auto and any(o.pk is not None for o in objs):
        raise ValueError("bulk.insert writes new rows only")
    if not auto and any(o.pk is None for o in objs):
        raise ValueError("bulk.insert needs the key of rows whose key is not automatic")
    db = router.db_for_write(model)
    connection = connections[db]
    fields = [f for f in meta.concrete_fields if not f.generated and not (auto and f is pk)]
    for obj in objs:
        # What bulk_create checks: a related object saved after it was assigned.
        obj._prepare_related_fields_for_save(operation_name="bulk.insert")
    columns = []
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            values = [f.pre_save(o, True) for o in objs]
        else:
            name = f.attname
            values = [getattr(o, name) for o in objs]
        seen: dict = {}
        prepared = []
        for value in values:
            if isinstance(value, _SHARED):
                key = (type(value), value)
                if key not in seen:
                    seen[key] = f.get_db_prep_save(value, connection)
                prepared.append(seen[key])
            else:
                prepared.append(f.get_db_prep_save(value, connection))
        columns.append(prepared)
    rows = list(zip(*columns, strict=True))
    qn = connection.ops.quote_name
    head = "INSERT INTO {} ({}) VALUES ".format(
        qn(meta.db_table), ", ".join(qn(f.column) for f in fields)
    )
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = max(1, min(_MAX_ROWS, _max_params(connection) // max(1, len(fields))))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            sql = head + ", ".join([one] * len(chunk))
            if auto:
                sql += f" RETURNING {qn(pk.column)}"
            cursor.execute(sql, [v for row in chunk for v in row])
            # Both databases return the new keys in the order of the VALUES list (what
            # bulk_create relies on too).
            keys = cursor.fetchall() if auto else None
            for i, obj in enumerate(objs[start : start + size]):
                if keys is not None:
                    setattr(obj, pk.attname, pk.to_python(keys[i][0]))
                obj._state.adding = False
                obj._state.db = db
    return list(objs)
