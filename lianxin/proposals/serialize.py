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
    body = proposal.raised_by_body if proposal and proposal.raised_by_body_id else None
    return {
        "raised_by_body": (
            {
                "id": body.pk,
                "name": body.name,
                "kind": body.kind,
                "kind_label": str(body.get_kind_display()),
            }
            if body is not None
            else None
        ),
        # Who the proposal is shown as raised by: the body, or else the member.
        "proposer": body.name if body is not None else (member.person.name if member else ""),
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
        "is_key": bool(case.is_key_supervision),
        "key_leader": proposal.key_leader if proposal else "",
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
    out["key"] = _key(proposal) if proposal and case.is_key_supervision else None
    letter = getattr(proposal, "letter", None) if proposal else None
    out["letter"] = (
        {
            "id": letter.pk,
            "content": letter.content,
            "unit": letter.unit.name if letter.unit_id else "",
            "forwarded_at": letter.forwarded_at,
            "forward_note": letter.forward_note,
            "answer": letter.answer,
            "answered_at": letter.answered_at,
        }
        if letter is not None
        else None
    )
    out["extension_requests"] = [
        {
            "id": x.pk,
            "unit": x.unit.name,
            "reason": x.reason,
            "due_before": x.due_before,
            "requested_due": x.requested_due,
            "approved_due": x.approved_due,
            "status": x.status,
            "status_label": str(x.get_status_display()),
            "requested_at": x.requested_at,
            "decided_at": x.decided_at,
            "decision_note": x.decision_note,
        }
        for x in queries.extension_requests(case)
    ]
    return out


def _key(proposal) -> dict:
    """A key proposal's leading chair, progress meetings and circulated result."""
    return {
        "leader": proposal.key_leader,
        "leader_user": proposal.key_leader_user_id,
        "marked_at": proposal.key_marked_at,
        "meetings": [
            {
                "id": m.pk,
                "held_on": m.held_on,
                "place": m.place,
                "participants": m.participants,
                "summary": m.summary,
            }
            for m in proposal.key_meetings.all()
        ],
        "result": proposal.key_result,
        "result_on": proposal.key_result_on,
    }
