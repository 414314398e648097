"""Who may do what with 12345 work orders (registered with lianxin.accounts.access).

The hotline's staff are the deputy-affairs staff of the congress that owns the source (the city
office handles the city's 12345 orders): they import its files, triage, dispatch, record the
return visit and conclude. Who sees an order is the loop's rule (the owning congress's staff
act, those above read, leaders read their subtree, a unit sees what is dispatched to it);
anyone else gets the same 404 as for an order that does not exist."""

from __future__ import annotations

from django.db.models import Q

from lianxin.accounts.access import Grants, prefix_q, rule, visibility
from lianxin.casework.rules import case_office


@visibility("hotline.source")
def _sources(g: Grants):
    if g.is_admin:
        return None
    return prefix_q("congress__region__code", g.congress_read_regions)


@visibility("hotline.importjob")
def _jobs(g: Grants):
    if g.is_admin:
        return None
    return Q(source__congress_id__in=list(g.staff_congresses))


@rule("work_order.list")
def _list(g: Grants, _obj) -> bool:
    return g.is_admin or bool(g.congress_read_regions or g.unit_ids)


@rule("work_order.import")
def _import(g: Grants, source) -> bool:
    """Import a source's files: the staff of the congress that owns it."""
    if source is None:
        return bool(g.staff_congresses)
    return source.congress_id in g.staff_congresses


@rule("work_order.triage")
def _triage(g: Grants, case) -> bool:
    return case_office(g, case)


@rule("work_order.dispatch")
def _dispatch(g: Grants, case) -> bool:
    return case_office(g, case)


@rule("work_order.visit")
def _visit(g: Grants, case) -> bool:
    return case_office(g, case)


@rule("work_order.conclude")
def _conclude(g: Grants, case) -> bool:
    return case_office(g, case)
