"""Deputies' suggestions (代表建议) and motions (议案) on the shared loop.

Some actions end in one of several states depending on the decision taken (review: accept,
return or merge; sign-off: approve or send back; the presidium: agenda or convert). The table
lists one row per outcome, all under the same action name and permission, so the diagram shows
every arrow; `suggestions.actions` picks the row of the decision taken.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lianxin.casework import kinds
from lianxin.casework.models import DeadlinePolicy, Kind, Rating
from lianxin.casework.workflow import (
    Transition,
    Workflow,
    has_active_assignment,
    no_active_lead,
    register,
)
from lianxin.core import dates


class SuggestionState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    IN_REVIEW = "in_review", _("审查中")
    RETURNED = "returned", _("退回修改")
    ACCEPTED = "accepted", _("审查通过")
    ASSIGNED = "assigned", _("已交办")
    HANDLING = "handling", _("办理中")
    REPLY_PENDING_SIGNOFF = "reply_pending_signoff", _("答复待签发")
    REPLIED = "replied", _("已答复")
    EVALUATED = "evaluated", _("已评价")
    CONCLUDED = "concluded", _("已办结")
    MERGED = "merged", _("已合并")
    WITHDRAWN = "withdrawn", _("已撤回")


class MotionState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    ON_AGENDA = "on_agenda", _("已列入议程")
    CONVERTED = "converted", _("已转为建议")
    WITHDRAWN = "withdrawn", _("已撤回")


S = SuggestionState
M = MotionState

# From acceptance to conclusion: where staff may supervise, assess and remind.
AFTER_ACCEPTANCE = (
    S.ACCEPTED,
    S.ASSIGNED,
    S.HANDLING,
    S.REPLY_PENDING_SIGNOFF,
    S.REPLIED,
    S.EVALUATED,
)
UNDER_HANDLING = (S.ASSIGNED, S.HANDLING, S.REPLY_PENDING_SIGNOFF)
# From assignment on (also after conclusion): where a key suggestion's survey may run.
SURVEY_STATES = (*UNDER_HANDLING, S.REPLIED, S.EVALUATED, S.CONCLUDED)


def _no_pending_cosponsor(case) -> str | None:
    from lianxin.casework.models import CoSponsor

    if CoSponsor.objects.filter(case=case, status=CoSponsor.Status.INVITED).exists():
        return gettext("还有联名代表尚未确认，全部确认或谢绝后方可提交。")
    return None


_no_active_lead = no_active_lead(_("该建议已有主办单位在办理；如需改派，请主办单位先申请退回。"))
_has_active_assignment = has_active_assignment(_("该建议没有在办的交办。"))


def _may_rehandle(case) -> str | None:
    if case.rating != Rating.DISSATISFIED:
        return gettext("只有代表评价为“不满意”的建议才能重新办理。")
    if case.round > 1:
        return gettext("该建议已重新办理过一次，请依据第二次答复办结。")
    return None


def _may_conclude(case) -> str | None:
    if case.rating == Rating.DISSATISFIED and case.round == 1:
        return gettext("代表评价为“不满意”，应先重新办理。")
    suggestion = getattr(case, "suggestion", None)
    if suggestion is None or not suggestion.outcome:
        return gettext("请先作出办理结果认定。")
    return None


def _is_key(case) -> str | None:
    if not case.is_key_supervision:
        return gettext("该建议未列为重点督办。")
    return None


def _may_request_extension(case) -> str | None:

    from lianxin.casework.models import ExtensionRequest

    if ExtensionRequest.objects.filter(
        case_id=case.pk, status=ExtensionRequest.Status.PENDING
    ).exists():
        return gettext("已有一份延期申请正在审批，请待审批后再申请。")
    if case.due_date is None:
        return gettext("该建议没有答复期限。")
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


def _open_survey_round(case) -> bool:
    from lianxin.casework.models import SurveyRound

    return SurveyRound.objects.filter(case_id=case.pk, closed_at__isnull=True).exists()


def _may_open_survey(case) -> str | None:
    if not case.is_key_supervision:
        return gettext("只有重点督办建议开展满意度测评。")
    if _open_survey_round(case):
        return gettext("本轮满意度测评尚未结束。")
    return None


def _survey_is_open(case) -> str | None:
    if not _open_survey_round(case):
        return gettext("当前没有进行中的满意度测评。")
    return None


# Timeline entries of suggestions and motions that are not transitions.
OWN_EVENT_LABELS = {
    "invite": _("邀请联名"),
    "from_motion": _("由议案转为建议"),
    "commitment_kept": _("承诺事项已兑现"),
    "commitment_not_kept": _("承诺事项未兑现"),
    "assign_batch": _("集中交办"),
    "co_opinion_overdue": _("会办意见逾期"),
    "extension_withdrawn": _("延期申请撤回"),
}


SUGGESTION_WORKFLOW = register(
    Workflow(
        kind=Kind.SUGGESTION,
        detail_url_name="suggestion_detail",
        event_labels=OWN_EVENT_LABELS,
        label=_("代表建议"),
        states=SuggestionState,
        initial=S.DRAFT,
        final=frozenset({S.CONCLUDED, S.MERGED, S.WITHDRAWN}),
        reply_category_required=True,
        deadline_steps={
            S.ASSIGNED: DeadlinePolicy.Step.HANDLE,
            S.HANDLING: DeadlinePolicy.Step.HANDLE,
            S.REPLY_PENDING_SIGNOFF: DeadlinePolicy.Step.HANDLE,
        },
        transitions=[
            Transition(
                "cosign",
                (S.DRAFT,),
                None,
                "suggestion.cosign",
                _("联名确认"),
                description=_("受邀代表确认或谢绝联名"),
            ),
            Transition(
                "submit",
                (S.DRAFT,),
                S.SUBMITTED,
                "suggestion.submit",
                _("提交"),
                guard=_no_pending_cosponsor,
                description=_("领衔代表提交；联名代表须全部确认或谢绝"),
            ),
            Transition(
                "withdraw",
                (S.DRAFT, S.SUBMITTED, S.RETURNED),
                S.WITHDRAWN,
                "suggestion.submit",
                _("撤回"),
                description=_("领衔代表在审查通过前撤回"),
                secondary=True,
                confirm=_("确定撤回吗？撤回后不再办理。"),
            ),
            Transition(
                "review",
                (S.SUBMITTED, S.IN_REVIEW),
                S.IN_REVIEW,
                "suggestion.review",
                _("审查"),
                description=_("本层级审查通过，转下一层级"),
            ),
            Transition(
                "review",
                (S.SUBMITTED, S.IN_REVIEW),
                S.ACCEPTED,
                "suggestion.review",
                _("审查"),
                description=_("最后一个层级审查通过（立案）"),
            ),
            Transition(
                "review",
                (S.SUBMITTED, S.IN_REVIEW),
                S.RETURNED,
                "suggestion.review",
                _("审查"),
                description=_("退回代表修改，须说明理由"),
            ),
            Transition(
                "review",
                (S.SUBMITTED, S.IN_REVIEW),
                S.MERGED,
                "suggestion.review",
                _("审查"),
                description=_("并入相近的建议，全部代表均为其提出人"),
            ),
            Transition(
                "resubmit",
                (S.RETURNED,),
                S.IN_REVIEW,
                "suggestion.resubmit",
                _("修改后重新提交"),
                description=_("回到退回它的审查层级"),
            ),
            Transition(
                "assign",
                (S.ACCEPTED, S.ASSIGNED, S.HANDLING),
                S.ASSIGNED,
                "case.assign",
                _("交办"),
                guard=_no_active_lead,
                description=_(
                    "主办单位及协办单位；自交办之日起三个月内答复，复杂的六个月（按月计算，"
                    "末日为法定休假日的顺延）"
                ),
            ),
            Transition(
                "return",
                UNDER_HANDLING[:2],
                None,
                "case.return",
                _("申请退回"),
                guard=_has_active_assignment,
                description=_("承办单位在规定工作日内说明理由退回，由工作机构改派"),
                secondary=True,
            ),
            Transition(
                "request_extension",
                UNDER_HANDLING[:2],
                None,
                "suggestion.request_extension",
                _("申请延期"),
                guard=_may_request_extension,
                description=_(
                    "主办单位在答复期限届满前说明理由、提出延至日期（须晚于现期限）；"
                    "同一时间只能有一份待审批的申请"
                ),
            ),
            Transition(
                "decide_extension",
                UNDER_HANDLING,
                None,
                "case.assign",
                _("审批延期申请"),
                guard=_extension_pending,
                description=_(
                    "工作机构同意（答复期限改为批准的日期，逾期标记解除）或不同意（须说明理由）"
                ),
            ),
            Transition(
                "co_opinion",
                (S.ASSIGNED,),
                S.HANDLING,
                "suggestion.co_opinion",
                _("会办意见"),
                description=_("协办单位向主办单位提出会办意见"),
            ),
            Transition(
                "co_opinion",
                (S.HANDLING,),
                None,
                "suggestion.co_opinion",
                _("会办意见"),
            ),
            Transition(
                "consult",
                (S.ASSIGNED,),
                S.HANDLING,
                "case.consult",
                _("沟通记录"),
                description=_("办前沟通，开始办理"),
            ),
            Transition(
                "consult",
                (S.HANDLING, S.REPLY_PENDING_SIGNOFF, S.REPLIED, S.EVALUATED),
                None,
                "case.consult",
                _("沟通记录"),
                description=_("办中、办后沟通"),
            ),
            Transition(
                "reply",
                (S.ASSIGNED, S.HANDLING),
                S.REPLY_PENDING_SIGNOFF,
                "suggestion.reply",
                _("答复"),
                description=_("主办单位经办人拟写答复函（A/B/C 类及承诺事项），报本单位签发人签发"),
            ),
            Transition(
                "sign_off",
                (S.REPLY_PENDING_SIGNOFF,),
                S.REPLIED,
                "suggestion.sign_off",
                _("签发答复"),
                description=_("本单位另一位签发人同意签发，答复送达代表"),
            ),
            Transition(
                "sign_off",
                (S.REPLY_PENDING_SIGNOFF,),
                S.HANDLING,
                "suggestion.sign_off",
                _("签发答复"),
                description=_("不同意签发，退回经办人修改"),
            ),
            Transition(
                "evaluate",
                (S.REPLIED, S.EVALUATED),
                S.EVALUATED,
                "suggestion.evaluate",
                _("评价"),
                description=_("提出建议的代表逐一评价；以最低的评价为准"),
            ),
            Transition(
                "rehandle",
                (S.EVALUATED,),
                S.HANDLING,
                "case.rehandle",
                _("重新办理"),
                guard=_may_rehandle,
                description=_("代表不满意的，重新办理并再次答复"),
            ),
            Transition(
                "supervise",
                AFTER_ACCEPTANCE,
                None,
                "suggestion.supervise",
                _("列为重点督办"),
                description=_("确定督办领导或委员会"),
            ),
            Transition(
                "supervision_progress",
                AFTER_ACCEPTANCE,
                None,
                "case.supervise",
                _("督办进展"),
                guard=_is_key,
                description=_("重点督办建议的督办活动和进展"),
            ),
            Transition(
                "open_survey",
                SURVEY_STATES,
                None,
                "suggestion.supervise",
                _("开展满意度测评"),
                guard=_may_open_survey,
                description=_("重点督办建议：请领衔代表和联名代表对办理情况进行满意度测评"),
            ),
            Transition(
                "answer_survey",
                SURVEY_STATES,
                None,
                "suggestion.survey_answer",
                _("填写满意度测评"),
                guard=_survey_is_open,
                description=_("受邀代表每人一份，测评结束前可以修改"),
            ),
            Transition(
                "close_survey",
                SURVEY_STATES,
                None,
                "suggestion.supervise",
                _("结束满意度测评"),
                guard=_survey_is_open,
                description=_("结束本轮测评，结果列入重点督办情况"),
            ),
            Transition(
                "remind",
                UNDER_HANDLING,
                None,
                "case.remind",
                _("催办"),
            ),
            Transition(
                "assess",
                (*AFTER_ACCEPTANCE, S.CONCLUDED),
                None,
                "suggestion.assess",
                _("质量评价"),
                description=_("工作机构评价建议质量"),
            ),
            Transition(
                "determine",
                (S.EVALUATED,),
                None,
                "suggestion.assess",
                _("办理结果认定"),
                description=_("办理评价和办理结果认定"),
            ),
            Transition(
                "conclude",
                (S.EVALUATED,),
                S.CONCLUDED,
                "suggestion.conclude",
                _("办结"),
                guard=_may_conclude,
                description=_("满意或基本满意，或重新办理后再次答复，经结果认定后办结"),
            ),
        ],
    )
)


MOTION_WORKFLOW = register(
    Workflow(
        kind=Kind.MOTION,
        detail_url_name="suggestion_detail",
        event_labels=OWN_EVENT_LABELS,
        label=_("议案"),
        states=MotionState,
        initial=M.DRAFT,
        final=frozenset({M.ON_AGENDA, M.CONVERTED, M.WITHDRAWN}),
        transitions=[
            Transition(
                "cosign",
                (M.DRAFT,),
                None,
                "suggestion.cosign",
                _("附议确认"),
                description=_("受邀代表确认或谢绝附议；工作机构可登记书面附议"),
            ),
            Transition(
                "submit",
                (M.DRAFT,),
                M.SUBMITTED,
                "suggestion.submit",
                _("提交"),
                description=_(
                    "领衔代表在会议期间提交；附议代表须达到法定人数（县级以上 10 人，乡镇 5 人），"
                    "或以代表团名义提出"
                ),
            ),
            Transition(
                "withdraw",
                (M.DRAFT, M.SUBMITTED),
                M.WITHDRAWN,
                "suggestion.submit",
                _("撤回"),
                secondary=True,
                confirm=_("确定撤回吗？撤回后不再办理。"),
            ),
            Transition(
                "decide",
                (M.SUBMITTED,),
                M.ON_AGENDA,
                "motion.decide",
                _("主席团决定"),
                description=_("列入会议议程，交专门委员会审议"),
            ),
            Transition(
                "decide",
                (M.SUBMITTED,),
                M.CONVERTED,
                "motion.decide",
                _("主席团决定"),
                description=_("作为建议处理：生成一件建议，保留来源和全部提出人"),
            ),
        ],
    )
)


def _search_text(case) -> str:
    """A suggestion is found by its title, its text and its problem and measures."""
    suggestion = getattr(case, "suggestion", None)
    parts = [case.title, case.content]
    if suggestion is not None:
        parts += [suggestion.problem, suggestion.measures]
    return "\n".join(part for part in parts if part)


# Its figures (casework.metrics): the loop's, and reply classes, consultation, key supervision.
SUGGESTION_FIGURES = ("reply_a", "reply_b", "reply_c", "consultation_rate", "key_supervision")
kinds.declare(
    Kind.SUGGESTION,
    search_text=_search_text,
    figures=(_("代表建议统计"), SUGGESTION_FIGURES),
)
kinds.declare(Kind.MOTION, figures=(_("议案统计"), ("key_supervision",)))
