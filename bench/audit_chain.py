"""The cost of the hash chain (core.chain) on a bulk write of 10,000 trail events.

Bare: the same 10,000 events inserted by core.bulk with their hash columns already filled (what
`trail.record_many` did before the chain, with rows as wide as now). Chained: `trail.record_many`
as every bulk action calls it — the head locked, each row hashed, the insert, the head moved.
Both inside one transaction each, rolled back so every round writes to the same table size.

    PYTHONPATH=. python bench/audit_chain.py          # SQLite
    DATABASE_URL=postgres://… python bench/audit_chain.py
"""

from __future__ import annotations

import sys
import time

from common import drop_database, report, setup_django

N = 10_000
ROUNDS = 5


class _Rollback(Exception):
    pass


def main() -> None:
    label = setup_django("audit_chain")
    from django.db import transaction

    from lianxin.core import bulk, chain, trail
    from lianxin.core.trail import SYSTEM

    def events():
        return [
            trail.event(
                "bench.chain",
                actor=None,
                seat=SYSTEM,
                object_type="bench",
                object_id=i,
                object_label=f"基准对象 {i}",
                change={"state": ["registered", "assigned"], "unit": i % 37},
            )
            for i in range(N)
        ]

    def timed(write) -> float:
        rows = events()
        start = time.perf_counter()
        try:
            with transaction.atomic():
                write(rows)
                elapsed = time.perf_counter() - start
                raise _Rollback
        except _Rollback:
            pass
        return elapsed

    def bare(rows):
        for r in rows:
            r.prev_hash = r.row_hash = "sha256:" + "0" * 64
        bulk.insert(rows)

    def chained(rows):
        trail.record_many(rows)

    def hashing_only(rows):
        prev = ""
        for r in rows:
            prev = chain.digest("trail", prev, chain._values("trail", r), "sha256")

    timed(bare), timed(chained)  # warm up
    results = {"bare": [], "chained": [], "hash": []}
    for _ in range(ROUNDS):
        results["bare"].append(timed(bare))
        results["chained"].append(timed(chained))
        results["hash"].append(timed(hashing_only))
    best = {k: min(v) for k, v in results.items()}
    report(
        f"hash chain on a bulk write of {N} trail events ({label}, best of {ROUNDS})",
        [
            ("bare insert (hashes pre-filled)", f"{best['bare'] * 1000:.1f} ms"),
            ("trail.record_many, chained", f"{best['chained'] * 1000:.1f} ms"),
            ("of which hashing (SHA-256)", f"{best['hash'] * 1000:.1f} ms"),
            ("ratio chained / bare", f"{best['chained'] / best['bare']:.2f}×"),
        ],
    )
    drop_database()


if __name__ == "__main__":
    sys.exit(main())
