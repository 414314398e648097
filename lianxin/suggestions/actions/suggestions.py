"""Actions of a suggestion: writing, co-signing, the three-tier review, handling, reply and
sign-off, evaluation, supervision, the office's ratings, commitments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.accounts.access import can, grants
from lianxin.casework import actions as loop
from lianxin.casework import shared
from lianxin.casework.actions import begin, finish
from lianxin.casework.models import (
    Case,
    CaseEvent,
    CoSponsor,
    Evaluation,
    Kind,
    Quality,
    Rating,
    Reply,
    ReplyCategory,
)
from lianxin.casework.queries import active_assignments
from lianxin.core import dates, trail
from lianxin.core.errors import Conflict, Forbidden, ValidationFailed
from lianxin.core.validators import clean_text
from lianxin.org.models import Body, Deputy, SeatStatus

from .. import queries
from ..models import (
    CoOpinion,
    CoOpinionDeadline,
    HandlingRating,
    KeySupervision,
    Outcome,
    Session,
    Suggestion,
)
from ..workflow import SUGGESTION_WORKFLOW
from .base import (
    RATING_ORDER,
    S,
    _category,
    _invite,
    _outcome,
    _owner,
    _session_for,
    _texts,
    clean_cosponsors,
    due_after_assignment,
)
from .deadlines import open_co_opinion_deadlines, renew_co_opinion_deadlines

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
    for_origins: bool = False,
) -> Case:
    """A deputy's suggestion, kept as a draft; the co-sponsors are invited to confirm.

    `for_origins`: the draft is made from citizens' opinions (casework.lineage), whose
    `derive` transition already checked the caller (the deputy, or the office writing it for
    the deputy the opinions are addressed to)."""
    texts = _texts(title, content, problem, measures)
    category = _category(category)
    if (
        acting_user is not None
        and not for_origins
        and not can(acting_user, "suggestion.create", author)
    ):
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
    locked = loop.lock_case(case, version=version)
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
    # A draft's edit is no step on the timeline, but it is an action: its trail row.
    trail.record(
        "casework.update_draft",
        actor=acting_user,
        obj=locked,
        seat=loop.case_seat(locked, acting_user),
        change={"kind": locked.kind, "fields": fields},
    )
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
    locked, t = begin(case, "cosign", acting_user, version=version)
    row = shared.respond(locked, acting_user, accept=accept, seat=deputy)
    name = row.deputy.person.name
    finish(
        locked,
        t,
        acting_user,
        note=(_("%(name)s确认联名。") if accept else _("%(name)s谢绝联名。")) % {"name": name},
        data={"deputy": row.deputy_id, "name": name, "accept": bool(accept)},
    )
    return row


@transaction.atomic
def do_submit_suggestion(case: Case, *, acting_user, version: int | None = None) -> Case:
    locked, t = begin(case, "submit", acting_user, version=version)
    suggestion = Suggestion.objects.select_for_update().get(case=locked)
    today = dates.today()
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
    finish(
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
    locked, t = begin(case, "withdraw", acting_user, version=version)
    finish(locked, t, acting_user, note=reason)
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
    locked, t = begin(case, "review", acting_user, version=version)
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
    finish(
        locked,
        _outcome(t, SUGGESTION_WORKFLOW, target),
        acting_user,
        fields=fields,
        note=note,
        data=data,
        is_public=decision != "return",
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
    finish(
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
    locked, t = begin(case, "resubmit", acting_user, version=version)
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
    finish(
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
    loop.lock_case(case, version=version)
    suggestion = Suggestion.objects.select_for_update().get(case_id=case.pk)
    if complex is not None and complex != suggestion.is_complex:
        suggestion.is_complex = bool(complex)
        suggestion.save(update_fields=["is_complex"])
    due = due_date or due_after_assignment(dates.today(), complex=suggestion.is_complex)
    assigned = loop.do_assign_case(
        case,
        lead_unit=lead_unit,
        co_units=co_units,
        due_date=due,
        note=note,
        acting_user=acting_user,
        version=version,
    )
    open_co_opinion_deadlines([assigned.pk])
    return assigned


@transaction.atomic
def do_return_suggestion(
    case: Case, *, reason: str, unit=None, acting_user, version: int | None = None
) -> Case:
    """A unit returns its assignment (the loop's `return`); when it is the lead unit, its
    extension request still pending is withdrawn with it."""
    returned = loop.do_return_case(
        case, reason=reason, unit=unit, acting_user=acting_user, version=version
    )
    shared.withdraw_orphaned_extensions(returned, acting_user)
    return returned


@transaction.atomic
def do_co_opinion(
    case: Case, *, content: str, acting_user, version: int | None = None
) -> CoOpinion:
    """A co-handling unit's opinion to the lead unit."""
    content = clean_text(content, field="content", label=_("会办意见"), required=True)
    locked, t = begin(case, "co_opinion", acting_user, version=version)
    g = grants(acting_user)
    mine = [a for a in active_assignments(locked) if a.role == "co" and a.unit_id in g.unit_ids]
    if not mine:
        raise Forbidden(_("只有协办单位可以提出会办意见。"))
    opinion = CoOpinion.objects.create(
        case=locked, unit=mine[0].unit, round=locked.round, content=content, author=acting_user
    )
    CoOpinionDeadline.objects.filter(assignment=mine[0], opinion__isnull=True).update(
        opinion=opinion
    )
    finish(
        locked,
        t,
        acting_user,
        note=content,
        data={"unit": mine[0].unit.name, "co_opinion": opinion.pk},
    )
    return opinion


# --- Reply, sign-off, evaluation ------------------------------------------------------------------


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
    attachment_ids: Iterable[int] = (),
    acting_user,
    version: int | None = None,
) -> Reply:
    """The lead unit's reply letter with its category and any commitment; it waits for the
    unit head's sign-off before it reaches the deputies. Files come as for the loop's reply
    (`casework.actions.do_reply_case`)."""
    reply_category = _reply_category(category)
    promised = shared.clean_commitment(commitment, reply_category)
    reply = loop.do_reply_case(
        case,
        content=content,
        category=reply_category,
        is_public=is_public,
        attachments=attachments,
        attachment_ids=attachment_ids,
        acting_user=acting_user,
        version=version,
    )
    shared.promise(case, reply, promised)
    return reply


@transaction.atomic
def do_sign_off_reply(
    case: Case, *, approve: bool = True, note: str = "", acting_user, version: int | None = None
) -> Case:
    """A signer of the lead unit signs the reply letter off (it is sent to the deputies), or
    sends it back to be rewritten (with a reason); never the officer who wrote it."""
    note = clean_text(note, field="note", label=_("签发意见"), required=not approve)
    try:
        locked, t = begin(case, "sign_off", acting_user, version=version)
    except Forbidden:
        refusal = shared.signer_refusal(case, acting_user)
        if refusal is None:
            raise
        raise refusal from None
    reply = shared.sign_off(locked, approve=approve, note=note, acting_user=acting_user)
    fields = []
    if approve:
        locked.replied_at = timezone.now()
        fields.append("replied_at")
    finish(
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
    locked, t = begin(case, "evaluate", acting_user, version=version)
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
    finish(
        locked,
        t,
        acting_user,
        fields=["rating", "evaluated_at"],
        note=comment,
        data={"rating": rating, "round": locked.round, "deputy": seats[0].person.name},
        is_public=True,
    )
    return evaluation


@transaction.atomic
def do_rehandle_suggestion(case: Case, *, reason: str, acting_user, version: int | None = None):
    """After a dissatisfied rating: handled again, with a second reply due in one month; the
    co-handling units still on it owe a new opinion, one month from today."""
    rehandled = loop.do_rehandle_case(case, reason=reason, acting_user=acting_user, version=version)
    renew_co_opinion_deadlines(rehandled)
    return rehandled


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
    note = clean_text(note, field="note", label=_("督办意见"), required=True)
    leader = clean_text(leader, field="leader", label=_("督办领导"), required=False, max_length=50)
    if committee is not None and committee.congress_id != case.congress_id:
        raise ValidationFailed(_("督办委员会应属于本级人大。"), field="committee")
    if not leader and committee is None:
        raise ValidationFailed(_("请填写督办领导或选择督办委员会。"), field="leader")
    locked, t = begin(case, "supervise", acting_user, version=version)
    locked.is_key_supervision = True
    locked.supervised_by = acting_user
    locked.supervision_note = note
    KeySupervision.objects.update_or_create(
        case=locked,
        defaults={"leader": leader, "committee": committee, "chosen_by": acting_user},
    )
    finish(
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
    note = clean_text(note, field="note", label=_("督办情况"), required=True)
    locked, t = begin(case, "supervision_progress", acting_user, version=version)
    if result:
        KeySupervision.objects.update_or_create(case=locked, defaults={"result": note})
    finish(locked, t, acting_user, note=note, data={"result": bool(result)})
    return locked


@transaction.atomic
def do_assess_quality(
    case: Case, *, quality: str, note: str = "", acting_user, version: int | None = None
) -> Case:
    if quality not in Quality.values:
        raise ValidationFailed(_("建议质量应为优秀、良好、一般或较差。"), field="quality")
    note = clean_text(note, field="note", label=_("评价说明"), required=False)
    locked, t = begin(case, "assess", acting_user, version=version)
    Suggestion.objects.filter(case=locked).update(quality=quality)
    finish(locked, t, acting_user, note=note, data={"quality": quality})
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
    locked, t = begin(case, "determine", acting_user, version=version)
    Suggestion.objects.filter(case=locked).update(
        handling_rating=handling_rating, outcome=outcome, assessment_note=note
    )
    finish(
        locked,
        t,
        acting_user,
        note=note,
        data={"handling_rating": handling_rating, "outcome": outcome},
    )
    return locked


def do_conclude_suggestion(case: Case, *, note: str = "", acting_user, version: int | None = None):
    return loop.do_conclude_case(case, note=note, acting_user=acting_user, version=version)


# --- Lineage ----------------------------------------------------------------------------------------


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
