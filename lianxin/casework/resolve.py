"""Turning what a caller typed (an id, a code, a name) into objects the caller may use; anything
unknown is a 422 naming the field. Used by the API and by the pages' forms."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lianxin.accounts.access import visible_to
from lianxin.core.errors import ValidationFailed

from .models import Case, Category


def _text(value, n: int) -> str:
    """What the caller typed, without NUL characters (PostgreSQL refuses them in a query)."""
    return str(value).replace("\x00", "").strip()[:n]


def category(value, field: str = "category") -> Category | None:
    if value in (None, ""):
        return None
    text = _text(value, 32)
    found = Category.objects.filter(is_active=True, code=text).first()
    found = found or Category.objects.filter(is_active=True, name=text).first()
    if found is None:
        raise ValidationFailed(_("类别“%(value)s”不存在。") % {"value": text}, field=field)
    return found


def required_category(value, field: str = "category") -> Category:
    found = category(value, field)
    if found is None:
        raise ValidationFailed(_("请选择类别。"), field=field)
    return found


def region(value, field: str = "region"):
    from lianxin.org.queries import region_or_422

    return region_or_422(value, field=field) if value not in (None, "") else None


def unit(user, value, field: str = "lead_unit"):
    from lianxin.org.models import HandlingUnit

    if value in (None, ""):
        return None
    qs = visible_to(user, HandlingUnit).filter(is_active=True)
    text = _text(value, 40)
    found = qs.filter(pk=int(text)).first() if text.isdigit() else None
    found = found or qs.filter(code=text[:32].upper()).first()
    if found is None:
        raise ValidationFailed(_("承办单位“%(value)s”不存在。") % {"value": text[:32]}, field=field)
    return found


def units(user, values, field: str = "co_units") -> list:
    if values in (None, ""):
        return []
    if isinstance(values, str | int):
        values = [v for v in str(values).split(",") if v.strip()]
    if len(values) > 20:
        raise ValidationFailed(_("协办单位不能超过 20 个。"), field=field)
    return [unit(user, v, field) for v in values]


def station(user, value, field: str = "station"):
    from lianxin.liaison.models import Station

    if value in (None, ""):
        return None
    text = _text(value, 40)
    qs = visible_to(user, Station)
    found = qs.filter(pk=int(text)).first() if text.isdigit() else None
    found = found or qs.filter(code=text[:32].upper()).first()
    if found is None:
        raise ValidationFailed(_("联络站“%(value)s”不存在。") % {"value": text[:32]}, field=field)
    return found


def deputy(user, value, field: str = "deputy"):
    from lianxin.org.models import Deputy

    if value in (None, ""):
        return None
    text = _text(value, 40)
    qs = visible_to(user, Deputy).select_related("person")
    found = qs.filter(pk=int(text)).first() if text.isdigit() else None
    if found is None:
        raise ValidationFailed(_("代表“%(value)s”不存在。") % {"value": text[:32]}, field=field)
    return found


def case(user, value, field: str = "merge_into") -> Case:
    if value in (None, ""):
        raise ValidationFailed(_("请指定要并入的案件。"), field=field)
    text = _text(value, 40)
    qs = visible_to(user, Case)
    found = qs.filter(pk=int(text)).first() if text.isdigit() else None
    found = found or qs.filter(tracking_code=text[:16].upper()).first()
    if found is None:
        raise ValidationFailed(_("案件“%(value)s”不存在。") % {"value": text[:16]}, field=field)
    return found
