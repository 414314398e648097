"""Viewing a citizen's personal data on a case (level 3 audit, docs/security.md): a case's page
and its API detail show the name of the citizen who raised it (the phone stays masked until
revealed, which `core.audit.reveal` records). Each such showing is one `personal_data_viewed`
entry naming the account, its seat, the address, the time and the field."""

from __future__ import annotations

from lianxin.core import audit
from lianxin.core.models import AuditLog


def shown(request, case, *, user=None) -> None:
    """Record that the citizen's name on `case` was shown to the caller (nothing when the case
    is anonymous or carries no name)."""
    if case.is_anonymous or not case.contact_name:
        return
    audit.record(
        AuditLog.Kind.PERSONAL_DATA_VIEWED,
        request=request,
        user=user,
        target=f"case:{case.pk}",
        field="contact_name",
    )
