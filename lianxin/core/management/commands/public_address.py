"""Say which public address the QR codes, tracking links and SMS carry, where it came from, and
warn when it opens only on this machine (`make run` prints it when the server starts)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from lianxin.core import addresses


class Command(BaseCommand):
    help = "显示二维码和链接使用的公开地址（Show the public address QR codes and links carry）"
    requires_system_checks = []

    def handle(self, *args, **options):
        url = settings.LIANXIN_PUBLIC_BASE_URL
        self.stdout.write(_("二维码、查询链接和短信使用的公开地址：%(url)s") % {"url": url})
        self.stdout.write(str(addresses.SOURCES.get(settings.LIANXIN_PUBLIC_BASE_URL_SOURCE, "")))
        if addresses.is_loopback(url):
            self.stdout.write(self.style.WARNING(str(addresses.LOOPBACK_WARNING)))
