"""Counting requests per key in fixed windows, in Django's cache (local memory on one machine,
Redis shared by every app server when REDIS_URL is set). Keys are hashed: no address or phone
number is kept in the cache in clear."""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache


def hit(scope: str, key: str, *, limit: int, seconds: int) -> int | None:
    """Count one request of `scope` for `key`. None while within `limit` per `seconds` (a limit
    of 0 counts nothing); else the seconds until the window ends (for Retry-After)."""
    if limit <= 0 or not key:
        return None
    now = time.time()
    window = int(now // seconds)
    digest = hashlib.sha256(f"{scope}|{key}".encode()).hexdigest()[:32]
    name = f"ratelimit:{scope}:{digest}:{window}"
    cache.add(name, 0, seconds + 5)
    try:
        count = cache.incr(name)
    except ValueError:  # the entry expired between add and incr
        cache.set(name, 1, seconds + 5)
        count = 1
    if count <= limit:
        return None
    return max(1, int((window + 1) * seconds - now))
