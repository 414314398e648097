"""Suggestions and motions as plain data: the loop's view of the case plus what is their own."""

from __future__ import annotations

from lianxin.casework import serialize as loop
from lianxin.casework.models import Case, CoSponsor, ReplySignoff

from . import queries
from .models import KeySupervision, Motion, Suggestion


def _one(case: Case, name: str):
    try:
        return getattr(case, name)
    except (Suggestion.DoesNotExist, Motion.DoesNotExist, KeySupervision.DoesNotExist):
        return None


def row(case: Case) -> dict:
    """A row of a list (the case loaded with queries.for_list)."""
    out = loop.case_row(case)
    suggestion = _one(case, "suggestion")
    lead = next(
        (a for a in case.assignments.all() if a.role == "lead" and a.status == "active"), None
    )
    out.update(
        {
            "lead_sponsor": case.raised_by_deputy.person.name if case.raised_by_deputy_id else "",
            "cosponsors": len(getattr(case, "confirmed_cosponsors", ())),
            "in_session": bool(suggestion and suggestion.in_session),
            "session": suggestion.session.name if suggestion and suggestion.session_id else "",
            "lead_unit": lead.unit.name if lead else "",
        }
    )
    return out


def detail(case: Case, user) -> dict:
    """One suggestion or motion (loaded with queries.for_detail)."""
    out = loop.case_detail(case, user)
    suggestion = _one(case, "suggestion")
    motion = _one(case, "motion")
    key = _one(case, "key_supervision")
    signoffs = {r.pk: _signoff(r) for r in case.replies.all()}
    # A reply the reader may not see yet (awaiting sign-off) hides its commitments too.
    shown_replies = {reply["id"] for reply in out["replies"]}
    for reply in out["replies"]:
        so = signoffs.get(reply["id"])
        reply["signoff"] = "approved" if so and so.approved else "rejected" if so else "pending"
        reply["signoff_note"] = so.note if so else ""
    out.update(
        {
            "lead_sponsor": _seat(case.raised_by_deputy) if case.raised_by_deputy_id else None,
            "cosponsors": [
                {
                    "deputy": _seat(c.deputy),
                    "status": c.status,
                    "status_label": str(c.get_status_display()),
                    "source": c.source,
                    "responded_at": c.responded_at,
                }
                for c in case.cosponsors.all()
            ],
            "authors": [s.person.name for s in queries.authors(case)],
            "co_opinions": [
                {
                    "unit": o.unit.name,
                    "round": o.round,
                    "content": o.content,
                    "created_at": o.created_at,
                }
                for o in case.co_opinions.all()
            ],
            "commitments": [
                {
                    "id": c.pk,
                    "unit": c.unit.name,
                    "content": c.content,
                    "due_on": c.due_on,
                    "status": c.status,
                    "status_label": str(c.get_status_display()),
                    "close_note": c.close_note,
                }
                for c in case.commitments.all()
                if c.reply_id is None or c.reply_id in shown_replies
            ],
            "suggestion": _suggestion(suggestion) if suggestion else None,
            "motion": _motion(motion) if motion else None,
            "key_supervision": (
                {"supervisor": key.supervisor, "result": key.result} if key else None
            ),
            "extension_requests": [_extension(r) for r in case.extension_requests.all()],
            "co_opinion_deadlines": [
                _co_deadline(d)
                for d in case.co_opinion_deadlines.all()
                if d.assignment.status == "active"
            ],
            "surveys": _surveys(case, user),
        }
    )
    return out


def _extension(r) -> dict:
    return {
        "id": r.pk,
        "unit": r.unit.name,
        "reason": r.reason,
        "due_before": r.due_before,
        "requested_due": r.requested_due,
        "status": r.status,
        "status_label": str(r.get_status_display()),
        "requested_at": r.requested_at,
        "decided_at": r.decided_at,
        "decision_note": r.decision_note,
        "approved_due": r.approved_due,
    }


def _co_deadline(d) -> dict:
    from django.utils.translation import gettext as _

    if d.opinion_id:
        status, label = "sent", _("逾期后已提出") if d.is_overdue else _("已提出")
    elif d.is_overdue:
        status, label = "overdue", _("已逾期")
    else:
        status, label = "waiting", _("待提出")
    return {
        "unit": d.unit.name,
        "due_on": d.due_on,
        "status": status,
        "status_label": label,
        "is_overdue": d.is_overdue,
        "sent_at": d.opinion.created_at if d.opinion_id else None,
    }


def _surveys(case: Case, user) -> list[dict]:
    """Each round's tally for everyone who sees the suggestion; each deputy's answer for the
    office and for that deputy only."""
    from lianxin.accounts.access import can, grants

    rounds = list(case.survey_rounds.all())
    if not rounds:
        return []
    office = can(user, "suggestion.supervise", case)
    own = grants(user).deputy_ids if user is not None else frozenset()
    out = []
    for r in rounds:
        answers = list(r.answers.all())
        shown = [a for a in answers if office or a.deputy_id in own]
        out.append(
            {
                "round": r.number,
                "is_open": r.is_open,
                "note": r.note,
                "opened_at": r.opened_at,
                "closed_at": r.closed_at,
                **queries.survey_tally(r),
                "answers": [
                    {
                        "deputy": a.deputy.person.name,
                        "rating": a.rating,
                        "rating_label": str(a.get_rating_display()) if a.rating else "",
                        "comment": a.comment,
                        "answered_at": a.answered_at,
                        "is_mine": a.deputy_id in own,
                    }
                    for a in shown
                ],
            }
        )
    return out


def _signoff(reply) -> ReplySignoff | None:
    try:
        return reply.signoff
    except ReplySignoff.DoesNotExist:
        return None


def _seat(seat) -> dict:
    return {"id": seat.pk, "name": seat.person.name}


def _suggestion(s: Suggestion) -> dict:
    tiers = queries.review_tiers(s.case.congress, s.in_session) if s.case.congress_id else []
    tier = queries.tier_of(tiers, s.review_tier)
    return {
        "in_session": s.in_session,
        "session": s.session.name if s.session_id else "",
        "problem": s.problem,
        "measures": s.measures,
        "is_complex": s.is_complex,
        "review_tier": s.review_tier,
        "review_tier_name": tier.name if tier else "",
        "review_tiers": [t.name for t in tiers],
        "return_reason": s.return_reason,
        "quality": s.quality,
        "quality_label": str(s.get_quality_display()) if s.quality else "",
        "handling_rating": s.handling_rating,
        "handling_rating_label": str(s.get_handling_rating_display()) if s.handling_rating else "",
        "outcome": s.outcome,
        "outcome_label": str(s.get_outcome_display()) if s.outcome else "",
    }


def _motion(m: Motion) -> dict:
    from .actions import min_cosponsors

    return {
        "session": m.session.name,
        "delegation": m.delegation.name if m.delegation_id else "",
        "min_cosponsors": min_cosponsors(m.case.congress),
        "confirmed_cosponsors": sum(
            1 for c in m.case.cosponsors.all() if c.status == CoSponsor.Status.CONFIRMED
        ),
        "decision": m.decision,
        "decision_label": str(m.get_decision_display()) if m.decision else "",
        "referred_to": m.referred_to.name if m.referred_to_id else "",
    }


def history(case: Case) -> list[dict]:
    """The timelines of the cases this one came from (a converted motion), oldest first."""
    from .actions import lineage

    result = []
    for origin in lineage(case):
        result.append(
            {
                "id": origin.pk,
                "kind": origin.kind,
                "kind_label": str(origin.get_kind_display()),
                "title": origin.display_title,
                "tracking_code": origin.tracking_code,
                "timeline": [loop.event_out(origin, e) for e in origin.events.order_by("at", "id")],
            }
        )
    return result
