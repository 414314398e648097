"""The letters that go with a case to each unit it is assigned to, one per unit, with the QR
code of the case page for the unit's officer: the 交办单 (a sheet of the case's facts) and the
转办函 (the office's formal letter forwarding it, with the case attached)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.accounts.access import mask_phone
from lianxin.core.errors import Conflict

from .models import Case
from .queries import active_assignments


def case_url(case: Case) -> str:
    """The public address of the case page the unit's officer opens (after signing in)."""
    return settings.LIANXIN_PUBLIC_BASE_URL + reverse("case_detail", args=[case.pk])


def issuing_office(case: Case) -> str:
    from lianxin.org.models import Body

    if case.congress_id:
        office = (
            Body.objects.filter(congress_id=case.congress_id, kind=Body.Kind.DEPUTY_AFFAIRS_OFFICE)
            .values_list("name", flat=True)
            .first()
        )
        if office:
            return office
        return _("%(congress)s常务委员会代表工作机构") % {"congress": case.congress.name}
    return ""


def letter_data(case: Case) -> dict:
    """What the letter says. Refused (409) while the case has no active assignment."""
    from lianxin.liaison.printing import qr_image

    assignments = active_assignments(case)
    if not assignments:
        raise Conflict(_("该事项尚未交办，没有交办单。"), code="invalid_transition")
    url = case_url(case)
    lead = [a for a in assignments if a.role == a.Role.LEAD]
    co = [a for a in assignments if a.role != a.Role.LEAD]
    issued = min(a.assigned_at for a in assignments)
    return {
        "case": case,
        "phone": "" if case.is_anonymous else mask_phone(case.contact_phone),
        "contact": "" if case.is_anonymous else case.contact_name,
        "letters": [
            {
                "unit": a.unit.name,
                "role": a.get_role_display(),
                "due_date": a.due_date,
                "lead": "、".join(x.unit.name for x in lead),
                "co": "、".join(x.unit.name for x in co),
            }
            for a in assignments
        ],
        "office": issuing_office(case),
        "issued": timezone.localtime(issued).date(),
        "url": url,
        "qr": qr_image(url),
    }


# The forms of letter and the prefix of their file names.
FORMS = {"sheet": "assignment", "referral": "referral"}


def assignment_letter_pdf(case: Case, form: str = "sheet") -> bytes:
    from lianxin.core.pdf import render_pdf

    data = letter_data(case)
    if form == "referral":
        return render_pdf("casework/print/referral_letter.html", data)
    return render_pdf("casework/print/assignment_letter.html", data)
