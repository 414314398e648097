"""The only writers of suggestions and motions. One function per change.

Steps the loop shares (assign, consult, reply, rehandle, conclude, return, remind) call
`casework.actions`, adding what is a suggestion's own around them in the same transaction
(complexity and calendar-month due dates, commitments, the sign-off, per-deputy ratings).
Steps that are only a suggestion's (submit, co-sign, the three-tier review, resubmit, the
co-handling units' opinions, the presidium's decision) lock the case and record the timeline
event through the loop's own helpers, so every change looks the same on the timeline.

`acting_user=None` is trusted code (imports, the demo loader).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.accounts.access import can, grants
from lianxin.casework import actions as loop
from lianxin.casework import deadlines
from lianxin.casework.actions import _begin, _finish, clean_text
from lianxin.casework.models import (
    Assignment,
    Case,
    CaseEvent,
    Category,
    Channel,
    DeadlinePolicy,
    Evaluation,
    Kind,
    Rating,
    Reply,
    ReplyCategory,
)
from lianxin.casework.queries import active_assignments
from lianxin.casework.workflow import Transition
from lianxin.core.errors import Conflict, Forbidden, ValidationFailed
from lianxin.org.models import Body, Deputy, HandlingUnit, SeatStatus

from . import queries
from .models import (
    Commitment,
    CoOpinion,
    CoSponsor,
    HandlingRating,
    KeySupervision,
    Motion,
    MotionPolicy,
    Outcome,
    Quality,
    ReplySignoff,
    Session,
    Suggestion,
)
from .workflow import MOTION_WORKFLOW, SUGGESTION_WORKFLOW, MotionState, SuggestionState

S = SuggestionState
M = MotionState

MAX_TITLE = 100
MAX_CONTENT = 10000
MAX_COSPONSORS = 100
RATING_ORDER = {Rating.DISSATISFIED: 0, Rating.BASICALLY_SATISFIED: 1, Rating.SATISFIED: 2}


# --- Helpers ------------------------------------------------------------------------------------


def _row(workflow, action: str, target: str) -> Transition:
    """The table row of `action` that ends in `target` (see workflow.py)."""
    for t in workflow.transitions:
        if t.action == action and t.target == target:
            return t
    raise LookupError(f"{workflow.kind}: no {action} → {target}")


def _outcome(checked: Transition, workflow, target: str) -> Transition:
    """The checked transition, moved to the decision's target."""
    row = _row(workflow, checked.action, target)
    return replace(checked, target=row.target)


def seat_for(user, congress=None) -> Deputy:
    """The caller's serving seat in `congress`; `congress` is required for a deputy who sits in
    more than one."""
    g = grants(user)
    seats = list(
        Deputy.objects.filter(pk__in=g.deputy_ids, status=SeatStatus.SERVING).select_related(
            "congress__region", "person"
        )
    )
    if not seats:
        raise Forbidden(_("只有在任人大代表才能提出建议或议案。"))
    if congress is None:
        if len(seats) > 1:
            raise ValidationFailed(
                _("您是多个人民代表大会的代表，请选择以哪一级人大代表的身份提出。"),
                field="congress",
            )
        return seats[0]
    for seat in seats:
        if seat.congress_id == getattr(congress, "pk", congress):
            return seat
    raise ValidationFailed(_("您不是该人民代表大会的代表。"), field="congress")


def clean_cosponsors(author: Deputy, deputies: Iterable) -> list[Deputy]:
    """Co-sponsors: serving deputies of the author's congress, each once, never the author."""
    result: list[Deputy] = []
    seen: set[int] = set()
    for value in deputies:
        seat = value if isinstance(value, Deputy) else None
        if seat is None:
            text = str(value).strip()
            seat = (
                Deputy.objects.select_related("person").filter(pk=int(text)).first()
                if text.isdigit()
                else None
            )
        if seat is None or seat.congress_id != author.congress_id:
            raise ValidationFailed(
                _("联名代表“%(value)s”不是本级人民代表大会的代表。") % {"value": str(value)[:20]},
                field="co_sponsors",
            )
        if seat.status != SeatStatus.SERVING:
            raise ValidationFailed(
                _("%(name)s已不在任，不能联名。") % {"name": seat.person.name}, field="co_sponsors"
            )
        if seat.pk == author.pk:
            raise ValidationFailed(_("领衔代表不必再作为联名代表。"), field="co_sponsors")
        if seat.pk in seen:
            continue
        seen.add(seat.pk)
        result.append(seat)
    if len(result) > MAX_COSPONSORS:
        raise ValidationFailed(
            _("联名代表不能超过 %(n)s 人。") % {"n": MAX_COSPONSORS}, field="co_sponsors"
        )
    return result


def _notify(users, *, verb: str, title: str, url: str, body: str = "") -> None:
    from lianxin.notifications.services import notify

    users = [u for u in users if u is not None]
    if users:
        transaction.on_commit(
            partial(notify, users, verb=verb, title=title, body=body[:500], url=url)
        )


def _users_of_seats(seat_ids: Iterable[int]):
    from lianxin.accounts.models import Role, User

    return list(
        User.objects.filter(
            person__deputy_seats__pk__in=list(seat_ids), roles__role=Role.DEPUTY, is_active=True
        ).distinct()
    )


def detail_url(case: Case) -> str:
    from django.urls import reverse

    return reverse("suggestion_detail", args=[case.pk])


def due_after_assignment(start: dt.date, *, complex: bool = False) -> dt.date:
    """Three calendar months from assignment, six for a complex suggestion (Deputies Law art.
    49). Counted as the Civil Code counts periods (arts. 201–203): the corresponding day of the
    last month, or its last day when it has none; a last day that falls on a holiday moves to
    the first working day after it."""
    step = DeadlinePolicy.Step.HANDLE_COMPLEX if complex else DeadlinePolicy.Step.HANDLE
    day = deadlines.due(Kind.SUGGESTION, step, start)
    while not deadlines.is_workday(day):
        day += dt.timedelta(days=1)
    return day


def _category(value) -> Category | None:
    if value in (None, "") or isinstance(value, Category):
        return value or None
    from lianxin.casework import resolve

    return resolve.category(value)


def _texts(title, content, problem, measures) -> dict[str, str]:
    return {
        "title": clean_text(title, field="title", label=_("标题"), max_length=MAX_TITLE),
        "content": clean_text(
            content, field="content", label=_("建议内容"), max_length=MAX_CONTENT
        ),
        "problem": clean_text(
            problem, field="problem", label=_("存在的问题"), required=False, max_length=MAX_CONTENT
        ),
        "measures": clean_text(
            measures, field="measures", label=_("建议措施"), required=False, max_length=MAX_CONTENT
        ),
    }


def _owner(seat: Deputy) -> dict:
    congress = seat.congress
    return {
        "congress": congress,
        "region": congress.region,
        "scope_code": congress.region.code,
        "raised_by_deputy": seat,
        "channel": Channel.DEPUTY,
    }


# --- Writing and submitting -----------------------------------------------------------------------


@transaction.atomic
def do_create_suggestion(
    *,
    author: Deputy,
    title: str,
    content: str,
    problem: str = "",
    measures: str = "",
    category=None,
    in_session: bool | None = None,
    session: Session | None = None,
    co_sponsors: Sequence = (),
    attachments: Iterable[dict] = (),
    acting_user,
) -> Case:
    """A deputy's suggestion, kept as a draft; the co-sponsors are invited to confirm."""
    texts = _texts(title, content, problem, measures)
    category = _category(category)
    if acting_user is not None and not can(acting_user, "suggestion.create", author):
        raise Forbidden(_("只能以本人的代表身份提出建议。"))
    if author.status != SeatStatus.SERVING:
        raise ValidationFailed(_("该代表已不在任。"), field="congress")
    cosponsors = clean_cosponsors(author, co_sponsors)
    session, in_session = _session_for(author.congress, session, in_session)
    case, _created = loop.do_register_case(
        kind=Kind.SUGGESTION,
        title=texts["title"],
        content=texts["content"],
        category=category,
        acting_user=acting_user,
        attachments=attachments,
        **_owner(author),
    )
    Suggestion.objects.create(
        case=case,
        session=session,
        in_session=in_session,
        problem=texts["problem"],
        measures=texts["measures"],
    )
    _invite(case, cosponsors, acting_user)
    return case


def _session_for(congress, session: Session | None, in_session: bool | None):
    today = deadlines.today()
    if session is not None:
        if session.congress_id != congress.pk:
            raise ValidationFailed(_("所选会议不属于该人民代表大会。"), field="session")
        if in_session is False:
            return None, False
        return session, True
    if in_session is False:
        return None, False
    found = queries.open_session(congress, today)
    if found is None and in_session:
        raise ValidationFailed(
            _("%(congress)s当前不在会议期间，请作为闭会期间建议提出。")
            % {"congress": congress.name},
            field="in_session",
        )
    return found, found is not None


def _invite(case: Case, seats: Sequence[Deputy], acting_user) -> None:
    if not seats:
        return
    CoSponsor.objects.bulk_create([CoSponsor(case=case, deputy=s) for s in seats])
    lead = case.raised_by_deputy.person.name if case.raised_by_deputy_id else ""
    _notify(
        _users_of_seats(s.pk for s in seats),
        verb="cosign_invite",
        title=_("%(lead)s邀请您联名：%(title)s") % {"lead": lead, "title": case.display_title},
        url=detail_url(case),
    )


@transaction.atomic
def do_update_draft(
    case: Case,
    *,
    title: str,
    content: str,
    problem: str = "",
    measures: str = "",
    category=None,
    co_sponsors: Sequence | None = None,
    acting_user,
    version: int | None = None,
) -> Case:
    """Edit a draft; a new list of co-sponsors keeps the answers of those still on it."""
    texts = _texts(title, content, problem, measures)
    category = _category(category)
    locked = loop._lock(case, version=version)
    if locked.state != S.DRAFT:
        raise Conflict(_("只有草稿可以修改。"), code="invalid_transition")
    if acting_user is not None and not can(acting_user, "suggestion.submit", locked):
        raise Forbidden(_("只有领衔代表可以修改草稿。"))
    locked.title, locked.content, locked.category = texts["title"], texts["content"], category
    fields = ["title", "content", "category"]
    if co_sponsors is not None:
        seats = clean_cosponsors(locked.raised_by_deputy, co_sponsors)
        keep = {s.pk for s in seats}
        CoSponsor.objects.filter(case=locked).exclude(deputy_id__in=keep).delete()
        known = set(CoSponsor.objects.filter(case=locked).values_list("deputy_id", flat=True))
        _invite(locked, [s for s in seats if s.pk not in known], acting_user)
    if locked.kind == Kind.SUGGESTION:
        Suggestion.objects.filter(case=locked).update(
            problem=texts["problem"], measures=texts["measures"]
        )
    locked.version += 1
    locked.save(update_fields=[*fields, "version", "updated_at"])
    return locked


@transaction.atomic
def do_cosign(
    case: Case,
    *,
    accept: bool = True,
    deputy: Deputy | None = None,
    acting_user,
    version: int | None = None,
) -> CoSponsor:
    """An invited deputy confirms (or declines) co-signing. The office of the congress may
    record a signature given on paper for a motion (`deputy` names whose)."""
    locked, t = _begin(case, "cosign", acting_user, version=version)
    g = grants(acting_user)
    rows = CoSponsor.objects.select_for_update().filter(case=locked)
    if deputy is not None:
        row = rows.filter(deputy=deputy).first()
        own = deputy.pk in g.deputy_ids
        if row is None:
            raise ValidationFailed(_("该代表不在联名邀请之列。"), field="deputy")
        if not own and locked.congress_id not in g.staff_congresses:
            raise Forbidden(_("只能确认本人的联名。"))
    else:
        row = rows.filter(deputy_id__in=g.deputy_ids).order_by("id").first()
        if row is None:
            raise ValidationFailed(_("您不在联名邀请之列。"), field="deputy")
    if row.status != CoSponsor.Status.INVITED:
        raise Conflict(_("该联名邀请已答复。"), code="already_answered")
    row.status = CoSponsor.Status.CONFIRMED if accept else CoSponsor.Status.DECLINED
    row.responded_at = timezone.now()
    row.recorded_by = acting_user
    row.save(update_fields=["status", "responded_at", "recorded_by"])
    name = row.deputy.person.name
    _finish(
        locked,
        t,
        acting_user,
        note=(_("%(name)s确认联名。") if accept else _("%(name)s谢绝联名。")) % {"name": name},
        data={"deputy": row.deputy_id, "name": name, "accept": bool(accept)},
    )
    _notify(
        _users_of_seats([locked.raised_by_deputy_id]),
        verb="cosign",
        title=(_("%(name)s已确认联名：%(title)s") if accept else _("%(name)s谢绝联名：%(title)s"))
        % {"name": name, "title": locked.display_title},
        url=detail_url(locked),
    )
    return row


@transaction.atomic
def do_submit_suggestion(case: Case, *, acting_user, version: int | None = None) -> Case:
    locked, t = _begin(case, "submit", acting_user, version=version)
    suggestion = Suggestion.objects.select_for_update().get(case=locked)
    today = deadlines.today()
    if (
        suggestion.in_session
        and suggestion.session
        and not suggestion.session.accepts_suggestions_on(today)
    ):
        raise ValidationFailed(
            _("%(session)s的建议提交截止日期已过，请改为闭会期间建议。")
            % {"session": suggestion.session.name},
            field="in_session",
        )
    tiers = queries.review_tiers(locked.congress, suggestion.in_session)
    suggestion.review_tier = tiers[0].order
    suggestion.submitted_at = timezone.now()
    suggestion.save(update_fields=["review_tier", "submitted_at"])
    _finish(
        locked,
        t,
        acting_user,
        data={
            "in_session": suggestion.in_session,
            "session": suggestion.session.name if suggestion.session_id else "",
            "tier": tiers[0].order,
            "tier_name": tiers[0].name,
        },
        is_public=True,
    )
    return locked


@transaction.atomic
def do_withdraw(case: Case, *, reason: str = "", acting_user, version: int | None = None) -> Case:
    reason = clean_text(reason, field="reason", label=_("撤回理由"), required=False)
    locked, t = _begin(case, "withdraw", acting_user, version=version)
    _finish(locked, t, acting_user, note=reason)
    return locked


# --- The three-tier review --------------------------------------------------------------------------

DECISIONS = ("accept", "return", "merge")


@transaction.atomic
def do_review_suggestion(
    case: Case,
    *,
    decision: str,
    note: str = "",
    merge_into: Case | None = None,
    category=None,
    complex: bool | None = None,
    acting_user,
    version: int | None = None,
) -> Case:
    """One tier's decision: accept (on to the next tier, or accepted after the last), return for
    revision with a reason, or merge into a similar suggestion (its deputies join as authors)."""
    if decision not in DECISIONS:
        raise ValidationFailed(_("审查意见应为 accept、return 或 merge。"), field="decision")
    note = clean_text(note, field="note", label=_("审查意见"), required=decision == "return")
    category = _category(category)
    if decision == "merge" and merge_into is None:
        raise ValidationFailed(_("请指定要并入的建议。"), field="merge_into")
    locked, t = _begin(case, "review", acting_user, version=version)
    suggestion = Suggestion.objects.select_for_update().get(case=locked)
    tiers = queries.review_tiers(locked.congress, suggestion.in_session)
    tier = queries.tier_of(tiers, suggestion.review_tier) or tiers[0]
    data = {"decision": decision, "tier": tier.order, "tier_name": tier.name}
    fields: list[str] = []
    if decision == "accept":
        later = [x for x in tiers if x.order > tier.order]
        if later:
            target = S.IN_REVIEW
            suggestion.review_tier = later[0].order
            data["next_tier"] = later[0].name
        else:
            target = S.ACCEPTED
            suggestion.review_tier = 0
            suggestion.accepted_at = timezone.now()
        if complex is not None:
            suggestion.is_complex = bool(complex)
        if category is not None:
            locked.category = category
            fields.append("category")
        suggestion.return_reason = ""
    elif decision == "return":
        target = S.RETURNED
        suggestion.return_reason = note
    else:
        target = S.MERGED
        into = _merge(locked, merge_into, note, acting_user)
        locked.merged_into = into
        fields.append("merged_into")
        data["into"] = into.pk
        data["into_title"] = into.display_title
    suggestion.save()
    _finish(
        locked,
        _outcome(t, SUGGESTION_WORKFLOW, target),
        acting_user,
        fields=fields,
        note=note,
        data=data,
        is_public=decision != "return",
    )
    if decision == "return":
        _notify(
            _users_of_seats([locked.raised_by_deputy_id]),
            verb="returned",
            title=_("建议退回修改：%(title)s") % {"title": locked.display_title},
            body=note,
            url=detail_url(locked),
        )
    return locked


def _merge(locked: Case, into: Case, note: str, acting_user) -> Case:
    if into.pk == locked.pk:
        raise ValidationFailed(_("不能并入建议本身。"), field="merge_into")
    target = Case.objects.select_for_update().get(pk=into.pk)
    if target.kind != Kind.SUGGESTION or target.congress_id != locked.congress_id:
        raise ValidationFailed(_("只能并入同一人民代表大会的建议。"), field="merge_into")
    if target.state in (S.DRAFT, S.RETURNED) or target.merged_into_id or target.is_closed:
        raise ValidationFailed(_("目标建议尚未提交、已办结或已并入其他建议。"), field="merge_into")
    # Every deputy of the merged suggestion remains an author of the one it joins.
    authors = [locked.raised_by_deputy_id] + list(
        CoSponsor.objects.filter(case=locked, status=CoSponsor.Status.CONFIRMED).values_list(
            "deputy_id", flat=True
        )
    )
    existing = set(CoSponsor.objects.filter(case=target).values_list("deputy_id", flat=True))
    existing.add(target.raised_by_deputy_id)
    now = timezone.now()
    CoSponsor.objects.filter(case=target, deputy_id__in=authors).exclude(
        status=CoSponsor.Status.CONFIRMED
    ).update(status=CoSponsor.Status.CONFIRMED, responded_at=now, source=CoSponsor.Source.MERGED)
    CoSponsor.objects.bulk_create(
        [
            CoSponsor(
                case=target,
                deputy_id=seat,
                status=CoSponsor.Status.CONFIRMED,
                source=CoSponsor.Source.MERGED,
                responded_at=now,
                recorded_by=acting_user,
            )
            for seat in dict.fromkeys(authors)
            if seat and seat not in existing
        ]
    )
    _finish(
        target,
        None,
        acting_user,
        action="merged_in",
        note=note,
        data={"case": locked.pk, "title": locked.display_title},
        is_public=True,
    )
    return target


@transaction.atomic
def do_resubmit_suggestion(
    case: Case,
    *,
    title: str | None = None,
    content: str | None = None,
    problem: str | None = None,
    measures: str | None = None,
    note: str = "",
    acting_user,
    version: int | None = None,
) -> Case:
    """The deputy revises a returned suggestion; it goes back to the tier that returned it."""
    note = clean_text(note, field="note", label=_("修改说明"), required=False)
    locked, t = _begin(case, "resubmit", acting_user, version=version)
    suggestion = Suggestion.objects.select_for_update().get(case=locked)
    texts = _texts(
        locked.title if title is None else title,
        locked.content if content is None else content,
        suggestion.problem if problem is None else problem,
        suggestion.measures if measures is None else measures,
    )
    changed = [f for f in ("title", "content") if texts[f] != getattr(locked, f)] + [
        f for f in ("problem", "measures") if texts[f] != getattr(suggestion, f)
    ]
    locked.title, locked.content = texts["title"], texts["content"]
    suggestion.problem, suggestion.measures = texts["problem"], texts["measures"]
    suggestion.save(update_fields=["problem", "measures"])
    _finish(
        locked,
        t,
        acting_user,
        fields=["title", "content"],
        note=note,
        data={"changed": changed, "tier": suggestion.review_tier},
        is_public=True,
    )
    return locked


# --- Assignment ---------------------------------------------------------------------------------


@transaction.atomic
def do_assign_suggestion(
    case: Case,
    *,
    lead_unit,
    co_units: Iterable = (),
    complex: bool | None = None,
    due_date: dt.date | None = None,
    note: str = "",
    acting_user,
    version: int | None = None,
) -> Case:
    """Single assignment (in recess, or a reassignment after a unit returned it): due three
    calendar months from today, six when complex, unless a date is given."""
    # The case first, then its suggestion row: the same order as every other action.
    loop._lock(case, version=version)
    suggestion = Suggestion.objects.select_for_update().get(case_id=case.pk)
    if complex is not None and complex != suggestion.is_complex:
        suggestion.is_complex = bool(complex)
        suggestion.save(update_fields=["is_complex"])
    due = due_date or due_after_assignment(deadlines.today(), complex=suggestion.is_complex)
    return loop.do_assign_case(
        case,
        lead_unit=lead_unit,
        co_units=co_units,
        due_date=due,
        note=note,
        acting_user=acting_user,
        version=version,
    )


@transaction.atomic
def do_co_opinion(
    case: Case, *, content: str, acting_user, version: int | None = None
) -> CoOpinion:
    """A co-handling unit's opinion to the lead unit."""
    content = clean_text(content, field="content", label=_("会办意见"))
    locked, t = _begin(case, "co_opinion", acting_user, version=version)
    g = grants(acting_user)
    mine = [a for a in active_assignments(locked) if a.role == "co" and a.unit_id in g.unit_ids]
    if not mine:
        raise Forbidden(_("只有协办单位可以提出会办意见。"))
    opinion = CoOpinion.objects.create(
        case=locked, unit=mine[0].unit, round=locked.round, content=content, author=acting_user
    )
    _finish(
        locked,
        t,
        acting_user,
        note=content,
        data={"unit": mine[0].unit.name, "co_opinion": opinion.pk},
    )
    from lianxin.casework.notify import unit_users

    _notify(
        unit_users(locked, lead_only=True),
        verb="co_opinion",
        title=_("%(unit)s提出会办意见：%(title)s")
        % {"unit": mine[0].unit.name, "title": locked.display_title},
        body=content,
        url=detail_url(locked),
    )
    return opinion


# --- Reply, sign-off, evaluation ------------------------------------------------------------------


def _clean_commitment(commitment, category: ReplyCategory) -> tuple[str, dt.date] | None:
    if commitment in (None, "", {}):
        if category.code == "B":
            raise ValidationFailed(_("B 类答复须写明承诺事项及完成时间。"), field="commitment")
        return None
    if isinstance(commitment, str):
        raise ValidationFailed(
            _("承诺事项应包括内容（content）和完成时间（due_on）。"), field="commitment"
        )
    content = clean_text(
        commitment.get("content"), field="commitment.content", label=_("承诺事项"), max_length=2000
    )
    raw = commitment.get("due_on")
    if raw in (None, ""):
        raise ValidationFailed(_("请填写承诺完成时间。"), field="commitment.due_on")
    try:
        due = raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw)[:10])
    except ValueError:
        raise ValidationFailed(
            _("承诺完成时间格式有误，应为 YYYY-MM-DD。"), field="commitment.due_on"
        ) from None
    if due < deadlines.today():
        raise ValidationFailed(_("承诺完成时间不能早于今天。"), field="commitment.due_on")
    if due > deadlines.today() + dt.timedelta(days=366 * 5):
        raise ValidationFailed(_("承诺完成时间不能超过五年。"), field="commitment.due_on")
    return content, due


def _reply_category(value) -> ReplyCategory:
    if isinstance(value, ReplyCategory):
        return value
    code = str(value or "").strip().upper()
    found = ReplyCategory.objects.filter(code=code).first() if code else None
    if found is None:
        raise ValidationFailed(_("请选择答复类别（A、B 或 C）。"), field="category")
    return found


@transaction.atomic
def do_reply_suggestion(
    case: Case,
    *,
    content: str,
    category,
    commitment: dict | None = None,
    is_public: bool = False,
    attachments: Iterable[dict] = (),
    acting_user,
    version: int | None = None,
) -> Reply:
    """The lead unit's reply letter with its category and any commitment; it waits for the
    unit head's sign-off before it reaches the deputies."""
    reply_category = _reply_category(category)
    promised = _clean_commitment(commitment, reply_category)
    reply = loop.do_reply_case(
        case,
        content=content,
        category=reply_category,
        is_public=is_public,
        attachments=attachments,
        acting_user=acting_user,
        version=version,
    )
    if promised:
        Commitment.objects.create(
            case_id=case.pk,
            reply=reply,
            unit=reply.unit,
            content=promised[0],
            due_on=promised[1],
        )
    return reply


@transaction.atomic
def do_sign_off_reply(
    case: Case, *, approve: bool = True, note: str = "", acting_user, version: int | None = None
) -> Case:
    """The unit head signs the reply letter off (it is sent to the deputies), or sends it back
    to be rewritten (with a reason)."""
    note = clean_text(note, field="note", label=_("签发意见"), required=not approve)
    locked, t = _begin(case, "sign_off", acting_user, version=version)
    reply = (
        Reply.objects.select_for_update(of=("self",))
        .filter(case=locked, signoff__isnull=True)
        .select_related("category")
        .order_by("-created_at", "-id")
        .first()
    )
    if reply is None:
        raise Conflict(_("没有待签发的答复。"), code="invalid_transition")
    commitments = Commitment.objects.filter(reply=reply, status=Commitment.Status.PENDING)
    if approve:
        if reply.category_id is None:
            raise ValidationFailed(
                _("该答复未标明答复类别，不能签发，请退回经办人修改。"), field="approve"
            )
        if reply.category.code == "B" and not commitments.exists():
            raise ValidationFailed(
                _("B 类答复未写明承诺事项，不能签发，请退回经办人修改。"), field="approve"
            )
    ReplySignoff.objects.create(reply=reply, approved=approve, signed_by=acting_user, note=note)
    commitments.update(status=Commitment.Status.OPEN if approve else Commitment.Status.VOID)
    fields = []
    if approve:
        locked.replied_at = timezone.now()
        fields.append("replied_at")
    _finish(
        locked,
        _outcome(t, SUGGESTION_WORKFLOW, S.REPLIED if approve else S.HANDLING),
        acting_user,
        fields=fields,
        note=note,
        data={
            "approved": bool(approve),
            "reply": reply.pk,
            "category": reply.category.code if reply.category_id else "",
        },
        is_public=bool(approve),
    )
    if approve:
        _notify(
            _users_of_seats(a.pk for a in queries.authors(locked)),
            verb="replied",
            title=_("您的建议已答复（%(category)s类），请评价：%(title)s")
            % {"category": reply.category.code, "title": locked.display_title},
            url=detail_url(locked),
        )
    return locked


@transaction.atomic
def do_evaluate_suggestion(
    case: Case, *, rating: str, comment: str = "", acting_user, version: int | None = None
) -> Evaluation:
    """Each deputy of the suggestion rates the reply once per round; the lowest rating counts
    (one dissatisfied author is enough to ask for re-handling)."""
    if rating not in Rating.values:
        raise ValidationFailed(_("请选择满意、基本满意或不满意。"), field="rating")
    comment = clean_text(
        comment, field="comment", label=_("评价意见"), required=False, max_length=2000
    )
    locked, t = _begin(case, "evaluate", acting_user, version=version)
    g = grants(acting_user)
    seats = [s for s in queries.authors(locked) if s.pk in g.deputy_ids]
    if not seats:
        raise Forbidden(_("只有提出建议的代表可以评价。"))
    evaluation = Evaluation.objects.create(
        case=locked,
        round=locked.round,
        rating=rating,
        comment=comment,
        by_deputy=seats[0],
        recorded_by=acting_user,
    )
    ratings = list(
        Evaluation.objects.filter(case=locked, round=locked.round).values_list("rating", flat=True)
    )
    locked.rating = min(ratings, key=lambda r: RATING_ORDER.get(r, 0))
    locked.evaluated_at = evaluation.created_at
    _finish(
        locked,
        t,
        acting_user,
        fields=["rating", "evaluated_at"],
        note=comment,
        data={"rating": rating, "round": locked.round, "deputy": seats[0].person.name},
        is_public=True,
    )
    return evaluation


def do_rehandle_suggestion(case: Case, *, reason: str, acting_user, version: int | None = None):
    """After a dissatisfied rating: handled again, with a second reply due in one month."""
    return loop.do_rehandle_case(case, reason=reason, acting_user=acting_user, version=version)


# --- Supervision and the office's evaluations -------------------------------------------------------


@transaction.atomic
def do_key_supervise(
    case: Case,
    *,
    note: str,
    leader: str = "",
    committee: Body | None = None,
    acting_user,
    version: int | None = None,
) -> Case:
    """Choose a suggestion for key supervision, with the leader or committee who supervises."""
    note = clean_text(note, field="note", label=_("督办意见"))
    leader = clean_text(leader, field="leader", label=_("督办领导"), required=False, max_length=50)
    if committee is not None and committee.congress_id != case.congress_id:
        raise ValidationFailed(_("督办委员会应属于本级人大。"), field="committee")
    if not leader and committee is None:
        raise ValidationFailed(_("请填写督办领导或选择督办委员会。"), field="leader")
    locked, t = _begin(case, "supervise", acting_user, version=version)
    locked.is_key_supervision = True
    locked.supervised_by = acting_user
    locked.supervision_note = note
    KeySupervision.objects.update_or_create(
        case=locked,
        defaults={"leader": leader, "committee": committee, "chosen_by": acting_user},
    )
    _finish(
        locked,
        t,
        acting_user,
        fields=["is_key_supervision", "supervised_by", "supervision_note"],
        note=note,
        data={"leader": leader, "committee": committee.name if committee else ""},
        is_public=True,
    )
    return locked


@transaction.atomic
def do_record_supervision(
    case: Case, *, note: str, result: bool = False, acting_user, version: int | None = None
) -> Case:
    """A supervision activity or progress (visits, meetings); `result` records the circulated
    result of the supervision."""
    note = clean_text(note, field="note", label=_("督办情况"))
    locked, t = _begin(case, "supervision_progress", acting_user, version=version)
    if result:
        KeySupervision.objects.update_or_create(case=locked, defaults={"result": note})
    _finish(locked, t, acting_user, note=note, data={"result": bool(result)})
    return locked


@transaction.atomic
def do_assess_quality(
    case: Case, *, quality: str, note: str = "", acting_user, version: int | None = None
) -> Case:
    if quality not in Quality.values:
        raise ValidationFailed(_("建议质量应为优秀、良好、一般或较差。"), field="quality")
    note = clean_text(note, field="note", label=_("评价说明"), required=False)
    locked, t = _begin(case, "assess", acting_user, version=version)
    Suggestion.objects.filter(case=locked).update(quality=quality)
    _finish(locked, t, acting_user, note=note, data={"quality": quality})
    return locked


@transaction.atomic
def do_determine_outcome(
    case: Case,
    *,
    handling_rating: str,
    outcome: str,
    note: str = "",
    acting_user,
    version: int | None = None,
) -> Case:
    """The handling rating and the outcome determination (办理结果认定) that close the record."""
    if handling_rating not in HandlingRating.values:
        raise ValidationFailed(_("办理评价应为好、较好或一般。"), field="handling_rating")
    if outcome not in Outcome.values:
        raise ValidationFailed(_("办理结果认定有误。"), field="outcome")
    note = clean_text(note, field="note", label=_("认定说明"), required=False)
    locked, t = _begin(case, "determine", acting_user, version=version)
    Suggestion.objects.filter(case=locked).update(
        handling_rating=handling_rating, outcome=outcome, assessment_note=note
    )
    _finish(
        locked,
        t,
        acting_user,
        note=note,
        data={"handling_rating": handling_rating, "outcome": outcome},
    )
    return locked


def do_conclude_suggestion(case: Case, *, note: str = "", acting_user, version: int | None = None):
    return loop.do_conclude_case(case, note=note, acting_user=acting_user, version=version)


# --- Commitments --------------------------------------------------------------------------------


@transaction.atomic
def do_close_commitment(
    commitment: Commitment, *, kept: bool, note: str, acting_user
) -> Commitment:
    """Mark a commitment kept (the unit that made it, or the office) or not kept (the office),
    with what was done; recorded on the suggestion's timeline, whatever state it is in."""
    note = clean_text(note, field="note", label=_("兑现情况"))
    row = (
        Commitment.objects.select_for_update(of=("self",)).select_related("case", "unit").get(pk=commitment.pk)
    )
    rule = "commitment.close" if kept else "commitment.mark_not_kept"
    if acting_user is not None and not can(acting_user, rule, row):
        raise Forbidden(_("您不能对该承诺事项销号。"))
    if row.status != Commitment.Status.OPEN:
        raise Conflict(_("该承诺事项已销号。"), code="already_closed")
    row.status = Commitment.Status.KEPT if kept else Commitment.Status.NOT_KEPT
    row.closed_at = timezone.now()
    row.closed_by = acting_user
    row.close_note = note
    row.save(update_fields=["status", "closed_at", "closed_by", "close_note"])
    locked = loop._lock(row.case)
    _finish(
        locked,
        None,
        acting_user,
        action="commitment_kept" if kept else "commitment_not_kept",
        note=note,
        data={"commitment": row.pk, "content": row.content[:200], "due_on": row.due_on.isoformat()},
        is_public=True,
    )
    return row


# --- Motions ------------------------------------------------------------------------------------


def min_cosponsors(congress) -> int:
    policy = MotionPolicy.objects.filter(congress=congress).first()
    return policy.min_cosponsors if policy else congress.min_motion_cosponsors


@transaction.atomic
def do_create_motion(
    *,
    author: Deputy,
    title: str,
    content: str,
    co_sponsors: Sequence = (),
    delegation: Body | None = None,
    session: Session | None = None,
    acting_user,
) -> Case:
    """A motion, kept as a draft until its co-sponsors confirm; only in session."""
    title = clean_text(title, field="title", label=_("标题"), max_length=MAX_TITLE)
    content = clean_text(content, field="content", label=_("议案内容"), max_length=MAX_CONTENT)
    if acting_user is not None and not can(acting_user, "suggestion.create", author):
        raise Forbidden(_("只能以本人的代表身份提出议案。"))
    cosponsors = clean_cosponsors(author, co_sponsors)
    if delegation is not None and (
        delegation.kind != Body.Kind.DELEGATION or author.delegation_id != delegation.pk
    ):
        raise ValidationFailed(_("只能以本人所在代表团的名义提出议案。"), field="delegation")
    session = session or queries.open_session(author.congress, deadlines.today(), motions=True)
    if session is None or session.congress_id != author.congress_id:
        raise ValidationFailed(
            _("议案须在本级人民代表大会会议期间提出；%(congress)s当前不在会议期间。")
            % {"congress": author.congress.name},
            field="congress",
        )
    case, _created = loop.do_register_case(
        kind=Kind.MOTION, title=title, content=content, acting_user=acting_user, **_owner(author)
    )
    Motion.objects.create(case=case, session=session, delegation=delegation)
    _invite(case, cosponsors, acting_user)
    return case


@transaction.atomic
def do_submit_motion(case: Case, *, acting_user, version: int | None = None) -> Case:
    locked, t = _begin(case, "submit", acting_user, version=version)
    motion = Motion.objects.select_for_update(of=("self",)).select_related("session").get(case=locked)
    if not motion.session.accepts_motions_on(deadlines.today()):
        raise ValidationFailed(
            _("%(session)s的议案提交截止日期已过。") % {"session": motion.session.name},
            field="session",
        )
    confirmed = CoSponsor.objects.filter(case=locked, status=CoSponsor.Status.CONFIRMED).count()
    needed = min_cosponsors(locked.congress)
    if motion.delegation_id is None and confirmed < needed:
        raise ValidationFailed(
            _("议案须有 %(needed)s 名以上代表附议，现已确认 %(n)s 名。")
            % {"needed": needed, "n": confirmed},
            code="too_few_cosponsors",
            field="co_sponsors",
        )
    # Invitations left unanswered lapse when the motion is submitted.
    CoSponsor.objects.filter(case=locked, status=CoSponsor.Status.INVITED).update(
        status=CoSponsor.Status.DECLINED, responded_at=timezone.now()
    )
    motion.submitted_at = timezone.now()
    motion.save(update_fields=["submitted_at"])
    _finish(
        locked,
        t,
        acting_user,
        data={
            "cosponsors": confirmed,
            "delegation": motion.delegation.name if motion.delegation_id else "",
        },
        is_public=True,
    )
    return locked


@transaction.atomic
def do_decide_motion(
    case: Case,
    *,
    decision: str,
    note: str = "",
    referred_to: Body | None = None,
    acting_user,
    version: int | None = None,
) -> Case:
    """The presidium's decision: on the agenda (referred to a special committee), or handled as
    a suggestion — a new suggestion, ready to assign, whose source is this motion and whose
    deputies are all its authors."""
    if decision not in Motion.Decision.values:
        raise ValidationFailed(_("主席团决定应为 agenda 或 convert。"), field="decision")
    note = clean_text(note, field="note", label=_("决定说明"), required=False)
    if referred_to is not None and (
        referred_to.kind != Body.Kind.COMMITTEE or referred_to.congress_id != case.congress_id
    ):
        raise ValidationFailed(_("请选择本级人大的专门委员会。"), field="referred_to")
    locked, t = _begin(case, "decide", acting_user, version=version)
    motion = Motion.objects.select_for_update(of=("self",)).select_related("session").get(case=locked)
    motion.decision = decision
    motion.decided_at = timezone.now()
    motion.referred_to = referred_to
    motion.save(update_fields=["decision", "decided_at", "referred_to"])
    data: dict = {"decision": decision}
    if decision == Motion.Decision.AGENDA:
        target = M.ON_AGENDA
        if referred_to is not None:
            data["referred_to"] = referred_to.name
    else:
        target = M.CONVERTED
        suggestion = _convert(locked, motion, note, acting_user)
        data["suggestion"] = suggestion.pk
    _finish(
        locked,
        _outcome(t, MOTION_WORKFLOW, target),
        acting_user,
        note=note,
        data=data,
        is_public=True,
    )
    return locked


FROM_MOTION = Transition(
    "from_motion", (S.DRAFT,), S.ACCEPTED, "motion.decide", label=_("由议案转为建议")
)


def _convert(motion_case: Case, motion: Motion, note: str, acting_user) -> Case:
    new, _created = loop.do_register_case(
        kind=Kind.SUGGESTION,
        title=motion_case.title,
        content=motion_case.content,
        category=motion_case.category,
        acting_user=acting_user,
        parent=motion_case,
        congress=motion_case.congress,
        region=motion_case.region,
        scope_code=motion_case.scope_code,
        raised_by_deputy=motion_case.raised_by_deputy,
        channel=Channel.DEPUTY,
        note=_("由议案“%(title)s”转为建议。") % {"title": motion_case.display_title},
    )
    now = timezone.now()
    Suggestion.objects.create(
        case=new, session=motion.session, in_session=True, submitted_at=now, accepted_at=now
    )
    CoSponsor.objects.bulk_create(
        [
            CoSponsor(
                case=new,
                deputy_id=c.deputy_id,
                status=CoSponsor.Status.CONFIRMED,
                source=CoSponsor.Source.CONVERTED,
                responded_at=c.responded_at or now,
                recorded_by=c.recorded_by,
            )
            for c in CoSponsor.objects.filter(case=motion_case, status=CoSponsor.Status.CONFIRMED)
        ]
    )
    _finish(
        new,
        FROM_MOTION,
        acting_user,
        note=note,
        data={"motion": motion_case.pk, "motion_title": motion_case.display_title},
        is_public=True,
    )
    return new


# --- Central assignment after a session ------------------------------------------------------------


def lineage(case: Case) -> list[Case]:
    """The cases this one came from, oldest first (a motion converted into this suggestion)."""
    chain, seen = [], {case.pk}
    current = case
    while current.parent_id and current.parent_id not in seen:
        current = Case.objects.get(pk=current.parent_id)
        seen.add(current.pk)
        chain.append(current)
    return list(reversed(chain))


def timeline_with_history(case: Case) -> list[CaseEvent]:
    """The case's timeline preceded by those of the cases it came from."""
    events: list[CaseEvent] = []
    for origin in lineage(case):
        events += list(origin.events.order_by("at", "id"))
    return events + list(case.events.order_by("at", "id"))


# --- Central assignment after a session ------------------------------------------------------------


@dataclass
class AssignItem:
    case_id: int
    lead_unit: HandlingUnit
    co_units: list[HandlingUnit] = field(default_factory=list)
    complex: bool | None = None
    version: int | None = None


MAX_BATCH = 20000


@transaction.atomic
def do_assign_suggestions(items: Sequence[AssignItem], *, note: str = "", acting_user) -> list[int]:
    """Central assignment (集中交办) of many accepted suggestions at once, each to its lead unit
    and co-handling units; all or nothing. Writes what `casework.actions.do_assign_case` writes
    for each (the assignments, the due date, the state, the timeline event) in a few bulk
    statements, and tells each unit once how many it received."""
    note = clean_text(note, field="note", label=_("交办意见"), required=False)
    if not items:
        raise ValidationFailed(_("请至少选择一件建议。"), field="items")
    if len(items) > MAX_BATCH:
        raise ValidationFailed(_("一次最多交办 %(n)s 件。") % {"n": MAX_BATCH}, field="items")
    ids = [i.case_id for i in items]
    if len(set(ids)) != len(ids):
        raise ValidationFailed(_("同一件建议不能重复列入。"), field="items")
    for item in items:
        for u in [item.lead_unit, *item.co_units]:
            if not u.is_active:
                raise ValidationFailed(
                    _("%(unit)s已停用，不能交办。") % {"unit": u.name}, field="lead_unit"
                )
    # Lock every row first (PostgreSQL: row locks, in id order against deadlocks; SQLite: the
    # write transaction), then check: a second office acting at the same time waits and is
    # then told what changed.
    locked = {c.pk: c for c in Case.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    missing = [i for i in ids if i not in locked]
    if missing:
        raise ValidationFailed(
            _("建议 %(ids)s 不存在。") % {"ids": "、".join(map(str, missing[:10]))}, field="items"
        )
    late = []
    for item in items:
        case = locked[item.case_id]
        if case.kind != Kind.SUGGESTION:
            raise ValidationFailed(_("只能交办代表建议。"), field="items")
        if acting_user is not None and not can(acting_user, "case.assign", case):
            raise Forbidden(_("您没有权限交办“%(title)s”。") % {"title": case.display_title})
        if item.version is not None and case.version != item.version:
            raise Conflict(
                _("“%(title)s”已被他人更新，请刷新后重试。") % {"title": case.display_title},
                code="stale",
            )
        if case.state != S.ACCEPTED:
            late.append(case)
    if late:
        titles = "、".join(f"“{c.display_title}”" for c in late[:5])
        raise Conflict(
            _("%(titles)s等 %(n)s 件建议已不在“审查通过”状态（可能已被他人交办），未作任何交办。")
            % {"titles": titles, "n": len(late)},
            code="invalid_transition",
        )
    if Assignment.objects.filter(case_id__in=ids, status=Assignment.Status.ACTIVE).exists():
        raise Conflict(_("部分建议已有在办的交办。"), code="invalid_transition")

    today = deadlines.today()
    now = timezone.now()
    due = {False: due_after_assignment(today), True: due_after_assignment(today, complex=True)}
    return_deadline = deadlines.due(Kind.SUGGESTION, DeadlinePolicy.Step.RETURN_WINDOW, today)
    complexity = {True: [], False: []}
    for item in items:
        if item.complex is not None:
            complexity[bool(item.complex)].append(item.case_id)
    for value, case_ids in complexity.items():
        if case_ids:
            Suggestion.objects.filter(case_id__in=case_ids).update(is_complex=value)
    is_complex = dict(
        Suggestion.objects.filter(case_id__in=ids).values_list("case_id", "is_complex")
    )
    label = loop.actor_label(acting_user)
    assignments, events, cases = [], [], []
    for item in items:
        case = locked[item.case_id]
        co = [u for u in dict.fromkeys(item.co_units) if u.pk != item.lead_unit.pk]
        case_due = due[bool(is_complex.get(case.pk))]
        for unit, role in [(item.lead_unit, Assignment.Role.LEAD)] + [
            (u, Assignment.Role.CO) for u in co
        ]:
            assignments.append(
                Assignment(
                    case_id=case.pk,
                    unit=unit,
                    role=role,
                    assigned_at=now,
                    assigned_by=acting_user,
                    due_date=case_due,
                    return_deadline=return_deadline,
                )
            )
        case.state = S.ASSIGNED
        case.due_date = case_due
        case.is_overdue = False
        case.version += 1
        case.updated_at = now
        cases.append(case)
        events.append(
            CaseEvent(
                case_id=case.pk,
                at=now,
                action="assign",
                from_state=S.ACCEPTED,
                to_state=S.ASSIGNED,
                actor=acting_user,
                actor_label=label,
                note=note,
                data={
                    "lead_unit": item.lead_unit.name,
                    "co_units": [u.name for u in co],
                    "due_date": case_due.isoformat(),
                    "batch": len(items),
                },
                is_public=True,
            )
        )
    Assignment.objects.bulk_create(assignments, batch_size=1000)
    Case.objects.bulk_update(
        cases, ["state", "due_date", "is_overdue", "version", "updated_at"], batch_size=1000
    )
    CaseEvent.objects.bulk_create(events, batch_size=1000)
    _notify_units(assignments, len(items))
    return ids


def _notify_units(assignments: list[Assignment], total: int) -> None:
    from lianxin.accounts.models import Role, User

    counts: dict[int, int] = {}
    for a in assignments:
        counts[a.unit_id] = counts.get(a.unit_id, 0) + 1
    officers: dict[int, list] = {}
    for user in User.objects.filter(
        roles__role=Role.UNIT_OFFICER, roles__unit_id__in=list(counts), is_active=True
    ).annotate(unit_id=F("roles__unit_id")):
        officers.setdefault(user.unit_id, []).append(user)
    from django.urls import reverse

    for unit_id, n in counts.items():
        _notify(
            officers.get(unit_id, []),
            verb="assign",
            title=_("集中交办：本单位收到 %(n)s 件代表建议") % {"n": n},
            url=reverse("suggestion_list") + f"?unit={unit_id}",
        )
