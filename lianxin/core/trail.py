"""The trail: one event row for every state-changing action of every app.

An action writes its event with `record(...)` inside its own transaction, so the event exists
exactly when the change does. Each event names the acting account **and the seat** it acted in
(`Seat`: which deputy or CPPCC seat, or which role over which body), the object and the change.

Readers of the trail come in two kinds:

* `on_record(fn, prefix=…)`: called inside the action's transaction for each matching event,
  for work that must be queued with the change (notifications queue their task this way);
  `on_record_batch` likewise, once per `record_many` with its matching events;
* `follow(name, fn)`: a reader that handles events in id order after its own cursor
  (`TrailCursor`), batch by batch, in its own transaction — the duty record reads the trail
  this way (`manage.py follow_trail`), without polling every table. (The search index and the
  dashboards' figures, `casework.metrics`, are `on_record` readers: each case action
  re-indexes and recounts its case in its own transaction.)

core knows nothing of roles or seats; the accounts app registers how a user's seat is found
(`set_seat_resolver`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from . import bulk, chain
from .models import TrailCursor, TrailEvent


@dataclass(frozen=True)
class Seat:
    """The capacity someone acted in. `type` is "deputy" (id: the org.Deputy seat), "member"
    (id: the org.Member seat), a role name (id: the body the role is held over), "citizen",
    "system" or "account" (an account acting with no seat that matches the object)."""

    type: str
    id: int | None = None
    label: str = ""
    body: str = ""


SYSTEM = Seat("system", label="系统")
CITIZEN = Seat("citizen", label="群众")

_resolver: Callable[..., Seat] | None = None
_on_record: list[tuple[str, Callable[[TrailEvent], None]]] = []
_on_record_batch: list[tuple[str, Callable[[list[TrailEvent]], None]]] = []
_followers: dict[str, Callable[[list[TrailEvent]], None]] = {}


def set_seat_resolver(fn: Callable[..., Seat]) -> None:
    global _resolver
    _resolver = fn


def seat_of(user, **context: Any) -> Seat:
    """The seat `user` acts in on an object described by `context` (deputy_id, member_id,
    congress_id, cppcc_id, station_id, unit_ids, region_code)."""
    if user is None:
        return SYSTEM
    if _resolver is None:
        return Seat("account")
    return _resolver(user, **context)


def label_of(user) -> str:
    if user is None:
        return str(SYSTEM.label)
    return (getattr(user, "display_name", "") or user.get_username())[:100]


def event(
    action: str,
    *,
    actor,
    obj=None,
    seat: Seat | None = None,
    change: dict | None = None,
    object_type: str = "",
    object_id: Any = None,
    object_label: str = "",
    context: dict | None = None,
    actor_label: str = "",
    at=None,
) -> TrailEvent:
    """An unsaved event: `record` saves one, `record_many` many at once (bulk actions such as
    central assignment)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk if object_id is None else object_id
        object_label = object_label or str(obj)
    if not object_type:
        raise ValueError("a trail event names its object")
    if seat is None:
        seat = seat_of(actor, **(context or {}))
    fields = {"at": at} if at is not None else {}
    return TrailEvent(
        action=action,
        actor=actor,
        actor_label=actor_label or label_of(actor),
        seat_type=seat.type,
        seat_id=seat.id,
        seat_label=str(seat.label)[:200],
        body=seat.body,
        object_type=object_type,
        object_id="" if object_id is None else str(object_id),
        object_label=object_label[:200],
        change=change or {},
        **fields,
    )


def record(action: str, **kwargs) -> TrailEvent:
    """Append the event of one action (the arguments of `event`). Must run inside the action's
    transaction."""
    return record_many([event(action, **kwargs)])[0]


def record_many(events: Iterable[TrailEvent]) -> list[TrailEvent]:
    """Append prepared events. Must run inside the action's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("the trail is written inside the action's transaction")
    rows = list(events)
    if len(rows) == 1:
        rows[0].save()
    else:
        # Sealed onto the hash chain in one step (core.chain), then one INSERT … RETURNING per
        # thousand rows (core.bulk): the ids come back in order.
        with chain.sealing(TrailEvent, rows):
            bulk.insert(rows)
    for row in rows:
        _announce(row)
    for prefix, fn in _on_record_batch:
        matching = [row for row in rows if row.action.startswith(prefix)]
        if matching:
            fn(matching)
    return rows


def _announce(event: TrailEvent) -> None:
    for prefix, fn in _on_record:
        if event.action.startswith(prefix):
            fn(event)


def on_record(fn: Callable[[TrailEvent], None], *, prefix: str = "") -> Callable:
    """Call `fn(event)` inside the transaction of every event whose action starts with
    `prefix`."""
    if (prefix, fn) not in _on_record:
        _on_record.append((prefix, fn))
    return fn


def on_record_batch(fn: Callable[[list[TrailEvent]], None], *, prefix: str = "") -> Callable:
    """Like `on_record`, but `fn(events)` is called once per `record`/`record_many` with the
    matching events of that call (a bulk action's thousand events in one call)."""
    if (prefix, fn) not in _on_record_batch:
        _on_record_batch.append((prefix, fn))
    return fn


def off_record(fn: Callable) -> None:
    _on_record[:] = [(p, f) for p, f in _on_record if f is not fn]
    _on_record_batch[:] = [(p, f) for p, f in _on_record_batch if f is not fn]


def follow(name: str, fn: Callable[[list[TrailEvent]], None]) -> Callable:
    """Register a reader that handles events in id order after its cursor `name`."""
    _followers[name] = fn
    return fn


def unfollow(name: str) -> None:
    _followers.pop(name, None)


def followers() -> list[str]:
    return sorted(_followers)


def deliver(name: str, *, batch: int = 500) -> int:
    """Hand reader `name` the next batch of events after its cursor; the reader's writes and the
    cursor's move commit together, so each event is handled once. Returns how many."""
    fn = _followers[name]
    with transaction.atomic():
        cursor, _ = TrailCursor.objects.get_or_create(name=name)
        cursor = TrailCursor.objects.select_for_update().get(pk=cursor.pk)
        events = list(TrailEvent.objects.filter(id__gt=cursor.last_id).order_by("id")[:batch])
        if not events:
            return 0
        fn(events)
        cursor.last_id = events[-1].id
        cursor.save(update_fields=["last_id", "updated_at"])
    return len(events)


def deliver_all(*, batch: int = 500) -> int:
    """Bring every registered reader up to date."""
    total = 0
    for name in followers():
        while n := deliver(name, batch=batch):
            total += n
    return total


def jsonable(value):
    """`value` with dates, decimals and model objects written as text, for `change`."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "_meta") and hasattr(value, "pk"):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
