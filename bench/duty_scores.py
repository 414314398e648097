"""Recomputing the points of N deputies with many duty entries each, and the scoreboard read
from them, against bare SQL in the same process.

`scoring.recompute(congress, year)` reads the congress's entries of the year in date order,
applies the rules (caps per quarter or year, deductions) in Python and writes the changed
points in batches; its baseline is one UPDATE that sets every entry's points by kind (no caps),
the least a database can do to write them. `scoring.scoreboard` (points, ties, ranks, grades)
is compared with the bare GROUP BY that sums the points.

Run: .venv/bin/python bench/duty_scores.py [--deputies N] [--entries M]
(DATABASE_URL=postgres://… to measure on PostgreSQL). Default N=200, M=100 (20,000 entries).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
import time

from common import drop_database, report, setup_django, summary, timeit


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deputies", type=int, default=200)
    parser.add_argument("--entries", type=int, default=100)
    args = parser.parse_args()
    label = setup_django("duty")
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from lianxin.core.models import TrailEvent
    from lianxin.duty import scoring
    from lianxin.duty.models import DutyEntry, ScoringRule
    from lianxin.org.models import Congress, Deputy, Level, Person

    call_command("load_demo", scale="test", stdout=io.StringIO())
    congress = Congress.objects.get(region__code="140702", level=Level.COUNTY)
    year = timezone.localdate().year
    people = Person.objects.bulk_create(
        [Person(name=f"基准代表{i:04d}") for i in range(args.deputies)], batch_size=2000
    )
    seats = Deputy.objects.bulk_create(
        [Deputy(person=p, congress=congress, term=congress.term) for p in people],
        batch_size=2000,
    )
    kinds = [
        ("activity", "attended"),
        ("activity", "absent"),
        ("training", "attended"),
        ("suggestion", "submitted"),
        ("suggestion", "cosponsored"),
        ("reception", "received"),
        ("opinion", "fed_back"),
        ("post", "approved"),
    ]
    start = dt.date(year, 1, 1)
    total = args.deputies * args.entries
    events = TrailEvent.objects.bulk_create(
        [
            TrailEvent(action="bench.duty", object_type="bench", object_id=str(i))
            for i in range(total)
        ],
        batch_size=2000,
    )
    DutyEntry.objects.bulk_create(
        [
            DutyEntry(
                deputy=seats[i % args.deputies],
                kind=kinds[i % len(kinds)][0],
                outcome=kinds[i % len(kinds)][1],
                date=start + dt.timedelta(days=(i // args.deputies) * 3 % 365),
                title="基准履职",
                source_type="bench",
                source_id=str(i),
                trail=events[i],
            )
            for i in range(total)
        ],
        batch_size=2000,
    )
    post = ScoringRule.objects.get(congress=congress, year=year, kind="post")
    rules = ScoringRule.objects.filter(congress=congress, year=year)
    points = {(r.kind, r.outcome): r.points for r in rules}
    state = {"flip": 0}

    def recompute():
        # Alternate one rule's points so that each run writes the posts' entries again.
        state["flip"] ^= 1
        ScoringRule.objects.filter(pk=post.pk).update(points=2 + state["flip"])
        with transaction.atomic():
            scoring.recompute(congress.pk, year)

    case = " ".join(f"WHEN '{k}' THEN {p}" for (k, _o), p in points.items())

    def bare_update():
        state["flip"] ^= 1
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE duty_dutyentry SET points = CASE kind {case} ELSE %s END "
                "WHERE deputy_id IN (SELECT id FROM org_deputy WHERE congress_id = %s)",
                [state["flip"], congress.pk],
            )

    def board():
        scoring.scoreboard(congress.pk, year)

    def bare_board():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT d.id, SUM(e.points) FROM org_deputy d LEFT JOIN duty_dutyentry e "
                "ON e.deputy_id = d.id WHERE d.congress_id = %s GROUP BY d.id",
                [congress.pk],
            )
            cursor.fetchall()

    started = time.perf_counter()
    recompute()
    first = time.perf_counter() - started
    rec = summary(timeit(recompute, repeat=5, warmup=1))
    bare = summary(timeit(bare_update, repeat=5, warmup=1))
    b = summary(timeit(board, repeat=20, warmup=2))
    bb = summary(timeit(bare_board, repeat=20, warmup=2))
    report(
        f"duty scores ({label}, {args.deputies} + demo deputies, {total} entries)",
        [
            ("first recompute (every entry written)", f"{first * 1000:.0f} ms"),
            ("recompute, median", f"{rec['median_ms']:.0f} ms (p95 {rec['p95_ms']:.0f} ms)"),
            ("bare UPDATE by kind, median", f"{bare['median_ms']:.0f} ms"),
            ("ratio recompute / bare", f"{rec['median_ms'] / bare['median_ms']:.1f}×"),
            ("scoreboard, median", f"{b['median_ms']:.1f} ms"),
            ("bare GROUP BY, median", f"{bb['median_ms']:.1f} ms"),
            ("ratio scoreboard / bare", f"{b['median_ms'] / bb['median_ms']:.1f}×"),
        ],
    )
    drop_database()


if __name__ == "__main__":
    sys.exit(main())
