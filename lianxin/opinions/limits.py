"""Limits on the public intake (the scan-to-speak page and `POST /api/v1/opinions`), so that a
script cannot flood the offices or bomb a chosen phone with SMS: per client address and per
phone number given, settings with sane defaults (docs/settings.md). The daily cap of SMS per
number is the notifications app's (`LIANXIN_SMS_PER_NUMBER_PER_DAY`)."""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.translation import gettext as _

from lianxin.core.errors import RateLimited
from lianxin.core.ratelimit import hit


def check_public_submission(request, phone: str = "") -> None:
    """RateLimited (429) when this address or this phone number has submitted too often."""
    address = request.META.get("REMOTE_ADDR", "")
    wait = hit(
        "opinion-ip",
        address,
        limit=settings.LIANXIN_PUBLIC_SUBMISSIONS_PER_IP,
        seconds=settings.LIANXIN_PUBLIC_SUBMISSION_WINDOW_SECONDS,
    )
    if wait is None:
        digits = re.sub(r"\D", "", phone or "")
        wait = hit(
            "opinion-phone",
            digits,
            limit=settings.LIANXIN_PUBLIC_SUBMISSIONS_PER_PHONE,
            seconds=3600,
        )
    if wait is not None:
        minutes = max(1, (wait + 59) // 60)
        raise RateLimited(
            _("提交过于频繁，请 %(minutes)s 分钟后再试。如有紧急情况，请直接联系联络站。")
            % {"minutes": minutes},
            retry_after=wait,
        )
