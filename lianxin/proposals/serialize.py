"""A proposal as plain data: the loop's case detail (whose evaluations follow the blind rule,
casework.evaluations.shown_to) with what is the proposal's own."""

from __future__ import annotations

from lianxin.casework import serialize as loop_serialize
from lianxin.casework.models import Case

from . import queries


def row(case: Case) -> dict:
    out = loop_serialize.case_row(case)
    out.update(_own(case))
    return out


def _own(case: Case) -> dict:
    proposal = getattr(case, "proposal", None)
    member = case.raised_by_member
    return {
        "cppcc": {"id": case.cppcc_id, "name": case.cppcc.name} if case.cppcc_id else None,
        "raised_by_member": (
            {"id": member.pk, "name": member.person.name} if member is not None else None
        ),
        "in_session": bool(proposal and proposal.in_session),
        "registered_at": proposal.registered_at if proposal else None,
        "decline_reason": proposal.decline_reason if proposal else "",
        "disposition": proposal.disposition if proposal else "",
        "disposition_label": (
            str(proposal.get_disposition_display()) if proposal and proposal.disposition else ""
        ),
        "excellent_year": proposal.excellent_year if proposal else None,
    }


def detail(case: Case, user) -> dict:
    out = loop_serialize.case_detail(case, user)
    out.update(_own(case))
    out["co_sponsors"] = [
        {
            "member": c.member_id,
            "name": c.member.person.name,
            "status": c.status,
            "status_label": str(c.get_status_display()),
            "source": c.source,
            "respond_by": c.respond_by,
        }
        for c in queries.cosponsors(case)
    ]
    proposal = getattr(case, "proposal", None)
    out["excellent_note"] = proposal.excellent_note if proposal else ""
    out["results"] = [
        {
            "id": r.pk,
            "kind": r.kind,
            "kind_label": str(r.get_kind_display()),
            "document": r.document,
            "number": r.number,
            "issued_on": r.issued_on,
            "note": r.note,
        }
        for r in (proposal.results.all() if proposal else [])
    ]
    return out
