"""Reading work orders: what a user may see, for lists and one order's page."""

from __future__ import annotations

from lianxin.accounts.access import visible_to
from lianxin.casework import queries as loop_queries
from lianxin.casework.models import Case, Kind


def orders_for(user, *, state: str | None = None):
    qs = visible_to(user, Case).filter(kind=Kind.WORK_ORDER).select_related("work_order__source")
    if state:
        qs = qs.filter(state__in=[s for s in state.split(",") if s])
    return qs.order_by("-created_at", "-id")


def for_detail(qs):
    return loop_queries.for_detail(qs).select_related("work_order__source")
