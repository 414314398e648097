"""Our categories as Open311 services, the one attribute they share (the county), and the
jurisdiction this endpoint serves (settings `LIANXIN_OPEN311_JURISDICTION`,
`LIANXIN_OPEN311_REGION`)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from lianxin.casework.models import Category
from lianxin.core.errors import NotFound, ValidationFailed


def check_jurisdiction(value: str | None) -> None:
    """An empty or absent jurisdiction_id is ours (one jurisdiction per endpoint); another
    value is unknown (404, as the spec says)."""
    value = (value or "").strip()
    if value and value != settings.LIANXIN_OPEN311_JURISDICTION:
        raise NotFound(
            _("未知的 jurisdiction_id“%(value)s”；本接口服务于“%(ours)s”。")
            % {"value": value[:100], "ours": settings.LIANXIN_OPEN311_JURISDICTION},
            code="unknown_jurisdiction",
        )


def home_region():
    """The region the jurisdiction covers: requests without a county go to its congress."""
    from lianxin.org.models import Region

    region = Region.objects.filter(code=settings.LIANXIN_OPEN311_REGION).first()
    if region is None:
        raise ValidationFailed(
            _("Open311 接口的受理区划（LIANXIN_OPEN311_REGION）未配置或不存在。"),
            code="not_configured",
        )
    return region


def counties(region) -> list:
    from lianxin.org.models import Region

    return list(Region.objects.filter(parent=region).order_by("code"))


def attribute_region(code: str | None):
    """attribute[region]: a county of the jurisdiction, or the jurisdiction itself when absent."""
    home = home_region()
    code = (code or "").strip()
    if not code:
        return home
    for county in counties(home):
        if county.code == code:
            return county
    raise ValidationFailed(
        _("attribute[region] 的值“%(code)s”不是本辖区的县（市、区）代码。") % {"code": code[:20]},
        field="attribute[region]",
    )


def service_category(code: str) -> Category | None:
    return Category.objects.filter(code=code, is_active=True).first()


def services() -> list[dict]:
    group = _("群众意见")
    has_attributes = bool(definition_attributes())
    return [
        {
            "service_code": c.code,
            "service_name": c.name,
            "description": _("向人大代表和人大常委会反映%(name)s方面的问题。") % {"name": c.name},
            "metadata": has_attributes,
            "type": "realtime",
            "keywords": c.name,
            "group": group,
        }
        for c in Category.objects.filter(is_active=True)
    ]


def definition_attributes() -> list[dict]:
    from lianxin.org.models import Region

    home = Region.objects.filter(code=settings.LIANXIN_OPEN311_REGION).first()
    values = [{"key": r.code, "name": r.name} for r in counties(home)] if home else []
    if not values:
        return []
    return [
        {
            "variable": True,
            "code": "region",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": _("县（市、区）的区划代码"),
            "order": 1,
            "description": _("问题发生在哪个县（市、区）？不选则由%(name)s人大常委会受理。")
            % {"name": home.name},
            "values": values,
        }
    ]


def definition(code: str) -> dict:
    category = service_category(code)
    if category is None:
        raise NotFound(
            _("没有编码为“%(code)s”的服务。") % {"code": code[:32]}, code="unknown_service"
        )
    return {"service_code": category.code, "attributes": definition_attributes()}
