"""The dashboard read from the metrics layer (casework.metrics: cells kept by the trail)
against a bare GROUP BY over the cases themselves, in the same process; the rebuild's rate; and
the cost of recounting one case when an action commits.

N opinions are inserted in bulk over the townships of 晋中市 and 24 months (states, replies,
ratings and overdue flags spread evenly), then counted once by `rebuild_metrics`.
`dashboard.build` (晋中市's counties, the map's cities, the county tiles, the units' league:
every query of the page's figures) is compared with one bare GROUP BY over casework_case joined
to its region that counts collected, fed back, rated and satisfied per county — the full scan
the cells replace, and less than the dashboard shows. `metrics.refresh` of one case (what the
trail reader does inside an action's transaction) after its rating is written is compared with
the bare UPDATE of that rating alone.

Run: .venv/bin/python bench/dashboard.py [--cases N] (DATABASE_URL=postgres://… for
PostgreSQL). Default N=20,000.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sys
import time

from common import bulk_insert, drop_database, report, setup_django, summary, timeit


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=20_000)
    args = parser.parse_args()
    os.environ.setdefault("LIANXIN_DEMO", "1")  # the demo's regions, units and accounts
    label = setup_django("dashboard")
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from lianxin.accounts.access import grants
    from lianxin.accounts.models import User
    from lianxin.casework import dashboard, metrics
    from lianxin.casework.models import Case, MetricCell
    from lianxin.org.models import Congress, Region

    call_command("load_demo", scale="test", stdout=io.StringIO())
    congress = Congress.objects.get(region__code="1407")
    towns = list(Region.objects.filter(code__startswith="1407", kind="township"))
    states = ["registered", "triaged", "handling", "replied", "fed_back", "evaluated"]
    ratings = ["", "satisfied", "basically_satisfied", "dissatisfied"]
    now = timezone.now()

    def cases():
        for i in range(args.cases):
            state = states[i % len(states)]
            created = now - dt.timedelta(days=(i * 7) % 720)
            done = states.index(state) >= 3
            yield Case(
                kind="opinion",
                state=state,
                content=f"基准意见{i}",
                channel="scan",
                congress=congress,
                region=towns[i % len(towns)],
                scope_code="1407",
                created_at=created,
                updated_at=created,
                replied_at=created + dt.timedelta(days=9) if done else None,
                fed_back_at=created + dt.timedelta(days=10) if state in states[4:] else None,
                rating=ratings[i % 4] if state == "evaluated" else "",
                is_overdue=i % 11 == 0,
                tracking_code=f"B{i:09d}",
            )

    bulk_insert(Case, cases())
    started = time.perf_counter()
    call_command("rebuild_metrics", stdout=io.StringIO())
    rebuild_s = time.perf_counter() - started
    n_cases = Case.objects.count()
    n_cells = MetricCell.objects.count()

    g = grants(User.objects.get(username="leader_demo"))
    jinzhong = Region.objects.get(code="1407")

    def board():
        dashboard.build(g, kind="opinion", region=jinzhong, by="region")

    def bare_scan():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT substr(r.code, 1, 6), COUNT(*), COUNT(c.fed_back_at), "
                "SUM(CASE WHEN c.rating <> '' THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN c.rating IN ('satisfied', 'basically_satisfied') "
                "THEN 1 ELSE 0 END) "
                "FROM casework_case c JOIN org_region r ON r.id = c.region_id "
                "WHERE c.kind = 'opinion' AND r.code LIKE '1407%%' GROUP BY 1",
            )
            cursor.fetchall()

    one = Case.objects.filter(state="evaluated").order_by("pk").first()
    flip = {"n": 0}

    def rate():
        # The write of an evaluation: the rating flips, so the case moves between counts.
        flip["n"] ^= 1
        Case.objects.filter(pk=one.pk).update(rating="satisfied" if flip["n"] else "dissatisfied")

    def refresh():
        with transaction.atomic():
            rate()
            metrics.refresh([one.pk])

    def bare_update():
        with transaction.atomic():
            rate()

    b = summary(timeit(board, repeat=30, warmup=3))
    s = summary(timeit(bare_scan, repeat=30, warmup=3))
    r = summary(timeit(refresh, repeat=100, warmup=5))
    u = summary(timeit(bare_update, repeat=100, warmup=5))
    report(
        f"dashboard ({label}, {n_cases} cases, {n_cells} cells)",
        [
            ("rebuild_metrics", f"{rebuild_s:.1f} s ({n_cases / rebuild_s:,.0f} cases/s)"),
            ("dashboard.build, median", f"{b['median_ms']:.1f} ms (p95 {b['p95_ms']:.1f} ms)"),
            ("bare GROUP BY over the cases, median", f"{s['median_ms']:.1f} ms"),
            ("ratio dashboard / bare scan", f"{b['median_ms'] / s['median_ms']:.2f}×"),
            ("a rating written and recounted, median", f"{r['median_ms']:.2f} ms"),
            ("the rating written alone (bare UPDATE), median", f"{u['median_ms']:.2f} ms"),
            ("ratio with recount / bare update", f"{r['median_ms'] / u['median_ms']:.1f}×"),
        ],
    )
    drop_database()


if __name__ == "__main__":
    sys.exit(main())
