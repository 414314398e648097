"""Possible duplicates of an opinion at triage, at 100,000 cases.

No target in the issues; measured because the case page computes them for whoever may merge.
The figure is `GET /api/v1/cases/{id}/similar` (any kind, from the stored terms) against `GET /api/v1/cases/{id}` (the page's own
detail) for the same case and user, in the same process, as a ratio, and its query count.
Run: .venv/bin/python bench/casework_similar.py  (DATABASE_URL=postgres://… for PostgreSQL)
"""

from __future__ import annotations

import io
import os
import random
import sys
import time

from common import bulk_insert, drop_database, report, setup_django, summary, timeit

CASES = int(os.environ.get("BENCH_CASES", "100000"))
PLACES = ["顺城街", "北关街道", "锦纶小区", "安宁小区", "迎宾路", "中都路", "汇通路", "蕴华街"]
PROBLEMS = [
    "路灯不亮，夜间出行不便",
    "道路破损，雨天积水严重",
    "垃圾清运不及时，气味难闻",
    "夜间施工噪音扰民",
    "公交站台没有遮雨棚",
    "下水道堵塞，污水外溢",
    "小区供暖温度不达标",
    "违章停车堵塞消防通道",
]


def main() -> None:
    label = setup_django("similar")
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from lianxin.accounts.models import User
    from lianxin.api.auth import issue_token
    from lianxin.casework.models import Case
    from lianxin.org.models import Congress

    call_command("load_demo", scale="demo", stdout=io.StringIO())
    yc = Congress.objects.select_related("region").get(region__code="140702")
    rng = random.Random(7)
    bulk_insert(
        Case,
        (
            Case(
                kind="opinion",
                state=("registered", "triaged", "handling")[i % 3],
                content=f"{rng.choice(PLACES)}{rng.choice(PROBLEMS)}，请有关部门尽快处理。第{i}件。",
                channel="scan",
                congress=yc,
                scope_code=yc.region.code,
            )
            for i in range(CASES - Case.objects.count())
        ),
    )
    # The duplicate detector's stored terms, as intake writes them case by case.
    from lianxin.casework import duplicates

    started = time.perf_counter()
    indexed = duplicates.rebuild()
    indexing = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # what autovacuum does after a bulk load
            cursor.execute("VACUUM ANALYZE")
    case = Case.objects.filter(kind="opinion", state="registered", channel="scan", congress=yc)
    case = case.filter(content__contains="第").order_by("-pk").first()
    client = Client()
    headers = {"Authorization": f"Bearer {issue_token(User.objects.get(username='yc_staff'))}"}

    def detail():
        assert client.get(f"/api/v1/cases/{case.pk}", headers=headers).status_code == 200

    def similar():
        r = client.get(f"/api/v1/cases/{case.pk}/similar", headers=headers)
        assert r.status_code == 200

    base = summary(timeit(detail, repeat=30, warmup=3))
    found = summary(timeit(similar, repeat=30, warmup=3))
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        similar()
    n = len(client.get(f"/api/v1/cases/{case.pk}/similar", headers=headers).json())
    report(
        f"possible duplicates ({label}, {Case.objects.count()} cases, all in one county)",
        [
            ("case detail API median / p95", f"{base['median_ms']:.1f} / {base['p95_ms']:.1f} ms"),
            (
                "possible duplicates API median / p95",
                f"{found['median_ms']:.1f} / {found['p95_ms']:.1f} ms ({n} found)",
            ),
            (
                "ratio duplicates / detail (median)",
                f"{found['median_ms'] / base['median_ms']:.1f}×",
            ),
            ("queries", str(len(statements))),
            ("stored terms written", f"{indexed} cases in {indexing:.1f} s"),
        ],
    )
    drop_database()


if __name__ == "__main__":
    sys.exit(main())
