"""Citizens' opinions: the five steps (登记—梳理—处理—反馈—评议) on the shared loop."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lianxin.casework import deadlines, kinds
from lianxin.casework.models import DeadlinePolicy, Kind, Rating
from lianxin.casework.notify import NotifyRule
from lianxin.casework.workflow import (
    Transition,
    Workflow,
    has_active_assignment,
    no_active_lead,
    register,
)
from lianxin.core import dates


class OpinionState(models.TextChoices):
    REGISTERED = "registered", _("待梳理")
    TRIAGED = "triaged", _("已梳理")
    HANDLING = "handling", _("办理中")
    REPLIED = "replied", _("已答复")
    FED_BACK = "fed_back", _("已反馈")
    EVALUATED = "evaluated", _("已评价")
    CONCLUDED = "concluded", _("已办结")
    DECLINED = "declined", _("不予受理")
    MERGED = "merged", _("已合并")
    CONVERTED = "converted", _("已转为代表建议")


S = OpinionState
OPEN = (S.REGISTERED, S.TRIAGED, S.HANDLING, S.REPLIED, S.FED_BACK, S.EVALUATED)


_no_active_lead = no_active_lead(_("该意见已有主办单位在办理；如需改派，请主办单位先申请退回。"))
_has_active_assignment = has_active_assignment(_("该意见没有交办给承办单位。"))


def _dissatisfied(case) -> str | None:
    if case.rating != Rating.DISSATISFIED:
        return gettext("只有群众评价为“不满意”的意见才能重新办理。")
    return None


def _may_conclude(case) -> str | None:
    if case.state == S.EVALUATED:
        # Turned into a suggestion, the opinion is handled there: it concludes with the rating
        # of the suggestion's reply, whatever it is (casework.lineage).
        if case.rating == Rating.DISSATISFIED and case.round == 1 and not _is_derived(case):
            return gettext("群众评价为“不满意”，应先重新办理。")
        return None
    # Fed back but not rated: only after the waiting time.
    if case.fed_back_at is None:
        return gettext("尚未反馈群众。")
    amount, unit = deadlines.policy(case.kind, DeadlinePolicy.Step.AUTO_CONCLUDE)
    fed_back_on = timezone.localtime(case.fed_back_at).date()
    if dates.today() < deadlines.shift(fed_back_on, amount, unit):
        return gettext("反馈后群众尚未评价，%(n)s%(unit)s后方可办结。") % {
            "n": amount,
            "unit": DeadlinePolicy.Unit(unit).label,
        }
    return None


def _is_derived(case) -> bool:
    from lianxin.casework.lineage import is_derived

    return is_derived(case)


OPINION_WORKFLOW = register(
    Workflow(
        kind=Kind.OPINION,
        label=_("群众意见"),
        states=OpinionState,
        initial=S.REGISTERED,
        final=frozenset({S.CONCLUDED, S.DECLINED, S.MERGED}),
        deadline_steps={
            S.REGISTERED: DeadlinePolicy.Step.TRIAGE,
            S.TRIAGED: DeadlinePolicy.Step.HANDLE,
            S.HANDLING: DeadlinePolicy.Step.HANDLE,
            S.REPLIED: DeadlinePolicy.Step.FEEDBACK,
        },
        tracking_url_name="opinion_track",
        transitions=[
            Transition(
                "triage",
                (S.REGISTERED,),
                S.TRIAGED,
                "case.triage",
                _("梳理"),
                description=_("定类别、地点和责任代表（联络站）"),
            ),
            Transition(
                "merge",
                (S.REGISTERED, S.TRIAGED),
                S.MERGED,
                "case.triage",
                _("合并重复件"),
                description=_("并入已有的同一问题，提出人随之获知进展"),
                secondary=True,
                confirm=_("确定并入所选案件吗？并入后本件不再单独办理。"),
            ),
            Transition(
                "unmerge",
                (S.MERGED,),
                None,  # back to the state it had before the merge (casework.actions)
                "case.unmerge",
                _("撤销合并"),
                description=_("恢复为单独办理的案件，回到合并前的状态，不再随主案件获知进展"),
                secondary=True,
                confirm=_("确定撤销合并吗？本件将恢复单独办理。"),
            ),
            Transition(
                "decline",
                (S.REGISTERED, S.TRIAGED),
                S.DECLINED,
                "case.triage",
                _("不予受理"),
                description=_("无效信息或不属于受理范围，须说明理由"),
                secondary=True,
                confirm=_("确定不予受理吗？理由将告知群众。"),
            ),
            Transition(
                "derive",
                (S.REGISTERED, S.TRIAGED),
                S.CONVERTED,
                "case.derive",
                _("转为代表建议"),
                description=_(
                    "代表（或梳理时工作机构）将一件或几件意见转为代表建议草稿；意见等待建议的答复"
                ),
                secondary=True,
            ),
            Transition(
                "origin_reply",
                (S.CONVERTED,),
                S.FED_BACK,
                "case.feedback",
                _("代表建议已答复"),
                system=True,
                description=_("所转代表建议答复后，答复送达群众（查询页和短信），请群众评价"),
            ),
            Transition(
                "origin_release",
                (S.CONVERTED,),
                S.REGISTERED,
                "case.feedback",
                _("所转代表建议已撤回"),
                system=True,
                description=_("所转代表建议撤回后，意见退回待梳理，由工作机构重新梳理办理"),
            ),
            Transition(
                "assign",
                (S.TRIAGED, S.HANDLING),
                S.HANDLING,
                "case.assign",
                _("交办"),
                guard=_no_active_lead,
                description=_("交主办单位及协办单位，按工作日计算答复期限"),
            ),
            Transition(
                "return",
                (S.HANDLING,),
                None,
                "case.return",
                _("申请退回"),
                guard=_has_active_assignment,
                description=_("承办单位在规定工作日内说明理由退回，由工作机构改派"),
                secondary=True,
            ),
            Transition(
                "consult",
                (S.TRIAGED, S.HANDLING, S.REPLIED, S.FED_BACK),
                None,
                "case.consult",
                _("沟通记录"),
                description=_("办前、办中、办后沟通"),
            ),
            Transition(
                "reply",
                (S.TRIAGED, S.HANDLING),
                S.REPLIED,
                "case.reply",
                _("答复"),
                description=_("主办单位答复，或代表直接解释答复"),
            ),
            Transition(
                "feedback",
                (S.REPLIED,),
                S.FED_BACK,
                "case.feedback",
                _("反馈群众"),
            ),
            Transition(
                "evaluate",
                (S.FED_BACK,),
                S.EVALUATED,
                "case.evaluate",
                _("评价"),
                citizen=True,
                description=_("群众凭查询码评价，或工作人员回访后代为登记"),
            ),
            Transition(
                "rehandle",
                (S.EVALUATED,),
                S.HANDLING,
                "case.rehandle",
                _("重新办理"),
                guard=_dissatisfied,
                description=_("群众不满意的，重新确定答复期限"),
            ),
            Transition(
                "conclude",
                (S.EVALUATED, S.FED_BACK),
                S.CONCLUDED,
                "case.conclude",
                _("办结"),
                guard=_may_conclude,
                system=True,
                description=_("评价后办结；反馈后 7 日未评价的由系统自动办结"),
            ),
            Transition(
                "supervise",
                OPEN,
                None,
                "case.supervise",
                _("重点督办"),
            ),
            Transition(
                "remind",
                (S.REGISTERED, S.TRIAGED, S.HANDLING, S.REPLIED),
                None,
                "case.remind",
                _("催办"),
            ),
        ],
    )
)


def _search_text(case) -> str:
    return "\n".join(part for part in (case.title, case.content, case.place) if part)


# The rest of the opinion's declaration: its figures page and what a search index keeps.
kinds.declare(
    Kind.OPINION,
    label=Kind.OPINION.label,
    figures=_("群众意见统计"),
    search_text=_search_text,
    # casework.lineage: the citizen hears that the opinion became a suggestion, and of its reply.
    notify={
        "derive": NotifyRule(sms=_("您反映的问题已由代表转为代表建议办理，可凭查询码查看进展。")),
        "origin_reply": NotifyRule(sms=_("您反映的问题所转的代表建议已有答复，请查看并评价。")),
        # Back to the office to be triaged again; the citizen knows it is still being handled.
        "origin_release": NotifyRule(
            ("office", "station"),
            sms=_("您反映的问题所转的代表建议已撤回，将重新梳理办理。"),
        ),
    },
)
