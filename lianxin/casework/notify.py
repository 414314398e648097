"""Who is told about a timeline event, and how. Runs after the action's transaction commits."""

from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from lianxin.accounts.models import Role, User
from lianxin.notifications.services import notify, send_sms

from .models import Assignment, Case, CaseEvent, Rating
from .workflow import workflow_for


def office_users(case: Case) -> list[User]:
    if case.congress_id:
        qs = User.objects.filter(
            roles__role=Role.DEPUTY_AFFAIRS_STAFF, roles__congress_id=case.congress_id
        )
    elif case.cppcc_id:
        qs = User.objects.filter(roles__role=Role.CPPCC_STAFF, roles__cppcc_id=case.cppcc_id)
    else:
        return []
    return list(qs.filter(is_active=True).distinct())


def station_users(case: Case) -> list[User]:
    if not case.station_id:
        return []
    return list(
        User.objects.filter(
            roles__role=Role.STATION_MANAGER, roles__station_id=case.station_id, is_active=True
        ).distinct()
    )


def deputy_users(case: Case) -> list[User]:
    if not case.deputy_id:
        return []
    return list(
        User.objects.filter(
            person__deputy_seats__pk=case.deputy_id, roles__role=Role.DEPUTY, is_active=True
        ).distinct()
    )


def unit_users(case: Case, *, lead_only: bool = False) -> list[User]:
    assignments = Assignment.objects.filter(case=case, status=Assignment.Status.ACTIVE)
    if lead_only:
        assignments = assignments.filter(role=Assignment.Role.LEAD)
    return list(
        User.objects.filter(
            roles__role=Role.UNIT_OFFICER,
            roles__unit_id__in=assignments.values("unit_id"),
            is_active=True,
        ).distinct()
    )


def case_url(case: Case) -> str:
    return case.get_absolute_url()


def tracking_url(case: Case) -> str:
    name = workflow_for(case.kind).tracking_url_name
    if not name:
        return ""
    try:
        return settings.LIANXIN_PUBLIC_BASE_URL + reverse(name, args=[case.tracking_code])
    except NoReverseMatch:
        return ""


def _citizen_sms(case: Case, body: str, key: str) -> None:
    """A message to whoever raised the case and to everyone whose duplicate joined it."""
    for c in [case, *Case.objects.filter(merged_into=case)]:
        if c.contact_phone and not c.is_anonymous:
            link = tracking_url(c)
            send_sms(
                c.contact_phone,
                _("【连心】%(body)s 查询码 %(code)s %(link)s")
                % {"body": body, "code": c.tracking_code, "link": link},
                dedupe_key=f"{key}:{c.pk}",
            )


def on_event(event_id: int) -> None:
    event = CaseEvent.objects.select_related("case", "actor").filter(pk=event_id).first()
    if event is None:
        return
    case = event.case
    action = event.action
    title = case.display_title
    url = case_url(case)
    label = workflow_for(case.kind).action_label(action)
    heading = _("%(action)s：%(title)s") % {"action": label, "title": title}
    people: list[User] = []
    email = False
    if action == "register":
        people = office_users(case) + station_users(case) + deputy_users(case)
        heading = _("新的%(kind)s：%(title)s") % {"kind": case.get_kind_display(), "title": title}
        # The citizen keeps the tracking code even after closing the page.
        _citizen_sms(case, _("您反映的问题已登记，我们将及时办理。"), f"register:{event.pk}")
    elif action == "triage":
        people = deputy_users(case) + station_users(case)
    elif action == "assign":
        people, email = unit_users(case), True
        # The due date as assigned (the case may have moved on before this runs).
        heading = _("新交办：%(title)s（%(due)s前答复）") % {
            "title": title,
            "due": (event.data or {}).get("due_date", ""),
        }
    elif action == "return":
        people, email = office_users(case), True
    elif action == "reply":
        people = office_users(case) + station_users(case) + deputy_users(case)
    elif action == "feedback":
        _citizen_sms(case, _("您反映的问题已有办理结果，请查看并评价。"), f"feedback:{event.pk}")
    elif action == "merge":
        _citizen_sms(case, _("您反映的问题已与相同问题合并办理。"), f"merge:{event.pk}")
    elif action == "decline":
        _citizen_sms(case, _("您反映的问题经梳理不予受理，理由见查询页面。"), f"decline:{event.pk}")
    elif action == "derive":
        # casework.lineage: the opinion was turned into a case of another kind.
        _citizen_sms(
            case,
            _("您反映的问题已由代表转为代表建议办理，可凭查询码查看进展。"),
            f"derive:{event.pk}",
        )
    elif action == "origin_reply":
        _citizen_sms(
            case,
            _("您反映的问题所转的代表建议已有答复，请查看并评价。"),
            f"origin_reply:{event.pk}",
        )
    elif action == "evaluate":
        people = office_users(case) + station_users(case)
        if (event.data or {}).get("rating") == Rating.DISSATISFIED:
            people += unit_users(case, lead_only=True)
    elif action in ("rehandle", "supervise", "remind"):
        people, email = unit_users(case), True
        if not people:
            people = deputy_users(case) + station_users(case)
    elif action == "overdue":
        people, email = office_users(case) + unit_users(case), True
        heading = _("已逾期：%(title)s") % {"title": title}
    if event.actor_id:
        people = [p for p in people if p.pk != event.actor_id]
    if people:
        notify(
            people,
            verb=action,
            title=heading,
            body=event.note[:500],
            url=url,
            email=email,
        )


def due_reminder(case: Case, which: str) -> int:
    """Tell whoever must act that the current step is due soon (`soon`) or today (`today`);
    once per case, due date and kind of reminder."""
    from lianxin.notifications.models import Notification

    key = f"due_{which}:{case.pk}:{case.due_date.isoformat()}"
    if Notification.objects.filter(dedupe_key=key).exists():
        return 0
    people = unit_users(case) or (office_users(case) + station_users(case) + deputy_users(case))
    if which == "soon":
        heading = _("即将到期：%(title)s（%(due)s）")
    else:
        heading = _("今日到期：%(title)s（%(due)s）")
    rows = notify(
        people,
        verb=f"due_{which}",
        title=heading % {"title": case.display_title, "due": case.due_date.isoformat()},
        url=case_url(case),
        dedupe_key=key,
        email=True,
    )
    return len(rows)
