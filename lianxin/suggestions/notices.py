"""Who hears of what on a suggestion or a motion: the kinds' notification rules
(casework.notify), decided from the timeline events the actions write, queued in the action's
transaction like the loop's own."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from lianxin.accounts import access
from lianxin.accounts.models import Role, User
from lianxin.casework import kinds
from lianxin.casework.models import Assignment, Case, CaseEvent, Kind, SurveyAnswer
from lianxin.casework.notify import NotifyRule, register_audience, unit_users

from . import queries
from .actions.base import unit_officers


def _deputies(seat_ids) -> list[User]:
    return list(access.deputy_seat_holders(seat_ids))


# --- Audiences ----------------------------------------------------------------------------------


def _lead_sponsor(case: Case, _event) -> list[User]:
    return _deputies([case.raised_by_deputy_id]) if case.raised_by_deputy_id else []


def _authors(case: Case, _event) -> list[User]:
    return _deputies(s.pk for s in queries.authors(case))


def _survey_asked(case: Case, event: CaseEvent) -> list[User]:
    seats = SurveyAnswer.objects.filter(
        round__case=case, round__number=(event.data or {}).get("round")
    ).values_list("deputy_id", flat=True)
    return _deputies(s for s in seats if s)


def _requesting_unit(_case, event: CaseEvent) -> list[User]:
    unit = (event.data or {}).get("unit_id")
    return unit_officers([unit]) if unit else []


def _late_unit_and_lead(case: Case, event: CaseEvent) -> list[User]:
    unit = (event.data or {}).get("unit_id")
    return (unit_officers([unit]) if unit else []) + unit_users(case, lead_only=True)


def _invited(_case, event: CaseEvent) -> list[User]:
    return _deputies((event.data or {}).get("invited", []))


register_audience("invited", _invited)
register_audience("lead_sponsor", _lead_sponsor)
register_audience("authors", _authors)
register_audience("survey_asked", _survey_asked)
register_audience("requesting_unit", _requesting_unit)
register_audience("late_unit_and_lead", _late_unit_and_lead)


# --- Headings ------------------------------------------------------------------------------------


def _data(event: CaseEvent) -> dict:
    return event.data or {}


def _invitation(case: Case, _event) -> str:
    lead = case.raised_by_deputy.person.name if case.raised_by_deputy_id else ""
    return _("%(lead)s邀请您联名：%(title)s") % {"lead": lead, "title": case.display_title}


def _cosign(case: Case, event: CaseEvent) -> str:
    text = _("%(name)s已确认联名：%(title)s") if _data(event).get("accept") else None
    text = text or _("%(name)s谢绝联名：%(title)s")
    return text % {"name": _data(event).get("name", ""), "title": case.display_title}


def _returned(case: Case, _event) -> str:
    return _("建议退回修改：%(title)s") % {"title": case.display_title}


def _co_opinion(case: Case, event: CaseEvent) -> str:
    return _("%(unit)s提出会办意见：%(title)s") % {
        "unit": _data(event).get("unit", ""),
        "title": case.display_title,
    }


def _replied(case: Case, event: CaseEvent) -> str:
    return _("您的建议已答复（%(category)s类），请评价：%(title)s") % {
        "category": _data(event).get("category", ""),
        "title": case.display_title,
    }


def _survey(case: Case, _event) -> str:
    return _("请对重点督办建议的办理情况进行满意度测评：%(title)s") % {"title": case.display_title}


def _extension_requested(case: Case, event: CaseEvent) -> str:
    return _("%(unit)s申请将答复期限延至%(date)s：%(title)s") % {
        "unit": _data(event).get("unit", ""),
        "date": _data(event).get("requested_due", ""),
        "title": case.display_title,
    }


def _extension_decided(case: Case, event: CaseEvent) -> str:
    if _data(event).get("decision") == "approve":
        return _("延期申请已同意，答复期限延至%(date)s：%(title)s") % {
            "date": _data(event).get("due_date", ""),
            "title": case.display_title,
        }
    return _("延期申请未获同意：%(title)s") % {"title": case.display_title}


def _co_opinion_overdue(case: Case, event: CaseEvent) -> str:
    return _("会办意见已逾期：%(unit)s · %(title)s") % {
        "unit": _data(event).get("unit", ""),
        "title": case.display_title,
    }


def _assigned(case: Case, event: CaseEvent) -> str:
    return _("新交办：%(title)s（%(due)s前答复）") % {
        "title": case.display_title,
        "due": _data(event).get("due_date", ""),
    }


def _assigned_together(person: User, events: list[CaseEvent]) -> tuple[str, str]:
    """A central assignment: each officer hears once, of how many suggestions their unit got."""
    units = set(
        person.roles.filter(role=Role.UNIT_OFFICER).values_list("unit_id", flat=True)
    ) & set(
        Assignment.objects.filter(case_id__in=[e.case_id for e in events]).values_list(
            "unit_id", flat=True
        )
    )
    unit = min(units) if units else None
    title = _("集中交办：本单位收到 %(n)s 件代表建议") % {"n": len(events)}
    url = reverse("suggestion_list") + (f"?unit={unit}" if unit else "")
    return title, url


def _survey_url(case: Case, _event) -> str:
    return reverse("suggestion_action", args=[case.pk, "answer_survey"])


RULES = {
    # An invitation asks the invited to answer; a co-sponsor's answer is news to the lead.
    "invite": NotifyRule(("invited",), heading=_invitation, verb="cosign_invite", actionable=True),
    "cosign": NotifyRule(("lead_sponsor",), heading=_cosign, actionable=False),
    "review": NotifyRule(
        ("lead_sponsor",),
        when=lambda case, event: _data(event).get("decision") == "return",
        heading=_returned,
        verb="returned",
    ),
    "co_opinion": NotifyRule(("lead_unit",), heading=_co_opinion),
    # The reply waits for the unit's signer, who is asked at once; the deputies hear of it once
    # it is signed off (below), not before.
    "reply": NotifyRule(("lead_unit",)),
    "sign_off": NotifyRule(
        ("authors",),
        when=lambda case, event: bool(_data(event).get("approved")),
        heading=_replied,
        verb="replied",
    ),
    "open_survey": NotifyRule(
        ("survey_asked",), heading=_survey, url=_survey_url, verb="survey", actionable=True
    ),
    # The office is asked to decide (the decision does not move the case's state).
    "request_extension": NotifyRule(
        ("office",), heading=_extension_requested, verb="extension_requested", actionable=True
    ),
    "decide_extension": NotifyRule(
        ("requesting_unit",), heading=_extension_decided, verb="extension_decided"
    ),
    "co_opinion_overdue": NotifyRule(("late_unit_and_lead",), heading=_co_opinion_overdue),
    # One assignment is told as the loop tells it; a central assignment once per officer.
    "assign": NotifyRule(("units",), email=True, heading=_assigned, batch=_assigned_together),
}

for _kind in (Kind.SUGGESTION, Kind.MOTION):
    kinds.declare(_kind, notify=RULES)
