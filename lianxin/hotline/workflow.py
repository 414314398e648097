"""12345 hotline work orders (12345 工单) on the shared loop.

A work order comes from a hotline's file (or, later, its interface) already numbered by the
hotline: it is received (已接收) with that number and channel, triaged by the office (category;
the same-issue check of `casework.duplicates` is shown on its page), dispatched to a lead unit
(派单), handled (the unit records its first contact), replied, and then the hotline's return
visit (回访) records the caller's satisfaction with a note; a satisfied or basically satisfied
order is concluded, a dissatisfied one handled again. Every step is one of the loop's shared
actions with this kind's own states; only the permissions are the kind's (`hotline.rules`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lianxin.casework import kinds
from lianxin.casework.models import DeadlinePolicy, Kind, Rating
from lianxin.casework.notify import NotifyRule
from lianxin.casework.workflow import (
    Transition,
    Workflow,
    has_active_assignment,
    no_active_lead,
    register,
)


class WorkOrderState(models.TextChoices):
    RECEIVED = "received", _("已接收")
    TRIAGED = "triaged", _("已分类")
    DISPATCHED = "dispatched", _("已派单")
    HANDLING = "handling", _("办理中")
    REPLIED = "replied", _("已答复")
    VISITED = "visited", _("已回访")
    CONCLUDED = "concluded", _("已办结")
    MERGED = "merged", _("已合并")


W = WorkOrderState

UNDER_HANDLING = (W.DISPATCHED, W.HANDLING)
# The order of the states along the loop (an imported order may start at any of them; a merge
# is ours, never imported).
ORDER = [s.value for s in W if s != W.MERGED]


def _may_rehandle(case) -> str | None:
    if case.rating != Rating.DISSATISFIED:
        return gettext("只有回访结果为“不满意”的工单才能重新办理。")
    return None


def _may_conclude(case) -> str | None:
    if case.rating == Rating.DISSATISFIED:
        return gettext("回访结果为“不满意”，应先重新办理。")
    return None


_no_active_lead = no_active_lead(_("该工单已有主办单位在办理；如需改派，请主办单位先申请退回。"))
_has_active_assignment = has_active_assignment(_("该工单没有在办的派单。"))

OWN_EVENT_LABELS = {"import": _("导入工单")}

WORK_ORDER_WORKFLOW = register(
    Workflow(
        kind=Kind.WORK_ORDER,
        label=_("12345 工单"),
        states=WorkOrderState,
        initial=W.RECEIVED,
        final=frozenset({W.CONCLUDED, W.MERGED}),
        detail_url_name="work_order_detail",
        event_labels=OWN_EVENT_LABELS,
        deadline_steps={
            W.RECEIVED: DeadlinePolicy.Step.TRIAGE,
            W.TRIAGED: DeadlinePolicy.Step.TRIAGE,
            W.DISPATCHED: DeadlinePolicy.Step.HANDLE,
            W.HANDLING: DeadlinePolicy.Step.HANDLE,
        },
        transitions=[
            Transition(
                "triage",
                (W.RECEIVED,),
                W.TRIAGED,
                "work_order.triage",
                _("分类"),
                description=_("热线工作人员确定类别；页面列出可能是同一问题的事项"),
            ),
            Transition(
                "merge",
                (W.RECEIVED, W.TRIAGED),
                W.MERGED,
                "work_order.triage",
                _("合并重复件"),
                description=_(
                    "同一问题并入一个主案件（工单或群众意见），工单编号保留，来电人随之获知进展"
                ),
                secondary=True,
                confirm=_("确定并入所选案件吗？并入后本工单不再单独办理。"),
            ),
            Transition(
                "unmerge",
                (W.MERGED,),
                None,  # back to the state it had before the merge (casework.actions)
                "case.unmerge",
                _("撤销合并"),
                description=_("恢复为单独办理的工单，回到合并前的状态"),
                secondary=True,
                confirm=_("确定撤销合并吗？本工单将恢复单独办理。"),
            ),
            Transition(
                "assign",
                (W.TRIAGED, W.DISPATCHED, W.HANDLING),
                W.DISPATCHED,
                "work_order.dispatch",
                _("派单"),
                guard=_no_active_lead,
                description=_("派给一个主办单位及若干协办单位，期限按工作日计算"),
            ),
            Transition(
                "return",
                UNDER_HANDLING,
                None,
                "case.return",
                _("申请退回"),
                guard=_has_active_assignment,
                description=_("承办单位说明理由退回，由热线改派"),
                secondary=True,
            ),
            Transition(
                "consult",
                (W.DISPATCHED,),
                W.HANDLING,
                "case.consult",
                _("签收办理"),
                description=_("承办单位与来电人联系，开始办理"),
            ),
            Transition(
                "consult",
                (W.HANDLING, W.REPLIED),
                None,
                "case.consult",
                _("沟通记录"),
                description=_("办理中、答复后的沟通"),
            ),
            Transition(
                "reply",
                UNDER_HANDLING,
                W.REPLIED,
                "case.reply",
                _("答复"),
                description=_("主办单位答复办理结果"),
            ),
            Transition(
                "evaluate",
                (W.REPLIED,),
                W.VISITED,
                "work_order.visit",
                _("回访"),
                description=_("热线回访来电人，登记满意度（满意、基本满意、不满意）和回访记录"),
            ),
            Transition(
                "rehandle",
                (W.VISITED,),
                W.HANDLING,
                "work_order.dispatch",
                _("重新办理"),
                guard=_may_rehandle,
                description=_("回访不满意的，重新办理并再次答复"),
            ),
            Transition("remind", UNDER_HANDLING, None, "case.remind", _("催办")),
            Transition("supervise", UNDER_HANDLING, None, "case.supervise", _("督办")),
            Transition(
                "conclude",
                (W.VISITED,),
                W.CONCLUDED,
                "work_order.conclude",
                _("办结"),
                guard=_may_conclude,
                description=_("回访满意或基本满意后办结"),
            ),
        ],
    )
)


kinds.declare(
    Kind.WORK_ORDER,
    label=Kind.WORK_ORDER.label,
    notify={
        # The hotline tells its own caller; whoever reported the same problem through another
        # channel and was merged into this order hears of the reply from us (casework.notify).
        "reply": NotifyRule(
            ("office", "station", "deputy"),
            sms=_("您反映的问题已有办理结果，请凭查询码查看。"),
            sms_merged_only=True,
        ),
    },
)
