"""Who sees and sends bulletins (registered with lianxin.accounts.access): the office of a
congress sends and reads every receipt; offices above and leaders read; a deputy sees the
bulletins sent to one of their seats and their own receipts; anyone else the same 404."""

from __future__ import annotations

from django.db.models import Q

from lianxin.accounts.access import Grants, prefix_q, rule, view_action, visibility


@visibility("bulletins.bulletin", to_many=True)
def _bulletins(g: Grants) -> Q | None:
    if g.is_admin:
        return None
    return prefix_q("congress__region__code", g.congress_read_regions) | Q(
        receipts__deputy_id__in=list(g.deputy_ids)
    )


@visibility("bulletins.receipt")
def _receipts(g: Grants) -> Q | None:
    if g.is_admin:
        return None
    return prefix_q("bulletin__congress__region__code", g.congress_read_regions) | Q(
        deputy_id__in=list(g.deputy_ids)
    )


view_action("bulletin.view", "bulletins.bulletin")
view_action("receipt.view", "bulletins.receipt")


@rule("bulletin.send")
def _send(g: Grants, congress) -> bool:
    return congress is not None and congress.pk in g.staff_congresses


@rule("bulletin.manage")
def _manage(g: Grants, bulletin) -> bool:
    """The receipts and the not-yet-read list: the sending congress's office."""
    return bulletin.congress_id in g.staff_congresses


@rule("bulletin.list")
def _list(g: Grants, _obj) -> bool:
    return g.is_admin or bool(g.congress_read_regions) or g.is_deputy
