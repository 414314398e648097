"""The work lists that the kinds' apps add to the workbench.

A kind registers its lists from its own app (`register` in its AppConfig's ready()); the
workbench (lianxin.web.workbench) only renders them, in the section of the role named by
`section` (staff, unit, deputy, station, leader, cppcc, member, admin). `fill(user)` returns
(the first items, how many in all, the page with the whole list); items render as links
(`get_absolute_url`, `str`). `when(user)`, if given, says whether the user has the list at all
(a unit's sign-off list is only for the officers who sign)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class WorkList:
    section: str
    key: str
    title: Any
    fill: Callable[[Any], tuple[list, int, str | None]]
    empty: Any = None  # the section's "nothing to do" when None
    after: str | None = None  # shown after this list of the section; at its end when None
    when: Callable[[Any], bool] | None = None  # does this user have the list at all?

    def shown_to(self, user) -> bool:
        return self.when is None or bool(self.when(user))


_WORKLISTS: dict[str, WorkList] = {}


def register(
    section: str,
    key: str,
    title,
    fill,
    *,
    empty=None,
    after: str | None = None,
    when: Callable[[Any], bool] | None = None,
) -> WorkList:
    """Add (or replace) the work list `key`."""
    _WORKLISTS[key] = WorkList(section, key, title, fill, empty, after, when)
    return _WORKLISTS[key]


def unregister(key: str) -> None:
    _WORKLISTS.pop(key, None)


def for_section(section: str) -> list[WorkList]:
    """The lists registered for one section, in the order they were registered."""
    return [w for w in _WORKLISTS.values() if w.section == section]
