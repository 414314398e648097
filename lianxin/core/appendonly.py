"""The database refuses to change or delete rows of the append-only trails (`core_auditlog`,
`core_trailevent`): triggers on PostgreSQL and on SQLite, installed by migration core 0007.

What the triggers let through:

* the one update Django makes itself: an account deleted, its key in the row set to NULL
  (`on_delete=SET_NULL`), every other column unchanged;
* a delete by the retention command (core.retention) of rows older than its cutoff, when the
  cutoff is at least 180 days back — the *retention permit* of the deleting transaction:
  PostgreSQL `SET LOCAL lianxin.retention_permit = '<cutoff>'`; SQLite, a row in
  `lianxin_audit_permit` inserted and removed inside the same transaction;
* emptying a test database (`manage.py flush`, which Django's transactional tests run): the
  *flush permit* (`lianxin.flush_permit = 'on'` on PostgreSQL, honoured only in a database
  whose name starts with `test_`; a `flush` row on SQLite), given by core's `flush` command.

PostgreSQL also refuses TRUNCATE of the two tables without the flush permit. A migration that
rebuilds one of the tables on SQLite (the schema editor copies it into a new table) drops its
triggers: such a migration re-runs `install`, and `manage.py verify_audit` reports triggers
that are missing."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

from django.db import connections

TABLES = {"core_auditlog": "user_id", "core_trailevent": "actor_id"}
PERMIT_TABLE = "lianxin_audit_permit"
MIN_DAYS = 180

_PG_FUNCTION = r"""
CREATE OR REPLACE FUNCTION lianxin_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    fk text := TG_ARGV[0];
    permit text;
BEGIN
    IF TG_LEVEL = 'ROW' AND TG_OP = 'UPDATE' THEN
        IF (to_jsonb(NEW) - fk) = (to_jsonb(OLD) - fk) AND (to_jsonb(NEW) -> fk) = 'null'::jsonb
        THEN
            RETURN NEW;
        END IF;
    ELSE
        IF coalesce(current_setting('lianxin.flush_permit', true), '') = 'on'
           AND current_database() LIKE 'test\_%' THEN
            IF TG_LEVEL = 'ROW' THEN RETURN OLD; END IF;
            RETURN NULL;
        END IF;
        IF TG_LEVEL = 'ROW' THEN
            permit := coalesce(current_setting('lianxin.retention_permit', true), '');
            IF permit <> '' AND permit::timestamptz <= now() - interval '180 days'
               AND OLD.at < permit::timestamptz THEN
                RETURN OLD;
            END IF;
        END IF;
    END IF;
    RAISE EXCEPTION 'lianxin: % is append-only (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = '23000';
END
$$;
"""


def _pg_install(cursor) -> None:
    cursor.execute(_PG_FUNCTION)
    for table, fk in TABLES.items():
        cursor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"')
        cursor.execute(f'DROP TRIGGER IF EXISTS "{table}_no_truncate" ON "{table}"')
        cursor.execute(
            f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
            f"FOR EACH ROW EXECUTE FUNCTION lianxin_append_only('{fk}')"
        )
        cursor.execute(
            f'CREATE TRIGGER "{table}_no_truncate" BEFORE TRUNCATE ON "{table}" '
            f"FOR EACH STATEMENT EXECUTE FUNCTION lianxin_append_only('{fk}')"
        )


def _sqlite_install(cursor) -> None:
    cursor.execute(f"CREATE TABLE IF NOT EXISTS {PERMIT_TABLE} (kind TEXT NOT NULL, cutoff TEXT)")
    for table, fk in TABLES.items():
        cursor.execute(f'PRAGMA table_info("{table}")')
        columns = [row[1] for row in cursor.fetchall() if row[1] != fk]
        same = " AND ".join(f'NEW."{c}" IS OLD."{c}"' for c in columns)
        cursor.execute(f'DROP TRIGGER IF EXISTS "{table}_no_update"')
        cursor.execute(f'DROP TRIGGER IF EXISTS "{table}_no_delete"')
        cursor.execute(
            f'CREATE TRIGGER "{table}_no_update" BEFORE UPDATE ON "{table}" '
            f'WHEN NOT (NEW."{fk}" IS NULL AND {same}) '
            f"BEGIN SELECT RAISE(ABORT, 'lianxin: {table} is append-only (UPDATE refused)'); END"
        )
        cursor.execute(
            f'CREATE TRIGGER "{table}_no_delete" BEFORE DELETE ON "{table}" '  # nosec B608 - identifiers are the models' own; values are parameters
            f"WHEN NOT EXISTS (SELECT 1 FROM {PERMIT_TABLE} p WHERE p.kind = 'flush' "
            f"OR (p.kind = 'retention' AND OLD.at < p.cutoff "
            f"AND p.cutoff <= strftime('%Y-%m-%d %H:%M:%f', 'now', '-{MIN_DAYS} days'))) "
            f"BEGIN SELECT RAISE(ABORT, 'lianxin: {table} is append-only (DELETE refused)'); END"
        )


def install(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _pg_install(cursor)
        elif connection.vendor == "sqlite":
            _sqlite_install(cursor)


def uninstall(connection) -> None:
    with connection.cursor() as cursor:
        for table in TABLES:
            if connection.vendor == "postgresql":
                cursor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"')
                cursor.execute(f'DROP TRIGGER IF EXISTS "{table}_no_truncate" ON "{table}"')
            elif connection.vendor == "sqlite":
                cursor.execute(f'DROP TRIGGER IF EXISTS "{table}_no_update"')
                cursor.execute(f'DROP TRIGGER IF EXISTS "{table}_no_delete"')
        if connection.vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS lianxin_append_only()")
        elif connection.vendor == "sqlite":
            cursor.execute(f"DROP TABLE IF EXISTS {PERMIT_TABLE}")


def expected_triggers(vendor: str) -> set[str]:
    if vendor == "postgresql":
        return {f"{t}_{s}" for t in TABLES for s in ("append_only", "no_truncate")}
    if vendor == "sqlite":
        return {f"{t}_{s}" for t in TABLES for s in ("no_update", "no_delete")}
    return set()


def missing_triggers(connection) -> list[str]:
    """The guarding triggers the database lacks (empty when all are in place)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'"
            )
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            return []
        present = {row[0] for row in cursor.fetchall()}
    return sorted(expected_triggers(connection.vendor) - present)


@contextmanager
def retention_permit(connection, cutoff: dt.datetime):
    """Inside the caller's transaction: let it delete rows of the trails older than `cutoff`."""
    if not connection.in_atomic_block:
        raise RuntimeError("the retention permit is given inside a transaction")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT set_config('lianxin.retention_permit', %s, true)", [cutoff.isoformat()]
            )
        elif connection.vendor == "sqlite":
            value = connection.ops.adapt_datetimefield_value(cutoff)
            # The identifiers are the models' own table and column names; values are parameters.
            sql = f"INSERT INTO {PERMIT_TABLE} (kind, cutoff) VALUES ('retention', %s)"  # nosec B608
            cursor.execute(sql, [value])
    # On an error the transaction rolls back, the permit with it.
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('lianxin.retention_permit', '', true)")
        elif connection.vendor == "sqlite":
            cursor.execute(f"DELETE FROM {PERMIT_TABLE} WHERE kind = 'retention'")  # nosec B608 - identifiers are the models' own; values are parameters


@contextmanager
def flush_permit(using: str = "default"):
    """Inside the caller's transaction: let `flush` empty the trails of a test database."""
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("the flush permit is given inside a transaction")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('lianxin.flush_permit', 'on', true)")
        elif connection.vendor == "sqlite":
            cursor.execute(f"INSERT INTO {PERMIT_TABLE} (kind) VALUES ('flush')")  # nosec B608 - identifiers are the models' own; values are parameters
    # On an error the transaction rolls back, the permit with it.
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('lianxin.flush_permit', '', true)")
        elif connection.vendor == "sqlite":
            cursor.execute(f"DELETE FROM {PERMIT_TABLE} WHERE kind = 'flush'")  # nosec B608 - identifiers are the models' own; values are parameters
