"""The only writers of a proposal's state: `do_<verb>_proposal(case, *, …, acting_user)`.

Each locks the case, checks the transition with the proposal workflow (state, guard, the
caller's permission), writes, and appends one timeline entry (with its trail row and its
notifications) in the same transaction, through `casework.actions.begin` / `finish`. The shared
pieces for a member's seat (co-sponsors, sign-off and commitments, the two-way evaluation) are
the loop's (`casework.shared`, `casework.evaluations`); the loop's own actions (assign, return,
consult, rehandle, remind, conclude) serve a proposal unchanged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.accounts.access import can, grants
from lianxin.casework import actions as loop
from lianxin.casework import conversions, evaluations, shared
from lianxin.casework.actions import begin, finish
from lianxin.casework.models import (
    Case,
    Channel,
    CoSponsor,
    Evaluation,
    Kind,
    Rating,
    Reply,
    ReplyCategory,
)
from lianxin.core import dates
from lianxin.core.errors import Forbidden, ValidationFailed
from lianxin.core.validators import clean_text
from lianxin.org.models import Body, Cppcc, Member, SeatStatus

from .models import Proposal
from .workflow import PROPOSAL_WORKFLOW, P

RATING_ORDER = {Rating.DISSATISFIED: 0, Rating.BASICALLY_SATISFIED: 1, Rating.SATISFIED: 2}
DECISIONS = ("register", "merge", "decline")


def _outcome(checked, target: str):
    """The checked transition, moved to the decision's target (one table row per outcome)."""
    for t in PROPOSAL_WORKFLOW.transitions:
        if t.action == checked.action and t.target == target:
            return replace(checked, target=t.target)
    raise LookupError(f"proposal: no {checked.action} → {target}")


# --- Writing, co-sponsors and submission -----------------------------------------------------------


def seat_for(user, cppcc: Cppcc | int | None = None) -> Member:
    """The caller's serving member seat in `cppcc` (required for a member of two CPPCCs)."""
    g = grants(user)
    seats = list(
        Member.objects.filter(pk__in=g.member_ids, status=SeatStatus.SERVING).select_related(
            "cppcc__region", "person"
        )
    )
    if not seats:
        raise Forbidden(_("只有在任政协委员才能提出提案。"))
    if cppcc is None:
        if len(seats) > 1:
            raise ValidationFailed(
                _("您是多个政协的委员，请选择在哪一级政协提出提案。"), field="cppcc"
            )
        return seats[0]
    wanted = getattr(cppcc, "pk", cppcc)
    for seat in seats:
        if seat.cppcc_id == wanted:
            return seat
    raise ValidationFailed(_("您不是该政协的委员，只能在本人所在的政协提出提案。"), field="cppcc")


def clean_cosponsors(author: Member, members: Iterable) -> list[Member]:
    """Co-sponsors are other serving members of the author's own CPPCC, each once."""
    ids = []
    for value in members:
        try:
            ids.append(int(getattr(value, "pk", value)))
        except (TypeError, ValueError):
            raise ValidationFailed(_("联名委员有误。"), field="co_sponsors") from None
    ids = [i for i in dict.fromkeys(ids) if i != author.pk]
    found = {m.pk: m for m in Member.objects.filter(pk__in=ids).select_related("person", "cppcc")}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationFailed(
            _("联名委员 %(ids)s 不存在。") % {"ids": "、".join(map(str, missing))},
            field="co_sponsors",
        )
    others = [m for m in found.values() if m.cppcc_id != author.cppcc_id]
    if others:
        raise ValidationFailed(
            _("联名委员须为%(cppcc)s委员：%(names)s不是本政协委员。")
            % {
                "cppcc": author.cppcc.name,
                "names": "、".join(f"{m.person.name}（{m.cppcc.name}）" for m in others),
            },
            field="co_sponsors",
        )
    retired = [m for m in found.values() if m.status != SeatStatus.SERVING]
    if retired:
        raise ValidationFailed(
            _("%(names)s不是在任委员，不能联名。")
            % {"names": "、".join(m.person.name for m in retired)},
            field="co_sponsors",
        )
    return [found[i] for i in ids]


BODY_KINDS = (Body.Kind.PARTY_ORG, Body.Kind.SECTOR, Body.Kind.CPPCC_COMMITTEE)


def clean_body(author: Member, body, acting_user) -> Body | None:
    """The body in whose name a proposal is raised: a party organisation, a sector or a special
    committee of the author's CPPCC. A member writes it for his own party organisation or
    sector; the CPPCC's staff enter any body's proposal, naming a contact member (`author`),
    who for a party organisation or a sector belongs to it."""
    if body in (None, ""):
        return None
    try:
        pk = int(getattr(body, "pk", body))
    except (TypeError, ValueError):
        raise ValidationFailed(_("提案单位有误。"), field="body") from None
    found = Body.objects.filter(pk=pk, kind__in=BODY_KINDS).first()
    if found is None:
        raise ValidationFailed(_("提案单位应为民主党派、界别或政协专门委员会。"), field="body")
    if found.cppcc_id != author.cppcc_id:
        raise ValidationFailed(
            _("提案单位须为%(cppcc)s的党派团体、界别或专门委员会。") % {"cppcc": author.cppcc.name},
            field="body",
        )
    belongs = found.pk in (author.party_org_id, author.sector_id)
    writes_own = author.pk in grants(acting_user).member_ids
    if writes_own:
        if not belongs:
            raise Forbidden(_("委员只能以本人所在党派团体或界别的名义提出提案。"))
    else:
        if not can(acting_user, "proposal.write_for_body", author.cppcc):
            raise Forbidden(_("只有本政协的工作人员可以代为录入党派团体、界别或专门委员会的提案。"))
        if found.kind != Body.Kind.CPPCC_COMMITTEE and not belongs:
            raise ValidationFailed(
                _("联系委员须为%(body)s的委员。") % {"body": found.name}, field="contact_member"
            )
    return found


def contact_seat(user, member) -> Member:
    """The contact member the CPPCC's staff name for a body's proposal: a serving member of a
    CPPCC the caller is staff of (otherwise the same refusal as an unknown seat)."""
    g = grants(user)
    try:
        pk = int(getattr(member, "pk", member))
    except (TypeError, ValueError):
        raise ValidationFailed(_("请指定联系委员。"), field="contact_member") from None
    seat = (
        Member.objects.filter(pk=pk, cppcc_id__in=list(g.cppcc_staff))
        .select_related("cppcc__region", "person")
        .first()
    )
    if seat is None:
        raise ValidationFailed(_("联系委员不存在或不是本政协委员。"), field="contact_member")
    if seat.status != SeatStatus.SERVING:
        raise ValidationFailed(_("联系委员须为在任委员。"), field="contact_member")
    return seat


@transaction.atomic
def do_create_proposal(
    *,
    author: Member,
    title: str,
    content: str,
    in_session: bool = False,
    category=None,
    co_sponsors: Iterable = (),
    respond_by: dt.date | str | None = None,
    body=None,
    acting_user,
) -> Case:
    """A member drafts a proposal in the CPPCC of the seat; co-sponsors (other members of that
    CPPCC) are invited and confirm before `respond_by`. With `body`, the proposal is that
    body's (see `clean_body`): the seat is its writer or contact member."""
    title = clean_text(title, field="title", label=_("案由"), required=True, max_length=100)
    content = clean_text(
        content, field="content", label=_("提案内容"), required=True, max_length=10000
    )
    raised_by_body = clean_body(author, body, acting_user)
    seats = clean_cosponsors(author, co_sponsors)
    day = dates.parse_day(respond_by, field="respond_by", label=_("联名确认截止日期"))
    if day is not None and day < timezone.localdate():
        raise ValidationFailed(_("联名确认截止日期不能早于今天。"), field="respond_by")
    cppcc = author.cppcc
    case = Case.objects.create(
        kind=Kind.PROPOSAL,
        state=P.DRAFT,
        title=title,
        content=content,
        category=category,
        channel=Channel.MEMBER,
        raised_by_member=author,
        entered_by=acting_user,
        cppcc=cppcc,
        scope_code=cppcc.region.code,
        region=cppcc.region,
    )
    Proposal.objects.create(case=case, in_session=bool(in_session), raised_by_body=raised_by_body)
    shared.invite(case, seats, respond_by=day)
    finish(
        case,
        None,
        acting_user,
        action="create",
        data={
            "invited": [m.pk for m in seats],
            "respond_by": day.isoformat() if day else "",
            "in_session": bool(in_session),
            "body": raised_by_body.pk if raised_by_body else None,
        },
    )
    return case


@transaction.atomic
def do_cosign_proposal(case: Case, *, accept: bool, acting_user, version: int | None = None):
    locked, t = begin(case, "cosign", acting_user, version=version)
    row = shared.respond(locked, acting_user, accept=accept)
    finish(
        locked,
        t,
        acting_user,
        data={"member": row.member_id, "name": row.member.person.name, "accept": bool(accept)},
    )
    return row


@transaction.atomic
def do_submit_proposal(case: Case, *, acting_user, version: int | None = None) -> Case:
    locked, t = begin(case, "submit", acting_user, version=version)
    finish(locked, t, acting_user, is_public=True)
    return locked


@transaction.atomic
def do_withdraw_proposal(
    case: Case, *, reason: str = "", acting_user, version: int | None = None
) -> Case:
    reason = clean_text(reason, field="reason", label=_("撤回理由"), required=False)
    locked, t = begin(case, "withdraw", acting_user, version=version)
    locked.concluded_at = timezone.now()
    finish(locked, t, acting_user, fields=["concluded_at"], note=reason)
    return locked


# --- Registration review (立案审查) ------------------------------------------------------------------


@transaction.atomic
def do_register_proposal(
    case: Case,
    *,
    decision: str,
    note: str = "",
    merge_into: Case | None = None,
    disposition: str = "",
    category=None,
    acting_user,
    version: int | None = None,
) -> Case:
    """The CPPCC's staff register the proposal (立案), merge it into a similar one (all its
    proposers become proposers of that one), or decline it (不予立案) with a reason, recording
    what becomes of it (a member's letter, a sentiment report, or nothing). A disposition that
    an app takes over (`casework.conversions`: sentiment registers `sentiment`) makes that
    app's record in the same transaction."""
    if decision not in DECISIONS:
        raise ValidationFailed(_("审查意见应为立案、并案或不予立案。"), field="decision")
    note = clean_text(note, field="note", label=_("不予立案的理由"), required=decision == "decline")
    if disposition not in Proposal.Disposition.values:
        raise ValidationFailed(_("不予立案后的处理方式有误。"), field="disposition")
    if decision != "decline" and disposition:
        raise ValidationFailed(_("只有不予立案的提案才需选择处理方式。"), field="disposition")
    if decision == "merge" and merge_into is None:
        raise ValidationFailed(_("请指定要并入的提案。"), field="merge_into")
    locked, t = begin(case, "register", acting_user, version=version)
    proposal = Proposal.objects.select_for_update().get(case=locked)
    proposal.decided_by = acting_user
    data: dict = {"decision": decision}
    fields: list[str] = []
    if decision == "register":
        target = P.REGISTERED
        proposal.registered_at = timezone.now()
        if category is not None:
            locked.category = category
            fields.append("category")
    elif decision == "decline":
        target = P.DECLINED
        proposal.decline_reason = note
        proposal.disposition = disposition
        locked.concluded_at = timezone.now()
        fields.append("concluded_at")
        data["disposition"] = disposition
        # 转为社情民意信息: the app that takes it over makes its record in this transaction.
        made = conversions.convert(disposition, locked, acting_user=acting_user, reason=note)
        if made is not None:
            data["converted"] = {"type": made._meta.label_lower, "id": made.pk}
        if disposition == Proposal.Disposition.LETTER:
            # 转为委员来信: the proposals committee's own record, forwarded to a unit later.
            from .models import MemberLetter

            letter = MemberLetter.objects.create(proposal=proposal, content=locked.content)
            data["letter"] = letter.pk
    else:
        target = P.MERGED
        into = _merge(locked, merge_into, note, acting_user)
        locked.merged_into = into
        fields.append("merged_into")
        data.update({"into": into.pk, "into_title": into.display_title})
    proposal.save(update_fields=["decided_by", "registered_at", "decline_reason", "disposition"])
    finish(
        locked,
        _outcome(t, target),
        acting_user,
        fields=fields,
        note=note,
        data=data,
        is_public=True,
    )
    return locked


def proposer_seats(case: Case) -> list[int]:
    """Member seats of the proposers: the one who raised it and every confirmed co-sponsor."""
    seats = [case.raised_by_member_id] if case.raised_by_member_id else []
    seats += list(
        CoSponsor.objects.filter(
            case_id=case.pk, status=CoSponsor.Status.CONFIRMED, member__isnull=False
        ).values_list("member_id", flat=True)
    )
    return list(dict.fromkeys(seats))


def _merge(locked: Case, into: Case, note: str, acting_user) -> Case:
    if into.pk == locked.pk:
        raise ValidationFailed(_("不能并入提案本身。"), field="merge_into")
    target = Case.objects.select_for_update().get(pk=into.pk)
    if target.kind != Kind.PROPOSAL or target.cppcc_id != locked.cppcc_id:
        raise ValidationFailed(_("只能并入同一政协的提案。"), field="merge_into")
    if target.state in (P.DRAFT, P.SUBMITTED) or target.merged_into_id or target.is_closed:
        raise ValidationFailed(_("目标提案尚未立案、已办结或已并入其他提案。"), field="merge_into")
    # Every proposer of the merged proposal stays a proposer of the one it joins.
    authors = proposer_seats(locked)
    now = timezone.now()
    CoSponsor.objects.filter(case=target, member_id__in=authors).exclude(
        status=CoSponsor.Status.CONFIRMED
    ).update(status=CoSponsor.Status.CONFIRMED, responded_at=now, source=CoSponsor.Source.MERGED)
    existing = set(
        CoSponsor.objects.filter(case=target, member__isnull=False).values_list(
            "member_id", flat=True
        )
    )
    existing.add(target.raised_by_member_id)
    new = list(Member.objects.filter(pk__in=[a for a in authors if a not in existing]))
    shared.invite(target, new, source=CoSponsor.Source.MERGED, status=CoSponsor.Status.CONFIRMED)
    finish(
        target,
        None,
        acting_user,
        action="merged_in",
        note=note,
        data={"case": locked.pk, "title": locked.display_title, "members": authors},
        is_public=True,
    )
    return target


# --- Reply and sign-off -------------------------------------------------------------------------------


def _reply_category(value) -> ReplyCategory:
    if isinstance(value, ReplyCategory):
        return value
    found = ReplyCategory.objects.filter(code=str(value or "").strip().upper()).first()
    if found is None:
        raise ValidationFailed(_("请选择答复类别（A、B 或 C）。"), field="category")
    return found


@transaction.atomic
def do_reply_proposal(
    case: Case,
    *,
    content: str,
    category,
    commitment: dict | None = None,
    is_public: bool = False,
    attachment_ids: Iterable[int] = (),
    acting_user,
    version: int | None = None,
) -> Reply:
    """The lead unit's reply letter with its category and any commitment; it reaches the
    proposers only when a signer of the unit (not its writer) signs it off."""
    reply_category = _reply_category(category)
    promised = shared.clean_commitment(commitment, reply_category)
    reply = loop.do_reply_case(
        case,
        content=content,
        category=reply_category,
        is_public=is_public,
        attachment_ids=attachment_ids,
        acting_user=acting_user,
        version=version,
    )
    shared.promise(case, reply, promised)
    return reply


@transaction.atomic
def do_sign_off_proposal(
    case: Case, *, approve: bool = True, note: str = "", acting_user, version: int | None = None
) -> Case:
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
        _outcome(t, P.REPLIED if approve else P.HANDLING),
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


# --- Two-way evaluation (双向评议) -----------------------------------------------------------------------


@transaction.atomic
def do_evaluate_proposal(
    case: Case, *, rating: str, comment: str = "", acting_user, version: int | None = None
) -> Evaluation:
    """A proposer rates the handling of this round, once per seat; the lowest rating counts, so
    one dissatisfied proposer is enough for re-handling."""
    locked, t = begin(case, "evaluate", acting_user, version=version)
    mine = [s for s in proposer_seats(locked) if s in grants(acting_user).member_ids]
    seat = Member.objects.get(pk=mine[0]) if mine else None
    evaluation = evaluations.rate_handling(
        locked, rating=rating, comment=comment, seat=seat, acting_user=acting_user
    )
    ratings = Evaluation.objects.filter(
        case=locked, round=locked.round, direction=Evaluation.Direction.HANDLING
    ).values_list("rating", flat=True)
    locked.rating = min(ratings, key=lambda r: RATING_ORDER.get(r, 0))
    locked.evaluated_at = evaluation.created_at
    # The rating itself stays off the timeline: the unit reads it only after giving its own.
    finish(
        locked,
        t,
        acting_user,
        fields=["rating", "evaluated_at"],
        data={"round": locked.round, "member": seat.pk},
    )
    return evaluation


@transaction.atomic
def do_rate_proposal(
    case: Case, *, quality: str, comment: str = "", acting_user, version: int | None = None
) -> Evaluation:
    """The lead unit rates the proposal's quality, once per round."""
    locked, t = begin(case, "rate_submission", acting_user, version=version)
    evaluation = evaluations.rate_submission(
        locked, quality=quality, comment=comment, acting_user=acting_user
    )
    finish(locked, t, acting_user, data={"round": locked.round, "unit": evaluation.by_unit_id})
    return evaluation


@transaction.atomic
def do_record_result_proposal(
    case: Case,
    *,
    kind: str,
    document: str,
    issued_on,
    number: str = "",
    note: str = "",
    acting_user,
    version: int | None = None,
):
    """Record that the reply was carried out (民生实事, a plan, a policy document), with the
    document and its date; shown on the proposal and counted in the figures."""
    from .models import ProposalResult

    locked, t = begin(case, "record_result", acting_user, version=version)
    if kind not in ProposalResult.Kind.values:
        raise ValidationFailed(_("请选择转化方式。"), field="kind")
    document = clean_text(
        document, field="document", label=_("文件或项目名称"), required=True, max_length=200
    )
    number = clean_text(number, field="number", label=_("文号"), required=False, max_length=100)
    note = clean_text(note, field="note", label=_("说明"), required=False, max_length=2000)
    day = dates.parse_day(issued_on, field="issued_on", label=_("印发或实施日期"))
    if day is None:
        raise ValidationFailed(_("请填写印发或实施日期。"), field="issued_on")
    if day > dates.today():
        raise ValidationFailed(_("印发或实施日期不能晚于今天。"), field="issued_on")
    result = ProposalResult.objects.create(
        proposal=locked.proposal,
        kind=kind,
        document=document,
        number=number,
        issued_on=day,
        note=note,
        recorded_by=acting_user,
    )
    finish(
        locked,
        t,
        acting_user,
        note=document,
        data={"result": result.pk, "kind": kind, "number": number, "issued_on": day.isoformat()},
        is_public=True,
    )
    return result


@transaction.atomic
def do_select_excellent_proposal(
    case: Case,
    *,
    excellent: bool = True,
    year: int | None = None,
    note: str = "",
    acting_user,
    version: int | None = None,
) -> Case:
    """Select a replied proposal as an excellent proposal (优秀提案) of a year, or undo it."""
    locked, t = begin(case, "select_excellent", acting_user, version=version)
    proposal = Proposal.objects.select_for_update().get(pk=locked.pk)
    note = clean_text(note, field="note", label=_("评选说明"), required=False, max_length=500)
    if excellent:
        year = year or dates.today().year
        if not 2000 <= int(year) <= dates.today().year:
            raise ValidationFailed(_("评选年度有误。"), field="year")
        if proposal.excellent_year:
            raise ValidationFailed(
                _("该提案已评为 %(year)s 年度优秀提案。") % {"year": proposal.excellent_year},
                code="already_excellent",
                field="excellent",
            )
        proposal.excellent_year, proposal.excellent_note = int(year), note
    else:
        if not proposal.excellent_year:
            raise ValidationFailed(_("该提案未被评为优秀提案。"), field="excellent")
        proposal.excellent_year, proposal.excellent_note = None, ""
    proposal.save(update_fields=["excellent_year", "excellent_note"])
    finish(
        locked,
        t,
        acting_user,
        note=note,
        data={"excellent": excellent, "year": proposal.excellent_year},
        is_public=excellent,
    )
    return locked


# --- Key proposals (重点提案, 主席会议成员领办督办) ---------------------------------------------------


def _leader_account(case: Case, value):
    """A user holding the leader role over the CPPCC's region (or a region above it)."""
    from .queries import leaders_for

    if value in (None, ""):
        return None
    try:
        pk = int(getattr(value, "pk", value))
    except (TypeError, ValueError):
        raise ValidationFailed(_("领办领导账号有误。"), field="leader_user") from None
    found = leaders_for(case).filter(pk=pk).first()
    if found is None:
        raise ValidationFailed(_("领办领导账号须为本政协所在地区的领导。"), field="leader_user")
    return found


@transaction.atomic
def do_mark_key_proposal(
    case: Case,
    *,
    leader: str = "",
    leader_user=None,
    note: str = "",
    acting_user,
    version: int | None = None,
) -> Case:
    """The proposals committee marks a registered proposal as a key proposal (重点提案) led and
    supervised by a member of the chairs' meeting: a name and position, or the account of a
    leader of the CPPCC's region (then the name defaults to that account's). The case's
    key-supervision flag is set with it, so the loop's figures count it."""
    leader = clean_text(
        leader, field="leader", label=_("领办督办的主席会议成员"), required=False, max_length=100
    )
    note = clean_text(note, field="note", label=_("督办要求"), required=False, max_length=2000)
    locked, t = begin(case, "mark_key", acting_user, version=version)
    account = _leader_account(locked, leader_user)
    if not leader and account is not None:
        leader = (account.display_name or account.username)[:100]
    if not leader:
        raise ValidationFailed(
            _("请填写领办督办的主席会议成员（姓名和职务）或选择领导账号。"), field="leader"
        )
    proposal = Proposal.objects.select_for_update().get(pk=locked.pk)
    proposal.key_leader, proposal.key_leader_user = leader, account
    proposal.key_marked_at = timezone.now()
    proposal.save(update_fields=["key_leader", "key_leader_user", "key_marked_at"])
    locked.is_key_supervision = True
    locked.supervised_by = acting_user
    locked.supervision_note = note or leader
    finish(
        locked,
        t,
        acting_user,
        fields=["is_key_supervision", "supervised_by", "supervision_note"],
        note=note or leader,
        data={"leader": leader, "leader_user": account.pk if account else None},
        is_public=True,
    )
    return locked


@transaction.atomic
def do_key_meeting_proposal(
    case: Case,
    *,
    held_on,
    place: str,
    participants: str,
    summary: str,
    acting_user,
    version: int | None = None,
):
    """A progress meeting of a key proposal: date (not in the future), place, participants and
    the summary."""
    from .models import KeyMeeting

    day = dates.parse_day(held_on, field="held_on", label=_("会议日期"))
    if day is None:
        raise ValidationFailed(_("请填写会议日期。"), field="held_on")
    if day > dates.today():
        raise ValidationFailed(_("会议日期不能晚于今天。"), field="held_on")
    place = clean_text(place, field="place", label=_("地点"), required=True, max_length=200)
    participants = clean_text(
        participants, field="participants", label=_("参加人员"), required=True, max_length=2000
    )
    summary = clean_text(
        summary, field="summary", label=_("会议纪要"), required=True, max_length=10000
    )
    locked, t = begin(case, "key_meeting", acting_user, version=version)
    meeting = KeyMeeting.objects.create(
        proposal_id=locked.pk,
        held_on=day,
        place=place,
        participants=participants,
        summary=summary,
        recorded_by=acting_user,
    )
    finish(
        locked,
        t,
        acting_user,
        note=summary[:500],
        data={"meeting": meeting.pk, "held_on": day.isoformat(), "place": place},
        is_public=True,
    )
    return meeting


@transaction.atomic
def do_key_result_proposal(
    case: Case, *, text: str, circulated_on=None, acting_user, version: int | None = None
) -> Case:
    """The circulated result of a key proposal (办理结果通报), once, after the reply."""
    text = clean_text(text, field="text", label=_("办理结果通报"), required=True, max_length=10000)
    day = dates.parse_day(circulated_on, field="circulated_on", label=_("通报日期"))
    day = day or dates.today()
    if day > dates.today():
        raise ValidationFailed(_("通报日期不能晚于今天。"), field="circulated_on")
    locked, t = begin(case, "key_result", acting_user, version=version)
    proposal = Proposal.objects.select_for_update().get(pk=locked.pk)
    proposal.key_result, proposal.key_result_on = text, day
    proposal.save(update_fields=["key_result", "key_result_on"])
    finish(
        locked,
        t,
        acting_user,
        note=text[:500],
        data={"circulated_on": day.isoformat()},
        is_public=True,
    )
    return locked


# --- Extension requests (申请延期), the loop's shared piece ----------------------------------------


@transaction.atomic
def do_request_extension_proposal(
    case: Case, *, reason: str, due_date, acting_user, version: int | None = None
):
    """The lead unit asks, before its due date, to reply later: a reason and the date (after the
    current due date). One request at a time (`casework.shared`)."""
    reason = clean_text(reason, field="reason", label=_("延期理由"), max_length=2000, required=True)
    wanted = dates.parse_day(due_date, field="due_at", label=_("申请延至的日期"))
    if wanted is None:
        raise ValidationFailed(_("请填写申请延至的日期。"), field="due_at")
    locked, t = begin(case, "request_extension", acting_user, version=version)
    row = shared.request_extension(locked, reason=reason, wanted=wanted, acting_user=acting_user)
    finish(
        locked,
        t,
        acting_user,
        note=reason,
        data={
            "extension": row.pk,
            "unit": row.assignment.unit.name,
            "due_date": locked.due_date.isoformat(),
            "requested_due": row.requested_due.isoformat(),
        },
    )
    return row


@transaction.atomic
def do_decide_extension_proposal(
    case: Case,
    *,
    decision: str,
    note: str = "",
    due_date=None,
    acting_user,
    version: int | None = None,
):
    """The proposals committee approves the pending request (the proposal and every unit on it
    are then due on the approved date) or refuses it with a reason."""
    if decision not in shared.DECISIONS:
        raise ValidationFailed(
            _("审批意见应为 approve（同意）或 reject（不同意）。"), field="decision"
        )
    approve = decision == "approve"
    note = clean_text(
        note,
        field="note",
        label=_("审批意见") if approve else _("不同意的理由"),
        required=not approve,
        max_length=2000,
    )
    other = (
        dates.parse_day(due_date, field="due_at", label=_("批准延至的日期")) if approve else None
    )
    locked, t = begin(case, "decide_extension", acting_user, version=version)
    row, fields, data = shared.decide_extension(
        locked, approve=approve, note=note, other=other, acting_user=acting_user
    )
    finish(locked, t, acting_user, fields=fields, note=note, data=data)
    return row


@transaction.atomic
def do_return_proposal(
    case: Case, *, reason: str, unit=None, acting_user, version: int | None = None
) -> Case:
    """A unit returns its assignment (the loop's `return`); when it is the lead unit, its
    extension request still pending is withdrawn with it."""
    returned = loop.do_return_case(
        case, reason=reason, unit=unit, acting_user=acting_user, version=version
    )
    shared.withdraw_orphaned_extensions(returned, acting_user)
    return returned


# --- Members' letters (委员来信) ------------------------------------------------------------------


@transaction.atomic
def do_forward_letter_proposal(
    case: Case, *, unit, note: str = "", acting_user, version: int | None = None
):
    """The proposals committee forwards the member's letter a declined proposal became to a
    handling unit of the CPPCC's region (or above), which then reads and answers it."""
    from lianxin.org.models import HandlingUnit

    from .models import MemberLetter

    note = clean_text(note, field="note", label=_("转送意见"), required=False, max_length=2000)
    locked, t = begin(case, "forward_letter", acting_user, version=version)
    code = locked.scope_code
    prefixes = [code[:n] for n in (2, 4, 6, 9, 12) if n <= len(code)]
    pk = getattr(unit, "pk", unit)
    found = HandlingUnit.objects.filter(
        pk=pk if str(pk or "").isdigit() else None, is_active=True, region__code__in=prefixes
    ).first()
    if found is None:
        raise ValidationFailed(_("请选择本地区的承办单位。"), field="unit")
    letter = MemberLetter.objects.select_for_update().get(proposal_id=locked.pk)
    letter.unit, letter.forwarded_at, letter.forward_note = found, timezone.now(), note
    letter.save(update_fields=["unit", "forwarded_at", "forward_note"])
    finish(
        locked,
        t,
        acting_user,
        note=note,
        data={"letter": letter.pk, "unit": found.name, "unit_id": found.pk},
        is_public=True,
    )
    return letter


@transaction.atomic
def do_answer_letter_proposal(case: Case, *, answer: str, acting_user, version: int | None = None):
    """The unit the letter was forwarded to answers it, once."""
    from .models import MemberLetter

    answer = clean_text(
        answer, field="answer", label=_("办理回复"), required=True, max_length=10000
    )
    locked, t = begin(case, "answer_letter", acting_user, version=version)
    letter = MemberLetter.objects.select_for_update().get(proposal_id=locked.pk)
    letter.answer, letter.answered_at, letter.answered_by = answer, timezone.now(), acting_user
    letter.save(update_fields=["answer", "answered_at", "answered_by"])
    finish(locked, t, acting_user, note=answer[:500], data={"letter": letter.pk}, is_public=True)
    return letter
