"""The public scan-to-speak address of a seat (`/s/<scan_code>`), printed on cards and shown
on the public site and in the API."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def scan_url(code: str) -> str:
    return settings.LIANXIN_PUBLIC_BASE_URL + reverse("scan_to_speak", args=[code])


def scan_url_prefix() -> str:
    """What every scan URL starts with (for rows built without one call per seat)."""
    return scan_url("X")[:-1]
