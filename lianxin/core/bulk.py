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
from django.utils import timezone

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
    if getattr(model, "hash_chain", None) and not all(o.row_hash for o in objs):
        raise ValueError("rows of a hash chain are sealed first (core.chain.sealing)")
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
        if (
            getattr(f, "auto_now", False)
            or getattr(f, "auto_now_add", False)
            or getattr(f, "derived", False)  # a lookup hash of another field (core.fields)
        ):
            values = [f.pre_save(o, True) for o in objs]
        else:
            name = f.attname
            values = [getattr(o, name) for o in objs]
        seen: dict = {}
        prepared = []
        for value in values:
            if isinstance(value, _SHARED) and not getattr(f, "sealed", False):
                key = (type(value), value)
                if key not in seen:
                    seen[key] = f.get_db_prep_save(value, connection)
                prepared.append(seen[key])
            else:
                prepared.append(f.get_db_prep_save(value, connection))
        columns.append(prepared)
    rows = list(zip(*columns, strict=True))
    qn = connection.ops.quote_name
    # The model's own table and column names, quoted; the values go as parameters.
    head = "INSERT INTO {} ({}) VALUES ".format(  # nosec B608
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


def insert_values(model: type[Model], fields: Sequence[str], rows) -> int:
    """Insert plain rows (tuples in the order of `fields`, attribute names, keys included when
    given) of one model, for loads of millions of rows (`manage.py generate_scale`): no model
    instances, no signals, nothing returned. Strings, integers, booleans and None go to the
    database as they are, datetimes and dates as the backend stores them, JSON as its text; the
    columns not given take their defaults. A model whose automatic key is written here needs
    `reset_sequences` after (PostgreSQL). Returns the number of rows."""
    if getattr(model, "hash_chain", None):
        raise ValueError("rows of a hash chain are written through core.chain.sealing")
    meta = model._meta
    cols = [meta.get_field(name.removesuffix("_id")) for name in fields]
    db = router.db_for_write(model)
    connection = connections[db]
    # The columns not given take their default (a callable one per row), as `save` would.
    given = {f.attname for f in cols}
    rest = [
        f
        for f in meta.concrete_fields
        if f.attname not in given and not f.generated and f is not meta.auto_field
    ]

    def filler(f):
        if f.get_internal_type() == "JSONField":
            import json

            text = json.dumps(f.get_default() if f.has_default() else None)
            return lambda: text
        if f.has_default():
            if callable(f.default):
                return f.get_default
            value = f.get_default()
            return lambda: value
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            now = timezone.now()
            return lambda: now
        if f.null:
            return lambda: None
        if f.empty_strings_allowed:
            return lambda: ""
        raise ValueError(f"insert_values needs a value for {meta.label}.{f.name}")

    fillers = [filler(f) for f in rest]
    # Defaults that are one value for every row (most) are appended as one tuple.
    constant = not any(f.has_default() and callable(f.default) for f in rest)
    tail = tuple(fill() for fill in fillers) if constant else ()
    cols += rest
    qn = connection.ops.quote_name
    # The model's own table and column names, quoted; the values go as parameters.
    head = "INSERT INTO {} ({}) VALUES ".format(  # nosec B608
        qn(meta.db_table), ", ".join(qn(f.column) for f in cols)
    )
    one = "(" + ", ".join(["%s"] * len(cols)) + ")"
    size = max(1, min(_MAX_ROWS, _max_params(connection) // max(1, len(cols))))
    sqlite = connection.vendor == "sqlite"
    convert = [_converter(f, connection, sqlite) for f in cols]
    todo = [(i, c) for i, c in enumerate(convert) if c is not None]
    count = 0
    with connection.cursor() as cursor:
        chunk: list = []
        if sqlite:
            # sqlite3's executemany binds each row in C: faster than one long statement.
            raw = connection.connection
            single = head + "(" + ", ".join(["?"] * len(cols)) + ")"
            size = 5000

            def flush():
                raw.executemany(single, chunk)

        else:

            def flush():
                sql = head + ", ".join([one] * len(chunk))
                cursor.execute(sql, [v for row in chunk for v in row])

        for row in rows:
            row = list(row)
            if constant:
                row.extend(tail)
            else:
                row.extend([fill() for fill in fillers])
            for i, c in todo:
                if row[i] is not None:
                    row[i] = c(row[i])
            chunk.append(row)
            if len(chunk) == size:
                flush()
                count += len(chunk)
                chunk = []
        if chunk:
            flush()
            count += len(chunk)
    return count


def _converter(f, connection, sqlite: bool):
    """How a column's Python values become parameters, or None when they go as they are
    (strings, integers, booleans; datetimes and dates on PostgreSQL, which psycopg adapts)."""
    kind = f.get_internal_type()
    if getattr(f, "sealed", False):  # personal data (core.fields.EncryptedCharField)
        return f.get_prep_value
    if kind == "JSONField":
        # Given as JSON text; SQLite stores the text, PostgreSQL gets the field's adapter.
        if sqlite:
            return None
        import json
        from functools import lru_cache

        return lru_cache(maxsize=1024)(
            lambda text: f.get_db_prep_save(json.loads(text), connection)
        )
    if kind == "DateTimeField":
        if not sqlite:
            return None
        utc = dt.UTC

        def stamp(value):
            if value.tzinfo is utc:
                return str(value)[:-6]  # "… +00:00" without the offset, as Django stores it
            if value.tzinfo is not None:
                value = value.astimezone(utc).replace(tzinfo=None)
            return str(value)

        return stamp
    if kind == "DateField":
        return str if sqlite else None
    if kind in (
        "CharField",
        "TextField",
        "IntegerField",
        "BigIntegerField",
        "BooleanField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "AutoField",
        "BigAutoField",
        "ForeignKey",
        "OneToOneField",
        "EmailField",
        "SlugField",
        "URLField",
    ):
        return None
    return lambda value: f.get_db_prep_save(value, connection)


def reset_sequences(*models: type[Model]) -> None:
    """Set the automatic keys' sequences of these models past their highest key (after
    `insert_values` wrote keys itself; SQLite keeps its own)."""
    from django.core.management.color import no_style

    connection = connections[router.db_for_write(models[0])]
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
