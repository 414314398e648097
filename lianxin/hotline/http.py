"""The hotline's outgoing HTTP (pull and webhook): only http(s), no redirects followed, a
timeout on every call, a size limit on what is read, TLS certificates verified (the standard
library's default context), and — when `LIANXIN_HOTLINE_ALLOW_PRIVATE_URLS` is off — no
private, loopback, link-local or reserved address, checked on every call after resolving the
name (a name that resolves to an internal address is refused too)."""

from __future__ import annotations

import ipaddress
import socket
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from lianxin.core.errors import ValidationFailed


class CallFailed(Exception):
    """The call did not get an answer we can use; `message` says why in plain words."""

    def __init__(self, message: str, *, status: int | None = None, retry: bool = True):
        super().__init__(message)
        self.message = message
        self.status = status
        self.retry = retry


@dataclass
class Answer:
    status: int
    body: bytes


def check_url(url: str, *, field: str = "url") -> None:
    """Refuse a URL that is not http(s), has no host, or (when the setting forbids it) points
    at a private address. Raises ValidationFailed with a message naming the reason."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        raise ValidationFailed(_("地址须以 http:// 或 https:// 开头。"), field=field)
    if not parts.hostname:
        raise ValidationFailed(_("地址缺少主机名。"), field=field)
    if settings.LIANXIN_HOTLINE_ALLOW_PRIVATE_URLS:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise ValidationFailed(
            _("无法解析主机名：%(host)s") % {"host": parts.hostname}, field=field
        ) from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global or address.is_multicast:
            raise ValidationFailed(
                _("不允许访问内网、本机或保留地址：%(addr)s") % {"addr": address}, field=field
            )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # answered as the 3xx itself


_opener = urllib.request.build_opener(
    _NoRedirect, urllib.request.HTTPSHandler(context=ssl.create_default_context())
)


def call(
    url: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    max_bytes: int | None = None,
) -> Answer:
    """One call; any answer (2xx … 5xx) is returned; a failure to get one raises CallFailed."""
    try:
        check_url(url)
    except ValidationFailed as exc:
        raise CallFailed(str(exc.message), retry=False) from None
    limit = max_bytes or settings.LIANXIN_HOTLINE_PULL_MAX_BYTES
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    timeout = settings.LIANXIN_HOTLINE_HTTP_TIMEOUT
    try:
        with _opener.open(request, timeout=timeout) as response:
            status = response.status
            data = response.read(limit + 1)
    except urllib.error.HTTPError as exc:
        status = exc.code
        try:
            data = exc.read(limit + 1)
        except Exception:  # noqa: BLE001 - the error's body is only informative
            data = b""
    except TimeoutError:
        raise CallFailed(_("请求超时（%(s)s 秒内无响应）。") % {"s": timeout}) from None
    except ssl.SSLError as exc:
        raise CallFailed(_("TLS 证书校验失败：%(e)s") % {"e": exc.reason or exc}) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError | socket.timeout):
            raise CallFailed(_("请求超时（%(s)s 秒内无响应）。") % {"s": timeout}) from None
        if isinstance(reason, ssl.SSLError):
            raise CallFailed(_("TLS 证书校验失败：%(e)s") % {"e": reason}) from None
        raise CallFailed(_("无法连接：%(e)s") % {"e": reason}) from None
    except (OSError, ValueError) as exc:
        raise CallFailed(_("无法连接：%(e)s") % {"e": exc}) from None
    if len(data) > limit:
        raise CallFailed(
            _("响应超过 %(mb)s MB 的上限。") % {"mb": round(limit / 1024 / 1024, 1)}, retry=False
        )
    return Answer(status=status, body=data)


def mask(secret: str) -> str:
    """A stored secret as shown back: its first few characters and dots."""
    if not secret:
        return ""
    name, sep, value = secret.partition(":")
    if sep:
        return f"{name}: {value.strip()[:3]}••••••"
    return f"{secret[:3]}••••••"
