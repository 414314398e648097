"""Who is told about a timeline event, and how. Runs after the action's transaction commits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianxin.accounts import access
from lianxin.accounts.access import visible_to
from lianxin.accounts.models import Role, RoleAssignment, User
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
    return list(access.deputy_seat_holders([case.deputy_id]))


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


def can_act(case: Case, user: User) -> bool:
    """Whether `user` may take the case's next step now, as the kind's workflow and the access
    rules (each app's rules.py) say: a transition that moves the case on and is not a side step.
    Consultation notes, supervision and reminders (no change of state), merge, decline and
    withdraw (secondary) do not count."""
    return any(
        t.target is not None and not t.secondary
        for t in workflow_for(case.kind).available(case, user)
    )


def deadline_audience(case: Case) -> list[User]:
    """Whoever may take the case's next step now, among its units, office, station and deputy:
    a deadline is news only to those who can meet it."""
    seen: set[int] = set()
    people = []
    for p in unit_users(case) + office_users(case) + station_users(case) + deputy_users(case):
        if p.pk not in seen:
            seen.add(p.pk)
            if can_act(case, p):
                people.append(p)
    return people


def unit_users_many(cases, *, lead_only: bool = False) -> dict[int, list[User]]:
    """`unit_users` of many cases at once (two queries per 5,000 cases): case id → users."""
    ids = [c.pk for c in cases]
    units: dict[int, list[int]] = {}
    for first in range(0, len(ids), 5000):
        rows = Assignment.objects.filter(
            case_id__in=ids[first : first + 5000], status=Assignment.Status.ACTIVE
        )
        if lead_only:
            rows = rows.filter(role=Assignment.Role.LEAD)
        for case_id, unit_id in rows.values_list("case_id", "unit_id"):
            units.setdefault(case_id, []).append(unit_id)
    officers: dict[int, dict[int, User]] = {}
    wanted = sorted({u for us in units.values() for u in us})
    for first in range(0, len(wanted), 5000):
        for role in RoleAssignment.objects.filter(
            role=Role.UNIT_OFFICER, unit_id__in=wanted[first : first + 5000], user__is_active=True
        ).select_related("user"):
            officers.setdefault(role.unit_id, {})[role.user_id] = role.user
    result: dict[int, list[User]] = {}
    for case_id, unit_ids in units.items():
        people = {}
        for unit_id in unit_ids:
            people.update(officers.get(unit_id, {}))
        result[case_id] = list(people.values())
    return result


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


def _citizen_sms(case: Case, body: str, key: str, *, merged_only: bool = False) -> None:
    """A message to whoever raised the case and to everyone whose duplicate joined it (only to
    the latter with `merged_only`: a kind whose own caller is told by another system)."""
    merged = list(Case.objects.filter(merged_into=case).order_by("pk"))
    for c in merged if merged_only else [case, *merged]:
        if c.contact_phone and not c.is_anonymous:
            link = tracking_url(c)
            send_sms(
                c.contact_phone,
                _("【连心】%(body)s 查询码 %(code)s %(link)s")
                % {"body": body, "code": c.tracking_code, "link": link},
                dedupe_key=f"{key}:{c.pk}",
            )


def _office(case: Case, _event) -> list[User]:
    return office_users(case)


def _station(case: Case, _event) -> list[User]:
    return station_users(case)


def _deputy(case: Case, _event) -> list[User]:
    return deputy_users(case)


def _units(case: Case, _event) -> list[User]:
    return unit_users(case)


def _lead_if_dissatisfied(case: Case, event) -> list[User]:
    if (event.data or {}).get("rating") == Rating.DISSATISFIED:
        return unit_users(case, lead_only=True)
    return []


def _lead_unit(case: Case, _event) -> list[User]:
    return unit_users(case, lead_only=True)


def _deadline(case: Case, _event) -> list[User]:
    return deadline_audience(case)


AUDIENCES: dict[str, Callable[[Case, CaseEvent], list[User]]] = {
    "office": _office,
    "station": _station,
    "deputy": _deputy,
    "units": _units,
    "lead_unit": _lead_unit,
    "lead_if_dissatisfied": _lead_if_dissatisfied,
    "deadline": _deadline,
}


# The same audiences for many cases at once (cases → case id → users), used when one action
# wrote many events (a central assignment), so that routing costs a few queries per batch
# rather than one per case. Only audiences that do not depend on the event have one.
AUDIENCES_MANY: dict[str, Callable[[list[Case]], dict[int, list[User]]]] = {
    "units": unit_users_many,
    "lead_unit": lambda cases: unit_users_many(cases, lead_only=True),
}


def register_audience(
    name: str,
    fn: Callable[[Case, CaseEvent], list[User]],
    *,
    many: Callable[[list[Case]], dict[int, list[User]]] | None = None,
) -> None:
    """An app names a group of people its kinds' rules may tell (e.g. a suggestion's authors):
    fn(case, event) → the users; `many(cases)` → {case id: users}, the same for many cases at
    once, when the group does not depend on the event."""
    AUDIENCES[name] = fn
    if many is not None:
        AUDIENCES_MANY[name] = many
    else:
        AUDIENCES_MANY.pop(name, None)


@dataclass(frozen=True)
class NotifyRule:
    """Who hears of one action on a case, and what they read.

    `audiences` name entries of AUDIENCES; `fallback` is asked when they are all empty; `sms` is
    the message to the citizens who raised the case; `when(case, event)` limits the rule to some
    outcomes of the action (a review that returns the draft); `heading`, `url` and `body` shape
    the notification (default: the action's label and the title, the case's page, the event's
    note), `verb` names it (default: the action). `batch(person, events)` → (title, url): when
    one action writes many events at once (a central assignment), each person is told once,
    however many of the events name them.

    Who is asked to act and who is only told: `actionable` None (the default) asks the
    workflow, person by person, whether they may take the case's next step now (`can_act`);
    True says the audience is asked to act by the event itself (an invitation to co-sign, a
    survey); False that it is news for all of them. Those who can act are told at once, with
    the e-mail; the others' notice is informational (`notify(informational=True)`: in their
    daily digest unless they chose to be told at once). `worklist`: the step the event opens
    waits in the work list of whoever can act (a new opinion to triage), whose count on the
    workbench tells them, so they get no notification per item; the others are told as
    news."""

    audiences: tuple[str, ...] = ()
    fallback: tuple[str, ...] = ()
    email: bool = False
    sms: object = None
    heading: Callable[[Case, CaseEvent], str] | None = None
    when: Callable[[Case, CaseEvent], bool] | None = None
    url: Callable[[Case, CaseEvent], str] | None = None
    body: Callable[[Case, CaseEvent], str] | None = None
    verb: str = ""
    batch: Callable[[User, list[CaseEvent]], tuple[str, str]] | None = None
    # The SMS goes only to the citizens whose duplicates were merged into the case.
    sms_merged_only: bool = False
    actionable: bool | None = None
    worklist: bool = False


_rules: dict[tuple[str | None, str], NotifyRule] = {}


def notify_rule(action: str, rule: NotifyRule, *, kind: str | None = None) -> None:
    """Register who hears of `action`: for every kind (`kind` None, the loop's rules) or for one
    kind, which then replaces the loop's rule for it."""
    for name in (*rule.audiences, *rule.fallback):
        if name not in AUDIENCES:
            raise ValueError(f"unknown audience {name!r}")
    _rules[(kind, action)] = rule


def forget_rules(kind: str) -> None:
    for key in [k for k in _rules if k[0] == kind]:
        del _rules[key]


def rule_for(kind: str, action: str) -> NotifyRule | None:
    return _rules.get((kind, action)) or _rules.get((None, action))


def _register_heading(case: Case, _event) -> str:
    return _("新的%(kind)s：%(title)s") % {
        "kind": case.get_kind_display(),
        "title": case.display_title,
    }


def _assign_heading(case: Case, event) -> str:
    # The due date as assigned (the case may have moved on before this runs).
    return _("新交办：%(title)s（%(due)s前答复）") % {
        "title": case.display_title,
        "due": (event.data or {}).get("due_date", ""),
    }


def _overdue_heading(case: Case, _event) -> str:
    return _("已逾期：%(title)s") % {"title": case.display_title}


everyone = ("office", "station", "deputy")
for _action, _rule in {
    # The citizen keeps the tracking code even after closing the page.
    # A new opinion waits in the triage work list of the office and the station.
    "register": NotifyRule(
        everyone,
        sms=gettext_lazy("您反映的问题已登记，我们将及时办理。"),
        heading=_register_heading,
        worklist=True,
    ),
    # The deputy and the station find a triaged opinion in their work lists.
    "triage": NotifyRule(("deputy", "station"), worklist=True),
    "assign": NotifyRule(("units",), email=True, heading=_assign_heading),
    "return": NotifyRule(("office",), email=True),
    "reply": NotifyRule(everyone),
    "feedback": NotifyRule(sms=gettext_lazy("您反映的问题已有办理结果，请查看并评价。")),
    "merge": NotifyRule(sms=gettext_lazy("您反映的问题已与相同问题合并办理。")),
    "unmerge": NotifyRule(
        ("office",), sms=gettext_lazy("您反映的问题已恢复单独办理，可凭查询码查看进展。")
    ),
    "decline": NotifyRule(sms=gettext_lazy("您反映的问题经梳理不予受理，理由见查询页面。")),
    "evaluate": NotifyRule(("office", "station", "lead_if_dissatisfied")),
    "rehandle": NotifyRule(("units",), fallback=("deputy", "station"), email=True),
    "supervise": NotifyRule(("units",), fallback=("deputy", "station"), email=True),
    "remind": NotifyRule(("units",), fallback=("deputy", "station"), email=True),
    # Only those who can still act hear of a missed deadline; the office has its 超期 list.
    "overdue": NotifyRule(("deadline",), email=True, heading=_overdue_heading, actionable=True),
}.items():
    notify_rule(_action, _rule)


def audience(
    case: Case, event: CaseEvent, rule: NotifyRule, *, known: dict | None = None
) -> list[User]:
    """The people `rule` names for `event`, without its actor, each once. `known`: audiences
    already found for many cases at once (`audiences_many`)."""
    if rule.when is not None and not rule.when(case, event):
        return []

    def of(name: str) -> list[User]:
        if known is not None and name in known:
            return known[name].get(case.pk, [])
        return AUDIENCES[name](case, event)

    people: list[User] = []
    for name in rule.audiences:
        people += of(name)
    if not people:
        for name in rule.fallback:
            people += of(name)
    seen, result = set(), []
    for p in people:
        if p.pk not in seen and p.pk != event.actor_id:
            seen.add(p.pk)
            result.append(p)
    return result


def split(case: Case, rule: NotifyRule, people: list[User]) -> tuple[list[User], list[User]]:
    """(who is asked to act now, who is only told) among `people` (see `NotifyRule`)."""
    if rule.actionable is None:
        acting = [p for p in people if can_act(case, p)]
    else:
        acting = list(people) if rule.actionable else []
    told = [p for p in people if p not in acting]
    if rule.worklist:
        acting = []
    return acting, told


def _tell(case: Case, event: CaseEvent, rule: NotifyRule, people: list[User]) -> None:
    acting, told = split(case, rule, people)
    if rule.heading is not None:
        heading = rule.heading(case, event)
    else:
        label = workflow_for(case.kind).action_label(event.action)
        heading = _("%(action)s：%(title)s") % {"action": label, "title": case.display_title}
    message = {
        "verb": rule.verb or event.action,
        "title": heading,
        "body": (rule.body(case, event) if rule.body is not None else event.note)[:500],
        "url": rule.url(case, event) if rule.url is not None else case_url(case),
    }
    notify(acting, **message, email=rule.email)
    notify(told, **message, informational=True)


def on_event(event_id: int) -> None:
    """Tell whoever the rule of the event's kind and action names."""
    event = CaseEvent.objects.select_related("case", "actor").filter(pk=event_id).first()
    if event is None:
        return
    case = event.case
    rule = rule_for(case.kind, event.action)
    if rule is None:
        return
    if rule.when is not None and not rule.when(case, event):
        return
    if rule.sms:
        _citizen_sms(
            case, str(rule.sms), f"{event.action}:{event.pk}", merged_only=rule.sms_merged_only
        )
    people = audience(case, event, rule)
    if people:
        _tell(case, event, rule, people)
    _tell_followers(case, event, exclude={p.pk for p in people})


def followers(case: Case, *, exclude: set[int] = frozenset()) -> list[User]:
    """Those who follow the case and may still see it (a role given up since is checked)."""
    people = User.objects.filter(followed_cases__case=case, is_active=True).exclude(pk__in=exclude)
    return [p for p in people if visible_to(p, Case.objects.filter(pk=case.pk)).exists()]


def _tell_followers(case: Case, event: CaseEvent, *, exclude: set[int]) -> None:
    people = followers(case, exclude=exclude | {event.actor_id})
    if not people:
        return
    label = workflow_for(case.kind).action_label(event.action)
    title = _("关注的事项有新进展（%(action)s）：%(title)s") % {
        "action": label,
        "title": case.display_title,
    }
    notify(people, verb="followed", title=title, url=case_url(case), informational=True)


def audiences_many(rule: NotifyRule, cases: list[Case]) -> dict[str, dict[int, list[User]]]:
    """The audiences of `rule` that can be found for all these cases at once."""
    names = dict.fromkeys((*rule.audiences, *rule.fallback))
    return {name: AUDIENCES_MANY[name](cases) for name in names if name in AUDIENCES_MANY}


def on_events(event_ids: list[int]) -> None:
    """Events one action wrote together: a rule with `batch` tells each person once for all the
    events that name them; every other event goes as `on_event` sends it."""
    events = list(
        CaseEvent.objects.select_related("case", "actor").filter(pk__in=event_ids).order_by("pk")
    )
    grouped: dict[tuple[str, str], list[CaseEvent]] = {}
    for event in events:
        rule = rule_for(event.case.kind, event.action)
        if rule is not None and rule.batch is not None:
            grouped.setdefault((event.case.kind, event.action), []).append(event)
        else:
            on_event(event.pk)
    for (kind, action), batch in grouped.items():
        rule = rule_for(kind, action)
        known = audiences_many(rule, [event.case for event in batch])
        mine: dict[int, tuple[User, list[CaseEvent]]] = {}
        for event in batch:
            for person in audience(event.case, event, rule, known=known):
                mine.setdefault(person.pk, (person, []))[1].append(event)
        for person, theirs in mine.values():
            title, url = rule.batch(person, theirs)
            notify([person], verb=rule.verb or action, title=title, url=url, email=rule.email)


def due_reminder(case: Case, which: str) -> int:
    """Tell whoever can act that the current step is due soon (`soon`) or today (`today`);
    once per case, due date and kind of reminder."""
    from lianxin.notifications.models import Notification

    key = f"due_{which}:{case.pk}:{case.due_date.isoformat()}"
    if Notification.objects.filter(dedupe_key=key).exists():
        return 0
    people = deadline_audience(case)
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
