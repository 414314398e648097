"""A kind that exists only in tests: 演练件 ("drill"), declared here and nowhere else.

It follows docs/architecture.md "How to add a kind": a workflow with its states, one action of
its own (`inspect`) with its body, one of the loop's actions (`reply`) with a richer body than
the loop's, an access rule, and a work list on the office's workbench. A drill may be raised by
a CPPCC member: it then uses the loop's shared pieces for a member's seat (co-sponsors who
confirm before a date, a satisfaction survey) and a blind two-way evaluation. `install()` declares it
and `uninstall()` takes every piece away again; the contract tests
(lianxin/casework/tests/test_kinds.py) check that the generic mechanism serves it and forgets it.
"""

from __future__ import annotations

from django.db import models, transaction
from ninja import Field, Schema

from lianxin.accounts import access
from lianxin.casework import actions as loop
from lianxin.casework import evaluations, kinds, shared, workflow, worklists
from lianxin.casework.models import Case
from lianxin.casework.notify import NotifyRule
from lianxin.casework.rules import case_office, case_units
from lianxin.core import dates
from lianxin.org.models import Member

KIND = "drill"


class DrillState(models.TextChoices):
    OPEN = "open", "待检查"
    INSPECTED = "inspected", "已检查"
    REPLIED = "replied", "已答复"


class InspectIn(Schema):
    version: int | None = None
    finding: str = Field(..., min_length=1, description="检查发现")


class DrillReplyIn(Schema):
    version: int | None = None
    content: str = Field(..., min_length=1)
    score: int = Field(..., ge=1, le=5, description="自评分 1–5")


class InviteIn(Schema):
    version: int | None = None
    members: list[int] = Field(..., min_length=1, description="受邀联名的委员席位")
    respond_by: str | None = Field(None, description="确认截止日期 YYYY-MM-DD")


class CosignIn(Schema):
    version: int | None = None
    accept: bool = True


class EvaluateIn(Schema):
    version: int | None = None
    rating: str
    comment: str = ""


class RateIn(Schema):
    version: int | None = None
    quality: str
    comment: str = ""


class SurveyIn(Schema):
    version: int | None = None
    note: str = ""


class AnswerIn(Schema):
    version: int | None = None
    rating: str
    comment: str = ""


def do_open_drill(congress=None, *, title: str, acting_user, member=None) -> Case:
    """Open a drill for a congress, or one raised by a CPPCC member for their CPPCC."""
    owner = (
        {"cppcc": member.cppcc, "raised_by_member": member, "scope_code": member.cppcc.region.code}
        if member is not None
        else {"congress": congress, "scope_code": congress.region.code}
    )
    with transaction.atomic():
        case = Case.objects.create(
            kind=KIND, state=DrillState.OPEN, title=title, content=title, **owner
        )
        loop.finish(case, None, acting_user, action="open")
    return case


def do_invite_drill(case, *, members, respond_by=None, acting_user, version=None) -> None:
    day = dates.parse_day(respond_by, field="respond_by", label="确认截止日期")
    with transaction.atomic():
        locked, t = loop.begin(case, "invite", acting_user, version=version)
        seats = list(Member.objects.filter(pk__in=members, cppcc_id=locked.cppcc_id))
        rows = shared.invite(locked, seats, respond_by=day)
        loop.finish(locked, t, acting_user, data={"members": [r.member_id for r in rows]})


def do_cosign_drill(case, *, accept: bool, acting_user, version=None) -> None:
    with transaction.atomic():
        locked, t = loop.begin(case, "cosign", acting_user, version=version)
        row = shared.respond(locked, acting_user, accept=accept)
        loop.finish(locked, t, acting_user, data={"member": row.member_id, "accept": accept})


def do_evaluate_drill(case, *, rating: str, comment: str = "", acting_user, version=None):
    with transaction.atomic():
        locked, t = loop.begin(case, "evaluate", acting_user, version=version)
        ev = evaluations.rate_handling(
            locked,
            rating=rating,
            comment=comment,
            seat=locked.raised_by_member,
            acting_user=acting_user,
        )
        loop.finish(locked, t, acting_user, data={"rating": ev.rating})


def do_rate_drill(case, *, quality: str, comment: str = "", acting_user, version=None):
    with transaction.atomic():
        locked, t = loop.begin(case, "rate_submission", acting_user, version=version)
        ev = evaluations.rate_submission(
            locked, quality=quality, comment=comment, acting_user=acting_user
        )
        loop.finish(locked, t, acting_user, data={"quality": ev.quality, "unit": ev.by_unit_id})


def do_open_drill_survey(case, *, note: str = "", acting_user, version=None):
    with transaction.atomic():
        locked, t = loop.begin(case, "open_survey", acting_user, version=version)
        seats = [locked.raised_by_member] + [r.seat for r in shared.confirmed(locked)]
        survey = shared.open_survey(locked, seats, note=note, acting_user=acting_user)
        loop.finish(locked, t, acting_user, data={"round": survey.number, "asked": len(seats)})


def do_answer_drill_survey(case, *, rating: str, comment: str = "", acting_user, version=None):
    with transaction.atomic():
        locked, t = loop.begin(case, "answer_survey", acting_user, version=version)
        answer = shared.answer_survey(
            locked, rating=rating, comment=comment, acting_user=acting_user
        )
        loop.finish(locked, t, acting_user, data={"member": answer.member_id, "rating": rating})


def do_inspect(case, *, finding: str, acting_user, version=None) -> None:
    with transaction.atomic():
        locked, t = loop.begin(case, "inspect", acting_user, version=version)
        locked.supervision_note = finding
        loop.finish(locked, t, acting_user, fields=["supervision_note"], note=finding)


def do_reply_drill(case, *, content: str, score: int, acting_user, version=None) -> None:
    with transaction.atomic():
        locked, t = loop.begin(case, "reply", acting_user, version=version)
        loop.finish(locked, t, acting_user, note=content, data={"score": score})


def _office(g, case) -> bool:
    return case_office(g, case)


def _member(g, case) -> bool:
    return bool(g.member_ids) and case.cppcc_id is not None


def _raiser(g, case) -> bool:
    return case.raised_by_member_id is not None and case.raised_by_member_id in g.member_ids


def _unit(g, case) -> bool:
    return bool(case_units(g, case))


WORKFLOW = workflow.Workflow(
    kind=KIND,
    label="演练件",
    states=DrillState,
    initial=DrillState.OPEN,
    final=frozenset({DrillState.REPLIED}),
    transitions=[
        workflow.Transition(
            "inspect", (DrillState.OPEN,), DrillState.INSPECTED, "drill.inspect", "检查"
        ),
        workflow.Transition(
            "reply", (DrillState.INSPECTED,), DrillState.REPLIED, "drill.inspect", "答复"
        ),
        workflow.Transition("invite", (DrillState.OPEN,), None, "drill.inspect", "邀请联名"),
        workflow.Transition("cosign", (DrillState.OPEN,), None, "drill.cosign", "联名确认"),
        workflow.Transition(
            "open_survey", (DrillState.REPLIED,), None, "drill.inspect", "发起满意度测评"
        ),
        workflow.Transition(
            "answer_survey", (DrillState.REPLIED,), None, "drill.cosign", "填写满意度测评"
        ),
        workflow.Transition("evaluate", (DrillState.REPLIED,), None, "drill.evaluate", "评价"),
        workflow.Transition(
            "rate_submission", (DrillState.REPLIED,), None, "drill.rate", "评价提交质量"
        ),
    ],
    event_labels={"open": "开立"},
)

ACTIONS = [
    kinds.ActionSpec(
        "inspect",
        InspectIn,
        lambda request, case, body: do_inspect(
            case, finding=body.finding, acting_user=request.auth, version=body.version
        ),
        "演练件检查",
    ),
    kinds.ActionSpec(
        "reply",
        DrillReplyIn,
        lambda request, case, body: do_reply_drill(
            case,
            content=body.content,
            score=body.score,
            acting_user=request.auth,
            version=body.version,
        ),
        "演练件答复（带自评分）",
    ),
    kinds.ActionSpec(
        "invite",
        InviteIn,
        lambda request, case, body: do_invite_drill(
            case,
            members=body.members,
            respond_by=body.respond_by,
            acting_user=request.auth,
            version=body.version,
        ),
        "邀请委员联名",
    ),
    kinds.ActionSpec(
        "cosign",
        CosignIn,
        lambda request, case, body: do_cosign_drill(
            case, accept=body.accept, acting_user=request.auth, version=body.version
        ),
        "委员确认或谢绝联名",
    ),
    kinds.ActionSpec(
        "evaluate",
        EvaluateIn,
        lambda request, case, body: do_evaluate_drill(
            case,
            rating=body.rating,
            comment=body.comment,
            acting_user=request.auth,
            version=body.version,
        ),
        "提出人评价办理",
    ),
    kinds.ActionSpec(
        "rate_submission",
        RateIn,
        lambda request, case, body: do_rate_drill(
            case,
            quality=body.quality,
            comment=body.comment,
            acting_user=request.auth,
            version=body.version,
        ),
        "承办单位评价提交质量",
    ),
    kinds.ActionSpec(
        "open_survey",
        SurveyIn,
        lambda request, case, body: do_open_drill_survey(
            case, note=body.note, acting_user=request.auth, version=body.version
        ),
        "发起满意度测评",
    ),
    kinds.ActionSpec(
        "answer_survey",
        AnswerIn,
        lambda request, case, body: do_answer_drill_survey(
            case,
            rating=body.rating,
            comment=body.comment,
            acting_user=request.auth,
            version=body.version,
        ),
        "填写满意度测评",
    ),
]

RULES = {"drill.inspect": _office, "drill.cosign": _member, "drill.evaluate": _raiser}
RULES["drill.rate"] = _unit


def _worklist(user):
    qs = access.visible_to(user, Case).filter(kind=KIND, state=DrillState.OPEN)
    return list(qs.order_by("-id")[:10]), qs.count(), ""


def install() -> None:
    workflow.register(WORKFLOW)
    kinds.declare(
        KIND,
        label="演练件",
        actions=ACTIONS,
        # The office hears of each inspection; the reply goes by the loop's own rule.
        notify={"inspect": NotifyRule(("office",))},
        blind_evaluation=True,
        # Members invited to co-sponsor see the drill they are asked to join.
        visibility=lambda g: (None, shared.cosponsored(g)),
    )
    for name, fn in RULES.items():
        access.rule(name)(fn)
    worklists.register("staff", "drills", "待检查的演练件", _worklist)


def uninstall() -> None:
    workflow.unregister(KIND)
    kinds.forget(KIND)
    for name in RULES:
        access.forget_rule(name)
    worklists.unregister("drills")
