"""`/readyz`: may this instance take traffic and is its background work being done?

Each check returns {"name", "ok", ...details}. core's own: the database, migrations, the
loops' heartbeats (core.loops), the age of the oldest queued task, the free disk of the
database and media directories. Apps add theirs with `register(name, fn)` from ready()
(casework: the intake backlog); core imports none of them."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

_CHECKS: dict[str, Callable[[], dict]] = {}


def register(name: str, check: Callable[[], dict]) -> None:
    """`check()` returns {"ok": bool, ...details}."""
    _CHECKS[name] = check


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def _migrations() -> dict:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return {"ok": not plan, "unapplied": len(plan)}


def _loops() -> dict:
    from .loops import stale_after
    from .models import LoopHeartbeat

    beats = {b.name: b for b in LoopHeartbeat.objects.all()}
    now = timezone.now()
    loops, ok = {}, True
    for name in sorted(set(settings.LIANXIN_READY_LOOPS) | set(beats)):
        beat = beats.get(name)
        if beat is None:
            loops[name] = {"ok": False, "age_seconds": None}
            ok = False
            continue
        age = (now - beat.beat_at).total_seconds()
        fresh = now - beat.beat_at <= stale_after(beat.interval)
        expected = name in settings.LIANXIN_READY_LOOPS
        loops[name] = {"ok": fresh, "age_seconds": round(age, 1), "interval": beat.interval}
        ok = ok and (fresh or not expected)
    return {"ok": ok, "loops": loops}


def _oldest_task() -> dict:
    from .queue import oldest_ready_task_age

    age = oldest_ready_task_age()
    return {
        "ok": age is None or age <= settings.LIANXIN_READY_MAX_TASK_AGE,
        "age_seconds": None if age is None else round(age, 1),
    }


def _disk() -> dict:
    folders = {"media": Path(settings.MEDIA_ROOT)}
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3") and str(db["NAME"]) != ":memory:":
        folders["database"] = Path(db["NAME"]).parent
    out, ok = {}, True
    for name, folder in folders.items():
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        free_mb = shutil.disk_usage(folder).free // (1024 * 1024)
        out[name] = {"free_mb": free_mb, "ok": free_mb >= settings.LIANXIN_READY_MIN_FREE_MB}
        ok = ok and out[name]["ok"]
    return {"ok": ok, "folders": out}


CORE_CHECKS = {
    "database": _database,
    "migrations": _migrations,
    "loops": _loops,
    "oldest_task": _oldest_task,
    "disk": _disk,
}


def run_checks() -> tuple[bool, list[dict]]:
    results = []
    for name, check in {**CORE_CHECKS, **_CHECKS}.items():
        try:
            result = check()
        except Exception as exc:  # noqa: BLE001 - a failing check is a "not ready", not a 500
            result = {"ok": False, "error": f"{exc.__class__.__name__}: {exc}"[:300]}
        results.append({"name": name, **result})
        if name == "database" and not result["ok"]:
            break  # nothing else can be read
    return all(r["ok"] for r in results), results
