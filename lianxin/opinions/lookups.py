"""Public lookups: the deputy or station behind a scan-to-speak code."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lianxin.core.errors import ValidationFailed
from lianxin.liaison.models import Station
from lianxin.org.models import Deputy, SeatStatus


def _deputies():
    return Deputy.objects.select_related(
        "person", "congress__region", "station_membership__station__congress__region"
    )


def _lean_deputies():
    """Enough of a seat to register an opinion: its person and its congress's region. The
    station is read on its own when needed (opinions.actions.owner_of): one query joining all
    eight tables costs several times two small ones on PostgreSQL."""
    return Deputy.objects.select_related("person", "congress__region").order_by()


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
        found = _lean_deputies().filter(pk=value, status=SeatStatus.SERVING).first()
    elif isinstance(value, str):
        code = value.strip().upper()
        if code and len(code) <= 16 and code.isalnum():
            found = _lean_deputies().filter(scan_code=code, status=SeatStatus.SERVING).first()
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
        found = (
            Station.objects.select_related("region", "congress__region")
            .filter(pk=value, is_active=True)
            .first()
        )
    elif isinstance(value, str):
        found = find_station(value)
    if found is None:
        raise ValidationFailed(
            _("联络站编码“%(code)s”不存在。") % {"code": str(value)[:20]},
            field="station",
            code="unknown_station",
        )
    return found
