"""The duplicate detector on a real message board: the 2,986 messages of the TipDM 2020 C
development part (read from the shared data folder, never copied into the repository) as open
opinions of one county, each message of a same-issue cluster asked for its duplicates. Prints
the first-offer accuracy, the precision of what is offered and the lookup's median and p95
(`lianxin.testing.same_issue`; `casework/tests/test_duplicates.py` asserts the same figures).
Run: .venv/bin/python bench/casework_same_issue.py  (DATABASE_URL=postgres://… for PostgreSQL)
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import time

from common import drop_database, report, setup_django


def main() -> int:
    label = setup_django("same_issue")
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from lianxin.accounts.models import User
    from lianxin.casework.models import Case
    from lianxin.casework.similar import possible_duplicates
    from lianxin.org.models import Congress
    from lianxin.testing import same_issue

    if not same_issue.available():
        print(f"skipped: the TipDM same-issue data is not at {same_issue.TIPDM}")
        return 0
    call_command("load_demo", scale="demo", stdout=io.StringIO())
    # The demo's own opinions are left out of the 180-day window.
    Case.objects.update(created_at=timezone.now() - dt.timedelta(days=400))
    yc = Congress.objects.select_related("region").get(region__code="140702")
    board = same_issue.read()
    started = time.perf_counter()
    ids = same_issue.load(board, congress=yc)
    loaded = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # what autovacuum does after a bulk load
            cursor.execute("VACUUM ANALYZE")
    figures = same_issue.measure(
        board, ids, User.objects.get(username="yc_staff"), possible_duplicates
    )
    report(
        f"same issue on a real board ({label}, {len(ids)} open cases in one county, "
        f"{figures.queries} queries)",
        [
            *figures.lines(),
            ("bulk load with stored terms", f"{loaded:.1f} s ({len(ids) / loaded:,.0f} cases/s)"),
        ],
    )
    for message, other in figures.unjudged_firsts:
        print(
            f"  unjudged first offer: {board.messages[message][0][:40]} → "
            f"{board.messages.get(other, ('(not of the board)',))[0][:40]}"
        )
    drop_database()
    return 0


if __name__ == "__main__":
    sys.exit(main())
