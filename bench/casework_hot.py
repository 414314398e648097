"""Hot issues (casework/hot.py): clustering N open cases, as ratios to a bare baseline.

The 2,986 real messages of the TipDM 2020 C development part (read from the shared data folder,
never copied into the repository) as open opinions of one county, copied to further counties
until there are N cases (the stored terms are copied too: segmenting is the intake's cost, not
the clustering's). Timed, in the same process:
- baseline: reading the candidates with their stored terms (`hot.candidates`, one query), the
  least any clustering over stored terms must do;
- clustering: `hot.cluster` over those rows (inverted index per county, the detector's pair
  test, union-find);
- compute: `hot.compute(push_issues=False)`, reading, clustering and storing the issues with
  stable ids (first run, and a second run over the same cases).
Run: .venv/bin/python bench/casework_hot.py [N] [WORKERS]   (DATABASE_URL=postgres://… for PostgreSQL)
"""

from __future__ import annotations

import sys
import time

from common import drop_database, report, setup_django


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 30_000
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    label = setup_django("hot")
    from django.utils import timezone

    from lianxin.casework import duplicates, hot
    from lianxin.casework.models import Case, CaseTerm, CaseTerms, HotIssue
    from lianxin.core import bulk
    from lianxin.org.models import Region
    from lianxin.testing import same_issue

    if not same_issue.available():
        print(f"skipped: the TipDM same-issue data is not at {same_issue.TIPDM}")
        return 0
    board = same_issue.read()
    messages = list(board.messages.values())
    counties = list(Region.objects.filter(code__regex=r"^14\d{4}$").exclude(code__endswith="00"))
    copies = -(-n // len(messages))
    if copies > len(counties):
        print(f"at most {len(counties) * len(messages)} cases ({len(counties)} counties)")
        copies = len(counties)
    started = time.perf_counter()
    first = None
    inserted = 0
    for county in counties[:copies]:
        part = messages[: n - inserted]
        inserted += len(part)
        rows = bulk.insert(
            [
                Case(
                    kind="opinion",
                    state="registered",
                    title=title,
                    content=text,
                    channel="scan",
                    region=county,
                    scope_code=county.code,
                    contact_phone=f"139{i:08d}",
                )
                for i, (title, text) in enumerate(part)
            ]
        )
        if first is None:
            message_of = dict(zip((c.pk for c in rows), board.messages, strict=False))
            duplicates.index_cases([c.pk for c in rows])
            first = list(CaseTerms.objects.order_by("case_id"))
            continue
        bulk.insert(
            [
                CaseTerms(case_id=c.pk, words=t.words, places=t.places, districts=t.districts)
                for c, t in zip(rows, first, strict=False)
            ]
        )
        bulk.insert(
            [
                CaseTerm(case_id=c.pk, term=w)
                for c, t in zip(rows, first, strict=False)
                for w in t.words
            ]
        )
    loaded = time.perf_counter() - started
    total = Case.objects.count()
    now = timezone.now()

    t0 = time.perf_counter()
    items = hot.candidates(now)
    base = time.perf_counter() - t0
    t0 = time.perf_counter()
    groups = hot.cluster(items, now=now, repeats={}, workers=workers)
    clustering = time.perf_counter() - t0
    t0 = time.perf_counter()
    first_run = hot.compute(push_issues=False, workers=workers)
    compute = time.perf_counter() - t0
    t0 = time.perf_counter()
    second = hot.compute(push_issues=False, workers=workers)
    again = time.perf_counter() - t0
    # Against the labelled same-issue clusters (first county only): how much of each labelled
    # cluster of 3+ messages its best issue holds, and issues mixing two labelled clusters.
    from collections import Counter

    sizes = Counter(board.cluster.values())
    best: dict[str, int] = {}
    mixed = 0
    for group in groups:
        labels = Counter(
            board.cluster[message_of[i.pk]]
            for i in group.items
            if i.pk in message_of and message_of[i.pk] in board.cluster
        )
        mixed += len(labels) > 1
        for cluster_id, k in labels.items():
            best[cluster_id] = max(best.get(cluster_id, 0), k)
    recall = [f"{best.get(c, 0)}/{size}" for c, size in sizes.most_common() if size >= 3]
    report(
        f"hot issues ({label}, {total:,} open cases in {copies} counties, {workers} worker(s))",
        [
            ("load (with stored terms)", f"{loaded:.1f} s"),
            ("baseline: read candidates", f"{base:.2f} s ({total / base:,.0f} cases/s)"),
            (
                "clustering",
                f"{clustering:.2f} s ({total / clustering:,.0f} cases/s) = "
                f"{clustering / base:.1f}× baseline",
            ),
            (
                "compute (read + cluster + store)",
                f"{compute:.2f} s = {compute / base:.1f}× baseline; "
                f"{first_run.issues} issues, {len(groups)} groups",
            ),
            (
                "compute again (stable ids)",
                f"{again:.2f} s = {again / base:.1f}× baseline; {second.created} new, "
                f"{HotIssue.objects.count()} stored",
            ),
            ("labelled clusters (3+) held by their best issue", ", ".join(recall)),
            ("issues mixing two labelled clusters", str(mixed)),
            (
                "extrapolated to 1,000,000 cases",
                f"{(compute / total) * 1_000_000 / 60:.1f} min (linear in counties)",
            ),
        ],
    )
    drop_database()
    return 0


if __name__ == "__main__":
    sys.exit(main())
