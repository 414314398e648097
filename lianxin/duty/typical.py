"""Typical cases (典型案例, M12): drawn from a concluded case, with the citizens' personal data
taken out before anyone edits it, then edited and published by the office of the congress."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.accounts.access import can, is_visible
from lianxin.core import trail
from lianxin.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from lianxin.core.validators import clean_text
from lianxin.org.models import Congress

from .models import TypicalCase

# A mainland mobile or landline number, an identity-card number, an e-mail address and a
# tracking code (ten characters of casework.models.TRACKING_ALPHABET).
_PATTERNS = (
    (re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])"), "【身份证号已删除】"),
    (re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)"), "【电话已删除】"),
    (re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)"), "【电话已删除】"),
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "【邮箱已删除】"),
    (re.compile(r"(?<![0-9A-Za-z])[2-9A-HJKMNP-Z]{10}(?![0-9A-Za-z])"), "【查询码已删除】"),
)


def scrub(text: str, names: list[str]) -> str:
    """`text` without phone, identity and e-mail numbers, tracking codes and the given names
    of citizens (each replaced by 群众)."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    for name in sorted(
        {n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True
    ):
        text = text.replace(name, _("群众"))
    return text


def _congress_of(case, user) -> Congress | None:
    """The congress whose office draws the case: of the case's region or above it, among the
    user's offices, the nearest."""
    from lianxin.accounts.access import grants

    code = case.region.code if case.region_id else ""
    prefixes = [code[:i] for i in range(len(code), 1, -1)]
    rows = Congress.objects.filter(
        region__code__in=prefixes, pk__in=list(grants(user).staff_congresses)
    ).select_related("region")
    return max(rows, key=lambda c: len(c.region.code), default=None)


def do_draw(case, *, acting_user) -> TypicalCase:
    """A draft from a concluded case the office may see, its text scrubbed."""
    from lianxin.casework.models import Case, Reply

    if not isinstance(case, Case) or not is_visible(acting_user, case):
        raise NotFound(_("未找到该事项。"))
    congress = _congress_of(case, acting_user)
    if congress is None or not can(acting_user, "typicalcase.write", congress):
        raise Forbidden(_("您没有权限进行此操作。"))
    if not case.is_closed:
        raise Conflict(_("只能从已办结的事项中选取典型案例。"), code="case_not_concluded")
    replies = list(Reply.objects.filter(case=case).order_by("round", "created_at", "id"))
    if not replies:
        raise Conflict(_("该事项没有答复，不能作为典型案例。"), code="no_reply")
    names = [case.contact_name]
    problem = scrub(case.content, names)
    handling = scrub(replies[-1].content, names)
    title = scrub(case.title or case.content[:30], names)[:100]
    with transaction.atomic():
        row = TypicalCase.objects.create(
            case=case,
            congress=congress,
            title=title,
            kind_label=str(case.get_kind_display()),
            region_name=case.region.name if case.region_id else "",
            problem=problem,
            handling=handling,
            created_by=acting_user,
        )
        trail.record(
            "duty.draw_typical_case",
            actor=acting_user,
            obj=row,
            context={"congress_id": congress.pk},
            change={"case": case.pk},
        )
    return row


def do_edit(row: TypicalCase, *, title: str, problem: str, handling: str, acting_user):
    if not can(acting_user, "typicalcase.write", row.congress):
        raise Forbidden(_("您没有权限进行此操作。"))
    title = clean_text(title, field="title", label=_("标题"), required=True, max_length=100)
    problem = clean_text(
        problem, field="problem", label=_("反映的问题"), required=True, max_length=10000
    )
    handling = clean_text(
        handling, field="handling", label=_("办理情况"), required=True, max_length=10000
    )
    names = [row.case.contact_name] if row.case_id else []
    # What the office types is scrubbed again: a name or number pasted back is taken out.
    problem, handling, title = (scrub(x, names) for x in (problem, handling, title))
    with transaction.atomic():
        row = TypicalCase.objects.select_for_update().get(pk=row.pk)
        row.title, row.problem, row.handling = title, problem, handling
        row.save(update_fields=["title", "problem", "handling", "updated_at"])
        trail.record(
            "duty.edit_typical_case",
            actor=acting_user,
            obj=row,
            context={"congress_id": row.congress_id},
            change={"title": title},
        )
    return row


def do_publish(row: TypicalCase, *, publish: bool = True, acting_user) -> TypicalCase:
    if not can(acting_user, "typicalcase.write", row.congress):
        raise Forbidden(_("您没有权限进行此操作。"))
    with transaction.atomic():
        row = TypicalCase.objects.select_for_update().get(pk=row.pk)
        wanted = TypicalCase.Status.DRAFT if publish else TypicalCase.Status.PUBLISHED
        if row.status != wanted:
            raise Conflict(
                _("该典型案例当前为“%(status)s”。") % {"status": row.get_status_display()},
                code="typical_state",
            )
        row.status = TypicalCase.Status.PUBLISHED if publish else TypicalCase.Status.DRAFT
        row.published_at = timezone.now() if publish else None
        row.save(update_fields=["status", "published_at", "updated_at"])
        trail.record(
            "duty.publish_typical_case" if publish else "duty.withdraw_typical_case",
            actor=acting_user,
            obj=row,
            context={"congress_id": row.congress_id},
            change={},
        )
    return row


def case_by_number(user, value: str):
    """The case a staff member names by its number (the id shown on its page)."""
    from lianxin.accounts.access import visible_to
    from lianxin.casework.models import Case

    value = (value or "").strip().lstrip("#")
    if not value.isdigit() or len(value) > 12:
        raise ValidationFailed(_("请填写事项编号（数字）。"), field="case")
    row = visible_to(user, Case).filter(pk=int(value)).select_related("region").first()
    if row is None:
        raise NotFound(_("未找到该事项。"))
    return row
