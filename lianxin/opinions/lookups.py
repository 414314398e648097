"""Public lookups: the deputy or station behind a scan-to-speak code.

The public submission endpoint resolves a code on every request; what it finds (the seat with
its person, congress and station, or the station with its congress) is kept for a minute in
Django's cache, and forgotten at once when a seat, person, station, station membership or
congress is saved or deleted (see OpinionsConfig.ready): the keys carry a generation, and
forgetting takes a new one. With Redis (`REDIS_URL`) every server forgets at once; with the
local-memory cache another process may route a submission by the old data for up to that
minute.
"""

from __future__ import annotations

import secrets

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from lianxin.core.errors import ValidationFailed
from lianxin.liaison.models import Station
from lianxin.org.models import Deputy, SeatStatus


def _deputies():
    return Deputy.objects.select_related(
        "person", "congress__region", "station_membership__station__congress__region"
    )


CACHE_SECONDS = 60
GENERATION_KEY = "lianxin:lookups:generation:v1"


def _generation() -> str:
    return cache.get_or_set(GENERATION_KEY, lambda: secrets.token_hex(8), None)


def _cached(key: tuple, load):
    """What `load()` found for `key` (a seat or station; None is not kept)."""
    name = f"lianxin:lookups:v1:{_generation()}:" + ":".join(map(str, key))
    found = cache.get(name)
    if found is None:
        found = load()
        if found is not None:
            cache.set(name, found, CACHE_SECONDS)
    return found


def clear_cache(**kwargs) -> None:
    """Forget every routing (a row it was read from changed). Takes a signal's keyword
    arguments, so it is connected to `post_save` / `post_delete` directly. Again after the
    commit: what was read inside the transaction must not outlive it."""
    cache.set(GENERATION_KEY, secrets.token_hex(8), None)
    transaction.on_commit(lambda: cache.set(GENERATION_KEY, secrets.token_hex(8), None))


def _serving(**lookup) -> Deputy | None:
    return _deputies().filter(status=SeatStatus.SERVING, **lookup).first()


def find_deputy(code: str) -> Deputy | None:
    code = (code or "").strip().upper()
    if not code or len(code) > 16 or not code.isalnum():
        return None
    return _deputies().filter(scan_code=code, status=SeatStatus.SERVING).first()


def find_station(code: str) -> Station | None:
    code = (code or "").strip().upper()
    if not code or len(code) > 32 or not code.replace("-", "").isalnum():
        return None
    qs = Station.objects.select_related("region", "congress__region").filter(is_active=True)
    return qs.filter(scan_code=code).first() or qs.filter(code=code).first()


def deputy_by_code(value) -> Deputy:
    """A deputy by scan code (a string) or seat id (an integer); unknown → 422."""
    found = None
    if isinstance(value, int) and not isinstance(value, bool):
        found = _cached(("deputy", value), lambda: _serving(pk=value))
    elif isinstance(value, str):
        code = value.strip().upper()
        if code and len(code) <= 16 and code.isalnum():
            found = _cached(("deputy", code), lambda: _serving(scan_code=code))
    if found is None:
        raise ValidationFailed(
            _("代表编码“%(code)s”不存在或该代表已不在任。") % {"code": str(value)[:20]},
            field="deputy",
            code="unknown_deputy",
        )
    return found


def station_by_code(value) -> Station:
    found = None
    if isinstance(value, int) and not isinstance(value, bool):
        found = _cached(
            ("station", value),
            lambda: (
                Station.objects.select_related("region", "congress__region")
                .filter(pk=value, is_active=True)
                .first()
            ),
        )
    elif isinstance(value, str):
        found = _cached(("station", value.strip().upper()), lambda: find_station(value))
    if found is None:
        raise ValidationFailed(
            _("联络站编码“%(code)s”不存在。") % {"code": str(value)[:20]},
            field="station",
            code="unknown_station",
        )
    return found
