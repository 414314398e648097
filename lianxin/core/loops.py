"""The one runner of the background loops (`manage.py run_tasks`, `complete_intake --every`,
`scan_deadlines --every`, `follow_trail --every`).

`Loop(name, step, every).run()` calls `step()` again and again: at once when it reports work
done (a truthy result), else after `every` seconds. A transient database error (the server
restarting, a lost connection, a locked or full SQLite file) does not end the loop: the broken
connections are closed, one line is logged without a traceback, and the step is tried again
after a capped exponential back-off (1, 2, 4 … up to LIANXIN_LOOP_MAX_BACKOFF seconds). Each
good step writes the loop's heartbeat (`core.LoopHeartbeat`, at most every few seconds), which
`/readyz` reads. SIGTERM or SIGINT stop the loop once the step in hand is finished; the
supervisor (`scripts/supervise.sh` under `make run`, systemd in deploy/systemd) starts it again
if it ever exits."""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import socket
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.utils import timezone

logger = logging.getLogger("lianxin.loops")

# A heartbeat is written at most this often, so a loop that runs every second does not write
# a row every second.
HEARTBEAT_SECONDS = 5.0


def is_transient(exc: BaseException) -> bool:
    """A database error that goes away by itself: the connection, not the query, is at fault."""
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    if isinstance(exc, DatabaseError):
        text = str(exc).lower()
        return any(
            s in text
            for s in (
                "connection",
                "server closed",
                "terminating",
                "shutting down",
                "locked",
                "disk is full",
                "disk i/o",
            )
        )
    return isinstance(exc, OSError)  # the disk, the socket


def backoff(failures: int, *, base: float | None = None, cap: float | None = None) -> float:
    """Seconds to wait after `failures` transient errors in a row: base × 2^(failures-1), capped."""
    base = settings.LIANXIN_LOOP_BACKOFF_BASE if base is None else base
    cap = settings.LIANXIN_LOOP_MAX_BACKOFF if cap is None else cap
    return min(cap, base * 2 ** max(0, failures - 1))


def close_connections() -> None:
    for conn in connections.all(initialized_only=True):
        try:
            conn.close()
        except Exception:  # noqa: BLE001 - a broken connection may fail to close; it is gone
            conn.connection = None


class Loop:
    def __init__(self, name: str, step: Callable[[], object], every: float):
        self.name = name
        self.step = step
        self.every = float(every)
        self.stopping = threading.Event()
        self.failures = 0
        self.steps = 0
        self._last_beat: float | None = None

    # --- stopping ---------------------------------------------------------------------------
    def stop(self, *_args) -> None:
        self.stopping.set()

    def install_signals(self) -> None:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self.stop)
            signal.signal(signal.SIGINT, self.stop)

    # --- the heartbeat ----------------------------------------------------------------------
    def beat(self) -> None:
        now = timezone.now().timestamp()
        if self._last_beat is not None and now - self._last_beat < HEARTBEAT_SECONDS:
            return
        from .models import LoopHeartbeat

        LoopHeartbeat.objects.update_or_create(
            name=self.name,
            defaults={
                "beat_at": timezone.now(),
                "interval": self.every,
                "pid": os.getpid(),
                "host": socket.gethostname()[:100],
            },
        )
        self._last_beat = now

    # --- running ----------------------------------------------------------------------------
    def run_once(self) -> tuple[object, float]:
        """One step; returns (its result, seconds to wait before the next)."""
        try:
            result = self.step()
            self.beat()
        except Exception as exc:
            if not is_transient(exc):
                raise
            close_connections()
            self.failures += 1
            wait = backoff(self.failures)
            logger.warning(
                "%s: %s: %s; retrying in %.1fs (attempt %d)",
                self.name,
                exc.__class__.__name__,
                str(exc).splitlines()[0][:200] if str(exc) else "",
                wait,
                self.failures,
            )
            return None, wait
        if self.failures:
            logger.warning("%s: database available again", self.name)
        self.failures = 0
        self.steps += 1
        return result, (0.0 if result else self.every)

    def run(self, *, max_steps: int | None = None) -> None:
        self.install_signals()
        logger.info("%s: started (every %ss)", self.name, self.every)
        while not self.stopping.is_set():
            _result, wait = self.run_once()
            if max_steps is not None and self.steps >= max_steps:
                break
            if wait:
                self.stopping.wait(wait)
        logger.info("%s: stopped", self.name)


def stale_after(interval: float) -> dt.timedelta:
    """How old a loop's heartbeat may be before /readyz calls the loop stale."""
    seconds = max(settings.LIANXIN_LOOP_STALE_FACTOR * interval, HEARTBEAT_SECONDS * 6)
    return dt.timedelta(seconds=seconds)
