"""Endpoints of bulletins under /api/v1/bulletins: send, list, read (the receipt), and the
office's receipts with the not-yet-read list."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from lianxin.accounts.access import can, get_visible_or_404, grants, visible_to
from lianxin.core.errors import Forbidden, ValidationFailed
from lianxin.core.paging import page_of
from lianxin.org.models import Congress

from . import actions
from .models import Bulletin

router = Router(tags=["bulletins"])


class BulletinIn(Schema):
    congress_id: int
    kind: str
    title: str = ""
    body: str = ""
    audience: str = "all"
    deputies: list[int] = []


class BulletinOut(Schema):
    id: int
    congress_id: int
    kind: str
    kind_label: str
    title: str
    body: str
    audience: str
    created_at: dt.datetime
    recipients: int | None
    read: int | None


class BulletinPage(Schema):
    total: int
    items: list[BulletinOut]


class BulletinReceipt(Schema):
    deputy_id: int
    name: str
    read_at: dt.datetime | None


def _out(b: Bulletin, user) -> dict:
    counts = {"recipients": None, "read": None}
    if can(user, "bulletin.manage", b):
        counts = {
            "recipients": b.receipts.count(),
            "read": b.receipts.filter(read_at__isnull=False).count(),
        }
    return {
        "id": b.pk,
        "congress_id": b.congress_id,
        "kind": b.kind,
        "kind_label": str(b.get_kind_display()),
        "title": b.title,
        "body": b.body,
        "audience": b.audience,
        "created_at": b.created_at,
        **counts,
    }


def _bulletin(request, bulletin_id: int) -> Bulletin:
    return get_visible_or_404(request.user, Bulletin.objects.all(), pk=bulletin_id)


@router.get("/bulletins", response=BulletinPage, summary="通报和学习资料列表")
def list_bulletins(request, limit: int = 50, offset: int = 0):
    if not can(request.user, "bulletin.list"):
        raise Forbidden(_("您没有权限进行此操作。"))
    qs = visible_to(request.user, Bulletin).order_by("-created_at", "-id")
    rows, total = page_of(qs, limit=limit, offset=offset)
    return {"total": total, "items": [_out(b, request.user) for b in rows]}


@router.post("/bulletins", response={201: BulletinOut}, summary="发送通报或学习资料")
def send_bulletin(request, body: BulletinIn):
    congress = Congress.objects.filter(pk=body.congress_id).first()
    if congress is None:
        raise ValidationFailed(_("请选择发送通报的人大。"), field="congress_id")
    b = actions.do_send_bulletin(congress, body.dict(), acting_user=request.user)
    return Status(201, _out(b, request.user))


@router.get("/bulletins/{bulletin_id}", response=BulletinOut, summary="通报详情")
def get_bulletin(request, bulletin_id: int):
    return _out(_bulletin(request, bulletin_id), request.user)


@router.post(
    "/bulletins/{bulletin_id}/read", response=list[BulletinReceipt], summary="已阅（本人的回执）"
)
def read_bulletin(request, bulletin_id: int):
    b = _bulletin(request, bulletin_id)
    receipts = actions.do_read_bulletin(b, acting_user=request.user)
    return [
        {"deputy_id": r.deputy_id, "name": r.deputy.person.name, "read_at": r.read_at}
        for r in receipts
    ]


@router.get(
    "/bulletins/{bulletin_id}/receipts",
    response=list[BulletinReceipt],
    summary="阅读回执（unread=true：尚未阅读的代表）",
)
def bulletin_receipts(request, bulletin_id: int, unread: bool = False):
    b = _bulletin(request, bulletin_id)
    g = grants(request.user)
    # The sending office, and those reading its region as a roll-up; never a recipient.
    if not (can(request.user, "bulletin.manage", b) or g.is_admin or g.congress_read_regions):
        raise Forbidden(_("您没有权限进行此操作。"))
    qs = b.receipts.select_related("deputy__person")
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return [
        {"deputy_id": r.deputy_id, "name": r.deputy.person.name, "read_at": r.read_at} for r in qs
    ]
