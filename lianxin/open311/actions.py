"""The writers of the Open311 app: issuing and revoking client keys, and filing a request
through the scan-to-speak intake (`opinions.actions.do_register_opinion`, the function the
public form and `POST /api/v1/opinions` use)."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.casework.models import Category, Channel
from lianxin.core import audit, trail
from lianxin.core.errors import Forbidden, NotFound, ValidationFailed
from lianxin.core.models import AuditLog
from lianxin.opinions.actions import do_register_opinion

from .models import Open311Client, Open311Request
from .services import attribute_region, service_category

KEY_PREFIX = "o311_"
CLIENT_KEY = re.compile(r"^[A-Za-z0-9_\-:.]{8,80}$")
MAX_DESCRIPTION = 4000
# China's territory lies within this box (WGS84): 73.4–135.1° E, 3.8–53.6° N. A point outside
# it is certainly abroad (or lat and long were swapped); the box also holds some neighbours.
CHINA_LAT = (3.8, 53.6)
CHINA_LONG = (73.4, 135.1)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_key(
    *, name: str, contact: str = "", acting_user, request=None
) -> tuple[Open311Client, str]:
    """A new client and its key, returned in clear this once (only its hash is kept)."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("请填写客户端名称。"), field="name")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        client = Open311Client.objects.create(
            name=name[:100],
            contact=(contact or "").strip()[:200],
            key_prefix=key[:12],
            key_hash=hash_key(key),
            created_by=acting_user,
        )
        trail.record("open311.key_issued", actor=acting_user, obj=client)
        audit.record(
            AuditLog.Kind.TOKEN_ISSUED,
            request=request,
            user=acting_user,
            target=f"open311:{client.pk}",
            client=client.name,
        )
    return client, key


def revoke_key(client: Open311Client, *, acting_user, request=None) -> Open311Client:
    """The key stops working at once; the requests it filed stay, naming the client."""
    with transaction.atomic():
        locked = Open311Client.objects.select_for_update().get(pk=client.pk)
        if locked.revoked_at is not None:
            return locked
        locked.revoked_at = timezone.now()
        locked.revoked_by = acting_user
        locked.save(update_fields=["revoked_at", "revoked_by"])
        trail.record("open311.key_revoked", actor=acting_user, obj=locked)
        audit.record(
            AuditLog.Kind.TOKEN_REVOKED,
            request=request,
            user=acting_user,
            target=f"open311:{locked.pk}",
            client=locked.name,
        )
    return locked


def client_for_key(key: str | None) -> Open311Client:
    """The active client holding `key`; Forbidden (403) otherwise."""
    key = (key or "").strip()
    client = (
        Open311Client.objects.filter(key_hash=hash_key(key), revoked_at__isnull=True).first()
        if key.startswith(KEY_PREFIX)
        else None
    )
    if client is None:
        raise Forbidden(_("api_key 缺失、无效或已被撤销。"), code="invalid_api_key")
    with transaction.atomic():
        Open311Client.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
    return client


def _coordinate(value: str | None, field: str, label: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        raise ValidationFailed(
            _("%(label)s应为数字（WGS84 十进制度）。") % {"label": label}, field=field
        ) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValidationFailed(
            _("%(label)s应为数字（WGS84 十进制度）。") % {"label": label}, field=field
        )
    return number


def clean_location(lat, long, address: str, address_id: str) -> tuple[float | None, float | None]:
    lat_v = _coordinate(lat, "lat", _("纬度"))
    long_v = _coordinate(long, "long", _("经度"))
    if (lat_v is None) != (long_v is None):
        raise ValidationFailed(_("纬度和经度须同时提供。"), field="lat")
    if lat_v is None and not address and not address_id:
        raise ValidationFailed(
            _(
                "请提供位置：经纬度（lat 和 long）、地址（address_string）或地址编号（address_id）。"
            ),
            field="lat",
        )
    if lat_v is not None and not (
        CHINA_LAT[0] <= lat_v <= CHINA_LAT[1] and CHINA_LONG[0] <= long_v <= CHINA_LONG[1]
    ):
        raise ValidationFailed(
            _(
                "坐标（纬度 %(lat)s，经度 %(long)s）不在中国境内，本平台只受理中国境内的问题。"
                "请核对坐标，注意纬度和经度是否填反。"
            )
            % {"lat": lat_v, "long": long_v},
            field="lat",
            code="outside_china",
        )
    return lat_v, long_v


@dataclass
class Submission:
    service_code: str
    description: str
    lat: str | None = None
    long: str | None = None
    address: str = ""
    address_id: str = ""
    media_url: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    attributes: dict | None = None
    idempotency_key: str | None = None


def submit_request(
    submission: Submission, *, client: Open311Client, media: Sequence = ()
) -> tuple[Open311Request, bool]:
    """File a citizen's request; returns (request, created). A retry with the same
    idempotency key from the same client returns the first request. Bad input is refused
    before anything is stored; the case and its Open311 row are written together."""
    s = submission
    if not (s.service_code or "").strip():
        raise ValidationFailed(_("缺少 service_code（服务编码）。"), field="service_code")
    category: Category | None = service_category(s.service_code.strip())
    if category is None:
        raise NotFound(
            _("没有编码为“%(code)s”的服务。") % {"code": s.service_code.strip()[:32]},
            code="unknown_service",
        )
    description = (s.description or "").strip()
    if not description:
        raise ValidationFailed(_("请填写 description（反映的问题）。"), field="description")
    if len(description) > MAX_DESCRIPTION:
        raise ValidationFailed(
            _("description 不能超过 %(n)s 字。") % {"n": MAX_DESCRIPTION}, field="description"
        )
    address = (s.address or "").strip()
    address_id = (s.address_id or "").strip()
    if len(address) > 150:
        raise ValidationFailed(_("地址不能超过 150 字。"), field="address_string")
    if len(address_id) > 100:
        raise ValidationFailed(_("地址编号不能超过 100 字。"), field="address_id")
    lat, long = clean_location(s.lat, s.long, address, address_id)
    media_url = (s.media_url or "").strip()
    if media_url and (len(media_url) > 500 or not re.match(r"^https?://\S+$", media_url)):
        raise ValidationFailed(
            _("media_url 应为不超过 500 字符的 http 或 https 地址。"), field="media_url"
        )
    region = attribute_region((s.attributes or {}).get("region"))
    key = None
    if s.idempotency_key not in (None, ""):
        if not CLIENT_KEY.match(str(s.idempotency_key).strip()):
            raise ValidationFailed(
                _("Idempotency-Key 应为 8 至 80 位字母、数字或 - _ : ."), field="idempotency_key"
            )
        # Keys are the client's own: two clients using the same key file two requests.
        key = f"open311-{client.pk}-{str(s.idempotency_key).strip()}"
    # Where it is, as staff read it on the case: the address, and the coordinates if given.
    place = address or address_id
    if lat is not None:
        place = f"{place} ({lat:.6f}, {long:.6f})".strip()
    with transaction.atomic():
        case, created = do_register_opinion(
            content=description,
            region=region,
            category=category,
            place=place,
            contact_name=f"{(s.last_name or '').strip()}{(s.first_name or '').strip()}",
            contact_phone=(s.phone or "").strip(),
            photos=media,
            channel=Channel.OPEN311,
            idempotency_key=key,
            acting_user=None,
            defer_followups=True,
        )
        if not created:
            existing = Open311Request.objects.filter(case=case).first()
            if existing is not None:
                return existing, False
        filed = Open311Request.objects.create(
            case=case,
            client=client,
            service_code=category.code,
            lat=lat,
            long=long,
            address=address,
            address_id=address_id,
            media_url=media_url,
            token=secrets.token_hex(16),
        )
    return filed, True
