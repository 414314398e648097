"""Shared set-up for benchmarks: a throwaway database, Django configured, timing helpers.

Benchmarks print figures; they never pass or fail. Each figure is compared with a bare
baseline measured in the same process, as a ratio, so a slow or noisy machine still gives a
meaningful number.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(name: str) -> str:
    """Point Django at a fresh database of its own (SQLite file, or a new PostgreSQL database
    when DATABASE_URL is set), migrate it, and return a label for the report."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianxin.settings")
    workdir = Path(tempfile.mkdtemp(prefix=f"lianxin-bench-{name}-"))
    os.environ["LIANXIN_VAR_DIR"] = str(workdir)
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        base, _, _db = url.rpartition("/")
        db = f"lianxin_bench_{name}_{uuid.uuid4().hex[:6]}"
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{db}"')
        os.environ["DATABASE_URL"] = f"{base}/{db}"
        label = "PostgreSQL"
    else:
        os.environ["LIANXIN_SQLITE_PATH"] = str(workdir / "bench.sqlite3")
        label = "SQLite"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return label


def drop_database() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres") and "/lianxin_bench_" in url:
        import psycopg
        from django.db import connections

        connections.close_all()
        base, _, db = url.rpartition("/")
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def timeit(fn, *, repeat: int = 200, warmup: int = 10) -> list[float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[int(len(ordered) * 0.95) - 1] * 1000,
    }


def report(title: str, rows: list[tuple[str, str]]) -> None:
    print(f"\n## {title}")
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"  {key.ljust(width)}  {value}")


def bulk_insert(model, objects, size: int = 5000) -> None:
    """Insert `objects` (any iterable, built lazily) in batches of `size` rows, so that a
    100,000-row load never holds more than one batch in memory."""
    from itertools import islice

    objects = iter(objects)
    while batch := list(islice(objects, size)):
        model.objects.bulk_create(batch)
