"""Citizens' opinions: intake throughput and the staff case list at 100,000 cases.

Targets (issue 3): submissions per second through the full intake path ≥ 0.5 × a bare insert
on the same database (ratio), and the staff case list at 100,000 cases p95 ≤ 50 ms on
PostgreSQL with a constant query count. The list is timed as served (totals of 10,000 rows or
more kept for 30 s per query, core.paging.count_of) and with every total counted afresh.
Run: .venv/bin/python bench/casework_intake_and_list.py  (DATABASE_URL=postgres://… for PostgreSQL)

Both sides run in this one process against the same database: the full path is the public
`POST /api/v1/opinions` through Django's request handling (body parsing and validation, the
idempotency key, the deputy's routing, the case row committed), each request in its own
committed transaction; the bare endpoint is a plain Django view that parses a JSON body and
commits, through the database cursor in autocommit mode, one INSERT of the same case row the
full path writes (same columns, owner, deputy, station, region and an idempotency key), doing
none of the path's work (the bare cursor INSERT alone is reported too). The public API
acknowledges a submission once its case row is committed; the intake loop then writes its
registration entry and queues its notifications (casework.actions.complete_intake): its rate
is reported beside, so that what the acknowledgement leaves for later is measured as well.
"""

from __future__ import annotations

import io
import sys
import time
import uuid

from common import bulk_insert, drop_database, report, setup_django, summary, timeit

SUBMISSIONS = 600
ROUNDS = 12
CASES = int(__import__("os").environ.get("BENCH_CASES", "100000"))


def main() -> None:
    label = setup_django("casework")
    from bench_urls import BARE_SQL, bare_row
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from lianxin.accounts.models import User
    from lianxin.api.auth import issue_token
    from lianxin.casework.actions import complete_intake
    from lianxin.casework.models import Case
    from lianxin.org.models import Congress, Deputy

    call_command("load_demo", scale="demo", stdout=io.StringIO())
    deputy = Deputy.objects.filter(
        congress__region__code="140702", station_membership__isnull=False
    ).first()
    client = Client()

    # --- Intake throughput -------------------------------------------------------------------
    def submit(i: int):
        r = client.post(
            "/api/v1/opinions",
            {
                "content": f"小区门口道路破损，雨天积水严重，请有关部门尽快修复。编号{i}",
                "deputy": deputy.scan_code,
            },
            content_type="application/json",
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
        assert r.status_code == 201, r.content

    # The row the full path writes for this deputy (owner, station, region), given as ids.
    station = deputy.station_membership.station
    row = {
        "congress": station.congress_id,
        "deputy": deputy.pk,
        "station": station.pk,
        "region": station.region_id,
        "scope_code": station.congress.region.code,
    }

    def bare_insert(i: int):
        body = {**row, "content": f"小区门口道路破损，雨天积水严重，请有关部门尽快修复。编号{i}"}
        with connection.cursor() as cursor:  # autocommit: one statement, its own transaction
            cursor.execute(BARE_SQL, bare_row(body))

    def bare_endpoint(i: int):
        r = client.post(
            "/bench/bare-insert",
            {**row, "content": f"小区门口道路破损，雨天积水严重，请有关部门尽快修复。编号{i}"},
            content_type="application/json",
        )
        assert r.status_code == 201

    def rates(*fns) -> list[float]:
        """Calls per second of each function, measured in interleaved rounds so that a change
        in the machine's load during the run falls on every side alike."""
        spent = [0.0] * len(fns)
        n = 0
        for _round in range(ROUNDS):
            for k, fn in enumerate(fns):
                start = time.perf_counter()
                for i in range(n, n + SUBMISSIONS // ROUNDS):
                    fn(i)
                spent[k] += time.perf_counter() - start
            n += SUBMISSIONS // ROUNDS
        return [n / t for t in spent]

    with override_settings(ROOT_URLCONF="bench_urls"):
        for i in range(10):  # warm-up
            submit(-i)
            bare_insert(-i)
            bare_endpoint(-i)
        bare_rate, endpoint_rate, intake_rate = rates(bare_insert, bare_endpoint, submit)
        pending = Case.objects.filter(intake_pending=True).count()
        start = time.perf_counter()
        completed = complete_intake(limit=pending)
        complete_rate = completed / (time.perf_counter() - start)
    report(
        f"opinion intake ({label}, {SUBMISSIONS} submissions, each committed)",
        [
            ("bare committed INSERT (cursor)", f"{bare_rate:.0f} per second"),
            ("bare insert endpoint (same server)", f"{endpoint_rate:.0f} per second"),
            ("full intake path", f"{intake_rate:.0f} per second"),
            ("ratio intake / bare endpoint", f"{intake_rate / endpoint_rate:.2f}  (target ≥ 0.5)"),
            ("ratio intake / bare INSERT", f"{intake_rate / bare_rate:.2f}"),
            (
                "intake loop: registrations completed",
                f"{complete_rate:.0f} per second ({completed} cases; entry + notification task)",
            ),
        ],
    )

    # --- The staff case list at 100,000 cases -------------------------------------------------
    congresses = list(Congress.objects.filter(level="county").select_related("region"))
    have = Case.objects.count()
    bulk_insert(
        Case,
        (
            Case(
                kind="opinion",
                state=("registered", "triaged", "handling", "replied", "concluded")[i % 5],
                content=f"群众反映的问题第{i}件：路灯不亮、道路破损、噪音扰民。",
                channel="scan",
                congress=c,
                scope_code=c.region.code,
            )
            for i in range(CASES - have)
            # half of them in 榆次区
            for c in [congresses[0] if i % 2 == 0 else congresses[i % len(congresses)]]
        ),
    )
    if connection.vendor == "postgresql":
        # What autovacuum does shortly after a bulk load: planner statistics and the visibility
        # map (without it no count can be answered from an index alone).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    total = Case.objects.count()

    rows = []
    for username in ("yc_staff", "jz_staff"):
        headers = {"Authorization": f"Bearer {issue_token(User.objects.get(username=username))}"}
        scope = "140702%" if username == "yc_staff" else "1407%"

        def page(limit: int = 20, headers=headers):
            r = client.get("/api/v1/cases", {"limit": limit}, headers=headers)
            assert r.status_code == 200
            return r

        def bare(scope=scope):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT id, kind, state, tracking_code, title, content, created_at, due_date FROM casework_case "
                    "WHERE scope_code LIKE %s ORDER BY created_at DESC, id DESC LIMIT 20",
                    [scope],
                )
                cursor.fetchall()

        bare_s = summary(timeit(bare, repeat=200))
        page_s = summary(timeit(page, repeat=200))
        with override_settings(LIANXIN_COUNT_CACHE_FROM=0):  # every total counted afresh
            exact_s = summary(timeit(page, repeat=200))
        counts = []
        for limit in (1, 20, 200):
            with CaptureQueriesContext(connection) as ctx:
                page(limit)
            counts.append(len(ctx.captured_queries))
        visible = page().json()["count"]
        rows += [
            (
                f"{username}: bare query median / p95",
                f"{bare_s['median_ms']:.2f} / {bare_s['p95_ms']:.2f} ms",
            ),
            (
                f"{username}: list API median / p95",
                f"{page_s['median_ms']:.2f} / {page_s['p95_ms']:.2f} ms  (target p95 ≤ 50 ms on PostgreSQL)",
            ),
            (
                f"{username}: list API, every total counted, median / p95",
                f"{exact_s['median_ms']:.2f} / {exact_s['p95_ms']:.2f} ms",
            ),
            (
                f"{username}: ratio API / bare (median)",
                f"{page_s['median_ms'] / bare_s['median_ms']:.2f}×",
            ),
            (
                f"{username}: queries at limit 1 / 20 / 200",
                " / ".join(map(str, counts)) + f"  ({visible} cases visible)",
            ),
        ]
    report(f"staff case list ({label}, {total} cases)", rows)
    drop_database()


if __name__ == "__main__":
    sys.exit(main())
