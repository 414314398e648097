"""Counting requests per key in fixed windows, in Django's cache (local memory on one machine,
Redis shared by every app server when REDIS_URL is set). Keys are hashed: no address or phone
number is kept in the cache in clear."""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache


def _name(scope: str, key: str, seconds: int, now: float) -> str:
    digest = hashlib.sha256(f"{scope}|{key}".encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}:{int(now // seconds)}"


def count(scope: str, key: str, *, seconds: int) -> int:
    """How many requests of `scope` were counted for `key` in the current window (none added)."""
    if not key:
        return 0
    return int(cache.get(_name(scope, key, seconds, time.time())) or 0)


def hit(scope: str, key: str, *, limit: int, seconds: int) -> int | None:
    """Count one request of `scope` for `key`. None while within `limit` per `seconds` (a limit
    of 0 counts nothing); else the seconds until the window ends (for Retry-After)."""
    if limit <= 0 or not key:
        return None
    now = time.time()
    window = int(now // seconds)
    name = _name(scope, key, seconds, now)
    cache.add(name, 0, seconds + 5)
    try:
        count = cache.incr(name)
    except ValueError:  # the entry expired between add and incr
        cache.set(name, 1, seconds + 5)
        count = 1
    if count <= limit:
        return None
    return max(1, int((window + 1) * seconds - now))
