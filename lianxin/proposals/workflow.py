"""CPPCC proposals (政协提案) on the shared loop.

A member drafts a proposal, alone or with co-sponsors of the same CPPCC who confirm before a
date; submitted, the staff of the CPPCC review it for registration (立案审查: register, merge into
a similar one, or decline with a reason and a disposition); registered, it is assigned to a lead
unit and co-handling units, replied (A/B/C, signed off inside the unit) and then evaluated both
ways (双向评议, blind): the proposers rate the handling, the lead unit the proposal's quality.

The registration review ends in one of three states; the table lists one row per outcome under
the same action name, as suggestions' review does, and `proposals.actions` picks the row of the
decision taken.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lianxin.casework import kinds, shared
from lianxin.casework.models import DeadlinePolicy, Kind, Rating
from lianxin.casework.workflow import (
    Transition,
    Workflow,
    has_active_assignment,
    no_active_lead,
    register,
)
from lianxin.core import dates


class ProposalState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    REGISTERED = "registered", _("已立案")
    DECLINED = "declined", _("不予立案")
    MERGED = "merged", _("已并案")
    ASSIGNED = "assigned", _("已交办")
    HANDLING = "handling", _("办理中")
    REPLY_PENDING_SIGNOFF = "reply_pending_signoff", _("答复待签发")
    REPLIED = "replied", _("已答复")
    EVALUATED = "evaluated", _("已评价")
    CONCLUDED = "concluded", _("已办结")
    WITHDRAWN = "withdrawn", _("已撤回")


P = ProposalState

UNDER_HANDLING = (P.ASSIGNED, P.HANDLING, P.REPLY_PENDING_SIGNOFF)
# The unit rates the proposal's quality once the reply has reached the proposers.
AFTER_REPLY = (P.REPLIED, P.EVALUATED, P.CONCLUDED)


def _no_open_invitation(case) -> str | None:
    """Co-sponsors still invited and not yet past their reply-by date hold the submission; an
    invitation that lapsed unanswered does not."""
    from django.db.models import Q

    from lianxin.casework.models import CoSponsor

    waiting = CoSponsor.objects.filter(case=case, status=CoSponsor.Status.INVITED).filter(
        Q(respond_by__isnull=True) | Q(respond_by__gte=dates.today())
    )
    if waiting.exists():
        return gettext("还有联名委员尚未确认，全部确认、谢绝或确认期限届满后方可提交。")
    return None


_no_active_lead = no_active_lead(_("该提案已有主办单位在办理；如需改派，请主办单位先申请退回。"))
_has_active_assignment = has_active_assignment(_("该提案没有在办的交办。"))


def _may_rehandle(case) -> str | None:
    if case.rating != Rating.DISSATISFIED:
        return gettext("只有提案者评价为“不满意”的提案才能重新办理。")
    return None


def _may_conclude(case) -> str | None:
    if case.rating == Rating.DISSATISFIED:
        return gettext("提案者评价为“不满意”，应先重新办理。")
    return None


def _not_key(case) -> str | None:
    if case.is_key_supervision:
        return gettext("该提案已列为重点提案。")
    return None


def _is_key(case) -> str | None:
    if not case.is_key_supervision:
        return gettext("该提案未列为重点提案。")
    return None


def _may_circulate(case) -> str | None:
    from .models import Proposal

    refusal = _is_key(case)
    if refusal:
        return refusal
    if Proposal.objects.filter(pk=case.pk).exclude(key_result="").exists():
        return gettext("该重点提案的办理结果已通报。")
    return None


def _may_request_extension(case) -> str | None:
    from lianxin.casework.models import ExtensionRequest

    if ExtensionRequest.objects.filter(
        case_id=case.pk, status=ExtensionRequest.Status.PENDING
    ).exists():
        return gettext("已有一份延期申请正在审批，请待审批后再申请。")
    if case.due_date is None:
        return gettext("该提案没有答复期限。")
    if case.due_date < dates.today():
        return gettext("答复期限（%(date)s）已过，不能再申请延期。") % {
            "date": case.due_date.isoformat()
        }
    return None


def _extension_pending(case) -> str | None:
    from lianxin.casework.models import ExtensionRequest

    if not ExtensionRequest.objects.filter(
        case_id=case.pk, status=ExtensionRequest.Status.PENDING
    ).exists():
        return gettext("没有待审批的延期申请。")
    return None


def _letter(case):
    from .models import MemberLetter

    return MemberLetter.objects.filter(proposal_id=case.pk).first()


def _letter_to_forward(case) -> str | None:
    letter = _letter(case)
    if letter is None:
        return gettext("该提案未转为委员来信。")
    if letter.unit_id:
        return gettext("该委员来信已转送。")
    return None


def _letter_to_answer(case) -> str | None:
    letter = _letter(case)
    if letter is None or not letter.unit_id:
        return gettext("该委员来信尚未转送。")
    if letter.answered_at:
        return gettext("该委员来信已回复。")
    return None


OWN_EVENT_LABELS = {
    "extension_withdrawn": _("延期申请撤回"),
    "create": _("撰写提案"),
    "merged_in": _("并入相近提案"),
    "commitment_kept": _("承诺事项已兑现"),
    "commitment_not_kept": _("承诺事项未兑现"),
}


PROPOSAL_WORKFLOW = register(
    Workflow(
        kind=Kind.PROPOSAL,
        detail_url_name="proposal_detail",
        event_labels=OWN_EVENT_LABELS,
        label=_("政协提案"),
        states=ProposalState,
        initial=P.DRAFT,
        final=frozenset({P.CONCLUDED, P.DECLINED, P.MERGED, P.WITHDRAWN}),
        reply_category_required=True,
        deadline_steps={
            P.ASSIGNED: DeadlinePolicy.Step.HANDLE,
            P.HANDLING: DeadlinePolicy.Step.HANDLE,
            P.REPLY_PENDING_SIGNOFF: DeadlinePolicy.Step.HANDLE,
        },
        transitions=[
            Transition(
                "cosign",
                (P.DRAFT,),
                None,
                "proposal.cosign",
                _("联名确认"),
                description=_("受邀的同一政协委员在确认期限前确认或谢绝联名"),
            ),
            Transition(
                "submit",
                (P.DRAFT,),
                P.SUBMITTED,
                "proposal.submit",
                _("提交"),
                guard=_no_open_invitation,
                description=_("提案者提交；联名委员须全部答复或确认期限已过"),
            ),
            Transition(
                "withdraw",
                (P.DRAFT, P.SUBMITTED),
                P.WITHDRAWN,
                "proposal.submit",
                _("撤回"),
                description=_("提案者在立案审查前撤回"),
                secondary=True,
                confirm=_("确定撤回吗？撤回后不再办理。"),
            ),
            Transition(
                "register",
                (P.SUBMITTED,),
                P.REGISTERED,
                "proposal.register",
                _("立案审查"),
                description=_("提案委员会审查立案"),
            ),
            Transition(
                "register",
                (P.SUBMITTED,),
                P.MERGED,
                "proposal.register",
                _("立案审查"),
                description=_("并入相近的提案，全部提案者均为其提案者"),
            ),
            Transition(
                "register",
                (P.SUBMITTED,),
                P.DECLINED,
                "proposal.register",
                _("立案审查"),
                description=_("不予立案，须说明理由；可转为委员来信或留作社情民意信息"),
            ),
            Transition(
                "forward_letter",
                (P.DECLINED,),
                None,
                "proposal.register",
                _("转送委员来信"),
                guard=_letter_to_forward,
                description=_("转为委员来信的，由提案委员会转送有关单位办理"),
            ),
            Transition(
                "answer_letter",
                (P.DECLINED,),
                None,
                "proposal.answer_letter",
                _("回复委员来信"),
                guard=_letter_to_answer,
                description=_("受转送的单位回复委员来信的办理情况"),
            ),
            Transition(
                "assign",
                (P.REGISTERED, P.ASSIGNED, P.HANDLING),
                P.ASSIGNED,
                "case.assign",
                _("交办"),
                guard=_no_active_lead,
                description=_(
                    "主办单位及协办单位；自交办之日起三个月内答复（办理期限可在后台设置）"
                ),
            ),
            Transition(
                "return",
                UNDER_HANDLING[:2],
                None,
                "case.return",
                _("申请退回"),
                guard=_has_active_assignment,
                description=_("承办单位在规定工作日内说明理由退回，由提案委员会改派"),
                secondary=True,
            ),
            Transition(
                "request_extension",
                UNDER_HANDLING[:2],
                None,
                "proposal.request_extension",
                _("申请延期"),
                guard=_may_request_extension,
                description=_(
                    "主办单位在答复期限届满前说明理由、提出延至日期（须晚于现期限）；"
                    "同一时间只能有一份待审批的申请"
                ),
                secondary=True,
            ),
            Transition(
                "decide_extension",
                UNDER_HANDLING,
                None,
                "case.assign",
                _("审批延期申请"),
                guard=_extension_pending,
                description=_(
                    "提案委员会同意（答复期限改为批准的日期，逾期标记解除）或不同意（须说明理由）"
                ),
            ),
            Transition(
                "mark_key",
                (P.REGISTERED, *UNDER_HANDLING),
                None,
                "proposal.key",
                _("列为重点提案"),
                guard=_not_key,
                description=_("提案委员会将已立案的提案列为重点提案，明确领办督办的主席会议成员"),
                secondary=True,
            ),
            Transition(
                "key_meeting",
                (P.REGISTERED, *UNDER_HANDLING, *AFTER_REPLY),
                None,
                "proposal.key",
                _("登记督办推进会"),
                guard=_is_key,
                description=_("重点提案的督办推进会：日期、地点、参加人员和会议纪要"),
                secondary=True,
            ),
            Transition(
                "key_result",
                AFTER_REPLY,
                None,
                "proposal.key",
                _("通报办理结果"),
                guard=_may_circulate,
                description=_("答复后，提案委员会通报重点提案的办理结果（一次）"),
                secondary=True,
            ),
            Transition(
                "consult",
                (P.ASSIGNED,),
                P.HANDLING,
                "case.consult",
                _("沟通记录"),
                description=_("办前与提案者沟通，开始办理"),
            ),
            Transition(
                "consult",
                (P.HANDLING, P.REPLY_PENDING_SIGNOFF, P.REPLIED, P.EVALUATED),
                None,
                "case.consult",
                _("沟通记录"),
                description=_("办中、办后沟通"),
            ),
            Transition(
                "reply",
                (P.ASSIGNED, P.HANDLING),
                P.REPLY_PENDING_SIGNOFF,
                "proposal.reply",
                _("答复"),
                description=_("主办单位经办人拟写答复函（A/B/C 类及承诺事项），报本单位签发人签发"),
            ),
            Transition(
                "sign_off",
                (P.REPLY_PENDING_SIGNOFF,),
                P.REPLIED,
                "proposal.sign_off",
                _("签发答复"),
                description=_("本单位另一位签发人同意签发，答复送达提案者"),
            ),
            Transition(
                "sign_off",
                (P.REPLY_PENDING_SIGNOFF,),
                P.HANDLING,
                "proposal.sign_off",
                _("签发答复"),
                description=_("不同意签发，退回经办人修改"),
            ),
            Transition(
                "evaluate",
                (P.REPLIED, P.EVALUATED),
                P.EVALUATED,
                "proposal.evaluate",
                _("评价办理"),
                description=_("提案者逐一评价办理工作（满意、基本满意、不满意）；以最低的评价为准"),
            ),
            Transition(
                "rate_submission",
                AFTER_REPLY,
                None,
                "proposal.rate",
                _("评价提案质量"),
                description=_("主办单位评价提案质量（优秀、良好、一般、较差）；背靠背评"),
            ),
            Transition(
                "record_result",
                AFTER_REPLY,
                None,
                "proposal.record_result",
                _("登记成果转化"),
                description=_(
                    "答复内容被吸纳进年度民生实事、专项规划或政策文件的，由提案委员会登记文件名称、文号和日期"
                ),
                secondary=True,
            ),
            Transition(
                "select_excellent",
                AFTER_REPLY,
                None,
                "proposal.select_excellent",
                _("评选优秀提案"),
                description=_("提案委员会按年度评选优秀提案，或撤销评选"),
                secondary=True,
            ),
            Transition(
                "rehandle",
                (P.EVALUATED,),
                P.HANDLING,
                "case.rehandle",
                _("重新办理"),
                guard=_may_rehandle,
                description=_("提案者不满意的，重新办理并再次答复"),
            ),
            Transition(
                "remind",
                UNDER_HANDLING,
                None,
                "case.remind",
                _("催办"),
            ),
            Transition(
                "conclude",
                (P.EVALUATED,),
                P.CONCLUDED,
                "proposal.conclude",
                _("办结"),
                guard=_may_conclude,
                description=_("提案者满意或基本满意后，由提案委员会办结"),
            ),
        ],
    )
)


def _visibility(g):
    """A draft is its member's own (and its invited co-sponsors'); members invited to
    co-sponsor see the proposal they are asked to join."""
    from django.db.models import Q

    hidden = Q(state=P.DRAFT) & ~Q(raised_by_member_id__in=g.member_ids)
    # The unit a member's letter was forwarded to reads the declined proposal it came from.
    extra = shared.cosponsored(g)
    if g.unit_ids:
        from .models import MemberLetter

        letters = Q(
            pk__in=MemberLetter.objects.filter(unit_id__in=g.unit_ids).values("proposal_id")
        )
        extra = letters if extra is None else extra | letters
    return hidden, extra


def _attach(g, case):
    """The proposer adds material while it is a draft; afterwards the loop's rule."""
    if case.state == P.DRAFT:
        return case.raised_by_member_id in g.member_ids
    return None


kinds.declare(
    Kind.PROPOSAL,
    label=Kind.PROPOSAL.label,
    visibility=_visibility,
    attach=_attach,
    blind_evaluation=True,
    figures=(
        _("政协提案统计"),
        ("reply_a", "reply_b", "reply_c", "consultation_rate", "key_supervision"),
    ),
)
