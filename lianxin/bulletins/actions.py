"""The only writers of bulletins and their receipts; each checks the caller's right, validates,
writes in one transaction and records one trail row (`bulletins.<verb>`)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.accounts.access import can
from lianxin.core import trail
from lianxin.core.errors import Forbidden, NotFound, ValidationFailed
from lianxin.core.validators import clean_text
from lianxin.org.models import Congress, Deputy, SeatStatus

from .models import Bulletin, Receipt

MAX_CHOSEN = 5000


def _seats(congress: Congress, ids) -> list[Deputy]:
    try:
        wanted = {int(x) for x in ids or []}
    except (TypeError, ValueError):
        raise ValidationFailed(_("所选代表不存在。"), field="deputies") from None
    if not wanted:
        raise ValidationFailed(_("请选择接收通报的代表。"), field="deputies")
    if len(wanted) > MAX_CHOSEN:
        raise ValidationFailed(_("一次最多指定 5000 位代表。"), field="deputies")
    found = list(Deputy.objects.filter(pk__in=wanted, congress=congress, status=SeatStatus.SERVING))
    missing = wanted - {d.pk for d in found}
    if missing:
        names = list(
            Deputy.objects.filter(pk__in=missing).values_list("person__name", flat=True)[:10]
        )
        raise ValidationFailed(
            _("以下代表不是本级人大的在任代表，不能发送：%(names)s。")
            % {"names": "、".join(names) or _("（不存在）")},
            field="deputies",
            code="outside_congress",
        )
    return found


def do_send_bulletin(congress: Congress, data: dict, *, acting_user) -> Bulletin:
    """The office of `congress` sends a bulletin to all its serving deputies or to chosen ones;
    each recipient gets a receipt, unread."""
    if not can(acting_user, "bulletin.send", congress):
        raise Forbidden(_("您没有权限进行此操作。"))
    kind = str(data.get("kind") or "")
    if kind not in Bulletin.Kind.values:
        raise ValidationFailed(_("请选择通报类别。"), field="kind")
    audience = str(data.get("audience") or Bulletin.Audience.ALL)
    if audience not in Bulletin.Audience.values:
        raise ValidationFailed(_("请选择发送对象。"), field="audience")
    title = clean_text(
        data.get("title"), field="title", label=_("标题"), required=True, max_length=200
    )
    body = clean_text(data.get("body"), field="body", label=_("正文"), required=True)
    if audience == Bulletin.Audience.ALL:
        seats = list(Deputy.objects.filter(congress=congress, status=SeatStatus.SERVING))
    else:
        seats = _seats(congress, data.get("deputies"))
    with transaction.atomic():
        bulletin = Bulletin.objects.create(
            congress=congress,
            kind=kind,
            title=title,
            body=body,
            audience=audience,
            created_by=acting_user,
        )
        Receipt.objects.bulk_create(Receipt(bulletin=bulletin, deputy=d) for d in seats)
        trail.record(
            "bulletins.send",
            actor=acting_user,
            obj=bulletin,
            context={"congress_id": congress.pk},
            change={"kind": kind, "audience": audience, "recipients": len(seats)},
        )
    return bulletin


def do_read_bulletin(bulletin: Bulletin, *, acting_user) -> list[Receipt]:
    """The deputy has opened the bulletin: each of their seats' receipts is marked read, once
    (opening it again changes nothing and writes nothing)."""
    seats = list(
        Deputy.objects.filter(person__user=acting_user).values_list("pk", flat=True)
        if acting_user is not None
        else []
    )
    with transaction.atomic():
        receipts = list(
            Receipt.objects.select_for_update().filter(bulletin=bulletin, deputy_id__in=seats)
        )
        if not receipts:
            raise NotFound(_("未找到该通报。"))
        now = timezone.now()
        for r in receipts:
            if r.read_at is None:
                r.read_at = now
                r.save(update_fields=["read_at"])
                trail.record(
                    "bulletins.read",
                    actor=acting_user,
                    obj=r,
                    context={"congress_id": bulletin.congress_id, "deputy_id": r.deputy_id},
                    change={"bulletin": bulletin.pk},
                )
    return receipts
