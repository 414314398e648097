"""A deputy's personal data shown in full: the deputy's own office, the deputy, and the
administrator may, each time on the record (core.audit.reveal)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lianxin.accounts.access import can
from lianxin.core.audit import reveal
from lianxin.core.errors import Forbidden

from .models import Deputy


def reveal_phone(deputy: Deputy, *, acting_user, request=None) -> str:
    """The deputy's full phone number, written to the security trail; Forbidden without the
    `deputy.view_personal` right (the caller has already found the deputy visible)."""
    if not can(acting_user, "deputy.view_personal", deputy):
        raise Forbidden(_("您没有权限查看该代表的完整联系方式。"))
    return reveal(
        deputy.person.phone or "",
        user=acting_user,
        target=f"deputy:{deputy.pk}",
        field="phone",
        request=request,
    )
