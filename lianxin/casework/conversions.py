"""What a case becomes when it leaves the loop as a record of another app: a proposal declined
with the disposition 转为社情民意信息 becomes a sentiment report (`lianxin.sentiment`).

The app that decides (proposals) and the app that takes the case over (sentiment) sit in the
same layer and may not import each other (docs/architecture.md), so the hook is here, below
both: the taking app registers `register(name, convert, link=…)` from its `ready()`; the
deciding app calls `convert(name, case, …)` inside its action's transaction and shows
`links(case, user)` on the case's page (the lineage, both ways)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Conversion:
    """`make(case, acting_user, **details)` writes the new record (in the caller's
    transaction) and returns it; `link(case, user)` is what the case became as a (label, url)
    the user may open, or None."""

    name: str
    make: Callable[..., Any]
    link: Callable[[Any, Any], tuple[str, str] | None] | None = None


_CONVERSIONS: dict[str, Conversion] = {}


def register(name: str, make: Callable[..., Any], *, link: Callable | None = None) -> None:
    _CONVERSIONS[name] = Conversion(name, make, link)


def unregister(name: str) -> None:
    _CONVERSIONS.pop(name, None)


def registered(name: str) -> bool:
    return name in _CONVERSIONS


def convert(name: str, case, *, acting_user, **details) -> Any | None:
    """The record `case` becomes under `name`, or None when no app takes that conversion."""
    conversion = _CONVERSIONS.get(name)
    if conversion is None:
        return None
    return conversion.make(case, acting_user=acting_user, **details)


def links(case, user) -> list[tuple[str, str]]:
    """What `case` became, as (label, url) pairs that `user` may follow."""
    found = []
    for conversion in _CONVERSIONS.values():
        link = conversion.link(case, user) if conversion.link else None
        if link:
            found.append(link)
    return found
