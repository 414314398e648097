"""The deadline scan on the embedded SQLite database while other processes write: it used to
fail with "database is locked" at most starts of `make run`, writing reminders while a query
over the cases was still open (in WAL mode such a connection cannot take the write lock once
another connection has committed, whatever the busy timeout).

The suite's demo world is copied into a SQLite file; a child process runs the scan over 520
cases due today (more than one batch) while a thread commits a write every few milliseconds."""

import sqlite3
import textwrap

import pytest
from django.db import connection

from lianxin.testing.processes import run_on_sqlite

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the embedded SQLite database"
)

SCRIPT = textwrap.dedent(
    """
    import threading
    import django
    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from lianxin.casework.models import Case
    from lianxin.casework.workflow import workflow_for
    from lianxin.core import dates
    from lianxin.core.models import AuditLog
    from lianxin.notifications.models import Notification

    wf = workflow_for("opinion")
    model = Case.objects.filter(kind="opinion").first()
    state = list(wf.deadline_steps)[0]
    copies = []
    for i in range(520):
        model.pk = None
        model.tracking_code = f"LOCK{i:06d}"
        model.intake_key = None
        model.state = state
        model.due_date = dates.today()
        model.is_overdue = False
        copies.append(Case(**{f.attname: getattr(model, f.attname) for f in Case._meta.concrete_fields}))
    Case.objects.bulk_create(copies)
    connections.close_all()

    stop = threading.Event()
    writes = []

    def writer():
        while not stop.is_set():
            AuditLog.objects.create(kind="exported", username="writer", target="x")
            writes.append(1)
            stop.wait(0.01)  # another process writing now and then, not hogging the lock
        connections.close_all()

    t = threading.Thread(target=writer)
    t.start()
    try:
        call_command("scan_deadlines")
    finally:
        stop.set()
        t.join()
    print("reminded", Notification.objects.filter(dedupe_key__startswith="due_today:").count(), len(writes))
    """
)


@pytest.mark.django_db
def test_the_scan_runs_while_another_connection_writes(tmp_path):
    path = tmp_path / "scan.sqlite3"
    # A second connection to the suite's database reads what is committed (the demo world).
    name = connection.settings_dict["NAME"]
    source = sqlite3.connect(name, uri=name.startswith("file:"))
    try:
        source.execute("VACUUM INTO ?", [str(path)])
    finally:
        source.close()
    stdout = run_on_sqlite(
        SCRIPT,
        path,
        tmp_path,
        LIANXIN_TASKS_BACKEND="django_tasks.backends.dummy.DummyBackend",
    )
    _label, reminded, writes = stdout.split()[-3:]
    assert int(reminded) >= 520 and int(writes) > 0
