"""Cases as plain data, for the API and for exports. Phones are always masked here."""

from __future__ import annotations

from lianxin.accounts.access import grants, mask_phone

from . import attachments, evaluations, kinds, lineage
from .models import Assignment, Case, CaseEvent, Channel
from .queries import given_replies
from .rules import sees_reply
from .workflow import EVENT_LABELS, workflow_for

# Timeline notes a citizen may read on the tracking page; other notes are internal.
PUBLIC_NOTE_ACTIONS = {"decline", "feedback", "conclude", "derive", "origin_reply"}


def _ref(obj, name: str | None = None) -> dict | None:
    if obj is None:
        return None
    return {"id": obj.pk, "name": name if name is not None else str(obj)}


def action_label(case: Case, action: str) -> str:
    if action in EVENT_LABELS:
        return str(EVENT_LABELS[action])
    return workflow_for(case.kind).action_label(action)


def case_row(case: Case) -> dict:
    wf = workflow_for(case.kind)
    return {
        "id": case.pk,
        "kind": case.kind,
        "kind_label": str(case.get_kind_display()),
        "state": case.state,
        "state_label": wf.state_label(case.state),
        "tracking_code": case.tracking_code,
        "title": case.display_title,
        "category": case.category.name if case.category_id else None,
        "region": {"code": case.region.code, "name": case.region.name} if case.region_id else None,
        "congress": _ref(case.congress, case.congress.name if case.congress_id else None),
        "station": _ref(case.station, case.station.name if case.station_id else None),
        "deputy": _ref(case.deputy, case.deputy.person.name if case.deputy_id else None),
        "channel": case.channel,
        "channel_label": str(Channel(case.channel).label) if case.channel in Channel.values else "",
        "contact_name": "" if case.is_anonymous else case.contact_name,
        "contact_phone": mask_phone(case.contact_phone),
        "due_date": case.due_date,
        "is_overdue": case.is_overdue,
        "is_key_supervision": case.is_key_supervision,
        "created_at": case.created_at,
    }


def assignment_out(a: Assignment) -> dict:
    return {
        "id": a.pk,
        "unit": {"id": a.unit_id, "code": a.unit.code, "name": a.unit.name},
        "role": a.role,
        "role_label": str(a.get_role_display()),
        "status": a.status,
        "status_label": str(a.get_status_display()),
        "assigned_at": a.assigned_at,
        "due_date": a.due_date,
        "return_deadline": a.return_deadline,
        "returned_at": a.returned_at,
        "return_reason": a.return_reason,
    }


def event_out(case: Case, e: CaseEvent) -> dict:
    wf = workflow_for(case.kind)
    return {
        "at": e.at,
        "action": e.action,
        "action_label": action_label(case, e.action),
        "from_state": e.from_state,
        "to_state": e.to_state,
        "state_label": wf.state_label(e.to_state) if e.to_state else "",
        "actor": e.actor_label,
        "note": e.note,
        "data": e.data,
        "is_public": e.is_public,
    }


def case_detail(case: Case, user) -> dict:
    """`case` loaded with queries.for_detail (prefetched relations)."""
    wf = workflow_for(case.kind)
    g = grants(user)
    out = case_row(case)
    shown = evaluations.shown_to(user, case, case.evaluations.all())
    # Under a blind evaluation the case's rating is the proposers' own: shown only with them.
    rating = case.rating if _rating_shown(case, shown) else ""
    out.update(
        {
            "content": case.content,
            "place": case.place,
            "is_anonymous": case.is_anonymous,
            "version": case.version,
            "round": case.round,
            "rating": rating,
            "rating_label": str(case.get_rating_display()) if rating else "",
            "raised_by_deputy": _ref(
                case.raised_by_deputy,
                case.raised_by_deputy.person.name if case.raised_by_deputy_id else None,
            ),
            "parent": _ref(case.parent, case.parent.tracking_code if case.parent_id else None),
            "merged_into": _ref(
                case.merged_into, case.merged_into.tracking_code if case.merged_into_id else None
            ),
            "supervision_note": case.supervision_note,
            "replied_at": case.replied_at,
            "fed_back_at": case.fed_back_at,
            "evaluated_at": case.evaluated_at,
            "concluded_at": case.concluded_at,
            "assignments": [assignment_out(a) for a in case.assignments.all()],
            "replies": [
                {
                    "id": r.pk,
                    "round": r.round,
                    "by": r.replier,
                    "category": r.category.code if r.category_id else None,
                    "category_label": r.category.label if r.category_id else "",
                    "content": r.content,
                    "is_public": r.is_public,
                    "created_at": r.created_at,
                    "attachments": attachments.reply_attachments(case, r),
                }
                for r in case.replies.all()
                if sees_reply(g, case, r)
            ],
            "consultations": [
                {
                    "id": c.pk,
                    "stage": c.stage,
                    "stage_label": str(c.get_stage_display()),
                    "form": c.form,
                    "form_label": str(c.get_form_display()),
                    "held_on": c.held_on,
                    "with_whom": c.with_whom,
                    "summary": c.summary,
                    "unit": c.unit.name if c.unit_id else None,
                }
                for c in case.consultations.all()
            ],
            "evaluations": [
                {
                    "round": ev.round,
                    "direction": ev.direction,
                    "rating": ev.rating,
                    "rating_label": str(ev.get_rating_display()) if ev.rating else "",
                    "quality": ev.quality,
                    "quality_label": str(ev.get_quality_display()) if ev.quality else "",
                    "comment": ev.comment,
                    "by_citizen": ev.by_citizen,
                    "created_at": ev.created_at,
                }
                for ev in shown
            ],
            "attachments": attachments.case_attachments(case),
            "timeline": [event_out(case, e) for e in case.events.all()],
            "available_actions": actions_out(wf.available(case, user)),
            "following": bool(user and user.is_authenticated)
            and case.followers.filter(user=user).exists(),
        }
    )
    return out


def _rating_shown(case: Case, shown: list) -> bool:
    """Whether the reader may see the case's latest rating of the handling: always, unless the
    kind evaluates blind and none of the handling ratings of the round is shown to the reader."""
    spec = kinds.kind_spec(case.kind)
    if spec is None or not spec.blind_evaluation or not case.rating:
        return True
    return any(ev.direction == "handling" and ev.round == case.round for ev in shown)


def public_view(case: Case) -> dict:
    """What the tracking page shows: state, public progress and public replies. No names, no
    phone numbers, no internal notes."""
    followed = case.merged_into if case.merged_into_id else case
    wf = workflow_for(case.kind)
    events = list(case.events.filter(is_public=True).order_by("at", "id"))
    if followed is not case:
        events += list(
            followed.events.filter(is_public=True, at__gte=case.created_at).order_by("at", "id")
        )
    timeline = [
        {
            "at": e.at,
            "action": e.action,
            "action_label": action_label(case, e.action),
            "state_label": wf.state_label(e.to_state) if e.to_state else "",
            "note": e.note if e.action in PUBLIC_NOTE_ACTIONS else "",
            "rating_label": _rating_label(e),
        }
        for e in events
    ]
    if case.intake_pending:
        # Acknowledged, its registration entry not yet written by the intake loop: the citizen
        # sees the registration all the same, dated at the submission.
        timeline.insert(
            0,
            {
                "at": case.created_at,
                "action": "register",
                "action_label": action_label(case, "register"),
                "state_label": wf.state_label(wf.initial),
                "note": "",
                "rating_label": "",
            },
        )
    replies = [
        {
            "id": r.pk,
            "at": r.created_at,
            "by": r.replier,
            "category": r.category.code if r.category_id else None,
            "category_label": r.category.label if r.category_id else "",
            "content": r.content,
        }
        for r in given_replies(followed)
        .filter(is_public=True)
        .select_related("unit", "deputy__person", "category")
    ]
    evaluate = wf.transition("evaluate", case.state)
    return {
        "tracking_code": case.tracking_code,
        "kind": case.kind,
        "kind_label": str(case.get_kind_display()),
        "state": case.state,
        "state_label": wf.state_label(case.state),
        "title": case.display_title,
        "category": case.category.name if case.category_id else None,
        "created_at": case.created_at,
        "deputy": case.deputy.person.name if case.deputy_id else None,
        "station": case.station.name if case.station_id else None,
        "merged_into": (
            {
                "tracking_code": followed.tracking_code,
                "state": followed.state,
                "state_label": workflow_for(followed.kind).state_label(followed.state),
            }
            if followed is not case
            else None
        ),
        "timeline": timeline,
        "replies": replies,
        "rating": case.rating or None,
        "rating_label": str(case.get_rating_display()) if case.rating else "",
        "can_evaluate": bool(evaluate and evaluate.citizen and not evaluate.refusal(case)),
        # Cases made from this one (casework.lineage): a draft only as "being written".
        "derived": lineage.public_derived(case),
    }


def _rating_label(e: CaseEvent) -> str:
    from .models import Rating

    rating = e.data.get("rating") if e.action == "evaluate" and isinstance(e.data, dict) else None
    return str(Rating(rating).label) if rating in Rating.values else ""


def actions_out(available) -> list[dict]:
    """The steps one may take now, in the workflow's order; `primary` marks the next step of
    the workflow (the first one that is not a side step such as merge or withdraw)."""
    first = next((t.action for t in available if not t.secondary), None)
    return [
        {"action": t.action, "label": str(t.label), "primary": t.action == first} for t in available
    ]
