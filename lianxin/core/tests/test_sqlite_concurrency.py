"""The embedded SQLite database under concurrent writers: nobody gets "database is locked".

Runs in a child process against a database file of its own (WAL needs a file), so it checks
the real settings whichever database the rest of the suite uses.
"""

import textwrap
from pathlib import Path

from lianxin.testing.processes import run_on_sqlite

SCRIPT = textwrap.dedent(
    """
    import threading
    import django
    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections, transaction
    call_command("migrate", verbosity=0)
    from lianxin.core.models import AuditLog

    with connection.cursor() as c:
        c.execute("PRAGMA journal_mode"); journal = c.fetchone()[0]
        c.execute("PRAGMA synchronous"); synchronous = c.fetchone()[0]
    errors = []

    def writer(n):
        try:
            for i in range(40):
                # Read, then write, in one transaction: the pattern that fails with
                # "database is locked" under deferred transactions.
                with transaction.atomic():
                    AuditLog.objects.filter(kind="exported").count()
                    AuditLog.objects.create(kind="exported", username=f"w{n}", target=str(i))
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in threads: t.start()
    for t in threads: t.join()
    print(journal, synchronous, AuditLog.objects.filter(kind="exported").count(), len(errors), errors[:1])
    """
)


def test_concurrent_writers_on_sqlite_all_succeed(tmp_path: Path):
    stdout = run_on_sqlite(SCRIPT, tmp_path / "concurrent.sqlite3", tmp_path)
    journal, synchronous, rows, errors, first = stdout.strip().split(" ", 4)
    assert journal == "wal"
    assert synchronous == "2"  # FULL
    assert errors == "0", first
    assert rows == str(6 * 40)
