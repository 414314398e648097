"""A kind's own actions on the shared action endpoint `POST /cases/{id}/actions/{action}`.

An intake app whose kind has actions of its own (review, resubmit, co_opinion, sign_off,
decide, …), or needs more input for a shared one (a reply's commitment, a key supervision's
leader), registers a `KindAction` here: its name, the kinds it serves, the Schema of its body
and the function that runs it. The loop's shared endpoints look a registered handler up by
`case.kind` before running their own (`shared_handler`); the intake app serves its own names.
casework never imports an intake app: the intake app registers from its own modules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from lianxin.core.errors import NotFound


@dataclass(frozen=True)
class KindAction:
    action: str
    kinds: tuple[str, ...]
    schema: type
    run: Callable  # (request, case, body) → None
    summary: str
    # True: the loop has an endpoint of this name; a kind's richer version is served only at the
    # kind's own path until the loop looks handlers up by kind.
    shared: bool = False


_REGISTRY: dict[str, KindAction] = {}


def register(action: KindAction) -> KindAction:
    _REGISTRY[action.action] = action
    return action


def registered() -> list[KindAction]:
    return list(_REGISTRY.values())


def shared_handler(kind: str, action: str) -> KindAction | None:
    """The kind's own version of one of the loop's shared actions, if it registered one."""
    found = _REGISTRY.get(action)
    if found is None or not found.shared or kind not in found.kinds:
        return None
    return found


def handler_for(kind: str, action: str) -> KindAction:
    found = _REGISTRY.get(action)
    if found is None or kind not in found.kinds:
        raise NotFound(_("没有这项办理操作。"), code="unknown_action")
    return found
