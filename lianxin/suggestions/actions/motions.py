"""Actions of a motion: drafting in session, co-sponsors, submission (the threshold), the
presidium's decision (on the agenda, or converted into a suggestion that keeps its history)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.accounts.access import can
from lianxin.casework import actions as loop
from lianxin.casework.actions import begin, finish
from lianxin.casework.models import (
    Case,
    Channel,
    CoSponsor,
    Kind,
)
from lianxin.casework.workflow import Transition
from lianxin.core import dates
from lianxin.core.errors import Forbidden, ValidationFailed
from lianxin.core.validators import clean_text
from lianxin.org.models import Body, Deputy

from .. import queries
from ..models import Motion, MotionPolicy, Session, Suggestion
from ..workflow import MOTION_WORKFLOW
from .base import (
    MAX_CONTENT,
    MAX_TITLE,
    M,
    S,
    _invite,
    _outcome,
    _owner,
    clean_cosponsors,
)

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
    title = clean_text(title, field="title", label=_("标题"), max_length=MAX_TITLE, required=True)
    content = clean_text(
        content, field="content", label=_("议案内容"), max_length=MAX_CONTENT, required=True
    )
    if acting_user is not None and not can(acting_user, "suggestion.create", author):
        raise Forbidden(_("只能以本人的代表身份提出议案。"))
    cosponsors = clean_cosponsors(author, co_sponsors)
    if delegation is not None and (
        delegation.kind != Body.Kind.DELEGATION or author.delegation_id != delegation.pk
    ):
        raise ValidationFailed(_("只能以本人所在代表团的名义提出议案。"), field="delegation")
    session = session or queries.open_session(author.congress, dates.today(), motions=True)
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
    locked, t = begin(case, "submit", acting_user, version=version)
    motion = (
        Motion.objects.select_for_update(of=("self",)).select_related("session").get(case=locked)
    )
    if not motion.session.accepts_motions_on(dates.today()):
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
    finish(
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
    locked, t = begin(case, "decide", acting_user, version=version)
    motion = (
        Motion.objects.select_for_update(of=("self",)).select_related("session").get(case=locked)
    )
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
    finish(
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
    finish(
        new,
        FROM_MOTION,
        acting_user,
        note=note,
        data={"motion": motion_case.pk, "motion_title": motion_case.display_title},
        is_public=True,
    )
    return new
