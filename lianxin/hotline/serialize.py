"""A work order as plain data: the loop's case detail with the order's own fields."""

from __future__ import annotations

from lianxin.casework import serialize as loop_serialize
from lianxin.casework.models import Case


def own(case: Case) -> dict:
    order = getattr(case, "work_order", None)
    if order is None:
        return {"source": "", "number": "", "channel": "", "received_at": None, "hotline_state": ""}
    return {
        "source": order.source.name,
        "number": order.number,
        "channel": order.channel,
        "received_at": order.received_at,
        "hotline_state": order.hotline_state,
    }


def row(case: Case) -> dict:
    out = loop_serialize.case_row(case)
    out.update(own(case))
    return out


def detail(case: Case, user) -> dict:
    out = loop_serialize.case_detail(case, user)
    out.update(own(case))
    return out
