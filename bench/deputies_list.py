"""The deputies list API at 10,000 deputies, against the bare query in the same process.

Target (issue 2): a page of 20 deputies in ≤ 3× the bare query's time, and a constant number
of queries whatever the page size. Run: .venv/bin/python bench/deputies_list.py
(set DATABASE_URL=postgres://postgres@127.0.0.1:5432/x to measure on PostgreSQL).
"""

from __future__ import annotations

import io
import sys

from common import drop_database, report, setup_django, summary, timeit

TARGET_DEPUTIES = 10_000


def main() -> None:
    label = setup_django("deputies")
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lianxin.accounts.models import User
    from lianxin.api.auth import issue_token
    from lianxin.org.models import Congress, Deputy, Person

    call_command("load_demo", scale="full", stdout=io.StringIO())
    have = Deputy.objects.count()
    if have < TARGET_DEPUTIES:
        city = Congress.objects.get(region__code="1407")
        people = Person.objects.bulk_create(
            [
                Person(name=f"补充代表{i}", phone="13800000000")
                for i in range(TARGET_DEPUTIES - have)
            ]
        )
        Deputy.objects.bulk_create([Deputy(person=p, congress=city, term=99) for p in people])
    total = Deputy.objects.count()

    user = User.objects.get(username="jz_staff")
    token = issue_token(user)
    client = Client()
    headers = {"Authorization": f"Bearer {token}"}

    def api_page(limit: int = 20):
        r = client.get("/api/v1/deputies", {"limit": limit}, headers=headers)
        assert r.status_code == 200
        return r

    # The bare query: the same page of 20 rows with the same joins, straight through the cursor.
    bare_sql = (
        "SELECT d.id, p.name, c.name, r.code FROM org_deputy d "
        "JOIN org_person p ON p.id = d.person_id JOIN org_congress c ON c.id = d.congress_id "
        "JOIN org_region r ON r.id = c.region_id WHERE r.code LIKE %s ORDER BY r.code, p.name, d.id LIMIT 20"
    )

    def bare():
        with connection.cursor() as cursor:
            cursor.execute(bare_sql, ["1407%"])
            cursor.fetchall()

    bare_s = summary(timeit(bare))
    api_s = summary(timeit(api_page, repeat=200))
    counts = {}
    for limit in (1, 20, 200):
        with CaptureQueriesContext(connection) as ctx:
            api_page(limit)
        counts[limit] = len(ctx.captured_queries)
    visible = api_page().json()["count"]
    report(
        f"deputies list API ({label}, {total} deputies, {visible} visible to jz_staff)",
        [
            (
                "bare page query, median",
                f"{bare_s['median_ms']:.2f} ms (p95 {bare_s['p95_ms']:.2f} ms)",
            ),
            (
                "API page of 20, median",
                f"{api_s['median_ms']:.2f} ms (p95 {api_s['p95_ms']:.2f} ms)",
            ),
            (
                "ratio API / bare (median)",
                f"{api_s['median_ms'] / bare_s['median_ms']:.2f}×  (target ≤ 3×)",
            ),
            (
                "queries at limit 1 / 20 / 200",
                f"{counts[1]} / {counts[20]} / {counts[200]}  (target: constant)",
            ),
        ],
    )
    drop_database()


if __name__ == "__main__":
    sys.exit(main())
