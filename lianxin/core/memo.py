"""What a process keeps in memory for a short while: data read on every request that changes
rarely (the deadline policy, the routing of a scan code, the total of a large list).

Each process has its own copy; the process that saves a row clears its copy at once (signals),
other processes see the change when their entry expires. Values are kept as they are (no
pickling, unlike Django's local-memory cache), so a hit costs a dictionary look-up; callers
must not change what they get.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


class Memo:
    def __init__(self, *, seconds: float = 60, size: int = 1000):
        self.seconds = seconds
        self.size = size
        self._entries: dict = {}

    def get(
        self,
        key,
        load: Callable[[], Any],
        *,
        keep: Callable[[Any], bool] = lambda value: value is not None,
        seconds: float | None = None,
    ):
        """The value kept for `key` while it is fresh, else `load()`'s, kept when `keep` says
        so (by default: anything but None) for `seconds` (by default the memo's)."""
        now = time.monotonic()
        hit = self._entries.get(key)
        if hit is not None and now < hit[0]:
            return hit[1]
        value = load()
        if keep(value):
            if len(self._entries) >= self.size:
                self._entries.clear()
            self._entries[key] = (now + (self.seconds if seconds is None else seconds), value)
        return value

    def clear(self, **signal_kwargs) -> None:
        """Forget everything (a row it was read from changed; tests after each rollback). Takes
        a signal's keyword arguments, so it can be connected to `post_save` directly."""
        self._entries.clear()
