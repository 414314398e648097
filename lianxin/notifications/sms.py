"""SMS as a pluggable backend, chosen by the setting NOTIFICATIONS_SMS_BACKEND (a dotted path).

A real gateway (a carrier's or a cloud provider's) is one class with `send(to, body)`; the
console and file backends here serve development and tests, as Django's mail backends do.
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from lianxin.core.logmask import mask

DEFAULT_BACKEND = "lianxin.notifications.sms.ConsoleBackend"


class BaseBackend:
    def send(self, to: str, body: str) -> None:
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    """Writes each message to standard output, which ends up in the server's log: the number
    and any tracking code in the text are masked (core.logmask). The file backend keeps them
    whole, for the tests that read the messages back."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, to: str, body: str) -> None:
        self.stream.write(f"[SMS] to={mask(to)}\n{mask(body, codes=True)}\n\n")
        self.stream.flush()


class FileBackend(BaseBackend):
    """Appends each message as one JSON line to NOTIFICATIONS_SMS_FILE_PATH."""

    _lock = threading.Lock()

    def __init__(self, path: str | Path | None = None):
        self.path = Path(
            path
            or getattr(settings, "NOTIFICATIONS_SMS_FILE_PATH", None)
            or Path(settings.VAR_DIR if hasattr(settings, "VAR_DIR") else ".") / "sms.jsonl"
        )

    def send(self, to: str, body: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(
            {"to": to, "body": body, "at": timezone.now().isoformat()}, ensure_ascii=False
        )
        with self._lock, self.path.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")


def get_backend() -> BaseBackend:
    path = getattr(settings, "NOTIFICATIONS_SMS_BACKEND", None) or DEFAULT_BACKEND
    return import_string(path)()
