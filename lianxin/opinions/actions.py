"""Intake of citizens' opinions: scan-to-speak, the station desk after a reception, a deputy's
upload, and the public API. Everything after registration goes through `casework.actions`."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from lianxin.casework.actions import MAX_CONTENT, do_register_case, fingerprint
from lianxin.casework.models import Attachment, Case, Category, Channel, Kind
from lianxin.casework.photos import clean_photos
from lianxin.core.errors import Forbidden, ValidationFailed
from lianxin.core.validators import clean_phone, clean_text

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_\-:.]{8,100}$")


def clean_key(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    value = str(value).strip()
    if not IDEMPOTENCY_KEY.match(value):
        raise ValidationFailed(
            _("Idempotency-Key 应为 8 至 100 位字母、数字或 - _ : ."), field="idempotency_key"
        )
    return value


def intake_key(key: str) -> str:
    """The case's `intake_key` for an opinion submitted with the idempotency key `key`."""
    return f"opinion:{key}"


def submitted_with(key: str | None) -> Case | None:
    """The opinion a submission with this idempotency key registered, if any."""
    try:
        key = clean_key(key)
    except ValidationFailed:
        return None
    return Case.objects.filter(intake_key=intake_key(key)).first() if key else None


def owner_of(*, deputy=None, station=None, region=None) -> dict:
    """Who owns a new opinion: the station the deputy sits in (mixed groups: a city deputy's
    opinions are handled at the station, by the congress that runs it), else the deputy's own
    congress; a station's own congress; or the congress of the region (county or city)."""
    from lianxin.org.models import Congress, Level

    if deputy is not None and station is None:
        station = station_of(deputy)
    if station is not None:
        congress = station.congress
        return {
            "congress": congress,
            "station": station,
            "region_id": region.pk if region is not None else station.region_id,
            "scope_code": congress.region.code,
        }
    if deputy is not None:
        congress = deputy.congress
        return {
            "congress": congress,
            "region": region or congress.region,
            "scope_code": congress.region.code,
        }
    if region is not None:
        codes = [region.code[:n] for n in (len(region.code), 6, 4) if n <= len(region.code)]
        congress = (
            Congress.objects.filter(region__code__in=codes)
            .exclude(level=Level.TOWNSHIP)
            .select_related("region")
            .order_by("-region__code")
            .first()
        )
        if congress is None:
            raise ValidationFailed(_("该区划暂无受理意见的人大。"), field="region")
        return {"congress": congress, "region": region, "scope_code": congress.region.code}
    raise ValidationFailed(_("请指明代表、联络站或所在区划。"), field="deputy")


def station_of(deputy):
    """The station the deputy sits in, or None; one small query unless already loaded."""
    from lianxin.liaison.models import Station
    from lianxin.org.models import Deputy

    if Deputy.station_membership.is_cached(deputy):
        return deputy.station_membership.station if _has_station(deputy) else None
    return (
        Station.objects.select_related("congress__region")
        .filter(memberships__deputy=deputy)
        .order_by()
        .first()
    )


def _has_station(deputy) -> bool:
    from lianxin.liaison.models import StationMembership

    try:
        deputy.station_membership  # noqa: B018
    except StationMembership.DoesNotExist:
        return False
    return True


def do_register_opinion(
    *,
    content: str,
    title: str = "",
    deputy=None,
    station=None,
    region=None,
    category: Category | None = None,
    place: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    is_anonymous: bool = False,
    photos: Sequence = (),
    channel: str = Channel.SCAN,
    idempotency_key: str | None = None,
    acting_user=None,
    note: str = "",
    defer_followups: bool = False,
    phone_label: str | None = None,
) -> tuple[Case, bool]:
    """Register a citizen's opinion; returns (case, created). With an idempotency key a retried
    submission returns the first case. Bad input is refused before anything is stored. With
    `defer_followups` (the public API) the committed case row is the acknowledgement and the
    intake loop writes its registration entry and notifications (casework.complete_intake)."""
    content = clean_text(
        content, field="content", label=_("反映的问题"), max_length=MAX_CONTENT, required=True
    )
    title = clean_text(title, field="title", label=_("标题"), required=False, max_length=100)
    place = clean_text(place, field="place", label=_("地点"), required=False, max_length=200)
    contact_name = clean_text(
        contact_name, field="contact_name", label=_("姓名"), required=False, max_length=32
    )
    contact_phone = clean_phone(
        contact_phone, field="contact_phone", label=phone_label or _("联系电话")
    )
    if is_anonymous:
        contact_name, contact_phone = "", ""
    key = clean_key(idempotency_key)
    if deputy is not None and deputy.status != "serving":
        raise ValidationFailed(_("该代表已不在任，无法通过其二维码提交。"), field="deputy")
    if station is not None and not station.is_active:
        raise ValidationFailed(_("该联络站已停用。"), field="station")
    if acting_user is not None and channel in (Channel.STATION_DESK, Channel.DEPUTY_UPLOAD):
        from lianxin.accounts.access import can

        target = station if channel == Channel.STATION_DESK else deputy
        if target is None or not can(acting_user, "opinion.intake", target):
            raise Forbidden(_("您不能为该联络站或代表录入群众意见。"))
    cleaned = clean_photos(photos)
    owner = owner_of(deputy=deputy, station=station, region=region)
    # Every field of the submission, so a retry with the same key and anything changed is a
    # conflict rather than a replay that silently drops the change.
    fp = fingerprint(
        content,
        title,
        deputy.pk if deputy else "",
        station.pk if station else "",
        contact_phone,
        place,
        contact_name,
        region.pk if region is not None else "",
        category.pk if category is not None else "",
        "anonymous" if is_anonymous else "",
        *(hashlib.sha256(p.data).hexdigest() for p in cleaned),
    )
    return do_register_case(
        kind=Kind.OPINION,
        content=content,
        title=title,
        channel=channel,
        category=category,
        place=place,
        contact_name=contact_name,
        contact_phone=contact_phone,
        is_anonymous=is_anonymous,
        deputy=deputy,
        acting_user=acting_user,
        intake_key=intake_key(key) if key else None,
        intake_fingerprint=fp,
        note=note,
        defer_followups=defer_followups,
        attachments=[
            {
                "kind": Attachment.Kind.PHOTO,
                "file": ContentFile(p.data, name=f"{secrets.token_hex(8)}.jpg"),
                "original_name": p.name,
                "content_type": "image/jpeg",
                "size": len(p.data),
            }
            for p in cleaned
        ],
        **owner,
    )


def do_register_opinion_from_reception(record, *, acting_user=None) -> Case:
    """A reception or visit recorded at a station (liaison.ReceptionRecord) raised into the loop
    in one step: the station's opinion, addressed to the first receiving deputy. Raising the
    same record twice returns the same case."""
    deputy = record.deputies.select_related("person", "congress").order_by("pk").first()
    # The record's own field: its phone was checked by the same rule when it was written.
    clean_phone(record.visitor_phone, field="visitor_phone", label=_("联系电话"))
    case, _created = do_register_opinion(
        content=record.content,
        title=record.subject,
        deputy=deputy,
        station=record.station,
        contact_name=record.visitor_name,
        contact_phone=record.visitor_phone,
        channel=Channel.STATION_DESK,
        idempotency_key=f"reception-{record.pk}",
        acting_user=acting_user,
        # What was answered on the spot stays on the register entry, not as a reply of the loop.
        note=(record.response or "").strip(),
    )
    return case
