"""Central assignment of 10,000 suggestions (a national session's volume) and the staff work
list at 100,000 suggestions, against bare queries in the same process.

Targets (issue 5): 10,000 assigned in ≤ 60 s, each with its timeline event; the work list p95
≤ 50 ms on PostgreSQL with a constant number of queries whatever the page size.
Run: .venv/bin/python bench/suggestions_assign.py (`--assign-only`: the central assignment alone)
(set DATABASE_URL=postgres://postgres@127.0.0.1:5432/x to measure on PostgreSQL).

The suggestions to assign are inserted in bulk (they stand for a session's accepted
suggestions); the measured step goes through the real interface: `POST /api/v1/suggestions/
assign` with 10,000 items, as jz_staff, which calls `suggestions.actions.do_assign_suggestions`.
"""

from __future__ import annotations

import io
import sys
import time

from common import drop_database, report, setup_django, summary, timeit

TO_ASSIGN = 10_000
WORKLIST_TOTAL = 100_000
STATES = ["submitted", "in_review", "accepted", "assigned", "handling", "replied", "concluded"]


def main() -> None:
    label = setup_django("suggestions")
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from lianxin.accounts.models import User
    from lianxin.api.auth import issue_token
    from lianxin.casework.models import Assignment, Case, CaseEvent, Category
    from lianxin.org.models import Congress, Deputy, HandlingUnit, Level
    from lianxin.suggestions.models import Suggestion

    call_command("load_demo", scale="test", stdout=io.StringIO())
    city = Congress.objects.select_related("region").get(region__code="1407", level=Level.CITY)
    seats = list(Deputy.objects.filter(congress=city).values_list("pk", flat=True))
    categories = list(Category.objects.values_list("pk", flat=True))
    units = list(
        HandlingUnit.objects.filter(code__startswith="JZ-", is_active=True).order_by("code")
    )
    staff = User.objects.get(username="jz_staff")
    client = Client()
    headers = {"Authorization": f"Bearer {issue_token(staff)}"}

    def make(n: int, state: str, start: int) -> list[int]:
        now = timezone.now()
        cases = Case.objects.bulk_create(
            [
                Case(
                    kind="suggestion",
                    state=state,
                    title=f"关于第{start + i}项民生问题的建议",
                    content="基准测试用建议内容。" * 5,
                    channel="deputy",
                    congress=city,
                    region=city.region,
                    scope_code=city.region.code,
                    raised_by_deputy_id=seats[(start + i) % len(seats)],
                    category_id=categories[(start + i) % len(categories)],
                    created_at=now,
                )
                for i in range(n)
            ],
            batch_size=2000,
        )
        Suggestion.objects.bulk_create(
            [Suggestion(case=c, in_session=True) for c in cases], batch_size=2000
        )
        return [c.pk for c in cases]

    # --- Central assignment of 10,000 ----------------------------------------------------------
    ids = make(TO_ASSIGN, "accepted", 0)
    body = {
        "items": [
            {
                "case": pk,
                "lead_unit": units[i % len(units)].code,
                "co_units": [units[(i + 1) % len(units)].code],
                "complex": i % 10 == 0,
            }
            for i, pk in enumerate(ids)
        ],
        "note": "集中交办",
    }
    import json

    payload = json.dumps(body)
    started, cpu = time.perf_counter(), time.process_time()
    r = client.post(
        "/api/v1/suggestions/assign", payload, content_type="application/json", headers=headers
    )
    assign_s = time.perf_counter() - started
    # The process's own CPU time (with SQLite, the database's work too): steadier than the
    # wall clock when other runs share the machine.
    assign_cpu = time.process_time() - cpu
    assert r.status_code == 200, r.content[:500]
    events = CaseEvent.objects.filter(case_id__in=ids, action="assign").count()
    assigned = Case.objects.filter(pk__in=ids, state="assigned").count()
    rows = Assignment.objects.filter(case_id__in=ids).count()

    # The bare baseline: the same rows written by hand-made SQL in one transaction, rolled back.
    more = make(TO_ASSIGN, "accepted", TO_ASSIGN)
    now = timezone.now()
    due = now.date()

    change = json.dumps({"from": "accepted", "to": "assigned", "kind": "suggestion"})

    def bare_assign():
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO casework_assignment (case_id, unit_id, role, status, assigned_at, "
                    "assigned_by_id, due_date, return_deadline, return_reason) "
                    "VALUES (%s, %s, %s, 'active', %s, %s, %s, %s, '')",
                    [
                        (pk, units[(i + k) % len(units)].pk, role, now, staff.pk, due, due)
                        for i, pk in enumerate(more)
                        for k, role in enumerate(("lead", "co"))
                    ],
                )
                cursor.executemany(
                    "UPDATE casework_case SET state = 'assigned', due_date = %s, version = version + 1 "
                    "WHERE id = %s",
                    [(due, pk) for pk in more],
                )
                cursor.executemany(
                    "INSERT INTO casework_caseevent (case_id, at, action, from_state, to_state, "
                    "actor_id, actor_label, note, data, is_public) "
                    "VALUES (%s, %s, 'assign', 'accepted', 'assigned', %s, '', '', '{}', %s)",
                    [(pk, now, staff.pk, True) for pk in more],
                )
                # Every action leaves its trail row (core.trail) beside the timeline entry.
                cursor.executemany(
                    "INSERT INTO core_trailevent (at, action, actor_id, actor_label, seat_type, "
                    "seat_id, seat_label, body, object_type, object_id, object_label, change) "
                    "VALUES (%s, 'casework.assign', %s, '', 'deputy_affairs_staff', %s, '', %s, "
                    "'casework.case', %s, '', %s)",
                    [
                        (now, staff.pk, city.pk, f"congress:{city.pk}", str(pk), change)
                        for pk in more
                    ],
                )
            transaction.set_rollback(True)

    started, cpu = time.perf_counter(), time.process_time()
    bare_assign()
    bare_s = time.perf_counter() - started
    bare_cpu = time.process_time() - cpu

    report(
        f"central assignment ({label}, {TO_ASSIGN} suggestions, lead + co unit each)",
        [
            ("POST /api/v1/suggestions/assign", f"{assign_s:.2f} s  (target ≤ 60 s)"),
            ("bare SQL writing the same rows (trail rows too)", f"{bare_s:.2f} s"),
            ("ratio API / bare", f"{assign_s / bare_s:.2f}×"),
            (
                "CPU time of this process: API / bare",
                f"{assign_cpu:.2f} s / {bare_cpu:.2f} s ({assign_cpu / bare_cpu:.2f}×)",
            ),
            ("cases assigned / events / assignment rows", f"{assigned} / {events} / {rows}"),
        ],
    )

    if "--assign-only" in sys.argv:
        drop_database()
        return
    # --- The staff work list at 100,000 ---------------------------------------------------------
    have = Case.objects.filter(kind="suggestion").count()
    per_state = (WORKLIST_TOTAL - have) // len(STATES)
    for n, state in enumerate(STATES):
        make(per_state, state, 100_000 + n * per_state)
    total = Case.objects.filter(kind="suggestion").count()
    if connection.vendor == "postgresql":
        # What autovacuum does shortly after a bulk load: planner statistics and the visibility
        # map (without it no count can be answered from an index alone).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    def api_page(limit: int = 50, state: str = "assigned"):
        r = client.get("/api/v1/suggestions", {"limit": limit, "state": state}, headers=headers)
        assert r.status_code == 200, r.content[:300]
        return r

    bare_sql = (
        "SELECT c.id, c.title, c.state, c.due_date, p.name, s.in_session FROM casework_case c "
        "JOIN suggestions_suggestion s ON s.case_id = c.id "
        "LEFT JOIN org_deputy d ON d.id = c.raised_by_deputy_id "
        "LEFT JOIN org_person p ON p.id = d.person_id "
        "WHERE c.kind = 'suggestion' AND c.state = 'assigned' AND c.scope_code LIKE %s "
        "ORDER BY c.created_at DESC, c.id DESC LIMIT 50"
    )

    def bare():
        with connection.cursor() as cursor:
            cursor.execute(bare_sql, ["1407%"])
            cursor.fetchall()

    bare_list = summary(timeit(bare, repeat=100))
    api_list = summary(timeit(api_page, repeat=100))
    counts = {}
    for limit in (1, 50, 200):
        with CaptureQueriesContext(connection) as ctx:
            api_page(limit)
        counts[limit] = len(ctx.captured_queries)
    page = Client()
    page.force_login(staff)

    def html_page():
        r = page.get("/suggestions/", {"state": "assigned"})
        assert r.status_code == 200

    html = summary(timeit(html_page, repeat=50))

    def floor():
        r = client.get("/api/v1/me", headers=headers)
        assert r.status_code == 200

    floor_s = summary(timeit(floor, repeat=100))
    if "--explain" in sys.argv:
        from lianxin.suggestions import queries

        qs = queries.for_list(queries.suggestions_for(staff, state="assigned"))[:50]
        print(qs.explain(analyze=True) if connection.vendor == "postgresql" else qs.explain())
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            api_page()
            print(f"one API page: {(time.perf_counter() - started) * 1000:.1f} ms")
        for q in ctx.captured_queries:
            print(q["time"], q["sql"][:160])
    report(
        f"staff work list ({label}, {total} suggestions)",
        [
            (
                "bare page query, median",
                f"{bare_list['median_ms']:.2f} ms (p95 {bare_list['p95_ms']:.2f} ms)",
            ),
            (
                "GET /api/v1/suggestions (50 rows), median",
                f"{api_list['median_ms']:.2f} ms (p95 {api_list['p95_ms']:.2f} ms; target p95 ≤ 50 ms on PostgreSQL)",
            ),
            ("ratio API / bare (median)", f"{api_list['median_ms'] / bare_list['median_ms']:.2f}×"),
            ("GET /api/v1/me (the framework's floor), median", f"{floor_s['median_ms']:.2f} ms"),
            (
                "page /suggestions/ (50 rows), median",
                f"{html['median_ms']:.2f} ms (p95 {html['p95_ms']:.2f} ms)",
            ),
            (
                "queries at limit 1 / 50 / 200",
                f"{counts[1]} / {counts[50]} / {counts[200]}  (target: constant)",
            ),
        ],
    )
    drop_database()


if __name__ == "__main__":
    sys.exit(main())
