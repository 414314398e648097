"""A kind's own actions on the shared action endpoint: the hook the loop does not have yet.

`casework.api` answers `POST /cases/{id}/actions/{action}` with one endpoint per action of the
loop and 404 for any other name. An intake app whose kind has actions of its own (review,
resubmit, co_opinion, sign_off, decide, …), or needs more input for a shared one (a reply's
commitment, a key supervision's leader), registers a `KindAction` here: its name, the kinds it
serves, the Schema of its body and the function that runs it. `routes()` turns the registry
into endpoints (see `suggestions.api`).

Nothing here is specific to suggestions; it is meant to move into `casework` (the shared
endpoints would then look a registered handler up by `case.kind` before their own).
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


def handler_for(kind: str, action: str) -> KindAction:
    found = _REGISTRY.get(action)
    if found is None or kind not in found.kinds:
        raise NotFound(_("没有这项办理操作。"), code="unknown_action")
    return found
