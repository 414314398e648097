"""The public address of the site: what the QR codes of printed cards, the tracking links and
the SMS carry (`settings.LIANXIN_PUBLIC_BASE_URL`).

`LIANXIN_PUBLIC_BASE_URL` when it is set; otherwise derived from the address the server listens
on (`LIANXIN_BIND`, which `make run` sets from `HOST` and `PORT`), so that `PORT=8080 make run`
prints cards that point at port 8080. A server listening on every interface (`HOST=0.0.0.0`)
has no address of its own: the machine's host name stands in, and the printing page says so.
Read by settings.py before Django is set up, so only the standard library and lazy text here.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _

DEFAULT_URL = "http://127.0.0.1:8000"
GUNICORN_PORT = "8000"  # gunicorn's port when the bind names none
# Binds recognised as "every interface" (to derive an address), not a bind of ours.
WILDCARDS = {"", "0.0.0.0", "::", "[::]", "*"}  # nosec B104

# Where the address came from.
SETTING = "setting"  # LIANXIN_PUBLIC_BASE_URL
BIND = "bind"  # the host and port the server listens on
HOSTNAME = "hostname"  # the machine's host name: the server listens on every interface
DEFAULT = "default"  # nothing to go by

SOURCES = {
    SETTING: _("由环境变量 LIANXIN_PUBLIC_BASE_URL 设定。"),
    BIND: _("未设置 LIANXIN_PUBLIC_BASE_URL，按服务的监听地址（HOST、PORT）推定。"),
    HOSTNAME: _(
        "未设置 LIANXIN_PUBLIC_BASE_URL，服务监听本机所有网络地址（HOST=0.0.0.0），"
        "公开地址按本机主机名推定。请确认群众的手机能打开此地址，否则请设置 "
        "LIANXIN_PUBLIC_BASE_URL。"
    ),
    DEFAULT: _("未设置 LIANXIN_PUBLIC_BASE_URL，使用默认地址。"),
}

LOOPBACK_WARNING = _(
    "此地址只能在运行服务的计算机上打开，群众用手机扫码后无法访问。打印前请将环境变量 "
    "LIANXIN_PUBLIC_BASE_URL 设为群众可以访问的地址（例如 https://lianxin.example.gov.cn），"
    "或让服务监听本机的网络地址（例如 HOST=0.0.0.0 make run），然后重新启动服务。"
)


@dataclass(frozen=True)
class PublicAddress:
    url: str
    source: str


def derive(
    configured: str, bind: str, *, hostname: Callable[[], str] = socket.gethostname
) -> PublicAddress:
    """The public address: `configured` when given, else from `bind` (gunicorn's `HOST:PORT`),
    else the default."""
    if configured.strip():
        return PublicAddress(configured.strip().rstrip("/"), SETTING)
    bind = bind.strip()
    if not bind or bind.startswith(("unix:", "fd://")):
        return PublicAddress(DEFAULT_URL, DEFAULT)
    host, port = _split(bind)
    source = BIND
    if host in WILDCARDS:
        host, source = (hostname() or "").strip() or "localhost", HOSTNAME
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address in a URL
    return PublicAddress(f"http://{host}" + ("" if port == "80" else f":{port}"), source)


def _split(bind: str) -> tuple[str, str]:
    if bind.startswith("["):  # [::1]:8000
        host, _sep, rest = bind.partition("]")
        return host + "]", rest.lstrip(":") or GUNICORN_PORT
    if bind.count(":") > 1:  # ::1:8000 (HOST=::1): the last part is the port
        host, _sep, port = bind.rpartition(":")
        return host, port
    host, _sep, port = bind.partition(":")
    return host, port or GUNICORN_PORT


def host_of(url: str) -> str:
    """The host of `url` as `ALLOWED_HOSTS` names it (IPv6 in brackets); empty if none."""
    host = urlsplit(url).hostname or ""
    return f"[{host}]" if ":" in host else host


def is_loopback(url: str) -> bool:
    """True when `url` opens only on the machine itself (127.0.0.1, ::1, localhost, 0.0.0.0)."""
    host = (urlsplit(url).hostname or "").rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_unspecified
