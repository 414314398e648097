"""Work that several machines run at once, done once (docs/deploy.md, "The loops on several
machines").

Two ways, by the shape of the work:
- rows claimed one by one: `select_for_update(skip_locked=True)` in the claiming transaction
  (the task worker's `get_locked`, `casework.actions.complete_intake`), so a second loop takes
  the next row instead of waiting for, or repeating, the first;
- a whole pass that must run alone (the deadline scan): `single_pass(name)`, a PostgreSQL
  session advisory lock (`pg_try_advisory_lock`) held for the pass. A second machine's loop
  finds it taken and skips this round. The lock goes with the connection, so a loop that dies
  or loses its database mid-pass frees it.
On SQLite (one machine) the database's own write lock orders the writers and `single_pass`
always lets the pass run."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connections


def lock_key(name: str) -> int:
    """The advisory lock's number for `name`: 63 bits of its hash, the same on every machine."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big") >> 1


@contextmanager
def single_pass(name: str, *, using: str = "default") -> Iterator[bool]:
    """`with single_pass("scan_deadlines") as mine:` — `mine` is True when this process holds
    the pass (and until the block ends), False when another process does."""
    conn = connections[using]
    if conn.vendor != "postgresql":
        yield True
        return
    key = lock_key(name)
    with conn.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        mine = bool(cursor.fetchone()[0])
    try:
        yield mine
    finally:
        if mine:
            try:
                with conn.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
            except DatabaseError:
                conn.close()  # the connection is gone, and the lock with it
