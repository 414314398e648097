"""The loops on several machines at once (docs/deploy.md): two concurrent runs of each loop's
step against PostgreSQL never handle the same row twice.

PostgreSQL only (row locks, `skip_locked` and advisory locks are what is tested). Runs in a
child process against a database of its own, migrated and with the test demo loaded, because
the concurrent runs must commit where the other connection sees it; each pair of runs is two
threads, two connections, started together at a barrier."""

import json
import os
import subprocess
import sys
import textwrap
import uuid

import pytest
from django.conf import settings

pytestmark = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="只在 PostgreSQL 上检验（行锁、skip_locked 与咨询锁）",
)

SCRIPT = textwrap.dedent(
    """
    import json, threading
    from collections import Counter
    import django
    django.setup()
    from django.core.management import call_command
    from django.db import connections
    call_command("migrate", verbosity=0)
    call_command("load_demo", "--scale", "test", verbosity=0)
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult
    from lianxin.casework.actions import complete_intake
    from lianxin.casework.models import Case, CaseEvent
    from lianxin.core import trail
    from lianxin.core.claims import single_pass
    from lianxin.core.models import TrailEvent
    from lianxin.notifications.tasks import retry_queued

    def pair(fn):
        barrier = threading.Barrier(2)
        out, errors = [None, None], []
        def run(i):
            try:
                barrier.wait()
                out[i] = fn()
            except Exception as exc:
                errors.append(repr(exc))
            finally:
                connections.close_all()
        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for t in threads: t.start()
        for t in threads: t.join()
        return out, errors

    report = {}

    # complete_intake: the demo's cases (up to 60) awaiting their registration entry.
    ids = list(Case.objects.order_by("pk").values_list("pk", flat=True)[:60])
    before = CaseEvent.objects.filter(case_id__in=ids, action="register").count()
    Case.objects.filter(pk__in=ids).update(intake_pending=True)
    out, errors = pair(complete_intake)
    report["complete_intake"] = {
        "cases": len(ids), "done": out, "errors": errors,
        "entries": CaseEvent.objects.filter(case_id__in=ids, action="register").count() - before,
        "left": Case.objects.filter(pk__in=ids, intake_pending=True).count(),
    }

    # run_tasks: 40 queued tasks, two workers.
    DBTaskResult.objects.all().delete()
    queued = [str(retry_queued.enqueue().id) for _ in range(40)]
    out, errors = pair(lambda: call_command("run_tasks", "--batch", stdout=open("/dev/null", "w")))
    rows = DBTaskResult.objects.filter(id__in=queued)
    report["run_tasks"] = {
        "tasks": len(queued), "errors": errors,
        "statuses": dict(Counter(r.status for r in rows)),
        "workers_per_task": dict(Counter(len(r.worker_ids) for r in rows)),
        "workers": len({w for r in rows for w in r.worker_ids}),
    }

    # follow_trail: one reader, two loops delivering to it in batches of 7.
    seen = []
    trail.follow("concurrency_reader", lambda events: seen.extend(e.id for e in events))
    def follow_all():
        n = 0
        while (k := trail.deliver("concurrency_reader", batch=7)):
            n += k
        return n
    out, errors = pair(follow_all)
    report["follow_trail"] = {
        "events": TrailEvent.objects.count(), "delivered": out, "errors": errors,
        "seen": len(seen), "distinct": len(set(seen)),
    }

    # scan_deadlines: the pass is single (advisory lock) ...
    held, checked, release = threading.Event(), [], threading.Event()
    def holder():
        with single_pass("scan_deadlines") as mine:
            checked.append(("holder", mine))
            held.set()
            release.wait(30)
        connections.close_all()
    def other():
        held.wait(30)
        with single_pass("scan_deadlines") as mine:
            checked.append(("other", mine))
        release.set()
        connections.close_all()
    threads = [threading.Thread(target=holder), threading.Thread(target=other)]
    for t in threads: t.start()
    for t in threads: t.join()
    with single_pass("scan_deadlines") as mine:
        checked.append(("after", mine))
    # ... and two scans at once write each (case, action) of the scan at most once.
    Case.objects.filter(due_date__isnull=False).update(
        due_date=timezone.localdate() - timezone.timedelta(days=3), is_overdue=False
    )
    start = timezone.now()
    out, errors = pair(lambda: call_command("scan_deadlines", stdout=open("/dev/null", "w")))
    written = Counter(
        CaseEvent.objects.filter(at__gte=start).values_list("case_id", "action")
    )
    report["scan_deadlines"] = {
        "lock": checked, "errors": errors, "events": sum(written.values()),
        "repeated": [list(k) for k, n in written.items() if n > 1],
    }
    print("REPORT " + json.dumps(report))
    """
)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    import psycopg

    db = settings.DATABASES["default"]
    name = f"lianxin_loops_{uuid.uuid4().hex[:8]}"
    connect = {
        "host": db.get("HOST") or "127.0.0.1",
        "port": db.get("PORT") or 5432,
        "user": db.get("USER") or "postgres",
        "password": db.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**connect) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    auth = connect["user"] + (f":{connect['password']}" if connect["password"] else "")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_REPLICA_URL"}
    env.update(
        DATABASE_URL=f"postgres://{auth}@{connect['host']}:{connect['port']}/{name}",
        LIANXIN_VAR_DIR=str(tmp_path_factory.mktemp("loops")),
        DJANGO_SETTINGS_MODULE="lianxin.settings",
        LIANXIN_DEMO="1",
        LIANXIN_SMS_BACKEND="lianxin.notifications.sms.FileBackend",
        LIANXIN_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    try:
        out = subprocess.run(
            [sys.executable, "-c", SCRIPT],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert out.returncode == 0, out.stderr[-3000:]
        line = next(x for x in out.stdout.splitlines() if x.startswith("REPORT "))
        yield json.loads(line[len("REPORT ") :])
    finally:
        with psycopg.connect(**connect) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_two_intake_loops_complete_each_case_once(report):
    r = report["complete_intake"]
    assert r["errors"] == []
    assert r["cases"] > 20
    assert r["entries"] == sum(r["done"]) == r["cases"]
    assert r["left"] == 0


def test_two_workers_run_each_task_once(report):
    r = report["run_tasks"]
    assert r["errors"] == []
    assert r["statuses"] == {"SUCCESSFUL": 40}
    assert r["workers_per_task"] == {"1": 40}


def test_two_trail_followers_deliver_each_event_once(report):
    r = report["follow_trail"]
    assert r["errors"] == []
    assert r["events"] > 7
    assert r["seen"] == r["distinct"] == r["events"] == sum(r["delivered"])


def test_deadline_scan_runs_one_pass_at_a_time(report):
    r = report["scan_deadlines"]
    assert r["errors"] == []
    assert [list(x) for x in r["lock"]] == [["holder", True], ["other", False], ["after", True]]
    assert r["events"] > 0
    assert r["repeated"] == []
