"""The printable sign-in sheet (签到表) of an activity: the invited deputies with a column to
sign, and the activity's QR code, whose address opens the scan sign-in (WeasyPrint, as the
liaison cards are printed)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from lianxin.core import dates
from lianxin.core.pdf import render_pdf
from lianxin.liaison.printing import qr_image

from .models import Activity


def checkin_url(activity: Activity) -> str:
    """The public address the activity's QR code carries."""
    return settings.LIANXIN_PUBLIC_BASE_URL + reverse("duty_checkin", args=[activity.checkin_code])


def sign_in_sheet_pdf(activity: Activity) -> bytes:
    url = checkin_url(activity)
    rows = activity.invitations.select_related("deputy__person", "deputy__delegation").order_by(
        "deputy__person__name", "pk"
    )
    return render_pdf(
        "duty/print/sheet.html",
        {
            "activity": activity,
            "starts": timezone.localtime(activity.starts_at),
            "ends": timezone.localtime(activity.ends_at),
            "rows": list(rows),
            "url": url,
            "qr": qr_image(url),
            "issued": dates.today(),
        },
    )
