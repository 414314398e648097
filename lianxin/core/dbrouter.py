"""Reads where they belong (docs/deploy.md, "Reads on a replica").

With a replica configured (`DATABASE_REPLICA_URL`: settings add the `replica` alias and this
router) the reads of the pages that only look — the public site, the dashboard, search, the
reports and the exports — go to the replica; everything else reads and writes the primary.
Three things keep a submitter reading their own write:
- a request that is not GET or HEAD, and everything it does, uses the primary;
- after such a request the answer sets a short-lived cookie (`lianxin_primary`, for
  `LIANXIN_READ_PIN_SECONDS`, 10): the same browser's next requests read the primary too,
  long enough for the replica to catch up (synchronous streaming keeps it within a moment);
- a read inside a transaction (`atomic`) goes to the primary, where the transaction is.
Without a replica nothing changes: every query uses `default`."""

from __future__ import annotations

import re
import threading

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PIN_COOKIE = "lianxin_primary"
# The paths whose GET requests may read the replica.
REPLICA_PATHS = re.compile(r"^/(?:$|public/|search/|suggestions/report/|.*export(?:\.xlsx|/)?)")

_request = threading.local()


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def reads_replica(method: str, path: str, cookies) -> bool:
    """Whether a request's reads may go to the replica."""
    return (
        replica_configured()
        and method in ("GET", "HEAD")
        and PIN_COOKIE not in cookies
        and bool(REPLICA_PATHS.match(path))
    )


class ReplicaRouter:
    """Reads to the replica while the current request allows it (`ReadRoutingMiddleware`)
    and no transaction is open on the primary; writes and migrations to `default`."""

    def db_for_read(self, model, **hints):
        if not getattr(_request, "replica", False):
            return "default"
        if connections["default"].in_atomic_block:
            return "default"
        return REPLICA

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class use_replica:  # noqa: N801 - used like a function: `with use_replica(True):`
    """Let (or stop) this thread's reads go to the replica for the block."""

    def __init__(self, allowed: bool):
        self.allowed = allowed

    def __enter__(self):
        self.before = getattr(_request, "replica", False)
        _request.replica = self.allowed and replica_configured()
        return self

    def __exit__(self, *exc):
        _request.replica = self.before


class ReadRoutingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with use_replica(reads_replica(request.method, request.path_info, request.COOKIES)):
            response = self.get_response(request)
        if replica_configured() and request.method not in ("GET", "HEAD", "OPTIONS"):
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.LIANXIN_READ_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
