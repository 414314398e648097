"""Hash chains over the append-only trails: the security trail (`AuditLog`, chain "audit") and the
trail of every action (`TrailEvent`, chain "trail").

Each row stores `prev_hash`, the hash of the row before it in its chain, and `row_hash`, the hash
of its own content and `prev_hash`, written "<algorithm>:<hex>" (`sha256` by default, `sm3`
through the `gmssl` package when `LIANXIN_AUDIT_HASH = "sm3"`; each row names its algorithm, so
changing the setting keeps older rows verifiable). `ChainHead` holds where each chain ends.

Writers go through `sealing(model, rows)`: in one transaction it locks both chain heads (always
both, in one order, so two writers of the two chains never wait for each other in a circle),
seals the rows from the head, lets the caller insert them and moves the head. The lock is held
to the end of the writer's transaction, so each chain stays one line under concurrent writers:
PostgreSQL `SELECT … FOR UPDATE` of the head rows; SQLite transactions begin IMMEDIATE
(settings), which is already the database's one write lock.

What the hash covers: every column but the key, the two hashes and the account key (`user_id`,
`actor_id`, set to NULL when an account is deleted — the one update the database allows; the
account's name, `username` / `actor_label`, is covered). `verify` walks a chain in id order and
names the first broken link. Retention leaves a `ChainAnchor` for each run of consecutive rows
it deletes (the hash before the run and the hash of its last row), over which the walk steps."""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.db import connections, router, transaction

CHAINS = {"audit": "core.AuditLog", "trail": "core.TrailEvent"}
# The columns each chain's hash covers, in this order.
FIELDS = {
    "audit": ("at", "kind", "username", "seat", "ip", "target", "detail"),
    "trail": (
        "at",
        "action",
        "actor_label",
        "seat_type",
        "seat_id",
        "seat_label",
        "body",
        "object_type",
        "object_id",
        "object_label",
        "change",
    ),
}
JSON_FIELDS = {"detail", "change"}
HEAD_TABLE = "core_chainhead"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sm3(data: bytes) -> str:
    from gmssl import func, sm3

    return sm3.sm3_hash(func.bytes_to_list(data))


HASHES: dict[str, Callable[[bytes], str]] = {"sha256": _sha256, "sm3": _sm3}


def algorithm() -> str:
    name = getattr(settings, "LIANXIN_AUDIT_HASH", "sha256")
    if name not in HASHES:
        raise ValueError(f"LIANXIN_AUDIT_HASH must be one of {sorted(HASHES)}, not {name!r}")
    return name


# --- the canonical content of a row -------------------------------------------------------------


def _number(x):
    """Numbers as both databases give them back: PostgreSQL's jsonb writes 1e20 as an integer
    and keeps the digits of a decimal, so every number is compared by its decimal value."""
    if isinstance(x, int) and -(2**53) < x < 2**53:
        return x
    d = Decimal(repr(x)) if isinstance(x, float) else Decimal(x)
    if d.is_finite() and d == d.to_integral_value() and abs(d) < 2**53:
        return int(d)
    # A text no stored value can hold (jsonb refuses NUL), so never confused with a string.
    return {"\u0000n": str(d.normalize())}


def _key(k) -> str:
    if isinstance(k, str):
        return k
    return json.dumps(k)  # what JSON does to a key that is not text: True → "true", 1 → "1"


def _json(v):
    if isinstance(v, str) or v is None or isinstance(v, bool):
        return v
    if isinstance(v, int | float):
        return _number(v)
    if isinstance(v, dict):
        return {_key(k): _json(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_json(x) for x in v]
    return v


def _canonical(name: str, value):
    if value is None:
        return None
    if name == "at":
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat(timespec="microseconds")
    if name == "ip":
        return ipaddress.ip_address(value).compressed
    if name in JSON_FIELDS:
        return _json(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _number(value)
    return value


def content(chain: str, prev_hash: str, values: Sequence) -> bytes:
    """The bytes a row's hash is taken of: the chain, the previous hash and the covered columns
    (`FIELDS[chain]`, in order) written canonically."""
    names = FIELDS[chain]
    body = [chain, prev_hash] + [_canonical(n, v) for n, v in zip(names, values, strict=True)]
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def digest(chain: str, prev_hash: str, values: Sequence, alg: str | None = None) -> str:
    alg = alg or algorithm()
    return f"{alg}:{HASHES[alg](content(chain, prev_hash, values))}"


def _values(chain: str, row) -> tuple:
    return tuple(getattr(row, n) for n in FIELDS[chain])


# --- writing ----------------------------------------------------------------------------------


def _lock_heads(connection) -> dict[str, tuple[int, str]]:
    """Lock both chain heads (creating them on a new database) and return {chain: (id, hash)}."""
    lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
    sql = f"SELECT chain, last_id, last_hash FROM {HEAD_TABLE} ORDER BY chain{lock}"  # nosec B608 - identifiers are the models' own; values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql)
        heads = {c: (i, h) for c, i, h in cursor.fetchall()}
        if len(heads) < len(CHAINS):
            cursor.execute(
                f"INSERT INTO {HEAD_TABLE} (chain, last_id, last_hash) VALUES "  # nosec B608 - identifiers are the models' own; values are parameters
                + ", ".join(["(%s, 0, '')"] * len(CHAINS))
                + " ON CONFLICT (chain) DO NOTHING",
                list(CHAINS),
            )
            cursor.execute(sql)
            heads = {c: (i, h) for c, i, h in cursor.fetchall()}
    return heads


def _move_head(connection, chain: str, last_id: int, last_hash: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {HEAD_TABLE} SET last_id = %s, last_hash = %s WHERE chain = %s",  # nosec B608 - identifiers are the models' own; values are parameters
            [last_id, last_hash, chain],
        )


@contextmanager
def sealing(model, rows: Sequence) -> Iterator[None]:
    """Seal `rows` (unsaved instances of a chained model) onto the end of their chain; the body
    inserts them, in this order. Everything runs in one transaction with the chain's lock."""
    chain = model.hash_chain
    if not rows:
        yield
        return
    db = router.db_for_write(model)
    connection = connections[db]
    alg = algorithm()
    nested = connection.in_atomic_block
    with transaction.atomic(using=db, savepoint=not nested):
        _, prev = _lock_heads(connection)[chain]
        for row in rows:
            row.prev_hash = prev
            row.row_hash = prev = digest(chain, prev, _values(chain, row), alg)
        yield
        last = rows[-1].pk
        if last is None:
            raise RuntimeError("a sealed row was not inserted")
        _move_head(connection, chain, last, prev)


def reseal_all(model, *, using: str = "default", batch: int = 2000) -> int:
    """Seal every row of `model` (a historical model in a migration too) in id order, writing
    the hashes in place and the head; for rows written before the chain existed."""
    chain = model.hash_chain if hasattr(model, "hash_chain") else _chain_of(model)
    names = FIELDS[chain]
    connection = connections[using]
    table = model._meta.db_table
    prev, last, count = "", 0, 0
    alg = algorithm()
    with connection.cursor() as cursor:
        while True:
            rows = list(
                model.objects.using(using)
                .filter(pk__gt=last)
                .order_by("pk")
                .values_list("pk", *names)[:batch]
            )
            if not rows:
                break
            updates = []
            for pk, *values in rows:
                h = digest(chain, prev, values, alg)
                updates.append((prev, h, pk))
                prev, last = h, pk
            # The identifiers are the models' own table and column names; values are parameters.
            sql = f"UPDATE {table} SET prev_hash = %s, row_hash = %s WHERE id = %s"  # nosec B608
            cursor.executemany(sql, updates)
            count += len(rows)
        cursor.execute(f"DELETE FROM {HEAD_TABLE} WHERE chain = %s", [chain])  # nosec B608 - identifiers are the models' own; values are parameters
        cursor.execute(
            f"INSERT INTO {HEAD_TABLE} (chain, last_id, last_hash) VALUES (%s, %s, %s)",  # nosec B608 - identifiers are the models' own; values are parameters
            [chain, last, prev],
        )
    return count


def _chain_of(model) -> str:
    label = f"{model._meta.app_label}.{model._meta.object_name}"
    for chain, name in CHAINS.items():
        if name == label:
            return chain
    raise LookupError(label)


# --- verifying --------------------------------------------------------------------------------


@dataclass
class Break:
    chain: str
    table: str
    row_id: int | None
    problem: str  # "altered", "link" (a row deleted or inserted before it), "tail"
    expected: str
    found: str

    def __str__(self) -> str:
        return (
            f"{self.table} id={self.row_id}: {self.problem}; "
            f"expected {self.expected or '(none)'}, found {self.found or '(none)'}"
        )


@dataclass
class Outcome:
    chain: str
    table: str
    rows: int = 0
    breaks: list[Break] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks


def verify(
    chain: str, *, batch: int = 5000, progress: Callable[[str, int], None] | None = None
) -> Outcome:
    """Walk `chain` in id order, over the anchors retention left, and stop at the first broken
    link."""
    model = apps.get_model(CHAINS[chain])
    anchors = apps.get_model("core.ChainAnchor")
    heads = apps.get_model("core.ChainHead")
    db = router.db_for_write(model)
    table = model._meta.db_table
    outcome = Outcome(chain, table)
    # Each run of rows retention deleted: the hash before it → its anchor.
    bridges = {a.prev_hash: a for a in anchors.objects.using(db).filter(chain=chain).order_by("pk")}

    def across(h: str, target: str) -> bool:
        """Whether anchors lead from hash `h` to `target` (rows deleted by retention)."""
        hops = 0
        while h != target and h in bridges and hops <= len(bridges):
            h = bridges[h].last_hash
            hops += 1
        return h == target

    expected, last = "", 0
    names = FIELDS[chain]
    qs = model.objects.using(db).order_by("pk")
    last_id = None
    while True:
        rows = list(
            qs.filter(pk__gt=last).values_list("pk", "prev_hash", "row_hash", *names)[:batch]
        )
        if not rows:
            break
        for pk, prev, stored, *values in rows:
            if prev != expected and not across(expected, prev):
                outcome.breaks.append(Break(chain, table, pk, "link", expected, prev))
                return outcome
            alg = stored.partition(":")[0]
            if alg not in HASHES:
                outcome.breaks.append(Break(chain, table, pk, "altered", "", stored))
                return outcome
            computed = digest(chain, prev, values, alg)
            if computed != stored:
                outcome.breaks.append(Break(chain, table, pk, "altered", computed, stored))
                return outcome
            expected = stored
            last_id = pk
        outcome.rows += len(rows)
        last = rows[-1][0]
        if progress:
            progress(chain, outcome.rows)
    head = heads.objects.using(db).filter(chain=chain).first()
    head_hash = head.last_hash if head else ""
    if head_hash != expected and not across(expected, head_hash):
        outcome.breaks.append(
            Break(chain, table, head.last_id if head else last_id, "tail", head_hash, expected)
        )
    return outcome
