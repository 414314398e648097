"""Rows as the API answers them."""

from __future__ import annotations

from lianxin.org.scan import scan_url

from .models import ConsultationEvent, ConsultationResult, Speech, Studio


def speech(s: Speech) -> dict:
    return {
        "id": s.pk,
        "speaker": s.speaker_name,
        "member": s.speaker_member_id,
        "unit": (
            {"id": s.speaker_unit_id, "name": s.speaker_unit.name} if s.speaker_unit_id else None
        ),
        "sector": s.sector.name if s.sector_id else None,
        "text": s.text,
        "created_at": s.created_at,
    }


def result(r: ConsultationResult) -> dict:
    return {
        "id": r.pk,
        "event": r.event_id,
        "title": r.title,
        "content": r.content,
        "state": r.state,
        "state_label": r.get_state_display(),
        "sent_to": [{"id": u.pk, "name": u.name} for u in r.sent_to.all()],
        "sent_on": r.sent_on,
        "adopted_on": r.adopted_on,
        "implemented_on": r.implemented_on,
        "feedback": r.feedback,
        "feedback_on": r.feedback_on,
        "carried_out": [
            {
                "id": c.pk,
                "kind": c.kind,
                "kind_label": c.get_kind_display(),
                "document": c.document,
                "number": c.number,
                "issued_on": c.issued_on,
            }
            for c in r.carried_out.all()
        ],
        "version": r.version,
    }


def event(e: ConsultationEvent) -> dict:
    return {
        "id": e.pk,
        "cppcc": {"id": e.cppcc_id, "name": e.cppcc.name},
        "kind": e.kind,
        "kind_label": e.get_kind_display(),
        "title": e.title,
        "topic": e.topic,
        "held_on": e.held_on,
        "place": e.place,
        "agenda": list(e.agenda),
        "joint_with": e.joint_with,
        "participants": [{"id": m.pk, "name": m.person.name} for m in e.participants.all()],
        "invited_units": [{"id": u.pk, "name": u.name} for u in e.invited_units.all()],
        "speeches": [speech(s) for s in e.speeches.all()],
        "results": [result(r) for r in e.results.all()],
    }


def studio(s: Studio) -> dict:
    return {
        "id": s.pk,
        "cppcc": {"id": s.cppcc_id, "name": s.cppcc.name},
        "kind": s.kind,
        "kind_label": s.get_kind_display(),
        "name": s.name,
        "region": s.region.code,
        "region_name": s.region.name,
        "address": s.address,
        "members": [{"id": m.pk, "name": m.person.name} for m in s.members.all()],
        "scan_code": s.scan_code,
        "scan_url": scan_url(s.scan_code),
        "activities": [
            {
                "id": a.pk,
                "held_on": a.held_on,
                "title": a.title,
                "notes": a.notes,
                "members": [m.pk for m in a.members.all()],
            }
            for a in s.activities.all()
        ],
    }
